/**
 * Connect test cases in the simulator: StartTestCaseExecution, GetTestCaseExecutionSummary and
 * ListTestCaseExecutionRecords over the synthesized AWS::Connect::TestCase resources (lib/rehearsal/runner.ts reads
 * them from the template, with the line and kind the construct tags them with).
 *
 * What AWS documents, modelled here (Admin Guide, "Execute test cases",
 * https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html):
 * - at most 5 executions run at once; more wait in the queue as INITIATED, first in first out;
 * - the queue holds at most 100 executions, running ones included; a start beyond is rejected
 *   (ServiceQuotaExceededException, HTTP 402, as the SDK models it);
 * - an execution whose observation never matches times out after 5 minutes as FAILED.
 * Only a PUBLISHED test case runs ("Starts executing a published test case", API reference).
 *
 * Where AWS is silent, the stricter choice: a routing proof PASSES only if, when its simulated call starts, the
 * number it calls is associated with the flow the plan moves it to; a UAT test case needs the UAT number to be
 * claimed and associated with a flow. A scenario can also make a line's test fail (its flow misbehaves).
 */
import type { Scenario } from '../scenario';
import type { SimulatedClock } from './clock';
import { ApiError, required } from './errors';
import { epochSeconds } from './protocol';
import type { ContactCenterState } from './state';

/** A synthesized test case as the simulator knows it. */
export interface SimTestCase {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly kind: 'uat' | 'routingProof';
  readonly serviceLine: string;
  /** E.164 the test calls (VOICE_CALL entry point). */
  readonly destination: string;
  readonly status: 'PUBLISHED' | 'SAVED';
}

interface Execution {
  readonly id: string;
  readonly testCase: SimTestCase;
  readonly clientToken?: string;
  readonly createdMs: number;
  readonly startMs: number;
  /** Decided when the simulated call starts (lazily, at the first look after startMs). */
  verdict?: { passed: boolean; why: string; endMs: number };
}

export const TEST_EXECUTION_CONCURRENCY = 5;
export const TEST_EXECUTION_QUEUE_CAPACITY = 100;
/** A failing observation times the execution out after 5 minutes. */
export const FAILED_TEST_SECONDS = 300;

export class TestCaseRunner {
  private readonly byId = new Map<string, SimTestCase>();
  private readonly executions: Execution[] = [];
  private seq = 0;

  constructor(
    private readonly ctx: {
      readonly state: ContactCenterState;
      readonly clock: SimulatedClock;
      readonly scenario: Scenario;
      readonly testCases: readonly SimTestCase[];
    },
  ) {
    for (const t of ctx.testCases) this.byId.set(t.id, t);
  }

  start(i: Readonly<Record<string, unknown>>): unknown {
    const testCase = this.testCase(i);
    this.refuseIfUnavailable();
    if (testCase.status !== 'PUBLISHED') {
      throw new ApiError('InvalidRequest', `Test case ${testCase.id} is not published`);
    }
    const now = this.ctx.clock.nowMillis();
    const token = typeof i.ClientToken === 'string' ? i.ClientToken : undefined;
    const same = token ? this.executions.find((e) => e.clientToken === token && e.testCase.id === testCase.id) : undefined;
    if (same) return { TestCaseExecutionId: same.id, TestCaseId: testCase.id, Status: this.status(same, now) };
    const unfinished = this.executions.filter((e) => this.endMs(e, now) > now).map((e) => this.endMs(e, now));
    if (unfinished.length >= TEST_EXECUTION_QUEUE_CAPACITY) {
      throw new ApiError(
        'InvalidRequest',
        `The test execution queue holds ${TEST_EXECUTION_QUEUE_CAPACITY} executions already`,
        {},
        'ServiceQuotaExceededException',
        402,
      );
    }
    // First in, first out over 5 slots: the new execution starts when the 5th-latest unfinished one ends.
    const ends = [...unfinished].sort((a, b) => a - b);
    const startMs = ends.length < TEST_EXECUTION_CONCURRENCY ? now : ends[ends.length - TEST_EXECUTION_CONCURRENCY];
    const execution: Execution = {
      id: `exec-${++this.seq}-${testCase.id.slice(0, 8)}`,
      testCase,
      clientToken: token,
      createdMs: now,
      startMs,
    };
    this.executions.push(execution);
    return { TestCaseExecutionId: execution.id, TestCaseId: testCase.id, Status: this.status(execution, now) };
  }

  summary(i: Readonly<Record<string, unknown>>): unknown {
    const execution = this.execution(i);
    const now = this.ctx.clock.nowMillis();
    const status = this.status(execution, now);
    const v = execution.verdict;
    const finished = status === 'PASSED' || status === 'FAILED';
    return {
      ...(now >= execution.startMs ? { StartTime: epochSeconds(execution.startMs) } : {}),
      ...(finished && v ? { EndTime: epochSeconds(v.endMs) } : {}),
      Status: status,
      ...(finished && v
        ? { ObservationSummary: { TotalObservations: 2, ObservationsPassed: v.passed ? 2 : 1, ObservationsFailed: v.passed ? 0 : 1 } }
        : {}),
    };
  }

