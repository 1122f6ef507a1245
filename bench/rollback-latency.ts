/**
 * Section 1: breach → rollback complete on the abandonment-spike scenario, on the rehearsal's simulated clock,
 * with the default verification settings and over a grid of poll intervals × consecutive-failure limits (set
 * through the execution input's `verification` overrides, so one synthesized template serves every run).
 */
import * as path from 'path';
import { DEFAULT_VERIFICATION, DEFAULT_VERIFICATION_BOUNDS } from '../lambda/core/defaults';
import { RehearsalRun, rehearseScenario, SCENARIOS_DIR, synthesizeForScenario } from '../lib/rehearsal/runner';
import { loadScenario, Scenario } from '../lib/rehearsal/scenario';
import { ABANDON_AFTER_SECONDS } from '../lib/rehearsal/simulator/metrics';
import { Figure, Print, SectionResult, secs, table } from './format';
import { boundFor } from './signal-latency';

export const POLL_INTERVALS_SECONDS = [10, 15, 30, 60] as const;
export const FAILURE_LIMITS = [1, 2, 3] as const;
/** Issue 10's target for real-time signals; section 2 reads it. Abandonment has its own (below). */
export const TARGET_SECONDS = 45;
/** An alarm on 1-minute datapoints that needs 2 breaching datapoints (see the explanation below). */
const ALARM_SECONDS = { min: 120, max: 180 } as const;

/** Breach → rollback of one run, split where the time goes (simulated seconds, from the run's own times). */
export interface RollbackTiming {
  readonly pollIntervalSeconds: number;
  readonly consecutiveFailureLimit: number;
  readonly outcome: string;
  /** The runner's figure (whole seconds). */
  readonly breachToRollbackSeconds: number | null;
  /** Breach → the first poll that saw it failing: metric-window lag plus waiting for the next poll. */
  readonly detectSeconds: number;
  /** First failing poll → the ROLLBACK verdict: (limit − 1) more polls. */
  readonly confirmSeconds: number;
  /** ROLLBACK verdict → Rollback state done: the re-association calls and their read-back. */
  readonly restoreSeconds: number;
}

export interface RollbackLatencyResult extends SectionResult {
  readonly defaults: RollbackTiming;
}

export async function benchRollbackLatency(print: Print): Promise<RollbackLatencyResult> {
  const scenario = loadScenario(path.join(SCENARIOS_DIR, 'abandonment-spike.json'));
  const spike = spikeOf(scenario);
  // The verification overrides travel in the execution input; the plan (and so the template) stays the same.
  const template = synthesizeForScenario(scenario);
  const measure = async (overrides: { pollIntervalSeconds: number; consecutiveFailureLimit: number } | null) => {
    const run = await rehearseScenario(overrides ? withVerification(scenario, overrides) : scenario, { template });
    return timingOf(run, spike.minute, overrides ?? DEFAULT_VERIFICATION);
  };

  const defaults = await measure(null);
  print(
    `  defaults (${DEFAULT_VERIFICATION.pollIntervalSeconds} s × ${DEFAULT_VERIFICATION.consecutiveFailureLimit}): ` +
      `${defaults.outcome}, breach → rollback ${defaults.breachToRollbackSeconds} s`,
  );

  const grid: RollbackTiming[] = [];
  for (const pollIntervalSeconds of POLL_INTERVALS_SECONDS) {
    for (const consecutiveFailureLimit of FAILURE_LIMITS) {
      checkWithinBounds(pollIntervalSeconds, consecutiveFailureLimit);
      const isDefault =
        pollIntervalSeconds === DEFAULT_VERIFICATION.pollIntervalSeconds &&
        consecutiveFailureLimit === DEFAULT_VERIFICATION.consecutiveFailureLimit;
      const timing = isDefault ? defaults : await measure({ pollIntervalSeconds, consecutiveFailureLimit });
      grid.push(timing);
      print(`  ${pollIntervalSeconds} s × ${consecutiveFailureLimit}: ${timing.outcome}, ${timing.breachToRollbackSeconds ?? '-'} s`);
    }
  }

  const total = defaults.breachToRollbackSeconds;
  // Under the metric lags, abandonment's target is issue 10's "historical lag + 60 s", not the real-time 45 s.
  const target = boundFor('abandonment', { timing: scenario.timing, ...DEFAULT_VERIFICATION });
  const figures: Figure[] = [
    {
      name: `Breach → rollback complete, abandonment spike, defaults (${DEFAULT_VERIFICATION.pollIntervalSeconds} s poll × ${DEFAULT_VERIFICATION.consecutiveFailureLimit} failures)`,
      value: total === null ? `no rollback (${defaults.outcome})` : `${total} s simulated`,
      target: target.target,
      met: total !== null && total <= target.seconds,
    },
  ];
  const recordSeconds = ABANDON_AFTER_SECONDS + scenario.timing.historicalLagSeconds;
  return {
    title: '1. Breach → rollback complete',
    figures,
    markdown: render(defaults, grid, spike, recordSeconds, target.seconds),
    defaults,
  };
}

