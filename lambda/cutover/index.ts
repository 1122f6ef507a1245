/**
 * Cutover: one batch per invocation (the state machine loops until `cursor.done`). Moves every number of the batch
 * not yet on its target flow (idempotent: a retry after a partial failure or a crash moves only the rest, so no
 * number is moved twice), at most `cutoverConcurrency` calls at once, then reads the batch's associations back.
 * Any number not on its target afterwards is a CutoverError, and the state machine rolls back.
 */
import { cursorAfter } from '../core/batches';
import { AbortRequestedError, CutoverError } from '../core/errors';
import { checkConverged, planCutover, targetAssociations } from '../core/rollback';
import { callCarrierHook } from '../shared/carrier';
import { now } from '../shared/clock';
import { associateAll, instanceIdOf, readAssociations } from '../shared/connect';
import { abortRequested, getSnapshotBatch } from '../shared/control';
import { logger } from '../shared/logger';
import { CutoverRecord, parseState } from '../shared/state';
import { publishStatus } from '../shared/status';
import { cutoverEntryFlows } from './switch-flow';

export async function handler(event: unknown): Promise<CutoverRecord> {
  const { config, run, readiness, executionArn, cutover: previous } = parseState(event, 'config', 'run', 'readiness', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const startedAt = previous?.startedAt ?? now().toISOString();
  const batch = previous?.cursor.nextBatch ?? 0;
  const { batches } = readiness.cursor;
  const total = readiness.numberCounts.resolved;
  if (await abortRequested(config.controlTableName, executionArn)) {
    throw new AbortRequestedError(`operator abort requested before cutover batch ${batch + 1} of ${batches}`);
  }
  const publish = (status: string, summary: string, detail?: unknown) =>
    publishStatus(config, { step: 'Cutover', changeId: run.changeId, status, summary, ...(detail ? { detail } : {}) });
  const cursor = cursorAfter(batch, total, batches);
  const record = (moved: number, alreadyOnTarget: number): CutoverRecord => ({
    startedAt,
    ...(cursor.done ? { completedAt: now().toISOString() } : {}),
    mode: config.cutoverMode,
    cursor,
    moved: (previous?.moved ?? 0) + moved,
    alreadyOnTarget: (previous?.alreadyOnTarget ?? 0) + alreadyOnTarget,
  });

  if (config.cutoverMode === 'manualConfirmation') {
    // The operator confirmed the carrier ticket for the whole wave: nothing to move here.
    await publish('DONE', `manualConfirmation: ${total} number(s) moved at the carrier (confirmed by the operator)`);
    return { ...record(total, 0), cursor: { ...cursor, nextBatch: batches, done: true }, completedAt: now().toISOString() };
  }
  if (config.cutoverMode === 'switchFlow') {
    // One content update per service line moves every number of the wave at once (lambda/cutover/switch-flow.ts).
    // With canary steps, Cutover sets the first step and SetCanaryStep (this handler again) each next one.
    const steps = run.canarySteps ?? [100];
    const step = previous?.canaryStep === undefined ? 0 : previous.canaryStep + 1;
    if (step >= steps.length) throw new CutoverError(`canary step ${step + 1} asked for, but the run has ${steps.length}`);
    const percent = steps[step];
    const change = await cutoverEntryFlows(config, executionArn, percent);
    const canary = steps.length > 1 ? ` (canary step ${step + 1} of ${steps.length})` : '';
    await publish('DONE', `switchFlow: ${change.lines} entry flow(s) now send ${percent}% of callers to the target flow${canary}`);
    return {
      // The numbers count once, at the first step; later steps only change the share.
      ...(step === 0 ? record(change.moved, change.already) : record(0, 0)),
      cursor: { ...cursor, nextBatch: batches, done: true },
      // Each step's verification window starts when its content is written.
      completedAt: now().toISOString(),
      canaryStep: step,
      canaryPercent: percent,
      canaryDone: step === steps.length - 1,
    };
  }
  const numbers = await getSnapshotBatch(config.controlTableName, executionArn, batch);
  const progress = `batch ${batch + 1} of ${batches}`;
  if (config.cutoverMode === 'carrierHook') {
    await callCarrierHook(config.carrierHookFunctionArn!, {
      action: 'cutover',
      changeId: run.changeId,
      phoneNumbers: numbers.map((n) => n.phoneNumber),
    });
    await publish(cursor.done ? 'DONE' : 'IN_PROGRESS', `carrierHook ${progress}: ${numbers.length} number(s) moved at the carrier`);
    return record(numbers.length, 0);
  }

  const instanceId = instanceIdOf(config.instanceArn);
  const before = await readAssociations(instanceId, numbers);
  const actions = planCutover(numbers, before);
  const results = await associateAll(
    instanceId,
    actions.map((a) => ({ phoneNumberId: a.phoneNumberId, phoneNumber: a.phoneNumber, flowId: a.targetFlowId })),
    config.cutoverConcurrency,
  );
  const after = await readAssociations(instanceId, numbers);
  const mismatches = checkConverged(targetAssociations(numbers), after);
  const failed = results.filter((r) => !r.ok).map((r) => ({ phoneNumber: r.phoneNumber, error: r.error }));
  if (mismatches.length > 0) {
    const detail = mismatches.map((m) => m.detail).join('; ');
    await publish('FAILED', `${progress}: ${mismatches.length} number(s) not on their target flow`, { mismatches: detail, failed });
    throw new CutoverError(`${mismatches.length} number(s) of ${progress} not on their target flow after cutover: ${detail}`);
  }
  const done = record(results.filter((r) => r.ok).length, numbers.length - actions.length);
  await publish(
    cursor.done ? 'DONE' : 'IN_PROGRESS',
    cursor.done
      ? `${total} number(s) on their target flows`
      : `${progress}: ${numbers.length} number(s) on their target flows (${done.moved + done.alreadyOnTarget} of ${total})`,
  );
  return done;
}
