import {
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  DescribeQueueCommand,
  GetCurrentMetricDataCommand,
  GetCurrentUserDataCommand,
  GetEffectiveHoursOfOperationsCommand,
  ListAgentStatusesCommand,
  ListContactFlowsCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler, MAX_NUMBER_ITEMS_IN_STATE } from '../../../lambda/deploy-check';
import { entryFlowContent } from '../../../lib/private/flow-content';
import { PlanEntry, ReadinessState, ResolvedNumber } from '../../../lambda/core/types';
import {
  associations,
  associationWorld,
  awsError,
  BEFORE_CUTOVER,
  CHANGE_ID,
  config,
  CONTROL_TABLE,
  cursor,
  DONE,
  EXECUTION_ARN,
  flowArn,
  FLOWS,
  INSTANCE_ARN,
  INSTANCE_ID,
  MAIN_CALLER_ID_NUMBER_ID,
  manyNumbers,
  NOW,
  NUMBERS,
  numberArn,
  OTHER_INSTANCE_ARN,
  pinClock,
  PLAN,
  planEvent,
  published,
  queueArn,
  QUEUES,
  run,
  state,
  TOPIC_ARN,
  UAT_NUMBER,
} from './fixtures';

const QUEUE_ARN = `${INSTANCE_ARN}/queue/q-1`;
const RECORDING_FLOW = entryFlowContent({ greeting: 'Hello', queueArn: QUEUE_ARN });
const SILENT_FLOW = entryFlowContent({ greeting: 'Hello', queueArn: QUEUE_ARN, callRecording: false });
const connect = mockClient(ConnectClient);
const sns = mockClient(SNSClient);
// The control table (abort flag, go-live lock) answers empty: nothing held, nothing requested.
const dynamodb = mockClient(DynamoDBClient);
let restoreClock: () => void;

const CLAIMED = [...NUMBERS.map((n) => ({ phoneNumber: n.phoneNumber, id: n.phoneNumberId })), UAT_NUMBER];

function staffing(agentsOnline: number, agentsAvailable: number) {
  return {
    MetricResults: [
      {
        Dimensions: { Queue: { Id: 'q', Arn: queueArn('q') } },
        Collections: [
          { Metric: { Name: 'AGENTS_ONLINE' as const, Unit: 'COUNT' as const }, Value: agentsOnline },
          { Metric: { Name: 'AGENTS_AVAILABLE' as const, Unit: 'COUNT' as const }, Value: agentsAvailable },
          { Metric: { Name: 'CONTACTS_IN_QUEUE' as const, Unit: 'COUNT' as const }, Value: 0 },
        ],
      },
    ],
  };
}

const AGENT_STATUSES = [
  { Arn: 'arn:status/available', Name: 'Available', Type: 'ROUTABLE' as const },
  { Arn: 'arn:status/break', Name: 'Break', Type: 'CUSTOM' as const },
  { Arn: 'arn:status/offline', Name: 'Offline', Type: 'OFFLINE' as const },
];

/** One GetCurrentUserData entry. */
function agent(id: string, status: 'Available' | 'Break' | 'Offline', freeVoice: number) {
  return {
    User: { Id: id, Arn: `arn:agent/${id}` },
    Status: { StatusArn: `arn:status/${status.toLowerCase()}`, StatusName: status },
    AvailableSlotsByChannel: { VOICE: freeVoice },
  };
}

/** GetEffectiveHoursOfOperations for hours open 24/7 in UTC: every date asked, 00:00–00:00. */
function hours24x7({ FromDate, ToDate }: { FromDate: string; ToDate: string }) {
  const days = [];
  for (let t = Date.parse(`${FromDate}T00:00:00Z`); t <= Date.parse(`${ToDate}T00:00:00Z`); t += 86_400_000) {
    days.push({
      Date: new Date(t).toISOString().slice(0, 10),
      OperationalHours: [{ Start: { Hours: 0, Minutes: 0 }, End: { Hours: 0, Minutes: 0 } }],
    });
  }
  return { EffectiveHoursOfOperationList: days, TimeZone: 'UTC' };
}

