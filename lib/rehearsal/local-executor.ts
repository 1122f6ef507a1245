/**
 * Runs a synthesized runbook definition locally with aws-local-stepfunctions: each Lambda task runs the real
 * handler code in-process, `.waitForTaskToken` tasks run their handler and are then answered by a callback (the
 * scenario's approver, or a test), and Wait states and retry intervals advance a simulated clock instead of
 * sleeping.
 */
import { StateMachine } from 'aws-local-stepfunctions';

// aws-local-stepfunctions uses Promise.withResolvers (Node >= 22); Node 20 lacks it.
const P = Promise as unknown as { withResolvers?: unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export type Handler = (event: unknown) => Promise<unknown>;

/** A clock the executor advances on Wait states and retries. */
export interface SimClock {
  now(): Date;
  advance(seconds: number): void;
}

/** What a `.waitForTaskToken` task asks a human. */
export interface TokenRequest {
  readonly stateName: string;
  readonly taskToken: string;
  /** The task's payload (for the notify handler: `{ kind, taskToken, state }`). */
  readonly payload: any;
}

/** A step as the operator sees it: a state entered and left, on the simulated clock. */
export interface StepRecord {
  readonly name: string;
  readonly type: string;
  readonly enteredAt: string;
  exitedAt?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT' | 'RETRIED';
  output?: unknown;
  error?: string;
}

export interface LocalRunOptions {
  readonly definition: Record<string, any>;
  /** Function ARN → handler. */
  readonly handlers: Readonly<Record<string, Handler>>;
  readonly input: unknown;
  readonly executionArn: string;
  readonly clock: SimClock;
  /** Answers a task token: return the SendTaskSuccess output, or throw an Error whose `name` is the error. */
  readonly answerToken: (request: TokenRequest) => Promise<unknown>;
  /** Called for every step entered and left, in order. */
  readonly onStep?: (step: StepRecord, event: 'entered' | 'exited') => void;
  /** Failures of the task itself (not of an API it calls): a crashing handler, a task timeout. */
  readonly taskFaults?: readonly TaskFault[];
  /**
   * Function ARN → its Lambda `Timeout` in seconds (from the synthesized template). A handler that runs longer on
   * the simulated clock fails its task with `Sandbox.Timedout`. @default - Lambda's default, 3 seconds, for every function
   */
  readonly functionTimeouts?: Readonly<Record<string, number>>;
}

/**
 * A task failure to inject: the `onCall`-th run (1-based, per state) of `state` and the `times - 1` after it
 * fail with `error`. `before`: the handler does not run (it crashed on start); `after`: it runs, then its answer
 * is lost (a timeout after the work was done: the nastier case for idempotence).
 */
export interface TaskFault {
  readonly state: string;
  readonly error: string;
  readonly onCall?: number;
  readonly times?: number;
  readonly when?: 'before' | 'after';
}

export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: any;
  readonly error?: string;
  readonly cause?: string;
  readonly steps: StepRecord[];
  /** States entered: what Step Functions bills as state transitions for a Standard workflow. */
  readonly transitions: number;
  /** Events in the execution history, counted as a Standard workflow records them (see {@link ExecutionHistory}). */
  readonly historyEvents: number;
  /** The largest state input or output of the run: UTF-8 bytes of its JSON. */
  readonly largestStatePayloadBytes: number;
}

// ---- Step Functions' limits: each one here, with the page it comes from ---------------------------------------

/**
 * Payload quota: 256 KiB "as a UTF-8 encoded string", for "tasks (activity, Lambda function, or integrated
 * service), state or execution output, and input data when scheduling a task, entering a state, or starting an
 * execution". @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const MAX_PAYLOAD_BYTES = 262_144;

/**
 * Execution history quota (hard): "When an execution reaches 24,999 events, it waits for the next event to happen.
 * If the event number 25,000 is ExecutionSucceeded, the execution finishes successfully", otherwise ExecutionFailed
 * is logged as event 25,000. The error name is not on that page; AWS reports `States.Runtime`, cause "The
 * execution reached the maximum number of history events (25000)." (as seen in loads/ardere#86 and in
 * floci-io/floci#2734, which recorded it from AWS). @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html
 */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * A Lambda function's timeout when its template sets none (CloudFormation's default for `Timeout`).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
 */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;

