/**
 * Finalize: reads where every number ended up, explains the outcome and publishes the closing status. It never
 * changes the outcome the state machine marked. Its output stays small whatever the wave: per-number associations
 * only for small waves, counts per flow always, and the stranded numbers (ROLLBACK_FAILED) capped in the sentence.
 */
import { explainOutcome, Outcome } from '../core/outcome';
import { sameFlow } from '../core/rollback';
import { ResolvedNumber } from '../core/types';
import { instanceIdOf, readAssociations } from '../shared/connect';
import { getSnapshot, releaseLock } from '../shared/control';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

/** Waves up to this size list every number's final flow in the output; larger ones give counts per flow. */
export const MAX_ASSOCIATIONS_IN_OUTPUT = 100;

export interface FinalOutcome {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly changeId: string | null;
  /**
   * E.164 → flow id the number is on now (null = none); empty when the plan was never resolved, or when the wave
   * has more than MAX_ASSOCIATIONS_IN_OUTPUT numbers (then see `finalFlows`).
   */
  readonly finalAssociations: Record<string, string | null>;
  /** E.164 → flow id before the cutover (the rollback snapshot), for the same small waves; else empty. */
  readonly snapshot: Record<string, string | null>;
  /** Flow id (or `none`) → how many of the wave's numbers are on it now. */
  readonly finalFlows: Record<string, number>;
  readonly breachAtSeconds: number | null;
  readonly approver: string | null;
  /** The summary as JSON (without the per-number map): the Fail state's Cause for every Fail outcome. */
  readonly cause: string;
}

export async function handler(event: unknown): Promise<FinalOutcome> {
  const state = parseState(event, 'config', 'outcome');
  const outcome = state.outcome!.outcome as Outcome;
  logger.appendKeys({ changeId: state.run?.changeId, executionArn: state.executionArn });
  let numbers: ResolvedNumber[] = [];
  let read: Record<string, string | null> | undefined;
  const batches = state.readiness && state.readiness.numberCounts.resolved > 0 ? state.readiness.cursor.nextBatch : 0;
  if (batches > 0 && state.executionArn) {
    try {
      numbers = await getSnapshot(state.config.controlTableName, state.executionArn, batches);
      read = await readAssociations(instanceIdOf(state.config.instanceArn), numbers);
    } catch (error) {
      logger.warn('final association read failed', { error: error as Error });
    }
  }
  const finalFlows: Record<string, number> = {};
  for (const n of numbers) {
    const flow = read ? (read[n.phoneNumberId] ?? 'none') : 'unknown';
    finalFlows[flow] = (finalFlows[flow] ?? 0) + 1;
  }
  const small = numbers.length <= MAX_ASSOCIATIONS_IN_OUTPUT;
  const finalAssociations = read && small ? Object.fromEntries(numbers.map((n) => [n.phoneNumber, read![n.phoneNumberId] ?? null])) : {};
  const snapshot = small ? Object.fromEntries(numbers.map((n) => [n.phoneNumber, n.snapshotFlowId])) : {};
  // Every number not confirmed on its snapshot flow (all of them when the read failed) must be put back by hand.
  const stranded =
    outcome === 'ROLLBACK_FAILED'
      ? numbers
          .filter((n) => !read || !sameFlow(read[n.phoneNumberId], n.snapshotFlowId))
          .map((n) => ({ phoneNumber: n.phoneNumber, restoreTo: n.snapshotFlowId }))
      : undefined;
  const reason = explainOutcome({
    outcome,
    error: state.error,
    readinessFailures: state.readiness?.items.filter((i) => !i.ok).map((i) => `${i.check} ${i.subject}: ${i.detail}`),
    windowReason: state.window?.reason,
    verifyReason: state.verify?.reason,
    humanDecision: state.human?.decision,
    stranded,
    linesRolledBack: state.rollback?.serviceLines,
    testCaseFailure: [state.routingProof, state.uat].find((t) => t?.ok === false)?.reason,
  });
  const summary = {
    outcome,
    reason,
    changeId: state.run?.changeId ?? null,
    finalFlows,
    breachAtSeconds: state.verify?.breachAtSeconds ?? null,
    approver: state.approval?.approver ?? null,
  };
  const result: FinalOutcome = { ...summary, finalAssociations, snapshot, cause: JSON.stringify(summary) };
  if (state.executionArn) {
    // Only the holder releases; an execution that lost the race leaves the holder's lock alone.
    await releaseLock(state.config.controlTableName, state.executionArn).catch((error) =>
      logger.warn('lock release failed; it expires on its own', { error: error as Error }),
    );
  }
  await publishStatus(state.config, {
    step: 'Finalize',
    changeId: result.changeId ?? undefined,
    status: outcome,
    summary: reason,
    detail: numbers.length <= MAX_ASSOCIATIONS_IN_OUTPUT ? finalAssociations : finalFlows,
  });
  return result;
}
