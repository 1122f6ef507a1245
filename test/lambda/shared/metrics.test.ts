import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ConnectClient, GetCurrentMetricDataCommand, GetMetricDataV2Command } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { readCurrent, readFlowErrors, readHistorical, readSample } from '../../../lambda/shared/metrics';
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

    await expect(readCurrent(INSTANCE_ID, ['q1', 'q2'])).resolves.toEqual({ contactsInQueue: 5, oldestContactAgeSeconds: 95, agentsOnline: 8, agentsAvailable: 1 });
  });

  it('answers null for every metric when Connect returns no result', async () => {
    connect.on(GetCurrentMetricDataCommand).resolves({});

    await expect(readCurrent(INSTANCE_ID, ['q1'])).resolves.toEqual({ contactsInQueue: null, oldestContactAgeSeconds: null, agentsOnline: null, agentsAvailable: null });
  });
});

describe('readHistorical', () => {
  it('turns ABANDONMENT_RATE percent into a fraction and counts handled + abandoned contacts', async () => {
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [{ Collections: collections({ ABANDONMENT_RATE: 12.5, AVG_HANDLE_TIME: 310, CONTACTS_HANDLED: 35, CONTACTS_ABANDONED: 5 }) }] });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({ abandonmentRate: 0.125, avgHandleTimeSeconds: 310, contacts: 40 });
  });

  it('answers null (not 0) for metrics Connect did not return', async () => {
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [] });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({ abandonmentRate: null, avgHandleTimeSeconds: null, contacts: null });
  });

  it('counts abandoned contacts alone when none was handled', async () => {
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [{ Collections: collections({ ABANDONMENT_RATE: 100, CONTACTS_ABANDONED: 3 }) }] });

    await expect(readHistorical(INSTANCE_ARN, ['q1'], minutesBefore(1), NOW)).resolves.toEqual({ abandonmentRate: 1, avgHandleTimeSeconds: null, contacts: 3 });
  });
});

describe('readFlowErrors', () => {
  it('uses one period covering the whole range, in whole minutes', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'misconfigured', Values: [2] }] });

    await expect(readFlowErrors(INSTANCE_ID, [], new Date(NOW.getTime() - 150_000), NOW)).resolves.toBe(2);

    const input = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Period])).toEqual([['misconfigured', 180]]);
  });

  it('rejects when CloudWatch fails (readSample turns that into null)', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('Throttling'));

    await expect(readFlowErrors(INSTANCE_ID, ['Main Inbound'], minutesBefore(1), NOW)).rejects.toMatchObject({ name: 'Throttling' });
  });
});

describe('readSample', () => {
  it('names each failing API once, with its error name, and keeps the rest', async () => {
    connect.on(GetCurrentMetricDataCommand).rejects(awsError('TooManyRequestsException'));
    connect.on(GetMetricDataV2Command).resolves({ MetricResults: [{ Collections: collections({ CONTACTS_HANDLED: 9 }) }] });
    cloudwatch.on(GetMetricDataCommand).resolves({});

    const sample = await readSample({
      instanceId: INSTANCE_ID, instanceArn: INSTANCE_ARN, queueIds: ['q1'], flowNames: ['Main Inbound'],
      cutoverAt: minutesBefore(10), now: NOW, metricWindowSeconds: 120,
    });

    expect(sample).toEqual({
      elapsedSeconds: 600,
      abandonmentRate: null,
      avgHandleTimeSeconds: null,
      contactsInQueue: null,
      oldestContactAgeSeconds: null,
      agentsAvailable: null,
      contactFlowErrors: 0,
      contactsInWindow: 9,
      contactsSinceCutover: 9,
      errors: ['GetCurrentMetricData: TooManyRequestsException'],
    });
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: minutesBefore(2), EndTime: NOW });
    expect(connect).toHaveReceivedCommandWith(GetMetricDataV2Command, { StartTime: minutesBefore(10), EndTime: NOW });
  });

  it('never reports a negative elapsed time', async () => {
    connect.resolves({});
    cloudwatch.resolves({});

    const sample = await readSample({
      instanceId: INSTANCE_ID, instanceArn: INSTANCE_ARN, queueIds: ['q1'], flowNames: [], cutoverAt: new Date(NOW.getTime() + 5_000), now: NOW, metricWindowSeconds: 60,
    });

    expect(sample.elapsedSeconds).toBe(0);
  });
});
