/**
 * The local executor is as strict as Step Functions (issue 9): payload quota, history quota, function and task
 * timeouts, StartExecution / SendTaskSuccess size limits, and it never hangs. Small hand-written ASL definitions:
 * this tests the executor, not the runbook.
 */
import {
  ExecutionInputTooLargeError,
  Handler,
  LocalInterpreterError,
  LocalRunOptions,
  MAX_HISTORY_EVENTS,
  MAX_PAYLOAD_BYTES,
  payloadBytes,
  runLocally,
  SimClock,
} from '../../../lib/rehearsal/local-executor';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:Work';
const NOTIFY = 'arn:aws:lambda:us-east-1:123456789012:function:Notify';

function simClock(): SimClock & { seconds: () => number } {
  const start = Date.parse('2026-01-01T00:00:00Z');
  let now = start;
  return {
    now: () => new Date(now),
    advance: (s: number) => {
      now += s * 1000;
    },
    seconds: () => (now - start) / 1000,
  };
}

/** A value whose JSON is exactly `bytes` UTF-8 bytes: `{"pad":"xxx…"}`. */
function ofBytes(bytes: number): { pad: string } {
  const overhead = payloadBytes({ pad: '' });
  return { pad: 'x'.repeat(bytes - overhead) };
}

/** A Lambda task (lambda:invoke, payload only) with an optional Catch-all and Retry, then a Succeed state. */
function oneTask(extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN, 'Payload.$': '$' },
        ResultSelector: { 'value.$': '$.Payload' },
        ResultPath: '$.work',
        Next: 'After',
        ...extra,
      },
      After: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: NOTIFY, Payload: {} },
        ResultPath: null,
        Next: 'Done',
      },
      ...(extra.Catch ? { Caught: { Type: 'Pass', Result: 'caught', ResultPath: '$.caught', Next: 'Done' } } : {}),
      Done: { Type: 'Succeed' },
    },
  };
}

const CATCH_ALL = { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }] };

function run(definition: Record<string, any>, input: unknown, over: Partial<LocalRunOptions> & { work?: Handler; notify?: Handler } = {}) {
  const calls = { work: 0, notify: 0 };
  const clock = over.clock ?? simClock();
  const promise = runLocally({
    definition,
    handlers: {
      [FN]: async (e) => {
        calls.work++;
        return (over.work ?? (async () => ({ ok: true })))(e);
      },
      [NOTIFY]: async (e) => {
        calls.notify++;
        return (over.notify ?? (async () => ({ notified: true })))(e);
      },
    },
    input,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Test:run-1',
    clock,
    answerToken: over.answerToken ?? (async () => ({ decision: 'approve' })),
    functionTimeouts: over.functionTimeouts ?? { [FN]: 300, [NOTIFY]: 300 },
    ...(over.taskFaults ? { taskFaults: over.taskFaults } : {}),
    ...(over.onStep ? { onStep: over.onStep } : {}),
  });
  return { promise, calls, clock };
}

// First in the file on purpose: once V8 has optimized the interpreter's recursive clone (after the long runs
// below), 4,000 levels fit on the stack and the run simply succeeds.
describe('never hangs', () => {
  test('ends with a clear error when the interpreter throws on a 4,000-level nested input', async () => {
    let deep: unknown = {};
    for (let i = 0; i < 4000; i++) deep = { a: deep };
    const { promise, calls } = run(oneTask(), deep);
    await expect(promise).rejects.toThrow(LocalInterpreterError);
    await expect(promise).rejects.toThrow(/interpreter failed: RangeError: Maximum call stack size exceeded/);
    expect(calls).toEqual({ work: 0, notify: 0 });
  }, 10_000);

  test('ends with a clear error whenever the interpreter throws before it starts, without closing its event stream', async () => {
    // The interpreter copies its input before its first event handler runs; make that copy throw (our own size
    // check reads the input first, so the getter throws from its second read on).
    let reads = 0;
    const input = Object.defineProperty({}, 'field', {
      enumerable: true,
      get: () => {
        if (++reads > 1) throw new RangeError('Maximum call stack size exceeded');
        return 1;
      },
    });
    const { promise, calls } = run(oneTask(), input);
    await expect(promise).rejects.toThrow(/interpreter failed: RangeError/);
    expect(calls).toEqual({ work: 0, notify: 0 });
  }, 10_000);
});

