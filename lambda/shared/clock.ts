/**
 * Where handlers read the time. In AWS it is the wall clock; the rehearsal replaces it with its simulated clock
 * so a 30-minute observation window runs in seconds.
 */
let source: () => Date = () => new Date();

export function now(): Date {
  return source();
}

/** For the rehearsal only. */
export function useClock(clock: () => Date): void {
  source = clock;
}
