/** ValidateInput: the execution input against the one schema; nothing is read or changed before it passes. */
import { parseExecutionInput } from '../core/input';
import { RunParameters } from '../core/types';
import { now } from '../shared/clock';
import { logger } from '../shared/logger';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export async function handler(event: unknown): Promise<RunParameters> {
  const state = parseState(event, 'config');
  try {
    const run = parseExecutionInput(state.input, state.config, now());
    logger.appendKeys({ changeId: run.changeId, executionArn: state.executionArn });
    await publishStatus(state.config.statusTopicArn, {
      step: 'ValidateInput', changeId: run.changeId, status: 'OK',
      summary: `${run.plan.length} number(s), ${run.dryRun ? 'dry run' : 'cutover'}${run.cutoverAt ? ` at ${run.cutoverAt}` : ' when approved'}`,
    });
    return run;
  } catch (error) {
    logger.warn('execution input rejected', { error: error as Error });
    await publishStatus(state.config.statusTopicArn, { step: 'ValidateInput', status: 'REJECTED', summary: (error as Error).message });
    throw error;
  }
}
