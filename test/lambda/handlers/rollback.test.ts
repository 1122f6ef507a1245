import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DisassociatePhoneNumberContactFlowCommand,
  GetCurrentMetricDataCommand,
  GetMetricDataV2Command,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/rollback';
import { MetricSample } from '../../../lambda/core/types';
import { RollbackProgress } from '../../../lambda/shared/state';
import {
  associationWorld,
  awsError,
  BEFORE_CUTOVER,
  CARRIER_HOOK_ARN,
  CHANGE_ID,
  config,
  CONTROL_TABLE,
  cursor,
  CUTOVER_COMPLETED_AT,
  cutoverRecord,
  DONE,
  EXECUTION_ARN,
  FLOWS,
  givenAssociations,
  givenSnapshot,
  INSTANCE_ID,
  manyNumbers,
  NOW,
  NUMBERS,
  ON_TARGET,
  pinClock,
  published,
  readiness,
  snapshotReads,
  state,
} from './fixtures';

const connect = mockClient(ConnectClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamodb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
let restoreClock: () => void;

/** A partial cutover: pn-0 and pn-1 moved, pn-2 never did. */
const PARTIAL: Record<string, string | null> = { 'pn-0': FLOWS.main.id, 'pn-1': FLOWS.main.id, 'pn-2': FLOWS.legacy.id };

beforeEach(() => {
  connect.reset();
  cloudwatch.reset();
  dynamodb.reset();
  dynamodb.onAnyCommand().resolves({});
  givenSnapshot(dynamodb);
  lambda.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  connect.on(AssociatePhoneNumberContactFlowCommand).resolves({});
  connect.on(DisassociatePhoneNumberContactFlowCommand).resolves({});
  connect.on(GetCurrentMetricDataCommand).resolves({
    MetricResults: [
      {
        Collections: [
          { Metric: { Name: 'CONTACTS_IN_QUEUE' }, Value: 0 },
          { Metric: { Name: 'AGENTS_AVAILABLE' }, Value: 4 },
        ],
      },
    ],
  });
  connect.on(GetMetricDataV2Command).resolves({ MetricResults: [{ Collections: [{ Metric: { Name: 'CONTACTS_HANDLED' }, Value: 7 }] }] });
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

const rollbackEvent = () => state({ cutover: cutoverRecord() });

describe('rollback handler (repoint)', () => {
  it('restores only the numbers that moved: associates the snapshot flow, disassociates a null snapshot', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    await handler(rollbackEvent());

    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 1);
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumberId: 'pn-0',
      ContactFlowId: FLOWS.legacy.id,
    });
    expect(connect).toHaveReceivedCommandTimes(DisassociatePhoneNumberContactFlowCommand, 1);
    expect(connect).toHaveReceivedCommandWith(DisassociatePhoneNumberContactFlowCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumberId: 'pn-1',
    });
    expect(connect).not.toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' });
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 2);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: NUMBERS.map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
  });

  it('reads its batch of numbers from the control table with a consistent read of SNAPSHOT#<executionArn>#0', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    await handler(rollbackEvent());

    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `SNAPSHOT#${EXECUTION_ARN}#0` } },
      ConsistentRead: true,
    });
    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#0`]);
  });

  it('returns the restored count and a metric sample taken after the rollback', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      cursor: DONE,
      restored: 2,
      alreadyOnSnapshot: 1,
      partial: false,
      afterRollback: expect.objectContaining({
        elapsedSeconds: 300,
        contactsInQueue: 0,
        agentsAvailable: 4,
        contactsSinceCutover: 7,
        contactFlowErrors: 0,
        errors: [],
      }),
    });
    // The recovery sample watches no flow: the target flows are no longer in use. CloudWatch is read per minute
    // from 10 minutes before the cutover's minute (MisconfiguredPhoneNumbers' own pre-cutover level).
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date(NOW.getTime() - 15 * 60_000),
      EndTime: NOW,
      MetricDataQueries: ['misconfigured', 'breaching', 'throttled', 'concurrency'].map((Id) => expect.objectContaining({ Id })),
    });
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: CUTOVER_COMPLETED_AT, EndTime: NOW });
  });

  it('publishes DONE after the last batch', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    await handler(rollbackEvent());

    expect(published(sns).map((p) => [p.subject, p.message.summary])).toEqual([
      [`[${CHANGE_ID}] Rollback: DONE`, '3 number(s) back on their snapshot flows'],
    ]);
  });

  it('restores every number after a complete cutover', async () => {
    givenAssociations(connect, ON_TARGET, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record.restored).toBe(3);
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
      PhoneNumberId: 'pn-0',
      ContactFlowId: FLOWS.legacy.id,
    });
    expect(connect).toHaveReceivedCommandWith(DisassociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-1' });
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
      PhoneNumberId: 'pn-2',
      ContactFlowId: FLOWS.legacy.id,
    });
  });

  it('changes nothing on a retry when every number is already back', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record.restored).toBe(0);
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(connect).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  it('throws RollbackError naming the number and the flow it must go back to when the read-back disagrees', async () => {
    givenAssociations(connect, PARTIAL, { ...BEFORE_CUTOVER, 'pn-0': FLOWS.main.id });
    connect.on(AssociatePhoneNumberContactFlowCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    await expect(handler(rollbackEvent())).rejects.toMatchObject({
      name: 'RollbackError',
      message: 'rollback incomplete in batch 1 of 1: +18005550100 must go back to flow-legacy',
    });
    expect(published(sns).map((p) => p.message)).toContainEqual(
      expect.objectContaining({ status: 'RETRYING', summary: 'batch 1 of 1: +18005550100 must go back to flow-legacy' }),
    );
  });

  it('throws RollbackError saying "no flow" for a number whose snapshot had none', async () => {
    givenAssociations(connect, PARTIAL, { ...BEFORE_CUTOVER, 'pn-1': FLOWS.main.id });

    await expect(handler(rollbackEvent())).rejects.toThrow('rollback incomplete in batch 1 of 1: +18005550101 must go back to no flow');
  });

  it('rejects when the associations cannot be read, before changing anything', async () => {
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('InternalServiceException'));

    await expect(handler(rollbackEvent())).rejects.toMatchObject({ name: 'InternalServiceException' });
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(connect).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  it('succeeds when the recovery metrics cannot be read: they are evidence, not a condition', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('ThrottlingException'));
    connect.on(GetMetricDataV2Command).rejects(awsError('ThrottlingException'));
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('Throttling'));

    const record = await handler(rollbackEvent());

    expect(record.restored).toBe(2);
    expect((record.afterRollback as MetricSample).errors).toEqual([
      'GetCurrentMetricData: ThrottlingException',
      'GetMetricDataV2: ThrottlingException',
      'GetMetricData: Throttling',
    ]);
  });

  it('rejects a state document without readiness', async () => {
    await expect(handler(state({ readiness: undefined }))).rejects.toThrow('state.readiness: is required by this step');
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});

