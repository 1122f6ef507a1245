/**
 * Where handlers read the time and wait. In AWS it is the wall clock; the rehearsal replaces both with its
 * simulated clock, so a 30-minute observation window or a rate-limit pause runs in no real time.
 */
type Sleeper = (ms: number) => Promise<void>;

let source: () => Date = () => new Date();
let sleeper: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function now(): Date {
  return source();
}

/** Waits `ms` milliseconds on the current clock. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? sleeper(ms) : Promise.resolve();
}

/** For the rehearsal only: the simulated clock, and a wait that advances it. */
export function useClock(clock: () => Date, wait: Sleeper): void {
  source = clock;
  sleeper = wait;
}
