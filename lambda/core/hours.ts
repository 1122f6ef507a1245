/**
 * Hours of operation: a queue closed by its hours plays callers its "closed" branch, so every watched queue must be
 * open from the cutover (or now) through the observation window, unless the execution input says the closure is
 * intended. The handler reads each queue's hours with GetEffectiveHoursOfOperations (overrides applied), whose days
 * are local dates in the hours' `TimeZone` and whose `OperationalHours` are local wall-clock times.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetEffectiveHoursOfOperations.html
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_EffectiveHoursOfOperations.html
 */
import { READINESS_CHECKS } from './readiness';
import { ReadinessItem } from './types';

export interface TimeOfDay {
  readonly hours: number;
  readonly minutes: number;
}

/** GetEffectiveHoursOfOperations' answer, reduced to what readiness needs. */
export interface EffectiveHours {
  /** IANA time zone of the hours (the answer's `TimeZone`). */
  readonly timeZone: string;
  /** One entry per local date (`YYYY-MM-DD`) with its open spans; a date with no span (or absent) is closed. */
  readonly days: ReadonlyArray<{
    readonly date: string;
    readonly spans: ReadonlyArray<{ readonly start: TimeOfDay; readonly end: TimeOfDay }>;
  }>;
}

export interface QueueHoursFacts {
  /** The queue's name (or its reference when it has none). */
  readonly queue: string;
  /** The config reference of the queue (what `closedQueuesAllowed` may name besides the name). */
  readonly ref: string;
  /** Null when the hours could not be read. */
  readonly hours: EffectiveHours | null;
  readonly error?: string;
}

const DAY_MS = 86_400_000;

/**
 * The `FromDate` / `ToDate` (`YYYY-MM-DD`) to ask for so that the window is covered in any time zone: the UTC dates of
 * the window widened by a day each side (time zones are at most 14 hours from UTC).
 */
export function hoursRequestDates(fromMs: number, toMs: number): { fromDate: string; toDate: string } {
  return { fromDate: isoDate(fromMs - DAY_MS), toDate: isoDate(toMs + DAY_MS) };
}

/**
 * The open intervals (UTC epoch ms) of effective hours. A span whose end is not after its start runs past midnight
 * into the next day (Connect configures an overnight shift as 22:00–06:00, and a whole day as 00:00–00:00; AWS does
 * not document how an effective span past midnight is split, so both readings are accepted); an end at 23:59 runs to
 * midnight.
 * @throws RangeError for a time zone the runtime does not know
 */
export function openIntervals(hours: EffectiveHours): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  for (const day of hours.days) {
    for (const { start, end } of day.spans) {
      const from = localToUtc(day.date, start, hours.timeZone);
      const nextDate = isoDate(Date.parse(`${day.date}T00:00:00Z`) + DAY_MS);
      // Hours are set to the minute and cannot say 24:00: an end at 23:59 means "to the end of the day".
      const endOfDay = end.hours === 23 && end.minutes === 59;
      let to = endOfDay ? localToUtc(nextDate, { hours: 0, minutes: 0 }, hours.timeZone) : localToUtc(day.date, end, hours.timeZone);
      if (to <= from) to = localToUtc(nextDate, end, hours.timeZone);
      intervals.push([from, to]);
    }
  }
  return merge(intervals);
}

/** The parts of [fromMs, toMs) the hours leave closed (UTC epoch ms), in order. */
export function closedSpans(hours: EffectiveHours, fromMs: number, toMs: number): Array<[number, number]> {
  const closed: Array<[number, number]> = [];
  let cursor = fromMs;
  for (const [a, b] of openIntervals(hours)) {
    if (b <= cursor) continue;
    if (a >= toMs) break;
    if (a > cursor) closed.push([cursor, Math.min(a, toMs)]);
    cursor = Math.max(cursor, b);
    if (cursor >= toMs) break;
  }
  if (cursor < toMs) closed.push([cursor, toMs]);
  return closed;
}

/**
 * One `queue-open` item per watched queue: open through [fromMs, toMs), or closed and named in `allowedClosed` (by
 * name or config reference), else not ready with the closed span and the queue's hours.
 */
export function assessHours(
  queues: readonly QueueHoursFacts[],
  window: { readonly fromMs: number; readonly toMs: number },
  allowedClosed: readonly string[] = [],
): ReadinessItem[] {
  const allowed = new Set(allowedClosed);
  const span = `${shortTime(window.fromMs)}–${shortTime(window.toMs)}`;
  return queues.map((q) => {
    const item = (ok: boolean, detail: string): ReadinessItem => ({ check: READINESS_CHECKS.queueOpen, subject: q.queue, ok, detail });
    if (q.hours === null) return item(false, `no hours of operation data (${q.error ?? 'not read'}): no data is not success`);
    let closed: Array<[number, number]>;
    try {
      // The zone is checked even when no span needs it: hours with an unknown zone prove nothing.
      new Intl.DateTimeFormat('en-US', { timeZone: q.hours.timeZone });
      closed = closedSpans(q.hours, window.fromMs, window.toMs);
    } catch (err) {
      return item(false, `hours in an unknown time zone ${JSON.stringify(q.hours.timeZone)} (${(err as Error).message})`);
    }
    if (closed.length === 0) return item(true, `open through ${span}`);
    const when = closed.map(([a, b]) => `${shortTime(a)}–${shortTime(b)}`).join(', ');
    const hoursText = describeHours(q.hours, window);
    if (allowed.has(q.queue) || allowed.has(q.ref)) {
      return item(true, `closed ${when} of ${span}, intended (closedQueuesAllowed); hours: ${hoursText}`);
    }
    return item(false, `closed ${when} of ${span}; hours: ${hoursText}`);
  });
}

/** `America/New_York 2025-06-01 09:00–17:00, 2025-06-02 closed`: the local dates the window touches. */
export function describeHours(hours: EffectiveHours, window: { readonly fromMs: number; readonly toMs: number }): string {
  let dates: string[];
  try {
    dates = [...new Set([localDate(window.fromMs, hours.timeZone), localDate(window.toMs, hours.timeZone)])];
  } catch {
    dates = [...new Set([isoDate(window.fromMs), isoDate(window.toMs)])];
  }
  const parts = dates.map((date) => {
    const spans = hours.days.find((d) => d.date === date)?.spans ?? [];
    return `${date} ${spans.length === 0 ? 'closed' : spans.map((s) => `${hhmm(s.start)}–${hhmm(s.end)}`).join(', ')}`;
  });
  return `${hours.timeZone} ${parts.join('; ')}`;
}

/** Epoch ms of a local wall-clock time on a local date in `timeZone`. */
export function localToUtc(date: string, time: TimeOfDay, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d, time.hours, time.minutes);
  // The offset at the guess, then at the corrected instant: right on both sides of a DST change.
  const first = guess - offsetMs(guess, timeZone);
  return guess - offsetMs(first, timeZone);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

function localDate(ms: number, timeZone: string): string {
  return isoDate(ms + offsetMs(ms, timeZone));
}

function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function shortTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}

function hhmm(t: TimeOfDay): string {
  return `${String(t.hours).padStart(2, '0')}:${String(t.minutes).padStart(2, '0')}`;
}