describe('rollback handler (carrier modes)', () => {
  it('invokes the carrier hook with the rollback payload and touches no association', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"ok":true}') as InvokeCommandOutput['Payload'] });

    const record = await handler(
      state({
        cutover: cutoverRecord({ mode: 'carrierHook' }),
        config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }),
      }),
    );

    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: CARRIER_HOOK_ARN });
    const sent = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(sent).toEqual({ action: 'rollback', changeId: CHANGE_ID, phoneNumbers: NUMBERS.map((n) => n.phoneNumber) });
    expect(connect).not.toHaveReceivedCommand(BatchGetFlowAssociationCommand);
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    // The carrier moved the batch back: every number of it counts as restored.
    expect(record).toMatchObject({ restored: 3, cursor: DONE, completedAt: NOW.toISOString() });
  });

  it('sends the carrier hook only the batch it reads, and carries the count on', async () => {
    const wave = manyNumbers(250);
    givenSnapshot(dynamodb, { 2: wave.slice(200) });
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"ok":true}') as InvokeCommandOutput['Payload'] });

    const record = await handler(
      state({
        config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }),
        readiness: readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) }),
        cutover: cutoverRecord({ mode: 'carrierHook' }),
        rollback: { startedAt: '2025-06-01T21:59:00.000Z', cursor: cursor(1, 250), restored: 200 },
      }),
    );

    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#2`]);
    const sent = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(sent.phoneNumbers).toEqual(wave.slice(200).map((n) => n.phoneNumber));
    expect(record).toMatchObject({
      startedAt: '2025-06-01T21:59:00.000Z',
      restored: 250,
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
    });
  });

  it('finishes a manually confirmed rollback in one invocation, reading no snapshot and touching nothing', async () => {
    const record = await handler(
      state({
        config: config({ cutoverMode: 'manualConfirmation' }),
        readiness: readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) }),
        cutover: cutoverRecord({ mode: 'manualConfirmation' }),
      }),
    );

    expect(record).toMatchObject({
      restored: 0,
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
      completedAt: NOW.toISOString(),
    });
    expect(snapshotReads(dynamodb)).toEqual([]);
    expect(lambda).not.toHaveReceivedAnyCommand();
    expect(connect).not.toHaveReceivedCommand(BatchGetFlowAssociationCommand);
    expect(published(sns).map((p) => p.message.status)).toEqual(['DONE']);
  });

  it('rejects when the carrier hook fails, so the state machine retries the rollback', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"carrier API down"}') as InvokeCommandOutput['Payload'],
    });

    await expect(
      handler(
        state({ cutover: cutoverRecord(), config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }) }),
      ),
    ).rejects.toThrow(/^carrier hook rollback failed: .*carrier API down/);
  });
});

