/**
 * Section 1b: breach → rollback complete per signal kind (issue 10, "Done when"), each kind rehearsed once on
 * its shipped scenario under the DEFAULT metric lags (scenario `timing` = DEFAULT_TIMING) and the default
 * verification settings, against the target for that kind.
 *
 * The lags are the rehearsal's defaults and their sources are cited where they are defined
 * (lib/rehearsal/scenario.ts, DEFAULT_TIMING): CloudWatch AWS/Connect one datapoint per minute
 * (https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html), GetMetricDataV2 counts a
 * contact once it has ended (https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-metrics.html),
 * GetCurrentMetricData refreshes about every 15 s
 * (https://docs.aws.amazon.com/connect/latest/adminguide/real-time-metrics-reports.html).
 */
import * as path from 'path';
import { DEFAULT_VERIFICATION } from '../lambda/core/defaults';
import { rehearseScenario, SCENARIOS_DIR } from '../lib/rehearsal/runner';
import { DEFAULT_TIMING, loadScenario, Scenario, ScenarioTiming } from '../lib/rehearsal/scenario';
import { ABANDON_AFTER_SECONDS } from '../lib/rehearsal/simulator/metrics';
import { Figure, Print, SectionResult, table } from './format';

export type SignalKind = 'realTime' | 'cloudWatch' | 'abandonment' | 'handleTime';

export interface SignalCase {
  readonly kind: SignalKind;
  /** As in the README's "What each signal detects" table. */
  readonly signal: string;
  readonly scenarioFile: string;
  /** The verdict's check names for this signal (lambda/core/verdict.ts), to find its first failing poll. */
  readonly checks: readonly string[];
}

export const SIGNAL_CASES: readonly SignalCase[] = [
  {
    kind: 'realTime',
    signal: 'contacts in queue, oldest contact age (real-time)',
    scenarioFile: 'queue-backs-up.json',
    checks: ['contactsInQueue', 'oldestContactAge'],
  },
  {
    kind: 'cloudWatch',
    signal: 'contact-flow errors (CloudWatch)',
    scenarioFile: 'contact-flow-errors.json',
    checks: ['contactFlowErrors'],
  },
  {
    kind: 'abandonment',
    signal: 'abandonment rate (GetMetricDataV2)',
    scenarioFile: 'abandonment-spike.json',
    checks: ['abandonmentRate'],
  },
  {
    kind: 'handleTime',
    signal: 'average handle time (GetMetricDataV2)',
    scenarioFile: 'two-lines-sales-aht.json',
    checks: ['avgHandleTime'],
  },
];

/** Issue 10's fixed target for real-time signals (queue depth, oldest contact, agents). */
export const REAL_TIME_TARGET_SECONDS = 45;

export interface LatencySettings {
  readonly timing: ScenarioTiming;
  readonly pollIntervalSeconds: number;
  readonly consecutiveFailureLimit: number;
}

export interface Bound {
  readonly seconds: number;
  /** The target as a formula with the default figures filled in. */
  readonly target: string;
  /** One sentence: why the signal cannot be faster than this (README wording). */
  readonly explanation: string;
}

/**
 * The target per kind. Real-time, CloudWatch and abandonment are the targets; handle time has none, so
 * its row is the physical bound: a long call counts only once it ends and its record is visible, and the verdict
 * then needs its polls. `breachHandleTimeSeconds` is the breaching AHT (only for handle time).
 */
