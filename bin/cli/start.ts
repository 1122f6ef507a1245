/** `start`: one go-live execution of the runbook. */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { parseChangeId, parseCutoverAt, parseIntervalSeconds, parseStateMachineArn } from './args';
import type { CliDeps } from './deps';
import { regionOf } from './region';
import { DEFAULT_INTERVAL_SECONDS, watchExecution } from './status';

/** Execution names are at most 80 characters: changeId (≤ 63 kept) + `-` + `20250601T220000Z`. */
const NAME_MAX_CHARS = 80;

interface StartOptions {
  stateMachine: string;
  changeId: string;
  cutoverAt?: string;
  dryRun?: boolean;
  follow?: boolean;
  interval: string;
}

export function registerStart(program: Command, deps: CliDeps): void {
  program
    .command('start')
    .description('Start a go-live execution of the runbook; prints the execution ARN.')
    .requiredOption('--state-machine <arn>', 'the runbook state machine ARN')
    .requiredOption('--change-id <id>', 'the approved change request, [A-Za-z0-9._-]{1,64}')
    .option('--cutover-at <iso>', 'the approved cutover time, ISO-8601 UTC (2025-06-01T22:00:00Z); default: as soon as approved')
    .option('--dry-run', 'run every step but the cutover (ends DRY_RUN_OK)')
    .option('--follow', 'then follow the execution like `status --follow`')
    .option('--interval <seconds>', 'seconds between polls with --follow', DEFAULT_INTERVAL_SECONDS)
    .action(async (options: StartOptions, command: Command) => {
      const stateMachine = parseStateMachineArn(options.stateMachine);
      const changeId = parseChangeId(options.changeId);
      const now = deps.now();
      const cutoverAt = options.cutoverAt === undefined ? undefined : parseCutoverAt(options.cutoverAt, now);
      const intervalSeconds = parseIntervalSeconds(options.interval);
      const sfn = deps.sfn(regionOf(command, stateMachine));

      const input = { changeId, ...(cutoverAt ? { cutoverAt } : {}), ...(options.dryRun ? { dryRun: true } : {}) };
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: stateMachine.arn, name: executionName(changeId, now), input: JSON.stringify(input) }),
      );
      deps.stdout.write(`${executionArn}\n`);
      if (options.follow && executionArn) {
        await watchExecution(deps, sfn, executionArn, { follow: true, intervalMs: intervalSeconds * 1000 });
      }
    });
}

/** `${changeId}-${timestamp}`: unique per second, sortable, and only characters execution names allow. */
export function executionName(changeId: string, now: Date): string {
  const timestamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${changeId.slice(0, NAME_MAX_CHARS - timestamp.length - 1)}-${timestamp}`;
}