describe('rollback handler (batches)', () => {
  /** A 250-number wave cut over in full: three snapshot batches, every number on Main Inbound now. */
  const WAVE = manyNumbers(250);
  const BATCHES = { 0: WAVE.slice(0, 100), 1: WAVE.slice(100, 200), 2: WAVE.slice(200) };
  const waveReadiness = readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) });
  const onMain = () => Object.fromEntries(WAVE.map((n) => [n.phoneNumberId, FLOWS.main.id]));
  const batchEvent = (previous?: RollbackProgress) =>
    state({ readiness: waveReadiness, cutover: cutoverRecord({ cursor: cursor(2, 250), moved: 250 }), rollback: previous });

  beforeEach(() => givenSnapshot(dynamodb, BATCHES));

  it('runs the batch the cursor names, restores only its numbers, and takes no recovery sample before the last batch', async () => {
    const world = associationWorld(connect, onMain());
    const previous: RollbackProgress = { startedAt: '2025-06-01T21:59:00.000Z', cursor: cursor(0, 250), restored: 100 };

    const record = await handler(batchEvent(previous));

    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#1`]);
    expect(Object.keys(world.moves).sort()).toEqual(BATCHES[1].map((n) => n.phoneNumberId).sort());
    expect(record).toEqual({
      startedAt: previous.startedAt,
      cursor: { nextBatch: 2, batches: 3, total: 250, done: false },
      restored: 200,
      alreadyOnSnapshot: 0,
      partial: false,
    });
    expect(connect).not.toHaveReceivedCommand(GetCurrentMetricDataCommand);
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(published(sns).map((p) => [p.message.status, p.message.summary])).toEqual([
      ['IN_PROGRESS', 'batch 2 of 3: 200 number(s) restored so far'],
    ]);
  });

  it('accumulates the restored count over the batches and samples the metrics once, after the last', async () => {
    const world = associationWorld(connect, onMain());
    let record: RollbackProgress | undefined;
    for (let b = 0; b < 3; b++) record = await handler(batchEvent(record));

    expect(record).toMatchObject({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      restored: 250,
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
    });
    expect(record?.afterRollback).toMatchObject({ agentsAvailable: 4 });
    expect(WAVE.every((n) => world.flows[n.phoneNumberId] === FLOWS.legacy.id)).toBe(true);
    expect(Object.values(world.moves).every((count) => count === 1)).toBe(true);
    // One recovery sample (readSample reads real-time metrics in two calls: by queue, and agents ungrouped).
    expect(connect).toHaveReceivedCommandTimes(GetCurrentMetricDataCommand, 2);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(published(sns).map((p) => p.message.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'DONE']);
  });

  it('on a retried batch after a partial failure restores only the rest: no number is moved twice', async () => {
    const world = associationWorld(connect, onMain());
    const stuck = BATCHES[0].slice(0, 2).map((n) => n.phoneNumberId);
    stuck.forEach((id) => world.failing.add(id));

    await expect(handler(batchEvent())).rejects.toMatchObject({ name: 'RollbackError' });
    world.failing.clear();
    const retried = await handler(batchEvent());

    for (const n of BATCHES[0]) expect(world.moves[n.phoneNumberId]).toBe(stuck.includes(n.phoneNumberId) ? 2 : 1);
    // The retry restored only the two stuck numbers (the others were already back).
    expect(retried).toMatchObject({ restored: 2, alreadyOnSnapshot: 98, cursor: cursor(0, 250) });
  });

  it('throws RollbackError naming the batch, each stranded number and the flow it must go back to', async () => {
    const world = associationWorld(connect, onMain());
    const stuck = [BATCHES[2][3], BATCHES[2][40]];
    stuck.forEach((n) => world.failing.add(n.phoneNumberId));

    await expect(handler(batchEvent({ startedAt: NOW.toISOString(), cursor: cursor(1, 250), restored: 200 }))).rejects.toMatchObject({
      name: 'RollbackError',
      message: `rollback incomplete in batch 3 of 3: ${stuck.map((n) => `${n.phoneNumber} must go back to flow-legacy`).join('; ')}`,
    });
  });

  it('throws SnapshotMissingError, changing nothing, when its batch is not in the control table', async () => {
    dynamodb.reset();
    dynamodb.onAnyCommand().resolves({});
    givenSnapshot(dynamodb, { 0: BATCHES[0], 1: BATCHES[1] });
    associationWorld(connect, onMain());

    await expect(handler(batchEvent({ startedAt: NOW.toISOString(), cursor: cursor(1, 250), restored: 200 }))).rejects.toMatchObject({
      name: 'SnapshotMissingError',
      message: `snapshot batch 2 of ${EXECUTION_ARN} is missing from ${CONTROL_TABLE}`,
    });
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('reads no snapshot when no number was resolved (an empty wave has no batch)', async () => {
    const record = await handler(
      state({
        readiness: readiness({
          numberCounts: { total: 0, resolved: 0, failing: 0 },
          cursor: { nextBatch: 0, batches: 0, total: 0, done: true },
        }),
        cutover: cutoverRecord(),
      }),
    );

    expect(snapshotReads(dynamodb)).toEqual([]);
    expect(record).toMatchObject({ restored: 0, cursor: { done: true } });
  });
});
