import {
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  GetCurrentMetricDataCommand,
  ListContactFlowsCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/deploy-check';
import {
  associations, awsError, BEFORE_CUTOVER, CHANGE_ID, config, flowArn, FLOWS, INSTANCE_ARN, INSTANCE_ID, NUMBERS, numberArn,
  OTHER_INSTANCE_ARN, pinClock, published, queueArn, QUEUES, state, TOPIC_ARN, UAT_NUMBER,
} from './fixtures';

const connect = mockClient(ConnectClient);
const sns = mockClient(SNSClient);
// The control table (abort flag, go-live lock) answers empty: nothing held, nothing requested.
const dynamodb = mockClient(DynamoDBClient);
let restoreClock: () => void;

const CLAIMED = [...NUMBERS.map((n) => ({ phoneNumber: n.phoneNumber, id: n.phoneNumberId })), UAT_NUMBER];

function staffing(agentsOnline: number, agentsAvailable: number) {
  return {
    MetricResults: [{
      Dimensions: { Queue: { Id: 'q', Arn: queueArn('q') } },
      Collections: [
        { Metric: { Name: 'AGENTS_ONLINE' as const, Unit: 'COUNT' as const }, Value: agentsOnline },
        { Metric: { Name: 'AGENTS_AVAILABLE' as const, Unit: 'COUNT' as const }, Value: agentsAvailable },
        { Metric: { Name: 'CONTACTS_IN_QUEUE' as const, Unit: 'COUNT' as const }, Value: 0 },
      ],
    }],
  };
}

beforeEach(() => {
  connect.reset();
  sns.reset();
  dynamodb.reset();
  dynamodb.onAnyCommand().resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  connect.on(DescribeInstanceCommand).resolves({ Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN, InstanceStatus: 'ACTIVE' } });
  // Two pages: the adapter follows NextToken.
  connect.on(ListContactFlowsCommand)
    .resolvesOnce({
      ContactFlowSummaryList: [FLOWS.main, FLOWS.legacy].map((f) => ({ Id: f.id, Arn: flowArn(f.id), Name: f.name })),
      NextToken: 'flows-page-2',
    })
    .resolves({ ContactFlowSummaryList: [{ Id: FLOWS.billing.id, Arn: flowArn(FLOWS.billing.id), Name: FLOWS.billing.name }] });
  connect.on(ListQueuesCommand).resolves({
    QueueSummaryList: [QUEUES.support, QUEUES.billing].map((q) => ({ Id: q.id, Arn: queueArn(q.id), Name: q.name, QueueType: 'STANDARD' as const })),
  });
  connect.on(ListPhoneNumbersV2Command).resolves({
    ListPhoneNumbersSummaryList: CLAIMED.map((n) => ({
      PhoneNumber: n.phoneNumber, PhoneNumberId: n.id, PhoneNumberArn: numberArn(n.id), TargetArn: INSTANCE_ARN,
    })),
  });
  connect.on(BatchGetFlowAssociationCommand).resolves(associations(BEFORE_CUTOVER));
  connect.on(DescribeContactFlowCommand).resolves({ ContactFlow: { Status: 'PUBLISHED', State: 'ACTIVE' } });
  connect.on(DescribePhoneNumberCommand).resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'CLAIMED' }, TargetArn: INSTANCE_ARN } });
  connect.on(GetCurrentMetricDataCommand).resolves(staffing(5, 2));
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

const failing = (report: { items: readonly { check: string; subject: string; ok: boolean; detail: string }[] }) =>
  report.items.filter((i) => !i.ok).map(({ check, subject, detail }) => ({ check, subject, detail }));

