/**
 * The runbook's one error module. The state machine's Retry and Catch match on `Error` names, and a Lambda
 * error's name is the thrown object's `name`, so every class sets `this.name` explicitly (minifiers rename
 * classes; a string literal survives bundling). `cause` is kept so the execution history shows the SDK error
 * behind a runbook error.
 */

/**
 * The `Error` names the state machine matches on. The first six are thrown by the handlers (classes below);
 * `ApprovalRejected` and `OperatorAbort` are sent by the operator CLI with SendTaskFailure (docs/internals.md).
 */
export const ERROR_NAMES = {
  inputValidation: 'InputValidationError',
  notReady: 'NotReadyError',
  cutover: 'CutoverError',
  rollback: 'RollbackError',
  transient: 'TransientError',
  abortRequested: 'AbortRequestedError',
  goLiveInProgress: 'GoLiveInProgressError',
  snapshotMissing: 'SnapshotMissingError',
  decommissionRefused: 'DecommissionRefused',
  approvalRejected: 'ApprovalRejected',
  operatorAbort: 'OperatorAbort',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** One problem with the execution input: the field path (`phoneNumbers[1]`) and what is wrong with it. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A Lambda error's message travels in the execution history (32 KB cause limit): ten problems say enough. */
const MAX_PROBLEMS_IN_MESSAGE = 10;

/**
 * The execution input is malformed. Thrown by ValidateInput before anything is read or changed.
 * The message begins with the first offending field path (`cutoverAt: must be in the future, got …`); every
 * problem found is in `problems`.
 */
export class InputValidationError extends Error {
  /** Path of the first offending field, e.g. `verification.maxAbandonmentRate`; `input` for the whole input. */
  public readonly field: string;
  public readonly problems: readonly FieldProblem[];

  constructor(field: string, message: string, options?: ErrorOptions);
  constructor(problems: readonly FieldProblem[], options?: ErrorOptions);
  constructor(fieldOrProblems: string | readonly FieldProblem[], messageOrOptions?: string | ErrorOptions, maybeOptions?: ErrorOptions) {
    const list: readonly FieldProblem[] =
      typeof fieldOrProblems === 'string' ? [{ field: fieldOrProblems, message: String(messageOrOptions) }] : fieldOrProblems;
    const options = typeof messageOrOptions === 'string' ? maybeOptions : messageOrOptions;
    if (list.length === 0) {
      throw new Error('InputValidationError needs at least one problem');
    }
    const shown = list.slice(0, MAX_PROBLEMS_IN_MESSAGE).map((p) => `${p.field}: ${p.message}`);
    if (list.length > MAX_PROBLEMS_IN_MESSAGE) shown.push(`and ${list.length - MAX_PROBLEMS_IN_MESSAGE} more`);
    super(shown.join('; '), options);
    this.name = ERROR_NAMES.inputValidation;
    this.field = list[0].field;
    this.problems = list;
  }
}

/** DeployCheck found the contact center not ready (the readiness report says which items failed). */
export class NotReadyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.notReady;
  }
}

/** The cutover could not complete; the state machine takes the Rollback path. */
export class CutoverError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.cutover;
  }
}

/** The rollback could not restore every number; the execution ends ROLLED_BACK only when this is not thrown. */
export class RollbackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.rollback;
  }
}

/** A retryable API failure (throttling, 5xx, timeout): the state machine retries the task with backoff. */
export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.transient;
  }
}

/** An operator asked to abort while the cutover or verification was running; handled like a breach. */
export class AbortRequestedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.abortRequested;
  }
}

/** Another execution of the same runbook holds the lock: this one ends ABORTED before touching anything. */
export class GoLiveInProgressError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.goLiveInProgress;
  }
}

/**
 * A batch of the rollback snapshot is not in the control table. Never guessed around: without the snapshot a
 * rollback cannot know where a number must go back to, so the execution says so (ROLLBACK_FAILED) instead.
 */
export class SnapshotMissingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.snapshotMissing;
  }
}

/**
 * The decommission was refused before anything changed: the go-live execution did not end LIVE (or still runs:
 * verification or hypercare is not over), a required attestation is missing, the input is malformed, or the
 * point of no return was already recorded for it.
 */
export class DecommissionRefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.decommissionRefused;
  }
}
