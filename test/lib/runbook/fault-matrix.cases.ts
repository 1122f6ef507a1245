/**
 * The fault matrix's cases: every task that calls AWS × {throttling, HTTP 500, slow answer, handler crash, task
 * timeout, function timeout (Sandbox.Timedout), empty metric data} × {before cutover, during cutover, during verification, during rollback}.
 *
 * The plan is three numbers moving from LegacyBridge to Main with queue Support. Where a fault lands:
 * - before cutover: the cutover is not marked yet, so faults count calls (`onCall`); DeployCheck makes call 1 of
 *   every Connect read it uses, and BatchGetFlowAssociation #1 is the rollback snapshot;
 * - during cutover: `atMinute: 0` hits the first calls after the Cutover state is entered (BatchGetFlowAssociation
 *   #2 is its read before, #3 its read-back; AssociatePhoneNumberContactFlow #1–#3 the moves);
 * - during verification (a poll every 30 s): `atMinute ≥ 2` is after the 60 s warm-up; a poll reads GetItem
 *   (abort flag), GetCurrentMetricData once, GetMetricDataV2 twice (trailing window, since cutover) and
 *   GetMetricData once;
 * - during rollback: the abandonment rate jumps to 35% at minute 3 (BREACH), two failing polls later the runbook
 *   rolls back, so `atMinute: 3` hits the rollback's first Connect calls; BatchGetFlowAssociation #4 is the
 *   rollback's read before, #5 its read-back; AssociatePhoneNumberContactFlow #4–#6 the restores.
 *
 * The SDK clients retry throttling, 5xx, timeouts and dropped connections themselves (3 attempts), so `times: 1`
 * is absorbed by the SDK and `times: 3` reaches the handler; numbers move two at a time, so it takes `times: 6` on
 * AssociatePhoneNumberContactFlow to keep numbers from moving. Task faults (`taskFaults`) fail the Lambda task
 * itself: `before` = the handler crashed on start, `after` = it did its work and the answer was lost.
 */
import type { TaskFault } from '../../../lib/rehearsal/local-executor';
import type { Outcome } from '../../../lib/rehearsal/scenario';

export const NUMBERS = ['+18005550100', '+18005550101', '+18005550102'] as const;
export const SNAPSHOT_FLOW = 'LegacyBridge';
export const TARGET_FLOW = 'Main';

export const STEADY = {
  atMinute: 0,
  queue: 'Support',
  abandonmentRate: 0.04,
  avgHandleTimeSeconds: 310,
  contactsInQueue: 3,
  oldestContactAgeSeconds: 25,
  contactsHandled: 40,
};
/** Callers hang up on the new flow from minute 3: the runbook must roll back. */
export const BREACH = [STEADY, { atMinute: 3, queue: 'Support', abandonmentRate: 0.35 }];

export type Phase = 'before cutover' | 'during cutover' | 'during verification' | 'during rollback';
export type FaultKind =
  | 'throttling'
  | 'HTTP 500'
  | 'slow answer'
  | 'dropped connection'
  | 'handler crash'
  | 'task timeout'
  | 'function timeout'
  | 'empty metrics'
  | 'none';

export interface ApiFault {
  readonly api: string;
  readonly onCall?: number;
  readonly atMinute?: number;
  readonly times?: number;
  readonly error: 'ThrottlingException' | 'InternalServiceException' | 'Timeout' | 'Crash' | 'EmptyResult';
}

export interface MatrixCase {
  readonly phase: Phase;
  /** The task hit, and the API when the fault is an API fault. */
  readonly target: string;
  readonly kind: FaultKind;
  /** How long or where, in words (shown in the test name). */
  readonly detail: string;
  readonly faults?: readonly ApiFault[];
  readonly taskFaults?: readonly TaskFault[];
  /** The abandonment spike at minute 3 (rollback phase). */
  readonly breach?: boolean;
  /** What the human answers when verification is inconclusive (the scenario default is a timeout → rollback). */
  readonly inconclusiveDecision?: 'live' | 'rollback' | 'timeout';
  /** The outcomes that keep the promise for this case; the first is the one expected today. */
  readonly outcomes: readonly [Outcome, ...Outcome[]];
  /** How many runs of the Rollback handler got as far as its read-back (7 = its whole retry budget). */
  readonly rollbackRuns?: number;
  /** Run with `dryRun: true` (everything but the cutover). */
  readonly dryRun?: boolean;
  /** Set when the case fails because of a product bug (it runs as `it.failing`): why the product is wrong. */
  readonly productBug?: string;
}