/** UTF-8 bytes of a value's JSON (what Step Functions measures against {@link MAX_PAYLOAD_BYTES}). */
export function payloadBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}

/**
 * StartExecution refused the input, so no execution exists. The `input` member is limited to 262,144 bytes
 * ("Length constraints apply to the payload size, and are expressed as bytes in UTF-8 encoding"); a request that
 * breaks a member's length constraint is answered `ValidationException` (in StartExecution's error list).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export class ExecutionInputTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`StartExecution rejected the execution input: ${bytes} bytes of UTF-8 JSON, over the ${MAX_PAYLOAD_BYTES}-byte limit`);
    this.name = 'ValidationException';
  }
}

/**
 * The local interpreter (aws-local-stepfunctions) itself failed, e.g. `RangeError: Maximum call stack size
 * exceeded` on a deeply nested input, without ending the execution: the rehearsal cannot say what AWS would do.
 */
export class LocalInterpreterError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'LocalInterpreterError';
  }
}

/** Why the execution ended on a limit, as AWS would report it. */
interface Violation {
  readonly error: string;
  readonly cause: string;
}

/**
 * The events of a Standard workflow's history, counted as Step Functions records them (the names are the
 * HistoryEvent types of GetExecutionHistory, https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 * - `ExecutionStarted`, then one `ExecutionSucceeded` or `ExecutionFailed`;
 * - per state: `<Type>StateEntered`, and `<Type>StateExited` when it leaves (a Fail state, or a state whose error
 *   is not caught, never exits); a caught error exits the state too;
 * - per task attempt (each retry is a new attempt, with no event of its own): `TaskScheduled`, `TaskStarted`, then
 *   `TaskSucceeded`, `TaskFailed` or `TaskTimedOut`; a `.waitForTaskToken` attempt also `TaskSubmitted` once its
 *   Lambda has returned;
 * - Wait, Pass, Choice, Succeed: only their entered/exited events;
 * - Map and Parallel (the runbook has none): `<Type>StateStarted` and one event per iteration, approximately.
 */
class ExecutionHistory {
  events = 0;

  /** Records one event; false when it would be event 25,000 and is not `ExecutionSucceeded` (see MAX_HISTORY_EVENTS). */
  record(type: string): boolean {
    if (this.events + 1 >= MAX_HISTORY_EVENTS && type !== 'ExecutionSucceeded') {
      this.events = MAX_HISTORY_EVENTS;
      return false;
    }
    this.events++;
    return true;
  }
}

const HISTORY_LIMIT_VIOLATION: Violation = {
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
};

/** Thrown inside a task override once the execution has ended on a limit: nothing more may run. */
class ExecutionEnded extends Error {
  constructor(violation: Violation) {
    super(violation.cause);
    this.name = violation.error;
  }
}

/**
 * Watches one execution against the limits. aws-local-stepfunctions checks none of them, so the first violation
 * aborts its execution; every task override calls `assertRunning()` first, so no handler runs after it.
 */
class LimitGuard {
  violation?: Violation;
  readonly history = new ExecutionHistory();
  largestPayloadBytes = 0;
  abort: () => void = () => undefined;

  fail(violation: Violation): void {
    if (this.violation) return;
    this.violation = violation;
    // The failure is itself an event (the 25,000th, when the history is full).
    if (violation !== HISTORY_LIMIT_VIOLATION) this.history.record('ExecutionFailed');
    this.abort();
  }

