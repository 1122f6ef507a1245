/**
 * The metric model: what the simulated Connect and CloudWatch report at a simulated moment, derived from the
 * scenario's timeline.
 *
 * The exact model:
 * - A row applies from `cutoverAt + atMinute` on and carries each field it sets forward until a later row (in
 *   `atMinute` order; file order breaks ties) that applies to the same queue sets that field again. A row without
 *   `queue` applies to every queue. Before the first row that sets a field — and always while the runner has not
 *   marked the cutover on the clock — the field has its baseline: `agentsOnline` / `agentsAvailable` from the
 *   queue's `contactCenter` entry, `avgHandleTimeSeconds` 300, everything else 0.
 * - Instantaneous values (`contactsInQueue`, `oldestContactAgeSeconds`, `agentsOnline`, `agentsAvailable`) are
 *   read at the moment asked (the clock's now for GetCurrentMetricData).
 * - `contactsHandled` is a rate per minute, integrated over the asked [start, end] (clamped to now): 40/min over
 *   a 15 s slice is 10 contacts. Abandoned contacts follow from the abandonment rate r of the same slice:
 *   abandoned = handled × r / (1 − r) (r capped at 0.99), so that abandoned / (handled + abandoned) = r. Over a
 *   window the abandonment rate is Σ abandoned / Σ (handled + abandoned) and the AHT is Σ handled × aht /
 *   Σ handled: a contact-weighted mix of the rows in the window, so a spike at minute 6 already shows in the
 *   trailing minute at 6m15s (a quarter of its contacts). Counts are expected values and may be fractional.
 * - `contactFlowErrors`, `missedCalls` and `misconfiguredCalls` are instance-wide rates per minute (their
 *   CloudWatch metrics carry no queue): a row without `queue` sets the instance-wide rate, a row with `queue` sets
 *   an additional rate of its own, and the instance total is their sum. Integrated like `contactsHandled`.
 *
 * When the contacts are visible (the scenario's `timing`, see scenario.ts for the sources):
 * - `contactsHandled` and the abandonment rate say when contacts *start*. A handled contact ends one AHT (the AHT
 *   in force when it started) after it started; an abandoned one ends when the caller hangs up,
 *   {@link ABANDON_AFTER_SECONDS} after it started. {@link MetricTimeline.ended} counts the contacts that *ended* in a
 *   range and whose contact record is visible (`end + historicalLagSeconds ≤ now`): GetMetricDataV2's view.
 *   Those counts are whole contacts: the k-th contact of a queue ends when the expected count reaches k, so counts
 *   over adjacent ranges add up. The first row's traffic is taken to have flowed before it (a centre is never
 *   silent before its first row), so contacts are ending from the start; a row with `contactsHandled: 0`
 *   earlier models a line that really starts from silence.
 * - `timing.realTimeRefreshSeconds`: GetCurrentMetricData answers the snapshot taken at the last refresh
 *   ({@link MetricTimeline.snapshotAt}).
 * - `timing.cloudWatchLagSeconds`: applied by cloudwatch.ts to each complete minute.
 */
import { DEFAULT_TIMING, type ScenarioTiming, type TimelineRow } from '../scenario';
import type { SimulatedClock } from './clock';
import type { SimQueue } from './state';

export type QueueField =
  | 'abandonmentRate'
  | 'avgHandleTimeSeconds'
  | 'contactsInQueue'
  | 'oldestContactAgeSeconds'
  | 'contactsHandled'
  | 'agentsOnline'
  | 'agentsAvailable';

export type InstanceField = 'contactFlowErrors' | 'missedCalls' | 'misconfiguredCalls';

/** Contacts of one queue over a time range. */
export interface ContactTotals {
  readonly handled: number;
  readonly abandoned: number;
  /** Σ handled × AHT, in seconds: divide by `handled` for the AHT. */
  readonly handleSeconds: number;
}