const T = 'ThrottlingException';
const E500 = 'InternalServiceException';
/** Every call from the cutover on. */
const ALWAYS = 500;

const BASE_CASES: readonly MatrixCase[] = [
  // ---- before cutover: nothing may change; a fault either converges (LIVE) or stops the run (ABORTED) --------
  {
    phase: 'before cutover',
    target: 'DeployCheck · DescribeInstance',
    kind: 'throttling',
    detail: '1 call (SDK retry absorbs it)',
    faults: [{ api: 'DescribeInstance', onCall: 1, error: T }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · ListContactFlows',
    kind: 'throttling',
    detail: '3 calls',
    faults: [{ api: 'ListContactFlows', onCall: 1, times: 3, error: T }],
    outcomes: ['ABORTED', 'LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · ListPhoneNumbersV2',
    kind: 'HTTP 500',
    detail: '3 calls',
    faults: [{ api: 'ListPhoneNumbersV2', onCall: 1, times: 3, error: E500 }],
    outcomes: ['ABORTED', 'LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck',
    kind: 'task timeout',
    detail: 'after it ran, once, dry run',
    taskFaults: [{ state: 'DeployCheck', error: 'States.Timeout', when: 'after' }],
    dryRun: true,
    outcomes: ['DRY_RUN_OK'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · DescribeContactFlow',
    kind: 'slow answer',
    detail: '1 call past the SDK request timeout',
    faults: [{ api: 'DescribeContactFlow', onCall: 1, error: 'Timeout' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · DescribePhoneNumber',
    kind: 'dropped connection',
    detail: '1 call',
    faults: [{ api: 'DescribePhoneNumber', onCall: 2, error: 'Crash' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · BatchGetFlowAssociation (snapshot)',
    kind: 'HTTP 500',
    detail: '3 calls: the SDK gives up, the task retry reads the snapshot',
    faults: [{ api: 'BatchGetFlowAssociation', onCall: 1, times: 3, error: E500 }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · GetCurrentMetricData (staffing)',
    kind: 'HTTP 500',
    detail: '3 calls: staffing unknown is not staffed',
    faults: [{ api: 'GetCurrentMetricData', onCall: 1, times: 3, error: E500 }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck · GetCurrentMetricData (staffing)',
    kind: 'empty metrics',
    detail: 'no result for the queue',
    faults: [{ api: 'GetCurrentMetricData', onCall: 1, error: 'EmptyResult' }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck',
    kind: 'handler crash',
    detail: 'before it ran',
    taskFaults: [{ state: 'DeployCheck', error: 'Runtime.ExitError', when: 'before' }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'DeployCheck',
    kind: 'task timeout',
    detail: 'after it ran (answer lost), once',
    taskFaults: [{ state: 'DeployCheck', error: 'States.Timeout', when: 'after' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'AcquireLock · PutItem',
    kind: 'HTTP 500',
    detail: '3 calls',
    faults: [{ api: 'PutItem', onCall: 1, times: 3, error: E500 }],
    outcomes: ['ABORTED', 'LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'AcquireLock',
    kind: 'handler crash',
    detail: 'before it ran',
    taskFaults: [{ state: 'AcquireLock', error: 'Runtime.ExitError', when: 'before' }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'AcquireLock',
    kind: 'task timeout',
    detail: 'after the lock was written (retry finds it ours)',
    taskFaults: [{ state: 'AcquireLock', error: 'States.Timeout', when: 'after' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'before cutover',
    target: 'ValidateInput',
    kind: 'handler crash',
    detail: 'before it ran',
    taskFaults: [{ state: 'ValidateInput', error: 'Error', when: 'before' }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'CheckWindow',
    kind: 'handler crash',
    detail: 'before it ran',
    taskFaults: [{ state: 'CheckWindow', error: 'Runtime.ExitError', when: 'before' }],
    outcomes: ['ABORTED'],
  },
  {
    phase: 'before cutover',
    target: 'CheckWindow',
    kind: 'task timeout',
    detail: 'after it ran, once',
    taskFaults: [{ state: 'CheckWindow', error: 'States.Timeout', when: 'after' }],
    outcomes: ['LIVE'],
  },

  // ---- during cutover: converge (LIVE) or roll back to the snapshot (ROLLED_BACK), never strand a number ------
  {
    phase: 'during cutover',
    target: 'Cutover · AssociatePhoneNumberContactFlow',
    kind: 'throttling',
    detail: '1 call',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 0, error: T }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · AssociatePhoneNumberContactFlow',
    kind: 'HTTP 500',
    detail: '6 calls: two numbers (moved 2 at a time) do not move',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 0, times: 6, error: E500 }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · AssociatePhoneNumberContactFlow',
    kind: 'slow answer',
    detail: '1 call: the write lands, the answer is late',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 0, error: 'Timeout' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · AssociatePhoneNumberContactFlow',
    kind: 'dropped connection',
    detail: '2 calls',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 0, times: 2, error: 'Crash' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · BatchGetFlowAssociation (read before)',
    kind: 'HTTP 500',
    detail: '3 calls: nothing moved yet',
    faults: [{ api: 'BatchGetFlowAssociation', atMinute: 0, times: 3, error: E500 }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · BatchGetFlowAssociation (read-back)',
    kind: 'HTTP 500',
    detail: '3 calls: all moved, read-back unknown',
    faults: [{ api: 'BatchGetFlowAssociation', onCall: 3, times: 3, error: E500 }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover · GetItem (abort flag)',
    kind: 'HTTP 500',
    detail: '3 calls',
    faults: [{ api: 'GetItem', atMinute: 0, times: 3, error: E500 }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover',
    kind: 'handler crash',
    detail: 'before it ran',
    taskFaults: [{ state: 'Cutover', error: 'Runtime.ExitError', when: 'before' }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover',
    kind: 'handler crash',
    detail: 'after every number moved',
    taskFaults: [{ state: 'Cutover', error: 'Runtime.ExitError', when: 'after' }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover',
    kind: 'task timeout',
    detail: 'after every number moved, once (retry converges)',
    taskFaults: [{ state: 'Cutover', error: 'States.Timeout', when: 'after' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover',
    kind: 'task timeout',
    detail: 'after every number moved, 4 times (retries exhausted)',
    taskFaults: [{ state: 'Cutover', error: 'States.Timeout', when: 'after', times: 4 }],
    outcomes: ['ROLLED_BACK'],
  },

  // ---- during verification: an error is not a failure, no data is not success --------------------------------
  {
    phase: 'during verification',
    target: 'Verify · GetCurrentMetricData',
    kind: 'HTTP 500',
    detail: 'minute 2, 3 calls (one poll without it)',
    faults: [{ api: 'GetCurrentMetricData', atMinute: 2, times: 3, error: E500 }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricDataV2',
    kind: 'HTTP 500',
    detail: 'minute 2, 6 calls',
    faults: [{ api: 'GetMetricDataV2', atMinute: 2, times: 6, error: E500 }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricData',
    kind: 'slow answer',
    detail: 'minute 2, 1 call',
    faults: [{ api: 'GetMetricData', atMinute: 2, error: 'Timeout' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetItem (abort flag)',
    kind: 'HTTP 500',
    detail: 'minute 2, 3 calls',
    faults: [{ api: 'GetItem', atMinute: 2, times: 3, error: E500 }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetCurrentMetricData',
    kind: 'empty metrics',
    detail: 'from minute 2 to the end (passed before)',
    faults: [{ api: 'GetCurrentMetricData', atMinute: 2, times: ALWAYS, error: 'EmptyResult' }],
    outcomes: ['LIVE', 'ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetCurrentMetricData',
    kind: 'empty metrics',
    detail: 'the whole window: inconclusive, nobody answers',
    faults: [{ api: 'GetCurrentMetricData', atMinute: 0, times: ALWAYS, error: 'EmptyResult' }],
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetCurrentMetricData',
    kind: 'empty metrics',
    detail: 'the whole window: inconclusive, a human declares live',
    faults: [{ api: 'GetCurrentMetricData', atMinute: 0, times: ALWAYS, error: 'EmptyResult' }],
    inconclusiveDecision: 'live',
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricDataV2',
    kind: 'empty metrics',
    detail: 'the whole window: inconclusive, nobody answers',
    faults: [{ api: 'GetMetricDataV2', atMinute: 0, times: ALWAYS, error: 'EmptyResult' }],
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricDataV2',
    kind: 'empty metrics',
    detail: 'from minute 2, hiding a breach at minute 3',
    faults: [{ api: 'GetMetricDataV2', atMinute: 2, times: ALWAYS, error: 'EmptyResult' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricData',
    kind: 'empty metrics',
    detail: 'the whole window (CloudWatch: no datapoint = no error)',
    faults: [{ api: 'GetMetricData', atMinute: 0, times: ALWAYS, error: 'EmptyResult' }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify · every metric API',
    kind: 'empty metrics',
    detail: 'the whole window: inconclusive, nobody answers',
    faults: ['GetCurrentMetricData', 'GetMetricDataV2', 'GetMetricData'].map((api) => ({
      api,
      atMinute: 0,
      times: ALWAYS,
      error: 'EmptyResult' as const,
    })),
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify · GetMetricDataV2',
    kind: 'throttling',
    detail: 'minute 3, 3 calls, during a breach',
    faults: [{ api: 'GetMetricDataV2', atMinute: 3, times: 3, error: T }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during verification',
    target: 'Verify',
    kind: 'handler crash',
    detail: 'before the 5th poll (the first judged) ran',
    taskFaults: [{ state: 'Verify', error: 'Runtime.ExitError', when: 'before', onCall: 5 }],
    outcomes: ['ROLLED_BACK', 'LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify',
    kind: 'task timeout',
    detail: 'after the 5th poll ran, once',
    taskFaults: [{ state: 'Verify', error: 'States.Timeout', when: 'after', onCall: 5 }],
    outcomes: ['LIVE'],
  },
  {
    phase: 'during verification',
    target: 'Verify',
    kind: 'task timeout',
    detail: 'the 5th poll, 4 times (retries exhausted)',
    taskFaults: [{ state: 'Verify', error: 'States.Timeout', when: 'before', onCall: 5, times: 4 }],
    outcomes: ['ROLLED_BACK'],
  },

  // ---- during rollback: back on the snapshot (ROLLED_BACK) or, if it cannot be done, ROLLBACK_FAILED naming who --
  {
    phase: 'during rollback',
    target: '(no fault: the breach alone)',
    kind: 'none',
    detail: 'control case',
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · AssociatePhoneNumberContactFlow',
    kind: 'throttling',
    detail: '1 call',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 3, error: T }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · AssociatePhoneNumberContactFlow',
    kind: 'HTTP 500',
    detail: '6 calls: two numbers stay, the next run restores them',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 3, times: 6, error: E500 }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
    rollbackRuns: 2,
  },
  {
    phase: 'during rollback',
    target: 'Rollback · AssociatePhoneNumberContactFlow',
    kind: 'slow answer',
    detail: '1 call',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 3, error: 'Timeout' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · AssociatePhoneNumberContactFlow',
    kind: 'dropped connection',
    detail: '2 calls (restore calls #4–#5 by count)',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 4, times: 2, error: 'Crash' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · AssociatePhoneNumberContactFlow',
    kind: 'HTTP 500',
    detail: 'persistent: no number can go back',
    faults: [{ api: 'AssociatePhoneNumberContactFlow', atMinute: 3, times: ALWAYS, error: E500 }],
    breach: true,
    outcomes: ['ROLLBACK_FAILED'],
    rollbackRuns: 7,
  },
  {
    phase: 'during rollback',
    target: 'Rollback · BatchGetFlowAssociation (read before)',
    kind: 'HTTP 500',
    detail: '3 calls',
    faults: [{ api: 'BatchGetFlowAssociation', atMinute: 3, times: 3, error: E500 }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · BatchGetFlowAssociation (read-back)',
    kind: 'HTTP 500',
    detail: '3 calls (call #5 on)',
    faults: [{ api: 'BatchGetFlowAssociation', onCall: 5, times: 3, error: E500 }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback · BatchGetFlowAssociation',
    kind: 'HTTP 500',
    detail: 'persistent: the rollback cannot even read',
    faults: [{ api: 'BatchGetFlowAssociation', atMinute: 3, times: ALWAYS, error: E500 }],
    breach: true,
    outcomes: ['ROLLBACK_FAILED'],
    // Product bug: lambda/finalize/index.ts keeps finalAssociations {} when its read fails and
    // lambda/core/outcome.ts (ROLLBACK_FAILED) names no number, so the operator is not told which numbers to restore.
  },
  {
    phase: 'during rollback',
    target: 'Rollback · metric reads after the restore',
    kind: 'empty metrics',
    detail: 'GetCurrentMetricData from minute 3 on',
    faults: [{ api: 'GetCurrentMetricData', atMinute: 3, times: ALWAYS, error: 'EmptyResult' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback',
    kind: 'handler crash',
    detail: 'before it ran, twice',
    taskFaults: [{ state: 'Rollback', error: 'Runtime.ExitError', when: 'before', times: 2 }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback',
    kind: 'handler crash',
    detail: 'after every number went back',
    taskFaults: [{ state: 'Rollback', error: 'Runtime.ExitError', when: 'after' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback',
    kind: 'task timeout',
    detail: 'after every number went back, once',
    taskFaults: [{ state: 'Rollback', error: 'States.Timeout', when: 'after' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during rollback',
    target: 'Rollback',
    kind: 'task timeout',
    detail: '4 times before it ran (within the 6-retry budget)',
    taskFaults: [{ state: 'Rollback', error: 'States.Timeout', when: 'before', times: 4 }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
    // Product bug: lib/runbook/definition.ts adds the TransientError/States.Timeout retrier (3 attempts) to every task
    // before Rollback's States.ALL retrier (6 attempts); the first matching retrier wins, so a timing-out rollback
    // gives up after 3 retries, not the whole budget, and ends ROLLBACK_FAILED with every number stranded.
  },
  {
    phase: 'during rollback',
    target: 'Rollback',
    kind: 'handler crash',
    detail: 'persistent: every run crashes',
    taskFaults: [{ state: 'Rollback', error: 'Runtime.ExitError', when: 'before', times: 50 }],
    breach: true,
    outcomes: ['ROLLBACK_FAILED'],
    // Product bug: lambda/finalize/index.ts keeps finalAssociations {} when its read fails and
    // lambda/core/outcome.ts (ROLLBACK_FAILED) names no number, so the operator is not told which numbers to restore.
  },
  {
    phase: 'during rollback',
    target: 'Finalize (after the rollback)',
    kind: 'handler crash',
    detail: 'before it ran: the marked outcome stands',
    taskFaults: [{ state: 'Finalize', error: 'Runtime.ExitError', when: 'before' }],
    breach: true,
    outcomes: ['ROLLED_BACK'],
  },
  {
    phase: 'during cutover',
    target: 'Cutover read-back (a failed one would lead to Rollback) · BatchGetFlowAssociation',
    kind: 'HTTP 500',
    detail: 'cutover read-back fails for 6 calls: the task retries converge (the rollback path if they did not)',
    faults: [{ api: 'BatchGetFlowAssociation', onCall: 3, times: 6, error: E500 }],
    outcomes: ['LIVE', 'ROLLED_BACK'],
  },
];

/**
 * Every task timeout again as a function timeout: a Lambda that runs past its own timeout fails the task with
 * `Sandbox.Timedout`, not `States.Timeout` (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html),
 * and the runbook must treat both alike (retry → converge), so the expected outcomes are the same.
 */
const FUNCTION_TIMEOUT_CASES: readonly MatrixCase[] = BASE_CASES.filter((c) => c.kind === 'task timeout').map((c) => ({
  ...c,
  kind: 'function timeout',
  taskFaults: c.taskFaults!.map((f) => ({ ...f, error: 'Sandbox.Timedout' })),
}));

export const CASES: readonly MatrixCase[] = [...BASE_CASES, ...FUNCTION_TIMEOUT_CASES];

/** One line per case, unique: the test name. */
export function caseName(c: MatrixCase): string {
  return `${c.phase} | ${c.target} | ${c.kind}: ${c.detail} → ${c.outcomes.join(' or ')}`;
}
