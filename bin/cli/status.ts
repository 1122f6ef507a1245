/**
 * `status`: where an execution is, what it decided, and whether it waits for a human. `--follow` polls until
 * the execution ends, printing only what is new.
 */
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import type { VerifyState } from '../../lambda/core/types';
import {
  asRecord,
  errorDetailOf,
  ExecutionHistory,
  isoSeconds,
  outcomeOf,
  parseJson,
  RUNBOOK_STATES,
  tokenTaskOf,
} from '../../lib/report/history';
import { collapseRepeats, latestLineVerdicts } from '../../lib/report/verdicts';
import { parseExecutionArn, parseIntervalSeconds } from './args';
import type { CliDeps } from './deps';
import { CliError, ExitCode } from './errors';
import { currentState, describeExecution, fetchHistory, findPendingDecision, PendingDecision } from './execution';
import { regionOf } from './region';

const STATE_COLUMN = 16;
/**
 * The Verify loop's plumbing: entering and leaving these states every poll says nothing the poll's verdict does
 * not, so `status` shows only the Verify verdicts (and any failure) of the loop.
 */
const LOOP_STATES: ReadonlySet<string> = new Set(['VerifyDecision', 'WaitForNextPoll', 'HypercareDecision', 'WaitForHypercarePoll']);
/** States whose output is a verification poll: Verify, and Hypercare after the LIVE verdict (same handler). */
const POLL_STATES: ReadonlySet<string> = new Set([RUNBOOK_STATES.verify, 'Hypercare']);
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
      for (const line of serviceLineLines(events)) out(line);
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
      for (const line of serviceLineLines(events)) out(line);
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
 * events after `afterId`: `  <time>  <state>  <what>[  <detail>]`. Of the verification loop only the Verify
 * verdicts show, and a run of CONTINUE (or WARMING_UP) polls is one line with its range and number of polls,
 * folded as the HTML report folds them (within the events printed at once).
 */
export function progressLines(events: readonly HistoryEvent[], afterId: number): string[] {
  const history = new ExecutionHistory(events);
  const entries: Array<{ time: string; subject: string; what: string; detail?: string; verify?: Partial<VerifyState> }> = [];
  const add = (event: HistoryEvent, subject: string, what: string, detail?: string, verify?: Partial<VerifyState>): void => {
    const time = event.timestamp ? isoSeconds(event.timestamp) : '????-??-??T??:??:??Z';
    entries.push({ time, subject, what, ...(detail ? { detail } : {}), ...(verify ? { verify } : {}) });
  };
  const stateOf = (event: HistoryEvent): string => history.enteredEventOf(event)?.stateEnteredEventDetails?.name ?? '(task)';

  for (const event of history.events) {
    if ((event.id ?? 0) <= afterId) continue;
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') {
      add(event, 'execution', 'started');
    } else if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(type)) {
      add(event, 'execution', type.slice('Execution'.length).replace('TimedOut', 'timed out').toLowerCase());
    } else if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '?';
      if (!POLL_STATES.has(name) && !LOOP_STATES.has(name)) add(event, name, 'entered');
    } else if (type.endsWith('StateExited')) {
      const name = event.stateExitedEventDetails?.name ?? '?';
      if (LOOP_STATES.has(name)) continue;
      const verify = POLL_STATES.has(name) ? verifyOf(event.stateExitedEventDetails?.output) : undefined;
      add(event, name, 'exited', verify ? verdictText(verify) : undefined, verify);
    } else if (type === 'TaskScheduled' && tokenTaskOf(event)) {
      add(event, stateOf(event), `waiting for ${tokenTaskOf(event)!.kind} decision`);
    } else if (!type.startsWith('Execution') && (type.endsWith('Failed') || type.endsWith('TimedOut'))) {
      const { error, cause } = errorDetailOf(event);
      add(event, stateOf(event), type.endsWith('TimedOut') ? 'timed out' : 'failed', truncate(cause ? `${error}: ${cause}` : error));
    }
  }
  return collapseRepeats(entries, (e) => (e.verify?.decision ? String(e.verify.decision) : undefined)).map(({ first, last, count }) => {
    const what = count === 1 ? first.what : `${count} polls to ${last.time}`;
    // The run's latest reason: what the loop saw last.
    const detail = last.detail;
    return `  ${first.time}  ${first.subject.padEnd(STATE_COLUMN)}  ${what}${detail ? `  ${detail}` : ''}`;
  });
}

/**
 * The latest verdict of each service line, failing lines named, when the wave has more than one line (with one,
 * the run's verdict already is the line's). Empty before the first poll that judged lines.
 */
export function serviceLineLines(events: readonly HistoryEvent[]): string[] {
  const polls = events
    .filter((e) => e.type?.endsWith('StateExited') && e.stateExitedEventDetails?.name === RUNBOOK_STATES.verify)
    .map((e) => verifyOf(e.stateExitedEventDetails?.output));
  const lines = latestLineVerdicts(polls);
  if (lines.length < 2) return [];
  const width = Math.max(...lines.map((l) => l.serviceLine.length));
  const failing = lines.filter((l) => l.failing).map((l) => l.serviceLine);
  return [
    'service lines (latest verdict):',
    ...lines.map((l) => `  ${l.serviceLine.padEnd(width)}  ${truncate(verdictText(l) ?? l.decision)}`),
    `failing lines: ${failing.length ? failing.join(', ') : 'none'}`,
  ];
}

/** The `verify` key of a state's output. */
function verifyOf(output: string | undefined): Partial<VerifyState> | undefined {
  return asRecord(asRecord(parseJson(output))?.verify) as Partial<VerifyState> | undefined;
}

/** A verdict as one phrase, e.g. `CONTINUE: abandonment 4% within 15%`; undefined without a decision. */
function verdictText(verify: { decision?: unknown; reason?: unknown }): string | undefined {
  return verify.decision ? `${String(verify.decision)}${verify.reason ? `: ${String(verify.reason)}` : ''}` : undefined;
}

function truncate(text: string): string {
  return text.length > CAUSE_MAX_CHARS ? `${text.slice(0, CAUSE_MAX_CHARS - 1)}…` : text;
}
