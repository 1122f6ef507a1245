/**
 * Hypercare: after the LIVE verdict the same Verify checks keep polling for a bake period, on the same thresholds,
 * and a sustained breach still rolls back. Pure: the Verify handler calls these around its usual poll.
 */
import { HypercareState, PollDecision, ServiceLineState, VerificationSettings, VerifyState } from './types';

/** How the Hypercare state calls Verify: the state document, and the phase (docs/internals.md). */
export interface HypercareEvent {
  readonly phase: 'hypercare';
  readonly state: unknown;
}

export function isHypercareEvent(event: unknown): event is HypercareEvent {
  return event !== null && typeof event === 'object' && (event as { phase?: unknown }).phase === 'hypercare' && 'state' in event;
}

/**
 * The hypercare window and the previous state reopened for judging. The verdict that led here (LIVE, or a human's
 * "live" after INCONCLUSIVE) is terminal and evaluatePoll would return it unchanged: hypercare reopens it as
 * CONTINUE, keeping every streak and "ever passed" flag, so a breach that began just before the verdict counts.
 * @param elapsedNow seconds since cutover now, used when the previous poll carries no sample
 */
export function beginHypercarePoll(
  previous: VerifyState,
  hypercareSeconds: number,
  elapsedNow: number,
): { readonly previous: VerifyState; readonly hypercare: HypercareState } {
  const hypercare: HypercareState = previous.hypercare ?? {
    startedAtSeconds: previous.sample?.elapsedSeconds ?? elapsedNow,
    untilSeconds: (previous.sample?.elapsedSeconds ?? elapsedNow) + hypercareSeconds,
    polls: 0,
  };
  const reopen = <T extends { decision: PollDecision }>(s: T): T =>
    s.decision === 'LIVE' || s.decision === 'INCONCLUSIVE' ? { ...s, decision: 'CONTINUE' } : s;
  return {
    hypercare,
    previous: { ...reopen(previous), ...(previous.lines ? { lines: previous.lines.map((l) => reopen<ServiceLineState>(l)) } : {}) },
  };
}

/** The settings a hypercare poll is judged with: the same thresholds, the window stretched to hypercare's end. */
export function hypercareSettings(settings: VerificationSettings, hypercare: HypercareState): VerificationSettings {
  return { ...settings, observationWindowSeconds: Math.max(settings.observationWindowSeconds, hypercare.untilSeconds) };
}

/**
 * The hypercare verdict from the combined poll: ROLLBACK on a sustained breach (as in Verify); at the end LIVE. An
 * end that evaluatePoll would call INCONCLUSIVE (a quiet line, a check failing but short of its limit) is LIVE with
 * the reason kept: the LIVE decision was already taken by the verdict or a human, and hypercare exists to catch a
 * sustained breach, which it did not see.
 */
export function hypercareVerdict(next: VerifyState, hypercare: HypercareState, elapsed: number): VerifyState {
  const hc: HypercareState = { ...hypercare, polls: hypercare.polls + 1 };
  const length = Math.round(hc.untilSeconds - hc.startedAtSeconds);
  const into = Math.max(0, Math.round(elapsed - hc.startedAtSeconds));
  switch (next.decision) {
    case 'ROLLBACK':
      return { ...next, hypercare: hc, reason: `during hypercare (${into} s of ${length} s): ${next.reason}` };
    case 'LIVE':
    case 'INCONCLUSIVE':
      return {
        ...next,
        decision: 'LIVE',
        hypercare: hc,
        reason: `hypercare complete (${length} s after the LIVE verdict, ${hc.polls} poll(s)), no sustained breach: ${next.reason}`,
      };
    default:
      return { ...next, decision: 'CONTINUE', hypercare: hc, reason: `hypercare ${into} s of ${length} s: ${next.reason}` };
  }
}
