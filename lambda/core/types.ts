import type { SwitchFlowConfig } from './switch-flow';

/**
 * The runbook's shared shapes. Pure types: no SDK, no I/O. See docs/internals.md for where each travels.
 */

import type { TestCaseTarget } from './test-cases';

/** How a plan moves its numbers. */
export type CutoverMode = 'repoint' | 'switchFlow' | 'carrierHook' | 'manualConfirmation';

/** One service line to move. References are resolved against the instance at DeployCheck. */
export interface PlanEntry {
  /** E.164 address (`+18005550100`) or phone number ARN. */
  readonly phoneNumber: string;
  /** Target contact flow: ARN, id, or flow name. */
  readonly targetFlow: string;
  /**
   * The service line this number belongs to (e.g. `Sales`): verdicts are per line, and the line that fails is
   * named. Entries without it form one line.
   */
  readonly serviceLine?: string;
  /**
   * Queues (ARN, id or name) this number's calls land in: the line's metrics are read over them. Entries without
   * them are judged over every watched queue.
   */
  readonly queues?: readonly string[];
}

/** Thresholds and timing of the verification loop. Every field may be overridden per execution within bounds. */
export interface VerificationSettings {
  readonly pollIntervalSeconds: number;
  readonly observationWindowSeconds: number;
  readonly warmupSeconds: number;
  readonly consecutiveFailureLimit: number;
  /** Contacts (handled + abandoned) since cutover below which the window is INCONCLUSIVE, never LIVE. */
  readonly minContactsForVerdict: number;
  /** Trailing window, in seconds, over which abandonment rate, AHT and error counts are computed. */
  readonly metricWindowSeconds: number;
  /** Fraction 0–1. */
  readonly maxAbandonmentRate: number;
  readonly minAvgHandleTimeSeconds: number;
  readonly maxAvgHandleTimeSeconds: number;
  readonly maxContactsInQueue: number;
  readonly maxOldestContactAgeSeconds: number;
  readonly minAgentsAvailable: number;
  /** ContactFlowErrors + ContactFlowFatalErrors of the target flows in any trailing metric window. */
  readonly maxContactFlowErrors: number;
  /**
   * The longest delay, after a minute ends, with which CloudWatch AWS/Connect datapoints may arrive: a minute with
   * no datapoint counts as zero only once it is this old, and LIVE waits until every minute of the window is.
   */
  readonly maxCloudWatchLagSeconds: number;
  /**
   * The longest delay, after a contact ends, with which GetMetricDataV2 may count it: rate metrics are read over
   * a window reaching this far back, and LIVE waits until the window's last contacts can have been counted.
   */
  readonly maxHistoricalLagSeconds: number;
  /**
   * Seconds after cutover + warm-up before rate metrics are judged: about one handle time. GetMetricDataV2 counts
   * contacts when they end, so in that span the ended contacts are the old routing's calls still ending and the
   * new routing's short ones (abandoned calls end first, handled ones an AHT later): neither is the new routing.
   */
  readonly rateSettleSeconds: number;
  /** ConcurrentCallsPercentage (percent of the instance's concurrent-calls quota in use) above which capacity fails. */
  readonly maxConcurrentCallsPercentage: number;
}

export type VerificationKey = keyof VerificationSettings;

