import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ConnectClient, GetCurrentMetricDataCommand, GetMetricDataV2Command } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  PRE_CUTOVER_MINUTES,
  type SampleRequest,
  chunkQueues,
  readCloudWatch,
  readCurrent,
  readHistorical,
  readSample,
} from '../../../lambda/shared/metrics';
import { awsError, INSTANCE_ARN, INSTANCE_ID, NOW, pinClock } from '../handlers/fixtures';

const connect = mockClient(ConnectClient);
const cloudwatch = mockClient(CloudWatchClient);
let restoreClock: () => void;

beforeEach(() => {
  connect.reset();
  cloudwatch.reset();
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

const collections = (values: Record<string, number>) => Object.entries(values).map(([Name, Value]) => ({ Metric: { Name }, Value }));
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

describe('readCurrent', () => {
  it('sums counts over the queues and takes the oldest contact age', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves({
      MetricResults: [
        { Collections: collections({ CONTACTS_IN_QUEUE: 4, OLDEST_CONTACT_AGE: 95, AGENTS_ONLINE: 6, AGENTS_AVAILABLE: 0 }) as never },
        { Collections: collections({ CONTACTS_IN_QUEUE: 1, OLDEST_CONTACT_AGE: 20, AGENTS_ONLINE: 2, AGENTS_AVAILABLE: 1 }) as never },
      ],
    });

    await expect(readCurrent(INSTANCE_ID, ['q1', 'q2'])).resolves.toEqual({
      contactsInQueue: 5,
      oldestContactAgeSeconds: 95,
      agentsOnline: 8,
      agentsAvailable: 1,
    });
  });

  it('answers null for every metric when Connect returns no result', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves({});

    await expect(readCurrent(INSTANCE_ID, ['q1'])).resolves.toEqual({
      contactsInQueue: null,
      oldestContactAgeSeconds: null,
      agentsOnline: null,
      agentsAvailable: null,
    });
  });
});

describe('readHistorical', () => {
  it('turns ABANDONMENT_RATE percent into a fraction and counts handled + abandoned contacts', async () => {
    connect.on(GetMetricDataV2Command).resolves({
      MetricResults: [
        { Collections: collections({ ABANDONMENT_RATE: 12.5, AVG_HANDLE_TIME: 310, CONTACTS_HANDLED: 35, CONTACTS_ABANDONED: 5 }) },
      ],
    });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({
      abandonmentRate: 0.125,
      avgHandleTimeSeconds: 310,
      contacts: 40,
    });
  });

  it('answers null (not 0) for metrics Connect did not return', async () => {
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [] });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({
      abandonmentRate: null,
      avgHandleTimeSeconds: null,
      contacts: null,
    });
  });

  it('counts abandoned contacts alone when none was handled', async () => {
    connect
      .on(GetMetricDataV2Command)
      .resolves({ MetricResults: [{ Collections: collections({ ABANDONMENT_RATE: 100, CONTACTS_ABANDONED: 3 }) }] });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({
      abandonmentRate: 1,
      avgHandleTimeSeconds: null,
      contacts: 3,
    });
  });
});

