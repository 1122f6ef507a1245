/**
 * The Verify loop's semantics, after Argo Rollouts' analysis runs, Flagger's canary checks and Kayenta's
 * judges: each poll judges every check PASS / FAIL / NO_DATA; nothing is judged during warm-up; a check must
 * FAIL on `consecutiveFailureLimit` polls in a row to roll back (PASS resets the streak; NO_DATA neither resets
 * nor counts — an error is not a failure, and it is not a pass either); at the end of the window the run is
 * LIVE only on evidence (enough contacts, every check seen passing, nothing failing), else INCONCLUSIVE and a
 * human decides.
 */
import { percent, round1 } from './text';
import {
  CheckResult,
  CheckStatus,
  LineBaseline,
  MetricSample,
  PlanEntry,
  PollDecision,
  ServiceLineRefs,
  ServiceLineState,
  VerificationSettings,
  VerifyState,
} from './types';

/**
 * Rate-type checks (abandonment rate, AHT) need this many contacts in the trailing metric window to be judged;
 * below it they are NO_DATA. One abandoned call out of two is a 50% rate and means nothing; five contacts is
 * the smallest sample where one outlier moves the rate by no more than 20 points, and low enough that a line
 * taking five calls a minute gets judged every poll.
 */
export const MIN_CONTACTS_FOR_RATE = 5;

export const VERIFY_CHECK_NAMES = [
  'abandonmentRate',
  'avgHandleTime',
  'contactsInQueue',
  'oldestContactAge',
  'agentsAvailable',
  'contactFlowErrors',
  'misconfiguredCalls',
  'callsRejected',
  'concurrentCallsPercentage',
] as const;

export type VerifyCheckName = (typeof VERIFY_CHECK_NAMES)[number];

interface CheckSpec {
  readonly name: VerifyCheckName;
  readonly value: (sample: MetricSample) => number | null;
  /** Subject to MIN_CONTACTS_FOR_RATE. */
  readonly rate: boolean;
  readonly passes: (value: number, s: VerificationSettings, sample: MetricSample) => boolean;
  readonly threshold: (s: VerificationSettings, sample: MetricSample) => string;
  readonly show: (value: number) => string;
  /**
   * For a delayed source: whether the value may still grow (its newest data is not final). A passing value that
   * may still grow is NO_DATA, never PASS; a failing one is a FAIL (what was published is real).
   */
  readonly pending?: (sample: MetricSample) => boolean;
}

/** CloudWatch minutes are final once the lag Verify covers has passed; a sample without the flag is final. */
const cloudWatchPending = (m: MetricSample): boolean => m.contactFlowErrorsFinal === false;

const seconds = (value: number): string => `${round1(value)} s`;

