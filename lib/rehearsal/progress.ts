/**
 * How a rehearsal reads on a terminal: a line per state on the simulated clock, the verification loop condensed
 * to its verdicts, and the closing summary table. Pure formatting.
 */
import type { StepRecord } from './local-executor';

const LOOP_STATES = new Set([
  'VerifyDecision',
  'WaitForNextPoll',
  'UatTestsProgress',
  'WaitForUatTests',
  'RoutingProofStarted',
  'RoutingProofVerdict',
]);

/** The test-case steps and their state key: a step prints when it starts the run and when the run is over. */
const TEST_CASE_STEPS: Readonly<Record<string, 'uat' | 'routingProof'>> = {
  StartUatTests: 'uat',
  CheckUatTests: 'uat',
  StartRoutingProof: 'routingProof',
  CheckRoutingProof: 'routingProof',
};

/** `T+mm:ss` since the start of the run. */
export function elapsed(startedAt: Date, at: Date | string): string {
  const s = Math.max(0, Math.round((new Date(at).getTime() - startedAt.getTime()) / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `T+${h}:${mm}:${ss}` : `T+${mm}:${ss}`;
}

/**
 * The progress line for a step that just ended, or null when it is a loop state (the loop is told by its
 * verdicts). A Verify poll prints when its decision or reason changes, so a healthy 30-minute window is a few
 * lines, and every failing check shows.
 */
export function progressLine(step: StepRecord, startedAt: Date, previousVerdict: { value?: string }): string | null {
  if (LOOP_STATES.has(step.name)) return null;
  const when = elapsed(startedAt, step.exitedAt ?? step.enteredAt);
  if (step.name === 'Verify' && step.status === 'SUCCEEDED') {
    const v = (step.output as { verify?: { decision: string; reason: string; polls: number } } | undefined)?.verify;
    if (!v) return null;
    const text = `${v.decision}: ${v.reason}`;
    const summary = text.replace(/\d+ s of \d+ s/, '');
    if (previousVerdict.value === summary) return null;
    previousVerdict.value = summary;
    return `  ${when}  Verify #${v.polls}  ${text}`;
  }
  const testKey = TEST_CASE_STEPS[step.name];
  if (testKey && step.status === 'SUCCEEDED') {
    const t = (step.output as Record<string, { status: string; reason: string; done: boolean } | undefined> | undefined)?.[testKey];
    if (!t || (!t.done && step.name.startsWith('Check'))) return null;
    return `  ${when}  ${step.name}  ${t.status}: ${t.reason}`;
  }
  const status = step.status === 'SUCCEEDED' ? '' : ` ${step.status}${step.error ? ` (${step.error})` : ''}`;
  return `  ${when}  ${step.name}${status}`;
}

export interface SummaryRow {
  readonly scenario: string;
  readonly outcome: string;
  readonly expected: string | null;
  readonly breachToRollbackSeconds: number | null;
  readonly simulatedSeconds: number;
  readonly wallMs: number;
}

/** The closing table: scenario, outcome, expected, breach→rollback, simulated and wall time. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['scenario', 'outcome', 'expected', 'ok', 'breach→rollback', 'simulated', 'wall'];
  const body = rows.map((r) => [
    r.scenario,
    r.outcome,
    r.expected ?? '-',
    r.expected === null ? '-' : r.expected === r.outcome ? 'yes' : 'NO',
    r.breachToRollbackSeconds === null ? '-' : `${r.breachToRollbackSeconds} s`,
    `${Math.round(r.simulatedSeconds / 60)} min`,
    `${(r.wallMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