  /** Records a history event; over the limit the execution fails. */
  record(type: string): void {
    if (this.violation) return;
    if (!this.history.record(type)) this.fail(HISTORY_LIMIT_VIOLATION);
  }

  /**
   * A payload over the quota fails the execution with `States.DataLimitExceeded`, "a terminal error that can't
   * be caught by the States.ALL error type" (nor retried): reported when "the output of a connector is larger
   * than payload size quota", "the output of a state is larger than payload size quota", or "after Parameters
   * processing, the input of a state is larger than the payload size quota".
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
   */
  checkPayload(what: string, value: unknown, isStatePayload: boolean): void {
    if (this.violation) return;
    const bytes = payloadBytes(value);
    if (isStatePayload) this.largestPayloadBytes = Math.max(this.largestPayloadBytes, bytes);
    if (bytes > MAX_PAYLOAD_BYTES) {
      this.fail({
        error: 'States.DataLimitExceeded',
        cause: `${what} is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte payload quota`,
      });
    }
  }

  assertRunning(): void {
    if (this.violation) throw new ExecutionEnded(this.violation);
  }
}

// Building a StateMachine validates the definition (asl-validator compiles its schemas each time, ~200 ms):
// once per definition is enough, and a machine runs any number of executions.
const machines = new WeakMap<object, StateMachine>();
function machineFor(definition: Record<string, any>): StateMachine {
  let machine = machines.get(definition);
  if (!machine) {
    machine = new StateMachine(definition as any, { validationOptions: { checkArn: false } });
    machines.set(definition, machine);
  }
  return machine;
}

