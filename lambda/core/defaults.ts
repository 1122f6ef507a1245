/**
 * The verification defaults and the bounds an execution may override them within. The construct validates its
 * props with {@link validateVerificationSettings} at synth, ValidateInput validates the execution's overrides
 * with the same function: one rule set, so a value the construct accepts is never rejected at run time.
 *
 * Two budgets fix the timing defaults:
 * - breach → rollback complete ≤ 45 s: metric lag (the trailing window crossing the threshold, ~8 s for a sharp
 *   spike) + pollIntervalSeconds × consecutiveFailureLimit (15 s × 2 = 30 s) + the association calls and their
 *   read-back (~1 s for a small wave); `npm run bench` measures 38 s;
 * - a 30-minute observation window costs 1800 / 15 = 120 polls × 3 transitions (Verify, VerifyDecision,
 *   WaitForNextPoll) = 360 Step Functions state transitions.
 */
import { FieldProblem } from './errors';
import { describeValue } from './text';
import { VerificationBounds, VerificationKey, VerificationSettings } from './types';

export const DEFAULT_VERIFICATION: VerificationSettings = {
  // Connect's real-time metrics refresh about every 15 s: polling faster re-reads the same numbers and spends
  // transitions; polling slower lets a breach run longer than the 45 s breach-to-rollback budget.
  pollIntervalSeconds: 15,
  // 30 minutes sees a few handle times' worth of calls on a typical line while keeping dual running short;
  // after LIVE the centre's normal monitoring takes over.
  observationWindowSeconds: 1800,
  // The trailing metric window (60 s) still holds pre-cutover time during the first minute, and the first
  // calls are still reaching agents: judging that minute would judge the old routing, not the new one.
  warmupSeconds: 60,
  // One bad poll is a single long call or a metric lag; two in a row (30 s) is a trend. Three would push
  // breach-to-rollback past 45 s.
  consecutiveFailureLimit: 2,
  // Fewer than 20 calls in 30 minutes is not evidence that the new routing works: the run asks a human
  // (INCONCLUSIVE) instead of declaring LIVE on silence.
  minContactsForVerdict: 20,
  // A trailing minute shows a spike within one poll yet holds enough calls on a busy line for a rate to mean
  // something (rates need at least MIN_CONTACTS_FOR_RATE contacts in the window, see verdict.ts).
  metricWindowSeconds: 60,
  // Good centres abandon 5–8%; 10% tolerates the usual first-hour bump. Above it callers are hanging up on the
  // new flow or its queue.
  maxAbandonmentRate: 0.1,
  // An AHT under 30 s means calls are being dropped or mis-transferred by the flow, not that agents got fast.
  minAvgHandleTimeSeconds: 30,
  // 15 minutes is well above a normal service AHT (5–6 minutes) so a slower first day passes; beyond it agents
  // are stuck (screen pop, CRM, softphone) and the queue is about to back up.
  maxAvgHandleTimeSeconds: 900,
  // 25 callers waiting with a staffed go-live team means contacts are not reaching agents.
  maxContactsInQueue: 25,
  // Service levels answer most calls in 20–60 s; a caller waiting 3 minutes means routing is broken.
  maxOldestContactAgeSeconds: 180,
  // Go-live is staffed above forecast, so no free agent for two polls means agents are unreachable (logged out,
  // softphone broken), not busy. For a queue run at high occupancy on purpose, override it to 0.
  minAgentsAvailable: 1,
  // A flow error on a brand-new flow is a defect a caller just heard. One error stays in the trailing metric
  // window for ~60 s, i.e. several polls, so a single error rolls back: raise this for flows whose error
  // branches are taken on purpose.
  maxContactFlowErrors: 0,
  // Connect sends AWS/Connect data to CloudWatch once a minute
  // (https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html) and one-minute datapoints
  // commonly arrive 1–2 minutes late: covering 2 minutes covers the realistic range. Flow errors are then seen
  // at most ~lag + 60 s (the minute) + two polls after they happen; a larger value only delays the PASS and LIVE.
  maxCloudWatchLagSeconds: 120,
  // GetMetricDataV2 counts a contact from its contact record, i.e. once it has ended
  // (https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-metrics.html); AWS documents no
  // ingestion delay, so the same 2 minutes as CloudWatch (the rehearsal's default lag, see scenario.ts).
  maxHistoricalLagSeconds: 120,
  // 0: the warm-up alone leaves out the first minute, so abandonment is judged from the start of the window (the
  // shortest observation window, 5 minutes, must be able to see a rate pass). A line whose legacy calls are long,
  // or that starts from silence at the cutover (then only its quick abandoned calls have ended at first and the
  // rate reads high), should set it near its handle time; rates are then judged that much later, and queue
  // depth, oldest contact and agents, read in real time, watch that span.
  rateSettleSeconds: 0,
  // Calls over the concurrent-calls quota get a fast busy tone. Within an hour, volume routinely swings 10 % around
  // its average; a wave that leaves less than 10 % of the quota free has its next routine surge turned away.
  maxConcurrentCallsPercentage: 90,
};

