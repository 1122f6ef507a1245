/**
 * AcquireLock: one go-live at a time per runbook. A second execution started while one runs ends ABORTED here,
 * before it reads or changes anything on the instance.
 */
import { GoLiveInProgressError } from '../core/errors';
import { now } from '../shared/clock';
import { acquireLock } from '../shared/control';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

/** The lock outlives any execution (the state machine times out after maxScheduleDays + 2 days). */
const LOCK_DAYS_BEYOND_SCHEDULE = 2;

export async function handler(event: unknown): Promise<{ holder: string; acquiredAt: string }> {
  const { config, run, executionArn } = parseState(event, 'config', 'run', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const at = now();
  const expiresAt = new Date(at.getTime() + (config.maxScheduleDays + LOCK_DAYS_BEYOND_SCHEDULE) * 86_400_000);
  const holder = await acquireLock(config.controlTableName, { executionArn, changeId: run.changeId }, at, expiresAt);
  if (holder) {
    const message = `another go-live is running on this runbook: ${holder.changeId} (${holder.executionArn}, since ${holder.acquiredAt})`;
    await publishStatus(config.statusTopicArn, { step: 'AcquireLock', changeId: run.changeId, status: 'BUSY', summary: message });
    throw new GoLiveInProgressError(message);
  }
  return { holder: executionArn, acquiredAt: at.toISOString() };
}
