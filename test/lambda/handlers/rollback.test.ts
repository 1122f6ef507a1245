import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DisassociatePhoneNumberContactFlowCommand,
  GetCurrentMetricDataCommand,
  GetMetricDataV2Command,
} from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/rollback';
import {
  awsError, BEFORE_CUTOVER, CARRIER_HOOK_ARN, CHANGE_ID, config, CUTOVER_COMPLETED_AT, cutoverRecord, FLOWS, givenAssociations,
  INSTANCE_ID, NOW, NUMBERS, ON_TARGET, pinClock, published, state,
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
  lambda.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  connect.on(AssociatePhoneNumberContactFlowCommand).resolves({});
  connect.on(DisassociatePhoneNumberContactFlowCommand).resolves({});
  connect.on(GetCurrentMetricDataCommand).resolves({
    MetricResults: [{ Collections: [{ Metric: { Name: 'CONTACTS_IN_QUEUE' }, Value: 0 }, { Metric: { Name: 'AGENTS_AVAILABLE' }, Value: 4 }] }],
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
    expect(connect).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, { InstanceId: INSTANCE_ID, PhoneNumberId: 'pn-0', ContactFlowId: FLOWS.legacy.id });
    expect(connect).toHaveReceivedCommandTimes(DisassociatePhoneNumberContactFlowCommand, 1);
    expect(connect).toHaveReceivedCommandWith(DisassociatePhoneNumberContactFlowCommand, { InstanceId: INSTANCE_ID, PhoneNumberId: 'pn-1' });
    expect(connect).not.toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' });
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 2);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID, ResourceIds: NUMBERS.map((n) => n.phoneNumberArn), ResourceType: 'VOICE_PHONE_NUMBER',
    });
  });

  it('returns the restored list and a metric sample taken after the rollback', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record).toEqual({
      startedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      restored: [
        { phoneNumber: '+18005550100', flowId: FLOWS.legacy.id, ok: true, error: undefined },
        { phoneNumber: '+18005550101', flowId: null, ok: true, error: undefined },
      ],
      afterRollback: expect.objectContaining({ elapsedSeconds: 300, contactsInQueue: 0, agentsAvailable: 4, contactsSinceCutover: 7, contactFlowErrors: 0, errors: [] }),
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

  it('publishes STARTED and DONE', async () => {
    givenAssociations(connect, PARTIAL, BEFORE_CUTOVER);

    await handler(rollbackEvent());

    expect(published(sns).map((p) => [p.subject, p.message.summary])).toEqual([
      [`[${CHANGE_ID}] Rollback: STARTED`, 'restoring 2 of 3 number(s) to their snapshot flows'],
      [`[${CHANGE_ID}] Rollback: DONE`, '3 number(s) back on their snapshot flows'],
    ]);
  });

  it('restores every number after a complete cutover', async () => {
    givenAssociations(connect, ON_TARGET, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record.restored.map((r) => [r.phoneNumber, r.flowId])).toEqual([
      ['+18005550100', FLOWS.legacy.id],
      ['+18005550101', null],
      ['+18005550102', FLOWS.legacy.id],
    ]);
  });

  it('changes nothing on a retry when every number is already back', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);

    const record = await handler(rollbackEvent());

    expect(record.restored).toEqual([]);
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(connect).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  it('throws RollbackError naming the number and the flow it must go back to when the read-back disagrees', async () => {
    givenAssociations(connect, PARTIAL, { ...BEFORE_CUTOVER, 'pn-0': FLOWS.main.id });
    connect.on(AssociatePhoneNumberContactFlowCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    await expect(handler(rollbackEvent())).rejects.toMatchObject({
      name: 'RollbackError',
      message: 'rollback incomplete: +18005550100 must go back to flow-legacy',
    });
    expect(published(sns).map((p) => p.message)).toContainEqual(expect.objectContaining({ status: 'RETRYING', summary: '+18005550100 must go back to flow-legacy' }));
  });

  it('throws RollbackError saying "no flow" for a number whose snapshot had none', async () => {
    givenAssociations(connect, PARTIAL, { ...BEFORE_CUTOVER, 'pn-1': FLOWS.main.id });

    await expect(handler(rollbackEvent())).rejects.toThrow('rollback incomplete: +18005550101 must go back to no flow');
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

    expect(record.restored).toHaveLength(2);
    expect(record.afterRollback?.errors).toEqual(['GetCurrentMetricData: ThrottlingException', 'GetMetricDataV2: ThrottlingException', 'GetMetricData: Throttling']);
  });

  it('rejects a state document without readiness', async () => {
    await expect(handler(state({ readiness: undefined }))).rejects.toThrow('state.readiness: is required by this step');
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});

describe('rollback handler (carrier modes)', () => {
  it('invokes the carrier hook with the rollback payload and touches no association', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"ok":true}') as InvokeCommandOutput['Payload'] });

    const record = await handler(state({ cutover: cutoverRecord({ mode: 'carrierHook', moved: [] }), config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }) }));

    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: CARRIER_HOOK_ARN });
    const sent = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(sent).toEqual({ action: 'rollback', changeId: CHANGE_ID, phoneNumbers: NUMBERS.map((n) => n.phoneNumber) });
    expect(connect).not.toHaveReceivedCommand(BatchGetFlowAssociationCommand);
    expect(connect).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    expect(record.restored).toEqual([]);
  });

  it('rejects when the carrier hook fails, so the state machine retries the rollback', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorMessage":"carrier API down"}') as InvokeCommandOutput['Payload'] });

    await expect(handler(state({ cutover: cutoverRecord(), config: config({ cutoverMode: 'carrierHook', carrierHookFunctionArn: CARRIER_HOOK_ARN }) })))
      .rejects.toThrow(/^carrier hook rollback failed: .*carrier API down/);
  });
});