export const DEFAULT_VERIFICATION_BOUNDS: VerificationBounds = {
  // Below 10 s the metrics have not refreshed; above 5 minutes a breach runs for 10+ minutes before rollback.
  pollIntervalSeconds: { min: 10, max: 300 },
  // At least 5 minutes to see any calls; at most 4 hours keeps dual running short and the execution history
  // (~9 events per poll, 14400 / 10 = 1440 polls ≈ 13,000 events) under Step Functions' 25,000-event limit.
  observationWindowSeconds: { min: 300, max: 14_400 },
  warmupSeconds: { min: 0, max: 1800 },
  // 0 would never roll back; more than 10 polls is a breach left running on purpose.
  consecutiveFailureLimit: { min: 1, max: 10 },
  // 0 would let silence be declared LIVE: no data is not success.
  minContactsForVerdict: { min: 1, max: 100_000 },
  // GetMetricDataV2 aggregates by the minute at best; an hour is the longest a "trailing" window stays useful.
  metricWindowSeconds: { min: 60, max: 3600 },
  maxAbandonmentRate: { min: 0, max: 1 },
  minAvgHandleTimeSeconds: { min: 0, max: 3600 },
  maxAvgHandleTimeSeconds: { min: 1, max: 7200 },
  maxContactsInQueue: { min: 0, max: 10_000 },
  // Under 10 s the check fails on ordinary ring and routing time.
  maxOldestContactAgeSeconds: { min: 10, max: 3600 },
  minAgentsAvailable: { min: 0, max: 10_000 },
  maxContactFlowErrors: { min: 0, max: 10_000 },
  // 0 trusts every source to be instant (a test bench); beyond 15 minutes LIVE and every PASS wait that long.
  maxCloudWatchLagSeconds: { min: 0, max: 900 },
  maxHistoricalLagSeconds: { min: 0, max: 900 },
  rateSettleSeconds: { min: 0, max: 3600 },
  maxConcurrentCallsPercentage: { min: 1, max: 100 },
};

/** The attestations an approver gives by default (AWS Prescriptive Guidance, migration checklists). */
export const DEFAULT_REQUIRED_ATTESTATIONS: readonly string[] = ['uat', 'training', 'bau', 'support'];

/** How far ahead `cutoverAt` may be scheduled, in days (DESIGN.md: "≤ 14 days"). */
export const MAX_SCHEDULE_DAYS = 14;

/**
 * Ready agents (logged in, routable, a free voice slot) DeployCheck requires per service line when the construct says
 * nothing: one, so the first call after the cutover can be answered.
 */
export const DEFAULT_MIN_AGENTS_AVAILABLE = 1;

/** Every verification key, in the order they are documented and reported. */
export const VERIFICATION_KEYS: readonly VerificationKey[] = Object.keys(DEFAULT_VERIFICATION) as VerificationKey[];

/**
 * Keys that may hold a fraction. Every other key is a whole number: seconds feed Wait states and metric
 * intervals (Step Functions' SecondsPath takes integers), and the rest are counts.
 */
const FRACTIONAL_KEYS: ReadonlySet<VerificationKey> = new Set<VerificationKey>(['maxAbandonmentRate']);

/** A rule between two settings; the problem is reported on whichever of the two the caller set. */
interface CoherenceRule {
  readonly a: VerificationKey;
  readonly b: VerificationKey;
  readonly holds: (s: VerificationSettings) => boolean;
  /** Message when reported on `a`. */
  readonly onA: (s: VerificationSettings) => string;
  /** Message when reported on `b`. */
  readonly onB: (s: VerificationSettings) => string;
}