/**
 * Executes the definition to its end, as strictly as Step Functions would (payload, history and timeout limits).
 * Throws {@link ExecutionInputTooLargeError} when StartExecution would refuse the input, and
 * {@link LocalInterpreterError} when the local interpreter itself breaks.
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const { definition, clock } = options;
  const inputBytes = payloadBytes(options.input);
  if (inputBytes > MAX_PAYLOAD_BYTES) throw new ExecutionInputTooLargeError(inputBytes);

  const guard = new LimitGuard();
  const states: Record<string, any> = definition.States;
  const overrides: Record<string, Handler> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (state.Retry) retryIntervalOverrides[name] = 0;
    if (state.Type === 'Task') overrides[name] = taskOverride(name, state, options, guard);
  }

  const machine = machineFor(definition);
  guard.record('ExecutionStarted');
  const execution = machine.run(options.input as any, {
    overrides: { taskResourceLocalHandlers: overrides as any, waitTimeOverrides, retryIntervalOverrides },
    context: {
      Execution: {
        Id: options.executionArn,
        Input: options.input as any,
        StartTime: clock.now().toISOString(),
        Name: options.executionArn.split(':').pop(),
      },
      Task: { Token: `local-token:${options.executionArn}` },
    },
  });
  guard.abort = () => execution.abort();

  const steps: StepRecord[] = [];
  let transitions = 0;
  let consumed = 0;
  let consumerDone = false;
  const open = new Map<string, StepRecord>();
  const closeOpenSteps = (violation: Violation) => {
    for (const step of open.values()) {
      step.exitedAt = clock.now().toISOString();
      step.status = 'FAILED';
      step.error = violation.error;
      options.onStep?.(step, 'exited');
    }
    open.clear();
  };
  const consume = (async () => {
    for await (const event of execution.eventLogs) {
      consumed++;
      // After a limit ended the execution, the interpreter may still report the state it was in: AWS would not.
      if (guard.violation) continue;
      const e = event as any;
      if (e.type === 'StateEntered') {
        transitions++;
        guard.record(`${e.state.type}StateEntered`);
        if (e.state.type === 'Map' || e.state.type === 'Parallel') guard.record(`${e.state.type}StateStarted`);
        guard.checkPayload(`the input of state ${e.state.name}`, e.state.input, true);
        if (guard.violation) {
          closeOpenSteps(guard.violation);
          continue;
        }
        const state = states[e.state.name];
        if (state?.Type === 'Wait') clock.advance(waitSeconds(state, e.state.input, clock.now()));
        const step: StepRecord = { name: e.state.name, type: e.state.type, enteredAt: clock.now().toISOString(), status: 'RUNNING' };
        steps.push(step);
        open.set(e.state.name, step);
        options.onStep?.(step, 'entered');
      } else if (e.type === 'MapIterationStarted' || e.type === 'MapIterationSucceeded' || e.type === 'MapIterationFailed') {
        guard.record(e.type);
      } else if (e.type === 'StateRetried') {
        clock.advance(retrySeconds(e.retry.retrier, e.retry.attempt));
        const step = open.get(e.state.name);
        if (step) step.status = 'RETRIED';
      } else if (e.type === 'StateExited' || e.type === 'StateFailed' || e.type === 'StateCaught') {
        if (e.type === 'StateExited') {
          guard.record(`${e.state.type}StateExited`);
          guard.checkPayload(`the output of state ${e.state.name}`, e.state.output, true);
          if (guard.violation) {
            closeOpenSteps(guard.violation);
            continue;
          }
        }
        const step = open.get(e.state.name);
        if (!step) continue;
        step.exitedAt = clock.now().toISOString();
        step.status = e.type === 'StateExited' ? 'SUCCEEDED' : e.type === 'StateCaught' ? 'CAUGHT' : 'FAILED';
        if (e.type !== 'StateExited') step.error = e.Error ?? e.catch?.catcher?.ErrorEquals?.join(',');
        step.output = e.state.output;
        if (e.type !== 'StateFailed' || states[e.state.name]?.Type !== 'Task') {
          open.delete(e.state.name);
          options.onStep?.(step, 'exited');
        }
      }
    }
  })();
  let consumerError: unknown;
  consume.then(
    () => {
      consumerDone = true;
    },
    (error) => {
      consumerDone = true;
      consumerError = error;
    },
  );

  let output: unknown;
  let failure: unknown;
  let succeeded = false;
  try {
    output = await execution.result;
    succeeded = true;
  } catch (error) {
    failure = error;
  }
  // The interpreter closes its event stream when the execution ends, except when it breaks before starting
  // (RangeError on a deeply nested input): wait while events still arrive, never for a stream that went quiet.
  for (let seen = -1; !consumerDone && seen !== consumed;) {
    seen = consumed;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const base = { steps, transitions };
  const ended = (status: 'SUCCEEDED' | 'FAILED', rest: Partial<LocalRunResult>): LocalRunResult => ({
    status,
    ...rest,
    ...base,
    historyEvents: guard.history.events,
    largestStatePayloadBytes: guard.largestPayloadBytes,
  });
  if (guard.violation) {
    closeOpenSteps(guard.violation);
    return ended('FAILED', { error: guard.violation.error, cause: guard.violation.cause });
  }
  if (succeeded) {
    if (consumerError) throw consumerError instanceof Error ? consumerError : new Error(String(consumerError));
    guard.record('ExecutionSucceeded');
    return ended('SUCCEEDED', { output });
  }
  // The library wraps a failure in an ExecutionError whose `cause` is the Fail state's (or runtime's) error, and
  // ends a run past the definition's own TimeoutSeconds with an ExecutionTimeoutError; anything else is the
  // interpreter itself breaking.
  const wrapped = failure as Error & { cause?: unknown };
  if (wrapped?.name === 'ExecutionTimeoutError') {
    guard.record('ExecutionTimedOut');
    return ended('FAILED', { error: 'States.Timeout', cause: "the execution ran past the state machine's TimeoutSeconds" });
  }
  if (wrapped?.name !== 'ExecutionError' || !(wrapped.cause instanceof Error)) {
    throw new LocalInterpreterError(`the local Step Functions interpreter failed: ${wrapped?.name}: ${wrapped?.message}`, {
      cause: failure,
    });
  }
  guard.record('ExecutionFailed');
  // The failure was event 25,000: the history limit is what AWS reports.
  const violation = guard.violation as Violation | undefined;
  if (violation) return ended('FAILED', { error: violation.error, cause: violation.cause });
  return ended('FAILED', { error: wrapped.cause.name, cause: wrapped.cause.message });
}

/**
 * One Task state's local stand-in: runs the handler behind it as Step Functions would invoke it, with the
 * injected faults, the limits and the history events of each attempt.
 */
