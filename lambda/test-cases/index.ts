/**
 * Test cases: one step of a test-case loop (UAT before the approval gate, the routing proof right after the
 * cutover). Polls the executions in flight (GetTestCaseExecutionSummary), starts pending ones while fewer than five
 * of ours run (StartTestCaseExecution), reads why a failed one failed (ListTestCaseExecutionRecords), and lets the
 * core judge the run. The state machine waits between steps (WaitForUatTests / WaitForRoutingProof).
 *
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_StartTestCaseExecution.html
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetTestCaseExecutionSummary.html
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_ListTestCaseExecutionRecords.html
 */
import { createHash } from 'node:crypto';
import {
  GetTestCaseExecutionSummaryCommand,
  ListTestCaseExecutionRecordsCommand,
  ServiceQuotaExceededException,
  StartTestCaseExecutionCommand,
} from '@aws-sdk/client-connect';
import * as z from 'zod';
import {
  formatTestCases,
  initialTestState,
  judgeTests,
  linesToPoll,
  linesToStart,
  notRun,
  type TestCasesState,
  type TestLineResult,
  type TestRunStatus,
} from '../core/test-cases';
import { connect } from '../shared/clients';
import { now } from '../shared/clock';
import { instanceIdOf } from '../shared/connect';
import { logger } from '../shared/logger';
import { parseState, type StateDocument } from '../shared/state';
import { publishStatus } from '../shared/status';

const eventSchema = z.object({ kind: z.enum(['uat', 'routingProof']), state: z.unknown() });

/**
 * Errors with which Connect refuses test cases for the account or Region rather than for this request: the feature
 * is then unavailable and UAT falls back to the `uat` attestation. AWS documents no specific error for a Region
 * without the feature; an unknown operation (404 UnknownOperationException) or AccessDeniedException is taken as it.
 */
const UNAVAILABLE_ERRORS = new Set(['AccessDeniedException', 'UnknownOperationException']);

export async function handler(event: unknown): Promise<TestCasesState> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`event.${issue.path.join('.')}: ${issue.message}`);
  }
  const { kind } = parsed.data;
  const doc = parseState(parsed.data.state, 'config', 'run', 'executionArn');
  const { config, run, executionArn } = doc;
  logger.appendKeys({ changeId: run.changeId, executionArn, testCases: kind });
  const previous = doc[kind];
  const label = kind === 'uat' ? 'UatTests' : 'RoutingProof';

  let state = await step(kind, doc, previous);
  state = judgeTests(state, now().getTime());
  if (state.done || !previous) {
    await publishStatus(config, {
      step: label,
      changeId: run.changeId,
      status: state.status,
      summary: formatTestCases(state),
      detail: state.lines,
    });
  }
  return state;
}

async function step(
  kind: 'uat' | 'routingProof',
  doc: Pick<StateDocument, 'config' | 'run' | 'executionArn'> & Partial<StateDocument>,
  previous: TestCasesState | undefined,
): Promise<TestCasesState> {
  const { config, run, executionArn } = doc;
  const targets = config.testCases?.[kind] ?? [];
  if (targets.length === 0) {
    return notRun(
      kind,
      'NOT_CONFIGURED',
      kind === 'uat' ? 'no UAT test cases configured: the uat attestation covers UAT' : 'no routing proof configured',
    );
  }
  if (kind === 'uat' && doc.readiness && !doc.readiness.ready) return notRun(kind, 'SKIPPED', 'not run: the deploy check failed');
  // A routing proof calls one cut-over number per line: a line whose number this run did not move proves nothing.
  const selected = run.selection ? new Set(run.selection) : undefined;
  const inRun = targets.filter((t) => !selected || t.phoneNumber === undefined || selected.has(t.phoneNumber));
  if (inRun.length === 0) return notRun(kind, 'SKIPPED', 'not run: no line of this run has a test case');
  if (previous?.done) return previous;

  const instanceId = instanceIdOf(config.instanceArn);
  let state: TestCasesState = previous && previous.lines.length > 0 ? previous : initialTestState(kind, inRun);
  const lines: TestLineResult[] = [...state.lines];

  for (const i of linesToPoll(state)) {
    const line = lines[i];
    const summary = await connect.send(
      new GetTestCaseExecutionSummaryCommand({
        InstanceId: instanceId,
        TestCaseId: line.testCaseId,
        TestCaseExecutionId: line.executionId!,
      }),
    );
    const status = (summary.Status ?? line.status) as TestRunStatus;
    const o = summary.ObservationSummary;
    lines[i] = {
      ...line,
      status,
      ...(summary.StartTime ? { startedAt: summary.StartTime.toISOString() } : {}),
      ...(summary.EndTime ? { endedAt: summary.EndTime.toISOString() } : {}),
      ...(o
        ? { observations: { total: o.TotalObservations ?? 0, passed: o.ObservationsPassed ?? 0, failed: o.ObservationsFailed ?? 0 } }
        : {}),
    };
    if (status === 'FAILED') lines[i] = { ...lines[i], failure: await firstFailure(instanceId, lines[i]) };
  }

  state = { ...state, lines, polls: state.polls + 1 };
  for (const i of linesToStart(state)) {
    const line = lines[i];
    try {
      const started = await connect.send(
        new StartTestCaseExecutionCommand({
          InstanceId: instanceId,
          TestCaseId: line.testCaseId,
          // Idempotent per execution and line: a retried step does not start a second simulated call.
          ClientToken: createHash('sha256').update(`${executionArn}\u0000${kind}\u0000${line.serviceLine}`).digest('hex'),
        }),
      );
      lines[i] = {
        ...line,
        status: (started.Status as TestRunStatus | undefined) ?? 'INITIATED',
        executionId: started.TestCaseExecutionId,
        startedAt: now().toISOString(),
      };
      state = { ...state, startedAt: state.startedAt ?? now().toISOString() };
    } catch (error) {
      const name = (error as Error).name;
      // The instance's queue of test executions (100, running ones included) is full: try again next step.
      if (error instanceof ServiceQuotaExceededException) {
        logger.warn('test execution queue full; retrying on the next step', { serviceLine: line.serviceLine });
        continue;
      }
      if (UNAVAILABLE_ERRORS.has(name) && !lines.some((l) => l.executionId)) {
        return notRun(
          kind,
          'UNAVAILABLE',
          `test cases are unavailable here (${name}: ${(error as Error).message})` +
            (kind === 'uat' ? '; UAT rests on the uat attestation' : '; verification proceeds without a routing proof'),
        );
      }
      throw error;
    }
  }
  return { ...state, lines };
}

/** The first failed observation of an execution, as the reason the line failed. */
async function firstFailure(instanceId: string, line: TestLineResult): Promise<string> {
  try {
    const out = await connect.send(
      new ListTestCaseExecutionRecordsCommand({
        InstanceId: instanceId,
        TestCaseId: line.testCaseId,
        TestCaseExecutionId: line.executionId!,
        Status: 'FAILED',
      }),
    );
    const record = out.ExecutionRecords?.[0];
    return record ? `observation ${record.ObservationId ?? '(unnamed)'} failed` : 'no failed observation recorded';
  } catch (error) {
    // The verdict stands without the detail: a failed execution is a failure whatever its records say.
    logger.warn('could not read the failed execution records', { error: error as Error });
    return 'records unavailable';
  }
}
