import {
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { findPendingDecision } from '../../bin/cli/execution';
import { DEFINITION, EXECUTION_ARN, live, pendingApproval, pendingInconclusive, waitingForWindow } from '../lib/report/fixtures/history';
import { expectOneErrorLine, givenExecution, harness, NOW } from './harness';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  sfn
    .on(DescribeStateMachineForExecutionCommand)
    .resolves({ definition: DEFINITION, name: 'GoLiveRunbook', roleArn: 'arn:role', stateMachineArn: 'arn:sm', updateDate: NOW });
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

const ALL = 'uat,training,bau,support';

describe('finding the pending decision', () => {
  test('takes the newest unanswered decision task, not an earlier failed attempt', () => {
    expect(findPendingDecision(pendingApproval().events)).toMatchObject({
      kind: 'approval',
      taskToken: 'token-approval-2',
      stateName: 'ApprovalGate',
    });
  });

  test('skips the answered approval when verification waits for a human', () => {
    expect(findPendingDecision(pendingInconclusive().events)).toMatchObject({
      kind: 'inconclusive',
      taskToken: 'token-human',
      stateName: 'HumanDecision',
    });
  });

  test('finds none once every decision was answered', () => {
    expect(findPendingDecision(waitingForWindow().events)).toBeUndefined();
    expect(findPendingDecision(live().events)).toBeUndefined();
  });
});

describe('approve', () => {
  test('answers the pending approval with approver, attestations and time', async () => {
    // GIVEN the approval waits; an earlier notify attempt's token is in the history
    givenExecution(sfn, pendingApproval());
    const h = harness();

    // WHEN
    const code = await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', ALL);

    // THEN
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-approval-2',
      output: JSON.stringify({
        decision: 'approve',
        approver: 'cab-chair',
        attestations: ['uat', 'training', 'bau', 'support'],
        at: NOW.toISOString(),
      }),
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeStateMachineForExecutionCommand, { executionArn: EXECUTION_ARN });
    expect(h.stdout()).toBe('approved at ApprovalGate by cab-chair (attested: uat, training, bau, support)\n');
  });

  test('rejects an approval missing attestations the runbook requires, and sends nothing', async () => {
    givenExecution(sfn, pendingApproval());
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', 'uat,training')).toBe(2);
    expectOneErrorLine(h, /missing: bau, support/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('rejects --decision when the approval is what waits', async () => {
    givenExecution(sfn, pendingApproval());
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', ALL, '--decision', 'live')).toBe(2);
    expectOneErrorLine(h, /--decision answers an inconclusive verification/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('decides an inconclusive verification with --decision, using its token and not the answered approval', async () => {
    givenExecution(sfn, pendingInconclusive());
    const h = harness();

    const code = await h.run('approve', EXECUTION_ARN, '--approver', 'duty-manager', '--decision', 'rollback');

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-human',
      output: JSON.stringify({ decision: 'rollback', approver: 'duty-manager', at: NOW.toISOString() }),
    });
    expect(h.stdout()).toBe('decided rollback at HumanDecision by duty-manager\n');
  });

  test('requires --decision for an inconclusive verification', async () => {
    givenExecution(sfn, pendingInconclusive());
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'duty-manager')).toBe(2);
    expectOneErrorLine(h, /pass --decision live or --decision rollback/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('says so in one line, exit 4, when no decision is pending', async () => {
    givenExecution(sfn, waitingForWindow());
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', ALL)).toBe(4);
    expectOneErrorLine(h, /no decision is pending on this execution \(it is in WaitForWindow\)/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('says the execution has ended, exit 4', async () => {
    givenExecution(sfn, live());
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', ALL)).toBe(4);
    expectOneErrorLine(h, /has ended \(LIVE\)/);
    expect(sfn).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
  });

  test('reports a decision answered meanwhile as one line', async () => {
    givenExecution(sfn, pendingApproval());
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ $metadata: {}, message: 'Task Timed Out' }));
    const h = harness();
    expect(await h.run('approve', EXECUTION_ARN, '--approver', 'cab-chair', '--attest', ALL)).toBe(1);
    expectOneErrorLine(h, /no longer pending/);
  });

  test.each([
    ['no --approver', [EXECUTION_ARN], /required option '--approver <name>' not specified/],
    ['an empty --approver', [EXECUTION_ARN, '--approver', '  '], /--approver must not be empty/],
    ['a --decision that is not live or rollback', [EXECUTION_ARN, '--approver', 'x', '--decision', 'yes'], /argument 'yes' is invalid/],
    ['a malformed --attest', [EXECUTION_ARN, '--approver', 'x', '--attest', 'uat;drop'], /--attest takes comma-separated names/],
    ['a bad execution ARN', ['CHG-1', '--approver', 'x'], /EXECUTION must be an execution ARN/],
  ])('rejects %s with one line, exit 2 and no AWS call', async (_case, args, message) => {
    const h = harness();
    expect(await h.run('approve', ...args)).toBe(2);
    expectOneErrorLine(h, message);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('reject', () => {
  test('fails the pending approval with ApprovalRejected and the reason as cause', async () => {
    givenExecution(sfn, pendingApproval());
    const h = harness();

    const code = await h.run('reject', EXECUTION_ARN, '--reason', 'UAT defects still open');

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-approval-2',
      error: 'ApprovalRejected',
      cause: 'UAT defects still open',
    });
    expect(h.stdout()).toBe('rejected at ApprovalGate: UAT defects still open\n');
  });

  test('refuses to reject an inconclusive verification', async () => {
    givenExecution(sfn, pendingInconclusive());
    const h = harness();
    expect(await h.run('reject', EXECUTION_ARN, '--reason', 'no')).toBe(4);
    expectOneErrorLine(h, /use approve --decision rollback/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  test('says so when no decision is pending', async () => {
    givenExecution(sfn, waitingForWindow());
    const h = harness();
    expect(await h.run('reject', EXECUTION_ARN, '--reason', 'no')).toBe(4);
    expectOneErrorLine(h, /no decision is pending/);
  });

  test.each([
    ['no --reason', [EXECUTION_ARN], /required option '--reason <text>' not specified/],
    ['an empty --reason', [EXECUTION_ARN, '--reason', ''], /--reason must not be empty/],
  ])('rejects %s with one line, exit 2 and no AWS call', async (_case, args, message) => {
    const h = harness();
    expect(await h.run('reject', ...args)).toBe(2);
    expectOneErrorLine(h, message);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('finding the pending decision without previousEventId chains', () => {
  const unchained = (events: { previousEventId?: number }[]): never => events.map(({ previousEventId: _drop, ...e }) => e) as never;

  test('still pairs each answer with the task before it', () => {
    expect(findPendingDecision(unchained(pendingApproval().events))).toMatchObject({
      taskToken: 'token-approval-2',
      stateName: 'ApprovalGate',
    });
    expect(findPendingDecision(unchained(pendingInconclusive().events))).toMatchObject({
      taskToken: 'token-human',
      stateName: 'HumanDecision',
    });
    expect(findPendingDecision(unchained(waitingForWindow().events))).toBeUndefined();
  });
});
