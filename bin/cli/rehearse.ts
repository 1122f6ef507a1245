/**
 * `rehearse`: the offline rehearsal. The command is a thin front to `runRehearsal` in lib/rehearsal/runner,
 * loaded only when asked for, so the rest of the CLI works (and compiles) in a build without it.
 */
import { Command } from 'commander';
import type { CliDeps } from './deps';
import { CliError, ExitCode } from './errors';

export interface RehearsalOptions {
  /** Scenario file (JSON); the runner's default scenario when absent. */
  readonly scenario?: string;
  /** The caller prints the result as JSON and nothing else on stdout. */
  readonly json: boolean;
  /** Directory for the HTML evidence report; none when absent. */
  readonly report?: string;
}

/** The contract fields of a rehearsal result (DESIGN.md); the runner may add more. */
export interface RehearsalResult {
  readonly outcome: string;
  readonly finalAssociations: Readonly<Record<string, string | null>>;
  readonly steps: readonly { readonly name: string; readonly status: string; readonly at?: string }[];
  readonly breachToRollbackSeconds: number | null;
  readonly writeCalls: readonly unknown[];
  readonly reportPath?: string;
}

export interface RehearsalModule {
  runRehearsal(options: RehearsalOptions): Promise<RehearsalResult>;
}

// A variable, not a literal: the runner is written in parallel and TypeScript must not require it to exist.
const RUNNER_MODULE = '../../lib/rehearsal/runner';

/** The runner module, or undefined when this build has none. Errors inside an existing runner propagate. */
export async function loadRehearsalRunner(): Promise<RehearsalModule | undefined> {
  try {
    const mod = (await import(RUNNER_MODULE)) as Partial<RehearsalModule>;
    return typeof mod.runRehearsal === 'function' ? (mod as RehearsalModule) : undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes('rehearsal/runner');
    if (missing) return undefined;
    throw error;
  }
}

export function registerRehearse(program: Command, deps: CliDeps): void {
  program
    .command('rehearse')
    .description('Rehearse the go-live offline: the real runbook and handlers against a simulated contact center and clock.')
    .option('--scenario <file>', 'scenario JSON file (see the README); default: the built-in happy path')
    .option('--json', 'print only the result JSON on stdout: outcome, finalAssociations, steps, breachToRollbackSeconds, writeCalls')
    .option('--report <dir>', 'also write the HTML evidence report into this directory')
    .action(async (options: { scenario?: string; json?: boolean; report?: string }) => {
      const runner = await deps.loadRehearsal();
      if (!runner) throw new CliError('rehearse: not available in this build', ExitCode.USAGE);
      const json = options.json ?? false;
      const result = await runner.runRehearsal({ scenario: options.scenario, json, report: options.report });
      if (json) {
        deps.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const lines = [
        `outcome: ${result.outcome}`,
        ...(result.steps ?? []).map((s) => `  ${s.at ?? ''}  ${s.name.padEnd(16)}  ${s.status}`),
        'final associations:',
        ...Object.entries(result.finalAssociations ?? {}).map(([number, flow]) => `  ${number} → ${flow ?? '(none)'}`),
        `breach to rollback: ${result.breachToRollbackSeconds === null ? 'no breach' : `${result.breachToRollbackSeconds} s (simulated)`}`,
        `connect write calls: ${(result.writeCalls ?? []).length}`,
        ...(result.reportPath ? [`report: ${result.reportPath}`] : []),
      ];
      deps.stdout.write(`${lines.join('\n')}\n`);
    });
}