describe('readCurrent: agents and slices', () => {
  it('reads agents without the QUEUE grouping, so an agent in two queues counts once', async () => {
    connect.on(GetCurrentMetricDataCommand, { Groupings: ['QUEUE'] }).resolves({
      MetricResults: [
        { Collections: collections({ CONTACTS_IN_QUEUE: 2, OLDEST_CONTACT_AGE: 30 }) as never },
        { Collections: collections({ CONTACTS_IN_QUEUE: 1, OLDEST_CONTACT_AGE: 50 }) as never },
      ],
    });
    connect
      .on(GetCurrentMetricDataCommand, {
        CurrentMetrics: [
          { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
          { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
        ],
      })
      .resolves({
        MetricResults: [{ Collections: collections({ AGENTS_ONLINE: 5, AGENTS_AVAILABLE: 2 }) as never }],
      });

    await expect(readCurrent(INSTANCE_ID, ['q1', 'q2'])).resolves.toEqual({
      contactsInQueue: 3,
      oldestContactAgeSeconds: 50,
      agentsOnline: 5,
      agentsAvailable: 2,
    });
    const agentCall = connect
      .commandCalls(GetCurrentMetricDataCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.CurrentMetrics?.[0].Name === 'AGENTS_ONLINE');
    expect(agentCall?.Groupings).toBeUndefined();
  });

  it('filters at most 100 queues per call', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves({});
    connect.on(GetMetricDataV2Command).resolves({});
    const queues = Array.from({ length: 150 }, (_, i) => `q${i}`);

    await readCurrent(INSTANCE_ID, queues);
    await readHistorical(INSTANCE_ARN, queues, minutesBefore(1), NOW);

    const sizes = [
      ...connect.commandCalls(GetCurrentMetricDataCommand).map((c) => c.args[0].input.Filters?.Queues?.length),
      ...connect.commandCalls(GetMetricDataV2Command).map((c) => c.args[0].input.Filters?.[0].FilterValues?.length),
    ];
    expect(sizes.sort()).toEqual([100, 100, 100, 50, 50, 50].sort());
    expect(chunkQueues(queues).map((c) => c.length)).toEqual([100, 50]);
  });
});

describe('readHistorical: several results', () => {
  it('weighs rates and averages by contacts, never adds them', async () => {
    connect.on(GetMetricDataV2Command).resolves({
      MetricResults: [
        { Collections: collections({ ABANDONMENT_RATE: 50, AVG_HANDLE_TIME: 1200, CONTACTS_HANDLED: 10, CONTACTS_ABANDONED: 10 }) },
        { Collections: collections({ ABANDONMENT_RATE: 0, AVG_HANDLE_TIME: 200, CONTACTS_HANDLED: 30, CONTACTS_ABANDONED: 0 }) },
      ],
    });

    const h = await readHistorical(INSTANCE_ARN, ['q1', 'q2'], minutesBefore(1), NOW);

    expect(h).toEqual({ abandonmentRate: 0.2, avgHandleTimeSeconds: (10 * 1200 + 30 * 200) / 40, contacts: 50 });
  });
});

describe('readCloudWatch', () => {
  const MIN = 60_000;
  // NOW is a whole minute: cutover 10 minutes before it, at a minute boundary.
  const request = (overrides: Partial<SampleRequest> = {}): SampleRequest => ({
    instanceId: INSTANCE_ID,
    instanceArn: INSTANCE_ARN,
    queueIds: ['q1'],
    flowNames: ['Main Inbound'],
    cutoverAt: minutesBefore(10),
    now: NOW,
    metricWindowSeconds: 60,
    maxCloudWatchLagSeconds: 120,
    ...overrides,
  });
  const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * MIN);

  it('counts a published error minute at once, even before the minute is final', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'errors0', Timestamps: [at(1)], Values: [3] }] });

    const cw = await readCloudWatch(request());

    expect(cw).toMatchObject({ contactFlowErrors: 3, final: true });
  });

  it('is not final until a minute after the cutover is older than the lag it covers', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({});

    const young = await readCloudWatch(request({ cutoverAt: at(2) }));
    const old = await readCloudWatch(request({ cutoverAt: at(4) }));

    expect(young).toMatchObject({ contactFlowErrors: 0, final: false, finalThroughSeconds: 0 });
    expect(old).toMatchObject({ contactFlowErrors: 0, final: true, finalThroughSeconds: 120 });
  });

  it('takes the worst trailing window, not the sum of every minute', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors0', Timestamps: [at(5), at(4), at(3)], Values: [1, 2, 1] },
        { Id: 'fatal0', Timestamps: [at(4)], Values: [1] },
      ],
    });

    await expect(readCloudWatch(request())).resolves.toMatchObject({ contactFlowErrors: 3 });
    await expect(readCloudWatch(request({ metricWindowSeconds: 180 }))).resolves.toMatchObject({ contactFlowErrors: 5 });
  });

  it('reads MisconfiguredPhoneNumbers before and after the cutover apart from the flow errors', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'misconfigured', Timestamps: [at(15), at(12), at(5)], Values: [2, 1, 4] }],
    });

    const cw = await readCloudWatch(request());

    expect(cw).toMatchObject({ contactFlowErrors: 0, misconfiguredCalls: 4, misconfiguredCallsBefore: 2 });
    const input = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.StartTime).toEqual(at(10 + PRE_CUTOVER_MINUTES));
    expect(input.MetricDataQueries?.every((q) => q.MetricStat?.Period === 60)).toBe(true);
  });

  it('reads capacity: rejected calls before and after the cutover, and the quota in use (Maximum)', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'breaching', Timestamps: [at(13), at(4)], Values: [1, 2] },
        { Id: 'throttled', Timestamps: [at(4)], Values: [1] },
        { Id: 'concurrency', Timestamps: [at(12), at(3)], Values: [97, 88.5] },
      ],
    });

    const cw = await readCloudWatch(request());

    expect(cw).toMatchObject({ callsRejected: 3, callsRejectedBefore: 1, concurrentCallsPercentage: 88.5 });
    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!;
    expect(queries.find((q) => q.Id === 'concurrency')?.MetricStat).toMatchObject({
      Stat: 'Maximum',
      Metric: { MetricName: 'ConcurrentCallsPercentage' },
    });
  });

  it('rejects when CloudWatch fails (readSample turns that into null)', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('Throttling'));

    await expect(readCloudWatch(request())).rejects.toMatchObject({ name: 'Throttling' });
  });
});

