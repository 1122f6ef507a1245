/**
 * The fault matrix (issue: "Fault matrix"): every task that calls AWS × every kind of fault × every phase of a
 * go-live, on the synthesized runbook with the real handlers against the simulated contact center. The cases are
 * in fault-matrix.cases.ts. Each asserts the promise, not the path:
 * - the outcome is one this case allows;
 * - every number ends on a known-good flow, read from the simulator: its target flow when LIVE, its snapshot flow
 *   when ROLLED_BACK or ABORTED (and an ABORTED run made no association call at all);
 * - no execution is LIVE without a passing verification (or a human declaring it live);
 * - ROLLBACK_FAILED names, in its reason, every number left off its snapshot flow.
 * A case that fails because of a product bug runs as `test.failing` and says why (MatrixCase.productBug).
 */
import type { LocalRunResult } from '../../../lib/rehearsal/local-executor';
import { openRehearsal, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';
import type { Simulator } from '../../../lib/rehearsal/simulator';
import { Template } from '../../../lib/rehearsal/template';
import { BREACH, CASES, caseName, MatrixCase, NUMBERS, SNAPSHOT_FLOW, STEADY, TARGET_FLOW } from './fault-matrix.cases';

// A 5-minute window polled every 30 s keeps each case short (10 polls); what is under test does not depend on
// either. The breach at minute 3 still fails two polls in a row well before the window ends.
const INPUT = { changeId: 'CHG-FAULTS', verification: { observationWindowSeconds: 300, pollIntervalSeconds: 30 } };

function scenario(c?: MatrixCase): Scenario {
  return parseScenario({
    name: 'fault matrix',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: TARGET_FLOW }, { name: SNAPSHOT_FLOW }],
      phoneNumbers: NUMBERS.map((number) => ({ number, flow: SNAPSHOT_FLOW, targetFlow: TARGET_FLOW })),
    },
    input: INPUT,
    timeline: c?.breach ? BREACH : [STEADY],
    faults: c?.faults ?? [],
    ...(c?.inconclusiveDecision ? { inconclusiveDecision: c.inconclusiveDecision } : {}),
  });
}

function outcomeOf(result: LocalRunResult): string {
  return result.status === 'SUCCEEDED' ? String(result.output?.outcome) : String(result.error);
}

/** The one-sentence reason of the Fail state's JSON cause (Finalize's summary), or the raw cause. */
function reasonOf(result: LocalRunResult): string {
  try {
    return String((JSON.parse(result.cause ?? '') as { reason?: unknown }).reason);
  } catch {
    return String(result.cause);
  }
}

const oneOf = (values: readonly string[]) => expect.stringMatching(new RegExp(`^(${values.join('|')})$`));
const onAll = (flow: string) => Object.fromEntries(NUMBERS.map((n) => [n, flow]));

/** LIVE only after the last Verify poll said LIVE, or after it said INCONCLUSIVE and a human declared live. */
function expectNoLiveWithoutPassingVerification(result: LocalRunResult): void {
  if (outcomeOf(result) !== 'LIVE') return;
  const last = (name: string) =>
    [...result.steps].reverse().find((s) => s.name === name && s.status === 'SUCCEEDED')?.output as Record<string, any> | undefined;
  const verdict = last('Verify')?.verify?.decision;
  const human = last('HumanDecision')?.human?.decision;
  expect({ verdict, human }).toEqual(
    verdict === 'INCONCLUSIVE' ? { verdict: 'INCONCLUSIVE', human: 'live' } : { verdict: 'LIVE', human: undefined },
  );
}

/** Every number on a known-good flow for the outcome; ROLLBACK_FAILED names each number it left stranded. */
function expectKnownGoodAssociations(result: LocalRunResult, sim: Simulator): void {
  const outcome = outcomeOf(result);
  const associations = Object.fromEntries(NUMBERS.map((n) => [n, sim.associations()[n]]));
  switch (outcome) {
    case 'LIVE':
      expect(associations).toEqual(onAll(TARGET_FLOW));
      break;
    case 'ABORTED':
      expect(sim.writeCalls()).toEqual([]);
      expect(associations).toEqual(onAll(SNAPSHOT_FLOW));
      break;
    case 'ROLLED_BACK':
    case 'DRY_RUN_OK':
      expect(associations).toEqual(onAll(SNAPSHOT_FLOW));
      break;
    case 'ROLLBACK_FAILED': {
      // The reason, not the whole cause: the cause's finalAssociations lists every number, stranded or not.
      const reason = reasonOf(result);
      const stranded = NUMBERS.filter((n) => associations[n] !== SNAPSHOT_FLOW);
      expect(reason).toContain('ROLLBACK FAILED');
      for (const n of stranded) expect({ stranded: n, reason }).toEqual({ stranded: n, reason: expect.stringContaining(n) });
      break;
    }
    default:
      throw new Error(`not an outcome: ${outcome} (${result.cause})`);
  }
}

/** Runs of the Rollback handler that got to their read-back: RETRYING (a number would not go back) or DONE. */
function rollbackRuns(sim: Simulator): number {
  return sim.snsMessages
    .map((m) => JSON.parse(m.message) as { step: string; status: string })
    .filter((m) => m.step === 'Rollback' && (m.status === 'RETRYING' || m.status === 'DONE')).length;
}

let template: Template;
beforeAll(() => {
  template = synthesizeForScenario(scenario());
});

describe('fault matrix: every execution ends with every number on a known-good flow', () => {
  test(`has at least 40 cases over the four phases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.phase))).toEqual(
      new Set(['before cutover', 'during cutover', 'during verification', 'during rollback']),
    );
    expect(new Set(CASES.map(caseName)).size).toBe(CASES.length);
  });

  // Sequential on purpose: the handlers' SDK clients and clock are module-level, one rehearsal at a time.
  describe.each(CASES.map((c) => [caseName(c), c] as const))('%s', (_name, c) => {
    (c.productBug ? test.failing : test)('keeps the promise', async () => {
      // A short SDK timeout keeps the real seconds a Timeout fault costs low; the simulated behaviour is the same.
      const rehearsal = await openRehearsal(scenario(c), { template, requestTimeoutMs: 250 });
      try {
        const input = c.dryRun ? { ...INPUT, dryRun: true } : INPUT;
        const { result } = await rehearsal.execute({ name: 'fault-matrix', input, taskFaults: c.taskFaults });

        // The cause travels with the outcome, so a failure shows why the run ended as it did.
        expect({ outcome: outcomeOf(result), cause: result.cause }).toMatchObject({ outcome: oneOf(c.outcomes) });
        expectKnownGoodAssociations(result, rehearsal.sim);
        expectNoLiveWithoutPassingVerification(result);
        if (c.rollbackRuns !== undefined) expect(rollbackRuns(rehearsal.sim)).toBe(c.rollbackRuns);
      } finally {
        await rehearsal.close();
      }
    });
  });
});
