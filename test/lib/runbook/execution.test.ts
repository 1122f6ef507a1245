/**
 * Executes the SYNTHESIZED runbook definition (taken from the template of the default app, not hand-written)
 * with aws-local-stepfunctions, the real handlers behind every Lambda task, against the simulated Connect /
 * CloudWatch / SNS / DynamoDB endpoint. Wait states advance the simulated clock.
 */
import { rehearseScenario, RehearsalRun, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';
import { Template } from '../../../lib/rehearsal/template';

const NUMBERS = ['+18005550100', '+18005550101', '+18005550102'];
const STEADY = {
  atMinute: 0,
  queue: 'Support',
  abandonmentRate: 0.04,
  avgHandleTimeSeconds: 310,
  contactsInQueue: 3,
  oldestContactAgeSeconds: 25,
  contactsHandled: 40,
};

function scenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'test',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: NUMBERS.map((number) => ({ number, flow: 'LegacyBridge', targetFlow: 'Main' })),
      uatPhoneNumber: { number: '+18005550150', flow: 'Main' },
    },
    input: { changeId: 'CHG-42' },
    approval: { decision: 'approve', approver: 'cab-chair' },
    timeline: [STEADY],
    ...overrides,
  });
}

// One synthesis serves every test: they share the plan (three numbers to Main, queue Support).
let template: Template;
beforeAll(() => {
  template = synthesizeForScenario(scenario());
});
const run = (s: Scenario): Promise<RehearsalRun> => rehearseScenario(s, { template });
// Where the window's length does not matter, a 5-minute window keeps the test fast (the happy path runs 30).
const SHORT = { changeId: 'CHG-42', verification: { observationWindowSeconds: 300 } };
const onAll = (flow: string) => Object.fromEntries(NUMBERS.map((n) => [n, flow]));
const associateCalls = (r: RehearsalRun) => r.writeCalls.filter((w) => w.operation === 'AssociatePhoneNumberContactFlow');

