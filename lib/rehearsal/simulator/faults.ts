/**
 * The scenario's injected faults. A fault with `onCall: n` hits calls n … n + times − 1 of its API (every call
 * counts, including throttled and faulted ones); a fault with `atMinute: m` hits the first `times` calls of its
 * API made at or after minute m of the simulated clock (never while the cutover is not marked). The first
 * matching fault in file order wins. `EmptyResult` (metric APIs only) is not an error: the call succeeds with no data.
 */
import type { FaultError, ScenarioFault } from '../scenario';
import type { SimulatedClock } from './clock';

export class FaultInjector {
  private readonly fired: number[];

  constructor(
    private readonly faults: readonly ScenarioFault[],
    private readonly clock: SimulatedClock,
  ) {
    this.fired = faults.map(() => 0);
  }

  /** The fault for call `callNumber` (1-based, per API) of `api`, if any; consumes it. */
  take(api: string, callNumber: number): { error: FaultError; index: number } | undefined {
    for (const [index, f] of this.faults.entries()) {
      if (f.api !== api) continue;
      if (f.onCall !== undefined) {
        if (callNumber >= f.onCall && callNumber < f.onCall + f.times) {
          this.fired[index]++;
          return { error: f.error, index };
        }
      } else if (f.atMinute !== undefined && this.fired[index] < f.times) {
        const minute = this.clock.minutesSinceCutover();
        if (minute !== null && minute >= f.atMinute) {
          this.fired[index]++;
          return { error: f.error, index };
        }
      }
    }
    return undefined;
  }
}
