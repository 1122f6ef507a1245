/**
 * The shipped scenarios of hypercare, the decommission and the carrier cutover modes, rehearsed end to end: the
 * synthesized definitions, the real handlers, the simulator (IAM checked as synthesized).
 */
import { rehearseScenario } from '../../../lib/rehearsal/runner';
import { loadScenario } from '../../../lib/rehearsal/scenario';
import './fixtures';

const rehearse = (file: string) => rehearseScenario(loadScenario(`scenarios/${file}`));
const names = (steps: ReadonlyArray<{ name: string }>) => steps.map((s) => s.name);

jest.setTimeout(300_000);

test('hypercare-then-live: LIVE after the window, hypercare polls, LIVE; the decommission releases the UAT number', async () => {
  const run = await rehearse('hypercare-then-live.json');
  expect(run.outcome).toBe('LIVE');
  expect(run.reason).toMatch(/hypercare complete \(1800 s after the LIVE verdict/);
  const steps = names(run.steps);
  expect(steps.indexOf('Hypercare')).toBeGreaterThan(steps.lastIndexOf('Verify'));
  expect(steps.filter((s) => s === 'Hypercare').length).toBeGreaterThanOrEqual(30);
  // The evidence shows each hypercare poll with its verdict.
  expect(run.evidence.steps.filter((s) => s.name === 'Hypercare').every((s) => /hypercare/.test(s.detail ?? ''))).toBe(true);
  expect(run.decommission).toMatchObject({ outcome: 'DECOMMISSIONED', expected: 'DECOMMISSIONED', released: [{ number: '+18005550150' }] });
  expect(names(run.decommission!.steps)).toEqual([
    'Configure',
    'ValidateDecommission',
    'ReleaseUatNumber',
    'RecordPointOfNoReturn',
    'Decommissioned',
  ]);
  expect(run.apiCalls.ReleasePhoneNumber).toBe(1);
});

test('hypercare-breach-rolls-back: a breach after the LIVE verdict rolls back', async () => {
  const run = await rehearse('hypercare-breach-rolls-back.json');
  expect(run.outcome).toBe('ROLLED_BACK');
  expect(run.reason).toMatch(/during hypercare .*abandonmentRate/);
  expect(run.verdicts.some((v) => v.decision === 'ROLLBACK')).toBe(true);
  expect(run.finalAssociations).toEqual({ '+18005550100': 'LegacyBridge', '+18005550101': 'LegacyBridge' });
  expect(run.breachToRollbackSeconds).not.toBeNull();
});

test('carrier-hook-healthy: the carrier moves the numbers, Connect associations stay', async () => {
  const run = await rehearse('carrier-hook-healthy.json');
  expect(run.outcome).toBe('LIVE');
  expect(run.carrier).toMatchObject({ mode: 'carrierHook', routing: { '+18005550100': 'connect', '+18005550101': 'connect' } });
  expect(run.finalAssociations).toEqual({ '+18005550100': 'LegacyBridge', '+18005550101': 'LegacyBridge' });
  expect(run.writeCalls).toEqual([]);
  expect(run.apiCalls.Invoke).toBe(1);
});

test.each([
  ['carrier-hook-fails.json', 'fail', false],
  ['carrier-hook-timeout.json', 'timeout', true],
])('%s: ROLLED_BACK, the carrier moved the numbers back to legacy', async (file, behaviour, movedFirst) => {
  const run = await rehearse(file);
  expect(run.outcome).toBe('ROLLED_BACK');
  expect(run.carrier?.calls?.map((c) => [c.action, c.behaviour, c.moved])).toEqual([
    ['cutover', behaviour, movedFirst],
    ['rollback', 'succeed', true],
  ]);
  expect(run.carrier?.routing).toEqual({ '+18005550100': 'legacy', '+18005550101': 'legacy' });
  expect(names(run.steps)).not.toContain('Verify');
});

test('manual-confirmation-healthy: the operator confirms, LIVE', async () => {
  const run = await rehearse('manual-confirmation-healthy.json');
  expect(run.outcome).toBe('LIVE');
  expect(run.carrier).toEqual({
    mode: 'manualConfirmation',
    confirmations: [{ kind: 'carrier-cutover', answer: 'confirmed', at: expect.any(String) }],
  });
});

test('manual-confirmation-timeout: no confirmation in time, the rollback path (carrier rollback confirmed): ROLLED_BACK', async () => {
  const run = await rehearse('manual-confirmation-timeout.json');
  expect(run.outcome).toBe('ROLLED_BACK');
  expect(run.carrier?.confirmations?.map((c) => [c.kind, c.answer])).toEqual([
    ['carrier-cutover', 'timeout'],
    ['carrier-rollback', 'confirmed'],
  ]);
  expect(names(run.steps)).not.toContain('Cutover');
});
