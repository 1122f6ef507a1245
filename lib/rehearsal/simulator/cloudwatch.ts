/**
 * CloudWatch GetMetricData on the `AWS/Connect` namespace. The installed @aws-sdk/client-cloudwatch speaks
 * awsJson1_0 with the awsQueryCompatible trait: POST /, `X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
 * `x-amzn-query-mode: true`, JSON bodies with epoch-second timestamps; errors carry `__type` and the
 * `x-amzn-query-error: <Code>;<Sender|Receiver>` header, whose code the SDK prefers.
 *
 * Series, as Connect publishes them (Admin Guide, "Monitoring your instance using CloudWatch"):
 * - ContactFlowErrors, ContactFlowFatalErrors: InstanceId, MetricGroup=ContactFlow, ContactFlowName. The
 *   timeline's instance-wide `contactFlowErrors` is split evenly over the flows numbers point at now.
 * - MissedCalls, MisconfiguredPhoneNumbers, ThrottledCalls: InstanceId, MetricGroup=VoiceCalls.
 * Like CloudWatch, a MetricStat matches the exact dimension set only (a query without ContactFlowName finds no
 * ContactFlowErrors): sum over flows with `SUM(SEARCH('{AWS/Connect,InstanceId,MetricGroup,ContactFlowName}
 * MetricName="ContactFlowErrors"', 'Sum', 60))`. Connect publishes a minute once it has ended and only when
 * something happened, so a datapoint covers complete minutes and a quiet metric has no datapoints at all
 * (`zeroFill` publishes zeros instead); a minute's datapoint appears `timing.cloudWatchLagSeconds` after the
 * minute ends. MisconfiguredPhoneNumbers counts the timeline's `misconfiguredCalls`.
 */
import type { SimulatedClock } from './clock';
import { ApiError, type ErrorKind } from './errors';
import type { InstanceField, MetricTimeline } from './metrics';
import {
  AWS_JSON_1_0,
  type ParsedCall,
  type ProtocolModule,
  type SimRequest,
  type WireResponse,
  jsonResponse,
  list,
  num,
  obj,
  parseJsonTarget,
  str,
  tidy,
} from './protocol';
import type { ContactCenterState } from './state';

export interface CloudWatchContext {
  readonly state: ContactCenterState;
  readonly metrics: MetricTimeline;
  readonly clock: SimulatedClock;
  /** Publish a zero datapoint for every quiet minute instead of none. */
  readonly zeroFill: boolean;
}

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const NAMESPACE = 'AWS/Connect';
const MINUTE_MS = 60_000;

interface QueryError {
  readonly status: number;
  readonly type: string;
  readonly queryCode: string;
  readonly fault: 'Sender' | 'Receiver';
}

