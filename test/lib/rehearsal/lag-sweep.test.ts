/**
 * The verdicts hold under any metric delay up to the maximum Verify covers (issue 10, "Done when"): the shipped
 * breach scenarios never end LIVE and the healthy one never ends ROLLED_BACK, whatever the CloudWatch and
 * contact-record lags (0 s to DEFAULT_VERIFICATION's maxima) and the real-time refresh.
 */
import { DEFAULT_VERIFICATION } from '../../../lambda/core/defaults';
import { rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { loadScenario, type Scenario } from '../../../lib/rehearsal/scenario';
import type { Template } from '../../../lib/rehearsal/template';

const MAX_CW = DEFAULT_VERIFICATION.maxCloudWatchLagSeconds;
const MAX_HIST = DEFAULT_VERIFICATION.maxHistoricalLagSeconds;
/** [cloudWatchLagSeconds, historicalLagSeconds, realTimeRefreshSeconds]: both ends, the middle, and crossed. */
const TIMINGS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 1],
  [MAX_CW / 2, MAX_HIST / 2, 15],
  [MAX_CW, MAX_HIST, 15],
  [0, MAX_HIST, 30],
  [MAX_CW, 0, 30],
];
const SCENARIOS: ReadonlyArray<readonly [string, 'LIVE' | 'ROLLED_BACK']> = [
  ['contact-flow-errors', 'ROLLED_BACK'],
  ['abandonment-spike', 'ROLLED_BACK'],
  ['queue-backs-up', 'ROLLED_BACK'],
  ['healthy-go-live', 'LIVE'],
];

function withTiming(name: string, [cw, hist, refresh]: readonly [number, number, number]): Scenario {
  const s = loadScenario(`scenarios/${name}.json`);
  // A 10-minute window sees every breach of these scenarios (minutes 3–6) and keeps the sweep fast.
  const input = { ...(s.input as Record<string, unknown>), verification: { observationWindowSeconds: 600 } };
  return { ...s, input, timing: { cloudWatchLagSeconds: cw, historicalLagSeconds: hist, realTimeRefreshSeconds: refresh } };
}

// The four scenarios share one plan (three numbers to Main, queue Support): one synthesis serves them all.
let template: Template;
beforeAll(() => {
  template = synthesizeForScenario(loadScenario('scenarios/healthy-go-live.json'));
});

describe.each(SCENARIOS)('%s under every lag up to the maximum', (name, expected) => {
  test.each(TIMINGS)(
    `CloudWatch %d s, contact records %d s, refresh %d s: ${expected}`,
    async (...timing) => {
      const run = await rehearseScenario(withTiming(name, timing), { template });

      expect(run.outcome).toBe(expected);
      if (expected === 'ROLLED_BACK') {
        // Rolled back by the verdict, not by a human's timeout after an inconclusive window.
        expect(run.verdicts.at(-1)?.decision).toBe('ROLLBACK');
      }
    },
    60_000,
  );
});
