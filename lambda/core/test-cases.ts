/**
 * Connect test cases in the runbook, as pure decisions: which executions to start now (Connect runs at most five
 * test executions of an instance at once), and what the executions seen so far mean for the run (UAT before the
 * approval gate, the routing proof right after the cutover). No SDK here: lambda/test-cases/ calls Connect.
 *
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html
 */

/** Which test cases a state runs: the UAT scripts against the UAT number, or the routing proof after cutover. */
export type TestCaseKind = 'uat' | 'routingProof';

/** One test case the runbook runs for a service line (config `testCases.uat` / `testCases.routingProof`). */
export interface TestCaseTarget {
  readonly serviceLine: string;
  /** `arn:aws:connect:<region>:<account>:instance/<instanceId>/test-case/<testCaseId>` */
  readonly testCaseArn: string;
  /**
   * The E.164 number the test case calls (its VOICE_CALL entry point). For a routing proof, the cut-over number it
   * proves; a run whose `phoneNumbers` selection leaves that number out skips the line.
   */
  readonly phoneNumber?: string;
}

/**
 * One line's execution as last seen. `PENDING`: not started yet (waiting for one of the five slots). The others are
 * Connect's TestCaseExecutionStatus values.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetTestCaseExecutionSummary.html
 */
export type TestRunStatus = 'PENDING' | 'INITIATED' | 'IN_PROGRESS' | 'PASSED' | 'FAILED' | 'STOPPED';

export interface TestLineResult {
  readonly serviceLine: string;
  readonly testCaseId: string;
  readonly phoneNumber?: string;
  readonly status: TestRunStatus;
  readonly executionId?: string;
  /** StartTime of the execution (ISO). */
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly observations?: { readonly total: number; readonly passed: number; readonly failed: number };
  /** Why it failed, from ListTestCaseExecutionRecords (the first failed observation). */
  readonly failure?: string;
}

/**
 * The `uat` / `routingProof` key of the state document.
 * - `NOT_CONFIGURED`: the runbook has no test cases of this kind (UAT rests on the `uat` attestation alone);
 * - `SKIPPED`: not run (readiness already failed, or no line's number is in this run's selection);
 * - `UNAVAILABLE`: Connect refused test cases in this account or Region; UAT falls back to the attestation;
 * - `RUNNING`, `PASSED`, `FAILED`.
 */
export interface TestCasesState {
  readonly kind: TestCaseKind;
  readonly status: 'NOT_CONFIGURED' | 'SKIPPED' | 'UNAVAILABLE' | 'RUNNING' | 'PASSED' | 'FAILED';
  /** The loop is over (the state machine's progress Choice reads it). */
  readonly done: boolean;
  /** Nothing failed: false only when `status` is FAILED. */
  readonly ok: boolean;
  readonly reason: string;
  /** When the first execution was started (ISO); the deadline counts from it. */
  readonly startedAt?: string;
  readonly polls: number;
  readonly lines: readonly TestLineResult[];
}

/**
 * Connect runs up to 5 test executions at once per instance and queues up to 100 (running included); a request
 * beyond that is rejected. The runbook keeps at most 5 of its own in flight, so its executions never wait in the
 * queue behind each other.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html
 */
export const MAX_CONCURRENT_TEST_EXECUTIONS = 5;

/**
 * A test execution lasts at most 5 minutes (then Connect times it out as failed); a run waits for a batch of five
 * that long, plus one spare slot length for executions of other callers ahead in the queue.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html
 */
export const TEST_EXECUTION_MAX_SECONDS = 300;

/** Seconds after the first start after which executions not yet finished count as failed. */
export function testDeadlineSeconds(lines: number): number {
  return (Math.ceil(Math.max(1, lines) / MAX_CONCURRENT_TEST_EXECUTIONS) + 1) * TEST_EXECUTION_MAX_SECONDS;
}

/** The id in a test case ARN (`…/test-case/<id>`), or the value itself when it is an id. */
export function testCaseIdOf(arnOrId: string): string {
  const i = arnOrId.lastIndexOf('/test-case/');
  return i >= 0 ? arnOrId.slice(i + '/test-case/'.length) : arnOrId;
}

const IN_FLIGHT: ReadonlySet<TestRunStatus> = new Set(['INITIATED', 'IN_PROGRESS']);
const FINISHED: ReadonlySet<TestRunStatus> = new Set(['PASSED', 'FAILED', 'STOPPED']);

