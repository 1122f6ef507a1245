/**
 * Finalize: reads where every number ended up, explains the outcome and publishes the closing status. It never
 * changes the outcome the state machine marked.
 */
import { explainOutcome, Outcome } from '../core/outcome';
import { sameFlow } from '../core/rollback';
import { instanceIdOf, readAssociations } from '../shared/connect';
import { releaseLock } from '../shared/control';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export interface FinalOutcome {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly changeId: string | null;
  /** E.164 → flow id the number is on now (null = none); empty when the plan was never resolved. */
  readonly finalAssociations: Record<string, string | null>;
  readonly breachAtSeconds: number | null;
  readonly approver: string | null;
  /** The whole summary as JSON: the Fail state's Cause for ROLLED_BACK, ABORTED and ROLLBACK_FAILED. */
  readonly cause: string;
}

export async function handler(event: unknown): Promise<FinalOutcome> {
  const state = parseState(event, 'config', 'outcome');
  const outcome = state.outcome!.outcome as Outcome;
  logger.appendKeys({ changeId: state.run?.changeId, executionArn: state.executionArn });
  let finalAssociations: Record<string, string | null> = {};
  let read: Record<string, string | null> | undefined;
  const numbers = state.readiness?.numbers ?? [];
  if (numbers.length > 0) {
    try {
      read = await readAssociations(instanceIdOf(state.config.instanceArn), numbers);
      finalAssociations = Object.fromEntries(numbers.map((n) => [n.phoneNumber, read![n.phoneNumberId] ?? null]));
    } catch (error) {
      logger.warn('final association read failed', { error: error as Error });
    }
  }
  // Every number not confirmed on its snapshot flow (all of them when the read failed) must be put back by hand.
  const stranded = outcome === 'ROLLBACK_FAILED'
    ? numbers.filter((n) => !read || !sameFlow(read[n.phoneNumberId], n.snapshotFlowId)).map((n) => ({ phoneNumber: n.phoneNumber, restoreTo: n.snapshotFlowId }))
    : undefined;
  const reason = explainOutcome({
    outcome,
    error: state.error,
    readinessFailures: state.readiness?.items.filter((i) => !i.ok).map((i) => `${i.check} ${i.subject}: ${i.detail}`),
    windowReason: state.window?.reason,
    verifyReason: state.verify?.reason,
    humanDecision: state.human?.decision,
    stranded,
  });
  const summary = {
    outcome,
    reason,
    changeId: state.run?.changeId ?? null,
    finalAssociations,
    breachAtSeconds: state.verify?.breachAtSeconds ?? null,
    approver: state.approval?.approver ?? null,
  };
  const result: FinalOutcome = { ...summary, cause: JSON.stringify(summary) };
  if (state.executionArn) {
    // Only the holder releases; an execution that lost the race leaves the holder's lock alone.
    await releaseLock(state.config.controlTableName, state.executionArn)
      .catch((error) => logger.warn('lock release failed; it expires on its own', { error: error as Error }));
  }
  await publishStatus(state.config.statusTopicArn, { step: 'Finalize', changeId: result.changeId ?? undefined, status: outcome, summary: reason, detail: finalAssociations });
  return result;
}
