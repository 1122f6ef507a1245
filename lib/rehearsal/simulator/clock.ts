/**
 * The rehearsal's time. Nothing in the rehearsal sleeps: Wait states, poll intervals and API latency advance this
 * clock instead, so a 30-minute observation window replays in milliseconds and every duration in the result is
 * simulated time.
 */
export class SimulatedClock {
  private nowMs: number;
  private cutoverMs: number | null = null;

  /** @param start the simulated time at start (default: the real time, truncated to the second) */
  constructor(start: Date = new Date(Math.floor(Date.now() / 1000) * 1000)) {
    this.nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  nowMillis(): number {
    return this.nowMs;
  }

  /** Moves the clock forward; a negative or non-finite amount is a bug in the caller. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new Error(`SimulatedClock.advance: seconds must be a finite number ≥ 0, got: ${seconds}`);
    }
    this.nowMs += seconds * 1000;
  }

  /** Jumps to a moment (a Wait state's timestamp); going back in time is allowed but rarely meant. */
  set(date: Date): void {
    const ms = date.getTime();
    if (Number.isNaN(ms)) {
      throw new Error('SimulatedClock.set: invalid date');
    }
    this.nowMs = ms;
  }

  /**
   * The moment the timeline's minute 0 refers to (`timeline[].atMinute` and `faults[].atMinute` are minutes after
   * it). Null until the runner marks the cutover: until then no timeline row applies.
   */
  get cutoverAt(): Date | null {
    return this.cutoverMs === null ? null : new Date(this.cutoverMs);
  }

  set cutoverAt(date: Date | null) {
    this.cutoverMs = date === null ? null : date.getTime();
  }

  /** Marks the cutover at `at` (default: now). */
  markCutover(at: Date = this.now()): void {
    this.cutoverAt = at;
  }

  /** Minutes since the cutover at `atMs` (default: now); null when the cutover is not marked. */
  minutesSinceCutover(atMs: number = this.nowMs): number | null {
    return this.cutoverMs === null ? null : (atMs - this.cutoverMs) / 60_000;
  }

  /** The absolute time of a timeline minute; null when the cutover is not marked. */
  timeOfMinute(minute: number): number | null {
    return this.cutoverMs === null ? null : this.cutoverMs + minute * 60_000;
  }
}
