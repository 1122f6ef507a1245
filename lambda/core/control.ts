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
