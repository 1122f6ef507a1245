import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CONTROL_TABLE,
  cuttingOver,
  DEFINITION,
  EXECUTION_ARN,
  live,
  pendingApproval,
  pendingInconclusive,
  rolledBack,
  verifying,
  waitingForWindow,
} from '../lib/report/fixtures/history';
import { expectOneErrorLine, givenExecution, harness, NOW } from './harness';

const sfn = mockClient(SFNClient);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  sfn.reset();
  dynamodb.reset();
  sfn
    .on(DescribeStateMachineForExecutionCommand)
    .resolves({ definition: DEFINITION, name: 'GoLiveRunbook', roleArn: 'arn:role', stateMachineArn: 'arn:sm', updateDate: NOW });
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(StopExecutionCommand).resolves({ stopDate: NOW });
  dynamodb.on(PutItemCommand).resolves({});
});

const ABORT_REQUEST = {
  TableName: CONTROL_TABLE,
  Item: { pk: { S: `ABORT#${EXECUTION_ARN}` }, requestedAt: { S: NOW.toISOString() }, requestedBy: { S: 'ops-alice' } },
  ConditionExpression: 'attribute_not_exists(pk)',
};

describe('abort', () => {
  test('fails a pending approval with OperatorAbort, and nothing else', async () => {
    givenExecution(sfn, pendingApproval());
    const h = harness();

    const code = await h.run('abort', EXECUTION_ARN);

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-approval-2',
      error: 'OperatorAbort',
      cause: 'operator abort by ops-alice',
    });
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
    expect(h.stdout()).toMatch(/abort sent to ApprovalGate .* ends ABORTED/);
  });

  test('fails a pending inconclusive decision with OperatorAbort: the runbook rolls back', async () => {
    givenExecution(sfn, pendingInconclusive());
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN, '--by', 'duty-manager')).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-human',
      error: 'OperatorAbort',
      cause: 'operator abort by duty-manager',
    });
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(h.stdout()).toMatch(/rolls back/);
  });

  test('stops an execution that has not reached Cutover, with error ABORTED', async () => {
    // GIVEN approved and waiting for the window: no number has moved
    givenExecution(sfn, waitingForWindow());
    const h = harness();

    // WHEN
    const code = await h.run('abort', EXECUTION_ARN);

    // THEN
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StopExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: EXECUTION_ARN,
      error: 'ABORTED',
      cause: 'operator abort before cutover',
    });
    // The request goes in first, so a Cutover starting at that very moment moves nothing.
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, ABORT_REQUEST);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
    expect(h.stdout()).toBe(
      'stopped before the cutover (in WaitForWindow): nothing was changed; the execution ends ABORTED; lock released\n',
    );
    // A stopped execution never reaches Finalize: the CLI releases its lock, only if this execution holds it.
    expect(dynamodb).toHaveReceivedCommandWith(DeleteItemCommand, {
      Key: { pk: { S: 'LOCK' } },
      ConditionExpression: 'executionArn = :me',
      ExpressionAttributeValues: { ':me': { S: EXECUTION_ARN } },
    });
  });

  test('still stops before the cutover when the abort request cannot be written', async () => {
    givenExecution(sfn, waitingForWindow());
    dynamodb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('not authorized to perform: dynamodb:PutItem'), { name: 'AccessDeniedException' }));
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(sfn).toHaveReceivedCommand(StopExecutionCommand);
    expect(h.stdout()).toMatch(/the abort request could not be written: access denied/);
  });

  test('fails loudly when Cutover started before the stop landed', async () => {
    // GIVEN the history read before the stop shows WaitForWindow, the one after shows Cutover
    const before = waitingForWindow();
    sfn.on(DescribeExecutionCommand).resolves(before.describe);
    sfn.on(GetExecutionHistoryCommand).resolvesOnce({ events: before.events }).resolves({ events: verifying().events });
    const h = harness();

    expect(await h.run('abort', EXECUTION_ARN)).toBe(1);
    expectOneErrorLine(h, /the Cutover state had started before the stop took effect: check every number now/);
  });

  test('during verification, asks the runbook to roll back through the control table and never stops it', async () => {
    // GIVEN cut over, waiting for the next poll
    givenExecution(sfn, verifying());
    const h = harness();

    // WHEN
    const code = await h.run('abort', EXECUTION_ARN);

    // THEN
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(DescribeStateMachineForExecutionCommand, { executionArn: EXECUTION_ARN });
    expect(dynamodb).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, ABORT_REQUEST);
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
    expect(h.stdout()).toMatch(/^abort requested \(in WaitForNextPoll\): the runbook rolls back at its next check/);
  });

  test('during the cutover itself, asks for the rollback too', async () => {
    givenExecution(sfn, cuttingOver());
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, ABORT_REQUEST);
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(h.stdout()).toMatch(/^abort requested \(in Cutover\)/);
  });

  test('a second abort during verification is harmless', async () => {
    givenExecution(sfn, verifying());
    dynamodb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' }));
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(h.stdout()).toBe('an abort was already requested for this execution; the runbook rolls back at its next check\n');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });

  test('does nothing once the rollback is under way', async () => {
    const { events, describe } = rolledBack();
    sfn.on(DescribeExecutionCommand).resolves({ ...describe, status: 'RUNNING', error: undefined, cause: undefined, stopDate: undefined });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: events.slice(0, -2) });
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(h.stdout()).toBe('the rollback is already under way; nothing to abort\n');
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
  });

  test('says an ended execution has ended, exit 0, changes nothing but a lock it still holds', async () => {
    givenExecution(sfn, live());
    dynamodb.on(DeleteItemCommand).rejects(Object.assign(new Error('held by another'), { name: 'ConditionalCheckFailedException' }));
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(h.stdout()).toBe('the execution has already ended (LIVE); nothing to abort; lock not held by this execution\n');
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  test('an ended execution that died holding the go-live lock (no Finalize ran): abort releases it', async () => {
    givenExecution(sfn, live());
    dynamodb.on(DeleteItemCommand).resolves({});
    const h = harness();
    expect(await h.run('abort', EXECUTION_ARN)).toBe(0);
    expect(h.stdout()).toBe('the execution has already ended (LIVE); nothing to abort; lock released\n');
    expect(dynamodb.commandCalls(DeleteItemCommand)[0].args[0].input).toMatchObject({
      Key: { pk: { S: 'LOCK' } },
      ConditionExpression: 'executionArn = :me',
      ExpressionAttributeValues: { ':me': { S: EXECUTION_ARN } },
    });
  });

  test('rejects a bad execution ARN with one line, exit 2 and no AWS call', async () => {
    const h = harness();
    expect(await h.run('abort', 'arn:aws:states:eu-west-2:123456789012:stateMachine:GoLiveRunbook')).toBe(2);
    expectOneErrorLine(h, /EXECUTION must be an execution ARN/);
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamodb.calls()).toHaveLength(0);
  });
});