export const DEFAULT_AVG_HANDLE_TIME_SECONDS = 300;
/**
 * How long a caller who abandons waited before hanging up. Contact centres report an average time to abandon of
 * 30–90 s; the middle of that range. It only moves when an abandoned contact's record appears.
 */
export const ABANDON_AFTER_SECONDS = 60;
/** How far before the first timeline row its traffic is taken to have flowed: longer than any handle time. */
const CARRY_BACK_MS = 2 * 3_600_000;
const MAX_ABANDONMENT_RATE_FOR_VOLUME = 0.99;
/** Row times are computed in floating point: a row at minute 0.1 must apply at its own instant. */
const EPSILON_MINUTES = 1e-9;

export class MetricTimeline {
  /** Sorted by atMinute, stable. */
  private readonly rows: readonly TimelineRow[];

  constructor(
    timeline: readonly TimelineRow[],
    private readonly queues: readonly SimQueue[],
    private readonly clock: SimulatedClock,
    /** When each source shows what happened; the scenario's defaults when not given. */
    readonly timing: ScenarioTiming = { ...DEFAULT_TIMING },
    /** The instance's concurrent-calls quota; undefined = none modelled. */
    readonly concurrentCallsQuota?: number,
  ) {
    this.rows = timeline
      .map((row, index) => ({ row, index }))
      .sort((a, b) => a.row.atMinute - b.row.atMinute || a.index - b.index)
      .map(({ row }) => row);
  }

  /** switchFlow: the share of a queue's callers that reach Connect (1 = all, the default). */
  private share?: (queueName: string, atMs: number) => number;
  private shareChanges: () => number[] = () => [];

  /**
   * Scales the timeline's caller volumes (contacts handled, contacts in queue, and the instance's flow errors and
   * missed calls) by the share of callers that reach Connect: in switchFlow mode the rest is bridged to the legacy
   * platform and never shows in Connect's metrics. `changes` lists the instants the share changes.
   */
  useShare(share: (queueName: string, atMs: number) => number, changes: () => number[]): void {
    this.share = share;
    this.shareChanges = changes;
  }

  /** A queue field's value at `atMs` (default now). */
  instant(queueName: string, field: QueueField, atMs: number = this.clock.nowMillis()): number {
    const row = this.lastRow(atMs, field, (r) => r.queue === undefined || r.queue === queueName);
    const value = row?.[field] ?? this.baseline(queueName, field);
    if (this.share && (field === 'contactsHandled' || field === 'contactsInQueue')) return value * this.share(queueName, atMs);
    return value;
  }

  /** Contacts of one queue between two instants (clamped to now). */
  totals(queueName: string, fromMs: number, toMs: number): ContactTotals {
    let handled = 0;
    let abandoned = 0;
    let handleSeconds = 0;
    for (const [start, end] of this.segments(fromMs, toMs)) {
      const minutes = (end - start) / 60_000;
      const h = this.instant(queueName, 'contactsHandled', start) * minutes;
      const r = Math.min(this.instant(queueName, 'abandonmentRate', start), MAX_ABANDONMENT_RATE_FOR_VOLUME);
      handled += h;
      abandoned += (h * r) / (1 - r);
      handleSeconds += h * this.instant(queueName, 'avgHandleTimeSeconds', start);
    }
    return { handled, abandoned, handleSeconds };
  }

  /**
   * Contacts of one queue that ended in [fromMs, toMs) and whose record is visible now (ended at least
   * `historicalLagSeconds` ago): what GetMetricDataV2 counts. Whole contacts; `handleSeconds` is the handled
   * contacts' total handle time.
   */
  ended(queueName: string, fromMs: number, toMs: number): ContactTotals {
    const cutoff = Math.min(toMs, this.clock.nowMillis() - this.timing.historicalLagSeconds * 1000);
    if (!(cutoff > fromMs)) return { handled: 0, abandoned: 0, handleSeconds: 0 };
    const before = this.endedSince(queueName, fromMs);
    const upTo = this.endedSince(queueName, cutoff);
    const handled = Math.floor(upTo.handled) - Math.floor(before.handled);
    const abandoned = Math.floor(upTo.abandoned) - Math.floor(before.abandoned);
    const expectedHandled = upTo.handled - before.handled;
    // The AHT of the contacts that ended in the range, carried by whole contacts.
    const aht = expectedHandled > 0 ? (upTo.handleSeconds - before.handleSeconds) / expectedHandled : 0;
    return { handled, abandoned, handleSeconds: handled * aht };
  }

