/**
 * Rollback in cutoverMode switchFlow: every in-scope line's entry flow gets back the content DeployCheck recorded
 * before cutover (one UpdateContactFlowContent per line), read back and compared. A line whose content will not
 * come back is a RollbackError: the state machine retries with backoff, then ends ROLLBACK_FAILED.
 */
import { RollbackError } from '../core/errors';
import { RunbookConfig } from '../core/types';
import { EntryFlowChange, setEntryFlows } from '../cutover/switch-flow';

export function restoreEntryFlows(
  config: Pick<RunbookConfig, 'instanceArn' | 'controlTableName'>,
  executionArn: string,
  inScope: (serviceLine: string) => boolean,
): Promise<EntryFlowChange> {
  return setEntryFlows(
    config,
    executionArn,
    (line) => line.content,
    (message) => new RollbackError(`rollback incomplete: ${message}`),
    inScope,
  );
}
