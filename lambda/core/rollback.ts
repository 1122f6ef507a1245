/**
 * What to change, and whether the change took: the cutover plan, the rollback plan and the read-back check.
 * Every plan is computed from what the instance says now, so a retry after a partial failure only redoes what
 * is not done yet (the Cutover and Rollback tasks converge instead of repeating).
 *
 * `current` maps are phoneNumberId → the flow the number is associated with now: a flow id (or flow ARN), null
 * for "no association", and a missing key for "not read" (unknown is treated as different: acting again is
 * harmless, skipping a number that was never checked is not).
 */
import { ResolvedNumber } from './types';

/** phoneNumberId → flow id or ARN now (null = no association; missing = not read). */
export type CurrentAssociations = Readonly<Record<string, string | null | undefined>>;

export interface CutoverAction {
  readonly phoneNumberId: string;
  readonly phoneNumber: string;
  readonly targetFlowId: string;
  /** The flow read now; null = none; absent = not read. */
  readonly currentFlowId?: string | null;
}

export interface RestoreAction {
  readonly phoneNumberId: string;
  readonly phoneNumber: string;
  /** The snapshot flow to put back; null = the number had no flow before cutover. */
  readonly restoreFlowId: string | null;
  /**
   * ASSOCIATE the snapshot flow (AssociatePhoneNumberContactFlow), or DISASSOCIATE when the snapshot is null
   * (DisassociatePhoneNumberContactFlow): rollback restores the exact pre-cutover state, so a number that took
   * no calls through Connect before goes back to taking none, rather than staying on the flow that just failed.
   */
  readonly action: 'ASSOCIATE' | 'DISASSOCIATE';
  /** The flow read now; null = none; absent = not read. */
  readonly currentFlowId?: string | null;
}

export interface AssociationMismatch {
  readonly phoneNumberId: string;
  /** null = expected no association. */
  readonly expectedFlowId: string | null;
  /** null = no association read back; absent = the number was not in the read-back at all. */
  readonly actualFlowId?: string | null;
  readonly detail: string;
}

/**
 * The id inside a flow reference: `arn:aws:connect:…:instance/<i>/contact-flow/<id>` → `<id>`; anything else
 * is returned as is. Association APIs answer with ARNs in some places and ids in others.
 */
export function flowIdOf(ref: string): string {
  const match = /\/contact-flow\/([^/]+)$/.exec(ref);
  return match ? match[1] : ref;
}

/** Whether two flow references (id or ARN, null = none) name the same flow. */
export function sameFlow(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  return flowIdOf(a) === flowIdOf(b);
}

/** The numbers not yet on their target flow (all of them on a first run; the rest on a retry). */
export function planCutover(numbers: readonly ResolvedNumber[], current: CurrentAssociations): CutoverAction[] {
  return numbers
    .filter((n) => !sameFlow(read(current, n.phoneNumberId), n.targetFlowId))
    .map((n) => ({
      phoneNumberId: n.phoneNumberId,
      phoneNumber: n.phoneNumber,
      targetFlowId: n.targetFlowId,
      ...currentOf(current, n.phoneNumberId),
    }));
}

/**
 * The numbers whose flow differs from their snapshot, with what to do: ASSOCIATE the snapshot flow, or
 * DISASSOCIATE when the snapshot is null. A number already back on its snapshot is left alone, so a rollback
 * after a partial cutover touches only the numbers that moved.
 */
export function planRollback(numbers: readonly ResolvedNumber[], current: CurrentAssociations): RestoreAction[] {
  return numbers
    .filter((n) => !sameFlow(read(current, n.phoneNumberId), n.snapshotFlowId))
    .map((n) => ({
      phoneNumberId: n.phoneNumberId,
      phoneNumber: n.phoneNumber,
      restoreFlowId: n.snapshotFlowId,
      action: n.snapshotFlowId === null ? ('DISASSOCIATE' as const) : ('ASSOCIATE' as const),
      ...currentOf(current, n.phoneNumberId),
    }));
}

/** phoneNumberId → target flow id: what the read-back must show after the cutover. */
export function targetAssociations(numbers: readonly ResolvedNumber[]): Record<string, string> {
  return Object.fromEntries(numbers.map((n) => [n.phoneNumberId, n.targetFlowId]));
}

/** phoneNumberId → snapshot flow id: what the read-back must show after the rollback. */
export function snapshotAssociations(numbers: readonly ResolvedNumber[]): Record<string, string | null> {
  return Object.fromEntries(numbers.map((n) => [n.phoneNumberId, n.snapshotFlowId]));
}

/**
 * Compares the expected associations with what was read back; one mismatch per number that differs or was not
 * read back. An empty list means converged.
 */
export function checkConverged(expected: Readonly<Record<string, string | null>>, readBack: CurrentAssociations): AssociationMismatch[] {
  const mismatches: AssociationMismatch[] = [];
  for (const [phoneNumberId, expectedFlowId] of Object.entries(expected)) {
    const actual = read(readBack, phoneNumberId);
    if (sameFlow(actual, expectedFlowId)) continue;
    const want = expectedFlowId === null ? 'no flow' : `flow ${flowIdOf(expectedFlowId)}`;
    const got = actual === undefined ? 'was not read back' : actual === null ? 'has no flow' : `is on flow ${flowIdOf(actual)}`;
    mismatches.push({
      phoneNumberId,
      expectedFlowId,
      ...(actual !== undefined ? { actualFlowId: actual } : {}),
      detail: `${phoneNumberId} ${got}, expected ${want}`,
    });
  }
  return mismatches;
}

/** Own keys only: an id never resolves to an inherited property of the record. */
function read(current: CurrentAssociations, phoneNumberId: string): string | null | undefined {
  return Object.hasOwn(current, phoneNumberId) ? current[phoneNumberId] : undefined;
}

function currentOf(current: CurrentAssociations, phoneNumberId: string): { currentFlowId?: string | null } {
  const value = read(current, phoneNumberId);
  return value === undefined ? {} : { currentFlowId: value };
}

/** What made the execution roll back, as far as the scope of the rollback is concerned. */
export interface RollbackCause {
  /** The execution input's `rollbackScope` (absent = `wave`). */
  readonly rollbackScope?: 'wave' | 'serviceLine';
  /** The last verification verdict, when verification ran. */
  readonly verifyDecision?: string;
  /** The service lines that verdict named as failing. */
  readonly failingLines?: readonly string[];
  /** A task failed or an operator aborted (an `error` in the state), or a human decided: never a partial rollback. */
  readonly errorOrHuman: boolean;
  /** Every service line of the wave. */
  readonly allLines: readonly string[];
}

/**
 * The service lines a rollback restores: only the failing ones when the execution asked for
 * `rollbackScope: "serviceLine"` and a verification verdict named them; otherwise (a task failure, an operator
 * abort, a human decision, or every line failing) the whole wave, as `undefined`.
 */
export function linesToRollBack(cause: RollbackCause): readonly string[] | undefined {
  if (cause.rollbackScope !== 'serviceLine' || cause.errorOrHuman || cause.verifyDecision !== 'ROLLBACK') return undefined;
  const failing = [...new Set(cause.failingLines ?? [])].filter((line) => cause.allLines.includes(line));
  if (failing.length === 0 || failing.length === cause.allLines.length) return undefined;
  return failing;
}
