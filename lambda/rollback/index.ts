/**
 * Rollback: one batch per invocation (the state machine loops until `cursor.done`). Puts every number of the batch
 * back on its snapshot flow (only those not there), reads the batch back, and after the last batch takes one metric
 * sample to show recovery. A number that will not go back is a RollbackError: the state machine retries the batch
 * with backoff for its whole budget, then ends ROLLBACK_FAILED and Finalize names each stranded number.
 */
import { cursorAfter } from '../core/batches';
import { RollbackError } from '../core/errors';
import { checkConverged, linesToRollBack, planRollback, snapshotAssociations } from '../core/rollback';
import { DEFAULT_SERVICE_LINE } from '../core/verdict';
import { callCarrierHook } from '../shared/carrier';
import { now } from '../shared/clock';
import { associateAll, instanceIdOf, readAssociations } from '../shared/connect';
import { getSnapshotBatch } from '../shared/control';
import { logger } from '../shared/logger';
import { readSample } from '../shared/metrics';
import { parseState, RollbackProgress } from '../shared/state';
import { publishStatus } from '../shared/status';
import { restoreEntryFlows } from './switch-flow';

export async function handler(event: unknown): Promise<RollbackProgress> {
  const {
    config,
    run,
    readiness,
    cutover,
    executionArn,
    rollback: previous,
    verify,
    error,
    human,
  } = parseState(event, 'config', 'run', 'readiness', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const startedAt = previous?.startedAt ?? now().toISOString();
  const batch = previous?.cursor.nextBatch ?? 0;
  const { batches } = readiness.cursor;
  const total = readiness.numberCounts.resolved;
  const cursor = cursorAfter(batch, total, batches);
  const progress = `batch ${batch + 1} of ${batches}`;
  const publish = (status: string, summary: string) => publishStatus(config, { step: 'Rollback', changeId: run.changeId, status, summary });
  const instanceId = instanceIdOf(config.instanceArn);
  // rollbackScope "serviceLine": only the lines a verification verdict named go back; the others stay live.
  const lines = linesToRollBack({
    rollbackScope: run.rollbackScope,
    verifyDecision: verify?.decision,
    failingLines: (verify as { failingLines?: string[] } | undefined)?.failingLines,
    errorOrHuman: error !== undefined || human !== undefined,
    allLines: readiness.serviceLines.map((l) => l.serviceLine),
  });
  const inScope = (n: { serviceLine?: string }) => !lines || lines.includes(n.serviceLine ?? DEFAULT_SERVICE_LINE);

  let restored = 0;
  // Found on their snapshot already: never moved, or moved back by an earlier try of this batch.
  let alreadyOnSnapshot = 0;
  if (config.cutoverMode === 'switchFlow') {
    // The numbers never moved: each in-scope line's entry flow gets its snapshot content back, read back.
    const change = await restoreEntryFlows(config, executionArn, (line) => !lines || lines.includes(line));
    restored = change.moved;
    alreadyOnSnapshot = change.already;
  } else if (config.cutoverMode !== 'manualConfirmation' && batches > 0) {
    const numbers = (await getSnapshotBatch(config.controlTableName, executionArn, batch)).filter(inScope);
    if (config.cutoverMode === 'carrierHook') {
      await callCarrierHook(config.carrierHookFunctionArn!, {
        action: 'rollback',
        changeId: run.changeId,
        phoneNumbers: numbers.map((n) => n.phoneNumber),
      });
      restored = numbers.length;
    } else {
      const current = await readAssociations(instanceId, numbers);
      const actions = planRollback(numbers, current);
      const results = await associateAll(
        instanceId,
        actions.map((a) => ({ phoneNumberId: a.phoneNumberId, phoneNumber: a.phoneNumber, flowId: a.restoreFlowId })),
        config.cutoverConcurrency,
      );
      const readBack = await readAssociations(instanceId, numbers);
      const mismatches = checkConverged(snapshotAssociations(numbers), readBack);
      if (mismatches.length > 0) {
        const detail = mismatches
          .map((m) => {
            const n = numbers.find((x) => x.phoneNumberId === m.phoneNumberId);
            return `${n?.phoneNumber ?? m.phoneNumberId} must go back to ${m.expectedFlowId ?? 'no flow'}`;
          })
          .join('; ');
        await publish('RETRYING', `${progress}: ${detail}`);
        throw new RollbackError(`rollback incomplete in ${progress}: ${detail}`);
      }
      restored = results.filter((r) => r.ok).length;
      alreadyOnSnapshot = numbers.length - actions.length;
    }
  }
  // manualConfirmation: the operator confirmed the carrier moved the whole wave back (ConfirmCarrierRollback).
  const finished = config.cutoverMode === 'manualConfirmation' || config.cutoverMode === 'switchFlow' || cursor.done;
  const next: RollbackProgress = {
    startedAt,
    cursor: finished ? { ...cursor, nextBatch: batches, done: true } : cursor,
    restored: (previous?.restored ?? 0) + restored,
    partial: lines !== undefined,
    ...(lines ? { serviceLines: [...lines] } : {}),
    alreadyOnSnapshot: (previous?.alreadyOnSnapshot ?? 0) + alreadyOnSnapshot,
  };
  if (!finished) {
    await publish('IN_PROGRESS', `${progress}: ${next.restored} number(s) restored so far`);
    return next;
  }
  const afterRollback = await readSample({
    instanceId,
    instanceArn: config.instanceArn,
    queueIds: [...readiness.queueIds],
    flowNames: [],
    cutoverAt: new Date(cutover?.completedAt ?? cutover?.startedAt ?? startedAt),
    now: now(),
    metricWindowSeconds: run.verification.metricWindowSeconds,
  }).catch(() => null);
  await publish(
    'DONE',
    lines
      ? `service line(s) ${lines.join(', ')} back on their snapshot flows (${next.restored + (next.alreadyOnSnapshot ?? 0)} number(s)); the other lines stay live`
      : config.cutoverMode === 'switchFlow'
        ? `${total} number(s): every entry flow back on its snapshot content`
        : `${total} number(s) back on their snapshot flows`,
  );
  return { ...next, completedAt: now().toISOString(), afterRollback };
}
