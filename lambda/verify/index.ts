/**
 * Verify: one poll of the observation loop. Reads every metric source (a failing source is NO_DATA, not FAIL),
 * lets the core judge, and returns the loop state with the inputs of the verdict. An operator abort turns the
 * verdict into ROLLBACK.
 */
import { evaluatePoll } from '../core/verdict';
import { VerifyState } from '../core/types';
import { now } from '../shared/clock';
import { instanceIdOf } from '../shared/connect';
import { abortRequested } from '../shared/control';
import { logger } from '../shared/logger';
import { readSample } from '../shared/metrics';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export async function handler(event: unknown): Promise<VerifyState> {
  const { config, run, readiness, cutover, verify: previous, executionArn } = parseState(event, 'config', 'run', 'readiness', 'cutover', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const publish = (state: VerifyState) =>
    publishStatus(config.statusTopicArn, { step: 'Verify', changeId: run.changeId, status: state.decision, summary: state.reason, detail: state.checks });

  if (await abortRequested(config.controlTableName, executionArn).catch(() => false)) {
    const aborted: VerifyState = {
      ...(previous ?? { polls: 0, checks: [], sample: null, failureStreaks: {}, everPassed: {}, breachAtSeconds: null }),
      decision: 'ROLLBACK',
      reason: 'operator abort requested',
    } as VerifyState;
    await publish(aborted);
    return aborted;
  }
  const sample = await readSample({
    instanceId: instanceIdOf(config.instanceArn),
    instanceArn: config.instanceArn,
    queueIds: readiness.queueIds,
    flowNames: (readiness as { targetFlowNames?: string[] }).targetFlowNames ?? [],
    cutoverAt: new Date(cutover!.completedAt),
    now: now(),
    metricWindowSeconds: run.verification.metricWindowSeconds,
    warmupSeconds: run.verification.warmupSeconds,
    rateSettleSeconds: run.verification.rateSettleSeconds,
    maxCloudWatchLagSeconds: run.verification.maxCloudWatchLagSeconds,
    maxHistoricalLagSeconds: run.verification.maxHistoricalLagSeconds,
  });
  const next = evaluatePoll(previous ?? null, sample, run.verification);
  logger.info('verdict', { decision: next.decision, reason: next.reason, sample });
  // Every poll's verdict is in the execution history; the bridge hears the first poll and every change.
  if (!previous || previous.decision !== next.decision || next.decision === 'ROLLBACK') await publish(next);
  return next;
}