/**
 * Worst case of one run: the abandoned contact's own life and record lag (`recordSeconds`: the caller hangs up,
 * then GetMetricDataV2 shows the record), the window's mix, the polls, the rollback's API calls.
 */
export function worstCaseSeconds(
  t: Pick<RollbackTiming, 'pollIntervalSeconds' | 'consecutiveFailureLimit' | 'restoreSeconds'>,
  recordSeconds: number,
  windowLagSeconds: number,
): number {
  return recordSeconds + windowLagSeconds + t.pollIntervalSeconds * t.consecutiveFailureLimit + t.restoreSeconds;
}

function render(
  defaults: RollbackTiming,
  grid: readonly RollbackTiming[],
  spike: Spike,
  recordSeconds: number,
  targetSeconds: number,
): string {
  const cell = (t: RollbackTiming) => (t.breachToRollbackSeconds === null ? `- (${t.outcome})` : `${t.breachToRollbackSeconds} s`);
  const worstCase = (t: RollbackTiming) => worstCaseSeconds(t, recordSeconds, spike.lagSeconds);
  const matrix = table(
    ['poll interval', ...FAILURE_LIMITS.map((l) => `limit ${l}`)],
    POLL_INTERVALS_SECONDS.map((p) => [
      `${p} s`,
      ...FAILURE_LIMITS.map((l) => cell(grid.find((t) => t.pollIntervalSeconds === p && t.consecutiveFailureLimit === l)!)),
    ]),
  );
  const breakdown = table(
    [
      'poll × limit',
      'detect (record lag + window + wait for a poll)',
      'confirm ((limit − 1) polls)',
      'restore (API calls)',
      'breach → rollback',
      'worst case (hang-up + record lag + window + poll × limit + restore)',
    ],
    grid.map((t) => [
      `${t.pollIntervalSeconds} s × ${t.consecutiveFailureLimit}`,
      secs(t.detectSeconds),
      secs(t.confirmSeconds),
      secs(t.restoreSeconds),
      cell(t),
      secs(worstCase(t)),
    ]),
  );
  const total = defaults.breachToRollbackSeconds ?? NaN;
  const { min, max } = DEFAULT_VERIFICATION_BOUNDS.pollIntervalSeconds;
  const window = DEFAULT_VERIFICATION.metricWindowSeconds;
  return [
    `Scenario \`scenarios/abandonment-spike.json\`: abandonment goes from ${pct(spike.before)} to ${pct(spike.after)} at ` +
      `minute ${spike.minute} after cutover (threshold ${pct(DEFAULT_VERIFICATION.maxAbandonmentRate)}). Every run uses ` +
      'the same synthesized template; the settings are execution-input `verification` overrides (poll interval: whole ' +
      `seconds, ${min}–${max} s). "Breach" is the moment the timeline crosses the threshold; "rollback complete" is ` +
      'the Rollback state done (every number back on its snapshot flow and read back). Simulated seconds.',
    '',
    matrix,
    '',
    'Where the time goes (simulated seconds):',
    '',
    breakdown,
    '',
    '**The bound.** After a breach the loop needs `limit` failing polls in a row, one poll interval apart, so the ' +
      'ROLLBACK verdict comes at most `poll interval × limit` after the metric first reads as failing; the rollback ' +
      'then adds its API calls (re-associate every number at 2 requests/s with a burst of 5, then one ' +
      'BatchGetFlowAssociation per 100 numbers: well under a second here, for 3 numbers). Worst case: ' +
      '`metric lag + poll interval × limit + API calls`. The metric lag has two parts. First the record: ' +
      `GetMetricDataV2 counts a contact only once it has ended, so an abandoned call shows once the caller hangs up ` +
      `(simulated ${ABANDON_AFTER_SECONDS} s) and its record lands (${recordSeconds - ABANDON_AFTER_SECONDS} s): ` +
      `${recordSeconds} s. Then the window: the verdict judges a trailing ${window}-s window, so the window's abandonment rate crosses ` +
      `${pct(DEFAULT_VERIFICATION.maxAbandonmentRate)} only once enough of it is post-spike: ` +
      `${secs(spike.lagSeconds)} for this spike (from the simulator's contact-weighted metric model; a smaller ` +
      `spike takes longer, up to the whole ${window} s window). The "detect" column is that lag plus the wait for ` +
      'the next poll (0 to one interval, depending on where the breach falls between polls), which is why a cell can ' +
      `land below its worst case. With the defaults: ${secs(defaults.detectSeconds)} detect + ` +
      `${secs(defaults.confirmSeconds)} confirm + ${secs(defaults.restoreSeconds)} restore = ${total} s, ` +
      `${total <= targetSeconds ? 'within' : 'over'} the ${targetSeconds} s target (historical lag + 60 s); the worst case is ` +
      `${secs(worstCase(defaults))}. Section 1b has every signal kind. The restore term grows with the ` +
      'wave: see section 2.',
    '',
    '**Against an alarm-based rollback.** A CloudWatch alarm on 1-minute data that needs 2 breaching datapoints ' +
      `cannot fire before two whole minutes have breached (${ALARM_SECONDS.min} s), and each minute's datapoint ` +
      'is judged only after that minute closes and is published, which adds up to about another minute: ' +
      `${ALARM_SECONDS.min}–${ALARM_SECONDS.max} s before the rollback even starts, on top of the data's own lag, ` +
      `plus the same API calls. The polling loop adds ${DEFAULT_VERIFICATION.pollIntervalSeconds * DEFAULT_VERIFICATION.consecutiveFailureLimit} s ` +
      '(poll interval × limit) to that lag instead, at the price of Step Functions transitions (section 3).',
  ].join('\n');
}

