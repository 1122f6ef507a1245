/**
 * What the report and `status` share about the Verify loop's verdicts: which polls fold into one range, and each
 * service line's latest verdict. One place, so the HTML report and the terminal collapse the same way.
 */
import type { VerifyState } from '../../lambda/core/types';

/** Polls that only say "keep watching": a run of them is one row (a 30-minute window is not 119 rows). */
export const REPEATING_DECISIONS: ReadonlySet<string> = new Set(['CONTINUE', 'WARMING_UP']);

/** A run of consecutive items: one item, or several with the same repeating decision. */
export interface CollapsedRun<T> {
  readonly first: T;
  readonly last: T;
  /** How many items the run holds (1 when nothing was folded). */
  readonly count: number;
}

/**
 * Folds consecutive items whose decision is the same repeating one (CONTINUE, WARMING_UP) into one run. Items
 * without a decision (`decisionOf` undefined) are never folded and break a run, as does any other decision.
 */
export function collapseRepeats<T>(items: readonly T[], decisionOf: (item: T) => string | undefined): Array<CollapsedRun<T>> {
  const out: Array<{ first: T; last: T; count: number }> = [];
  for (const item of items) {
    const decision = decisionOf(item);
    const run = out.at(-1);
    if (run && decision !== undefined && REPEATING_DECISIONS.has(decision) && decisionOf(run.last) === decision) {
      run.last = item;
      run.count += 1;
    } else {
      out.push({ first: item, last: item, count: 1 });
    }
  }
  return out;
}

/** One service line's latest verdict. */
export interface LineVerdict {
  readonly serviceLine: string;
  readonly decision: string;
  readonly reason: string;
  /** Named in the poll's `failingLines` (or, in states without that list, decided ROLLBACK). */
  readonly failing: boolean;
}

/**
 * Each service line's verdict in the latest poll that judged it, in the order lines first appear. Polls written
 * before lines existed carry none: the result is then empty.
 */
export function latestLineVerdicts(polls: ReadonlyArray<Partial<VerifyState> | undefined>): LineVerdict[] {
  const latest = new Map<string, LineVerdict>();
  for (const verify of polls) {
    const failing = Array.isArray(verify?.failingLines) ? new Set(verify.failingLines.map(String)) : undefined;
    for (const line of Array.isArray(verify?.lines) ? verify.lines : []) {
      if (typeof line?.serviceLine !== 'string') continue;
      const decision = String(line.decision ?? 'UNKNOWN');
      latest.set(line.serviceLine, {
        serviceLine: line.serviceLine,
        decision,
        reason: String(line.reason ?? ''),
        failing: failing ? failing.has(line.serviceLine) : decision === 'ROLLBACK',
      });
    }
  }
  return [...latest.values()];
}
