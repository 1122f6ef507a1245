import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DisassociatePhoneNumberContactFlowCommand,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/cutover';
import {
  associationWorld,
  awsError,
  BEFORE_CUTOVER,
  CARRIER_HOOK_ARN,
  CHANGE_ID,
  config,
  CONTROL_TABLE,
  cursor,
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
  TOPIC_ARN,
} from './fixtures';
import { CutoverRecord } from '../../../lambda/shared/state';

const connect = mockClient(ConnectClient);
const dynamodb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
let restoreClock: () => void;

const payload = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)) as InvokeCommandOutput['Payload'];
const sentPayload = () =>
  JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));

beforeEach(() => {
  connect.reset();
  dynamodb.reset();
  lambda.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetItemCommand).resolves({});
  givenSnapshot(dynamodb);
  connect.on(AssociatePhoneNumberContactFlowCommand).resolves({});
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

describe('cutover handler (repoint)', () => {
  it('checks the abort flag with a consistent read of ABORT#<executionArn>', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);

    await handler(state());

    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `ABORT#${EXECUTION_ARN}` } },
      ConsistentRead: true,
    });
  });

  it('associates every number with its target flow, with the exact parameters, then reads every association back', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);

    const record = await handler(state());

    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 3);
    for (const n of NUMBERS) {
      expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
        InstanceId: INSTANCE_ID,
        PhoneNumberId: n.phoneNumberId,
        ContactFlowId: n.targetFlowId,
      });
    }
    expect(connect).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
    // Once to plan, once to verify.
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 2);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: NUMBERS.map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      mode: 'repoint',
      cursor: DONE,
      moved: 3,
      alreadyOnTarget: 0,
    });
  });

  it('reads its batch of numbers from the control table with a consistent read of SNAPSHOT#<executionArn>#0', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);

    await handler(state());

    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `SNAPSHOT#${EXECUTION_ARN}#0` } },
      ConsistentRead: true,
    });
    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#0`]);
  });

  it('publishes DONE once the last batch is on its targets', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);

    await handler(state());

    expect(published(sns).map((p) => [p.subject, p.message.summary])).toEqual([
      [`[${CHANGE_ID}] Cutover: DONE`, '3 number(s) on their target flows'],
    ]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN });
  });

  it('moves only the numbers not yet on their target on a retry after a partial failure', async () => {
    givenAssociations(connect, { 'pn-0': FLOWS.main.id, 'pn-1': null, 'pn-2': FLOWS.billing.id }, ON_TARGET);

    const record = await handler(state());

    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 1);
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumberId: 'pn-1',
      ContactFlowId: FLOWS.main.id,
    });
    expect(record).toMatchObject({ moved: 1, alreadyOnTarget: 2, cursor: DONE });
  });

  it('moves nothing when every number is already on its target', async () => {
    givenAssociations(connect, ON_TARGET);

    const record = await handler(state());

    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(record).toMatchObject({ moved: 0, alreadyOnTarget: 3 });
  });

  it('runs at most cutoverConcurrency association calls at once', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);
    let inFlight = 0;
    let maxInFlight = 0;
    connect.on(AssociatePhoneNumberContactFlowCommand).callsFake(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return {};
    });

    await handler(state({ config: config({ cutoverConcurrency: 2 }) }));

    expect(maxInFlight).toBe(2);
    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 3);
  });

  it('throws CutoverError naming the number when an association failed and the read-back shows it', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, { ...ON_TARGET, 'pn-2': FLOWS.legacy.id });
    connect.on(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' }).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    await expect(handler(state())).rejects.toMatchObject({
      name: 'CutoverError',
      message:
        '1 number(s) of batch 1 of 1 not on their target flow after cutover: pn-2 is on flow flow-legacy, expected flow flow-billing',
    });
    // Every number was still attempted (a partial failure does not stop the others); the throttled one six times.
    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 2 + 6);
    expect(published(sns).map((p) => p.message.status)).toEqual(['FAILED']);
    expect(published(sns)[0].message).toMatchObject({
      summary: 'batch 1 of 1: 1 number(s) not on their target flow',
      detail: { failed: [{ phoneNumber: '+18005550102', error: 'ThrottlingException: Rate exceeded' }] },
    });
  });

  it('backs off and tries a throttled association again (the quota is shared with other callers): the batch converges', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);
    connect
      .on(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({});

    const record = await handler(state());

    expect(record.moved).toBe(3);
    expect(connect.commandCalls(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' })).toHaveLength(3);
  });

  it('throws CutoverError when the read-back disagrees although every call succeeded', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, { ...ON_TARGET, 'pn-1': null });

    await expect(handler(state())).rejects.toThrow('pn-1 has no flow, expected flow flow-main');
  });

  it('throws AbortRequestedError and moves nothing when an abort item is in the control table', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` }, requestedBy: { S: 'ops-alice' } } });

    await expect(handler(state())).rejects.toMatchObject({
      name: 'AbortRequestedError',
      message: 'operator abort requested before cutover batch 1 of 1',
    });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(lambda).not.toHaveReceivedAnyCommand();
  });

  it('rejects when the control table cannot be read: it does not cut over blind', async () => {
    dynamodb.on(GetItemCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));

    await expect(handler(state())).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('throws SnapshotMissingError and moves nothing when its batch is not in the control table', async () => {
    dynamodb.reset();
    dynamodb.on(GetItemCommand).resolves({});

    await expect(handler(state())).rejects.toMatchObject({
      name: 'SnapshotMissingError',
      message: `snapshot batch 0 of ${EXECUTION_ARN} is missing from ${CONTROL_TABLE}`,
    });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(lambda).not.toHaveReceivedAnyCommand();
  });

  it('rejects when the association read fails before any move', async () => {
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('InternalServiceException'));

    await expect(handler(state())).rejects.toMatchObject({ name: 'InternalServiceException' });
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  it('rejects a state document without readiness', async () => {
    await expect(handler(state({ readiness: undefined }))).rejects.toThrow('state.readiness: is required by this step');
    expect(dynamodb).not.toHaveReceivedAnyCommand();
  });
});

describe('cutover handler (carrier modes)', () => {
  const carrierState = () => state({ config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }) });

  it('invokes the carrier hook with the cutover payload and makes no Connect call', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ok: true, ticket: 'CR-77' }) });

    const record = await handler(carrierState());

    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: CARRIER_HOOK_ARN });
    expect(sentPayload()).toEqual({ action: 'cutover', changeId: CHANGE_ID, phoneNumbers: NUMBERS.map((n) => n.phoneNumber) });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      mode: 'carrierHook',
      cursor: DONE,
      moved: 3,
      alreadyOnTarget: 0,
    });
    expect(published(sns)[0].message).toMatchObject({
      status: 'DONE',
      summary: 'carrierHook batch 1 of 1: 3 number(s) moved at the carrier',
    });
  });

  it('throws CutoverError when the carrier hook ends with a FunctionError', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'Error', errorMessage: 'carrier API down' }),
    });

    await expect(handler(carrierState())).rejects.toMatchObject({
      name: 'CutoverError',
      message: expect.stringMatching(/^carrier hook cutover failed: .*carrier API down/),
    });
    expect(published(sns)).toEqual([]);
  });

  it('throws CutoverError when the carrier hook answers { ok: false }', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ok: false, reason: 'ticket rejected' }) });

    await expect(handler(carrierState())).rejects.toThrow('carrier hook cutover failed: {"ok":false,"reason":"ticket rejected"}');
  });

  it('throws AbortRequestedError before invoking the carrier hook', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` } } });

    await expect(handler(carrierState())).rejects.toMatchObject({ name: 'AbortRequestedError' });
    expect(lambda).not.toHaveReceivedAnyCommand();
  });

  it('records a manually confirmed cutover without calling Connect or a hook', async () => {
    const record = await handler(state({ config: config({ cutoverMode: 'manualConfirmation' }) }));

    expect(record.mode).toBe('manualConfirmation');
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(lambda).not.toHaveReceivedAnyCommand();
  });

  it('finishes a manually confirmed wave of several batches in one invocation, reading no snapshot', async () => {
    const record = await handler(
      state({
        config: config({ cutoverMode: 'manualConfirmation' }),
        readiness: readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) }),
      }),
    );

    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      mode: 'manualConfirmation',
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
      moved: 250,
      alreadyOnTarget: 0,
    });
    expect(snapshotReads(dynamodb)).toEqual([]);
    expect(published(sns)[0].message).toMatchObject({
      status: 'DONE',
      summary: 'manualConfirmation: 250 number(s) moved at the carrier (confirmed by the operator)',
    });
  });

  it('sends the carrier hook only the batch it reads, and counts over batches', async () => {
    const wave = manyNumbers(250);
    givenSnapshot(dynamodb, { 1: wave.slice(100, 200) });
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ok: true }) });
    const previous: CutoverRecord = {
      startedAt: '2025-06-01T21:59:00.000Z',
      mode: 'carrierHook',
      cursor: cursor(0, 250),
      moved: 100,
      alreadyOnTarget: 0,
    };

    const record = await handler(
      state({
        config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }),
        readiness: readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) }),
        cutover: previous,
      }),
    );

    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#1`]);
    expect(sentPayload()).toEqual({ action: 'cutover', changeId: CHANGE_ID, phoneNumbers: wave.slice(100, 200).map((n) => n.phoneNumber) });
    expect(record).toEqual({ startedAt: previous.startedAt, mode: 'carrierHook', cursor: cursor(1, 250), moved: 200, alreadyOnTarget: 0 });
    expect(published(sns)[0].message).toMatchObject({
      status: 'IN_PROGRESS',
      summary: 'carrierHook batch 2 of 3: 100 number(s) moved at the carrier',
    });
  });
});