export function boundFor(kind: SignalKind, s: LatencySettings, breachHandleTimeSeconds?: number): Bound {
  const polls = s.pollIntervalSeconds * s.consecutiveFailureLimit;
  const pollsText = `${s.consecutiveFailureLimit} polls × ${s.pollIntervalSeconds} s`;
  switch (kind) {
    case 'realTime':
      return {
        seconds: REAL_TIME_TARGET_SECONDS,
        target: `≤ ${REAL_TIME_TARGET_SECONDS} s`,
        explanation:
          `GetCurrentMetricData is a snapshot every ${s.timing.realTimeRefreshSeconds} s, so calls not ` +
          `reaching agents show within one refresh and are confirmed by ${pollsText}: refresh + two polls ≈ ` +
          `${s.timing.realTimeRefreshSeconds + polls} s.`,
      };
    case 'cloudWatch':
      return {
        seconds: s.timing.cloudWatchLagSeconds + 90,
        target: `≤ CloudWatch lag + 90 s = ${s.timing.cloudWatchLagSeconds + 90} s`,
        explanation:
          'CloudWatch AWS/Connect publishes one datapoint per minute, so a broken flow shows once the ' +
          `minute ends (≤ 60 s) and its datapoint is published (${s.timing.cloudWatchLagSeconds} s), then ` +
          `${pollsText}: ≈ ${60 + s.timing.cloudWatchLagSeconds + polls} s.`,
      };
    case 'abandonment':
      return {
        seconds: s.timing.historicalLagSeconds + 60,
        target: `≤ historical lag + 60 s = ${s.timing.historicalLagSeconds + 60} s`,
        explanation:
          'GetMetricDataV2 counts a contact only once it has ended, so callers hanging up show once the ' +
          `caller hangs up (simulated ${ABANDON_AFTER_SECONDS} s) and the record lands ` +
          `(${s.timing.historicalLagSeconds} s), then ${pollsText}: ≈ ` +
          `${ABANDON_AFTER_SECONDS + s.timing.historicalLagSeconds + polls} s.`,
      };
    case 'handleTime': {
      if (breachHandleTimeSeconds === undefined) throw new Error('handle time: the breaching AHT is required');
      const seconds = breachHandleTimeSeconds + s.timing.historicalLagSeconds + polls;
      return {
        seconds,
        target:
          `physical bound: new AHT + historical lag + polls = ${breachHandleTimeSeconds} + ` +
          `${s.timing.historicalLagSeconds} + ${polls} = ${seconds} s`,
        explanation:
          `A long call counts only when it ends, so agents stuck on calls show no earlier than the new AHT ` +
          `(${breachHandleTimeSeconds} s) + the record lag (${s.timing.historicalLagSeconds} s) after the breach, ` +
          `then ${pollsText}.`,
      };
    }
  }
}

/** The first post-cutover handle time above the maximum in the scenario's timeline: what a breaching call lasts. */
export function breachHandleTimeOf(scenario: Scenario, maxAvgHandleTimeSeconds: number): number {
  const row = [...scenario.timeline]
    .sort((a, b) => a.atMinute - b.atMinute)
    .find((r) => r.atMinute >= 0 && r.avgHandleTimeSeconds !== undefined && r.avgHandleTimeSeconds > maxAvgHandleTimeSeconds);
  if (!row) throw new Error(`scenario ${scenario.name}: no timeline row breaches maxAvgHandleTimeSeconds`);
  return row.avgHandleTimeSeconds!;
}

/** The scenario under the default lags, whatever its own `timing` says. */
export function withDefaultTiming(scenario: Scenario): Scenario {
  return { ...scenario, timing: { ...DEFAULT_TIMING } };
}

export interface SignalRow {
  readonly case: SignalCase;
  readonly outcome: string;
  readonly breachToRollbackSeconds: number | null;
  /** Breach → the first poll that read this signal failing with a value (null if none). */
  readonly firstFailingSeconds: number | null;
  readonly bound: Bound;
}

/**
 * Seconds from the breach to the first verdict that reads one of `checks` failing with a value. A CONTINUE
 * verdict's failing checks read "failing: <check> <value> (1 of <limit>)", per line "<line>: … failing: …"
 * (lambda/core/verdict.ts); a check failing on "no data" is not the signal being seen.
 */
export function firstFailingSeconds(
  verdicts: ReadonlyArray<{ at: string; decision: string; reason: string }>,
  checks: readonly string[],
  breachMs: number,
): number | null {
  const seen = (reason: string) => checks.some((c) => new RegExp(`\\b${c} (?!no data)[^;(]*(\\(1 of|breached)`).test(reason));
  const v = verdicts.find(
    (x) => Date.parse(x.at) >= breachMs && (x.decision === 'ROLLBACK' || x.decision === 'CONTINUE') && seen(x.reason),
  );
  return v ? (Date.parse(v.at) - breachMs) / 1000 : null;
}

/** Met only when the run rolled back, within the bound. */
export function figureOf(row: SignalRow): Figure {
  const measured = row.breachToRollbackSeconds;
  return {
    name: `Breach → rollback complete, ${row.case.signal}, default lags (\`${row.case.scenarioFile}\`)`,
    value: measured === null ? `no rollback (${row.outcome})` : `${measured} s simulated`,
    target: row.bound.target,
    met: measured !== null && measured <= row.bound.seconds,
  };
}

