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
 * - `contactFlowErrors` and `missedCalls` are instance-wide rates per minute (their CloudWatch metrics carry no
 *   queue): a row without `queue` sets the instance-wide rate, a row with `queue` sets an additional rate of its
 *   own, and the instance total is their sum. Integrated like `contactsHandled`.
 */
import type { TimelineRow } from '../scenario';
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

export type InstanceField = 'contactFlowErrors' | 'missedCalls';

/** Contacts of one queue over a time range. */
export interface ContactTotals {
  readonly handled: number;
  readonly abandoned: number;
  /** Σ handled × AHT, in seconds: divide by `handled` for the AHT. */
  readonly handleSeconds: number;
}

export const DEFAULT_AVG_HANDLE_TIME_SECONDS = 300;
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
  ) {
    this.rows = timeline
      .map((row, index) => ({ row, index }))
      .sort((a, b) => a.row.atMinute - b.row.atMinute || a.index - b.index)
      .map(({ row }) => row);
  }

  /** A queue field's value at `atMs` (default now). */
  instant(queueName: string, field: QueueField, atMs: number = this.clock.nowMillis()): number {
    const row = this.lastRow(atMs, field, (r) => r.queue === undefined || r.queue === queueName);
    const value = row?.[field];
    return value ?? this.baseline(queueName, field);
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

  /** An instance-wide per-minute count integrated between two instants (clamped to now). */
  instanceCount(field: InstanceField, fromMs: number, toMs: number): number {
    let total = 0;
    for (const [start, end] of this.segments(fromMs, toMs)) {
      total += this.instanceRate(field, start) * ((end - start) / 60_000);
    }
    return total;
  }

  /** The instance-wide rate per minute at an instant: the all-queue track plus every queue's own track. */
  instanceRate(field: InstanceField, atMs: number): number {
    let rate = this.lastRow(atMs, field, (r) => r.queue === undefined)?.[field] ?? 0;
    for (const q of this.queues) {
      rate += this.lastRow(atMs, field, (r) => r.queue === q.name)?.[field] ?? 0;
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
    const end = Math.min(toMs, this.clock.nowMillis());
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
