import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ConnectClient, CurrentMetricName, GetCurrentMetricDataCommand, GetMetricDataV2Command } from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MetricSample, VerifyState } from '../../../lambda/core/types';
import { handler } from '../../../lambda/verify';
import {
  awsError,
  CHANGE_ID,
  config,
  CONTROL_TABLE,
  CUTOVER_COMPLETED_AT,
  cutoverRecord,
  EXECUTION_ARN,
  FLOWS,
  INSTANCE_ARN,
  INSTANCE_ID,
  NOW,
  pinClock,
  published,
  queueArn,
  QUEUES,
  readiness,
  run,
  state,
  TOPIC_ARN,
  verifyState,
} from './fixtures';
import { DEFAULT_VERIFICATION } from '../../../lambda/core/defaults';

const connect = mockClient(ConnectClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
let restoreClock: () => void;

/**
 * The rate window ends at NOW and reaches back the metric window (60 s) plus the contact-record lag Verify covers
 * (120 s): contacts that ended in the last minute may not be counted yet. The cutover was 300 s ago.
 */
const WINDOW_START = new Date(NOW.getTime() - 180_000);
/** CloudWatch is read per minute from 10 minutes before the cutover's minute (MisconfiguredPhoneNumbers' normal). */
const CLOUDWATCH_START = new Date(NOW.getTime() - 15 * 60_000);
const minuteAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);

function queueResult(queueId: string, values: Partial<Record<CurrentMetricName, number>>) {
  return {
    Dimensions: { Queue: { Id: queueId, Arn: queueArn(queueId) }, Channel: 'VOICE' as const },
    Collections: Object.entries(values).map(([Name, Value]) => ({ Metric: { Name: Name as CurrentMetricName }, Value })),
  };
}

function historical(values: Record<string, number>) {
  return { MetricResults: [{ Collections: Object.entries(values).map(([Name, Value]) => ({ Metric: { Name }, Value })) }] };
}