export async function benchSignalLatency(print: Print): Promise<SectionResult & { rows: SignalRow[] }> {
  const rows: SignalRow[] = [];
  for (const c of SIGNAL_CASES) {
    const scenario = withDefaultTiming(loadScenario(path.join(SCENARIOS_DIR, c.scenarioFile)));
    const overrides = ((scenario.input ?? {}) as { verification?: Partial<typeof DEFAULT_VERIFICATION> }).verification ?? {};
    const verification = { ...DEFAULT_VERIFICATION, ...overrides };
    const settings: LatencySettings = {
      timing: scenario.timing,
      pollIntervalSeconds: verification.pollIntervalSeconds,
      consecutiveFailureLimit: verification.consecutiveFailureLimit,
    };
    const aht = c.kind === 'handleTime' ? breachHandleTimeOf(scenario, verification.maxAvgHandleTimeSeconds) : undefined;
    const run = await rehearseScenario(scenario);
    // The breach moment, back from the runner's own figure: rollback done (the state after the last Rollback is
    // entered as Rollback is left) minus breach → rollback.
    const lastRollback = run.steps.map((x) => x.name).lastIndexOf('Rollback');
    const rollbackDone = lastRollback >= 0 ? run.steps[lastRollback + 1]?.at : undefined;
    const breachMs =
      rollbackDone && run.breachToRollbackSeconds !== null ? Date.parse(rollbackDone) - run.breachToRollbackSeconds * 1000 : null;
    const row: SignalRow = {
      case: c,
      outcome: run.outcome,
      breachToRollbackSeconds: run.breachToRollbackSeconds,
      firstFailingSeconds: breachMs === null ? null : firstFailingSeconds(run.verdicts, c.checks, breachMs),
      bound: boundFor(c.kind, settings, aht),
    };
    rows.push(row);
    print(`  ${c.signal}: ${run.outcome}, breach → rollback ${run.breachToRollbackSeconds ?? '-'} s (${row.bound.target})`);
  }
  return { title: '1b. Breach → rollback per signal kind (default lags)', figures: rows.map(figureOf), markdown: render(rows), rows };
}

function render(rows: readonly SignalRow[]): string {
  const t = DEFAULT_TIMING;
  return [
    `Each signal kind rehearsed once on its shipped scenario under the default lags (CloudWatch ${t.cloudWatchLagSeconds} s, ` +
      `historical ${t.historicalLagSeconds} s, real-time refresh ${t.realTimeRefreshSeconds} s) and the default verification ` +
      `settings (${DEFAULT_VERIFICATION.pollIntervalSeconds} s poll × ${DEFAULT_VERIFICATION.consecutiveFailureLimit} failures). ` +
      '"Breach" is the first moment the timeline crosses a threshold after cutover; "rollback complete" is the Rollback ' +
      "state done. Simulated seconds, the runner's `breachToRollbackSeconds`.",
    '',
    table(
      ['signal', 'scenario', 'outcome', 'breach → first failing poll', 'breach → rollback', 'target', '', 'the bound'],
      rows.map((r) => {
        const f = figureOf(r);
        const first = r.firstFailingSeconds === null ? '-' : `${Math.round(r.firstFailingSeconds)} s`;
        return [
          r.case.signal,
          `\`${r.case.scenarioFile}\``,
          r.outcome,
          first,
          f.value,
          r.bound.target,
          f.met ? 'met' : 'NOT met',
          r.bound.explanation,
        ];
      }),
    ),
    '',
    ...rows.flatMap((r) => {
      const note = noteOf(r);
      return note ? [note, ''] : [];
    }),
  ]
    .join('\n')
    .trimEnd();
}

/** Why a row misses its target, from the run's own figures (null when met). */
export function noteOf(row: SignalRow): string | null {
  if (figureOf(row).met) return null;
  const measured = row.breachToRollbackSeconds;
  if (measured === null) return `**${row.case.signal}**: the run ended ${row.outcome} without a rollback.`;
  const over = measured - row.bound.seconds;
  const first =
    row.firstFailingSeconds === null
      ? ''
      : ` The first poll that read it failing came ${Math.round(row.firstFailingSeconds)} s after the breach.`;
  switch (row.case.kind) {
    case 'abandonment':
      return (
        `**${row.case.signal}**: ${over} s over the target, which leaves no room for the caller's own wait ` +
        `before hanging up (${ABANDON_AFTER_SECONDS} s simulated) or for the confirming polls: the data is not ` +
        `final for the verdict before then.${first}`
      );
    case 'handleTime': {
      // The bound minus its polls: the first moment a breaching call's record can be visible.
      const visible = row.bound.seconds - DEFAULT_VERIFICATION.pollIntervalSeconds * DEFAULT_VERIFICATION.consecutiveFailureLimit;
      const late =
        row.firstFailingSeconds === null
          ? ''
          : ` The first poll that read it failing came ` +
            `${Math.round(row.firstFailingSeconds)} s after the breach, ${Math.round(row.firstFailingSeconds - visible)} s after ` +
            `the first long call's record could be visible (${visible} s), where the bound allows one poll interval ` +
            `(${DEFAULT_VERIFICATION.pollIntervalSeconds} s).`;
      return `**${row.case.signal}**: ${over} s over the physical bound.${late}`;
    }
    default:
      return `**${row.case.signal}**: ${over} s over the target.${first}`;
  }
}
