/**
 * Reading a Step Functions execution history: the state visits, the task events that belong to them, and
 * the runbook outcome. Shared by the evidence report and the operator CLI.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** The runbook outcomes (docs/internals.md): a Succeed state's output `outcome`, or a Fail state's error. */
export const OUTCOMES = ['LIVE', 'DRY_RUN_OK', 'ROLLED_BACK', 'PARTIALLY_ROLLED_BACK', 'ABORTED', 'ROLLBACK_FAILED'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The runbook states whose names the readers rely on (docs/internals.md). */
export const RUNBOOK_STATES = {
  /** The first state that may move a number. */
  cutover: 'Cutover',
  /** Restores the snapshot. */
  rollback: 'Rollback',
  /** One poll of the verification loop; its output's `verify` holds the sample and the verdict. */
  verify: 'Verify',
} as const;

/** The fields of DescribeExecution that the readers use (a `DescribeExecutionOutput` fits). */
export interface ExecutionDescription {
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  readonly name?: string;
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionOutcome {
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  readonly status: string;
  readonly ended: boolean;
  /** The runbook outcome; absent while running or when the execution ended outside the runbook's states. */
  readonly outcome?: Outcome;
  /** What to show: the outcome, else the raw error, else the status. */
  readonly label: string;
  readonly cause?: string;
}

export interface ErrorDetail {
  readonly error: string;
  readonly cause?: string;
}

/** One entry into one state, with what happened until it was left. */
export interface StateVisit {
  readonly name: string;
  /** The state type as the history names it: Task, Pass, Choice, Wait, Succeed, Fail, Map, Parallel. */
  readonly type: string;
  readonly enteredEventId: number;
  readonly enteredAt: Date;
  readonly input?: string;
  exitedAt?: Date;
  output?: string;
  /** The last task failure seen while in the state (a Catch may have handled it). */
  failure?: ErrorDetail;
}

const TASK_END_TYPES = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed']);

/** Parses JSON; undefined when absent or malformed (history data may be truncated at 256 KB). */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Narrows to a plain object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The `…EventDetails` member of an event, whatever its type. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value) return value as Record<string, unknown>;
  }
  return undefined;
}

/** The history in event order, with an index by id. */
export class ExecutionHistory {
  public readonly events: readonly HistoryEvent[];
  private readonly byId = new Map<number, HistoryEvent>();

  constructor(events: readonly HistoryEvent[]) {
    this.events = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    for (const event of this.events) {
      if (event.id !== undefined) this.byId.set(event.id, event);
    }
  }

  public event(id: number | undefined): HistoryEvent | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /**
   * Walks `previousEventId` back from an event to the nearest event that satisfies `match`
   * (e.g. from a TaskSucceeded to its TaskScheduled, or from a task event to its state's entry).
   */
  public walkBack(from: HistoryEvent, match: (event: HistoryEvent) => boolean): HistoryEvent | undefined {
    const seen = new Set<number>();
    let current = this.event(from.previousEventId);
    while (current && current.id !== undefined && !seen.has(current.id)) {
      if (match(current)) return current;
      seen.add(current.id);
      current = this.event(current.previousEventId);
    }
    return undefined;
  }

  /**
   * The StateEntered event of the state an event belongs to: by the `previousEventId` chain, else (a history
   * without chains) the last state entered before it.
   */
  public enteredEventOf(event: HistoryEvent): HistoryEvent | undefined {
    const isEntered = (e: HistoryEvent): boolean => (e.type ?? '').endsWith('StateEntered');
    return this.walkBack(event, isEntered) ?? [...this.events].reverse().find((e) => isEntered(e) && (e.id ?? 0) < (event.id ?? 0));
  }