/** Inclusive bounds for an execution-time override. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

export type VerificationBounds = { readonly [K in VerificationKey]: Bounds };

/** What the construct embeds in the state machine definition (the `config` key of the state document). */
export interface RunbookConfig {
  readonly instanceArn: string;
  readonly plan: readonly PlanEntry[];
  /** Queue ARNs, ids or names to watch and to check staffing on. */
  readonly queues: readonly string[];
  readonly cutoverMode: CutoverMode;
  readonly verification: VerificationSettings;
  readonly verificationBounds: VerificationBounds;
  /** Staffing required by DeployCheck, per watched queue. */
  readonly minAgentsOnline: number;
  /** Attestations the approver must give, e.g. ['uat', 'training', 'bau', 'support']. */
  readonly requiredAttestations: readonly string[];
  readonly allowedLatenessSeconds: number;
  /** How far ahead `cutoverAt` may be, in days (the design fixes 14). */
  readonly maxScheduleDays: number;
  /** E.164 of the UAT number whose existence DeployCheck verifies; absent when none. */
  readonly uatPhoneNumber?: string;
  /** How many association calls run at once during cutover and rollback. */
  readonly cutoverConcurrency: number;
  /** DynamoDB table holding the one-go-live-at-a-time lock and operator abort requests. */
  readonly controlTableName: string;
  /** SNS topic every step publishes its status to (the "bridge"). */
  readonly statusTopicArn: string;
  /** The user's carrier hook Lambda, for cutoverMode carrierHook. */
  readonly carrierHookFunctionArn?: string;
  /** Whether a target flow that does not record agent and customer fails DeployCheck (else it is a warning). Absent: false. */
  readonly requireRecording?: boolean;
  /** The go-live dashboard's console URL; every status message carries it. Absent when the runbook has none. */
  readonly dashboardUrl?: string;
  /**
   * Connect test cases per service line (lambda/core/test-cases.ts): `uat` runs before the approval gate against the
   * UAT number, `routingProof` right after the cutover against a cut-over number. Absent: neither runs.
   */
  readonly testCases?: {
    readonly uat?: readonly TestCaseTarget[];
    readonly routingProof?: readonly TestCaseTarget[];
  };
  /**
   * Ready agents (logged in, routable status, a free voice slot) DeployCheck requires per service line
   * (GetCurrentUserData). Absent in configs written before it: 1.
   */
  readonly minAgentsAvailable?: number;
  /**
   * The instance's concurrent active calls quota as the construct was told it; absent = DeployCheck reads it from
   * Service Quotas (GetServiceQuota).
   */
  readonly concurrentCallsQuota?: number;
  /**
   * Numbers (E.164, phone number ARN or id) a watched queue's outbound caller ID may be besides the plan's own
   * numbers.
   */
  readonly expectedCallerIdNumbers?: readonly string[];
  /** cutoverMode switchFlow: the legacy number and each service line's entry flow (lambda/core/switch-flow.ts). */
  readonly switchFlow?: SwitchFlowConfig;
  /**
   * switchFlow canary: percent of callers sent to the target at each step, ascending, ending at 100 (e.g. [10, 50,
   * 100]); absent or empty = all callers at once. An execution's `canarySteps` may replace it (ValidateInput).
   */
  readonly canarySteps?: readonly number[];
  /** How each canary step before the last is verified (the last, 100 %, gets the full `verification`). */
  readonly canaryStepVerification?: CanaryStepVerification;
  /**
   * Seconds of hypercare after the LIVE verdict: the same Verify checks keep polling and a sustained breach still
   * rolls back. 0 or absent = none (the run ends LIVE at the verdict).
   */
  readonly hypercareSeconds?: number;
  /** Seconds between hypercare polls (with `hypercareSeconds`). */
  readonly hypercarePollIntervalSeconds?: number;
}

/**
 * What the GoLiveRunbook embeds in the Decommission state machine's definition (its `config` key): a second, small
 * workflow that releases the UAT number and records the point of no return after a LIVE go-live.
 */
export interface DecommissionConfig {
  readonly instanceArn: string;
  /** The UAT number's ARN (the only number decommission may release); absent = nothing to release. */
  readonly uatPhoneNumberArn?: string;
  /** Attestations the decommission approver must give, e.g. ['porting-complete', 'legacy-off']. */
  readonly requiredAttestations: readonly string[];
  readonly controlTableName: string;
  readonly statusTopicArn: string;
}

/** The Decommission execution input (contract): what `connect-golive decommission` sends. */
export interface DecommissionInput {
  readonly goLiveExecutionArn: string;
  readonly approver: string;
  readonly attestations: readonly string[];
}

/** Hypercare's running state inside the `verify` key (written by Verify when called from the Hypercare state). */
export interface HypercareState {
  /** Seconds since cutover at which hypercare began (the LIVE verdict). */
  readonly startedAtSeconds: number;
  /** Seconds since cutover at which hypercare ends. */
  readonly untilSeconds: number;
  /** Hypercare polls so far. */
  readonly polls: number;
}

/** Verification of one canary step below 100 %: its own window, warm-up and minimum contacts (of the canary's calls). */
export interface CanaryStepVerification {
  readonly observationWindowSeconds: number;
  readonly warmupSeconds: number;
  readonly minContactsForVerdict: number;
}

/**
 * The validated execution input, merged with the config (the `run` key). The plan itself never travels in the
 * state (a 1,000-number wave would not fit Step Functions' 256 KiB): only its size and the selection.
 */