beforeEach(() => {
  connect.reset();
  cloudwatch.reset();
  dynamodb.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetItemCommand).resolves({});
  connect.on(GetCurrentMetricDataCommand).resolves({
    MetricResults: [
      queueResult(QUEUES.support.id, { CONTACTS_IN_QUEUE: 2, OLDEST_CONTACT_AGE: 30, AGENTS_ONLINE: 5, AGENTS_AVAILABLE: 2 }),
      queueResult(QUEUES.billing.id, { CONTACTS_IN_QUEUE: 1, OLDEST_CONTACT_AGE: 45, AGENTS_ONLINE: 3, AGENTS_AVAILABLE: 1 }),
    ],
  });
  connect
    .on(GetMetricDataV2Command, { StartTime: WINDOW_START })
    .resolves(historical({ ABANDONMENT_RATE: 5, AVG_HANDLE_TIME: 240, CONTACTS_HANDLED: 18, CONTACTS_ABANDONED: 1 }));
  connect
    .on(GetMetricDataV2Command, { StartTime: CUTOVER_COMPLETED_AT })
    .resolves(historical({ ABANDONMENT_RATE: 4, AVG_HANDLE_TIME: 250, CONTACTS_HANDLED: 90, CONTACTS_ABANDONED: 4 }));
  // CloudWatch omits periods without events.
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

/** Rates are judged from cutover + warm-up here (no settle span), so a cutover 300 s ago has a rate window. */
const RUN = run({ verification: { ...DEFAULT_VERIFICATION, rateSettleSeconds: 0 } });
/** `null`: the first poll (no `verify` key yet). */
const verifyEvent = (previous: VerifyState | null = verifyState()) =>
  state({ run: RUN, cutover: cutoverRecord(), verify: previous ?? undefined });

const GOOD_SAMPLE: MetricSample = {
  elapsedSeconds: 300,
  abandonmentRate: 0.05,
  avgHandleTimeSeconds: 240,
  contactsInQueue: 3,
  oldestContactAgeSeconds: 45,
  agentsAvailable: 3,
  contactFlowErrors: 0,
  contactFlowErrorsFinal: true,
  misconfiguredCalls: 0,
  misconfiguredCallsBefore: 0,
  callsRejected: 0,
  callsRejectedBefore: 0,
  concurrentCallsPercentage: 0,
  contactsInWindow: 19,
  contactsSinceCutover: 94,
  // 300 s since cutover − the 120 s either delayed source may still need.
  finalThroughSeconds: 180,
  errors: [],
};

describe('verify handler: the sample', () => {
  it('builds the sample from real-time, historical and CloudWatch metrics', async () => {
    const next = await handler(verifyEvent());

    expect(next.sample).toEqual(GOOD_SAMPLE);
    expect(next.decision).toBe('CONTINUE');
    expect(next.polls).toBe(13);
    expect(next.checks.every((c) => c.status === 'PASS')).toBe(true);
  });

  it('reads queue metrics grouped by queue and agents without grouping (an agent in two queues counts once)', async () => {
    await handler(verifyEvent());

    expect(connect).toHaveReceivedCommandTimes(GetCurrentMetricDataCommand, 2);
    expect(connect).toHaveReceivedCommandWith(GetCurrentMetricDataCommand, {
      InstanceId: INSTANCE_ID,
      Filters: { Queues: [QUEUES.support.id, QUEUES.billing.id], Channels: ['VOICE'] },
      Groupings: ['QUEUE'],
      CurrentMetrics: [
        { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
        { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
      ],
    });
    const agents = connect
      .commandCalls(GetCurrentMetricDataCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.Groupings === undefined);
    expect(agents).toEqual({
      InstanceId: INSTANCE_ID,
      Filters: { Queues: [QUEUES.support.id, QUEUES.billing.id], Channels: ['VOICE'] },
      CurrentMetrics: [
        { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
        { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
      ],
    });
  });

  it('reads historical metrics on the instance ARN over the trailing window and since cutover', async () => {
    await handler(verifyEvent());

    expect(connect).toHaveReceivedCommandTimes(GetMetricDataV2Command, 2);
    for (const start of [WINDOW_START, CUTOVER_COMPLETED_AT]) {
      expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, {
        ResourceArn: INSTANCE_ARN,
        StartTime: start,
        EndTime: NOW,
        Interval: { IntervalPeriod: 'TOTAL' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: [QUEUES.support.id, QUEUES.billing.id] }],
        Metrics: [
          { Name: 'ABANDONMENT_RATE' },
          { Name: 'AVG_HANDLE_TIME' },
          { Name: 'CONTACTS_HANDLED', MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['INBOUND'] }] },
          { Name: 'CONTACTS_ABANDONED' },
        ],
      });
    }
  });

  it('reads ContactFlowErrors and ContactFlowFatalErrors per target flow name, and MisconfiguredPhoneNumbers', async () => {
    await handler(verifyEvent());

    const query = (Id: string, MetricName: string, dims: Record<string, string>) => ({
      Id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Connect',
          MetricName,
          Dimensions: Object.entries({ InstanceId: INSTANCE_ID, ...dims }).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: 60,
        Stat: 'Sum',
      },
    });
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: CLOUDWATCH_START,
      EndTime: NOW,
      MetricDataQueries: [
        query('misconfigured', 'MisconfiguredPhoneNumbers', { MetricGroup: 'VoiceCalls' }),
        query('breaching', 'CallsBreachingConcurrencyQuota', { MetricGroup: 'VoiceCalls' }),
        query('throttled', 'ThrottledCalls', { MetricGroup: 'VoiceCalls' }),
        {
          ...query('concurrency', 'ConcurrentCallsPercentage', { MetricGroup: 'VoiceCalls' }),
          MetricStat: { ...query('concurrency', 'ConcurrentCallsPercentage', { MetricGroup: 'VoiceCalls' }).MetricStat, Stat: 'Maximum' },
        },
        query('errors0', 'ContactFlowErrors', { MetricGroup: 'ContactFlow', ContactFlowName: FLOWS.main.name }),
        query('fatal0', 'ContactFlowFatalErrors', { MetricGroup: 'ContactFlow', ContactFlowName: FLOWS.main.name }),
        query('errors1', 'ContactFlowErrors', { MetricGroup: 'ContactFlow', ContactFlowName: FLOWS.billing.name }),
        query('fatal1', 'ContactFlowFatalErrors', { MetricGroup: 'ContactFlow', ContactFlowName: FLOWS.billing.name }),
      ],
    });
  });

  it('sums every flow error series minute by minute', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'misconfigured', Timestamps: [], Values: [] },
        { Id: 'errors0', Timestamps: [minuteAgo(1)], Values: [3] },
        { Id: 'fatal1', Timestamps: [minuteAgo(1)], Values: [1] },
      ],
    });

    const next = await handler(verifyEvent());

    expect(next.sample?.contactFlowErrors).toBe(4);
    expect(next.checks.find((c) => c.check === 'contactFlowErrors')).toMatchObject({ status: 'FAIL', value: 4, consecutiveFailures: 1 });
  });

  it('counts an empty CloudWatch answer as 0 errors once a minute after cutover is final, not as no data', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({});

    const next = await handler(verifyEvent());

    expect(next.sample?.contactFlowErrors).toBe(0);
    expect(next.checks.find((c) => c.check === 'contactFlowErrors')?.status).toBe('PASS');
  });

  it('reads no rate window before cutover + warm-up: contacts ending then started on the old routing', async () => {
    const justCut = new Date(NOW.getTime() - 20_000);
    connect.on(GetMetricDataV2Command).resolves(historical({ CONTACTS_HANDLED: 1 }));

    const next = await handler(state({ cutover: cutoverRecord({ completedAt: justCut.toISOString() }), verify: undefined }));

    expect(connect).toHaveReceivedCommandTimes(GetMetricDataV2Command, 1);
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: justCut, EndTime: NOW });
    expect(next.sample).toMatchObject({
      elapsedSeconds: 20,
      contactsInWindow: null,
      contactsSinceCutover: 1,
      abandonmentRate: null,
      contactFlowErrorsFinal: false,
    });
    expect(next.decision).toBe('WARMING_UP');
  });

  it('judges no rate during the settle span after warm-up', async () => {
    await handler(
      state({
        run: run({ verification: { ...DEFAULT_VERIFICATION, rateSettleSeconds: 360 } }),
        cutover: cutoverRecord(),
        verify: verifyState(),
      }),
    );

    // Cutover 300 s ago < warm-up 60 s + settle 360 s: only the since-cutover volume is read.
    expect(connect).toHaveReceivedCommandTimes(GetMetricDataV2Command, 1);
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: CUTOVER_COMPLETED_AT });
  });

  it('leaves a passing flow-error count NO_DATA while no minute after cutover is final', async () => {
    const twoMinutesAgo = new Date(NOW.getTime() - 100_000);

    const next = await handler(state({ cutover: cutoverRecord({ completedAt: twoMinutesAgo.toISOString() }), verify: verifyState() }));

    expect(next.checks.find((c) => c.check === 'contactFlowErrors')).toMatchObject({ status: 'NO_DATA', value: 0 });
  });
});

