/**
 * Keys of the runbook's control table (one table per runbook): the one-go-live-at-a-time lock and operator abort
 * requests. Shared by the handlers and the operator CLI, so both name the same items.
 */

/** The lock item: at most one execution of a runbook holds it. */
export const LOCK_KEY = 'LOCK';

/** The abort request `connect-golive abort` writes for an execution; Cutover and Verify look for it. */
export function abortKey(executionArn: string): string {
  return `ABORT#${executionArn}`;
}

/**
 * One batch of an execution's resolved numbers and their rollback snapshot, written by DeployCheck and read by
 * Cutover, Rollback and Finalize: per-number data lives here, not in the state document.
 */
export function snapshotKey(executionArn: string, batch: number): string {
  return `SNAPSHOT#${executionArn}#${batch}`;
}

/** Snapshot items outlive the longest execution by 30 days, so a late report or a hand rollback can still read them. */
export const SNAPSHOT_RETENTION_DAYS_BEYOND_EXECUTION = 30;

/**
 * The point of no return of a go-live execution, written once by the Decommission state machine after it released
 * the UAT number: who approved it, with which attestations, and when.
 */
export function decommissionKey(goLiveExecutionArn: string): string {
  return `DECOMMISSION#${goLiveExecutionArn}`;
}

/** The tag on the runbook state machine naming its Decommission state machine (`connect-golive decommission` reads it). */
export const DECOMMISSION_TAG = 'connect-golive:decommission-state-machine';
