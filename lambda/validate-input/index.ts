/** ValidateInput: the execution input against the one schema; nothing is read or changed before it passes. */
import { parseExecutionInput } from '../core/input';
import { RunbookConfig, RunParameters } from '../core/types';
import { now } from '../shared/clock';
import { logger } from '../shared/logger';
import { parsePlanEvent, parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

/** Event: `{ state, plan }` (the plan from the definition's task parameters, docs/internals.md). */
export async function handler(event: unknown): Promise<RunParameters> {
  const { state: doc, plan } = parsePlanEvent(event);
  const state = parseState(doc, 'config');
  try {
    const run = parseExecutionInput(state.input, { ...state.config, plan } as RunbookConfig, now());
    logger.appendKeys({ changeId: run.changeId, executionArn: state.executionArn });
    await publishStatus(state.config, {
      step: 'ValidateInput',
      changeId: run.changeId,
      status: 'OK',
      summary: `${run.planSize} number(s), ${run.dryRun ? 'dry run' : 'cutover'}${run.cutoverAt ? ` at ${run.cutoverAt}` : ' when approved'}`,
    });
    return run;
  } catch (error) {
    logger.warn('execution input rejected', { error: error as Error });
    await publishStatus(state.config, { step: 'ValidateInput', status: 'REJECTED', summary: (error as Error).message });
    throw error;
  }
}