function taskOverride(name: string, state: any, options: LocalRunOptions, guard: LimitGuard): Handler {
  const { clock } = options;
  const resource: string = state.Resource;
  const handlerFor = (arn: string): Handler => {
    const h = options.handlers[arn];
    if (!h) throw new Error(`task ${name}: no local handler for ${arn}`);
    return h;
  };
  type Invocation = { arn: string; payload: unknown; wrap: (result: unknown) => unknown; token: boolean };
  let invocationOf: (input: any) => Invocation;
  if (resource.startsWith('arn:aws:lambda:')) {
    invocationOf = (input) => ({ arn: resource, payload: input, wrap: (r) => r, token: false });
  } else if (resource === 'arn:aws:states:::lambda:invoke' || resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
    const token = resource.endsWith('.waitForTaskToken');
    invocationOf = (input) => ({
      arn: input.FunctionName,
      payload: input.Payload,
      wrap: (r) => (token ? r : { StatusCode: 200, Payload: r }),
      token,
    });
  } else {
    throw new Error(`task ${name}: resource ${resource} is not supported locally`);
  }
  // The task's own timeout covers the whole attempt (for a callback task, until the token is answered).
  const taskTimeoutSeconds: number | undefined = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const faults = (options.taskFaults ?? []).filter((f) => f.state === name);
  // Let the event consumer see every event dispatched so far (a Wait that just ended advanced the clock, a
  // state output over the quota ended the execution).
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  let calls = 0;

  return async (input: any) => {
    await settle();
    guard.assertRunning();
    guard.record('TaskScheduled');
    guard.checkPayload(`the input of task ${name} after Parameters`, input, false);
    guard.record('TaskStarted');
    guard.assertRunning();
    calls++;
    const startedAt = clock.now().getTime();
    const elapsedSeconds = () => (clock.now().getTime() - startedAt) / 1000;
    try {
      const { arn, payload, wrap, token } = invocationOf(input);
      const fault = faults.find((f) => calls >= (f.onCall ?? 1) && calls < (f.onCall ?? 1) + (f.times ?? 1));
      if (fault) {
        const error = named(fault.error, `injected: ${name} run ${calls} failed with ${fault.error}`);
        if (fault.when === 'after') await handlerFor(arn)(payload);
        throw error;
      }
      const result = await handlerFor(arn)(payload);
      const functionTimeout = options.functionTimeouts?.[arn] ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
      const timedOut = timeoutError(elapsedSeconds(), functionTimeout, taskTimeoutSeconds);
      if (timedOut) throw timedOut;
      let answer = result;
      if (token) {
        guard.record('TaskSubmitted');
        answer = await answerTaskToken(name, payload, options, taskTimeoutSeconds, startedAt, guard);
      }
      const output = wrap(answer);
      guard.checkPayload(`the result of task ${name}`, output, false);
      guard.assertRunning();
      guard.record('TaskSucceeded');
      return output;
    } catch (error) {
      if (error instanceof ExecutionEnded) throw error;
      // An answer (or a failure) later than the task's own timeout is never seen: the task timed out first.
      const late =
        taskTimeoutSeconds !== undefined &&
        elapsedSeconds() > taskTimeoutSeconds &&
        (error as Error).name !== 'States.Timeout' &&
        (error as Error).name !== 'Sandbox.Timedout';
      const reported = late
        ? named('States.Timeout', `task ${name} ran past its TimeoutSeconds (${taskTimeoutSeconds} s)`)
        : (error as Error);
      guard.record(reported.name === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed');
      guard.assertRunning();
      throw reported;
    }
  };
}

/**
 * Which timeout a handler that ran `elapsed` simulated seconds hit first, if any: its function's (the task fails
 * with `Sandbox.Timedout`, as Lambda reports a function that ran past its timeout) or the task's own
 * `TimeoutSeconds` ("If the state runs longer than the specified timeout, then the interpreter fails the state
 * with a States.Timeout error"). Both are ordinary task errors: Retry and Catch apply.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 */
function timeoutError(elapsed: number, functionTimeout: number, taskTimeout: number | undefined): Error | undefined {
  const functionOver = elapsed > functionTimeout;
  const taskOver = taskTimeout !== undefined && elapsed > taskTimeout;
  if (functionOver && (!taskOver || functionTimeout < taskTimeout!)) {
    return named('Sandbox.Timedout', `Task timed out after ${functionTimeout.toFixed(2)} seconds`);
  }
  if (taskOver) return named('States.Timeout', `the task ran ${elapsed} s, past its TimeoutSeconds (${taskTimeout} s)`);
  return undefined;
}

/**
 * Waits for the answer to a `.waitForTaskToken` task. SendTaskSuccess refuses an `output` over 262,144 bytes
 * ("Length constraints apply to the payload size, and are expressed as bytes in UTF-8 encoding"), so such an
 * answer never reaches the task: the token stays unanswered and the task times out at its `TimeoutSeconds`
 * (`States.Timeout`); without one, it waits until the execution itself times out.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
async function answerTaskToken(
  name: string,
  payload: any,
  options: LocalRunOptions,
  taskTimeoutSeconds: number | undefined,
  startedAt: number,
  guard: LimitGuard,
): Promise<unknown> {
  const { clock } = options;
  const answer = await options.answerToken({ stateName: name, taskToken: payload?.taskToken, payload });
  const bytes = payloadBytes(answer);
  if (bytes <= MAX_PAYLOAD_BYTES) return answer;
  const rejected = `SendTaskSuccess was rejected (ValidationException: output of ${bytes} bytes, over ${MAX_PAYLOAD_BYTES}), so the task token was never answered`;
  if (taskTimeoutSeconds === undefined) {
    guard.fail({ error: 'States.Timeout', cause: `${rejected}: the execution timed out` });
    throw new ExecutionEnded(guard.violation!);
  }
  const deadline = startedAt + taskTimeoutSeconds * 1000;
  if (clock.now().getTime() < deadline) clock.advance((deadline - clock.now().getTime()) / 1000);
  throw named('States.Timeout', `${rejected} before the task's TimeoutSeconds (${taskTimeoutSeconds} s)`);
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Seconds a Wait state waits for this input, per its definition. */
function waitSeconds(state: any, input: unknown, now: Date): number {
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (state.SecondsPath) return Number(readPath(input, state.SecondsPath));
  const ts = state.Timestamp ?? (state.TimestampPath ? readPath(input, state.TimestampPath) : undefined);
  if (ts !== undefined) return Math.max(0, (new Date(String(ts)).getTime() - now.getTime()) / 1000);
  return 0;
}

/** Interval before retry `attempt` (1-based) of a retrier, as Step Functions computes it (no jitter). */
function retrySeconds(retrier: any, attempt: number): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const backoff = retrier.BackoffRate ?? 2;
  const seconds = interval * Math.pow(backoff, Math.max(0, attempt - 1));
  return retrier.MaxDelaySeconds ? Math.min(seconds, retrier.MaxDelaySeconds) : seconds;
}

/** Reads a plain `$.a.b.c` reference path (all the runbook's Wait states use). */
function readPath(doc: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) throw new Error(`unsupported path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<any>((v, k) => (v == null ? undefined : v[k]), doc);
}
