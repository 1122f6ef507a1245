/**
 * Metric adapters: real-time (GetCurrentMetricData), historical (GetMetricDataV2) and CloudWatch AWS/Connect,
 * folded into one MetricSample. An API error makes the affected values null and is named in `errors`: an
 * error is not a failure, and the core treats null as NO_DATA.
 *
 * When each source is final (the rules the sample's windows follow; README "Verification"):
 * - GetCurrentMetricData is a snapshot refreshed about every 15 s: always current enough, the fast path.
 * - GetMetricDataV2's contact metrics are computed from contact records, and a contact has a record only once it
 *   has ended (Admin Guide, "Metrics, dashboards, and reports":
 *   https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-metrics.html), so a range selects
 *   contacts by when they *ended*, and the newest records arrive up to `maxHistoricalLagSeconds` late. The rate
 *   window is therefore [now − metricWindowSeconds − maxHistoricalLagSeconds, now], never earlier than
 *   cutover + warm-up + rateSettleSeconds: the API cannot select contacts by start time, so that span leaves out
 *   the contacts of the old routing still ending, and the new routing's first minutes in which only its short
 *   (abandoned) contacts have ended.
 * - CloudWatch AWS/Connect has one datapoint per complete minute, sent after the minute, none for a quiet minute
 *   (https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html). A published datapoint is
 *   the minute's whole count (Connect sends a minute once), so errors count as soon as they appear; an absent
 *   datapoint means zero only once the minute is `maxCloudWatchLagSeconds` old (final).
 */
import { GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetCurrentMetricDataCommand, GetMetricDataV2Command } from '@aws-sdk/client-connect';
import { DEFAULT_VERIFICATION } from '../core/defaults';
import { MetricSample } from '../core/types';
import { cloudwatch, connect } from './clients';

/** GetCurrentMetricData and GetMetricDataV2 filters take at most 100 queues (API reference, Filters.Queues). */
export const MAX_QUEUES_PER_CALL = 100;
const MINUTE_MS = 60_000;
/** MisconfiguredPhoneNumbers before the cutover is read over this many minutes: the instance's own normal. */
export const PRE_CUTOVER_MINUTES = 10;

export interface SampleRequest {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly queueIds: readonly string[];
  /** Names of the flows the numbers were cut over to (ContactFlowErrors is reported per flow name). */
  readonly flowNames: readonly string[];
  readonly cutoverAt: Date;
  readonly now: Date;
  readonly metricWindowSeconds: number;
  /**
   * Contacts ending before cutover + warm-up are left out of the rate metrics.
   * @default 0
   */
  readonly warmupSeconds?: number;
  /**
   * Contacts ending in this span after cutover + warm-up are left out of the rate metrics too (see
   * VerificationSettings.rateSettleSeconds).
   * @default 0
   */
  readonly rateSettleSeconds?: number;
  /**
   * The longest CloudWatch publishing delay the verdicts cover.
   * @default DEFAULT_VERIFICATION.maxCloudWatchLagSeconds
   */
  readonly maxCloudWatchLagSeconds?: number;
  /**
   * The longest contact-record delay the verdicts cover.
   * @default DEFAULT_VERIFICATION.maxHistoricalLagSeconds
   */
  readonly maxHistoricalLagSeconds?: number;
}

/** `queueIds` in slices the metric APIs accept. */
export function chunkQueues(queueIds: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < queueIds.length; i += MAX_QUEUES_PER_CALL) chunks.push(queueIds.slice(i, i + MAX_QUEUES_PER_CALL));
  return chunks;
}

interface Current {
  contactsInQueue: number | null;
  oldestContactAgeSeconds: number | null;
  agentsOnline: number | null;
  agentsAvailable: number | null;
}

/**
 * Real-time metrics over the queues. Queue depth and oldest contact are read grouped by queue (ages in seconds
 * then) and summed / maxed. Agent counts are read without grouping: grouped by queue, an agent whose routing
 * profile serves two queues is counted once in each queue's result (GetCurrentMetricData, "Groupings",
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_GetCurrentMetricData.html), so summing them
 * double counts. Past 100 queues the agent count is summed per slice of 100, and an agent serving queues in two
 * slices is counted twice: the one over-count left, and only for plans watching more than 100 queues.
 */
