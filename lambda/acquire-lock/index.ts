/**
 * AcquireLock: one go-live at a time per runbook. A second execution started while one runs ends ABORTED here,
 * before it reads or changes anything on the instance. A lock whose holder no longer runs (it died uncatchably, or
 * was stopped before Finalize could release it) is taken over, so a dead run never blocks the next go-live.
 */
import { GoLiveInProgressError } from '../core/errors';
import { now } from '../shared/clock';
import { acquireLock, takeOverLock } from '../shared/control';
import { executionStatus } from '../shared/executions';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

/** The lock outlives any execution (the state machine times out after maxScheduleDays + 2 days). */
const LOCK_DAYS_BEYOND_SCHEDULE = 2;

/**
 * A holder in PENDING_REDRIVE can be redriven back to RUNNING
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): stricter to treat it as alive.
 */
const ALIVE = new Set(['RUNNING', 'PENDING_REDRIVE']);

export async function handler(event: unknown): Promise<{ holder: string; acquiredAt: string; takenOverFrom?: string }> {
  const { config, run, executionArn } = parseState(event, 'config', 'run', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const at = now();
  const expiresAt = new Date(at.getTime() + (config.maxScheduleDays + LOCK_DAYS_BEYOND_SCHEDULE) * 86_400_000);
  const owner = { executionArn, changeId: run.changeId };
  const holder = await acquireLock(config.controlTableName, owner, at, expiresAt);
  if (!holder) return { holder: executionArn, acquiredAt: at.toISOString() };

  const status = await executionStatus(holder.executionArn);
  if (!ALIVE.has(status) && (await takeOverLock(config.controlTableName, owner, holder.executionArn, at, expiresAt))) {
    const message = `took over the go-live lock from ${holder.changeId} (${holder.executionArn}), which is ${status}`;
    logger.warn(message);
    await publishStatus(config, { step: 'AcquireLock', changeId: run.changeId, status: 'TAKEN_OVER', summary: message });
    return { holder: executionArn, acquiredAt: at.toISOString(), takenOverFrom: holder.executionArn };
  }
  const message = `another go-live is running on this runbook: ${holder.changeId} (${holder.executionArn}, since ${holder.acquiredAt}, ${status})`;
  await publishStatus(config, { step: 'AcquireLock', changeId: run.changeId, status: 'BUSY', summary: message });
  throw new GoLiveInProgressError(message);
}