const CHECKS: readonly CheckSpec[] = [
  {
    name: 'abandonmentRate',
    value: (m) => m.abandonmentRate,
    rate: true,
    passes: (v, s) => v <= s.maxAbandonmentRate,
    threshold: (s) => `≤ ${percent(s.maxAbandonmentRate)}`,
    show: percent,
  },
  {
    name: 'avgHandleTime',
    value: (m) => m.avgHandleTimeSeconds,
    rate: true,
    passes: (v, s) => v >= s.minAvgHandleTimeSeconds && v <= s.maxAvgHandleTimeSeconds,
    threshold: (s) => `${s.minAvgHandleTimeSeconds}–${s.maxAvgHandleTimeSeconds} s`,
    show: seconds,
  },
  {
    name: 'contactsInQueue',
    value: (m) => m.contactsInQueue,
    rate: false,
    passes: (v, s) => v <= s.maxContactsInQueue,
    threshold: (s) => `≤ ${s.maxContactsInQueue}`,
    show: String,
  },
  {
    name: 'oldestContactAge',
    value: (m) => m.oldestContactAgeSeconds,
    rate: false,
    passes: (v, s) => v <= s.maxOldestContactAgeSeconds,
    threshold: (s) => `≤ ${s.maxOldestContactAgeSeconds} s`,
    show: seconds,
  },
  {
    name: 'agentsAvailable',
    value: (m) => m.agentsAvailable,
    rate: false,
    passes: (v, s) => v >= s.minAgentsAvailable,
    threshold: (s) => `≥ ${s.minAgentsAvailable}`,
    show: String,
  },
  {
    name: 'contactFlowErrors',
    value: (m) => m.contactFlowErrors,
    rate: false,
    passes: (v, s) => v <= s.maxContactFlowErrors,
    threshold: (s) => `≤ ${s.maxContactFlowErrors}`,
    show: String,
    pending: cloudWatchPending,
  },
  {
    // MisconfiguredPhoneNumbers covers the whole instance: a call to any number outside the plan counts. Judged
    // against the instance's own worst minute before the cutover, so only a rise the cutover caused fails.
    name: 'misconfiguredCalls',
    value: (m) => m.misconfiguredCalls ?? null,
    rate: false,
    passes: (v, _s, m) => v <= (m.misconfiguredCallsBefore ?? 0),
    threshold: (_s, m) => `≤ ${m.misconfiguredCallsBefore ?? 0}/min (worst minute before cutover)`,
    show: (v) => `${v}/min`,
    pending: cloudWatchPending,
  },
  {
    // Capacity: callers turned away (fast busy) for the concurrent-calls quota or the call rate. Instance-wide, so
    // judged against the instance's worst minute before the cutover, like MisconfiguredPhoneNumbers.
    name: 'callsRejected',
    value: (m) => m.callsRejected ?? null,
    rate: false,
    passes: (v, _s, m) => v <= (m.callsRejectedBefore ?? 0),
    threshold: (_s, m) => `≤ ${m.callsRejectedBefore ?? 0}/min (worst minute before cutover)`,
    show: (v) => `${v}/min`,
    pending: cloudWatchPending,
  },
  {
    name: 'concurrentCallsPercentage',
    value: (m) => m.concurrentCallsPercentage ?? null,
    rate: false,
    passes: (v, s) => v <= s.maxConcurrentCallsPercentage,
    threshold: (s) => `≤ ${s.maxConcurrentCallsPercentage}% of the quota`,
    show: (v) => `${round1(v)}%`,
    pending: cloudWatchPending,
  },
];

const TERMINAL: ReadonlySet<PollDecision> = new Set<PollDecision>(['ROLLBACK', 'LIVE', 'INCONCLUSIVE']);

/** Whether the loop is over (the state machine leaves Verify on these). */
export function isTerminalDecision(decision: PollDecision): boolean {
  return TERMINAL.has(decision);
}

/** The state before the first poll: no streaks, nothing passed yet. */
export function initialVerifyState(): VerifyState {
  return {
    polls: 0,
    decision: 'WARMING_UP',
    reason: 'no poll yet',
    checks: [],
    sample: null,
    failureStreaks: Object.fromEntries(VERIFY_CHECK_NAMES.map((name) => [name, 0])),
    everPassed: Object.fromEntries(VERIFY_CHECK_NAMES.map((name) => [name, false])),
    breachAtSeconds: null,
    failureStreakSince: {},
  };
}

/**
 * Judges one poll and returns the next state (the previous one is not modified). The returned state carries
 * the sample and every check's value, threshold and streak, so the execution history explains each decision.
 *
 * - `elapsedSeconds < warmupSeconds` → WARMING_UP: checks are shown but not judged; streaks untouched.
 * - a check whose streak reaches `consecutiveFailureLimit` → ROLLBACK, `breachAtSeconds` = the first FAIL of
 *   the earliest such streak. ROLLBACK wins over the end of the window.
 * - `elapsedSeconds ≥ observationWindowSeconds` → LIVE when contacts since cutover ≥ `minContactsForVerdict`,
 *   every check passed at least once after warm-up and none is in a FAIL streak; otherwise INCONCLUSIVE.
 * - otherwise CONTINUE.
 *
 * A verdict is final: given a previous state that is already ROLLBACK, LIVE or INCONCLUSIVE, it is returned
 * unchanged (a later good sample never un-makes a rollback).
 *
 * @param previous the last state, or null before the first poll
 * @throws RangeError when `sample.elapsedSeconds` is not a finite number (a handler bug, not a metric problem)
 */