export async function readCurrent(instanceId: string, queueIds: readonly string[]): Promise<Current> {
  const values: Record<string, number[]> = {};
  const collect = (
    results: Array<{ Collections?: Array<{ Metric?: { Name?: string }; Value?: number }> }> | undefined,
    names: readonly string[],
  ) => {
    for (const result of results ?? []) {
      for (const c of result.Collections ?? []) {
        const name = c.Metric?.Name;
        if (name && names.includes(name) && typeof c.Value === 'number') (values[name] ??= []).push(c.Value);
      }
    }
  };
  for (const chunk of chunkQueues(queueIds)) {
    if (chunk.length === 1) {
      // One queue: nothing to double count, one call.
      const one = await connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: chunk, Channels: ['VOICE'] },
          Groupings: ['QUEUE'],
          CurrentMetrics: [
            { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
            { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
            { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
            { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
          ],
        }),
      );
      collect(one.MetricResults, ['CONTACTS_IN_QUEUE', 'OLDEST_CONTACT_AGE', 'AGENTS_ONLINE', 'AGENTS_AVAILABLE']);
      continue;
    }
    const [byQueue, agents] = await Promise.all([
      connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: chunk, Channels: ['VOICE'] },
          Groupings: ['QUEUE'],
          CurrentMetrics: [
            { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
            { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
          ],
        }),
      ),
      connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: chunk, Channels: ['VOICE'] },
          CurrentMetrics: [
            { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
            { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
          ],
        }),
      ),
    ]);
    collect(byQueue.MetricResults, ['CONTACTS_IN_QUEUE', 'OLDEST_CONTACT_AGE']);
    collect(agents.MetricResults, ['AGENTS_ONLINE', 'AGENTS_AVAILABLE']);
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

interface Historical {
  abandonmentRate: number | null;
  avgHandleTimeSeconds: number | null;
  contacts: number | null;
}

/**
 * Historical metrics over [start, end] across the queues (contacts that ended in the range). ABANDONMENT_RATE
 * comes back in percent. Several results (slices of 100 queues) are combined weighted by their contacts:
 * rates and averages do not add.
 */
export async function readHistorical(instanceArn: string, queueIds: readonly string[], start: Date, end: Date): Promise<Historical> {
  let contacts: number | null = null;
  let abandonedWeighted = 0;
  let rateWeight = 0;
  let handleSeconds = 0;
  let handledForAht = 0;
  for (const chunk of chunkQueues(queueIds)) {
    const out = await connect.send(
      new GetMetricDataV2Command({
        ResourceArn: instanceArn,
        StartTime: start,
        EndTime: end,
        Interval: { IntervalPeriod: 'TOTAL' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: chunk }],
        Metrics: [
          { Name: 'ABANDONMENT_RATE' },
          { Name: 'AVG_HANDLE_TIME' },
          { Name: 'CONTACTS_HANDLED', MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['INBOUND'] }] },
          { Name: 'CONTACTS_ABANDONED' },
        ],
      }),
    );
    for (const result of out.MetricResults ?? []) {
      const v: Record<string, number> = {};
      for (const c of result.Collections ?? []) {
        if (c.Metric?.Name && typeof c.Value === 'number') v[c.Metric.Name] = c.Value;
      }
      const handled = v.CONTACTS_HANDLED;
      const abandoned = v.CONTACTS_ABANDONED;
      if (handled === undefined && abandoned === undefined) continue;
      const n = (handled ?? 0) + (abandoned ?? 0);
      contacts = (contacts ?? 0) + n;
      if (v.ABANDONMENT_RATE !== undefined) {
        // One result alone keeps its rate even without counts to weigh it by.
        const w = n > 0 ? n : 1;
        abandonedWeighted += (v.ABANDONMENT_RATE / 100) * w;
        rateWeight += w;
      }
      if (v.AVG_HANDLE_TIME !== undefined && (handled ?? 0) > 0) {
        handleSeconds += v.AVG_HANDLE_TIME * handled;
        handledForAht += handled;
      }
    }
  }
  return {
    abandonmentRate: rateWeight > 0 ? abandonedWeighted / rateWeight : null,
    avgHandleTimeSeconds: handledForAht > 0 ? handleSeconds / handledForAht : null,
    contacts,
  };
}

