/**
 * `approve` and `reject`: answer the decision the runbook waits for, exactly as docs/internals.md says.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Command, Option } from 'commander';
import { ExecutionHistory, outcomeOf } from '../../lib/report/history';
import { parseAttestations, parseExecutionArn, parseText } from './args';
import type { CliDeps } from './deps';
import { CliError, ExitCode, usageError } from './errors';
import { currentState, describeExecution, fetchHistory, findPendingDecision, PendingDecision, runbookConfigOf } from './execution';
import { regionOf } from './region';

const APPROVER_MAX_CHARS = 128;
/** SendTaskFailure's cause limit. */
const REASON_MAX_CHARS = 32768;

export function registerDecisions(program: Command, deps: CliDeps): void {
  program
    .command('approve')
    .description('Answer the pending decision: approve the go-live (ApprovalGate), or decide an inconclusive verification (HumanDecision).')
    .argument('<execution>', 'execution ARN')
    .requiredOption('--approver <name>', 'who approves (kept in the execution history)')
    .option('--attest <list>', 'attestations given, comma-separated: uat,training,bau,support (all the runbook requires)')
    .addOption(new Option('--decision <decision>', 'answer to an inconclusive verification (required then)').choices(['live', 'rollback']))
    .action(async (execution: string, options: { approver: string; attest?: string; decision?: 'live' | 'rollback' }, command: Command) => {
      const arn = parseExecutionArn(execution);
      const approver = parseText('--approver', options.approver, APPROVER_MAX_CHARS);
      const attestations = parseAttestations(options.attest);
      const sfn = deps.sfn(regionOf(command, arn));
      const pending = await requirePending(sfn, arn.arn);
      const at = deps.now().toISOString();

      if (pending.kind === 'approval') {
        if (options.decision)
          throw usageError(`--decision answers an inconclusive verification; ${pending.stateName} waits for the approval (use --attest)`);
        const required = (await runbookConfigOf(sfn, arn.arn)).requiredAttestations ?? [];
        const missing = required.filter((name) => !attestations.includes(name.toLowerCase()));
        if (missing.length) {
          throw usageError(
            `this runbook requires the attestations ${required.join(',')}; missing: ${missing.join(', ')} (pass --attest ${required.join(',')})`,
          );
        }
        // An attestation the runbook does not ask for would be recorded as if it meant something.
        const unknown = attestations.filter((name) => !required.some((r) => r.toLowerCase() === name));
        if (unknown.length) {
          throw usageError(
            `--attest takes only the attestations this runbook requires (${required.join(',')}), got: ${unknown.map((u) => JSON.stringify(u)).join(', ')}`,
          );
        }
        await sfn.send(
          new SendTaskSuccessCommand({
            taskToken: pending.taskToken,
            output: JSON.stringify({ decision: 'approve', approver, attestations, at }),
          }),
        );
        deps.stdout.write(
          `approved at ${pending.stateName} by ${approver}${attestations.length ? ` (attested: ${attestations.join(', ')})` : ''}\n`,
        );
        return;
      }

      if (!options.decision)
        throw usageError(
          `${pending.stateName} waits for a decision on an inconclusive verification: pass --decision live or --decision rollback`,
        );
      if (options.attest !== undefined)
        throw usageError(`--attest belongs to the approval; ${pending.stateName} waits for --decision live|rollback`);
      await sfn.send(
        new SendTaskSuccessCommand({ taskToken: pending.taskToken, output: JSON.stringify({ decision: options.decision, approver, at }) }),
      );
      deps.stdout.write(`decided ${options.decision} at ${pending.stateName} by ${approver}\n`);
    });

  program
    .command('reject')
    .description('Reject the pending approval: the go-live ends ABORTED and nothing is changed.')
    .argument('<execution>', 'execution ARN')
    .requiredOption('--reason <text>', 'why (kept in the execution history as the cause)')
    .action(async (execution: string, options: { reason: string }, command: Command) => {
      const arn = parseExecutionArn(execution);
      const reason = parseText('--reason', options.reason, REASON_MAX_CHARS);
      const sfn = deps.sfn(regionOf(command, arn));
      const pending = await requirePending(sfn, arn.arn);
      if (pending.kind !== 'approval') {
        throw new CliError(
          `${pending.stateName} waits for a decision on an inconclusive verification, not an approval: use approve --decision rollback`,
          ExitCode.NOTHING_PENDING,
        );
      }
      await sfn.send(new SendTaskFailureCommand({ taskToken: pending.taskToken, error: 'ApprovalRejected', cause: reason }));
      deps.stdout.write(`rejected at ${pending.stateName}: ${reason}\n`);
    });
}

/** The decision the execution waits for, or a CliError saying why there is none. */
async function requirePending(sfn: SFNClient, executionArn: string): Promise<PendingDecision> {
  const outcome = outcomeOf(await describeExecution(sfn, executionArn));
  if (outcome.ended) throw new CliError(`the execution has ended (${outcome.label}); no decision is pending`, ExitCode.NOTHING_PENDING);
  const events = await fetchHistory(sfn, executionArn);
  const pending = findPendingDecision(events);
  if (!pending) {
    const state = currentState(new ExecutionHistory(events).visits());
    throw new CliError(`no decision is pending on this execution${state ? ` (it is in ${state})` : ''}`, ExitCode.NOTHING_PENDING);
  }
  return pending;
}
