/**
 * Section 1 of `npm run bench`: the pure part (the worst case of one run). The rehearsals run in `npm run bench`.
 */
import { worstCaseSeconds } from '../../bench/rollback-latency';

describe('worstCaseSeconds', () => {
  test('hang-up + record lag + window mix + poll interval × limit + restore', () => {
    // 60 s hang-up + 120 s record lag, 8.4 s window mix, 15 s × 2 polls, 0.6 s of API calls.
    expect(worstCaseSeconds({ pollIntervalSeconds: 15, consecutiveFailureLimit: 2, restoreSeconds: 0.6 }, 180, 8.4)).toBeCloseTo(219, 5);
    expect(worstCaseSeconds({ pollIntervalSeconds: 60, consecutiveFailureLimit: 3, restoreSeconds: 0 }, 0, 0)).toBe(180);
  });
});