/** Per-minute Sums of a CloudWatch answer: minute start (ms) → value, over every series returned. */
type Minutes = Map<number, number>;

export interface CloudWatchSignals {
  /** The largest count of target-flow errors in any metricWindowSeconds span of the published minutes. */
  readonly contactFlowErrors: number;
  /** Whether at least one minute after cutover is final, so a count under the threshold is a PASS. */
  readonly final: boolean;
  /** Seconds after cutover up to which every minute is final. */
  readonly finalThroughSeconds: number;
  /** The largest per-minute MisconfiguredPhoneNumbers count after cutover (published minutes). */
  readonly misconfiguredCalls: number;
  /** The largest per-minute MisconfiguredPhoneNumbers count in the PRE_CUTOVER_MINUTES before the cutover. */
  readonly misconfiguredCallsBefore: number;
  /** The largest per-minute CallsBreachingConcurrencyQuota + ThrottledCalls count after cutover. */
  readonly callsRejected: number;
  /** The same in the PRE_CUTOVER_MINUTES before the cutover. */
  readonly callsRejectedBefore: number;
  /** The highest ConcurrentCallsPercentage (Maximum) of a minute after cutover. */
  readonly concurrentCallsPercentage: number;
}

/**
 * ContactFlowErrors + ContactFlowFatalErrors of the target flows, and MisconfiguredPhoneNumbers before and after
 * the cutover, one datapoint per minute. MisconfiguredPhoneNumbers covers the whole instance (calls to numbers
 * outside the plan count too), so it is returned with its own pre-cutover level rather than added to the plan's
 * errors.
 */
export async function readCloudWatch(req: SampleRequest): Promise<CloudWatchSignals> {
  const now = req.now.getTime();
  const cutoverMinute = Math.floor(req.cutoverAt.getTime() / MINUTE_MS) * MINUTE_MS;
  const lastComplete = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const lagMs = (req.maxCloudWatchLagSeconds ?? DEFAULT_VERIFICATION.maxCloudWatchLagSeconds) * 1000;
  const finalEnd = Math.floor((now - lagMs) / MINUTE_MS) * MINUTE_MS;
  const windowMinutes = Math.max(1, Math.round(req.metricWindowSeconds / 60));
  const start = cutoverMinute - PRE_CUTOVER_MINUTES * MINUTE_MS;
  const query = (id: string, metricName: string, dims: Record<string, string>, stat = 'Sum'): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Connect',
        MetricName: metricName,
        Dimensions: Object.entries({ InstanceId: req.instanceId, ...dims }).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: 60,
      Stat: stat,
    },
  });
  const queries: MetricDataQuery[] = [
    query('misconfigured', 'MisconfiguredPhoneNumbers', { MetricGroup: 'VoiceCalls' }),
    // Capacity: calls rejected for the concurrent-calls quota or the calls-per-second rate, and the share of the
    // quota in use (https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html).
    query('breaching', 'CallsBreachingConcurrencyQuota', { MetricGroup: 'VoiceCalls' }),
    query('throttled', 'ThrottledCalls', { MetricGroup: 'VoiceCalls' }),
    query('concurrency', 'ConcurrentCallsPercentage', { MetricGroup: 'VoiceCalls' }, 'Maximum'),
    ...req.flowNames.flatMap((name, i) => [
      query(`errors${i}`, 'ContactFlowErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }),
      query(`fatal${i}`, 'ContactFlowFatalErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }),
    ]),
  ];
  const errors: Minutes = new Map();
  const misconfigured: Minutes = new Map();
  const rejected: Minutes = new Map();
  const concurrency: Minutes = new Map();
  if (lastComplete > start) {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(lastComplete),
        MetricDataQueries: queries,
      }),
    );
    for (const r of out.MetricDataResults ?? []) {
      const into =
        r.Id === 'misconfigured'
          ? misconfigured
          : r.Id === 'breaching' || r.Id === 'throttled'
            ? rejected
            : r.Id === 'concurrency'
              ? concurrency
              : errors;
      (r.Timestamps ?? []).forEach((t, i) => {
        const minute = new Date(t).getTime();
        into.set(minute, (into.get(minute) ?? 0) + (r.Values?.[i] ?? 0));
      });
    }
  }
  // Minutes since the cutover's minute: the judged ones.
  const after = (m: Minutes) => [...m].filter(([t]) => t >= cutoverMinute);
  let worstWindow = 0;
  for (let end = cutoverMinute + MINUTE_MS; end <= lastComplete; end += MINUTE_MS) {
    const from = end - windowMinutes * MINUTE_MS;
    const inWindow = after(errors)
      .filter(([t]) => t >= from && t < end)
      .reduce((a, [, v]) => a + v, 0);
    worstWindow = Math.max(worstWindow, inWindow);
  }
  return {
    contactFlowErrors: worstWindow,
    final: finalEnd > cutoverMinute,
    finalThroughSeconds: Math.max(0, Math.floor((finalEnd - req.cutoverAt.getTime()) / 1000)),
    misconfiguredCalls: Math.max(0, ...after(misconfigured).map(([, v]) => v)),
    misconfiguredCallsBefore: Math.max(0, ...[...misconfigured].filter(([t]) => t < cutoverMinute).map(([, v]) => v)),
    callsRejected: Math.max(0, ...after(rejected).map(([, v]) => v)),
    callsRejectedBefore: Math.max(0, ...[...rejected].filter(([t]) => t < cutoverMinute).map(([, v]) => v)),
    concurrentCallsPercentage: Math.max(0, ...after(concurrency).map(([, v]) => v)),
  };
}