  /** Every state visit, in the order the states were entered. */
  public visits(): StateVisit[] {
    const visits: StateVisit[] = [];
    const byEnteredId = new Map<number, StateVisit>();
    const openByName = new Map<string, StateVisit>();
    for (const event of this.events) {
      const type = event.type ?? '';
      if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
        const visit: StateVisit = {
          name: event.stateEnteredEventDetails.name,
          type: type.slice(0, -'StateEntered'.length),
          enteredEventId: event.id ?? 0,
          enteredAt: event.timestamp ?? new Date(0),
          input: event.stateEnteredEventDetails.input,
        };
        visits.push(visit);
        byEnteredId.set(visit.enteredEventId, visit);
        openByName.set(visit.name, visit);
      } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
        const visit = openByName.get(event.stateExitedEventDetails.name);
        if (visit) {
          visit.exitedAt = event.timestamp;
          visit.output = event.stateExitedEventDetails.output;
          openByName.delete(visit.name);
        }
      } else if (isFailureEvent(type) || type === 'TaskSucceeded') {
        const entered = this.enteredEventOf(event);
        const visit = entered?.id !== undefined ? byEnteredId.get(entered.id) : undefined;
        if (!visit) continue;
        if (type === 'TaskSucceeded') {
          // A retry that succeeded clears the failure of an earlier attempt.
          visit.failure = undefined;
        } else {
          visit.failure = errorDetailOf(event);
        }
      }
    }
    return visits;
  }

  /**
   * Each TaskScheduled event id → the event that ended that task (TaskSucceeded, TaskFailed, …).
   * Pairs by `previousEventId`; an end event without that chain pairs with the newest unanswered task before it.
   */
  public taskAnswers(): Map<number, HistoryEvent> {
    const answers = new Map<number, HistoryEvent>();
    const scheduled: HistoryEvent[] = [];
    for (const event of this.events) {
      if (event.type === 'TaskScheduled') {
        scheduled.push(event);
      } else if (TASK_END_TYPES.has(event.type ?? '')) {
        const task = this.scheduledFor(event) ?? [...scheduled].reverse().find((s) => s.id !== undefined && !answers.has(s.id));
        if (task?.id !== undefined && !answers.has(task.id)) answers.set(task.id, event);
      }
    }
    return answers;
  }

  /** The TaskScheduled event a task-ending event (TaskSucceeded, TaskFailed, …) answers. */
  public scheduledFor(end: HistoryEvent): HistoryEvent | undefined {
    return this.walkBack(end, (e) => e.type === 'TaskScheduled');
  }

  /** Task-ending events: TaskSucceeded, TaskFailed, TaskTimedOut, TaskStartFailed, TaskSubmitFailed. */
  public taskEnds(): HistoryEvent[] {
    return this.events.filter((e) => TASK_END_TYPES.has(e.type ?? ''));
  }
}

/** The error and cause of a failure event (TaskFailed, ExecutionFailed, …). */
export function errorDetailOf(event: HistoryEvent): ErrorDetail {
  const details = detailsOf(event);
  return {
    error: typeof details?.error === 'string' ? details.error : (event.type ?? 'Error'),
    cause: typeof details?.cause === 'string' ? details.cause : undefined,
  };
}

export type DecisionKind = 'approval' | 'inconclusive';

/** A human decision the runbook waits for: a `lambda:invoke.waitForTaskToken` task with a typed payload. */
export interface TokenTask {
  readonly taskToken: string;
  readonly kind: DecisionKind;
  readonly payload: Record<string, unknown>;
}

/**
 * The decision task a TaskScheduled event started, or undefined for any other event. The parameters are the
 * resolved task parameters: `{ FunctionName, Payload: { taskToken, kind, … } }` (docs/internals.md).
 */
export function tokenTaskOf(event: HistoryEvent): TokenTask | undefined {
  const details = event.type === 'TaskScheduled' ? event.taskScheduledEventDetails : undefined;
  if (!details || `${details.resourceType}:${details.resource}` !== 'lambda:invoke.waitForTaskToken') return undefined;
  const payload = asRecord(asRecord(parseJson(details.parameters))?.Payload);
  const taskToken = payload?.taskToken;
  const kind = payload?.kind;
  if (typeof taskToken !== 'string' || taskToken === '' || (kind !== 'approval' && kind !== 'inconclusive')) return undefined;
  return { taskToken, kind, payload: payload! };
}

function isFailureEvent(type: string): boolean {
  if (type.startsWith('Execution')) return false;
  return type.endsWith('Failed') || type.endsWith('TimedOut');
}

/** The runbook outcome of an execution, from DescribeExecution. */
export function outcomeOf(describe: ExecutionDescription): ExecutionOutcome {
  const status = describe.status ?? 'UNKNOWN';
  const ended = status !== 'RUNNING' && status !== 'UNKNOWN';
  if (status === 'SUCCEEDED') {
    const outcome = asOutcome(asRecord(parseJson(describe.output))?.outcome);
    return { status, ended, outcome, label: outcome ?? 'SUCCEEDED' };
  }
  if (status === 'FAILED' || status === 'ABORTED' || status === 'TIMED_OUT' || status === 'PENDING_REDRIVE') {
    // StopExecution without an error leaves none: a stopped execution is ABORTED.
    const error = describe.error ?? (status === 'ABORTED' ? 'ABORTED' : undefined);
    const outcome = asOutcome(error);
    return { status, ended, outcome, label: outcome ?? error ?? status, cause: describe.cause };
  }
  return { status, ended, label: status };
}

function asOutcome(value: unknown): Outcome | undefined {
  return (OUTCOMES as readonly unknown[]).includes(value) ? (value as Outcome) : undefined;
}

/** ISO-8601 UTC to the second: `2025-06-01T22:00:00Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