beforeEach(() => {
  connect.reset();
  sns.reset();
  dynamodb.reset();
  dynamodb.onAnyCommand().resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  connect.on(DescribeInstanceCommand).resolves({ Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN, InstanceStatus: 'ACTIVE' } });
  // Two pages: the adapter follows NextToken (answered by token, so every batch's invocation gets both pages).
  connect.on(ListContactFlowsCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'flows-page-2'
      ? { ContactFlowSummaryList: [{ Id: FLOWS.billing.id, Arn: flowArn(FLOWS.billing.id), Name: FLOWS.billing.name }] }
      : {
          ContactFlowSummaryList: [FLOWS.main, FLOWS.legacy].map((f) => ({ Id: f.id, Arn: flowArn(f.id), Name: f.name })),
          NextToken: 'flows-page-2',
        },
  );
  connect.on(ListQueuesCommand).resolves({
    QueueSummaryList: [QUEUES.support, QUEUES.billing].map((q) => ({
      Id: q.id,
      Arn: queueArn(q.id),
      Name: q.name,
      QueueType: 'STANDARD' as const,
    })),
  });
  connect.on(ListPhoneNumbersV2Command).resolves({
    ListPhoneNumbersSummaryList: CLAIMED.map((n) => ({
      PhoneNumber: n.phoneNumber,
      PhoneNumberId: n.id,
      PhoneNumberArn: numberArn(n.id),
      TargetArn: INSTANCE_ARN,
    })),
  });
  connect.on(BatchGetFlowAssociationCommand).resolves(associations(BEFORE_CUTOVER));
  // DescribeContactFlow always answers the flow's Content; a generated entry flow records calls.
  connect.on(DescribeContactFlowCommand).resolves({ ContactFlow: { Status: 'PUBLISHED', State: 'ACTIVE', Content: RECORDING_FLOW } });
  connect
    .on(DescribePhoneNumberCommand)
    .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'CLAIMED' }, TargetArn: INSTANCE_ARN } });
  connect.on(GetCurrentMetricDataCommand).resolves(staffing(5, 2));
  // The go-live readiness reads (agents, caller ID, hours): ready unless a test says otherwise.
  connect.on(ListAgentStatusesCommand).resolves({ AgentStatusSummaryList: AGENT_STATUSES });
  connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('a-1', 'Available', 1), agent('a-2', 'Available', 1)] });
  connect.on(DescribeQueueCommand).resolves({
    Queue: { HoursOfOperationId: 'hours-24x7', OutboundCallerConfig: { OutboundCallerIdNumberId: MAIN_CALLER_ID_NUMBER_ID } },
  });
  connect.on(GetEffectiveHoursOfOperationsCommand).callsFake((input: { FromDate: string; ToDate: string }) => hours24x7(input));
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

/** The first batch's event: no readiness yet, the plan in the task parameters. */
const first = (overrides: Record<string, unknown> = {}, plan: readonly PlanEntry[] = PLAN) =>
  planEvent(state({ readiness: undefined, ...overrides }), plan);

/** The snapshot batches DeployCheck wrote: batch index → numbers. */
function snapshotWrites(): Array<{ pk: string; numbers: ResolvedNumber[]; expiresAt: number }> {
  return dynamodb.commandCalls(PutItemCommand).map((c) => {
    const item = c.args[0].input.Item!;
    return { pk: item.pk.S!, numbers: JSON.parse(item.numbers.S!), expiresAt: Number(item.expiresAt.N) };
  });
}

const failing = (report: { items: readonly { check: string; subject: string; ok: boolean; detail: string }[] }) =>
  report.items.filter((i) => !i.ok).map(({ check, subject, detail }) => ({ check, subject, detail }));