  records(i: Readonly<Record<string, unknown>>): unknown {
    const execution = this.execution(i);
    const now = this.ctx.clock.nowMillis();
    const status = this.status(execution, now);
    const v = execution.verdict;
    if (!v || now < execution.startMs) return { ExecutionRecords: [] };
    const records = [
      {
        ObservationId: 'TestStarted',
        Status: 'PASSED',
        Timestamp: epochSeconds(execution.startMs),
        Record: JSON.stringify({ event: 'TestInitiated' }),
      },
      {
        ObservationId: 'Greeting',
        Status: status === 'IN_PROGRESS' ? 'IN_PROGRESS' : v.passed ? 'PASSED' : 'FAILED',
        Timestamp: epochSeconds(Math.min(now, v.endMs)),
        Record: JSON.stringify({ event: 'MessageReceived', detail: v.why }),
      },
    ];
    const wanted = typeof i.Status === 'string' ? i.Status : undefined;
    return { ExecutionRecords: wanted ? records.filter((r) => r.Status === wanted) : records };
  }

  /** The scenario's `testCases.available: false`: the account or Region has no test cases. */
  private refuseIfUnavailable(): void {
    if (this.ctx.scenario.testCases.available) return;
    throw new ApiError(
      'InvalidRequest',
      'Testing and simulation is not available for this instance (rehearsal: testCases.available is false)',
      {},
      'AccessDeniedException',
      403,
    );
  }

  private testCase(i: Readonly<Record<string, unknown>>): SimTestCase {
    required(i.TestCaseId, 'TestCaseId');
    if (!this.ctx.state.isInstance(String(i.InstanceId))) throw new ApiError('NotFound', `Instance not found: ${String(i.InstanceId)}`);
    const testCase = this.byId.get(String(i.TestCaseId));
    if (!testCase) {
      this.refuseIfUnavailable();
      throw new ApiError('NotFound', `Test case not found: ${String(i.TestCaseId)}`);
    }
    return testCase;
  }

  private execution(i: Readonly<Record<string, unknown>>): Execution {
    const testCase = this.testCase(i);
    required(i.TestCaseExecutionId, 'TestCaseExecutionId');
    const execution = this.executions.find((e) => e.id === i.TestCaseExecutionId && e.testCase.id === testCase.id);
    if (!execution) throw new ApiError('NotFound', `Test case execution not found: ${String(i.TestCaseExecutionId)}`);
    return execution;
  }

  private status(e: Execution, now: number): 'INITIATED' | 'IN_PROGRESS' | 'PASSED' | 'FAILED' {
    if (now < e.startMs) return 'INITIATED';
    const v = this.verdictOf(e);
    if (now < v.endMs) return 'IN_PROGRESS';
    return v.passed ? 'PASSED' : 'FAILED';
  }

  /** When an execution ends (or would, if started now), for the queue. */
  private endMs(e: Execution, now: number): number {
    if (e.verdict) return e.verdict.endMs;
    // Not started yet: it holds a slot for at least a passing test's length.
    return Math.max(e.startMs, now) + this.ctx.scenario.testCases.durationSeconds * 1000;
  }

  private verdictOf(e: Execution): { passed: boolean; why: string; endMs: number } {
    if (e.verdict) return e.verdict;
    const { passed, why } = this.judge(e.testCase);
    const seconds = passed ? this.ctx.scenario.testCases.durationSeconds : FAILED_TEST_SECONDS;
    e.verdict = { passed, why, endMs: e.startMs + seconds * 1000 };
    return e.verdict;
  }

  private judge(t: SimTestCase): { passed: boolean; why: string } {
    const number = this.ctx.state.numbers.find((n) => n.number === t.destination);
    if (!number || number.status !== 'CLAIMED') return { passed: false, why: `${t.destination} is not a claimed number of the instance` };
    const forced = this.ctx.scenario.testCases[t.kind][t.serviceLine];
    if (t.kind === 'routingProof') {
      const target = this.ctx.scenario.contactCenter.phoneNumbers.find((p) => p.number === t.destination)?.targetFlow;
      if (number.flow !== target) {
        return { passed: false, why: `${t.destination} reaches ${number.flow ?? 'no flow'}, not its target flow ${target ?? '(none)'}` };
      }
    } else if (number.flow === null) {
      return { passed: false, why: `${t.destination} is associated with no flow` };
    }
    if (forced === 'fail') return { passed: false, why: `the flow did not play the expected prompt (scenario testCases.${t.kind})` };
    return { passed: true, why: `${t.destination} played the expected prompt on ${number.flow}` };
  }
}
