import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionName } from '../../bin/cli/start';
import { EXECUTION_ARN, live, STATE_MACHINE_ARN } from '../lib/report/fixtures/history';
import { expectOneErrorLine, harness } from './harness';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
});

describe('start', () => {
  test('starts an execution with the input and a change-id-and-time name, and prints its ARN', async () => {
    // GIVEN
    const h = harness();

    // WHEN
    const code = await h.run(
      'start',
      '--state-machine',
      STATE_MACHINE_ARN,
      '--change-id',
      'CHG-1042',
      '--cutover-at',
      '2025-06-01T22:00Z',
      '--dry-run',
    );

    // THEN
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'CHG-1042-20250601T210000Z',
      input: JSON.stringify({ changeId: 'CHG-1042', cutoverAt: '2025-06-01T22:00:00.000Z', dryRun: true }),
    });
    expect(h.stdout()).toBe(`${EXECUTION_ARN}\n`);
    expect(h.regions).toEqual(['eu-west-2']);
  });

  test('sends only the changeId when no cutover time or dry run is given', async () => {
    const h = harness();
    await h.run('start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-7');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { input: '{"changeId":"CHG-7"}' });
  });

  test('--region wins over the region in the ARN', async () => {
    const h = harness();
    await h.run('--region', 'us-west-2', 'start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-7');
    expect(h.regions).toEqual(['us-west-2']);
  });

  test('execution names stay within 80 valid characters for the longest change id', () => {
    const name = executionName('C'.repeat(64), new Date('2025-06-01T21:00:00.123Z'));
    expect(name).toHaveLength(80);
    expect(name).toMatch(/^[A-Za-z0-9._-]+-20250601T210000Z$/);
  });

  test('--follow prints the ARN, then follows until the end', async () => {
    // GIVEN an execution that is already LIVE
    const { events, describe } = live();
    sfn.on(DescribeExecutionCommand).resolves(describe);
    sfn.on(GetExecutionHistoryCommand).resolves({ events });
    const h = harness();

    // WHEN
    const code = await h.run('start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1042', '--follow');

    // THEN
    expect(code).toBe(0);
    expect(h.stdout().split('\n')[0]).toBe(EXECUTION_ARN);
    expect(h.stdout()).toContain('outcome: LIVE');
  });

  test.each([
    [
      'a state machine ARN that is not one',
      ['--state-machine', 'arn:aws:states:eu-west-2:123456789012:execution:GoLiveRunbook:x', '--change-id', 'CHG-1'],
      /--state-machine must be a state machine ARN/,
    ],
    [
      'an account id that is not 12 digits',
      ['--state-machine', 'arn:aws:states:eu-west-2:1234:stateMachine:GoLiveRunbook', '--change-id', 'CHG-1'],
      /--state-machine/,
    ],
    ['a change id with a space', ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG 1'], /--change-id must match/],
    ['a change id over 64 characters', ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'C'.repeat(65)], /--change-id must match/],
    [
      'a cutover time with an offset',
      ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1', '--cutover-at', '2025-06-01T22:00:00+01:00'],
      /--cutover-at must be an ISO-8601 UTC time/,
    ],
    [
      'a cutover date that does not exist',
      ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1', '--cutover-at', '2025-02-30T22:00:00Z'],
      /--cutover-at must be an ISO-8601 UTC time/,
    ],
    [
      'a cutover time in the past',
      ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1', '--cutover-at', '2025-06-01T20:59:59Z'],
      /--cutover-at must be in the future/,
    ],
    ['a missing change id', ['--state-machine', STATE_MACHINE_ARN], /required option '--change-id <id>' not specified/],
    [
      'a bad --region',
      ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1', '--region', 'mars'],
      /--region must be an AWS region/,
    ],
    ['a bad --interval', ['--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1', '--interval', '0'], /--interval must be/],
  ])('rejects %s with one line, exit 2 and no AWS call', async (_case, args, message) => {
    const h = harness();
    const code = await h.run('start', ...args);
    expect(code).toBe(2);
    expectOneErrorLine(h, message);
    expect(sfn.calls()).toHaveLength(0);
  });

  test.each([
    [
      new StateMachineDoesNotExist({ $metadata: {}, message: `State Machine Does Not Exist: '${STATE_MACHINE_ARN}'` }),
      /state machine not found/,
    ],
    [new ExecutionAlreadyExists({ $metadata: {}, message: 'Execution Already Exists' }), /already exists/],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      /no AWS credentials found/,
    ],
  ])('reports %p as one line and exit 1', async (error, message) => {
    sfn.on(StartExecutionCommand).rejects(error);
    const h = harness();
    const code = await h.run('start', '--state-machine', STATE_MACHINE_ARN, '--change-id', 'CHG-1');
    expect(code).toBe(1);
    expectOneErrorLine(h, message);
    expect(h.stdout()).toBe('');
  });
});
