import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { callCarrierHook } from '../../../lambda/shared/carrier';
import { abortRequested } from '../../../lambda/shared/control';
import { awsError, CARRIER_HOOK_ARN, CONTROL_TABLE, EXECUTION_ARN } from '../handlers/fixtures';

const dynamodb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);

beforeEach(() => {
  dynamodb.reset();
  lambda.reset();
});

const payload = (text: string) => new TextEncoder().encode(text) as InvokeCommandOutput['Payload'];
const CUTOVER = { action: 'cutover' as const, changeId: 'CHG-1042', phoneNumbers: ['+18005550100'] };

describe('abortRequested', () => {
  it('is true when the ABORT#<executionArn> item the CLI writes exists, read consistently', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` } } });

    await expect(abortRequested(CONTROL_TABLE, EXECUTION_ARN)).resolves.toBe(true);
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, { TableName: CONTROL_TABLE, Key: { pk: { S: `ABORT#${EXECUTION_ARN}` } }, ConsistentRead: true });
  });

  it('is false when there is no item', async () => {
    dynamodb.on(GetItemCommand).resolves({});

    await expect(abortRequested(CONTROL_TABLE, EXECUTION_ARN)).resolves.toBe(false);
  });

  it('rejects when the table cannot be read (each caller decides)', async () => {
    dynamodb.on(GetItemCommand).rejects(awsError('ResourceNotFoundException'));

    await expect(abortRequested(CONTROL_TABLE, EXECUTION_ARN)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('callCarrierHook', () => {
  it('sends the payload as JSON and returns the answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('{"ok":true,"ticket":"CR-77"}') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).resolves.toEqual({ ok: true, ticket: 'CR-77' });
    const sent = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(sent.FunctionName).toBe(CARRIER_HOOK_ARN);
    expect(JSON.parse(Buffer.from(sent.Payload as Uint8Array).toString('utf8'))).toEqual(CUTOVER);
  });

  it('returns null for an empty answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).resolves.toBeNull();
  });

  it('throws CutoverError on a FunctionError during cutover, with the answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"carrier API down"}') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).rejects.toMatchObject({
      name: 'CutoverError',
      message: 'carrier hook cutover failed: {"errorMessage":"carrier API down"}',
    });
  });

  it('throws RollbackError on a FunctionError during rollback, so the history names what failed', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"carrier API down"}') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, { ...CUTOVER, action: 'rollback' })).rejects.toMatchObject({
      name: 'RollbackError',
      message: 'carrier hook rollback failed: {"errorMessage":"carrier API down"}',
    });
  });

  it('throws CutoverError on { ok: false }', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('{"ok":false}') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).rejects.toThrow('carrier hook cutover failed: {"ok":false}');
  });

  it('rejects with the SDK error when the hook cannot be invoked', async () => {
    lambda.on(InvokeCommand).rejects(awsError('AccessDeniedException'));

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