const ERRORS: Readonly<Record<ErrorKind, QueryError>> = {
  Throttling: { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', queryCode: 'Throttling', fault: 'Sender' },
  Internal: { status: 500, type: 'com.amazonaws.cloudwatch#InternalServiceFault', queryCode: 'InternalServiceError', fault: 'Receiver' },
  NotFound: { status: 404, type: 'com.amazonaws.cloudwatch#ResourceNotFound', queryCode: 'ResourceNotFound', fault: 'Sender' },
  InvalidParameter: {
    status: 400,
    type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
    queryCode: 'InvalidParameterValue',
    fault: 'Sender',
  },
  InvalidRequest: {
    status: 400,
    type: 'com.amazonaws.cloudwatch#InvalidParameterCombinationException',
    queryCode: 'InvalidParameterCombination',
    fault: 'Sender',
  },
  ConditionalCheckFailed: {
    status: 400,
    type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
    queryCode: 'InvalidParameterValue',
    fault: 'Sender',
  },
  MissingParameter: {
    status: 400,
    type: 'com.amazonaws.cloudwatch#MissingRequiredParameterException',
    queryCode: 'MissingParameter',
    fault: 'Sender',
  },
  UnknownOperation: {
    status: 400,
    type: 'com.amazon.coral.service#UnknownOperationException',
    queryCode: 'UnknownOperation',
    fault: 'Sender',
  },
};

interface Series {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Count in [fromMs, toMs). */
  count(fromMs: number, toMs: number): number;
}

interface Datapoint {
  readonly t: number;
  readonly v: number;
}

type Input = Readonly<Record<string, unknown>>;

export class CloudWatchProtocol implements ProtocolModule {
  readonly service = 'cloudwatch' as const;

  constructor(private readonly ctx: CloudWatchContext) {}

  static accepts(req: SimRequest): boolean {
    return String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
  }

  parse(req: SimRequest): ParsedCall {
    return parseJsonTarget(req, TARGET_PREFIX, ['GetMetricData']);
  }

  handle(call: ParsedCall): unknown {
    return this.getMetricData(call.input);
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    return jsonResponse(200, AWS_JSON_1_0, requestId, output);
  }

  /** CloudWatch's answer for a window without datapoints: each query's result, with no Timestamps or Values. */
  empty(_call: ParsedCall, output: unknown): unknown {
    const out = output as { MetricDataResults: Array<Record<string, unknown>>; Messages: unknown[] };
    return { ...out, MetricDataResults: out.MetricDataResults.map((r) => ({ ...r, Timestamps: [], Values: [] })) };
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind];
    return jsonResponse(
      e.status,
      AWS_JSON_1_0,
      requestId,
      { __type: e.type, message: err.message },
      {
        headers: { 'x-amzn-query-error': `${e.queryCode};${e.fault}` },
        errorCode: e.queryCode,
      },
    );
  }

  private getMetricData(i: Input): unknown {
    const queries = list(i, 'MetricDataQueries');
    if (!queries || queries.length === 0) {
      throw new ApiError('MissingParameter', 'The parameter MetricDataQueries is required.');
    }
    if (queries.length > 500) {
      throw new ApiError('InvalidParameter', 'MetricDataQueries accepts at most 500 queries.');
    }
    const startS = num(i, 'StartTime');
    const endS = num(i, 'EndTime');
    if (startS === undefined) throw new ApiError('MissingParameter', 'The parameter StartTime is required.');
    if (endS === undefined) throw new ApiError('MissingParameter', 'The parameter EndTime is required.');
    const start = startS * 1000;
    const end = endS * 1000;
    if (!(start < end)) {
      throw new ApiError('InvalidParameter', 'The parameter StartTime must be less than the parameter EndTime.');
    }
    const ascending = str(i, 'ScanBy') === 'TimestampAscending';
    const series = this.series();
    const results: unknown[] = [];
    for (const q of queries) {
      const query = (q ?? {}) as Record<string, unknown>;
      const id = str(query, 'Id');
      if (!id || !/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
        throw new ApiError(
          'InvalidParameter',
          `Invalid Id ${JSON.stringify(id)}: must start with a lowercase letter and hold only letters, digits and _`,
        );
      }
      const stat = obj(query, 'MetricStat');
      const expression = str(query, 'Expression');
      if ((stat === undefined) === (expression === undefined)) {
        throw new ApiError('InvalidParameter', `Query ${id}: give exactly one of MetricStat and Expression.`);
      }
      const label = str(query, 'Label');
      const found = stat ? this.metricStat(stat, series, start, end) : this.expression(expression!, series, start, end);
      if (query.ReturnData === false) continue;
      for (const r of found) {
        const points = [...r.points].sort((a, b) => (ascending ? a.t - b.t : b.t - a.t));
        results.push({
          Id: id,
          Label: label ?? r.label,
          Timestamps: points.map((p) => p.t / 1000),
          Values: points.map((p) => p.v),
          StatusCode: 'Complete',
        });
      }
    }
    return { MetricDataResults: results, Messages: [] };
  }

  private metricStat(
    stat: Record<string, unknown>,
    series: readonly Series[],
    start: number,
    end: number,
  ): Array<{ label: string; points: Datapoint[] }> {
    const metric = obj(stat, 'Metric') ?? {};
    const metricName = str(metric, 'MetricName');
    const period = num(stat, 'Period');
    const statistic = str(stat, 'Stat');
    if (!metricName) throw new ApiError('MissingParameter', 'MetricStat.Metric.MetricName is required.');
    if (period === undefined || period < 1) throw new ApiError('InvalidParameter', 'MetricStat.Period must be ≥ 1.');
    if (!statistic) throw new ApiError('MissingParameter', 'MetricStat.Stat is required.');
    const dims: Record<string, string> = {};
    for (const d of list(metric, 'Dimensions') ?? []) {
      const dim = (d ?? {}) as Record<string, unknown>;
      dims[String(dim.Name)] = String(dim.Value);
    }
    const match =
      str(metric, 'Namespace') === NAMESPACE
        ? series.find((s) => s.metricName === metricName && sameDimensions(s.dimensions, dims))
        : undefined;
    return [{ label: metricName, points: match ? this.datapoints(match, period, statistic, start, end) : [] }];
  }

  /** `SEARCH('<query>', '<Stat>', <period>)` and `SUM(SEARCH(...))`; anything else is not simulated. */
  private expression(
    expression: string,
    series: readonly Series[],
    start: number,
    end: number,
  ): Array<{ label: string; points: Datapoint[] }> {
    const m = /^\s*(SUM\s*\(\s*)?SEARCH\s*\(\s*'([^']*)'\s*,\s*'(\w+)'\s*,\s*(\d+)\s*\)\s*(\))?\s*$/.exec(expression);
    if (!m || Boolean(m[1]) !== Boolean(m[5])) {
      throw new ApiError(
        'InvalidParameter',
        `The simulator supports the expressions SEARCH('...', 'Stat', period) and SUM(SEARCH(...)) only, got: ${expression}`,
      );
    }
    const [, sumOf, search, statistic, periodText] = m;
    const matching = series.filter(searchPredicate(search));
    const found = matching
      .map((s) => ({
        label: [
          s.metricName,
          ...Object.entries(s.dimensions)
            .filter(([k]) => k !== 'InstanceId' && k !== 'MetricGroup')
            .map(([, v]) => v),
        ].join(' '),
        points: this.datapoints(s, Number(periodText), statistic, start, end),
      }))
      // SEARCH finds metrics that have been published, and a quiet metric never is.
      .filter((r) => r.points.length > 0);
    if (!sumOf) {
      return found;
    }
    const byTime = new Map<number, number>();
    for (const r of found) for (const p of r.points) byTime.set(p.t, (byTime.get(p.t) ?? 0) + p.v);
    return [{ label: 'SUM', points: [...byTime].map(([t, v]) => ({ t, v })) }];
  }

  private datapoints(s: Series, periodSeconds: number, statistic: string, start: number, end: number): Datapoint[] {
    const periodMs = Math.max(60, Math.round(periodSeconds)) * 1000;
    // Connect sends a minute's data once a minute, after the minute; it reaches CloudWatch
    // `timing.cloudWatchLagSeconds` after the minute ends
    // (https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html).
    const publishedBy = this.ctx.clock.nowMillis() - this.ctx.metrics.timing.cloudWatchLagSeconds * 1000;
    const points: Datapoint[] = [];
    for (let bucket = Math.floor(start / periodMs) * periodMs; bucket < end; bucket += periodMs) {
      const minutes: number[] = [];
      for (let m = bucket; m < bucket + periodMs && m + MINUTE_MS <= publishedBy; m += MINUTE_MS) {
        const v = s.count(m, m + MINUTE_MS);
        if (v > 0 || this.ctx.zeroFill) minutes.push(v);
      }
      if (minutes.length > 0) {
        points.push({ t: bucket, v: tidy(aggregate(statistic, minutes)) });
      }
    }
    return points;
  }

  private series(): Series[] {
    const { state, metrics } = this.ctx;
    const instance = { InstanceId: state.instanceId };
    const inUse = new Set(state.numbers.map((n) => n.flow).filter((f): f is string => f !== null));
    const erring = state.flows.filter((f) => inUse.size === 0 || inUse.has(f.name));
    // Counts are whole events (a minute holds 0 or 1 error, never 0.98).
    const events =
      (field: InstanceField, share = 1) =>
      (a: number, b: number) =>
        metrics.instanceEventsUpTo(field, b, share) - metrics.instanceEventsUpTo(field, a, share);
    const out: Series[] = [];
    for (const flow of state.flows) {
      const dims = { ...instance, MetricGroup: 'ContactFlow', ContactFlowName: flow.name };
      const share = erring.includes(flow) ? 1 / erring.length : 0;
      out.push({ metricName: 'ContactFlowErrors', dimensions: dims, count: events('contactFlowErrors', share) });
      out.push({ metricName: 'ContactFlowFatalErrors', dimensions: dims, count: () => 0 });
    }
    const voice = { ...instance, MetricGroup: 'VoiceCalls' };
    out.push({ metricName: 'MissedCalls', dimensions: voice, count: events('missedCalls') });
    out.push({ metricName: 'MisconfiguredPhoneNumbers', dimensions: voice, count: events('misconfiguredCalls') });
    // Calls per second are not modelled: no call is throttled for rate. The concurrency quota is.
    out.push({ metricName: 'ThrottledCalls', dimensions: voice, count: () => 0 });
    out.push({
      metricName: 'CallsBreachingConcurrencyQuota',
      dimensions: voice,
      count: (a, b) => metrics.rejectedCallsUpTo(b) - metrics.rejectedCallsUpTo(a),
    });
    // A percentage, not a count: the minute's value is the one at its start (read it with Maximum).
    out.push({
      metricName: 'ConcurrentCallsPercentage',
      dimensions: voice,
      count: (a) => Math.round(metrics.concurrentCallsPercentage(a) * 10) / 10,
    });
    return out;
  }
}