export function evaluatePoll(previous: VerifyState | null, sample: MetricSample, settings: VerificationSettings): VerifyState {
  const prev = previous ?? initialVerifyState();
  if (isTerminalDecision(prev.decision)) return prev;
  if (typeof sample.elapsedSeconds !== 'number' || !Number.isFinite(sample.elapsedSeconds)) {
    throw new RangeError(`sample.elapsedSeconds must be a finite number, got ${String(sample.elapsedSeconds)}`);
  }
  const elapsed = sample.elapsedSeconds;
  const polls = prev.polls + 1;
  const judged = CHECKS.map((spec) => judge(spec, sample, settings));
  const prevSince = prev.failureStreakSince ?? {};

  if (elapsed < settings.warmupSeconds) {
    return {
      polls,
      decision: 'WARMING_UP',
      reason: `warming up: ${round1(elapsed)} s of ${settings.warmupSeconds} s; nothing is judged yet`,
      checks: judged.map((c) => ({
        ...c,
        consecutiveFailures: prev.failureStreaks[c.check] ?? 0,
        note: c.note ? `${c.note}; not judged during warm-up` : 'not judged during warm-up',
      })),
      sample,
      failureStreaks: prev.failureStreaks,
      everPassed: prev.everPassed,
      breachAtSeconds: null,
      failureStreakSince: prevSince,
    };
  }

  const failureStreaks: Record<string, number> = { ...prev.failureStreaks };
  const everPassed: Record<string, boolean> = { ...prev.everPassed };
  const since: Record<string, number> = { ...prevSince };
  const checks: CheckResult[] = judged.map((c) => {
    const streak = prev.failureStreaks[c.check] ?? 0;
    if (c.status === 'FAIL') {
      failureStreaks[c.check] = streak + 1;
      if (streak === 0 || since[c.check] === undefined) since[c.check] = elapsed;
    } else if (c.status === 'PASS') {
      failureStreaks[c.check] = 0;
      everPassed[c.check] = true;
      delete since[c.check];
    }
    return { ...c, consecutiveFailures: failureStreaks[c.check] ?? 0 };
  });

  const base = { polls, checks, sample, failureStreaks, everPassed, failureStreakSince: since };
  const limit = settings.consecutiveFailureLimit;

  const breaching = checks.filter((c) => c.consecutiveFailures >= limit);
  if (breaching.length > 0) {
    const breachAtSeconds = Math.min(...breaching.map((c) => since[c.check] ?? elapsed));
    const reason = breaching
      .map(
        (c) =>
          `${c.check} ${showValue(c)} breached ${c.threshold} on ${c.consecutiveFailures} consecutive polls ` +
          `(first at ${round1(since[c.check] ?? elapsed)} s)`,
      )
      .join('; ');
    return { ...base, decision: 'ROLLBACK', reason, breachAtSeconds };
  }

  const failing = checks.filter((c) => c.consecutiveFailures > 0);
  const noData = checks.filter((c) => c.status === 'NO_DATA');

  // LIVE only once every minute of the window has been judged on final data: a delayed source may still hold a
  // breach that happened near the end of the window.
  const finalThrough = sample.finalThroughSeconds;
  const windowFinal = finalThrough === undefined || (finalThrough !== null && finalThrough >= settings.observationWindowSeconds);
  if (elapsed >= settings.observationWindowSeconds && !windowFinal) {
    return {
      ...base,
      decision: 'CONTINUE',
      reason:
        `observation window complete (${round1(elapsed)} s of ${settings.observationWindowSeconds} s); waiting for ` +
        `delayed metrics to be final (final through ${finalThrough === null ? 'unknown' : `${round1(finalThrough)} s`})`,
      breachAtSeconds: null,
    };
  }

  // A check in a FAIL streak when the window ends gets the polls its streak needs to reach the limit (or to
  // recover), so a breach seen last does not end as a human's call; bounded, so a source that goes quiet mid-
  // streak cannot hold the loop open.
  const graceSeconds =
    (settings.maxCloudWatchLagSeconds ?? 0) + (settings.maxHistoricalLagSeconds ?? 0) + 60 + limit * settings.pollIntervalSeconds;
  if (elapsed >= settings.observationWindowSeconds && failing.length > 0 && elapsed < settings.observationWindowSeconds + graceSeconds) {
    return {
      ...base,
      decision: 'CONTINUE',
      reason:
        `observation window complete (${round1(elapsed)} s of ${settings.observationWindowSeconds} s); watching ` +
        `the failing checks to their limit: ${failing.map((c) => `${c.check} ${showValue(c)} (${c.consecutiveFailures} of ${limit})`).join(', ')}`,
      breachAtSeconds: null,
    };
  }

  if (elapsed >= settings.observationWindowSeconds) {
    const why: string[] = [];
    const volume = sample.contactsSinceCutover;
    if (volume === null || !Number.isFinite(volume)) {
      why.push('contact volume since cutover unknown');
    } else if (volume < settings.minContactsForVerdict) {
      why.push(`low volume: ${volume} contacts since cutover, needs ${settings.minContactsForVerdict}`);
    }
    const neverPassed = VERIFY_CHECK_NAMES.filter((name) => !everPassed[name]);
    if (neverPassed.length > 0) why.push(`never observed passing: ${neverPassed.join(', ')}`);
    if (failing.length > 0) {
      why.push(`failing at the end: ${failing.map((c) => `${c.check} ${showValue(c)} (${c.threshold})`).join(', ')}`);
    }
    const window = `observation window complete (${round1(elapsed)} s of ${settings.observationWindowSeconds} s)`;
    return why.length === 0
      ? {
          ...base,
          decision: 'LIVE',
          reason: `${window}: ${volume} contacts since cutover, every check passed, none failing`,
          breachAtSeconds: null,
        }
      : { ...base, decision: 'INCONCLUSIVE', reason: `${window} but ${why.join('; ')}`, breachAtSeconds: null };
  }

  const notes: string[] = [];
  notes.push(
    failing.length > 0
      ? `failing: ${failing.map((c) => `${c.check} ${showValue(c)} (${c.consecutiveFailures} of ${limit})`).join(', ')}`
      : 'no check failing',
  );
  if (noData.length > 0) notes.push(`no data: ${noData.map((c) => c.check).join(', ')}`);
  if (sample.errors.length > 0) notes.push(`API errors (not failures): ${sample.errors.join(', ')}`);
  return {
    ...base,
    decision: 'CONTINUE',
    reason: `${round1(elapsed)} s of ${settings.observationWindowSeconds} s: ${notes.join('; ')}`,
    breachAtSeconds: null,
  };
}