describe('readSample', () => {
  it('names each failing API once, with its error name, and keeps the rest', async () => {
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('TooManyRequestsException'));
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [{ Collections: collections({ CONTACTS_HANDLED: 9 }) }] });
    cloudwatch.on(GetMetricDataCommand).resolves({});

    const sample = await readSample({
      instanceId: INSTANCE_ID,
      instanceArn: INSTANCE_ARN,
      queueIds: ['q1'],
      flowNames: ['Main Inbound'],
      cutoverAt: minutesBefore(10),
      now: NOW,
      metricWindowSeconds: 120,
    });

    expect(sample).toEqual({
      elapsedSeconds: 600,
      abandonmentRate: null,
      avgHandleTimeSeconds: null,
      contactsInQueue: null,
      oldestContactAgeSeconds: null,
      agentsAvailable: null,
      contactFlowErrors: 0,
      contactFlowErrorsFinal: true,
      misconfiguredCalls: 0,
      misconfiguredCallsBefore: 0,
      callsRejected: 0,
      callsRejectedBefore: 0,
      concurrentCallsPercentage: 0,
      contactsInWindow: 9,
      contactsSinceCutover: 9,
      finalThroughSeconds: 480,
      errors: ['GetCurrentMetricData: TooManyRequestsException'],
    });
    // The rate window reaches back over the lag contact records may take: 120 s window + 120 s lag.
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: minutesBefore(4), EndTime: NOW });
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: minutesBefore(10), EndTime: NOW });
  });

  it('leaves contacts ending before cutover + warm-up out of the rate window', async () => {
    connect.resolves({});
    cloudwatch.resolves({});

    await readSample({
      instanceId: INSTANCE_ID,
      instanceArn: INSTANCE_ARN,
      queueIds: ['q1'],
      flowNames: [],
      cutoverAt: minutesBefore(2),
      now: NOW,
      metricWindowSeconds: 60,
      warmupSeconds: 60,
      maxHistoricalLagSeconds: 120,
    });

    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: minutesBefore(1), EndTime: NOW });
  });

  it('never reports a negative elapsed time', async () => {
    connect.resolves({});
    cloudwatch.resolves({});

    const sample = await readSample({
      instanceId: INSTANCE_ID,
      instanceArn: INSTANCE_ARN,
      queueIds: ['q1'],
      flowNames: [],
      cutoverAt: new Date(NOW.getTime() + 5_000),
      now: NOW,
      metricWindowSeconds: 60,
    });

    expect(sample.elapsedSeconds).toBe(0);
  });
});
