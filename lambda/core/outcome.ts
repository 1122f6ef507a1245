/**
 * The closing summary of an execution: which outcome, and why, in words an operator reads on the bridge. Pure.
 */

export type Outcome = 'LIVE' | 'ROLLED_BACK' | 'PARTIALLY_ROLLED_BACK' | 'ABORTED' | 'DRY_RUN_OK' | 'ROLLBACK_FAILED';

export interface OutcomeFacts {
  readonly outcome: Outcome;
  readonly error?: { Error?: string; Cause?: string };
  readonly readinessFailures?: readonly string[];
  readonly windowReason?: string;
  readonly verifyReason?: string;
  readonly humanDecision?: string;
  readonly breachAtSeconds?: number | null;
  /** ROLLBACK_FAILED: each number not confirmed on its snapshot flow, and the flow it must be put back on. */
  readonly stranded?: ReadonlyArray<{ readonly phoneNumber: string; readonly restoreTo: string | null }>;
  /** PARTIALLY_ROLLED_BACK: the service lines that went back. */
  readonly linesRolledBack?: readonly string[];
  /** The failed UAT test cases (ABORTED) or routing proof (ROLLED_BACK), in words (lambda/core/test-cases.ts). */
  readonly testCaseFailure?: string;
}

/**
 * Stranded numbers named in the sentence. The sentence becomes the Fail state's Cause, which Step Functions caps at
 * 32,768 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionFailedEventDetails.html):
 * 50 numbers at ~60 characters each leave room for the rest.
 */
export const MAX_STRANDED_LISTED = 50;

/** One sentence: why the execution ended as it did. */
export function explainOutcome(f: OutcomeFacts): string {
  const err = f.error?.Error ? `${f.error.Error}${f.error.Cause ? `: ${causeMessage(f.error.Cause)}` : ''}` : undefined;
  switch (f.outcome) {
    case 'LIVE':
      return f.humanDecision === 'live'
        ? `declared LIVE by a human after inconclusive verification (${f.verifyReason ?? ''})`
        : `verification passed: ${f.verifyReason ?? ''}`;
    case 'DRY_RUN_OK':
      return 'dry run: every check and the approval passed; no number was changed';
    case 'ROLLED_BACK':
      return `rolled back: ${err ?? (f.humanDecision ? `human decided ${f.humanDecision}` : (f.testCaseFailure ?? f.verifyReason ?? 'verification failed'))}`;
    case 'PARTIALLY_ROLLED_BACK':
      return `service line(s) ${(f.linesRolledBack ?? []).join(', ') || '(unknown)'} rolled back, the other lines stay live: ${f.verifyReason ?? 'verification failed'}`;
    case 'ROLLBACK_FAILED': {
      const stranded = f.stranded ?? [];
      const numbers = stranded.slice(0, MAX_STRANDED_LISTED).map((n) => `${n.phoneNumber} → ${n.restoreTo ?? 'no flow (disassociate)'}`);
      if (stranded.length > MAX_STRANDED_LISTED) {
        numbers.push(
          `… and ${stranded.length - MAX_STRANDED_LISTED} more (${stranded.length} in all; the control table's SNAPSHOT items hold every number's flow)`,
        );
      }
      const list = numbers.length > 0 ? numbers.join(', ') : 'every number of the plan (their flows could not be read)';
      return `ROLLBACK FAILED, put back by hand: ${list}; last error: ${err ?? 'unknown error'}`;
    }
    case 'ABORTED':
      if (f.readinessFailures && f.readinessFailures.length > 0) return `not ready: ${f.readinessFailures.join('; ')}`;
      if (f.testCaseFailure && !err) return `not ready: ${f.testCaseFailure}`;
      if (f.windowReason && !err) return f.windowReason;
      return `aborted before any change: ${err ?? 'unknown reason'}`;
  }
}

/** Lambda errors arrive as a JSON Cause `{ errorType, errorMessage }`; show the message. */
function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}
