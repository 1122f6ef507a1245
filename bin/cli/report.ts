/** `report`: the HTML evidence of one execution, from its real history. */
import { Command } from 'commander';
import { evidenceFromHistory } from '../../lib/report/from-history';
import { renderEvidenceReport } from '../../lib/report/render';
import { parseExecutionArn } from './args';
import type { CliDeps } from './deps';
import { describeExecution, fetchHistory } from './execution';
import { regionOf } from './region';

export function registerReport(program: Command, deps: CliDeps): void {
  program
    .command('report')
    .description('Write the evidence of an execution (steps, approval, snapshot, metrics, verdicts) as one self-contained HTML file.')
    .argument('<execution>', 'execution ARN')
    .option('--out <file>', 'where to write it; default: ./golive-<execution name>.html')
    .action(async (execution: string, options: { out?: string }, command: Command) => {
      const arn = parseExecutionArn(execution);
      const out = options.out ?? `./golive-${arn.name.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
      const sfn = deps.sfn(regionOf(command, arn));
      const describe = await describeExecution(sfn, arn.arn);
      const events = await fetchHistory(sfn, arn.arn);
      const record = evidenceFromHistory(events, describe);
      await deps.writeFile(out, renderEvidenceReport(record));
      deps.stdout.write(`report written: ${out} (${record.outcome})\n`);
    });
}
