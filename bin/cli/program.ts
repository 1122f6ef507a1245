/**
 * The `connect-golive` program: its commands, and how an error becomes one line and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerAbort } from './abort';
import { registerDecisions } from './decide';
import { registerDecommission } from './decommission';
import type { CliDeps } from './deps';
import { CliError, ExitCode, toCliError } from './errors';
import { registerRehearse } from './rehearse';
import { registerReport } from './report';
import { registerStart } from './start';
import { registerStatus } from './status';

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  AWS refused or failed, or the execution cannot do what was asked
  2  bad arguments (nothing was sent to AWS)
  3  --follow: the execution ended without going live (ROLLED_BACK, ABORTED, ROLLBACK_FAILED)
  4  approve / reject: no decision is pending

The region is --region, else the one in the ARN. --debug (or CONNECT_GOLIVE_DEBUG=1) adds the stack trace of an
unexpected error to its one line.`;

export function createProgram(deps: CliDeps): Command {
  const program = new Command('connect-golive')
    .description(
      'Operate an Amazon Connect go-live runbook (AWS Step Functions): start, follow, approve, abort, decommission, report, rehearse.',
    )
    .option('--region <region>', 'AWS region (default: the region in the ARN)')
    // Read from argv before the program exists (bin/cli/runtime.ts wantsDebug); declared so commander accepts it.
    .option('--debug', 'print the stack trace of an unexpected error after its one line')
    // Settings before .command(): subcommands inherit them.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void deps.stdout.write(text),
      writeErr: (text) => void deps.stderr.write(text),
      outputError: () => undefined, // runCli prints the one line
    })
    .showSuggestionAfterError()
    .addHelpText('after', EXIT_CODES_HELP);
  registerStart(program, deps);
  registerStatus(program, deps);
  registerDecisions(program, deps);
  registerAbort(program, deps);
  registerDecommission(program, deps);
  registerReport(program, deps);
  registerRehearse(program, deps);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    await createProgram(deps).parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return error.exitCode;
      // No command: commander has printed the help.
      if (error.code === 'commander.help') return ExitCode.USAGE;
      deps.stderr.write(
        `connect-golive: ${error.message
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim()}\n`,
      );
      return ExitCode.USAGE;
    }
    const cliError = toCliError(error);
    deps.stderr.write(`connect-golive: ${cliError.message}\n`);
    if (deps.debug && !(error instanceof CliError) && error instanceof Error && error.stack) deps.stderr.write(`${error.stack}\n`);
    return cliError.exitCode;
  }
}