/** A run over these targets, nothing started yet. */
export function initialTestState(kind: TestCaseKind, targets: readonly TestCaseTarget[]): TestCasesState {
  return {
    kind,
    status: 'RUNNING',
    done: false,
    ok: true,
    reason: 'starting',
    polls: 0,
    lines: targets.map((t) => ({
      serviceLine: t.serviceLine,
      testCaseId: testCaseIdOf(t.testCaseArn),
      ...(t.phoneNumber !== undefined ? { phoneNumber: t.phoneNumber } : {}),
      status: 'PENDING' as const,
    })),
  };
}

/** A finished state that ran nothing. */
export function notRun(kind: TestCaseKind, status: 'NOT_CONFIGURED' | 'SKIPPED' | 'UNAVAILABLE', reason: string): TestCasesState {
  return { kind, status, done: true, ok: true, reason, polls: 0, lines: [] };
}

/** Indexes of the lines to start now: pending ones, while fewer than `limit` of ours are in flight. */
export function linesToStart(state: TestCasesState, limit = MAX_CONCURRENT_TEST_EXECUTIONS): number[] {
  const inFlight = state.lines.filter((l) => IN_FLIGHT.has(l.status)).length;
  const free = Math.max(0, limit - inFlight);
  return state.lines.flatMap((l, i) => (l.status === 'PENDING' ? [i] : [])).slice(0, free);
}

/** Indexes of the lines whose execution is still running (to poll). */
export function linesToPoll(state: TestCasesState): number[] {
  return state.lines.flatMap((l, i) => (IN_FLIGHT.has(l.status) ? [i] : []));
}

/**
 * What the executions seen so far mean. One failed (or stopped) execution fails the run at once: a UAT failure
 * aborts before anything changes, a failed routing proof is a breach, and neither gets better by waiting for the
 * other lines. Past the deadline, executions still queued or running fail the run too (no result is not a pass).
 */
export function judgeTests(state: TestCasesState, nowMs: number): TestCasesState {
  // NOT_CONFIGURED, SKIPPED, UNAVAILABLE and finished runs are final.
  if (state.done) return state;
  const label = state.kind === 'uat' ? 'UAT test case' : 'routing proof';
  const failed = state.lines.find((l) => l.status === 'FAILED' || l.status === 'STOPPED');
  if (failed) {
    return {
      ...state,
      status: 'FAILED',
      done: true,
      ok: false,
      reason: `${label} of service line ${failed.serviceLine} ${failed.status === 'STOPPED' ? 'was stopped' : 'failed'}${failed.failure ? `: ${failed.failure}` : ''}`,
    };
  }
  if (state.lines.length > 0 && state.lines.every((l) => FINISHED.has(l.status))) {
    return {
      ...state,
      status: 'PASSED',
      done: true,
      ok: true,
      reason: `${label}s passed: ${state.lines.map((l) => l.serviceLine).join(', ')}`,
    };
  }
  const started = state.startedAt ? Date.parse(state.startedAt) : nowMs;
  const deadline = testDeadlineSeconds(state.lines.length);
  const unfinished = state.lines.filter((l) => !FINISHED.has(l.status));
  if ((nowMs - started) / 1000 > deadline) {
    return {
      ...state,
      status: 'FAILED',
      done: true,
      ok: false,
      reason: `${label}s of ${unfinished.map((l) => l.serviceLine).join(', ')} did not finish within ${deadline} s`,
    };
  }
  const passed = state.lines.length - unfinished.length;
  return { ...state, status: 'RUNNING', done: false, ok: true, reason: `${passed}/${state.lines.length} ${label}s passed, waiting` };
}

/** One line per service line, for the status topic and the approver. */
export function formatTestCases(state: TestCasesState | undefined): string {
  if (!state) return '';
  const title = state.kind === 'uat' ? 'UAT test cases' : 'Routing proof';
  const head = `${title}: ${state.status} (${state.reason})`;
  const lines = state.lines.map(
    (l) =>
      `  ${l.status === 'PASSED' ? '✔' : l.status === 'FAILED' || l.status === 'STOPPED' ? '✘' : '…'} ${l.serviceLine}: ${l.status}` +
      (l.observations ? ` (${l.observations.passed}/${l.observations.total} observations passed)` : '') +
      (l.failure ? ` — ${l.failure}` : ''),
  );
  return [head, ...lines].join('\n');
}