describe('deploy-check handler', () => {
  it('sends the exact Connect commands: instance, flows, queues, numbers, associations, flows, numbers, staffing', async () => {
    await handler(first());

    expect(connect).toHaveReceivedCommandWith(DescribeInstanceCommand, { InstanceId: INSTANCE_ID });
    expect(connect).toHaveReceivedCommandTimes(ListContactFlowsCommand, 2);
    expect(connect).toHaveReceivedNthSpecificCommandWith(1, ListContactFlowsCommand, {
      InstanceId: INSTANCE_ID,
      MaxResults: 1000,
      NextToken: undefined,
    });
    expect(connect).toHaveReceivedNthSpecificCommandWith(2, ListContactFlowsCommand, {
      InstanceId: INSTANCE_ID,
      MaxResults: 1000,
      NextToken: 'flows-page-2',
    });
    expect(connect).toHaveReceivedCommandWith(ListQueuesCommand, { InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'], MaxResults: 1000 });
    expect(connect).toHaveReceivedCommandWith(ListPhoneNumbersV2Command, { TargetArn: INSTANCE_ARN, MaxResults: 1000 });
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 1);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: NUMBERS.map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
    // Each distinct target flow once (two numbers share Main Inbound).
    expect(connect).toHaveReceivedCommandTimes(DescribeContactFlowCommand, 2);
    expect(connect).toHaveReceivedCommandWith(DescribeContactFlowCommand, { InstanceId: INSTANCE_ID, ContactFlowId: FLOWS.main.id });
    expect(connect).toHaveReceivedCommandWith(DescribeContactFlowCommand, { InstanceId: INSTANCE_ID, ContactFlowId: FLOWS.billing.id });
    // Every plan number and the UAT number.
    expect(connect).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 4);
    for (const n of CLAIMED) expect(connect).toHaveReceivedCommandWith(DescribePhoneNumberCommand, { PhoneNumberId: n.id });
    // Staffing per queue, grouped by queue.
    expect(connect).toHaveReceivedCommandTimes(GetCurrentMetricDataCommand, 2);
    for (const q of [QUEUES.support, QUEUES.billing]) {
      expect(connect).toHaveReceivedCommandWith(GetCurrentMetricDataCommand, {
        InstanceId: INSTANCE_ID,
        Filters: { Queues: [q.id], Channels: ['VOICE'] },
        Groupings: ['QUEUE'],
      });
    }
  });

  it('returns a ready report, writes the rollback snapshot to the control table, and keeps the target flow names', async () => {
    const report = await handler(first());

    expect(failing(report)).toEqual([]);
    expect(report.ready).toBe(true);
    // The resolved numbers with their flow before cutover (the snapshot) are in the control table, not the state.
    expect(report).not.toHaveProperty('numbers');
    expect(report).not.toHaveProperty('snapshot');
    expect(snapshotWrites()).toEqual([{ pk: `SNAPSHOT#${EXECUTION_ARN}#0`, numbers: NUMBERS, expiresAt: expect.any(Number) }]);
    expect(snapshotWrites()[0].numbers.map((n) => n.snapshotFlowId)).toEqual([FLOWS.legacy.id, null, FLOWS.legacy.id]);
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, { TableName: CONTROL_TABLE });
    expect(report.numberCounts).toEqual({ total: 3, resolved: 3, failing: 0 });
    expect(report.cursor).toEqual(DONE);
    expect(report.items).toContainEqual({ check: 'numbers-ready', subject: 'wave', ok: true, detail: '3 of 3 number(s) ready' });
    expect(report.queueIds).toEqual([QUEUES.support.id, QUEUES.billing.id]);
    expect(report.targetFlowNames).toEqual([FLOWS.main.name, FLOWS.billing.name]);
    expect(report.items).toContainEqual({
      check: 'queue-staffed',
      subject: QUEUES.support.name,
      ok: true,
      detail: '5 online, 2 available (minimum 2 online)',
    });
    expect(report.items).toContainEqual({
      check: 'uat-number',
      subject: UAT_NUMBER.phoneNumber,
      ok: true,
      detail: 'found on this instance',
    });
  });

  it('publishes READY to the status topic', async () => {
    await handler(first());

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] DeployCheck: READY` });
    expect(published(sns)[0].message).toMatchObject({
      step: 'DeployCheck',
      status: 'READY',
      summary: expect.stringMatching(/^READY: all \d+ checks passed \(3 number\(s\), 2 queue\(s\)\)$/),
    });
  });

  it('checks only the numbers the execution selected', async () => {
    const report = await handler(first({ run: run({ selection: ['+18005550102'] }) }));

    expect(snapshotWrites()[0].numbers.map((n) => n.phoneNumberId)).toEqual(['pn-2']);
    expect(report.numberCounts).toEqual({ total: 1, resolved: 1, failing: 0 });
    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 1);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, { ResourceIds: [numberArn('pn-2')] });
    expect(connect).toHaveReceivedCommandTimes(DescribeContactFlowCommand, 1);
    expect(report.targetFlowNames).toEqual([FLOWS.billing.name]);
  });

  it('warns, but stays ready, when a target flow does not turn recording on', async () => {
    connect
      .on(DescribeContactFlowCommand, { ContactFlowId: FLOWS.billing.id })
      .resolves({ ContactFlow: { Status: 'PUBLISHED', State: 'ACTIVE', Content: SILENT_FLOW } });

    const report = await handler(first());

    expect(report.ready).toBe(true);
    expect(report.items.filter((i) => i.check === 'flow-records-calls')).toEqual([
      expect.objectContaining({ subject: FLOWS.main.name, ok: true }),
      expect.objectContaining({ subject: FLOWS.billing.name, ok: true, warning: true }),
    ]);
    expect(published(sns)[0].message).toMatchObject({
      status: 'READY',
      summary: expect.stringContaining(`- flow-records-calls ${FLOWS.billing.name}: warning: no UpdateContactRecordingBehavior`),
    });
  });

  it('is not ready when a target flow does not turn recording on and the runbook requires recording', async () => {
    connect
      .on(DescribeContactFlowCommand, { ContactFlowId: FLOWS.billing.id })
      .resolves({ ContactFlow: { Status: 'PUBLISHED', State: 'ACTIVE', Content: SILENT_FLOW } });

    const report = await handler(first({ config: config({ requireRecording: true }) }));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([
      {
        check: 'flow-records-calls',
        subject: FLOWS.billing.name,
        detail: 'no UpdateContactRecordingBehavior turns recording on before the caller is handed on (requireRecording is on)',
      },
    ]);
  });

  it('is not ready when a target flow is only SAVED', async () => {
    connect
      .on(DescribeContactFlowCommand, { ContactFlowId: FLOWS.billing.id })
      .resolves({ ContactFlow: { Status: 'SAVED', State: 'ACTIVE' } });

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'flow-published', subject: FLOWS.billing.name, detail: 'status SAVED' }]);
    expect(published(sns)[0].message).toMatchObject({
      status: 'NOT_READY',
      summary: expect.stringContaining('- flow-published Billing Inbound: status SAVED'),
    });
  });

  it('is not ready when a plan number is missing from the instance, and does not describe it', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: CLAIMED.filter((n) => n.id !== 'pn-2').map((n) => ({
        PhoneNumber: n.phoneNumber,
        PhoneNumberId: n.id,
        PhoneNumberArn: numberArn(n.id),
        TargetArn: INSTANCE_ARN,
      })),
    });

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([
      { check: 'number-found', subject: '+18005550102', detail: 'not found in this account' },
      { check: 'numbers-ready', subject: 'wave', detail: '2 of 3 number(s) ready' },
    ]);
    expect(snapshotWrites()[0].numbers.map((n) => n.phoneNumberId)).toEqual(['pn-0', 'pn-1']);
    expect(report.numberCounts).toEqual({ total: 3, resolved: 2, failing: 1 });
    expect(connect).not.toHaveReceivedCommandWith(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-2' });
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, { ResourceIds: [numberArn('pn-0'), numberArn('pn-1')] });
  });

  it('is not ready when a number is claimed to another instance', async () => {
    connect
      .on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-1' })
      .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'CLAIMED' }, TargetArn: OTHER_INSTANCE_ARN } });

    const report = await handler(first());

    expect(failing(report)).toEqual([
      { check: 'number-on-instance', subject: '+18005550101', detail: `claimed to another target (${OTHER_INSTANCE_ARN})` },
      { check: 'numbers-ready', subject: 'wave', detail: '2 of 3 number(s) ready' },
    ]);
  });

  it('is not ready when a number is not CLAIMED yet', async () => {
    connect
      .on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-0' })
      .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'IN_PROGRESS' }, TargetArn: INSTANCE_ARN } });

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([
      { check: 'number-claimed', subject: '+18005550100', detail: 'status IN_PROGRESS' },
      { check: 'numbers-ready', subject: 'wave', detail: '2 of 3 number(s) ready' },
    ]);
  });

  // Bug: lambda/shared/connect.ts describeNumberStatus returns only Status and TargetArn, and
  // lambda/deploy-check/index.ts never sets FoundPhoneNumber.statusMessage, so the reason Connect gives
  // (PhoneNumberStatus.Message, documented in lambda/core/readiness.ts as "shown when the number is not claimed")
  // never reaches the readiness report.
  it("explains a number that failed to claim with Connect's status message", async () => {
    connect.on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-0' }).resolves({
      ClaimedPhoneNumberSummary: {
        PhoneNumberStatus: { Status: 'FAILED', Message: 'The number could not be ported by the carrier' },
        TargetArn: INSTANCE_ARN,
      },
    });

    const report = await handler(first());

    expect(failing(report)).toEqual([
      { check: 'number-claimed', subject: '+18005550100', detail: 'status FAILED: The number could not be ported by the carrier' },
      { check: 'numbers-ready', subject: 'wave', detail: '2 of 3 number(s) ready' },
    ]);
  });

  it('is not ready when staffing has no data (an empty answer)', async () => {
    connect
      .on(GetCurrentMetricDataCommand, { Filters: { Queues: [QUEUES.billing.id], Channels: ['VOICE'] } })
      .resolves({ MetricResults: [] });

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([
      {
        check: 'queue-staffed',
        subject: QUEUES.billing.name,
        detail: 'no staffing data (AGENTS_ONLINE and AGENTS_AVAILABLE): no data is not success',
      },
    ]);
  });

  it('is not ready when the staffing read fails: no data is not success', async () => {
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('ThrottlingException'));

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report).map((i) => `${i.check} ${i.subject}`)).toEqual(['queue-staffed Support', 'queue-staffed Billing']);
  });

  it('is not ready when too few agents are online', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves(staffing(1, 1));

    const report = await handler(first());

    expect(failing(report)).toContainEqual({
      check: 'queue-staffed',
      subject: QUEUES.support.name,
      detail: '1 online, 1 available; needs at least 2 online',
    });
  });

  it('is not ready, with no further call, when the instance is not found', async () => {
    connect.on(DescribeInstanceCommand).rejects(new ResourceNotFoundException({ message: 'Instance not found', $metadata: {} }));

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(report.items[0]).toEqual({ check: 'instance-active', subject: INSTANCE_ID, ok: false, detail: 'instance not found' });
    expect(report.numberCounts).toEqual({ total: 3, resolved: 0, failing: 0 });
    expect(report.cursor).toEqual({ nextBatch: 1, batches: 1, total: 3, done: true });
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
    expect(connect).toHaveReceivedCommandTimes(DescribeInstanceCommand, 1);
    expect(connect.calls()).toHaveLength(1);
    expect(published(sns)[0].message).toMatchObject({ status: 'NOT_READY' });
  });

  it('rejects when DescribeInstance fails with anything but ResourceNotFoundException', async () => {
    connect.on(DescribeInstanceCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform connect:DescribeInstance'));

    await expect(handler(first())).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(connect.calls()).toHaveLength(1);
  });

  it('rejects a config whose instanceArn is not an instance ARN', async () => {
    await expect(
      handler(planEvent(state({ config: config({ instanceArn: `arn:aws:connect:us-east-1:123456789012:instance` }) }))),
    ).rejects.toThrow('not an instance ARN: arn:aws:connect:us-east-1:123456789012:instance');
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('rejects a state document without run', async () => {
    await expect(handler(planEvent(state({ run: undefined })))).rejects.toThrow('state.run: is required by this step');
  });

  it('rejects a bare state document: the plan must come in the event', async () => {
    await expect(handler(state({ readiness: undefined }))).rejects.toThrow(/^event\./);
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});

describe('deploy-check handler (early stop)', () => {
  it('stops after the global checks when the instance is not ACTIVE: no plan number is read or stored', async () => {
    connect.on(DescribeInstanceCommand).resolves({ Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN, InstanceStatus: 'CREATION_FAILED' } });

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'instance-active', subject: INSTANCE_ID, detail: 'status CREATION_FAILED' }]);
    expect(connect).not.toHaveReceivedCommand(ListContactFlowsCommand);
    expect(connect).not.toHaveReceivedCommand(BatchGetFlowAssociationCommand);
    for (const n of NUMBERS) expect(connect).not.toHaveReceivedCommandWith(DescribePhoneNumberCommand, { PhoneNumberId: n.phoneNumberId });
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
    // Done, so the state machine leaves the loop and ends ABORTED with the reason.
    expect(report.cursor).toEqual({ nextBatch: 1, batches: 1, total: 3, done: true });
    expect(report.numberCounts).toEqual({ total: 3, resolved: 0, failing: 0 });
    expect(report.items.map((i) => i.check)).not.toContain('numbers-ready');
    expect(published(sns).map((p) => p.message.status)).toEqual(['NOT_READY']);
  });

  it('stops before the numbers when a watched queue is not staffed', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves(staffing(0, 0));

    const report = await handler(first());

    expect(report.ready).toBe(false);
    expect(report.cursor.done).toBe(true);
    expect(connect).not.toHaveReceivedCommand(BatchGetFlowAssociationCommand);
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('stops on an empty selection of the plan (plan-not-empty fails)', async () => {
    const report = await handler(first({}, []));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'plan-not-empty', subject: 'plan', detail: 'no numbers to cut over' }]);
    expect(report.cursor.done).toBe(true);
    expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('keeps the snapshot 30 days beyond the longest execution (schedule days + 2)', async () => {
    await handler(first());

    // maxScheduleDays 14 + 2 days of execution + SNAPSHOT_RETENTION_DAYS_BEYOND_EXECUTION 30.
    expect(snapshotWrites()[0].expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 46 * 86_400);
  });

  it('rejects, reporting nothing ready, when the snapshot cannot be written', async () => {
    dynamodb.on(PutItemCommand).rejects(awsError('ProvisionedThroughputExceededException'));

    await expect(handler(first())).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(published(sns).map((p) => p.message.status)).not.toContain('READY');
  });
});

describe('deploy-check handler (batches)', () => {
  /** A 250-number wave onto Main Inbound: three batches of 100, 100 and 50. */
  const WAVE = manyNumbers(250);
  const BIG_PLAN: PlanEntry[] = WAVE.map((n) => ({ phoneNumber: n.phoneNumber, targetFlow: FLOWS.main.name }));
  const bigRun = run({ planSize: 250 });
  const claimedList = (numbers: ReadonlyArray<{ phoneNumber: string; phoneNumberId: string }>) => ({
    ListPhoneNumbersSummaryList: [...numbers, { phoneNumber: UAT_NUMBER.phoneNumber, phoneNumberId: UAT_NUMBER.id }].map((n) => ({
      PhoneNumber: n.phoneNumber,
      PhoneNumberId: n.phoneNumberId,
      PhoneNumberArn: numberArn(n.phoneNumberId),
      TargetArn: INSTANCE_ARN,
    })),
  });
  const batch = (previous: ReadinessState | undefined) => planEvent(state({ run: bigRun, readiness: previous }), BIG_PLAN);

  beforeEach(() => {
    connect.on(ListPhoneNumbersV2Command).resolves(claimedList(WAVE));
    associationWorld(connect, Object.fromEntries(WAVE.map((n) => [n.phoneNumberId, FLOWS.legacy.id])));
  });

  it('checks the first 100 numbers on the first run, with the global checks, and asks for the next batch', async () => {
    const report = await handler(batch(undefined));

    expect(report.cursor).toEqual({ nextBatch: 1, batches: 3, total: 250, done: false });
    // Not done: not ready yet, and no summary item.
    expect(report.ready).toBe(false);
    expect(report.items.map((i) => i.check)).not.toContain('numbers-ready');
    expect(report.items.map((i) => i.check)).toEqual(
      expect.arrayContaining(['instance-active', 'plan-not-empty', 'queue-staffed', 'uat-number', 'flow-published']),
    );
    expect(report.numberCounts).toEqual({ total: 250, resolved: 100, failing: 0 });
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      ResourceIds: WAVE.slice(0, 100).map((n) => n.phoneNumberArn),
    });
    expect(snapshotWrites()).toEqual([{ pk: `SNAPSHOT#${EXECUTION_ARN}#0`, numbers: WAVE.slice(0, 100), expiresAt: expect.any(Number) }]);
    expect(published(sns).map((p) => [p.message.status, p.message.summary])).toEqual([
      ['CHECKING', 'batch 1 of 3: 100 of 100 number(s) ready'],
    ]);
  });

  it('reads entries 100–199 only on batch 1, without repeating the global checks', async () => {
    const afterFirst = await handler(batch(undefined));
    connect.resetHistory();
    dynamodb.resetHistory();

    const report = await handler(batch(afterFirst));

    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 1);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      ResourceIds: WAVE.slice(100, 200).map((n) => n.phoneNumberArn),
    });
    expect(connect).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 100);
    for (const n of [WAVE[99], WAVE[200], { phoneNumberId: UAT_NUMBER.id }]) {
      expect(connect).not.toHaveReceivedCommandWith(DescribePhoneNumberCommand, { PhoneNumberId: n.phoneNumberId });
    }
    expect(connect).not.toHaveReceivedCommand(DescribeInstanceCommand);
    expect(connect).not.toHaveReceivedCommand(ListQueuesCommand);
    expect(connect).not.toHaveReceivedCommand(GetCurrentMetricDataCommand);
    expect(snapshotWrites()).toEqual([{ pk: `SNAPSHOT#${EXECUTION_ARN}#1`, numbers: WAVE.slice(100, 200), expiresAt: expect.any(Number) }]);
    expect(report.cursor).toEqual(cursor(1, 250));
    expect(report.numberCounts).toEqual({ total: 250, resolved: 200, failing: 0 });
    // The global items of the first batch are kept, once each.
    expect(report.items.filter((i) => i.check === 'instance-active')).toHaveLength(1);
    expect(report.items.filter((i) => i.check === 'flow-published' && i.subject === FLOWS.main.name)).toHaveLength(1);
  });

  it('re-runs the same batch on a retried invocation: same item overwritten, nothing counted twice', async () => {
    const afterFirst = await handler(batch(undefined));

    const once = await handler(batch(afterFirst));
    const again = await handler(batch(afterFirst));

    expect(again).toEqual(once);
    expect(again.numberCounts).toEqual({ total: 250, resolved: 200, failing: 0 });
    expect(snapshotWrites().map((w) => w.pk)).toEqual([0, 1, 1].map((b) => `SNAPSHOT#${EXECUTION_ARN}#${b}`));
  });

  it('sets done and the numbers-ready item on the last batch (50 numbers), and is ready', async () => {
    let report: ReadinessState | undefined;
    for (let b = 0; b < 3; b++) report = await handler(batch(report));

    expect(report!.cursor).toEqual({ nextBatch: 3, batches: 3, total: 250, done: true });
    expect(report!.ready).toBe(true);
    expect(report!.numberCounts).toEqual({ total: 250, resolved: 250, failing: 0 });
    expect(report!.items[report!.items.length - 1]).toEqual({
      check: 'numbers-ready',
      subject: 'wave',
      ok: true,
      detail: '250 of 250 number(s) ready',
    });
    expect(report!.targetFlowNames).toEqual([FLOWS.main.name]);
    expect(snapshotWrites().map((w) => [w.pk, w.numbers.length])).toEqual([
      [`SNAPSHOT#${EXECUTION_ARN}#0`, 100],
      [`SNAPSHOT#${EXECUTION_ARN}#1`, 100],
      [`SNAPSHOT#${EXECUTION_ARN}#2`, 50],
    ]);
    expect(snapshotWrites().flatMap((w) => w.numbers)).toEqual(WAVE);
    expect(published(sns).map((p) => p.message.status)).toEqual(['CHECKING', 'CHECKING', 'READY']);
    expect(published(sns)[2].message.summary).toMatch(/^READY: all \d+ checks passed \(250 number\(s\), 2 queue\(s\)\)$/);
  });

  it(`keeps at most ${MAX_NUMBER_ITEMS_IN_STATE} failing number items in the state, and counts every failing number`, async () => {
    // 30 numbers of batch 0 and 5 of batch 1 are not in the account.
    const missing = new Set([...WAVE.slice(0, 30), ...WAVE.slice(120, 125)].map((n) => n.phoneNumberId));
    connect.on(ListPhoneNumbersV2Command).resolves(claimedList(WAVE.filter((n) => !missing.has(n.phoneNumberId))));

    const afterFirst = await handler(batch(undefined));
    expect(afterFirst.numberCounts).toEqual({ total: 250, resolved: 70, failing: 30 });
    expect(afterFirst.items.filter((i) => i.check === 'number-found')).toHaveLength(MAX_NUMBER_ITEMS_IN_STATE);
    // Each batch's failures are published in full, even those the state does not keep.
    expect(published(sns)[0].message.detail).toHaveLength(30);

    const afterSecond = await handler(batch(afterFirst));
    const last = await handler(batch(afterSecond));

    const numberItems = last.items.filter((i) => i.check.startsWith('number-') && i.check !== 'numbers-ready');
    expect(numberItems).toHaveLength(MAX_NUMBER_ITEMS_IN_STATE);
    expect(numberItems.map((i) => i.subject)).toEqual(WAVE.slice(0, 20).map((n) => n.phoneNumber));
    expect(last.numberCounts).toEqual({ total: 250, resolved: 215, failing: 35 });
    expect(last.ready).toBe(false);
    expect(last.items).toContainEqual({
      check: 'numbers-ready',
      subject: 'wave',
      ok: false,
      detail: `215 of 250 number(s) ready (the first ${MAX_NUMBER_ITEMS_IN_STATE} failures are listed)`,
    });
    expect(snapshotWrites().map((w) => w.numbers.length)).toEqual([70, 95, 50]);
  });

  it('counts a number failing two checks once', async () => {
    connect
      .on(DescribePhoneNumberCommand, { PhoneNumberId: WAVE[3].phoneNumberId })
      .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'IN_PROGRESS' }, TargetArn: OTHER_INSTANCE_ARN } });

    const report = await handler(batch(undefined));

    expect(report.numberCounts.failing).toBe(1);
    expect(failing(report).map((i) => `${i.check} ${i.subject}`)).toEqual([
      `number-claimed ${WAVE[3].phoneNumber}`,
      `number-on-instance ${WAVE[3].phoneNumber}`,
    ]);
  });

  it('keeps a flow failure found in a later batch (a flow first judged ready is not trusted over a later failure)', async () => {
    const afterFirst = await handler(batch(undefined));
    connect
      .on(DescribeContactFlowCommand, { ContactFlowId: FLOWS.main.id })
      .resolves({ ContactFlow: { Status: 'SAVED', State: 'ACTIVE' } });

    const report = await handler(batch(afterFirst));

    expect(report.items.filter((i) => i.check === 'flow-published' && i.subject === FLOWS.main.name)).toEqual([
      { check: 'flow-published', subject: FLOWS.main.name, ok: false, detail: 'status SAVED' },
    ]);
  });

  it('works on the selection only: planSize 150 of the 250-number plan is two batches', async () => {
    const selection = WAVE.slice(50, 200).map((n) => n.phoneNumber);
    const event = (previous?: ReadinessState) =>
      planEvent(state({ run: run({ planSize: 150, selection }), readiness: previous }), BIG_PLAN);

    const afterFirst = await handler(event());
    const last = await handler(event(afterFirst));

    expect(afterFirst.cursor).toEqual({ nextBatch: 1, batches: 2, total: 150, done: false });
    expect(last.cursor).toEqual({ nextBatch: 2, batches: 2, total: 150, done: true });
    expect(snapshotWrites().map((w) => w.numbers)).toEqual([WAVE.slice(50, 150), WAVE.slice(150, 200)]);
    expect(last.ready).toBe(true);
  });
});

