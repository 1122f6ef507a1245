import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EXECUTION_ARN, EXECUTION_NAME, rolledBack } from '../lib/report/fixtures/history';
import { expectOneErrorLine, harness } from './harness';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  const { events, describe } = rolledBack();
  sfn.on(DescribeExecutionCommand).resolves(describe);
  sfn.on(GetExecutionHistoryCommand).resolves({ events });
});

describe('report', () => {
  test('writes the HTML evidence of the real history to ./golive-<execution name>.html', async () => {
    const h = harness();

    const code = await h.run('report', EXECUTION_ARN);

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, reverseOrder: false });
    const path = `./golive-${EXECUTION_NAME}.html`;
    expect([...h.files.keys()]).toEqual([path]);
    const html = h.files.get(path)!;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-outcome="ROLLED_BACK"');
    expect(html).toContain('CHG-1042');
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(h.stdout()).toBe(`report written: ${path} (ROLLED_BACK)\n`);
  });

  test('--out chooses the file', async () => {
    const h = harness();
    await h.run('report', EXECUTION_ARN, '--out', '/tmp/evidence.html');
    expect([...h.files.keys()]).toEqual(['/tmp/evidence.html']);
  });

  test('rejects a bad execution ARN with one line, exit 2, no AWS call and no file', async () => {
    const h = harness();
    expect(await h.run('report', 'nope')).toBe(2);
    expectOneErrorLine(h, /EXECUTION must be an execution ARN/);
    expect(sfn.calls()).toHaveLength(0);
    expect(h.files.size).toBe(0);
  });
});
