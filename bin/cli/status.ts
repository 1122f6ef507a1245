/**
 * `status`: where an execution is, what it decided, and whether it waits for a human. `--follow` polls until
 * the execution ends, printing only what is new.
 */
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import type { VerifyState } from '../../lambda/core/types';
import { asRecord, errorDetailOf, ExecutionHistory, isoSeconds, outcomeOf, parseJson, RUNBOOK_STATES, tokenTaskOf } from '../../lib/report/history';
import { parseExecutionArn, parseIntervalSeconds } from './args';
import type { CliDeps } from './deps';
import { CliError, ExitCode } from './errors';
import { currentState, describeExecution, fetchHistory, findPendingDecision, PendingDecision } from './execution';
import { regionOf } from './region';

const STATE_COLUMN = 16;
const CAUSE_MAX_CHARS = 400;
const SUCCESS_OUTCOMES = new Set(['LIVE', 'DRY_RUN_OK']);
export const DEFAULT_INTERVAL_SECONDS = '5';

export function registerStatus(program: Command, deps: CliDeps): void {
  program
    .command('status')
    .description('Show the progress of a go-live execution, its outcome, and any decision it waits for.')
    .argument('<execution>', 'execution ARN (printed by start)')
    .option('--follow', 'poll until the execution ends, printing only new events; exits 3 unless it ends LIVE or DRY_RUN_OK')
    .option('--interval <seconds>', 'seconds between polls with --follow', DEFAULT_INTERVAL_SECONDS)
    .action(async (execution: string, options: { follow?: boolean; interval: string }, command: Command) => {
      const arn = parseExecutionArn(execution);
      const intervalSeconds = parseIntervalSeconds(options.interval);
      const sfn = deps.sfn(regionOf(command, arn));
      await watchExecution(deps, sfn, arn.arn, { follow: options.follow ?? false, intervalMs: intervalSeconds * 1000 });
    });
}

export interface WatchOptions {
  readonly follow: boolean;
  readonly intervalMs: number;
}

/**
 * Prints the execution's progress. Without `follow`, once; with it, until the execution ends — then a
 * non-success outcome is a CliError with exit code NOT_LIVE, so scripts can `start --follow && …`.
 */
export async function watchExecution(deps: CliDeps, sfn: SFNClient, executionArn: string, options: WatchOptions): Promise<void> {
  const out = (line: string): void => void deps.stdout.write(`${line}\n`);
  let printedThrough = -1;
  let announcedToken: string | undefined;
  for (;;) {
    const describe = await describeExecution(sfn, executionArn);
    const events = await fetchHistory(sfn, executionArn);
    if (printedThrough < 0) out(`execution: ${executionArn}`);
    for (const line of progressLines(events, printedThrough)) out(line);
    printedThrough = events.reduce((max, e) => Math.max(max, e.id ?? 0), Math.max(printedThrough, 0));

    const outcome = outcomeOf(describe);
    if (outcome.ended) {
      out(`outcome: ${outcome.label}`);
      if (outcome.cause) out(`cause: ${truncate(outcome.cause.replace(/\s*\n\s*/g, ' '))}`);
      if (options.follow && !SUCCESS_OUTCOMES.has(outcome.label)) {
        throw new CliError(`execution ended ${outcome.label}`, ExitCode.NOT_LIVE);
      }
      return;
    }

    const pending = findPendingDecision(events);
    if (!options.follow) {
      const state = currentState(new ExecutionHistory(events).visits());
      out(`status: ${outcome.status}${state ? ` in ${state}` : ''}`);
      out(pending ? pendingLines(pending, executionArn).join('\n') : 'pending decision: none');
      return;
    }
    if (pending && pending.taskToken !== announcedToken) {
      for (const line of pendingLines(pending, executionArn)) out(line);
      announcedToken = pending.taskToken;
    }
    await deps.sleep(options.intervalMs);
  }
}

function pendingLines(pending: PendingDecision, executionArn: string): string[] {
  const what = pending.kind === 'approval' ? 'approval' : 'inconclusive verification';
  const header = `pending decision: ${what} at ${pending.stateName} since ${isoSeconds(pending.since)}`;
  if (pending.kind === 'approval') {
    return [
      header,
      `  approve: connect-golive approve ${executionArn} --approver NAME --attest uat,training,bau,support`,
      `  reject:  connect-golive reject ${executionArn} --reason TEXT`,
    ];
  }
  return [header, `  decide:  connect-golive approve ${executionArn} --approver NAME --decision live|rollback`];
}

/**
 * One line per state entered or exited (and per task failure, decision wait and execution start/end), for the
 * events after `afterId`: `  <time>  <state>  <what>[  <detail>]`.
 */
export function progressLines(events: readonly HistoryEvent[], afterId: number): string[] {
  const history = new ExecutionHistory(events);
  const lines: string[] = [];
  const line = (event: HistoryEvent, subject: string, what: string, detail?: string): void => {
    const time = event.timestamp ? isoSeconds(event.timestamp) : '????-??-??T??:??:??Z';
    lines.push(`  ${time}  ${subject.padEnd(STATE_COLUMN)}  ${what}${detail ? `  ${detail}` : ''}`);
  };
  const stateOf = (event: HistoryEvent): string =>
    history.enteredEventOf(event)?.stateEnteredEventDetails?.name ?? '(task)';

  for (const event of history.events) {
    if ((event.id ?? 0) <= afterId) continue;
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') {
      line(event, 'execution', 'started');
    } else if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(type)) {
      line(event, 'execution', type.slice('Execution'.length).replace('TimedOut', 'timed out').toLowerCase());
    } else if (type.endsWith('StateEntered')) {
      line(event, event.stateEnteredEventDetails?.name ?? '?', 'entered');
    } else if (type.endsWith('StateExited')) {
      const name = event.stateExitedEventDetails?.name ?? '?';
      line(event, name, 'exited', name === RUNBOOK_STATES.verify ? verdictOf(event.stateExitedEventDetails?.output) : undefined);
    } else if (type === 'TaskScheduled' && tokenTaskOf(event)) {
      line(event, stateOf(event), `waiting for ${tokenTaskOf(event)!.kind} decision`);
    } else if (!type.startsWith('Execution') && (type.endsWith('Failed') || type.endsWith('TimedOut'))) {
      const { error, cause } = errorDetailOf(event);
      line(event, stateOf(event), type.endsWith('TimedOut') ? 'timed out' : 'failed', truncate(cause ? `${error}: ${cause}` : error));
    }
  }
  return lines;
}

/** The Verify loop's verdict in a state's output, e.g. `CONTINUE: abandonment 4% within 15%`. */
function verdictOf(output: string | undefined): string | undefined {
  const verify = asRecord(asRecord(parseJson(output))?.verify) as Partial<VerifyState> | undefined;
  return verify?.decision ? `${verify.decision}${verify.reason ? `: ${verify.reason}` : ''}` : undefined;
}

function truncate(text: string): string {
  return text.length > CAUSE_MAX_CHARS ? `${text.slice(0, CAUSE_MAX_CHARS - 1)}…` : text;
}
