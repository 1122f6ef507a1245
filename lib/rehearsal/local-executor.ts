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
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
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

/** Executes the definition to its end. */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const { definition, clock } = options;
  const states: Record<string, any> = definition.States;
  const overrides: Record<string, Handler> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (state.Retry) retryIntervalOverrides[name] = 0;
    if (state.Type === 'Task') overrides[name] = withTaskFaults(name, taskOverride(name, state, options), options.taskFaults ?? []);
  }

  const machine = machineFor(definition);
  const execution = machine.run(options.input as any, {
    overrides: { taskResourceLocalHandlers: overrides as any, waitTimeOverrides, retryIntervalOverrides },
    context: {
      Execution: { Id: options.executionArn, Input: options.input as any, StartTime: clock.now().toISOString(), Name: options.executionArn.split(':').pop() },
      Task: { Token: `local-token:${options.executionArn}` },
    },
  });

  const steps: StepRecord[] = [];
  let transitions = 0;
  const open = new Map<string, StepRecord>();
  const consume = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as any;
      if (e.type === 'StateEntered') {
        transitions++;
        const state = states[e.state.name];
        if (state?.Type === 'Wait') clock.advance(waitSeconds(state, e.state.input, clock.now()));
        const step: StepRecord = { name: e.state.name, type: e.state.type, enteredAt: clock.now().toISOString(), status: 'RUNNING' };
        steps.push(step);
        open.set(e.state.name, step);
        options.onStep?.(step, 'entered');
      } else if (e.type === 'StateRetried') {
        clock.advance(retrySeconds(e.retry.retrier, e.retry.attempt));
        const step = open.get(e.state.name);
        if (step) step.status = 'RETRIED';
      } else if (e.type === 'StateExited' || e.type === 'StateFailed' || e.type === 'StateCaught') {
        const step = open.get(e.state.name);
        if (!step) continue;
        if (e.type === 'StateRetried') continue;
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

  let result: LocalRunResult;
  try {
    const output = await execution.result;
    await consume;
    result = { status: 'SUCCEEDED', output, steps, transitions };
  } catch (error) {
    await consume.catch(() => undefined);
    // The library wraps the failure in an ExecutionError whose `cause` is the Fail state's (or runtime's) error.
    const wrapped = error as Error & { cause?: unknown };
    const e = wrapped.name === 'ExecutionError' && wrapped.cause instanceof Error ? wrapped.cause : wrapped;
    result = { status: 'FAILED', error: e.name, cause: e.message, steps, transitions };
  }
  return result;
}

function taskOverride(name: string, state: any, options: LocalRunOptions): Handler {
  const resource: string = state.Resource;
  const handlerFor = (arn: string): Handler => {
    const h = options.handlers[arn];
    if (!h) throw new Error(`task ${name}: no local handler for ${arn}`);
    return h;
  };
  // Let the event consumer see every event dispatched so far (a Wait that just ended advanced the clock).
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  if (resource.startsWith('arn:aws:lambda:')) {
    const h = handlerFor(resource);
    return async (input) => { await settle(); return h(input); };
  }
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return async (input: any) => { await settle(); return { StatusCode: 200, Payload: await handlerFor(input.FunctionName)(input.Payload) }; };
  }
  if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
    return async (input: any) => {
      await settle();
      await handlerFor(input.FunctionName)(input.Payload);
      return options.answerToken({ stateName: name, taskToken: input.Payload?.taskToken, payload: input.Payload });
    };
  }
  throw new Error(`task ${name}: resource ${resource} is not supported locally`);
}

function withTaskFaults(name: string, run: Handler, faults: readonly TaskFault[]): Handler {
  const mine = faults.filter((f) => f.state === name);
  if (mine.length === 0) return run;
  let calls = 0;
  return async (input) => {
    calls++;
    const fault = mine.find((f) => calls >= (f.onCall ?? 1) && calls < (f.onCall ?? 1) + (f.times ?? 1));
    if (!fault) return run(input);
    const error = new Error(`injected: ${name} run ${calls} failed with ${fault.error}`);
    error.name = fault.error;
    if (fault.when === 'after') await run(input);
    throw error;
  };
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
  return path.slice(2).split('.').reduce<any>((v, k) => (v == null ? undefined : v[k]), doc);
}
