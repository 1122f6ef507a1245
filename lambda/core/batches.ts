/**
 * Waves of up to 1,000 numbers stay inside Step Functions' limits by working in batches: the state machine
 * drives a loop (DeployCheck, Cutover and Rollback run once per batch), the per-number data lives in the control
 * table (one item per batch), and the state document carries only counts and a cursor.
 *
 * Why 100: BatchGetFlowAssociation reads at most 100 numbers per call, and at Connect's 2 association calls per
 * second a batch of 100 takes about 50 s, a sixth of the 5-minute function timeout, so no invocation runs near its
 * timeout even when other callers take half of the account's quota.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB per state input/output)
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_BatchGetFlowAssociation.html (ResourceIds: 1–100)
 */
import { BatchCursor, PlanEntry } from './types';

/** Numbers handled by one DeployCheck, Cutover or Rollback invocation. */
export const BATCH_SIZE = 100;

/** The largest wave the construct and the execution input accept. */
export const MAX_WAVE_SIZE = 1000;

/** How many batches a wave of `total` numbers takes (0 for an empty wave). */
export function batchCount(total: number): number {
  return Math.ceil(total / BATCH_SIZE);
}

/** The half-open index range [start, end) of batch `index`. */
export function batchRange(index: number, total: number): { start: number; end: number } {
  const start = index * BATCH_SIZE;
  return { start, end: Math.min(total, start + BATCH_SIZE) };
}

/** The plan entries an execution works on: its `phoneNumbers` selection in plan order, or the whole plan. */
export function selectPlan(plan: readonly PlanEntry[], selection: readonly string[] | undefined): PlanEntry[] {
  if (!selection) return [...plan];
  const chosen = new Set(selection);
  return plan.filter((entry) => chosen.has(entry.phoneNumber));
}

/** The cursor after batch `index` of a wave of `total` numbers in `batches` batches (default: full batches). */
export function cursorAfter(index: number, total: number, batches: number = batchCount(total)): BatchCursor {
  return { nextBatch: index + 1, batches, total, done: index + 1 >= batches };
}