type Judged = Omit<CheckResult, 'consecutiveFailures'>;

function judge(spec: CheckSpec, sample: MetricSample, settings: VerificationSettings): Judged {
  const threshold = spec.threshold(settings, sample);
  const raw = spec.value(sample);
  const base = { check: spec.name, threshold };
  if (raw === null || raw === undefined) {
    return { ...base, status: 'NO_DATA', value: null };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
    return { ...base, status: 'NO_DATA', value: null, note: `unusable value ${String(raw)}` };
  }
  if (spec.rate) {
    const volume = sample.contactsInWindow;
    if (volume === null || volume === undefined || !Number.isFinite(volume)) {
      return { ...base, status: 'NO_DATA', value: raw, note: 'contacts in window unknown: a rate cannot be judged' };
    }
    if (volume < MIN_CONTACTS_FOR_RATE) {
      return {
        ...base,
        status: 'NO_DATA',
        value: raw,
        note: `${volume} contacts in window, fewer than ${MIN_CONTACTS_FOR_RATE}: too few to judge a rate`,
      };
    }
  }
  const status: CheckStatus = spec.passes(raw, settings, sample) ? 'PASS' : 'FAIL';
  if (status === 'PASS' && spec.pending?.(sample)) {
    return { ...base, status: 'NO_DATA', value: raw, note: 'no final minute yet: an absent datapoint may still arrive' };
  }
  return { ...base, status, value: raw };
}

function showValue(check: CheckResult): string {
  const spec = CHECKS.find((s) => s.name === check.check);
  if (check.value === null) return 'no data';
  return spec ? spec.show(check.value) : String(check.value);
}

/** The line plan entries without a `serviceLine` belong to. */
export const DEFAULT_SERVICE_LINE = 'all';

/** What Verify watches for one service line: its queues and the flows its numbers moved to (references). */
export type ServiceLine = ServiceLineRefs;

/**
 * Groups plan entries by `serviceLine` (entries without one form the line {@link DEFAULT_SERVICE_LINE}), in plan
 * order. A line's queues are the union of its entries' `queues`, or `watchedQueues` when none names any.
 */
export function serviceLinesOf(plan: readonly PlanEntry[], watchedQueues: readonly string[]): ServiceLine[] {
  const lines = new Map<string, { queues: string[]; targetFlows: string[] }>();
  for (const entry of plan) {
    const name = entry.serviceLine ?? DEFAULT_SERVICE_LINE;
    const line = lines.get(name) ?? { queues: [], targetFlows: [] };
    lines.set(name, line);
    for (const q of entry.queues ?? []) if (!line.queues.includes(q)) line.queues.push(q);
    if (!line.targetFlows.includes(entry.targetFlow)) line.targetFlows.push(entry.targetFlow);
  }
  return [...lines].map(([serviceLine, l]) => ({
    serviceLine,
    queues: l.queues.length > 0 ? l.queues : [...watchedQueues],
    targetFlows: l.targetFlows,
  }));
}

