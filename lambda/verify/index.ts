/**
 * Verify: one poll of the observation loop. Reads every metric source per service line (a failing source is
 * NO_DATA, not FAIL), lets the core judge each line, and returns the loop state with the inputs of each verdict.
 * An operator abort turns the verdict into ROLLBACK.
 *
 * The Hypercare state calls it too, with `{ phase: 'hypercare', state }` (lambda/core/hypercare.ts): the same
 * checks and thresholds keep judging after the LIVE verdict until `config.hypercareSeconds` have passed.
 */
import { beginHypercarePoll, hypercareSettings, hypercareVerdict, isHypercareEvent } from '../core/hypercare';
import { combineLines, evaluatePoll, previousLineState, settingsForLine, type ServiceLine } from '../core/verdict';
import { CanaryStepVerification, ServiceLineState, VerificationSettings, VerifyState } from '../core/types';
import { now } from '../shared/clock';
import { instanceIdOf } from '../shared/connect';
import { abortRequested } from '../shared/control';
import { logger } from '../shared/logger';
import { readSample } from '../shared/metrics';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export async function handler(event: unknown): Promise<VerifyState> {
  const hypercarePhase = isHypercareEvent(event);
  const {
    config,
    run,
    readiness,
    cutover,
    verify: verifyBefore,
    executionArn,
  } = parseState(hypercarePhase ? event.state : event, 'config', 'run', 'readiness', 'cutover', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const publish = (state: VerifyState) =>
    publishStatus(config, {
      step: hypercarePhase ? 'Hypercare' : 'Verify',
      changeId: run.changeId,
      status: state.decision,
      summary: state.reason,
      detail: state.checks,
    });

  if (await abortRequested(config.controlTableName, executionArn).catch(() => false)) {
    const aborted: VerifyState = {
      ...(verifyBefore ?? { polls: 0, checks: [], sample: null, failureStreaks: {}, everPassed: {}, breachAtSeconds: null }),
      decision: 'ROLLBACK',
      reason: 'operator abort requested',
      // An abort rolls back the whole wave, whatever rollbackScope says (lambda/core/rollback.ts linesToRollBack).
      failingLines: [],
    } as VerifyState;
    await publish(aborted);
    return aborted;
  }
  // DeployCheck grouped the wave into service lines (the plan itself never travels in the state).
  const lines = readiness.serviceLines;
  const targetFlowNames = readiness.targetFlowNames;
  const at = now();
  const cutoverAt = new Date(cutover!.completedAt ?? cutover!.startedAt);
  const hc =
    hypercarePhase && verifyBefore
      ? beginHypercarePoll(verifyBefore, run.hypercareSeconds ?? config.hypercareSeconds ?? 0, (at.getTime() - cutoverAt.getTime()) / 1000)
      : undefined;
  // switchFlow canary: each step is verified afresh, over its own window from the moment its content was written.
  const sameStep = verifyBefore !== undefined && (verifyBefore as { canaryStep?: number }).canaryStep === cutover!.canaryStep;
  const previous = hc ? hc.previous : sameStep ? verifyBefore : undefined;
  const verification = canaryVerification(run.verification, config.canaryStepVerification, cutover!.canaryDone);
  const states: ServiceLineState[] = [];
  for (const line of lines) {
    const sample = await readSample({
      instanceId: instanceIdOf(config.instanceArn),
      instanceArn: config.instanceArn,
      queueIds: queueIdsOf(line, config.queues, readiness.queueIds),
      flowNames: flowNamesOf(line, targetFlowNames),
      cutoverAt,
      now: at,
      metricWindowSeconds: verification.metricWindowSeconds,
      warmupSeconds: verification.warmupSeconds,
      rateSettleSeconds: verification.rateSettleSeconds,
      maxCloudWatchLagSeconds: verification.maxCloudWatchLagSeconds,
      maxHistoricalLagSeconds: verification.maxHistoricalLagSeconds,
    });
    const prev = previousLineState(previous ?? null, line.serviceLine, lines.length);
    const lineSettings = settingsForLine(verification, run.baseline?.[line.serviceLine]);
    const settings = hc ? hypercareSettings(lineSettings, hc.hypercare) : lineSettings;
    const { lines: _l, failingLines: _f, ...lineState } = evaluatePoll(prev, sample, settings);
    states.push({ serviceLine: line.serviceLine, ...lineState });
  }
  const combined = combineLines(states, (previous?.polls ?? 0) + 1);
  const judged = hc ? hypercareVerdict(combined, hc.hypercare, (at.getTime() - cutoverAt.getTime()) / 1000) : combined;
  const next = cutover!.canaryStep === undefined ? judged : { ...judged, canaryStep: cutover!.canaryStep };
  logger.info('verdict', { decision: next.decision, reason: next.reason, failingLines: next.failingLines });
  // Every poll's verdict is in the execution history; the bridge hears the first poll, the start of hypercare and every change.
  const hypercareBegins = hc !== undefined && verifyBefore?.hypercare === undefined;
  if (!previous || hypercareBegins || previous.decision !== next.decision || next.decision === 'ROLLBACK') await publish(next);
  return next;
}

/**
 * A line's queue ids. DeployCheck resolves `config.queues` in order and stops the run when one is missing, so at
 * Verify `readiness.queueIds[i]` is `config.queues[i]`. A reference that cannot be matched makes the line read
 * every watched queue: more than its own, never fewer.
 */
function queueIdsOf(line: ServiceLine, watched: readonly string[], queueIds: readonly string[]): string[] {
  if (watched.length !== queueIds.length) return [...queueIds];
  const ids = line.queues.map((ref) => queueIds[watched.indexOf(ref)]);
  return ids.every((id) => id !== undefined) ? [...new Set(ids)] : [...queueIds];
}

/**
 * A line's target flow names (ContactFlowErrors is published per flow name). A target given by ARN or id is not
 * matched to its name here: the line then watches every target flow's errors.
 */
function flowNamesOf(line: ServiceLine, targetFlowNames: readonly string[]): string[] {
  const names = line.targetFlows.filter((f) => targetFlowNames.includes(f));
  return names.length === line.targetFlows.length ? names : [...targetFlowNames];
}

/**
 * The settings of this poll: a canary step below 100 % is judged over the step's own window, warm-up and minimum
 * contacts (the canary's calls are few); the last step, and a run without canary steps, over the full settings.
 */
function canaryVerification(
  full: VerificationSettings,
  step: CanaryStepVerification | undefined,
  lastStep: boolean | undefined,
): VerificationSettings {
  if (lastStep !== false || !step) return full;
  return {
    ...full,
    observationWindowSeconds: step.observationWindowSeconds,
    warmupSeconds: step.warmupSeconds,
    minContactsForVerdict: step.minContactsForVerdict,
    // The settle span never outlasts the step's window.
    rateSettleSeconds: Math.min(full.rateSettleSeconds, Math.max(0, step.observationWindowSeconds - step.warmupSeconds - 60)),
  };
}