describe('verify handler: an API error is not a failure', () => {
  it('makes the historical values null and names GetMetricDataV2 once in sample.errors', async () => {
    connect.on(GetMetricDataV2Command).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const next = await handler(verifyEvent());

    expect(next.sample).toEqual({
      ...GOOD_SAMPLE,
      abandonmentRate: null,
      avgHandleTimeSeconds: null,
      contactsInWindow: null,
      contactsSinceCutover: null,
      errors: ['GetMetricDataV2: ThrottlingException'],
    });
    expect(next.decision).toBe('CONTINUE');
    expect(next.reason).toContain('API errors (not failures): GetMetricDataV2: ThrottlingException');
    expect(next.checks.find((c) => c.check === 'abandonmentRate')?.status).toBe('NO_DATA');
  });

  it('does not roll back when every source fails, even with a check one FAIL away from the limit', async () => {
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('InternalServiceException'));
    connect.on(GetMetricDataV2Command).rejects(awsError('ThrottlingException'));
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('ServiceUnavailable'));
    const previous = verifyState({
      failureStreaks: { ...verifyState().failureStreaks, contactsInQueue: 1 },
      failureStreakSince: { contactsInQueue: 285 },
    });

    const next = await handler(verifyEvent(previous));

    expect(next.sample?.errors).toEqual([
      'GetCurrentMetricData: InternalServiceException',
      'GetMetricDataV2: ThrottlingException',
      'GetMetricData: ServiceUnavailable',
    ]);
    expect(next.checks.every((c) => c.status === 'NO_DATA')).toBe(true);
    expect(next.decision).not.toBe('ROLLBACK');
    // NO_DATA neither resets nor counts the streak.
    expect(next.failureStreaks.contactsInQueue).toBe(1);
  });

  it('makes contactFlowErrors null (not 0) when CloudWatch fails', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('AccessDenied'));

    const next = await handler(verifyEvent());

    expect(next.sample).toMatchObject({
      contactFlowErrors: null,
      misconfiguredCalls: null,
      finalThroughSeconds: null,
      errors: ['GetMetricData: AccessDenied'],
    });
    expect(next.decision).toBe('CONTINUE');
  });
});