describe('cutover handler (batches)', () => {
  /** A 250-number wave: DeployCheck resolved every number into three snapshot batches. */
  const WAVE = manyNumbers(250);
  const BATCHES = { 0: WAVE.slice(0, 100), 1: WAVE.slice(100, 200), 2: WAVE.slice(200) };
  const waveReadiness = readiness({ numberCounts: { total: 250, resolved: 250, failing: 0 }, cursor: cursor(2, 250) });
  const onLegacy = () => Object.fromEntries(WAVE.map((n) => [n.phoneNumberId, FLOWS.legacy.id]));
  const batchEvent = (previous?: CutoverRecord) => state({ readiness: waveReadiness, cutover: previous });

  beforeEach(() => givenSnapshot(dynamodb, BATCHES));

  it('runs the batch the cursor names: batch 1 reads SNAPSHOT#…#1 and moves only its 100 numbers', async () => {
    const world = associationWorld(connect, onLegacy());
    const previous: CutoverRecord = {
      startedAt: '2025-06-01T21:59:00.000Z',
      mode: 'repoint',
      cursor: cursor(0, 250),
      moved: 100,
      alreadyOnTarget: 0,
    };

    const record = await handler(batchEvent(previous));

    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#1`]);
    expect(Object.keys(world.moves).sort()).toEqual(BATCHES[1].map((n) => n.phoneNumberId).sort());
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, { ResourceIds: BATCHES[1].map((n) => n.phoneNumberArn) });
    // Not the last batch: no completedAt, the start kept from the first batch, the counts carried on.
    expect(record).toEqual({
      startedAt: previous.startedAt,
      mode: 'repoint',
      cursor: { nextBatch: 2, batches: 3, total: 250, done: false },
      moved: 200,
      alreadyOnTarget: 0,
    });
    expect(published(sns).map((p) => [p.message.status, p.message.summary])).toEqual([
      ['IN_PROGRESS', 'batch 2 of 3: 100 number(s) on their target flows (200 of 250)'],
    ]);
  });

  it('accumulates the counts over the three batches and completes on the last', async () => {
    const world = associationWorld(connect, { ...onLegacy(), [WAVE[5].phoneNumberId]: FLOWS.main.id });
    let record: CutoverRecord | undefined;
    for (let b = 0; b < 3; b++) record = await handler(batchEvent(record));

    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      mode: 'repoint',
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
      moved: 249,
      alreadyOnTarget: 1,
    });
    expect(snapshotReads(dynamodb)).toEqual([0, 1, 2].map((b) => `SNAPSHOT#${EXECUTION_ARN}#${b}`));
    expect(WAVE.every((n) => world.flows[n.phoneNumberId] === FLOWS.main.id)).toBe(true);
    expect(Object.values(world.moves).every((count) => count === 1)).toBe(true);
    expect(published(sns).map((p) => p.message.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'DONE']);
    expect(published(sns)[2].message.summary).toBe('250 number(s) on their target flows');
  });

  it('on a retried batch after a partial failure moves only the rest: no number is moved twice', async () => {
    const world = associationWorld(connect, onLegacy());
    const afterFirst = await handler(batchEvent());
    const stuck = BATCHES[1].slice(10, 13).map((n) => n.phoneNumberId);
    stuck.forEach((id) => world.failing.add(id));

    // The batch fails: three numbers did not move, the other 97 did.
    await expect(handler(batchEvent(afterFirst))).rejects.toMatchObject({ name: 'CutoverError' });
    expect(BATCHES[1].filter((n) => world.flows[n.phoneNumberId] === FLOWS.main.id)).toHaveLength(97);

    // Step Functions retries the task with the same input; this time Connect accepts them.
    world.failing.clear();
    const retried = await handler(batchEvent(afterFirst));

    for (const n of BATCHES[1]) expect(world.moves[n.phoneNumberId]).toBe(stuck.includes(n.phoneNumberId) ? 2 : 1);
    expect(retried).toMatchObject({ cursor: cursor(1, 250), moved: 103, alreadyOnTarget: 97 });
    expect(BATCHES[2].some((n) => world.moves[n.phoneNumberId])).toBe(false);
  });

  it('throws CutoverError naming the batch and every number not on its target', async () => {
    const world = associationWorld(connect, onLegacy());
    const stuck = [BATCHES[2][0], BATCHES[2][49]];
    stuck.forEach((n) => world.failing.add(n.phoneNumberId));
    const previous: CutoverRecord = {
      startedAt: NOW.toISOString(),
      mode: 'repoint',
      cursor: cursor(1, 250),
      moved: 200,
      alreadyOnTarget: 0,
    };

    await expect(handler(batchEvent(previous))).rejects.toMatchObject({
      name: 'CutoverError',
      message:
        '2 number(s) of batch 3 of 3 not on their target flow after cutover: ' +
        stuck.map((n) => `${n.phoneNumberId} is on flow flow-legacy, expected flow flow-main`).join('; '),
    });
    expect(published(sns)[0].message).toMatchObject({ status: 'FAILED', summary: 'batch 3 of 3: 2 number(s) not on their target flow' });
  });

  it('throws SnapshotMissingError when the batch the cursor names is missing, after the earlier ones ran', async () => {
    dynamodb.reset();
    dynamodb.on(GetItemCommand).resolves({});
    givenSnapshot(dynamodb, { 0: BATCHES[0], 2: BATCHES[2] });
    associationWorld(connect, onLegacy());
    const previous: CutoverRecord = {
      startedAt: NOW.toISOString(),
      mode: 'repoint',
      cursor: cursor(0, 250),
      moved: 100,
      alreadyOnTarget: 0,
    };

    await expect(handler(batchEvent(previous))).rejects.toMatchObject({
      name: 'SnapshotMissingError',
      message: `snapshot batch 1 of ${EXECUTION_ARN} is missing from ${CONTROL_TABLE}`,
    });
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('checks the abort flag before every batch, not only the first', async () => {
    dynamodb
      .on(GetItemCommand, { Key: { pk: { S: `ABORT#${EXECUTION_ARN}` } } })
      .resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` } } });
    const previous: CutoverRecord = {
      startedAt: NOW.toISOString(),
      mode: 'repoint',
      cursor: cursor(1, 250),
      moved: 200,
      alreadyOnTarget: 0,
    };

    await expect(handler(batchEvent(previous))).rejects.toMatchObject({
      name: 'AbortRequestedError',
      message: 'operator abort requested before cutover batch 3 of 3',
    });
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});
