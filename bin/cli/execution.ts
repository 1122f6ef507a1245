/**
 * Reading one runbook execution: its description, its full history, the decision it waits for, how far it got,
 * and the configuration embedded in its definition.
 */
import {
  DescribeExecutionCommand,
  DescribeExecutionCommandOutput,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { RunbookConfig } from '../../lambda/core/types';
import { asRecord, DecisionKind, ExecutionHistory, parseJson, RUNBOOK_STATES, StateVisit, tokenTaskOf } from '../../lib/report/history';
import { CliError } from './errors';

export async function describeExecution(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

/** Every event, oldest first (GetExecutionHistory pages through 1000 at a time). */
export async function fetchHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, reverseOrder: false, includeExecutionData: true, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A decision the runbook is waiting for (ApprovalGate or HumanDecision). */
export interface PendingDecision {
  readonly kind: DecisionKind;
  readonly taskToken: string;
  readonly stateName: string;
  readonly since: Date;
  readonly scheduledEventId: number;
}

/**
 * The newest `lambda:invoke.waitForTaskToken` task with a decision payload that nothing answered yet: no
 * TaskSucceeded / TaskFailed / TaskTimedOut pairs with it, and its state was not left.
 */
export function findPendingDecision(events: readonly HistoryEvent[]): PendingDecision | undefined {
  const history = new ExecutionHistory(events);
  const answers = history.taskAnswers();
  const visits = history.visits();
  const visitByEnteredId = new Map(visits.map((v) => [v.enteredEventId, v]));
  for (const event of [...history.events].reverse()) {
    const task = tokenTaskOf(event);
    if (!task || event.id === undefined || answers.has(event.id)) continue;
    const entered = history.enteredEventOf(event);
    const visit = entered?.id !== undefined ? visitByEnteredId.get(entered.id) : undefined;
    if (visit?.exitedAt) continue;
    return {
      kind: task.kind,
      taskToken: task.taskToken,
      stateName: visit?.name ?? entered?.stateEnteredEventDetails?.name ?? '(unknown state)',
      since: event.timestamp ?? new Date(0),
      scheduledEventId: event.id,
    };
  }
  return undefined;
}

/** How far an execution got: whether any number may have moved. */
export type Phase = 'before-cutover' | 'cutover' | 'rollback';

export function phaseOf(visits: readonly StateVisit[]): Phase {
  if (visits.some((v) => v.name === RUNBOOK_STATES.rollback)) return 'rollback';
  if (visits.some((v) => v.name === RUNBOOK_STATES.cutover)) return 'cutover';
  return 'before-cutover';
}

/** The state the execution is in now: the last one entered and not left. */
export function currentState(visits: readonly StateVisit[]): string | undefined {
  return [...visits].reverse().find((v) => !v.exitedAt)?.name;
}

/**
 * The RunbookConfig this execution runs with: `States.Configure.Parameters.config` of the definition it
 * started with (DescribeStateMachineForExecution, so a later update of the state machine does not mislead).
 */
export async function runbookConfigOf(sfn: SFNClient, executionArn: string): Promise<Partial<RunbookConfig>> {
  const { definition } = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
  const states = asRecord(asRecord(parseJson(definition))?.States);
  const config = asRecord(asRecord(asRecord(states?.Configure)?.Parameters)?.config);
  if (!config) {
    throw new CliError('this state machine is not a connect-golive runbook: its definition has no States.Configure.Parameters.config');
  }
  return config as Partial<RunbookConfig>;
}