describe('payload quota: 262,144 bytes per state input and output (States.DataLimitExceeded)', () => {
  test('measures UTF-8 bytes of the JSON, not characters', () => {
    expect(payloadBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}', 'utf8'));
    expect(payloadBytes({ a: 'é' })).toBe(10);
    expect(payloadBytes(ofBytes(MAX_PAYLOAD_BYTES))).toBe(MAX_PAYLOAD_BYTES);
  });

  test('a state output of exactly 262,144 bytes passes, and is the largest payload reported', async () => {
    const definition = { StartAt: 'Make', States: { Make: { Type: 'Pass', Result: ofBytes(MAX_PAYLOAD_BYTES), End: true } } };
    const { promise } = run(definition, {});
    const result = await promise;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.largestStatePayloadBytes).toBe(MAX_PAYLOAD_BYTES);
  });

  test('fails the execution when a state output is 262,145 bytes, and nothing runs after it', async () => {
    const definition = {
      StartAt: 'Make',
      States: {
        Make: { Type: 'Pass', Result: ofBytes(MAX_PAYLOAD_BYTES + 1), Next: 'Work' },
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: FN, Payload: {} },
          ...CATCH_ALL,
          Next: 'Done',
        },
        Caught: { Type: 'Pass', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { promise, calls } = run(definition, {});
    const result = await promise;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining('262145 bytes') });
    expect(calls.work).toBe(0);
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['Make', 'FAILED']]);
  });

  test('a task result over the quota is not caught by a States.ALL Catch nor retried, and the next task never runs', async () => {
    const definition = oneTask({ ...CATCH_ALL, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }] });
    const { promise, calls } = run(definition, {}, { work: async () => ofBytes(MAX_PAYLOAD_BYTES) });
    const result = await promise;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(calls).toEqual({ work: 1, notify: 0 });
    expect(result.steps.map((s) => s.name)).toEqual(['Work']);
  });

  test('a state output over the quota after ResultPath merges a small result into a large input fails the run', async () => {
    // The input and the task's input fit (262,144 - 200 bytes, plus the function name); the merged output does not.
    const input = ofBytes(MAX_PAYLOAD_BYTES - 200);
    const { promise, calls } = run(oneTask(CATCH_ALL), input, { work: async () => ({ a: 'b'.repeat(300) }) });
    const result = await promise;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: expect.stringContaining('the output of state Work'),
    });
    expect(calls).toEqual({ work: 1, notify: 0 });
  });

  test('the effective task input after Parameters is checked before the handler is called', async () => {
    // The state input is small; Parameters builds a payload of 262,145 bytes with a Pass-made field twice.
    const half = 'y'.repeat(131_100);
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: FN, Payload: { 'a.$': '$.s', 'b.$': '$.s' } },
          ...CATCH_ALL,
          Next: 'Done',
        },
        Caught: { Type: 'Pass', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { promise, calls } = run(definition, { s: half });
    const result = await promise;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: expect.stringContaining('the input of task Work after Parameters'),
    });
    expect(calls.work).toBe(0);
  });
});

