/**
 * Section 1b of `npm run bench`: the pure parts (the bound per signal kind, the verdict, the scenarios it uses).
 * The rehearsals themselves run in `npm run bench`, not here.
 */
import * as path from 'path';
import {
  boundFor,
  breachHandleTimeOf,
  figureOf,
  firstFailingSeconds,
  LatencySettings,
  noteOf,
  REAL_TIME_TARGET_SECONDS,
  SIGNAL_CASES,
  SignalRow,
  withDefaultTiming,
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
  const row = (breachToRollbackSeconds: number | null, outcome = 'ROLLED_BACK'): SignalRow => ({
    case: SIGNAL_CASES[1],
    outcome,
    breachToRollbackSeconds,
    firstFailingSeconds: null,
    bound: boundFor('cloudWatch', defaults),
  });

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
      const scenario = withDefaultTiming({
        ...loadScenario(path.join(SCENARIOS_DIR, c.scenarioFile)),
        timing: { cloudWatchLagSeconds: 0, historicalLagSeconds: 0, realTimeRefreshSeconds: 1 },
      });
      expect(scenario.timing).toEqual(DEFAULT_TIMING);
      expect(scenario.expect?.outcome).toBe('ROLLED_BACK');
    }
  });

  test('the handle-time scenario breaches with 1,200-s calls', () => {
    const scenario = loadScenario(path.join(SCENARIOS_DIR, 'two-lines-sales-aht.json'));
    expect(breachHandleTimeOf(scenario, DEFAULT_VERIFICATION.maxAvgHandleTimeSeconds)).toBe(1200);
    expect(() =>
      breachHandleTimeOf(loadScenario(path.join(SCENARIOS_DIR, 'queue-backs-up.json')), DEFAULT_VERIFICATION.maxAvgHandleTimeSeconds),
    ).toThrow(/no timeline row breaches/);
  });
});

describe('firstFailingSeconds', () => {
  const breachMs = Date.parse('2030-01-15T02:04:00Z');
  const verdicts = [
    { at: '2030-01-15T02:03:00Z', decision: 'CONTINUE', reason: 'Sales: 60 s of 1800 s: failing: avgHandleTime 1200 s (1 of 2)' },
    {
      at: '2030-01-15T02:05:00Z',
      decision: 'CONTINUE',
      reason: 'Sales: 180 s of 1800 s: failing: abandonmentRate no data (1 of 2); no data: abandonmentRate, avgHandleTime',
    },
    { at: '2030-01-15T02:05:30Z', decision: 'CONTINUE', reason: 'Sales: 210 s of 1800 s: failing: avgHandleTime no data (1 of 2)' },
    {
      at: '2030-01-15T02:06:00Z',
      decision: 'CONTINUE',
      reason: 'Support: 240 s: no check failing; Sales: 240 s of 1800 s: failing: avgHandleTime 1200 s (1 of 2)',
    },
    {
      at: '2030-01-15T02:06:15Z',
      decision: 'ROLLBACK',
      reason: 'service line Sales: avgHandleTime 1200 s breached 30–900 s on 2 consecutive polls',
    },
  ];

  test('the first verdict after the breach that reads the check failing with a value', () => {
    expect(firstFailingSeconds(verdicts, ['avgHandleTime'], breachMs)).toBe(120);
  });

  test('a ROLLBACK verdict counts when no CONTINUE saw it first; other checks and "no data" do not', () => {
    expect(firstFailingSeconds(verdicts.slice(0, 3).concat(verdicts[4]), ['avgHandleTime'], breachMs)).toBe(135);
    expect(firstFailingSeconds(verdicts, ['abandonmentRate'], breachMs)).toBeNull();
    expect(firstFailingSeconds(verdicts, ['contactsInQueue', 'avgHandleTime'], breachMs)).toBe(120);
  });
});

describe('noteOf', () => {
  const row = (kind: 'abandonment' | 'handleTime' | 'realTime', breachToRollbackSeconds: number | null, firstFailing = 170): SignalRow => ({
    case: SIGNAL_CASES.find((c) => c.kind === kind)!,
    outcome: breachToRollbackSeconds === null ? 'LIVE' : 'ROLLED_BACK',
    breachToRollbackSeconds,
    firstFailingSeconds: firstFailing,
    bound: boundFor(kind, defaults, 1200),
  });

  test('nothing for a met row', () => {
    expect(noteOf(row('realTime', 36))).toBeNull();
  });

  test('a missed row says by how much, and why for the delayed signals', () => {
    expect(noteOf(row('abandonment', 205))).toMatch(/25 s over the target.*own wait.*170 s after the breach/);
    expect(noteOf(row('handleTime', 1364, 1348))).toMatch(
      /14 s over the physical bound\. The first poll that read it failing came 1348 s after the breach, 28 s after the first long call's record could be visible \(1320 s\)/,
    );
    expect(noteOf(row('realTime', 50))).toMatch(/5 s over the target/);
    expect(noteOf(row('realTime', null))).toMatch(/ended LIVE without a rollback/);
  });
});
