/**
 * `rehearse`: the offline rehearsal. The command is a thin front to `runRehearsal` in lib/rehearsal/runner,
 * loaded only when asked for, so the rest of the CLI works (and compiles) in a build without it.
 */
import { Command } from 'commander';
import type { CliDeps } from './deps';
import { parseWritableFile } from './args';
import { CliError, ExitCode } from './errors';
import { checkReportDir } from './report-dir';

export interface RehearsalOptions {
  /** Scenario file (JSON); the runner's default scenario when absent. */
  readonly scenario?: string;
  /** The caller prints the result as JSON and nothing else on stdout. */
  readonly json: boolean;
  /** Directory for the HTML evidence report; none when absent. */
  readonly report?: string;
  /** Live progress lines (absent with --json: stdout carries only the JSON). */
  readonly print?: (line: string) => void;
  /** JSON-lines file receiving every request the handlers sent to the simulator; none when absent. */
  readonly trace?: string;
}

/** The contract fields of a rehearsal result (DESIGN.md); the runner may add more. */
export interface RehearsalResult {
  readonly outcome: string;
  readonly finalAssociations: Readonly<Record<string, string | null>>;
  readonly steps: readonly { readonly name: string; readonly status: string; readonly at?: string }[];
  readonly breachToRollbackSeconds: number | null;
  readonly writeCalls: readonly unknown[];
  readonly reportPath?: string;
  /** The scenario's expected outcome, when it states one. */
  readonly expected?: string | null;
}

/** Every shipped scenario, as `npm run rehearse` runs them. */
export interface RehearseAllResult {
  readonly results: readonly RehearsalResult[];
  /** The closing summary table (scenario, outcome, expected, breach→rollback). */
  readonly table: string;
  /** Scenarios whose outcome differs from their `expect.outcome`. */
  readonly unexpected: readonly string[];
}

export interface RehearsalModule {
  runRehearsal(options: RehearsalOptions): Promise<RehearsalResult>;
  rehearseAll?(options: { report?: string; print?: (line: string) => void; trace?: string }): Promise<RehearseAllResult>;
}

/** Where `rehearse` without --scenario writes its reports unless --report says otherwise. */
export const DEFAULT_REPORT_DIR = 'rehearsal-reports';

// A variable, not a literal: the runner is written in parallel and TypeScript must not require it to exist.
const RUNNER_MODULE = '../../lib/rehearsal/runner';

/** The runner module, or undefined when this build has none. Errors inside an existing runner propagate. */
export async function loadRehearsalRunner(): Promise<RehearsalModule | undefined> {
  try {
    const mod = (await import(RUNNER_MODULE)) as Partial<RehearsalModule>;
    return typeof mod.runRehearsal === 'function' ? (mod as RehearsalModule) : undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Only the runner itself missing counts: the first line names the module not found. A runner that is there
    // but cannot load one of its own imports (its require stack names rehearsal/runner too) is a real failure.
    const firstLine = String((error as Error).message).split('\n')[0];
    const missing = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && firstLine.includes('rehearsal/runner');
    if (missing) return undefined;
    throw error;
  }
}

export function registerRehearse(program: Command, deps: CliDeps): void {
  program
    .command('rehearse')
    .description(
      'Rehearse the go-live offline: the real runbook and handlers against a simulated contact center and clock.' +
        ' Without --scenario, rehearses every shipped scenario and exits non-zero unless each ends as expected.',
    )
    .option('--scenario <file>', 'one scenario JSON file (see the README); default: every file in scenarios/')
    .option('--json', 'print only the result JSON on stdout: outcome, finalAssociations, steps, breachToRollbackSeconds, writeCalls')
    .option('--report <dir>', `write the HTML evidence report(s) into this directory (default without --scenario: ${DEFAULT_REPORT_DIR})`)
    .option(
      '--trace <file>',
      'write every HTTP request the handlers sent to the simulated AWS endpoint as JSON lines' +
        ' (service, operation, method, path, query, headers, body, status)',
    )
    .action(async (options: { scenario?: string; json?: boolean; report?: string; trace?: string }) => {
      // Before anything runs: a report that cannot be written fails now, in one line, not after the rehearsal.
      if (options.report !== undefined) checkReportDir(options.report);
      const runner = await deps.loadRehearsal();
      if (!runner) throw new CliError('rehearse: not available in this build', ExitCode.USAGE);
      const trace = options.trace === undefined ? undefined : parseWritableFile('--trace', options.trace);
      const json = options.json ?? false;
      const print = json ? undefined : (line: string) => deps.stdout.write(`${line}\n`);

      if (options.scenario === undefined && runner.rehearseAll) {
        const all = await runner.rehearseAll({ report: options.report ?? DEFAULT_REPORT_DIR, print, ...(trace ? { trace } : {}) });
        if (json) {
          deps.stdout.write(`${JSON.stringify(all.results, null, 2)}\n`);
        } else {
          deps.stdout.write(`\n${all.table}\n\nreports: ${options.report ?? DEFAULT_REPORT_DIR}/\n`);
        }
        if (all.unexpected.length > 0) {
          throw new CliError(
            `${all.unexpected.length} scenario(s) did not end as expected: ${all.unexpected.join(', ')}`,
            ExitCode.FAILURE,
          );
        }
        return;
      }

      const result = await runner.runRehearsal({
        scenario: options.scenario,
        json,
        report: options.report,
        ...(print ? { print } : {}),
        ...(trace ? { trace } : {}),
      });
      if (json) {
        deps.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        const lines = [
          `outcome: ${result.outcome}`,
          'final associations:',
          ...Object.entries(result.finalAssociations ?? {}).map(([number, flow]) => `  ${number} → ${flow ?? '(none)'}`),
          `breach to rollback: ${result.breachToRollbackSeconds === null ? 'no breach' : `${result.breachToRollbackSeconds} s (simulated)`}`,
          `connect write calls: ${(result.writeCalls ?? []).length}`,
          ...(result.reportPath ? [`report: ${result.reportPath}`] : []),
        ];
        deps.stdout.write(`${lines.join('\n')}\n`);
      }
      if (result.expected && result.expected !== result.outcome) {
        throw new CliError(`scenario ended ${result.outcome}, expected ${result.expected}`, ExitCode.FAILURE);
      }
    });
}