describe('deploy-check handler', () => {
  it('sends the exact Connect commands: instance, flows, queues, numbers, associations, flows, numbers, staffing', async () => {
    await handler(state({ readiness: undefined }));

    expect(connect).toHaveReceivedCommandWith(DescribeInstanceCommand, { InstanceId: INSTANCE_ID });
    expect(connect).toHaveReceivedCommandTimes(ListContactFlowsCommand, 2);
    expect(connect).toHaveReceivedNthSpecificCommandWith(1, ListContactFlowsCommand, { InstanceId: INSTANCE_ID, MaxResults: 1000, NextToken: undefined });
    expect(connect).toHaveReceivedNthSpecificCommandWith(2, ListContactFlowsCommand, { InstanceId: INSTANCE_ID, MaxResults: 1000, NextToken: 'flows-page-2' });
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

  it('returns a ready report with the rollback snapshot and the target flow names', async () => {
    const report = await handler(state({ readiness: undefined }));

    expect(failing(report)).toEqual([]);
    expect(report.ready).toBe(true);
    expect(report.snapshot).toEqual({ 'pn-0': FLOWS.legacy.id, 'pn-1': null, 'pn-2': FLOWS.legacy.id });
    expect(report.numbers).toEqual(NUMBERS);
    expect(report.queueIds).toEqual([QUEUES.support.id, QUEUES.billing.id]);
    expect(report.targetFlowNames).toEqual([FLOWS.main.name, FLOWS.billing.name]);
    expect(report.items).toContainEqual({ check: 'queue-staffed', subject: QUEUES.support.name, ok: true, detail: '5 online, 2 available (minimum 2 online)' });
    expect(report.items).toContainEqual({ check: 'uat-number', subject: UAT_NUMBER.phoneNumber, ok: true, detail: 'found on this instance' });
  });

  it('publishes READY to the status topic', async () => {
    await handler(state({ readiness: undefined }));

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] DeployCheck: READY` });
    expect(published(sns)[0].message).toMatchObject({ step: 'DeployCheck', status: 'READY', summary: expect.stringMatching(/^READY: all \d+ checks passed \(3 number\(s\), 2 queue\(s\)\)$/) });
  });

  it('checks only the numbers the execution selected', async () => {
    const report = await handler(state({ readiness: undefined, run: { ...(state().run as object), plan: [config().plan[2]] } }));

    expect(report.numbers.map((n) => n.phoneNumberId)).toEqual(['pn-2']);
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, { ResourceIds: [numberArn('pn-2')] });
    expect(connect).toHaveReceivedCommandTimes(DescribeContactFlowCommand, 1);
    expect(report.targetFlowNames).toEqual([FLOWS.billing.name]);
  });

  it('is not ready when a target flow is only SAVED', async () => {
    connect.on(DescribeContactFlowCommand, { ContactFlowId: FLOWS.billing.id }).resolves({ ContactFlow: { Status: 'SAVED', State: 'ACTIVE' } });

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'flow-published', subject: FLOWS.billing.name, detail: 'status SAVED' }]);
    expect(published(sns)[0].message).toMatchObject({ status: 'NOT_READY', summary: expect.stringContaining('- flow-published Billing Inbound: status SAVED') });
  });

  it('is not ready when a plan number is missing from the instance, and does not describe it', async () => {
    connect.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: CLAIMED.filter((n) => n.id !== 'pn-2').map((n) => ({
        PhoneNumber: n.phoneNumber, PhoneNumberId: n.id, PhoneNumberArn: numberArn(n.id), TargetArn: INSTANCE_ARN,
      })),
    });

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'number-found', subject: '+18005550102', detail: 'not found in this account' }]);
    expect(report.numbers.map((n) => n.phoneNumberId)).toEqual(['pn-0', 'pn-1']);
    expect(connect).not.toHaveReceivedCommandWith(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-2' });
    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, { ResourceIds: [numberArn('pn-0'), numberArn('pn-1')] });
  });

  it('is not ready when a number is claimed to another instance', async () => {
    connect.on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-1' })
      .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'CLAIMED' }, TargetArn: OTHER_INSTANCE_ARN } });

    const report = await handler(state({ readiness: undefined }));

    expect(failing(report)).toEqual([{ check: 'number-on-instance', subject: '+18005550101', detail: `claimed to another target (${OTHER_INSTANCE_ARN})` }]);
  });

  it('is not ready when a number is not CLAIMED yet', async () => {
    connect.on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-0' })
      .resolves({ ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'IN_PROGRESS' }, TargetArn: INSTANCE_ARN } });

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{ check: 'number-claimed', subject: '+18005550100', detail: 'status IN_PROGRESS' }]);
  });

  // Bug: lambda/shared/connect.ts describeNumberStatus returns only Status and TargetArn, and
  // lambda/deploy-check/index.ts never sets FoundPhoneNumber.statusMessage, so the reason Connect gives
  // (PhoneNumberStatus.Message, documented in lambda/core/readiness.ts as "shown when the number is not claimed")
  // never reaches the readiness report.
  it('explains a number that failed to claim with Connect\'s status message', async () => {
    connect.on(DescribePhoneNumberCommand, { PhoneNumberId: 'pn-0' }).resolves({
      ClaimedPhoneNumberSummary: { PhoneNumberStatus: { Status: 'FAILED', Message: 'The number could not be ported by the carrier' }, TargetArn: INSTANCE_ARN },
    });

    const report = await handler(state({ readiness: undefined }));

    expect(failing(report)).toEqual([{ check: 'number-claimed', subject: '+18005550100', detail: 'status FAILED: The number could not be ported by the carrier' }]);
  });

  it('is not ready when staffing has no data (an empty answer)', async () => {
    connect.on(GetCurrentMetricDataCommand, { Filters: { Queues: [QUEUES.billing.id], Channels: ['VOICE'] } }).resolves({ MetricResults: [] });

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([{
      check: 'queue-staffed', subject: QUEUES.billing.name, detail: 'no staffing data (AGENTS_ONLINE and AGENTS_AVAILABLE): no data is not success',
    }]);
  });

  it('is not ready when the staffing read fails: no data is not success', async () => {
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('ThrottlingException'));

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(failing(report).map((i) => `${i.check} ${i.subject}`)).toEqual(['queue-staffed Support', 'queue-staffed Billing']);
  });

  it('is not ready when too few agents are online', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves(staffing(1, 1));

    const report = await handler(state({ readiness: undefined }));

    expect(failing(report)).toContainEqual({ check: 'queue-staffed', subject: QUEUES.support.name, detail: '1 online, 1 available; needs at least 2 online' });
  });

  it('is not ready, with no further call, when the instance is not found', async () => {
    connect.on(DescribeInstanceCommand).rejects(new ResourceNotFoundException({ message: 'Instance not found', $metadata: {} }));

    const report = await handler(state({ readiness: undefined }));

    expect(report.ready).toBe(false);
    expect(report.items[0]).toEqual({ check: 'instance-active', subject: INSTANCE_ID, ok: false, detail: 'instance not found' });
    expect(report.numbers).toEqual([]);
    expect(report.snapshot).toEqual({});
    expect(connect).toHaveReceivedCommandTimes(DescribeInstanceCommand, 1);
    expect(connect.calls()).toHaveLength(1);
    expect(published(sns)[0].message).toMatchObject({ status: 'NOT_READY' });
  });

  it('rejects when DescribeInstance fails with anything but ResourceNotFoundException', async () => {
    connect.on(DescribeInstanceCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform connect:DescribeInstance'));

    await expect(handler(state({ readiness: undefined }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(connect.calls()).toHaveLength(1);
  });

  it('rejects a config whose instanceArn is not an instance ARN', async () => {
    await expect(handler(state({ config: config({ instanceArn: `arn:aws:connect:us-east-1:123456789012:instance` }) })))
      .rejects.toThrow('not an instance ARN: arn:aws:connect:us-east-1:123456789012:instance');
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('rejects a state document without run', async () => {
    await expect(handler(state({ run: undefined }))).rejects.toThrow('state.run: is required by this step');
  });
});
