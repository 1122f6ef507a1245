import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { callCarrierHook } from '../../../lambda/shared/carrier';
import { abortRequested, getSnapshot, getSnapshotBatch, putSnapshotBatch } from '../../../lambda/shared/control';
import {
  awsError,
  CARRIER_HOOK_ARN,
  CONTROL_TABLE,
  EXECUTION_ARN,
  givenSnapshot,
  manyNumbers,
  NOW,
  NUMBERS,
  snapshotItem,
  snapshotReads,
} from '../handlers/fixtures';

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
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `ABORT#${EXECUTION_ARN}` } },
      ConsistentRead: true,
    });
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

describe('snapshot batches', () => {
  it('puts one batch under SNAPSHOT#<executionArn>#<batch>, the numbers as a JSON string, expiring at the given time (epoch seconds)', async () => {
    dynamodb.on(PutItemCommand).resolves({});
    const expiresAt = new Date(NOW.getTime() + 46 * 86_400_000 + 999);

    await putSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 3, NUMBERS, expiresAt);

    expect(dynamodb).toHaveReceivedCommandTimes(PutItemCommand, 1);
    const item = dynamodb.commandCalls(PutItemCommand)[0].args[0].input;
    expect(item).toEqual({
      TableName: CONTROL_TABLE,
      Item: {
        pk: { S: `SNAPSHOT#${EXECUTION_ARN}#3` },
        numbers: { S: JSON.stringify(NUMBERS) },
        expiresAt: { N: String(Math.floor((NOW.getTime() + 46 * 86_400_000) / 1000)) },
      },
    });
    // No condition: a retried DeployCheck batch overwrites its own item with the same numbers.
    expect(item).not.toHaveProperty('ConditionExpression');
  });

  it('writes an empty batch as an empty list (a batch where no number resolved)', async () => {
    dynamodb.on(PutItemCommand).resolves({});

    await putSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0, [], NOW);

    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, { Item: expect.objectContaining({ numbers: { S: '[]' } }) });
  });

  it('rejects when the item cannot be written (DeployCheck must not report ready without a snapshot)', async () => {
    dynamodb.on(PutItemCommand).rejects(awsError('ProvisionedThroughputExceededException'));

    await expect(putSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0, NUMBERS, NOW)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });

  it('reads one batch back with a consistent read of its key', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    givenSnapshot(dynamodb, { 2: NUMBERS });

    await expect(getSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 2)).resolves.toEqual(NUMBERS);
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `SNAPSHOT#${EXECUTION_ARN}#2` } },
      ConsistentRead: true,
    });
  });

  it('round-trips what putSnapshotBatch wrote, a null snapshot flow included', async () => {
    dynamodb.on(PutItemCommand).resolves({});
    await putSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0, NUMBERS, NOW);
    const written = dynamodb.commandCalls(PutItemCommand)[0].args[0].input.Item!;
    dynamodb.on(GetItemCommand).resolves({ Item: written });

    const read = await getSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0);

    expect(read).toEqual(NUMBERS);
    expect(read[1].snapshotFlowId).toBeNull();
  });

  it('throws SnapshotMissingError naming the batch, the execution and the table when the item is missing', async () => {
    dynamodb.on(GetItemCommand).resolves({});

    await expect(getSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 4)).rejects.toMatchObject({
      name: 'SnapshotMissingError',
      message: `snapshot batch 4 of ${EXECUTION_ARN} is missing from ${CONTROL_TABLE}`,
    });
  });

  it('throws SnapshotMissingError when the item has no numbers attribute', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `SNAPSHOT#${EXECUTION_ARN}#0` } } });

    await expect(getSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0)).rejects.toMatchObject({ name: 'SnapshotMissingError' });
  });

  it('rejects with the SDK error when the table cannot be read', async () => {
    dynamodb.on(GetItemCommand).rejects(awsError('ResourceNotFoundException'));

    await expect(getSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 0)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('getSnapshot reads every batch in order and concatenates them in plan order', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    const wave = manyNumbers(250);
    givenSnapshot(dynamodb, { 0: wave.slice(0, 100), 1: wave.slice(100, 200), 2: wave.slice(200) });

    await expect(getSnapshot(CONTROL_TABLE, EXECUTION_ARN, 3)).resolves.toEqual(wave);
    expect(snapshotReads(dynamodb)).toEqual([0, 1, 2].map((b) => `SNAPSHOT#${EXECUTION_ARN}#${b}`));
  });

  it('getSnapshot of no batches reads nothing', async () => {
    await expect(getSnapshot(CONTROL_TABLE, EXECUTION_ARN, 0)).resolves.toEqual([]);
    expect(dynamodb).not.toHaveReceivedAnyCommand();
  });

  it('getSnapshot throws SnapshotMissingError when a middle batch is missing', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    givenSnapshot(dynamodb, { 0: manyNumbers(100), 2: manyNumbers(50, 200) });

    await expect(getSnapshot(CONTROL_TABLE, EXECUTION_ARN, 3)).rejects.toThrow(`snapshot batch 1 of ${EXECUTION_ARN} is missing`);
  });

  it('snapshotItem (the test fixture) has the shape putSnapshotBatch writes', async () => {
    dynamodb.on(PutItemCommand).resolves({});
    await putSnapshotBatch(CONTROL_TABLE, EXECUTION_ARN, 1, NUMBERS, NOW);
    const written = dynamodb.commandCalls(PutItemCommand)[0].args[0].input.Item!;

    expect(Object.keys(snapshotItem(1, NUMBERS).Item).sort()).toEqual(Object.keys(written).sort());
    expect(snapshotItem(1, NUMBERS).Item.pk).toEqual(written.pk);
    expect(snapshotItem(1, NUMBERS).Item.numbers).toEqual(written.numbers);
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
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"carrier API down"}') });

    await expect(callCarrierHook(CARRIER_HOOK_ARN, CUTOVER)).rejects.toMatchObject({
      name: 'CutoverError',
      message: 'carrier hook cutover failed: {"errorMessage":"carrier API down"}',
    });
  });

  it('throws RollbackError on a FunctionError during rollback, so the history names what failed', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"carrier API down"}') });

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