export interface RunParameters {
  readonly changeId: string;
  /** ISO-8601 UTC, absent = cut over as soon as approved. */
  readonly cutoverAt?: string;
  readonly dryRun: boolean;
  /** Numbers this execution moves (the whole plan, or the `phoneNumbers` subset). */
  readonly planSize: number;
  /** The execution input's `phoneNumbers` subset (E.164); absent = the whole plan. */
  readonly selection?: readonly string[];
  /**
   * What a verification breach rolls back: `wave` (every number) or `serviceLine` (only the failing lines' numbers;
   * the run then ends PARTIALLY_ROLLED_BACK when some lines stay live). Absent in states written before it: `wave`.
   */
  readonly rollbackScope?: 'wave' | 'serviceLine';
  readonly verification: VerificationSettings;
  /** The legacy platform's normal per service line (execution input `baseline`): relative thresholds. */
  readonly baseline?: Readonly<Record<string, LineBaseline>>;
  /** switchFlow: the canary steps this run takes (the input's `canarySteps`, else the config's); absent = none. */
  readonly canarySteps?: readonly number[];
  /** Service line → its expected peak of concurrent calls after the cutover (execution input): the capacity check. */
  readonly expectedPeakConcurrentCalls?: Readonly<Record<string, number>>;
  /** Watched queues (as named in the config) whose closure by hours of operation is intended (execution input). */
  readonly closedQueuesAllowed?: readonly string[];
  /** The execution input's `hypercareSeconds` (at most the construct's); absent: `config.hypercareSeconds`. */
  readonly hypercareSeconds?: number;
}

/** A service line's normal on the legacy platform, stated by the change board. */
export interface LineBaseline {
  /** Fraction 0–1. */
  readonly abandonmentRate: number;
  readonly avgHandleTimeSeconds: number;
}

/** The configuration as the state document carries it: everything but the plan. */
export type StateConfig = Omit<RunbookConfig, 'plan'>;

/** A phone number as found on the instance. */
export interface ResolvedNumber {
  readonly phoneNumber: string;
  readonly phoneNumberId: string;
  readonly phoneNumberArn: string;
  readonly targetFlowId: string;
  /** Flow the number points at before cutover (the rollback snapshot); null when none. */
  readonly snapshotFlowId: string | null;
  /** The plan entry's service line (DEFAULT_SERVICE_LINE when it names none). */
  readonly serviceLine?: string;
}

export type CheckStatus = 'PASS' | 'FAIL' | 'NO_DATA';

/** One readiness item of DeployCheck. */
export interface ReadinessItem {
  readonly check: string;
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
  /** A passing item the approver should still read (e.g. a target flow that does not record calls). */
  readonly warning?: boolean;
}

/** DeployCheck's full judgement of one batch (or of a whole small wave): the core's answer. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly items: readonly ReadinessItem[];
  readonly numbers: readonly ResolvedNumber[];
  /** Queue ids resolved from the config's queue references. */
  readonly queueIds: readonly string[];
  /** phoneNumberId → flow id before cutover. */
  readonly snapshot: Readonly<Record<string, string | null>>;
}

/**
 * DeployCheck's report as the state document carries it (the `readiness` key): items, counts and a cursor; the
 * resolved numbers and their rollback snapshot are in the control table, one item per batch.
 */
export interface ReadinessState {
  readonly ready: boolean;
  /**
   * The global items (instance, queues, UAT number, flows), the failing number items (at most
   * MAX_NUMBER_ITEMS_IN_STATE) and one `numbers-ready` summary item.
   */
  readonly items: readonly ReadinessItem[];
  readonly queueIds: readonly string[];
  /** Names of the target flows (CloudWatch reports ContactFlowErrors per flow name). */
  readonly targetFlowNames: readonly string[];
  /** The wave's service lines (plan entries grouped by `serviceLine`, with their queues and target flows). */
  readonly serviceLines: readonly ServiceLineRefs[];
  /** Numbers in the wave, numbers resolved and stored in the snapshot, numbers failing a check. */
  readonly numberCounts: { readonly total: number; readonly resolved: number; readonly failing: number };
  readonly cursor: BatchCursor;
}

/** A service line as Verify judges it (lambda/core/verdict.ts serviceLinesOf). */
export interface ServiceLineRefs {
  readonly serviceLine: string;
  /** Queue references (ARN, id or name) of the line; the runbook's watched queues when no entry names any. */
  readonly queues: readonly string[];
  /** Target flow references of the line's entries. */
  readonly targetFlows: readonly string[];
}

/** Where a batched loop (DeployCheck, Cutover, Rollback) stands: what the state carries instead of per-number arrays. */
export interface BatchCursor {
  /** Index of the next batch to run. */
  readonly nextBatch: number;
  readonly batches: number;
  /** Numbers in the wave. */
  readonly total: number;
  /** Whether every batch has run. */
  readonly done: boolean;
}