const COHERENCE_RULES: readonly CoherenceRule[] = [
  {
    a: 'minAvgHandleTimeSeconds',
    b: 'maxAvgHandleTimeSeconds',
    holds: (s) => s.minAvgHandleTimeSeconds <= s.maxAvgHandleTimeSeconds,
    onA: (s) => `must be at most maxAvgHandleTimeSeconds (${s.maxAvgHandleTimeSeconds}), got ${s.minAvgHandleTimeSeconds}`,
    onB: (s) => `must be at least minAvgHandleTimeSeconds (${s.minAvgHandleTimeSeconds}), got ${s.maxAvgHandleTimeSeconds}`,
  },
  {
    a: 'warmupSeconds',
    b: 'observationWindowSeconds',
    holds: (s) => s.warmupSeconds < s.observationWindowSeconds,
    onA: (s) =>
      `must be less than observationWindowSeconds (${s.observationWindowSeconds}), got ${s.warmupSeconds}` +
      ' (nothing would ever be judged)',
    onB: (s) =>
      `must be greater than warmupSeconds (${s.warmupSeconds}), got ${s.observationWindowSeconds}` + ' (nothing would ever be judged)',
  },
  {
    a: 'pollIntervalSeconds',
    b: 'observationWindowSeconds',
    holds: (s) => s.pollIntervalSeconds <= s.observationWindowSeconds,
    onA: (s) => `must be at most observationWindowSeconds (${s.observationWindowSeconds}), got ${s.pollIntervalSeconds}`,
    onB: (s) => `must be at least pollIntervalSeconds (${s.pollIntervalSeconds}), got ${s.observationWindowSeconds}`,
  },
];

export interface ValidateVerificationOptions {
  /**
   * The keys the caller set (the rest are defaults). A problem between two settings is reported on the one the
   * caller set, so an operator overriding `observationWindowSeconds` is not told about a `warmupSeconds` they
   * never sent.
   * @default - every key counts as set; problems are reported on the first key of the pair
   */
  readonly setByCaller?: readonly VerificationKey[];
  /**
   * Values for which this returns true are skipped (the construct passes `Token.isUnresolved`: a token is
   * checked at deploy time, not at synth).
   * @default - every value is checked
   */
  readonly isUnresolved?: (value: number) => boolean;
}

/**
 * Checks every setting is a finite number within its bounds (a whole number except `maxAbandonmentRate`) and
 * that the settings agree with each other (min AHT ≤ max AHT, warm-up < observation window, poll interval ≤
 * observation window). Returns the problems, each naming `${fieldPrefix}.${key}`; an empty list means valid.
 *
 * @param fieldPrefix prefix of every reported field, e.g. `verification`; `''` for bare keys
 */
export function validateVerificationSettings(
  settings: Readonly<Record<VerificationKey, unknown>>,
  bounds: VerificationBounds,
  fieldPrefix: string,
  options: ValidateVerificationOptions = {},
): FieldProblem[] {
  const fieldOf = (key: VerificationKey): string => (fieldPrefix ? `${fieldPrefix}.${key}` : key);
  const isUnresolved = options.isUnresolved ?? (() => false);
  const problems: FieldProblem[] = [];
  const valid = new Set<VerificationKey>();

  for (const key of VERIFICATION_KEYS) {
    const value = settings[key];
    const { min, max } = bounds[key];
    let message: string | undefined;
    if (value === undefined) {
      message = 'is required';
    } else if (typeof value !== 'number') {
      message = `must be a number, got ${describeValue(value)}`;
    } else if (isUnresolved(value)) {
      continue;
    } else if (!Number.isFinite(value)) {
      message = `must be a finite number, got ${value}`;
    } else if (!FRACTIONAL_KEYS.has(key) && !Number.isInteger(value)) {
      message = `must be a whole number, got ${value}`;
    } else if (value < min || value > max) {
      message = `must be between ${min} and ${max}, got ${value}`;
    }
    if (message === undefined) {
      valid.add(key);
    } else {
      problems.push({ field: fieldOf(key), message });
    }
  }

  const setByCaller = new Set(options.setByCaller ?? VERIFICATION_KEYS);
  const s = settings as VerificationSettings;
  for (const rule of COHERENCE_RULES) {
    if (!valid.has(rule.a) || !valid.has(rule.b) || rule.holds(s)) continue;
    const blameB = !setByCaller.has(rule.a) && setByCaller.has(rule.b);
    problems.push(blameB ? { field: fieldOf(rule.b), message: rule.onB(s) } : { field: fieldOf(rule.a), message: rule.onA(s) });
  }
  return problems;
}

/** Checks the bounds themselves (min ≤ max, finite) and that they contain the given defaults. */
export function validateVerificationBounds(
  bounds: VerificationBounds,
  defaults: VerificationSettings,
  fieldPrefix: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of VERIFICATION_KEYS) {
    const field = fieldPrefix ? `${fieldPrefix}.${key}` : key;
    const b = bounds[key];
    if (!b || !Number.isFinite(b.min) || !Number.isFinite(b.max) || b.min > b.max) {
      problems.push({ field, message: `must have finite min ≤ max, got ${b ? `${b.min}–${b.max}` : 'nothing'}` });
    } else if (defaults[key] < b.min || defaults[key] > b.max) {
      problems.push({ field, message: `must contain the default ${defaults[key]}, got ${b.min}–${b.max}` });
    }
  }
  return problems;
}