  /** Expected contacts of a queue that ended before `atMs`, counted from the first timeline row (not rounded). */
  private endedSince(queueName: string, atMs: number): ContactTotals {
    const first = this.rows.length > 0 ? this.clock.timeOfMinute(this.rows[0].atMinute) : null;
    if (first === null) return { handled: 0, abandoned: 0, handleSeconds: 0 };
    let handled = 0;
    let abandoned = 0;
    let handleSeconds = 0;
    // A contact centre does not start from silence at its first row: the first row's traffic was already flowing
    // (CARRY_BACK_MS before it), so calls started earlier are still ending when the timeline begins.
    for (const [a, b] of this.cut(first - CARRY_BACK_MS, atMs)) {
      const at = Math.max(a, first);
      const perMs = this.instant(queueName, 'contactsHandled', at) / 60_000;
      if (perMs === 0) continue;
      const aht = this.instant(queueName, 'avgHandleTimeSeconds', at);
      const r = Math.min(this.instant(queueName, 'abandonmentRate', at), MAX_ABANDONMENT_RATE_FOR_VOLUME);
      // Starts in [a, b) that have ended by atMs: those that started before atMs − duration.
      const startedLongEnough = (durationMs: number) => Math.max(0, Math.min(b, atMs - durationMs) - a);
      const h = perMs * startedLongEnough(aht * 1000);
      handled += h;
      handleSeconds += h * aht;
      abandoned += ((perMs * r) / (1 - r)) * startedLongEnough(ABANDON_AFTER_SECONDS * 1000);
    }
    return { handled, abandoned, handleSeconds };
  }

  /** The moment GetCurrentMetricData's snapshot was taken: the last refresh at or before now. */
  snapshotAt(nowMs: number = this.clock.nowMillis()): number {
    const refreshMs = this.timing.realTimeRefreshSeconds * 1000;
    return Math.floor(nowMs / refreshMs) * refreshMs;
  }

  /** An instance-wide per-minute count integrated between two instants (clamped to now). */
  instanceCount(field: InstanceField, fromMs: number, toMs: number): number {
    let total = 0;
    for (const [start, end] of this.segments(fromMs, toMs)) {
      total += this.instanceRate(field, start) * ((end - start) / 60_000);
    }
    return total;
  }

  /**
   * The instance-wide events of a field from the first timeline row up to `atMs` (clamped to now), times `share`,
   * in whole events: the k-th event happens when the expected count reaches k, so the difference of two of these
   * is a whole count and counts over adjacent ranges add up.
   */
  instanceEventsUpTo(field: InstanceField, atMs: number, share = 1): number {
    const first = this.rows.length > 0 ? this.clock.timeOfMinute(this.rows[0].atMinute) : null;
    if (first === null) return 0;
    // A hair of tolerance: 3 events a minute integrate to 2.9999999 in floating point.
    return Math.floor(share * this.instanceCount(field, first, atMs) + 1e-9);
  }

  /**
   * Calls in progress across the instance at an instant, by Little's law: per queue, calls starting per minute ×
   * their handle time (in minutes) + callers waiting. These are the calls offered; over the quota some are
   * rejected.
   */
  concurrentCalls(atMs: number): number {
    let calls = 0;
    for (const q of this.queues) {
      calls += (this.instant(q.name, 'contactsHandled', atMs) / 60) * this.instant(q.name, 'avgHandleTimeSeconds', atMs);
      calls += this.instant(q.name, 'contactsInQueue', atMs);
    }
    return calls;
  }

