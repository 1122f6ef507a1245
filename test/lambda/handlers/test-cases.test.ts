import {
  GetTestCaseExecutionSummaryCommand,
  ListTestCaseExecutionRecordsCommand,
  ServiceQuotaExceededException,
  StartTestCaseExecutionCommand,
} from '@aws-sdk/client-connect';
import 'aws-sdk-client-mock-jest';
import type { TestCasesState } from '../../../lambda/core/test-cases';
import { handler } from '../../../lambda/test-cases';
import { awsError, config, INSTANCE_ARN, INSTANCE_ID, mockAws, NOW, published, readiness, run, state } from './fixtures';

const { connect, sns } = mockAws();
const tc = (id: string) => `${INSTANCE_ARN}/test-case/${id}`;
const LINES = ['Support', 'Billing', 'Sales', 'Claims', 'Retail', 'Travel', 'Loans'];
const uatConfig = (n: number) =>
  config({ testCases: { uat: LINES.slice(0, n).map((l, i) => ({ serviceLine: l, testCaseArn: tc(`tc-${i}`) })) } });

const event = (kind: 'uat' | 'routingProof', overrides: Record<string, unknown> = {}) => ({ kind, state: state(overrides) });

describe('test-cases handler', () => {
  test('without test cases of its kind it runs nothing and reports NOT_CONFIGURED', async () => {
    const out = await handler(event('uat'));
    expect([out.status, out.done, out.ok]).toEqual(['NOT_CONFIGURED', true, true]);
    expect(connect).not.toHaveReceivedCommand(StartTestCaseExecutionCommand);
  });

  test('UAT is not run when the deploy check already failed', async () => {
    const out = await handler(event('uat', { config: uatConfig(1), readiness: readiness({ ready: false }) }));
    expect(out.status).toBe('SKIPPED');
    expect(connect).not.toHaveReceivedCommand(StartTestCaseExecutionCommand);
  });

  test('starts at most 5 executions at once, idempotently per execution and line, and says so on the bridge', async () => {
    connect.on(StartTestCaseExecutionCommand).callsFake((input) => ({ TestCaseExecutionId: `x-${input.TestCaseId}`, Status: 'INITIATED' }));
    const out = await handler(event('uat', { config: uatConfig(7) }));
    expect(connect).toHaveReceivedCommandTimes(StartTestCaseExecutionCommand, 5);
    expect(connect).toHaveReceivedCommandWith(StartTestCaseExecutionCommand, { InstanceId: INSTANCE_ID, TestCaseId: 'tc-0' });
    expect(out.lines.map((l) => l.status)).toEqual(['INITIATED', 'INITIATED', 'INITIATED', 'INITIATED', 'INITIATED', 'PENDING', 'PENDING']);
    expect([out.status, out.done, out.startedAt]).toEqual(['RUNNING', false, NOW.toISOString()]);
    const tokens = connect.commandCalls(StartTestCaseExecutionCommand).map((c) => c.args[0].input.ClientToken);
    expect(new Set(tokens).size).toBe(5);
    const again = await handler(event('uat', { config: uatConfig(7) }));
    expect(
      connect
        .commandCalls(StartTestCaseExecutionCommand)
        .slice(5)
        .map((c) => c.args[0].input.ClientToken),
    ).toEqual(tokens);
    expect(again.status).toBe('RUNNING');
    expect(published(sns)[0].message).toMatchObject({ step: 'UatTests', status: 'RUNNING' });
  });

  test('polls the executions in flight, starts the next when a slot frees, and passes when all passed', async () => {
    const previous: TestCasesState = {
      kind: 'uat',
      status: 'RUNNING',
      done: false,
      ok: true,
      reason: '',
      polls: 1,
      startedAt: NOW.toISOString(),
      lines: [
        { serviceLine: 'Support', testCaseId: 'tc-0', status: 'IN_PROGRESS', executionId: 'x-0' },
        { serviceLine: 'Billing', testCaseId: 'tc-1', status: 'PENDING' },
      ],
    };
    connect.on(GetTestCaseExecutionSummaryCommand).resolves({
      Status: 'PASSED',
      StartTime: NOW,
      EndTime: NOW,
      ObservationSummary: { TotalObservations: 2, ObservationsPassed: 2, ObservationsFailed: 0 },
    });
    connect.on(StartTestCaseExecutionCommand).resolves({ TestCaseExecutionId: 'x-1', Status: 'IN_PROGRESS' });
    const mid = await handler(event('uat', { config: uatConfig(2), uat: previous }));
    expect(mid.lines.map((l) => l.status)).toEqual(['PASSED', 'IN_PROGRESS']);
    expect(mid.lines[0].observations).toEqual({ total: 2, passed: 2, failed: 0 });
    const done = await handler(event('uat', { config: uatConfig(2), uat: mid }));
    expect([done.status, done.done, done.ok]).toEqual(['PASSED', true, true]);
    expect(published(sns).at(-1)!.message).toMatchObject({ step: 'UatTests', status: 'PASSED' });
  });

  test('a failed execution fails the run, named by its first failed observation', async () => {
    const previous = { ...(await startOne()), polls: 1 };
    connect.on(GetTestCaseExecutionSummaryCommand).resolves({ Status: 'FAILED' });
    connect.on(ListTestCaseExecutionRecordsCommand).resolves({ ExecutionRecords: [{ ObservationId: 'Greeting', Status: 'FAILED' }] });
    const out = await handler(event('uat', { config: uatConfig(1), uat: previous }));
    expect([out.status, out.done, out.ok]).toEqual(['FAILED', true, false]);
    expect(out.reason).toBe('UAT test case of service line Support failed: observation Greeting failed');
    expect(connect).toHaveReceivedCommandWith(ListTestCaseExecutionRecordsCommand, { TestCaseExecutionId: 'x-1', Status: 'FAILED' });
  });

  test('a full execution queue (ServiceQuotaExceededException) leaves the line pending for the next step', async () => {
    connect
      .on(StartTestCaseExecutionCommand)
      .rejects(new ServiceQuotaExceededException({ message: 'queue full', $metadata: { httpStatusCode: 402 } }));
    const out = await handler(event('uat', { config: uatConfig(1) }));
    expect([out.status, out.done, out.lines[0].status]).toEqual(['RUNNING', false, 'PENDING']);
  });

  test('AccessDeniedException before anything started: test cases are unavailable and UAT rests on the attestation', async () => {
    connect.on(StartTestCaseExecutionCommand).rejects(awsError('AccessDeniedException', 'not enabled'));
    const out = await handler(event('uat', { config: uatConfig(2) }));
    expect([out.status, out.done, out.ok]).toEqual(['UNAVAILABLE', true, true]);
    expect(out.reason).toContain('UAT rests on the uat attestation');
  });

  test('rejects with the SDK error on anything else (the state machine retries or aborts)', async () => {
    connect.on(StartTestCaseExecutionCommand).rejects(awsError('ResourceNotFoundException', 'no such test case'));
    await expect(handler(event('uat', { config: uatConfig(1) }))).rejects.toThrow('no such test case');
  });

  test('a routing proof skips the lines whose number this run does not move', async () => {
    const proof = config({
      testCases: {
        routingProof: [
          { serviceLine: 'Support', testCaseArn: tc('p-0'), phoneNumber: '+18005550100' },
          { serviceLine: 'Billing', testCaseArn: tc('p-1'), phoneNumber: '+18005550102' },
        ],
      },
    });
    connect.on(StartTestCaseExecutionCommand).resolves({ TestCaseExecutionId: 'x', Status: 'IN_PROGRESS' });
    const out = await handler(event('routingProof', { config: proof, run: run({ selection: ['+18005550102'] }) }));
    expect(out.lines.map((l) => l.serviceLine)).toEqual(['Billing']);
    expect(connect).toHaveReceivedCommandTimes(StartTestCaseExecutionCommand, 1);
    expect(published(sns)[0].message).toMatchObject({ step: 'RoutingProof' });
  });

  test('rejects a malformed event naming the field', async () => {
    await expect(handler({ kind: 'smoke', state: state() })).rejects.toThrow(/^event\.kind: /);
  });
});

async function startOne(): Promise<TestCasesState> {
  connect.on(StartTestCaseExecutionCommand).resolves({ TestCaseExecutionId: 'x-1', Status: 'IN_PROGRESS' });
  const out = await handler(event('uat', { config: uatConfig(1) }));
  connect.reset();
  return out;
}