describe('deploy-check handler (numbers-ready summary)', () => {
  // A number whose target flow is not found passes the number checks but is not resolved (no snapshot entry): it
  // is not ready.
  it('does not count a number whose target flow is missing as ready', async () => {
    const plan = [PLAN[0], PLAN[1], { phoneNumber: PLAN[2].phoneNumber, targetFlow: 'No Such Flow' }];

    const report = await handler(first({}, plan));

    expect(report.numberCounts.resolved).toBe(2);
    expect(report.items.filter((i) => i.check === 'numbers-ready')).toEqual([
      { check: 'numbers-ready', subject: 'wave', ok: false, detail: '2 of 3 number(s) ready' },
    ]);
  });
});

describe('deploy-check handler (go-live readiness: agents, capacity, caller ID, hours)', () => {
  const quotas = mockClient(ServiceQuotasClient);
  beforeEach(() => {
    quotas.reset();
    quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 10 } });
  });
  const item = (report: ReadinessState, check: string) => report.items.filter((i) => i.check === check);

  it("counts each agent once across the line's queues and reports who is not ready in counts only", async () => {
    connect.on(GetCurrentUserDataCommand).resolves({
      UserDataList: [
        agent('agent-ready-1', 'Available', 1),
        agent('agent-ready-1', 'Available', 1),
        agent('agent-on-call', 'Available', 0),
        agent('agent-break-1', 'Break', 1),
        agent('agent-break-2', 'Break', 1),
        agent('agent-offline', 'Offline', 0),
      ],
    });
    const report = await handler(first({ config: config({ minAgentsAvailable: 2 }) }));

    expect(connect).toHaveReceivedCommandWith(GetCurrentUserDataCommand, {
      InstanceId: INSTANCE_ID,
      Filters: { Queues: [QUEUES.support.id, QUEUES.billing.id] },
      MaxResults: 100,
    });
    expect(item(report, 'agents-ready')).toEqual([
      {
        check: 'agents-ready',
        subject: 'all',
        ok: false,
        detail: '1 of 5 agent(s) ready, needs at least 2; not ready: 1 offline, 2 in status "Break", 1 with no free voice slot',
      },
    ]);
    expect(report.ready).toBe(false);
    // No agent id leaves the handler: not in the state, not on the status topic.
    expect(JSON.stringify(report)).not.toMatch(/agent-(ready|break|offline|on-call)/);
    expect(JSON.stringify(published(sns))).not.toMatch(/agent-(ready|break|offline|on-call)/);
  });

  it('follows GetCurrentUserData pages and passes with enough ready agents', async () => {
    connect
      .on(GetCurrentUserDataCommand)
      .callsFake((input: { NextToken?: string }) =>
        input.NextToken === 'p2'
          ? { UserDataList: [agent('a-3', 'Available', 1)] }
          : { UserDataList: [agent('a-1', 'Available', 1), agent('a-2', 'Available', 1)], NextToken: 'p2' },
      );
    const report = await handler(first({ config: config({ minAgentsAvailable: 3 }) }));
    expect(item(report, 'agents-ready')).toEqual([
      { check: 'agents-ready', subject: 'all', ok: true, detail: '3 of 3 agent(s) ready, needs at least 3' },
    ]);
    expect(connect).toHaveReceivedCommandTimes(GetCurrentUserDataCommand, 2);
  });

  it('counts an agent in a status ListAgentStatuses did not list as not routable', async () => {
    connect.on(ListAgentStatusesCommand).resolves({ AgentStatusSummaryList: [] });
    const report = await handler(first());
    expect(item(report, 'agents-ready')[0]).toMatchObject({ ok: false, detail: expect.stringContaining('2 in status "Available"') });
  });

  it('is not ready when the agents cannot be read: no data is not success', async () => {
    connect.on(GetCurrentUserDataCommand).rejects(awsError('ThrottlingException'));
    const report = await handler(first());
    expect(item(report, 'agents-ready')).toEqual([
      {
        check: 'agents-ready',
        subject: 'all',
        ok: false,
        detail: 'no agent data (GetCurrentUserData: ThrottlingException): no data is not success',
      },
    ]);
  });

  it('reads no agents when minAgentsAvailable is 0', async () => {
    const report = await handler(first({ config: config({ minAgentsAvailable: 0 }) }));
    expect(connect).not.toHaveReceivedCommand(GetCurrentUserDataCommand);
    expect(item(report, 'agents-ready')[0]).toMatchObject({ ok: true, detail: 'no minimum of ready agents configured' });
  });

  it("refuses a wave whose expected peak exceeds the instance's quota from Service Quotas, naming both numbers", async () => {
    const report = await handler(first({ run: run({ expectedPeakConcurrentCalls: { all: 14 } }) }));
    expect(quotas).toHaveReceivedCommandWith(GetServiceQuotaCommand, {
      ServiceCode: 'connect',
      QuotaCode: 'L-12AB7C57',
      ContextId: INSTANCE_ARN,
    });
    expect(item(report, 'capacity')).toEqual([
      {
        check: 'capacity',
        subject: 'instance',
        ok: false,
        detail:
          'expected peak 14 concurrent call(s) (all 14) exceeds the concurrent active calls quota of 10 (from Service Quotas connect/L-12AB7C57)',
      },
    ]);
    expect(report.ready).toBe(false);
  });

  it('asks for the account-level value when the instance has none of its own', async () => {
    quotas
      .on(GetServiceQuotaCommand, { ServiceCode: 'connect', QuotaCode: 'L-12AB7C57', ContextId: INSTANCE_ARN })
      .rejects(awsError('NoSuchResourceException'));
    const report = await handler(first({ run: run({ expectedPeakConcurrentCalls: { all: 9 } }) }));
    expect(quotas).toHaveReceivedCommandTimes(GetServiceQuotaCommand, 2);
    expect(quotas).toHaveReceivedNthCommandWith(2, GetServiceQuotaCommand, { ServiceCode: 'connect', QuotaCode: 'L-12AB7C57' });
    expect(item(report, 'capacity')[0]).toMatchObject({
      ok: true,
      detail: expect.stringContaining('fits the concurrent active calls quota of 10'),
    });
  });

  it("uses the construct's figure without calling Service Quotas, and says so", async () => {
    const report = await handler(
      first({ config: config({ concurrentCallsQuota: 50 }), run: run({ expectedPeakConcurrentCalls: { all: 40 } }) }),
    );
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
    expect(item(report, 'capacity')[0]).toEqual({
      check: 'capacity',
      subject: 'instance',
      ok: true,
      detail:
        'expected peak 40 concurrent call(s) (all 40) fits the concurrent active calls quota of 50 (from the construct prop concurrentCallsQuota)',
    });
  });

  it('does not read the quota when the input gives no expected peak', async () => {
    const report = await handler(first());
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
    expect(item(report, 'capacity')[0]).toMatchObject({ ok: true, detail: expect.stringContaining('not checked') });
  });

  it("is not ready when a queue's outbound caller ID is unset or not a known number; reports each queue's number", async () => {
    connect
      .on(DescribeQueueCommand, { QueueId: QUEUES.support.id })
      .resolves({ Queue: { HoursOfOperationId: 'hours-24x7', OutboundCallerConfig: { OutboundCallerIdNumberId: 'pn-0' } } })
      .on(DescribeQueueCommand, { QueueId: QUEUES.billing.id })
      .resolves({ Queue: { HoursOfOperationId: 'hours-24x7' } });
    const report = await handler(first());
    expect(item(report, 'caller-id')).toEqual([
      { check: 'caller-id', subject: 'Support', ok: true, detail: '+18005550100 (a number this plan moves)' },
      {
        check: 'caller-id',
        subject: 'Billing',
        ok: false,
        detail: 'no outbound caller ID number set: customers would see no known number',
      },
    ]);

    connect
      .on(DescribeQueueCommand)
      .resolves({ Queue: { HoursOfOperationId: 'hours-24x7', OutboundCallerConfig: { OutboundCallerIdNumberId: 'pn-uat' } } });
    const other = await handler(first());
    expect(item(other, 'caller-id')[0]).toMatchObject({
      ok: false,
      detail: '+18005550199 is neither a number this plan moves nor one of expectedCallerIdNumbers',
    });
  });

  it('is not ready when a queue is closed at cutoverAt, naming the queue and its hours; asks for the dates around the window', async () => {
    // Hours 08:00–18:00 New York; the cutover at 22:00 UTC is 18:00 New York: closed for the whole window.
    connect.on(GetEffectiveHoursOfOperationsCommand).callsFake(({ FromDate, ToDate }: { FromDate: string; ToDate: string }) => {
      const open = hours24x7({ FromDate, ToDate });
      return {
        TimeZone: 'America/New_York',
        EffectiveHoursOfOperationList: open.EffectiveHoursOfOperationList.map((d) => ({
          Date: d.Date,
          OperationalHours: [{ Start: { Hours: 8, Minutes: 0 }, End: { Hours: 18, Minutes: 0 } }],
        })),
      };
    });
    const report = await handler(first());
    expect(connect).toHaveReceivedCommandWith(GetEffectiveHoursOfOperationsCommand, {
      InstanceId: INSTANCE_ID,
      HoursOfOperationId: 'hours-24x7',
      FromDate: '2025-05-31',
      ToDate: '2025-06-02',
    });
    // Both queues share one hours of operation: read once.
    expect(connect).toHaveReceivedCommandTimes(GetEffectiveHoursOfOperationsCommand, 1);
    expect(item(report, 'queue-open')[0]).toEqual({
      check: 'queue-open',
      subject: 'Support',
      ok: false,
      detail:
        'closed 2025-06-01 22:00Z–2025-06-01 22:30Z of 2025-06-01 22:00Z–2025-06-01 22:30Z; hours: America/New_York 2025-06-01 08:00–18:00',
    });

    const allowed = await handler(first({ run: run({ closedQueuesAllowed: ['Support', queueArn(QUEUES.billing.id)] }) }));
    expect(item(allowed, 'queue-open').map((i) => [i.subject, i.ok, i.detail.includes('intended (closedQueuesAllowed)')])).toEqual([
      ['Support', true, true],
      ['Billing', true, true],
    ]);
  });
});