  /** Percent of the concurrent-calls quota in use at an instant (capped at 100); 0 without a quota. */
  concurrentCallsPercentage(atMs: number): number {
    if (this.concurrentCallsQuota === undefined) return 0;
    return Math.min(100, (100 * this.concurrentCalls(atMs)) / this.concurrentCallsQuota);
  }

  /**
   * Calls rejected for the quota up to `atMs`, in whole calls: arrivals (handled and abandoned) × the share of
   * the offered concurrency above the quota.
   */
  rejectedCallsUpTo(atMs: number): number {
    const quota = this.concurrentCallsQuota;
    const first = this.rows.length > 0 ? this.clock.timeOfMinute(this.rows[0].atMinute) : null;
    if (quota === undefined || first === null) return 0;
    let rejected = 0;
    for (const [a, b] of this.segments(first, atMs)) {
      const offered = this.concurrentCalls(a);
      if (offered <= quota) continue;
      let arrivals = 0;
      for (const q of this.queues) {
        const r = Math.min(this.instant(q.name, 'abandonmentRate', a), MAX_ABANDONMENT_RATE_FOR_VOLUME);
        arrivals += this.instant(q.name, 'contactsHandled', a) / (1 - r);
      }
      rejected += arrivals * ((offered - quota) / offered) * ((b - a) / 60_000);
    }
    return Math.floor(rejected + 1e-9);
  }

  /** The instance-wide rate per minute at an instant: the all-queue track plus every queue's own track. */
  instanceRate(field: InstanceField, atMs: number): number {
    const scale = (queue: string | undefined) =>
      this.share && (field === 'contactFlowErrors' || field === 'missedCalls')
        ? queue === undefined
          ? Math.max(0, ...this.queues.map((q) => this.share!(q.name, atMs)))
          : this.share(queue, atMs)
        : 1;
    let rate = (this.lastRow(atMs, field, (r) => r.queue === undefined)?.[field] ?? 0) * scale(undefined);
    for (const q of this.queues) {
      rate += (this.lastRow(atMs, field, (r) => r.queue === q.name)?.[field] ?? 0) * scale(q.name);
    }
    return rate;
  }

  private lastRow(atMs: number, field: keyof TimelineRow, applies: (r: TimelineRow) => boolean): TimelineRow | undefined {
    const minute = this.clock.minutesSinceCutover(atMs);
    if (minute === null) {
      return undefined;
    }
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i];
      if (r.atMinute <= minute + EPSILON_MINUTES && r[field] !== undefined && applies(r)) {
        return r;
      }
    }
    return undefined;
  }

  /** [start, end) slices of [from, min(to, now)] on which every field is constant. */
  private segments(fromMs: number, toMs: number): Array<[number, number]> {
    return this.cut(fromMs, Math.min(toMs, this.clock.nowMillis()));
  }

  /** [start, end) slices of [from, end] on which every field is constant. */
  private cut(fromMs: number, end: number): Array<[number, number]> {
    if (!(end > fromMs)) {
      return [];
    }
    const cuts = new Set<number>([fromMs, end]);
    for (const r of this.rows) {
      const t = this.clock.timeOfMinute(r.atMinute);
      if (t !== null && t > fromMs && t < end) {
        cuts.add(t);
      }
    }
    for (const t of this.shareChanges()) {
      if (t > fromMs && t < end) cuts.add(t);
    }
    const points = [...cuts].sort((a, b) => a - b);
    return points.slice(1).map((p, i) => [points[i], p]);
  }

  private baseline(queueName: string, field: QueueField): number {
    switch (field) {
      case 'agentsOnline':
        return this.queues.find((q) => q.name === queueName)?.agentsOnline ?? 0;
      case 'agentsAvailable':
        return this.queues.find((q) => q.name === queueName)?.agentsAvailable ?? 0;
      case 'avgHandleTimeSeconds':
        return DEFAULT_AVG_HANDLE_TIME_SECONDS;
      default:
        return 0;
    }
  }
}
