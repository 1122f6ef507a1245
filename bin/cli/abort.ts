/**
 * `abort`: stop a go-live without leaving numbers half-moved.
 *
 * - A decision is pending: fail its task with `OperatorAbort`; the runbook takes its abort (before cutover)
 *   or rollback (after) path.
 * - No number can have moved yet (Cutover never entered): StopExecution, error ABORTED.
 * - Cutover or verification under way: never stop the execution (the rollback would not run). Write an abort
 *   request to the runbook's control table; Cutover and Verify check it and roll back.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { abortKey, LOCK_KEY } from '../../lambda/core/control';
import { ExecutionHistory, outcomeOf, RUNBOOK_STATES } from '../../lib/report/history';
import { parseExecutionArn, parseText, ParsedExecutionArn } from './args';
import type { CliDeps } from './deps';
import { CliError, toCliError } from './errors';
import { currentState, describeExecution, fetchHistory, findPendingDecision, phaseOf, runbookConfigOf } from './execution';
import { regionOf } from './region';

export function registerAbort(program: Command, deps: CliDeps): void {
  program
    .command('abort')
    .description(
      'Abort a go-live safely: before the cutover the execution stops (nothing changed); once numbers may have ' +
        'moved, the runbook is asked to roll back instead. Repeating it is harmless.',
    )
    .argument('<execution>', 'execution ARN')
    .option('--by <name>', 'who aborts (recorded with the request); default: the current user')
    .action(async (execution: string, options: { by?: string }, command: Command) => {
      const arn = parseExecutionArn(execution);
      const by = parseText('--by', options.by ?? deps.user(), 128);
      const region = regionOf(command, arn);
      await abortExecution(deps, deps.sfn(region), region, arn, by);
    });
}

async function abortExecution(deps: CliDeps, sfn: SFNClient, region: string, arn: ParsedExecutionArn, by: string): Promise<void> {
  const out = (line: string): void => void deps.stdout.write(`${line}\n`);
  const outcome = outcomeOf(await describeExecution(sfn, arn.arn));
  if (outcome.ended) {
    // An execution that died where no Catch runs (States.DataLimitExceeded, a timeout) never reached Finalize:
    // release the go-live lock if it still holds it, so the next go-live is not blocked.
    const released = await releaseLock(deps, sfn, region, arn.arn).catch((error) => `not released (${toCliError(error).message})`);
    out(`the execution has already ended (${outcome.label}); nothing to abort; lock ${released}`);
    return;
  }
  const events = await fetchHistory(sfn, arn.arn);

  const pending = findPendingDecision(events);
  if (pending) {
    await sfn.send(new SendTaskFailureCommand({ taskToken: pending.taskToken, error: 'OperatorAbort', cause: `operator abort by ${by}` }));
    out(
      `abort sent to ${pending.stateName} (pending ${pending.kind} decision); the runbook ${pending.kind === 'approval' ? 'ends ABORTED' : 'rolls back'}`,
    );
    return;
  }

  const visits = new ExecutionHistory(events).visits();
  const phase = phaseOf(visits);
  if (phase === 'rollback') {
    out('the rollback is already under way; nothing to abort');
    return;
  }

  if (phase === 'cutover') {
    const requested = await requestAbort(deps, sfn, region, arn.arn, by);
    out(
      requested
        ? `abort requested (in ${currentState(visits) ?? RUNBOOK_STATES.cutover}): the runbook rolls back at its next check; follow with: connect-golive status ${arn.arn} --follow`
        : 'an abort was already requested for this execution; the runbook rolls back at its next check',
    );
    return;
  }

  // Before the cutover. The request goes in first: should Cutover start between our read and the stop, its
  // abort check sees the request and moves nothing. A failed write must not prevent the stop, though.
  let requestNote = '';
  try {
    await requestAbort(deps, sfn, region, arn.arn, by);
  } catch (error) {
    requestNote = ` (the abort request could not be written: ${toCliError(error).message})`;
  }
  await sfn.send(new StopExecutionCommand({ executionArn: arn.arn, error: 'ABORTED', cause: 'operator abort before cutover' }));
  const after = new ExecutionHistory(await fetchHistory(sfn, arn.arn)).visits();
  if (phaseOf(after) !== 'before-cutover') {
    throw new CliError(
      `stopped, but the Cutover state had started before the stop took effect: check every number now (connect-golive report ${arn.arn})${requestNote}`,
    );
  }
  // A stopped execution never reaches Finalize: release its go-live lock here so the next run can start.
  const released = await releaseLock(deps, sfn, region, arn.arn).catch((error) => `not released (${toCliError(error).message})`);
  out(
    `stopped before the cutover (in ${currentState(visits) ?? 'its first state'}): nothing was changed; the execution ends ABORTED${requestNote}; lock ${released}`,
  );
}

/** Deletes the go-live lock if this execution holds it. */
async function releaseLock(deps: CliDeps, sfn: SFNClient, region: string, executionArn: string): Promise<string> {
  const { controlTableName } = await runbookConfigOf(sfn, executionArn);
  if (!controlTableName) return 'not released (no control table in the definition)';
  try {
    await deps.dynamodb(region).send(
      new DeleteItemCommand({
        TableName: controlTableName,
        Key: { pk: { S: LOCK_KEY } },
        ConditionExpression: 'executionArn = :me',
        ExpressionAttributeValues: { ':me': { S: executionArn } },
      }),
    );
    return 'released';
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return 'not held by this execution';
    throw error;
  }
}

/** Puts the abort request; false when one was already there. */
async function requestAbort(deps: CliDeps, sfn: SFNClient, region: string, executionArn: string, by: string): Promise<boolean> {
  const { controlTableName } = await runbookConfigOf(sfn, executionArn);
  if (!controlTableName) throw new CliError('the runbook definition names no control table (config.controlTableName)');
  try {
    await deps.dynamodb(region).send(
      new PutItemCommand({
        TableName: controlTableName,
        Item: { pk: { S: abortKey(executionArn) }, requestedAt: { S: deps.now().toISOString() }, requestedBy: { S: by } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