function sameDimensions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function aggregate(statistic: string, minutes: readonly number[]): number {
  const total = minutes.reduce((x, y) => x + y, 0);
  switch (statistic) {
    case 'Sum':
      return total;
    case 'SampleCount':
      return minutes.length;
    case 'Average':
      return total / minutes.length;
    case 'Maximum':
      return Math.max(...minutes);
    case 'Minimum':
      return Math.min(...minutes);
    default:
      throw new ApiError(
        'InvalidParameter',
        `The simulator supports the statistics Sum, SampleCount, Average, Maximum and Minimum, got ${statistic}`,
      );
  }
}

/**
 * A subset of the CloudWatch search language: an optional schema `{Namespace,DimensionName,...}` (exact
 * dimension set), `Key="value"` terms on MetricName, Namespace or a dimension, and bare terms matching a metric
 * name or dimension value; `AND` is implied. `OR`, `NOT` and parentheses are not simulated.
 */
function searchPredicate(search: string): (s: Series) => boolean {
  const checks: Array<(s: Series) => boolean> = [];
  let rest = search;
  const schema = /\{([^}]*)\}/.exec(rest);
  if (schema) {
    const [ns, ...keys] = schema[1].split(',').map((k) => k.trim().replace(/^"|"$/g, ''));
    checks.push((s) => ns === NAMESPACE && sameKeys(Object.keys(s.dimensions), keys));
    rest = rest.replace(schema[0], ' ');
  }
  const term = /\s*(?:(\w+)\s*=\s*(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+))/gy;
  let m: RegExpExecArray | null;
  while (rest.trim() !== '' && (m = term.exec(rest)) !== null) {
    const [, key, quoted, bare, phrase, word] = m;
    if (key !== undefined) {
      const value = quoted ?? bare;
      checks.push((s) =>
        key === 'MetricName' ? s.metricName === value : key === 'Namespace' ? value === NAMESPACE : s.dimensions[key] === value,
      );
    } else {
      const value = phrase ?? word;
      if (value === 'AND') continue;
      if (value === 'OR' || value === 'NOT' || /[()]/.test(value)) {
        throw new ApiError('InvalidParameter', `The simulator's SEARCH supports implied AND only, got: ${search}`);
      }
      checks.push((s) => s.metricName === value || Object.values(s.dimensions).includes(value));
    }
    if (term.lastIndex >= rest.length) break;
  }
  return (s) => checks.every((c) => c(s));
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}
