/**
 * Metric adapters: real-time (GetCurrentMetricData), historical (GetMetricDataV2) and CloudWatch AWS/Connect,
 * folded into one MetricSample. An API error makes the affected values null and is named in `errors`: an
 * error is not a failure, and the core treats null as NO_DATA.
 */
import { GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetCurrentMetricDataCommand, GetMetricDataV2Command } from '@aws-sdk/client-connect';
import { MetricSample } from '../core/types';
import { cloudwatch, connect } from './clients';

export interface SampleRequest {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly queueIds: readonly string[];
  /** Names of the flows the numbers were cut over to (ContactFlowErrors is reported per flow name). */
  readonly flowNames: readonly string[];
  readonly cutoverAt: Date;
  readonly now: Date;
  readonly metricWindowSeconds: number;
}

interface Current { contactsInQueue: number | null; oldestContactAgeSeconds: number | null; agentsOnline: number | null; agentsAvailable: number | null }

/** Real-time metrics summed over the queues (oldest contact: the max). Grouped by queue, so ages are seconds. */
export async function readCurrent(instanceId: string, queueIds: readonly string[]): Promise<Current> {
  const out = await connect.send(new GetCurrentMetricDataCommand({
    InstanceId: instanceId,
    Filters: { Queues: [...queueIds], Channels: ['VOICE'] },
    Groupings: ['QUEUE'],
    CurrentMetrics: [
      { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
      { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
      { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
      { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
    ],
  }));
  const values: Record<string, number[]> = {};
  for (const result of out.MetricResults ?? []) {
    for (const c of result.Collections ?? []) {
      if (c.Metric?.Name && typeof c.Value === 'number') (values[c.Metric.Name] ??= []).push(c.Value);
    }
  }
  const sum = (name: string) => (values[name] ? values[name].reduce((a, b) => a + b, 0) : null);
  const max = (name: string) => (values[name] ? Math.max(...values[name]) : null);
  return {
    contactsInQueue: sum('CONTACTS_IN_QUEUE'),
    oldestContactAgeSeconds: max('OLDEST_CONTACT_AGE'),
    agentsOnline: sum('AGENTS_ONLINE'),
    agentsAvailable: sum('AGENTS_AVAILABLE'),
  };
}

interface Historical { abandonmentRate: number | null; avgHandleTimeSeconds: number | null; contacts: number | null }

/** Historical metrics over [start, end] across the queues. ABANDONMENT_RATE comes back in percent. */
export async function readHistorical(instanceArn: string, queueIds: readonly string[], start: Date, end: Date): Promise<Historical> {
  const out = await connect.send(new GetMetricDataV2Command({
    ResourceArn: instanceArn,
    StartTime: start,
    EndTime: end,
    Interval: { IntervalPeriod: 'TOTAL' },
    Filters: [{ FilterKey: 'QUEUE', FilterValues: [...queueIds] }],
    Metrics: [
      { Name: 'ABANDONMENT_RATE' },
      { Name: 'AVG_HANDLE_TIME' },
      { Name: 'CONTACTS_HANDLED', MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['INBOUND'] }] },
      { Name: 'CONTACTS_ABANDONED' },
    ],
  }));
  const v: Record<string, number> = {};
  for (const result of out.MetricResults ?? []) {
    for (const c of result.Collections ?? []) {
      if (c.Metric?.Name && typeof c.Value === 'number') v[c.Metric.Name] = (v[c.Metric.Name] ?? 0) + c.Value;
    }
  }
  const handled = v.CONTACTS_HANDLED;
  const abandoned = v.CONTACTS_ABANDONED;
  return {
    abandonmentRate: v.ABANDONMENT_RATE === undefined ? null : v.ABANDONMENT_RATE / 100,
    avgHandleTimeSeconds: v.AVG_HANDLE_TIME ?? null,
    contacts: handled === undefined && abandoned === undefined ? null : (handled ?? 0) + (abandoned ?? 0),
  };
}

/** ContactFlowErrors + ContactFlowFatalErrors of the target flows + MisconfiguredPhoneNumbers over [start, end]. */
export async function readFlowErrors(instanceId: string, flowNames: readonly string[], start: Date, end: Date): Promise<number | null> {
  const period = Math.max(60, Math.ceil((end.getTime() - start.getTime()) / 60_000) * 60);
  const query = (id: string, metricName: string, dims: Record<string, string>): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Connect',
        MetricName: metricName,
        Dimensions: Object.entries({ InstanceId: instanceId, ...dims }).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: 'Sum',
    },
  });
  const queries: MetricDataQuery[] = [
    query('misconfigured', 'MisconfiguredPhoneNumbers', { MetricGroup: 'VoiceCalls' }),
    ...flowNames.flatMap((name, i) => [
      query(`errors${i}`, 'ContactFlowErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }),
      query(`fatal${i}`, 'ContactFlowFatalErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }),
    ]),
  ];
  const out = await cloudwatch.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: queries }));
  // CloudWatch omits datapoints for periods without events: an empty answer means zero errors, not no data.
  return (out.MetricDataResults ?? []).reduce((sum, r) => sum + (r.Values ?? []).reduce((a, b) => a + b, 0), 0);
}

/** Reads every source; each failing source is named in `errors` and its values are null. */
export async function readSample(req: SampleRequest): Promise<MetricSample> {
  const windowStart = new Date(Math.max(req.cutoverAt.getTime(), req.now.getTime() - req.metricWindowSeconds * 1000));
  const errors: string[] = [];
  const attempt = async <T>(api: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      errors.push(`${api}: ${(error as Error).name}`);
      return null;
    }
  };
  const [current, windowed, total, flowErrors] = await Promise.all([
    attempt('GetCurrentMetricData', () => readCurrent(req.instanceId, req.queueIds)),
    attempt('GetMetricDataV2', () => readHistorical(req.instanceArn, req.queueIds, windowStart, req.now)),
    attempt('GetMetricDataV2', () => readHistorical(req.instanceArn, req.queueIds, req.cutoverAt, req.now)),
    attempt('GetMetricData', () => readFlowErrors(req.instanceId, req.flowNames, windowStart, req.now)),
  ]);
  return {
    elapsedSeconds: Math.max(0, Math.round((req.now.getTime() - req.cutoverAt.getTime()) / 1000)),
    abandonmentRate: windowed?.abandonmentRate ?? null,
    avgHandleTimeSeconds: windowed?.avgHandleTimeSeconds ?? null,
    contactsInQueue: current?.contactsInQueue ?? null,
    oldestContactAgeSeconds: current?.oldestContactAgeSeconds ?? null,
    agentsAvailable: current?.agentsAvailable ?? null,
    contactFlowErrors: flowErrors,
    contactsInWindow: windowed?.contacts ?? null,
    contactsSinceCutover: total?.contacts ?? null,
    errors: [...new Set(errors)],
  };
}