describe('runbook execution (synthesized definition, real handlers, simulated contact center)', () => {
  test('happy path: LIVE, every number on its target flow, verification ran the whole window', async () => {
    const r = await run(scenario());
    expect(r.outcome).toBe('LIVE');
    expect(r.finalAssociations).toEqual(onAll('Main'));
    expect(associateCalls(r).map((w) => [w.phoneNumber, w.flow, w.ok])).toEqual(NUMBERS.map((n) => [n, 'Main', true]));
    expect(r.verdicts.at(-1)?.decision).toBe('LIVE');
    expect(r.steps.map((s) => s.name)).toEqual(
      expect.arrayContaining(['ValidateInput', 'DeployCheck', 'ApprovalGate', 'WaitForWindow', 'Cutover', 'Verify', 'Finalize', 'Live']),
    );
    // 30-minute window at a 15 s poll: the simulated clock advanced on every WaitForNextPoll.
    expect(r.simulatedSeconds).toBeGreaterThanOrEqual(1800);
    // LIVE waits until every minute of the window is final for the delayed sources (about 2–3 minutes of polls).
    expect(r.transitions).toBeLessThanOrEqual(440);
  });

  test('deploy check fails (flow not published): ABORTED, and no association call is made', async () => {
    const s = scenario();
    (s.contactCenter.flows[0] as { published: boolean }).published = false;
    const r = await run(s);
    expect(r.outcome).toBe('ABORTED');
    expect(r.reason).toContain('Main');
    expect(r.writeCalls).toEqual([]);
    expect(r.steps.map((s) => s.name)).not.toContain('ApprovalGate');
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
  });

  test('approval rejected: ABORTED, nothing changed', async () => {
    const r = await run(scenario({ approval: { decision: 'reject', approver: 'cab-chair', reason: 'defects open' } }));
    expect(r.outcome).toBe('ABORTED');
    expect(r.reason).toContain('defects open');
    expect(r.writeCalls).toEqual([]);
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
  });

  test('approval without every attestation: ABORTED, nothing changed', async () => {
    const r = await run(scenario({ approval: { decision: 'approve', approver: 'cab-chair', attestations: ['uat', 'training'] } }));
    expect(r.outcome).toBe('ABORTED');
    expect(r.reason).toContain('bau, support');
    expect(r.writeCalls).toEqual([]);
  });

  test('breach after cutover: ROLLED_BACK, every number back on its snapshot flow', async () => {
    const r = await run(scenario({ timeline: [STEADY, { atMinute: 6, queue: 'Support', abandonmentRate: 0.35 }] }));
    expect(r.outcome).toBe('ROLLED_BACK');
    expect(r.reason).toMatch(/abandonmentRate .* on 2 consecutive polls/);
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
    expect(associateCalls(r).map((w) => w.flow)).toEqual(['Main', 'Main', 'Main', 'LegacyBridge', 'LegacyBridge', 'LegacyBridge']);
    expect(r.breachToRollbackSeconds).toBeGreaterThan(0);
    // Under the default metric timing the breach shows once its contacts' records arrive (120 s) plus two polls.
    expect(r.breachToRollbackSeconds).toBeLessThanOrEqual(120 + 90);
  });

  test('one failing poll between passing ones does not roll back (no flapping)', async () => {
    const r = await run(
      scenario({
        input: { changeId: 'CHG-42', verification: { observationWindowSeconds: 600 } },
        timeline: [
          STEADY,
          { atMinute: 5, queue: 'Support', contactsInQueue: 60 },
          { atMinute: 5.25, queue: 'Support', contactsInQueue: 3 },
        ],
      }),
    );
    expect(r.verdicts.some((v) => v.reason.includes('contactsInQueue 60 (1 of 2)'))).toBe(true);
    expect(r.outcome).toBe('LIVE');
  });

  test('cutover fails on the second of three numbers: ROLLED_BACK, all three on their snapshot flows', async () => {
    const r = await run(
      scenario({ faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 2, times: 5, error: 'InternalServiceException' }] }),
    );
    expect(r.outcome).toBe('ROLLED_BACK');
    expect(r.reason).toContain('CutoverError');
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
    expect(r.steps.map((s) => s.name)).not.toContain('Verify');
  });

  test('low volume: inconclusive, the human declares LIVE', async () => {
    const quiet = [{ ...STEADY, contactsHandled: 0.4, contactsInQueue: 0, oldestContactAgeSeconds: 0 }];
    const r = await run(scenario({ input: SHORT, timeline: quiet, inconclusiveDecision: 'live' }));
    expect(r.verdicts.at(-1)?.decision).toBe('INCONCLUSIVE');
    expect(r.verdicts.at(-1)?.reason).toContain('low volume');
    expect(r.steps.map((s) => s.name)).toContain('HumanDecision');
    expect(r.outcome).toBe('LIVE');
    expect(r.finalAssociations).toEqual(onAll('Main'));
  });

  test.each([['rollback'], ['timeout']] as const)('low volume: inconclusive, the human answers %s: ROLLED_BACK', async (decision) => {
    const quiet = [{ ...STEADY, contactsHandled: 0.4, contactsInQueue: 0, oldestContactAgeSeconds: 0 }];
    const r = await run(scenario({ input: SHORT, timeline: quiet, inconclusiveDecision: decision }));
    expect(r.outcome).toBe('ROLLED_BACK');
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
  });

  test('dry run: DRY_RUN_OK, no association changed', async () => {
    const r = await run(scenario({ input: { changeId: 'CHG-42', dryRun: true } }));
    expect(r.outcome).toBe('DRY_RUN_OK');
    expect(r.writeCalls).toEqual([]);
    expect(r.finalAssociations).toEqual(onAll('LegacyBridge'));
  });

  test('malformed input: ABORTED at ValidateInput naming the field, before any Connect call', async () => {
    const r = await run(scenario({ input: { changeId: 'CHG 42!' } }));
    expect(r.outcome).toBe('ABORTED');
    expect(r.reason).toContain('changeId');
    expect(r.steps.map((s) => s.name)).not.toContain('DeployCheck');
    // Only the status topic (Publish) and the lock release of Finalize (DeleteItem, a no-op: never taken).
    expect(Object.keys(r.apiCalls).sort()).toEqual(['DeleteItem', 'Publish']);
  });

  test('a scheduled cutover waits for its window on the simulated clock', async () => {
    const r = await run(scenario({ input: { ...SHORT, cutoverAt: '2030-01-15T06:00:00Z' } }));
    expect(r.outcome).toBe('LIVE');
    const cutover = r.steps.find((s) => s.name === 'Cutover')!;
    expect(cutover.at).toBe('2030-01-15T06:00:00.000Z');
  });
});