/** The scenario's abandonment spike: when, from what to what, and how long the trailing window takes to show it. */
interface Spike {
  readonly minute: number;
  readonly before: number;
  readonly after: number;
  readonly lagSeconds: number;
}

function spikeOf(scenario: Scenario): Spike {
  const rows = [...scenario.timeline].sort((a, b) => a.atMinute - b.atMinute);
  const threshold = DEFAULT_VERIFICATION.maxAbandonmentRate;
  const index = rows.findIndex((r) => r.atMinute >= 0 && r.abandonmentRate !== undefined && r.abandonmentRate > threshold);
  if (index < 0) throw new Error(`scenario ${scenario.name}: no timeline row breaches maxAbandonmentRate`);
  const before = [...rows.slice(0, index)].reverse().find((r) => r.abandonmentRate !== undefined)?.abandonmentRate ?? 0;
  const after = rows[index].abandonmentRate!;
  return {
    minute: rows[index].atMinute,
    before,
    after,
    lagSeconds: windowLagSeconds(before, after, threshold, DEFAULT_VERIFICATION.metricWindowSeconds),
  };
}

/**
 * Seconds after a step from rate `before` to rate `after` until a trailing window's rate exceeds `threshold`, at
 * constant volume: the simulator mixes a window contact-weighted (lib/rehearsal/simulator/metrics.ts), with
 * abandoned = handled × r / (1 − r), so the window is a linear mix of the two slices in abandoned-per-handled.
 */
function windowLagSeconds(before: number, after: number, threshold: number, windowSeconds: number): number {
  const excess = (r: number) => r / (1 - r) - threshold * (1 + r / (1 - r));
  return (windowSeconds * -excess(before)) / (excess(after) - excess(before));
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function withVerification(scenario: Scenario, verification: Record<string, number>): Scenario {
  const input = (scenario.input ?? {}) as Record<string, unknown>;
  return { ...scenario, input: { ...input, verification: { ...(input.verification as object | undefined), ...verification } } };
}

function checkWithinBounds(pollIntervalSeconds: number, consecutiveFailureLimit: number): void {
  for (const [key, value] of [
    ['pollIntervalSeconds', pollIntervalSeconds],
    ['consecutiveFailureLimit', consecutiveFailureLimit],
  ] as const) {
    const { min, max } = DEFAULT_VERIFICATION_BOUNDS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${key} must be a whole number between ${min} and ${max}, got: ${value}`);
    }
  }
}

function timingOf(
  run: RehearsalRun,
  breachMinute: number,
  settings: { pollIntervalSeconds: number; consecutiveFailureLimit: number },
): RollbackTiming {
  const base = {
    pollIntervalSeconds: settings.pollIntervalSeconds,
    consecutiveFailureLimit: settings.consecutiveFailureLimit,
    outcome: run.outcome,
    breachToRollbackSeconds: run.breachToRollbackSeconds,
  };
  const cutover = run.steps.find((s) => s.name === 'Cutover');
  const lastRollback = run.steps.map((s) => s.name).lastIndexOf('Rollback');
  // The state after Rollback is entered the moment Rollback is left.
  const rollbackDone = lastRollback >= 0 ? run.steps[lastRollback + 1]?.at : undefined;
  if (!cutover || !rollbackDone) return { ...base, detectSeconds: NaN, confirmSeconds: NaN, restoreSeconds: NaN };
  const breachMs = Date.parse(cutover.at) + breachMinute * 60_000;
  const after = run.verdicts.filter((v) => Date.parse(v.at) >= breachMs);
  // A CONTINUE verdict with a failing check reads "<elapsed>: failing: <check> (1 of <limit>)" (lambda/core/verdict.ts).
  const firstFailing = after.find((v) => v.decision === 'ROLLBACK' || v.reason.includes('failing: '));
  const rollbackVerdict = after.find((v) => v.decision === 'ROLLBACK');
  if (!firstFailing || !rollbackVerdict) return { ...base, detectSeconds: NaN, confirmSeconds: NaN, restoreSeconds: NaN };
  return {
    ...base,
    detectSeconds: (Date.parse(firstFailing.at) - breachMs) / 1000,
    confirmSeconds: (Date.parse(rollbackVerdict.at) - Date.parse(firstFailing.at)) / 1000,
    restoreSeconds: (Date.parse(rollbackDone) - Date.parse(rollbackVerdict.at)) / 1000,
  };
}
