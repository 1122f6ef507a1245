/**
 * Section 1b of `npm run bench`: the pure parts (the bound per signal kind, the verdict, the scenarios it uses).
 * The rehearsals themselves run in `npm run bench`, not here.
 */
import * as path from 'path';
import {
  boundFor, breachHandleTimeOf, figureOf, LatencySettings, REAL_TIME_TARGET_SECONDS, SIGNAL_CASES, SignalRow, withDefaultTiming,
} from '../../bench/signal-latency';
import { DEFAULT_VERIFICATION } from '../../lambda/core/defaults';
import { SCENARIOS_DIR } from '../../lib/rehearsal/runner';
import { DEFAULT_TIMING, loadScenario } from '../../lib/rehearsal/scenario';

const defaults: LatencySettings = { timing: { ...DEFAULT_TIMING }, pollIntervalSeconds: 15, consecutiveFailureLimit: 2 };

describe('boundFor', () => {
  test('real-time: the fixed 45-s target, whatever the lags', () => {
    expect(boundFor('realTime', defaults).seconds).toBe(REAL_TIME_TARGET_SECONDS);
    expect(boundFor('realTime', { ...defaults, timing: { ...DEFAULT_TIMING, cloudWatchLagSeconds: 600 } }).seconds).toBe(45);
  });

  test('CloudWatch: the CloudWatch lag + 90 s', () => {
    expect(boundFor('cloudWatch', defaults).seconds).toBe(210);
    expect(boundFor('cloudWatch', { ...defaults, timing: { ...DEFAULT_TIMING, cloudWatchLagSeconds: 60 } }).seconds).toBe(150);
  });

  test('abandonment: the historical lag + 60 s', () => {
    expect(boundFor('abandonment', defaults).seconds).toBe(180);
    expect(boundFor('abandonment', { ...defaults, timing: { ...DEFAULT_TIMING, historicalLagSeconds: 30 } }).seconds).toBe(90);
  });

  test('handle time: the new AHT + historical lag + poll interval × failure limit', () => {
    const bound = boundFor('handleTime', defaults, 1200);
    expect(bound.seconds).toBe(1200 + 120 + 30);
    expect(bound.target).toContain('1350 s');
    expect(boundFor('handleTime', { ...defaults, pollIntervalSeconds: 30, consecutiveFailureLimit: 3 }, 1200).seconds).toBe(1410);
    expect(() => boundFor('handleTime', defaults)).toThrow(/breaching AHT/);
  });

  test('every bound is explained in one sentence', () => {
    for (const c of SIGNAL_CASES) {
      const explanation = boundFor(c.kind, defaults, 1200).explanation;
      expect(explanation.endsWith('.')).toBe(true);
      expect(explanation.slice(0, -1)).not.toContain('. ');
    }
  });
});

describe('figureOf', () => {
  const row = (breachToRollbackSeconds: number | null, outcome = 'ROLLED_BACK'): SignalRow =>
    ({ case: SIGNAL_CASES[1], outcome, breachToRollbackSeconds, bound: boundFor('cloudWatch', defaults) });

  test('met within the bound, inclusive; not met above it', () => {
    expect(figureOf(row(210)).met).toBe(true);
    expect(figureOf(row(211)).met).toBe(false);
    expect(figureOf(row(202)).value).toBe('202 s simulated');
  });

  test('a run that did not roll back is never met', () => {
    const figure = figureOf(row(null, 'LIVE'));
    expect(figure.met).toBe(false);
    expect(figure.value).toBe('no rollback (LIVE)');
  });
});

describe('the scenarios', () => {
  test('one per signal kind, each shipped, each run under the default lags', () => {
    expect(SIGNAL_CASES.map((c) => c.kind)).toEqual(['realTime', 'cloudWatch', 'abandonment', 'handleTime']);
    for (const c of SIGNAL_CASES) {
      const scenario = withDefaultTiming({ ...loadScenario(path.join(SCENARIOS_DIR, c.scenarioFile)), timing: { cloudWatchLagSeconds: 0, historicalLagSeconds: 0, realTimeRefreshSeconds: 1 } });
      expect(scenario.timing).toEqual(DEFAULT_TIMING);
      expect(scenario.expect?.outcome).toBe('ROLLED_BACK');
    }
  });

  test('the handle-time scenario breaches with 1,200-s calls', () => {
    const scenario = loadScenario(path.join(SCENARIOS_DIR, 'two-lines-sales-aht.json'));
    expect(breachHandleTimeOf(scenario, DEFAULT_VERIFICATION.maxAvgHandleTimeSeconds)).toBe(1200);
    expect(() => breachHandleTimeOf(loadScenario(path.join(SCENARIOS_DIR, 'queue-backs-up.json')), DEFAULT_VERIFICATION.maxAvgHandleTimeSeconds))
      .toThrow(/no timeline row breaches/);
  });
});