describe('StartExecution and SendTaskSuccess size limits', () => {
  const passOnly = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

  test('accepts an execution input of exactly 262,144 bytes', async () => {
    const result = await run(passOnly, ofBytes(MAX_PAYLOAD_BYTES)).promise;
    expect(result.status).toBe('SUCCEEDED');
  });

  test('rejects an execution input of 262,145 bytes before the run starts (ValidationException)', async () => {
    const { promise, calls } = run(oneTask(), ofBytes(MAX_PAYLOAD_BYTES + 1));
    await expect(promise).rejects.toThrow(ExecutionInputTooLargeError);
    await expect(promise).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/262145 bytes.*262144/) });
    expect(calls).toEqual({ work: 0, notify: 0 });
  });

  const tokenTask = (timeoutSeconds?: number, resultPath = '$.approval') => ({
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: NOTIFY, Payload: { kind: 'approval', 'taskToken.$': '$$.Task.Token' } },
        // No ResultPath at all is the default '$' (aws-local-stepfunctions mishandles an explicit '$').
        ...(resultPath ? { ResultPath: resultPath } : {}),
        ...(timeoutSeconds !== undefined ? { TimeoutSeconds: timeoutSeconds } : {}),
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' }],
        Next: 'Done',
      },
      TimedOut: { Type: 'Fail', Error: 'ABORTED', Cause: 'no approval' },
      Done: { Type: 'Succeed' },
    },
  });
  /** An answer of exactly `bytes` bytes, as the approver would send it. */
  const answerOf = (bytes: number) => {
    const overhead = payloadBytes({ decision: 'approve', approver: '' });
    return { decision: 'approve', approver: 'a'.repeat(bytes - overhead) };
  };

  test('a SendTaskSuccess output of exactly 262,144 bytes is accepted', async () => {
    // Default ResultPath: the state output is the answer itself, so no other limit is in play.
    const { promise } = run(tokenTask(3600, ''), {}, { answerToken: async () => answerOf(MAX_PAYLOAD_BYTES) });
    const result = await promise;
    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    expect(payloadBytes(result.output)).toBe(MAX_PAYLOAD_BYTES);
  });

  test('rejects a 262,145-byte SendTaskSuccess output: the token stays unanswered and the task times out (States.Timeout)', async () => {
    const clock = simClock();
    const { promise } = run(tokenTask(3600), {}, { clock, answerToken: async () => answerOf(MAX_PAYLOAD_BYTES + 1) });
    const result = await promise;
    expect(result).toMatchObject({ status: 'FAILED', error: 'ABORTED' });
    expect(result.steps.find((s) => s.name === 'Approve')).toMatchObject({ status: 'CAUGHT', error: 'States.Timeout' });
    expect(clock.seconds()).toBe(3600);
  });

  test('a 1 MB approver name is not accepted (the outside fuzz)', async () => {
    const { promise } = run(tokenTask(3600), {}, { answerToken: async () => ({ decision: 'approve', approver: 'x'.repeat(1_048_576) }) });
    const result = await promise;
    expect(result.status).toBe('FAILED');
    expect(JSON.stringify(result.steps)).not.toContain('x'.repeat(1000));
  });

  test('without TimeoutSeconds, an unanswered token ends the execution (timed out)', async () => {
    const { promise } = run(tokenTask(), {}, { answerToken: async () => answerOf(MAX_PAYLOAD_BYTES + 1) });
    const result = await promise;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
      cause: expect.stringContaining('SendTaskSuccess was rejected'),
    });
  });
});

describe('function timeout (Sandbox.Timedout) and task timeout (States.Timeout), on the simulated clock', () => {
  const slow =
    (clock: SimClock, seconds: number): Handler =>
    async () => {
      clock.advance(seconds);
      return { ok: true };
    };

  test('a handler that takes exactly its function timeout succeeds', async () => {
    const clock = simClock();
    const result = await run(oneTask({ TimeoutSeconds: 330 }), {}, { clock, work: slow(clock, 300) }).promise;
    expect(result.status).toBe('SUCCEEDED');
  });

  test('a handler past its function timeout fails the task with Sandbox.Timedout, which a Catch handles', async () => {
    const clock = simClock();
    const result = await run(oneTask({ TimeoutSeconds: 330, ...CATCH_ALL }), {}, { clock, work: slow(clock, 301) }).promise;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.error).toEqual({ Error: 'Sandbox.Timedout', Cause: 'Task timed out after 300.00 seconds' });
    expect(result.steps.map((s) => s.name)).toEqual(['Work', 'Caught', 'Done']);
  });

  test('Sandbox.Timedout is retried by a retrier that names it', async () => {
    const clock = simClock();
    let runs = 0;
    const work: Handler = async () => {
      runs++;
      if (runs === 1) clock.advance(301);
      return { ok: true };
    };
    const retry = { Retry: [{ ErrorEquals: ['Sandbox.Timedout'], MaxAttempts: 2, IntervalSeconds: 2 }] };
    const result = await run(oneTask({ TimeoutSeconds: 330, ...retry }), {}, { clock, work }).promise;
    expect(result.status).toBe('SUCCEEDED');
    expect(runs).toBe(2);
  });

  test('a task TimeoutSeconds shorter than the function timeout fails with States.Timeout instead', async () => {
    const clock = simClock();
    const result = await run(oneTask({ TimeoutSeconds: 60, ...CATCH_ALL }), {}, { clock, work: slow(clock, 61) }).promise;
    expect(result.output.error.Error).toBe('States.Timeout');
  });

  test("uses the function timeout given for that function (and Lambda's 3 s default for others)", async () => {
    const clock = simClock();
    const shortFn = await run(oneTask(CATCH_ALL), {}, { clock, work: slow(clock, 11), functionTimeouts: { [FN]: 10 } }).promise;
    expect(shortFn.output.error.Error).toBe('Sandbox.Timedout');
    const clock2 = simClock();
    const unknownFn = await run(oneTask(CATCH_ALL), {}, { clock: clock2, work: slow(clock2, 4), functionTimeouts: {} }).promise;
    expect(unknownFn.output.error).toEqual({ Error: 'Sandbox.Timedout', Cause: 'Task timed out after 3.00 seconds' });
  });

  test('an uncaught Sandbox.Timedout fails the execution with that error', async () => {
    const clock = simClock();
    const result = await run(oneTask({ TimeoutSeconds: 330 }), {}, { clock, work: slow(clock, 400) }).promise;
    expect(result).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
  });
});

