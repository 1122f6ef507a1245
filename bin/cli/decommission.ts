/**
 * `decommission`: after a LIVE go-live (and its hypercare), start the runbook's Decommission state machine, which
 * releases the temporary UAT number and records the point of no return. The command is the approval: its approver
 * and attestations go into the Decommission execution's input, and its history is the evidence.
 */
import { DescribeExecutionCommand, ListTagsForResourceCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { DECOMMISSION_TAG } from '../../lambda/core/control';
import { parseAttestations, parseExecutionArn, parseIntervalSeconds, parseStateMachineArn, parseText, ParsedExecutionArn } from './args';
import type { CliDeps } from './deps';
import { CliError, usageError } from './errors';
import { describeExecution } from './execution';
import { regionOf } from './region';

interface DecommissionOptions {
  approver: string;
  attest: string[];
  stateMachine?: string;
  interval: string;
}

/** Execution names are at most 80 characters. */
const NAME_MAX_CHARS = 80;

export function registerDecommission(program: Command, deps: CliDeps): void {
  program
    .command('decommission')
    .description(
      'After a LIVE go-live: release the temporary UAT number and record the point of no return (the Decommission ' +
        'state machine). Until then a rollback stays possible; after it, the UAT number is gone for up to 180 days.',
    )
    .argument('<execution>', 'the go-live execution ARN (it must have ended LIVE)')
    .requiredOption('--approver <name>', 'who approves the decommission (recorded in the execution input and the control table)')
    .option(
      '--attest <names>',
      'an attestation, e.g. porting-complete or legacy-off; repeat it (or comma-separate) for each',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--state-machine <arn>', 'the Decommission state machine ARN; default: the one the runbook is tagged with')
    .option('--interval <seconds>', 'seconds between polls while the decommission runs', '5')
    .action(async (execution: string, options: DecommissionOptions, command: Command) => {
      const goLive = parseExecutionArn(execution);
      const approver = parseText('--approver', options.approver, 128);
      const attestations = [...new Set(options.attest.flatMap((a) => parseAttestations(a)))];
      if (attestations.length === 0)
        throw usageError('--attest is required at least once (e.g. --attest porting-complete --attest legacy-off)');
      const stateMachine = options.stateMachine === undefined ? undefined : parseStateMachineArn(options.stateMachine);
      const intervalMs = parseIntervalSeconds(options.interval) * 1000;
      const sfn = deps.sfn(regionOf(command, goLive));
      const machineArn = stateMachine?.arn ?? (await decommissionMachineOf(sfn, goLive));
      await runDecommission(deps, sfn, machineArn, goLive, { approver, attestations }, intervalMs);
    });
}

/** The Decommission state machine of the runbook that ran `goLive` (the runbook state machine's tag). */
async function decommissionMachineOf(sfn: SFNClient, goLive: ParsedExecutionArn): Promise<string> {
  const described = await describeExecution(sfn, goLive.arn);
  const runbookArn = described.stateMachineArn;
  if (!runbookArn) throw new CliError(`the execution ${goLive.arn} names no state machine`);
  const { tags } = await sfn.send(new ListTagsForResourceCommand({ resourceArn: runbookArn }));
  const tag = tags?.find((t) => t.key === DECOMMISSION_TAG)?.value;
  if (!tag) {
    throw new CliError(
      `the state machine ${runbookArn} has no ${DECOMMISSION_TAG} tag: is it a connect-golive runbook? Pass --state-machine <Decommission ARN>`,
    );
  }
  return tag;
}

async function runDecommission(
  deps: CliDeps,
  sfn: SFNClient,
  machineArn: string,
  goLive: ParsedExecutionArn,
  request: { approver: string; attestations: string[] },
  intervalMs: number,
): Promise<void> {
  const out = (line: string): void => void deps.stdout.write(`${line}\n`);
  // One name per go-live execution: a repeated command with the same input is the same execution (StartExecution is
  // idempotent on name and input), and a second decision for the same go-live is refused by Step Functions.
  const name = `decommission-${goLive.name}`.slice(0, NAME_MAX_CHARS);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name,
      input: JSON.stringify({ goLiveExecutionArn: goLive.arn, approver: request.approver, attestations: request.attestations }),
    }),
  );
  out(`${executionArn}`);
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status === 'SUCCEEDED') {
      const result = JSON.parse(described.output ?? '{}') as { uatNumber?: { released?: boolean; phoneNumber?: string; reason?: string } };
      const uat = result.uatNumber;
      out(
        `DECOMMISSIONED: point of no return recorded by ${request.approver} (${request.attestations.join(', ')}); ` +
          (uat?.released
            ? `UAT number ${uat.phoneNumber ?? ''} released (cooldown up to 180 days: it cannot be claimed again meanwhile)`
            : `UAT number not released: ${uat?.reason ?? 'none configured'}`),
      );
      return;
    }
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
      throw new CliError(`${described.error ?? described.status}: ${described.cause ?? 'the decommission did not complete'}`);
    }
    await deps.sleep(intervalMs);
  }
}