describe('verify handler: abort and publishing', () => {
  it('checks the abort flag in the control table', async () => {
    await handler(verifyEvent());

    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: CONTROL_TABLE,
      Key: { pk: { S: `ABORT#${EXECUTION_ARN}` } },
      ConsistentRead: true,
    });
  });

  it('decides ROLLBACK with reason "operator abort requested" on an abort flag, reading no metric', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` } } });

    const next = await handler(verifyEvent());

    expect(next).toMatchObject({ decision: 'ROLLBACK', reason: 'operator abort requested', polls: 12 });
    expect(connect).not.toHaveReceivedAnyCommand();
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] Verify: ROLLBACK` });
  });

  it('decides ROLLBACK on an abort flag at the first poll too', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: `ABORT#${EXECUTION_ARN}` } } });

    const next = await handler(verifyEvent(null));

    expect(next).toMatchObject({ decision: 'ROLLBACK', reason: 'operator abort requested', polls: 0, sample: null, breachAtSeconds: null });
  });

  it('keeps verifying when the abort flag cannot be read', async () => {
    dynamodb.on(GetItemCommand).rejects(awsError('ProvisionedThroughputExceededException'));

    const next = await handler(verifyEvent());

    expect(next.decision).toBe('CONTINUE');
    expect(connect).toHaveReceivedCommand(GetCurrentMetricDataCommand);
  });

  it('publishes the first poll and every change of decision, not a repeated CONTINUE', async () => {
    await handler(verifyEvent());
    expect(sns).not.toHaveReceivedCommand(PublishCommand);

    await handler(verifyEvent(null));
    expect(published(sns)).toEqual([expect.objectContaining({ subject: `[${CHANGE_ID}] Verify: CONTINUE` })]);
    expect(published(sns)[0].message).toMatchObject({ step: 'Verify', status: 'CONTINUE', detail: expect.any(Array) });

    await handler(verifyEvent(verifyState({ decision: 'WARMING_UP' })));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('rolls back on the second consecutive breach and says when it started', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves({
      MetricResults: [queueResult(QUEUES.support.id, { CONTACTS_IN_QUEUE: 40, OLDEST_CONTACT_AGE: 30, AGENTS_AVAILABLE: 2 })],
    });
    const previous = verifyState({
      failureStreaks: { ...verifyState().failureStreaks, contactsInQueue: 1 },
      failureStreakSince: { contactsInQueue: 285 },
    });

    const next = await handler(verifyEvent(previous));

    expect(next).toMatchObject({ decision: 'ROLLBACK', breachAtSeconds: 285 });
    expect(next.reason).toMatch(/^contactsInQueue 40 breached ≤ 25 on 2 consecutive polls/);
    expect(published(sns)[0].message.status).toBe('ROLLBACK');
  });

  it('rejects a state document without cutover', async () => {
    await expect(handler(state({ verify: undefined }))).rejects.toThrow('state.cutover: is required by this step');
  });

  it('rejects a state document whose readiness has no queueIds list', async () => {
    await expect(handler(state({ cutover: cutoverRecord(), readiness: { ...readiness(), queueIds: undefined } }))).rejects.toThrow(
      /^state\.readiness\.queueIds: /,
    );
  });
});

describe('verify handler: hypercare (called by the Hypercare state)', () => {
  const liveVerdict = verifyState({
    decision: 'LIVE',
    reason: 'observation window complete',
    sample: { ...GOOD_SAMPLE, elapsedSeconds: 200 },
  });
  const hypercareEvent = (hypercareSeconds: number) => ({
    phase: 'hypercare',
    state: state({
      config: config({ hypercareSeconds, hypercarePollIntervalSeconds: 60 }),
      run: RUN,
      cutover: cutoverRecord(),
      verify: liveVerdict,
    }),
  });

  it('reopens the LIVE verdict and keeps judging with the same checks until hypercare ends, publishing as Hypercare', async () => {
    const next = await handler(hypercareEvent(3600));

    expect(next.decision).toBe('CONTINUE');
    expect(next.hypercare).toEqual({ startedAtSeconds: 200, untilSeconds: 3800, polls: 1 });
    expect(next.reason).toMatch(/^hypercare 100 s of 3600 s: /);
    expect(next.checks.every((c) => c.status === 'PASS')).toBe(true);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] Hypercare: CONTINUE` });
  });

  it('without the hypercare phase a LIVE verdict stays final', async () => {
    const next = await handler(verifyEvent(liveVerdict));

    expect(next.decision).toBe('LIVE');
    expect(next.hypercare).toBeUndefined();
  });
});