test("a run past the state machine's own TimeoutSeconds ends States.Timeout, not as an interpreter failure", async () => {
  // aws-local-stepfunctions measures this one in real time: a 1-second machine and a handler that takes 1.5 s.
  const definition = { ...oneTask(), TimeoutSeconds: 1 };
  const { promise } = run(definition, {}, { work: () => new Promise((resolve) => setTimeout(() => resolve({}), 1500)) });
  await expect(promise).resolves.toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});

describe('execution history quota: 25,000 events (States.Runtime)', () => {
  /** A Pass loop of `n` turns: each turn enters and exits a Pass and a Choice (4 events). */
  const loop = {
    StartAt: 'Count',
    States: {
      Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'limit.$': '$.limit' }, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThanPath: '$.limit', Next: 'Count' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  };
  // ExecutionStarted + 4 per turn + SucceedStateEntered/Exited + ExecutionSucceeded.
  const eventsFor = (turns: number) => 1 + 4 * turns + 2 + 1;

  test('counts the events of a run as a Standard workflow records them', async () => {
    const result = await run(loop, { n: 0, limit: 10 }).promise;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.historyEvents).toBe(eventsFor(10));
    // Tasks: 3 events per attempt (scheduled, started, succeeded/failed), plus entered/exited.
    const withTask = await run(oneTask({ TimeoutSeconds: 30 }), {}).promise;
    expect(withTask.historyEvents).toBe(1 + (2 + 3) + (2 + 3) + 2 + 1);
  });

  test('counts every retry attempt of a task and the TaskSubmitted of a callback task', async () => {
    let runs = 0;
    const failTwice: Handler = async () => {
      runs++;
      if (runs <= 2) throw Object.assign(new Error('boom'), { name: 'TransientError' });
      return {};
    };
    const retry = { Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 3 }] };
    const result = await run(oneTask(retry), {}, { work: failTwice }).promise;
    expect(result.historyEvents).toBe(1 + (2 + 3 * 3) + (2 + 3) + 2 + 1);
  });

  test('a run whose ExecutionSucceeded is event 25,000 succeeds', async () => {
    // 1 + 4 * 6249 + 3 = 25,000: the last event is ExecutionSucceeded.
    const result = await run(loop, { n: 0, limit: 6249 }).promise;
    expect(eventsFor(6249)).toBe(MAX_HISTORY_EVENTS);
    expect(result).toMatchObject({ status: 'SUCCEEDED', historyEvents: MAX_HISTORY_EVENTS });
  });

  test('one more event fails the execution at event 25,000 with States.Runtime, which no Catch sees', async () => {
    // A task in a loop with a catch-all: the history fills up inside the loop.
    const definition = {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: FN, ResultPath: null, ...CATCH_ALL, Next: 'More' },
        More: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Work' },
        Caught: { Type: 'Pass', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { promise, calls } = run(definition, {});
    const result = await promise;
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (25000).',
    });
    expect(result.historyEvents).toBe(MAX_HISTORY_EVENTS);
    // 7 events per turn (Task entered, scheduled, started, succeeded, exited; Choice entered, exited) after
    // ExecutionStarted: 3,571 turns make 24,998 events, the next TaskStateEntered is #24,999 and its TaskScheduled
    // would be #25,000, so the execution fails there and the function is not invoked a 3,572nd time.
    expect(1 + 7 * 3571).toBe(24_998);
    expect(calls.work).toBe(3571);
    expect(result.steps.some((s) => s.name === 'Caught')).toBe(false);
  }, 60_000);

  test('the loop one turn longer than the limit allows fails', async () => {
    const result = await run(loop, { n: 0, limit: 6250 }).promise;
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime', historyEvents: MAX_HISTORY_EVENTS });
  });
});