/**
 * One poll of metrics. Every value is null when the API gave no data or failed (then `errors` says which).
 * Rates are fractions 0–1, durations seconds, counts over the trailing metric window unless said.
 */
export interface MetricSample {
  /** Seconds since cutover (simulated or real). */
  readonly elapsedSeconds: number;
  readonly abandonmentRate: number | null;
  readonly avgHandleTimeSeconds: number | null;
  readonly contactsInQueue: number | null;
  readonly oldestContactAgeSeconds: number | null;
  readonly agentsAvailable: number | null;
  readonly contactFlowErrors: number | null;
  /** Contacts handled + abandoned in the trailing metric window. */
  readonly contactsInWindow: number | null;
  /** Contacts handled + abandoned since cutover. */
  readonly contactsSinceCutover: number | null;
  /**
   * Whether `contactFlowErrors` covers at least one final CloudWatch minute after cutover (one whose datapoint,
   * if any, has surely been published): a count under the threshold is a PASS only then. Absent in samples
   * written before it existed: counted as final.
   */
  readonly contactFlowErrorsFinal?: boolean;
  /** The largest per-minute MisconfiguredPhoneNumbers count after cutover (instance-wide). */
  readonly misconfiguredCalls?: number | null;
  /** The largest per-minute MisconfiguredPhoneNumbers count in the minutes before cutover: the instance's normal. */
  readonly misconfiguredCallsBefore?: number | null;
  /** The largest per-minute count of calls rejected for capacity (CallsBreachingConcurrencyQuota + ThrottledCalls) after cutover. */
  readonly callsRejected?: number | null;
  /** The same before the cutover: the instance's normal. */
  readonly callsRejectedBefore?: number | null;
  /** The highest ConcurrentCallsPercentage of a minute after cutover. */
  readonly concurrentCallsPercentage?: number | null;
  /**
   * Seconds after cutover up to which every delayed source is final (CloudWatch minutes, contact records). LIVE
   * needs it to reach the observation window. Absent in samples written before it existed: counted as final.
   */
  readonly finalThroughSeconds?: number | null;
  /** API names that failed on this poll: an error is not a failure. */
  readonly errors: readonly string[];
}

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly value: number | null;
  readonly threshold: string;
  /** Consecutive FAILs of this check including this poll. */
  readonly consecutiveFailures: number;
  /** Why the status is what it is when the value alone does not say (too few contacts, warm-up, bad value). */
  readonly note?: string;
}

export type PollDecision = 'WARMING_UP' | 'CONTINUE' | 'ROLLBACK' | 'LIVE' | 'INCONCLUSIVE';

/** The Verify loop's running state (the `verify` key), also the evidence of every verdict. */
export interface VerifyState {
  readonly polls: number;
  readonly decision: PollDecision;
  readonly reason: string;
  readonly checks: readonly CheckResult[];
  readonly sample: MetricSample | null;
  /** check name → consecutive FAIL count. */
  readonly failureStreaks: Readonly<Record<string, number>>;
  /** check name → whether it has passed at least once after warm-up. */
  readonly everPassed: Readonly<Record<string, boolean>>;
  /** Seconds since cutover at which the first FAIL of the streak that caused ROLLBACK was seen. */
  readonly breachAtSeconds: number | null;
  /**
   * check name → seconds since cutover of the first FAIL of its current streak (only checks in a streak).
   * Optional so states written before it existed still evaluate; `evaluatePoll` always writes it.
   */
  readonly failureStreakSince?: Readonly<Record<string, number>>;
  /**
   * Per service line (plan entries' `serviceLine`; entries without one form the line `all`): each line's own loop
   * state. The fields above are the run's combined verdict, with the checks and sample of the line that decided
   * it (the first failing line, else the first line). Absent in states written before lines existed.
   */
  readonly lines?: readonly ServiceLineState[];
  /** Lines whose verdict is ROLLBACK: the ones a service-line rollback moves back. */
  readonly failingLines?: readonly string[];
  /** switchFlow: the canary step (0-based) this loop state judges; a new step starts a fresh loop. */
  readonly canaryStep?: number;
  /** Present once hypercare began (the Hypercare state calls Verify after the LIVE verdict). */
  readonly hypercare?: HypercareState;
}

/** One service line's Verify loop state. */
export interface ServiceLineState extends Omit<VerifyState, 'lines' | 'failingLines' | 'hypercare'> {
  readonly serviceLine: string;
}
