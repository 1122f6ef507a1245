/** CheckWindow: the approval is complete and the approved cutover window is still open. */
import { assessWindow, WindowVerdict } from '../core/window';
import { now } from '../shared/clock';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export async function handler(event: unknown): Promise<WindowVerdict> {
  const state = parseState(event, 'config', 'run');
  logger.appendKeys({ changeId: state.run.changeId, executionArn: state.executionArn });
  const verdict = assessWindow({
    approval: state.approval,
    requiredAttestations: state.config.requiredAttestations,
    cutoverAt: state.run.cutoverAt,
    allowedLatenessSeconds: state.config.allowedLatenessSeconds,
    now: now(),
  });
  await publishStatus(state.config, {
    step: 'CheckWindow',
    changeId: state.run.changeId,
    status: verdict.action,
    summary: verdict.reason,
  });
  return verdict;
}
