/**
 * Rollback: puts every number back on its snapshot flow (only those that moved), reads every association back,
 * and takes one metric sample to show recovery. A number that will not go back is a RollbackError: the state
 * machine retries with backoff for its whole budget, then ends ROLLBACK_FAILED naming each stranded number.
 */
import { RollbackError } from '../core/errors';
import { checkConverged, planRollback, snapshotAssociations } from '../core/rollback';
import { MetricSample } from '../core/types';
import { callCarrierHook } from '../shared/carrier';
import { now } from '../shared/clock';
import { associateAll, instanceIdOf, readAssociations } from '../shared/connect';
import { logger } from '../shared/logger';
import { readSample } from '../shared/metrics';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export interface RollbackRecord {
  readonly startedAt: string;
  readonly completedAt: string;
  readonly restored: ReadonlyArray<{ phoneNumber: string; flowId: string | null; ok: boolean; error?: string }>;
  /** Metrics read right after the rollback, to show they recover. */
  readonly afterRollback: MetricSample | null;
}

export async function handler(event: unknown): Promise<RollbackRecord> {
  const { config, run, readiness, cutover, executionArn } = parseState(event, 'config', 'run', 'readiness', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const startedAt = now().toISOString();
  const publish = (status: string, summary: string) =>
    publishStatus(config.statusTopicArn, { step: 'Rollback', changeId: run.changeId, status, summary });
  const instanceId = instanceIdOf(config.instanceArn);

  let restored: RollbackRecord['restored'] = [];
  if (config.cutoverMode === 'carrierHook') {
    await callCarrierHook(config.carrierHookFunctionArn!, { action: 'rollback', changeId: run.changeId, phoneNumbers: readiness.numbers.map((n) => n.phoneNumber) });
  } else if (config.cutoverMode === 'repoint') {
    const current = await readAssociations(instanceId, readiness.numbers);
    const actions = planRollback(readiness.numbers, current);
    await publish('STARTED', `restoring ${actions.length} of ${readiness.numbers.length} number(s) to their snapshot flows`);
    const results = await associateAll(
      instanceId,
      actions.map((a) => ({ phoneNumberId: a.phoneNumberId, phoneNumber: a.phoneNumber, flowId: a.restoreFlowId })),
      config.cutoverConcurrency,
    );
    restored = results.map((r) => ({ phoneNumber: r.phoneNumber, flowId: r.flowId, ok: r.ok, error: r.error }));
    const readBack = await readAssociations(instanceId, readiness.numbers);
    const mismatches = checkConverged(snapshotAssociations(readiness.numbers), readBack);
    if (mismatches.length > 0) {
      const detail = mismatches.map((m) => {
        const n = readiness.numbers.find((x) => x.phoneNumberId === m.phoneNumberId);
        return `${n?.phoneNumber ?? m.phoneNumberId} must go back to ${m.expectedFlowId ?? 'no flow'}`;
      }).join('; ');
      await publish('RETRYING', detail);
      throw new RollbackError(`rollback incomplete: ${detail}`);
    }
  }
  const afterRollback = await readSample({
    instanceId,
    instanceArn: config.instanceArn,
    queueIds: readiness.queueIds,
    flowNames: [],
    cutoverAt: new Date(cutover?.completedAt ?? startedAt),
    now: now(),
    metricWindowSeconds: run.verification.metricWindowSeconds,
  }).catch(() => null);
  await publish('DONE', `${readiness.numbers.length} number(s) back on their snapshot flows`);
  return { startedAt, completedAt: now().toISOString(), restored, afterRollback };
}
