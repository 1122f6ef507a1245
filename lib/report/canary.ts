/**
 * switchFlow canary steps in the evidence: the Cutover and SetCanaryStep states say which share of callers they
 * sent to the target flow (their `cutover` output, lambda/shared/state.ts CutoverRecord).
 */

/** States that set a switchFlow share. */
export const CANARY_STATES: ReadonlySet<string> = new Set(['Cutover', 'SetCanaryStep']);

/** `canary step 2: 50 % of callers to the target flow`, or undefined when the record has no switchFlow share. */
export function canaryDetail(cutover: unknown): string | undefined {
  const c = cutover as { canaryStep?: unknown; canaryPercent?: unknown; canaryDone?: unknown } | undefined;
  if (typeof c?.canaryStep !== 'number' || typeof c.canaryPercent !== 'number') return undefined;
  if (c.canaryStep === 0 && c.canaryPercent === 100) return 'switchFlow: 100 % of callers to the target flow';
  return `canary step ${c.canaryStep + 1}: ${c.canaryPercent} % of callers to the target flow${c.canaryDone ? ' (last step)' : ''}`;
}
