/**
 * Cutover: moves every number not yet on its target flow (idempotent: a retry after a partial failure moves only
 * the rest), at most `cutoverConcurrency` calls at once, then reads every association back. Any number not on
 * its target afterwards is a CutoverError, and the state machine rolls back.
 */
import { AbortRequestedError, CutoverError } from '../core/errors';
import { checkConverged, planCutover, targetAssociations } from '../core/rollback';
import { callCarrierHook } from '../shared/carrier';
import { now } from '../shared/clock';
import { associateAll, instanceIdOf, readAssociations } from '../shared/connect';
import { abortRequested } from '../shared/control';
import { logger } from '../shared/logger';
import { CutoverRecord, parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export async function handler(event: unknown): Promise<CutoverRecord> {
  const { config, run, readiness, executionArn } = parseState(event, 'config', 'run', 'readiness', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const startedAt = now().toISOString();
  if (await abortRequested(config.controlTableName, executionArn)) {
    throw new AbortRequestedError('operator abort requested before the cutover moved any number');
  }
  const publish = (status: string, summary: string) =>
    publishStatus(config.statusTopicArn, { step: 'Cutover', changeId: run.changeId, status, summary });

  if (config.cutoverMode !== 'repoint') {
    if (config.cutoverMode === 'carrierHook') {
      await callCarrierHook(config.carrierHookFunctionArn!, { action: 'cutover', changeId: run.changeId, phoneNumbers: readiness.numbers.map((n) => n.phoneNumber) });
    }
    await publish('DONE', `${config.cutoverMode}: ${readiness.numbers.length} number(s) moved at the carrier`);
    return { startedAt, completedAt: now().toISOString(), mode: config.cutoverMode, moved: [] };
  }

  const instanceId = instanceIdOf(config.instanceArn);
  const before = await readAssociations(instanceId, readiness.numbers);
  const actions = planCutover(readiness.numbers, before);
  await publish('STARTED', `moving ${actions.length} of ${readiness.numbers.length} number(s)`);
  const results = await associateAll(
    instanceId,
    actions.map((a) => ({ phoneNumberId: a.phoneNumberId, phoneNumber: a.phoneNumber, flowId: a.targetFlowId })),
    config.cutoverConcurrency,
  );
  const after = await readAssociations(instanceId, readiness.numbers);
  const mismatches = checkConverged(targetAssociations(readiness.numbers), after);
  const moved = results.map((r) => ({ phoneNumber: r.phoneNumber, flowId: r.flowId, ok: r.ok, error: r.error }));
  if (mismatches.length > 0) {
    const detail = mismatches.map((m) => m.detail).join('; ');
    await publish('FAILED', detail);
    throw new CutoverError(`${mismatches.length} number(s) not on their target flow after cutover: ${detail}`);
  }
  await publish('DONE', `${readiness.numbers.length} number(s) on their target flows`);
  return { startedAt, completedAt: now().toISOString(), mode: 'repoint', moved };
}
