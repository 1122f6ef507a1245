/**
 * Waves of 1,000 numbers through the SYNTHESIZED runbook, the real handlers and the simulated contact center:
 * the state document stays small (counts and cursors; the plan in task parameters, the snapshot in the control
 * table), every batch task finishes far inside its function timeout, and a breach puts all 1,000 numbers back.
 */
import { executeOnce, outcomeOf, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';
import { Template } from '../../../lib/rehearsal/template';

const WAVE = 1000;
const NUMBERS = Array.from({ length: WAVE }, (_, i) => `+1800555${String(i).padStart(4, '0')}`);
const STEADY = {
  atMinute: 0,
  queue: 'Support',
  abandonmentRate: 0.04,
  avgHandleTimeSeconds: 310,
  contactsInQueue: 3,
  oldestContactAgeSeconds: 25,
  contactsHandled: 40,
};
const FUNCTION_TIMEOUT_SECONDS = 300;

function scenario(timeline: Array<Record<string, unknown>>): Scenario {
  return parseScenario({
    name: 'large wave',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: NUMBERS.map((number) => ({ number, flow: 'LegacyBridge', targetFlow: 'Main' })),
    },
    input: { changeId: 'CHG-WAVE', verification: { observationWindowSeconds: 300 } },
    approval: { decision: 'approve', approver: 'cab-chair' },
    timeline,
  });
}

/** Simulated seconds each run of a batched task took, by state name. */
function taskDurations(steps: ReadonlyArray<{ name: string; enteredAt: string; exitedAt?: string }>, names: string[]): number[] {
  return steps
    .filter((s) => names.includes(s.name) && s.exitedAt)
    .map((s) => (new Date(s.exitedAt!).getTime() - new Date(s.enteredAt).getTime()) / 1000);
}

// Ten batches each way at ~1 s of real time per batch: longer than the default test timeout on a loaded 2-core machine.
jest.setTimeout(240_000);

let template: Template;
beforeAll(() => {
  template = synthesizeForScenario(scenario([STEADY]));
});

describe('a 1,000-number wave', () => {
  test('healthy: LIVE with every number on its target, a small state and no task near its timeout', async () => {
    const { result, sim } = await executeOnce(scenario([STEADY]), { template });
    expect(outcomeOf(result)).toBe('LIVE');
    const final = sim.associations();
    expect(NUMBERS.filter((n) => final[n] !== 'Main')).toEqual([]);
    // Ten batches each way, driven by the state machine.
    expect(result.steps.filter((s) => s.name === 'DeployCheck')).toHaveLength(10);
    expect(result.steps.filter((s) => s.name === 'Cutover')).toHaveLength(10);
    // Each number moved exactly once.
    expect(sim.writeCalls().filter((w) => w.operation === 'AssociatePhoneNumberContactFlow')).toHaveLength(WAVE);
    expect(result.largestStatePayloadBytes).toBeLessThan(64 * 1024);
    expect(Math.max(...taskDurations(result.steps, ['DeployCheck', 'Cutover']))).toBeLessThan(FUNCTION_TIMEOUT_SECONDS / 2);
  });

  test('breach: ROLLED_BACK with all 1,000 numbers back on their snapshot flows', async () => {
    const { result, sim } = await executeOnce(scenario([STEADY, { atMinute: 2, queue: 'Support', abandonmentRate: 0.4 }]), { template });
    expect(outcomeOf(result)).toBe('ROLLED_BACK');
    const final = sim.associations();
    expect(NUMBERS.filter((n) => final[n] !== 'LegacyBridge')).toEqual([]);
    expect(result.steps.filter((s) => s.name === 'Rollback')).toHaveLength(10);
    expect(result.largestStatePayloadBytes).toBeLessThan(64 * 1024);
    expect(Math.max(...taskDurations(result.steps, ['Rollback']))).toBeLessThan(FUNCTION_TIMEOUT_SECONDS / 2);
  });
});