/** Reads every source; each failing source is named in `errors` and its values are null. */
export async function readSample(req: SampleRequest): Promise<MetricSample> {
  const cutover = req.cutoverAt.getTime();
  const now = req.now.getTime();
  const historicalLag = req.maxHistoricalLagSeconds ?? DEFAULT_VERIFICATION.maxHistoricalLagSeconds;
  const rateFrom = Math.max(
    cutover + ((req.warmupSeconds ?? 0) + (req.rateSettleSeconds ?? 0)) * 1000,
    now - (req.metricWindowSeconds + historicalLag) * 1000,
  );
  // One slot per source, so `errors` lists them in a fixed order whatever answers first.
  const failures: Array<string | undefined> = [];
  const attempt = async <T>(slot: number, api: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      failures[slot] = `${api}: ${(error as Error).name}`;
      return null;
    }
  };
  const [current, windowed, total, cw] = await Promise.all([
    attempt(0, 'GetCurrentMetricData', () => readCurrent(req.instanceId, req.queueIds)),
    // Before cutover + warm-up there is nothing to judge a rate on.
    rateFrom < now ? attempt(1, 'GetMetricDataV2', () => readHistorical(req.instanceArn, req.queueIds, new Date(rateFrom), req.now)) : null,
    attempt(2, 'GetMetricDataV2', () => readHistorical(req.instanceArn, req.queueIds, req.cutoverAt, req.now)),
    attempt(3, 'GetMetricData', () => readCloudWatch(req)),
  ]);
  const errors = failures.filter((f): f is string => f !== undefined);
  const historicalFinal = Math.max(0, Math.floor((now - cutover) / 1000) - historicalLag);
  return {
    elapsedSeconds: Math.max(0, Math.round((now - cutover) / 1000)),
    abandonmentRate: windowed?.abandonmentRate ?? null,
    avgHandleTimeSeconds: windowed?.avgHandleTimeSeconds ?? null,
    contactsInQueue: current?.contactsInQueue ?? null,
    oldestContactAgeSeconds: current?.oldestContactAgeSeconds ?? null,
    agentsAvailable: current?.agentsAvailable ?? null,
    contactFlowErrors: cw?.contactFlowErrors ?? null,
    contactFlowErrorsFinal: cw?.final ?? false,
    misconfiguredCalls: cw?.misconfiguredCalls ?? null,
    misconfiguredCallsBefore: cw?.misconfiguredCallsBefore ?? null,
    callsRejected: cw?.callsRejected ?? null,
    callsRejectedBefore: cw?.callsRejectedBefore ?? null,
    concurrentCallsPercentage: cw?.concurrentCallsPercentage ?? null,
    contactsInWindow: windowed?.contacts ?? (windowed ? 0 : null),
    contactsSinceCutover: total?.contacts ?? (total ? 0 : null),
    finalThroughSeconds: cw ? Math.min(cw.finalThroughSeconds, historicalFinal) : null,
    errors: [...new Set(errors)],
  };
}
