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
  awsError, BEFORE_CUTOVER, CARRIER_HOOK_ARN, CHANGE_ID, config, CONTROL_TABLE, EXECUTION_ARN, FLOWS, givenAssociations, INSTANCE_ID,
  NOW, NUMBERS, ON_TARGET, pinClock, published, state, TOPIC_ARN,
} from './fixtures';

const connect = mockClient(ConnectClient);
const dynamodb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
let restoreClock: () => void;

const payload = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)) as InvokeCommandOutput['Payload'];
const sentPayload = () => JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));

beforeEach(() => {
  connect.reset();
  dynamodb.reset();
  lambda.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetItemCommand).resolves({});
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
        InstanceId: INSTANCE_ID, PhoneNumberId: n.phoneNumberId, ContactFlowId: n.targetFlowId,
      });
    }
    expect(connect).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
    // Once to plan, once to verify.
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 2);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID, ResourceIds: NUMBERS.map((n) => n.phoneNumberArn), ResourceType: 'VOICE_PHONE_NUMBER',
    });
    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      mode: 'repoint',
      moved: NUMBERS.map((n) => ({ phoneNumber: n.phoneNumber, flowId: n.targetFlowId, ok: true, error: undefined })),
    });
  });

  it('publishes STARTED then DONE', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, ON_TARGET);

    await handler(state());

    expect(published(sns).map((p) => [p.subject, p.message.summary])).toEqual([
      [`[${CHANGE_ID}] Cutover: STARTED`, 'moving 3 of 3 number(s)'],
      [`[${CHANGE_ID}] Cutover: DONE`, '3 number(s) on their target flows'],
    ]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN });
  });

  it('moves only the numbers not yet on their target on a retry after a partial failure', async () => {
    givenAssociations(connect, { 'pn-0': FLOWS.main.id, 'pn-1': null, 'pn-2': FLOWS.billing.id }, ON_TARGET);

    const record = await handler(state());

    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 1);
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, { InstanceId: INSTANCE_ID, PhoneNumberId: 'pn-1', ContactFlowId: FLOWS.main.id });
    expect(record.moved).toEqual([{ phoneNumber: '+18005550101', flowId: FLOWS.main.id, ok: true, error: undefined }]);
    expect(published(sns)[0].message.summary).toBe('moving 1 of 3 number(s)');
  });

  it('moves nothing when every number is already on its target', async () => {
    givenAssociations(connect, ON_TARGET);

    const record = await handler(state());

    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(record.moved).toEqual([]);
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
      message: '1 number(s) not on their target flow after cutover: pn-2 is on flow flow-legacy, expected flow flow-billing',
    });
    // Every number was still attempted: a partial failure does not stop the others.
    expect(connect).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 3);
    expect(published(sns).map((p) => p.message.status)).toEqual(['STARTED', 'FAILED']);
  });

  it('throws CutoverError when the read-back disagrees although every call succeeded', async () => {
    givenAssociations(connect, BEFORE_CUTOVER, { ...ON_TARGET, 'pn-1': null });

    await expect(handler(state())).rejects.toThrow('pn-1 has no flow, expected flow flow-main');
  });

  it('throws AbortRequestedError and moves nothing when an abort item is in the control table', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` }, requestedBy: { S: 'ops-alice' } } });

    await expect(handler(state())).rejects.toMatchObject({
      name: 'AbortRequestedError',
      message: 'operator abort requested before the cutover moved any number',
    });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(lambda).not.toHaveReceivedAnyCommand();
  });

  it('rejects when the control table cannot be read: it does not cut over blind', async () => {
    dynamodb.on(GetItemCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));

    await expect(handler(state())).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(connect).not.toHaveReceivedAnyCommand();
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
    expect(record).toEqual({ startedAt: NOW.toISOString(), completedAt: NOW.toISOString(), mode: 'carrierHook', moved: [] });
    expect(published(sns)[0].message).toMatchObject({ status: 'DONE', summary: 'carrierHook: 3 number(s) moved at the carrier' });
  });

  it('throws CutoverError when the carrier hook ends with a FunctionError', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'Error', errorMessage: 'carrier API down' }) });

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
});