/**
 * The run's verdict from its lines' verdicts: ROLLBACK when any line rolls back (naming it), LIVE when every line
 * is LIVE, INCONCLUSIVE when every line is done and one is not LIVE, WARMING_UP while every line warms up, else
 * CONTINUE. A line that is LIVE stays LIVE while the others are still watched.
 */
export function combineLines(lines: readonly ServiceLineState[], polls: number): VerifyState {
  const named = (l: ServiceLineState) => (lines.length === 1 ? l.reason : `${l.serviceLine}: ${l.reason}`);
  const failing = lines.filter((l) => l.decision === 'ROLLBACK');
  const inconclusive = lines.filter((l) => l.decision === 'INCONCLUSIVE');
  const done = lines.every((l) => isTerminalDecision(l.decision));
  let decision: PollDecision;
  let lead: ServiceLineState;
  let reason: string;
  if (failing.length > 0) {
    decision = 'ROLLBACK';
    lead = failing[0];
    reason = failing.map((l) => (lines.length === 1 ? l.reason : `service line ${l.serviceLine}: ${l.reason}`)).join('; ');
  } else if (done) {
    decision = inconclusive.length > 0 ? 'INCONCLUSIVE' : 'LIVE';
    lead = inconclusive[0] ?? lines[0];
    reason = (inconclusive.length > 0 ? inconclusive : lines).map(named).join('; ');
  } else {
    decision = lines.every((l) => l.decision === 'WARMING_UP') ? 'WARMING_UP' : 'CONTINUE';
    lead = lines.find((l) => Object.values(l.failureStreaks).some((n) => n > 0)) ?? lines[0];
    reason = lines.map(named).join('; ');
  }
  const { serviceLine: _line, ...leadState } = lead;
  const breaches = failing.map((l) => l.breachAtSeconds).filter((b): b is number => b !== null);
  return {
    ...leadState,
    polls,
    decision,
    reason,
    breachAtSeconds: breaches.length > 0 ? Math.min(...breaches) : null,
    lines,
    failingLines: failing.map((l) => l.serviceLine),
  };
}

/** A line's previous state: from `previous.lines`, or the whole previous state when it predates lines. */
export function previousLineState(previous: VerifyState | null, serviceLine: string, lineCount: number): VerifyState | null {
  if (!previous) return null;
  if (previous.lines) return previous.lines.find((l) => l.serviceLine === serviceLine) ?? null;
  return lineCount === 1 ? previous : null;
}

/** Abandonment may exceed the line's baseline by this much (5 percentage points). */
export const BASELINE_ABANDONMENT_POINTS = 0.05;
/** Handle time may move this far from the line's baseline, either way (±50 %). */
export const BASELINE_AHT_TOLERANCE = 0.5;

/**
 * A line's settings with its baseline applied: abandonment ≤ baseline + 5 points, AHT within ±50 % of baseline.
 * With a stated baseline these replace the absolute thresholds: the change board's own normal for that line is
 * more specific than a generic default. Why these forms: abandonment is already a rate, so a few points above
 * normal is how a contact-centre lead reads it (8 % normal → 13 % means callers are giving up); handle time
 * varies by line (a 3-minute help desk, a 12-minute claims line), so a proportional band fits every line, and
 * ±50 % tolerates a slower first day while catching dropped calls (far shorter) and stuck agents (far longer).
 */
export function settingsForLine(settings: VerificationSettings, baseline: LineBaseline | undefined): VerificationSettings {
  if (!baseline) return settings;
  return {
    ...settings,
    maxAbandonmentRate: Math.min(1, baseline.abandonmentRate + BASELINE_ABANDONMENT_POINTS),
    minAvgHandleTimeSeconds: Math.floor(baseline.avgHandleTimeSeconds * (1 - BASELINE_AHT_TOLERANCE)),
    maxAvgHandleTimeSeconds: Math.ceil(baseline.avgHandleTimeSeconds * (1 + BASELINE_AHT_TOLERANCE)),
  };
}
