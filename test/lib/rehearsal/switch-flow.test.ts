/**
 * cutoverMode switchFlow in the rehearsal (issue 13): the simulator's flow contents (UpdateContactFlowContent with
 * Connect's errors, the propagation delay, callers split by the entry flow's percentage) and the shipped scenarios.
 */
import {
  ConnectClient,
  DescribeContactFlowCommand,
  InvalidContactFlowException,
  UpdateContactFlowContentCommand,
} from '@aws-sdk/client-connect';
import { entryFlowContent } from '../../../lambda/core/switch-flow';
import { rehearseScenario } from '../../../lib/rehearsal/runner';
import { loadScenario, parseScenario } from '../../../lib/rehearsal/scenario';
import { INSTANCE_ID, type Simulator, flowArn, flowIdFor, startSimulator } from '../../../lib/rehearsal/simulator';
import { FLOW_CONTENT_PROPAGATION_SECONDS } from '../../../lib/rehearsal/simulator/flow-content';
import { T0, clientConfig } from './fixtures';

const LEGACY = '+18005550199';
const ENTRY = 'golive-entry-all';

function switchFlowScenario() {
  return parseScenario({
    name: 'switch flow unit',
    runbook: { cutoverMode: 'switchFlow' },
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 10, agentsAvailable: 5 }],
      flows: [{ name: 'Main' }, { name: ENTRY }],
      phoneNumbers: [{ number: '+18005550100', flow: ENTRY, targetFlow: 'Main' }],
    },
    timeline: [{ atMinute: -5, contactsHandled: 100 }],
  });
}

describe('simulated flow contents', () => {
  let sim: Simulator;
  let connect: ConnectClient;
  beforeEach(async () => {
    sim = await startSimulator(switchFlowScenario(), {
      startAt: T0,
      rateLimits: false,
      flowContents: { [ENTRY]: entryFlowContent({ kind: 'legacy' }, LEGACY) },
    });
    sim.clock.markCutover();
    connect = new ConnectClient(clientConfig(sim.endpoint));
  });
  afterEach(async () => {
    connect.destroy();
    await sim.close();
  });
  const update = (content: string) =>
    connect.send(new UpdateContactFlowContentCommand({ InstanceId: INSTANCE_ID, ContactFlowId: flowIdFor(ENTRY), Content: content }));

  test('UpdateContactFlowContent is answered 200 and DescribeContactFlow shows the new content at once', async () => {
    const target = entryFlowContent({ kind: 'target', flow: flowArn('Main') }, LEGACY);
    await update(target);
    const out = await connect.send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ID, ContactFlowId: flowIdFor(ENTRY) }));
    expect(out.ContactFlow?.Content).toBe(target);
    expect(sim.writeCalls()).toEqual([expect.objectContaining({ operation: 'UpdateContactFlowContent', flow: ENTRY, ok: true })]);
  });

  test('rejects content that is not JSON with InvalidContactFlowException and its problems', async () => {
    const err = await update('{not json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidContactFlowException);
    expect((err as InvalidContactFlowException).$metadata.httpStatusCode).toBe(400);
    expect((err as InvalidContactFlowException).problems).toEqual([{ message: 'Content is not valid JSON' }]);
  });

  test('rejects a TransferToFlow to a flow the instance does not have', async () => {
    const content = entryFlowContent({ kind: 'target', flow: flowArn('Nowhere') }, LEGACY);
    await expect(update(content)).rejects.toThrow(InvalidContactFlowException);
    expect(sim.contents.routingOf(ENTRY)).toBe('legacy');
  });

  test('new callers get new content only after the propagation delay; the metrics see only the share sent to Connect', async () => {
    expect(sim.metrics.instant('Support', 'contactsHandled')).toBe(0); // all callers bridged to legacy
    await update(entryFlowContent({ kind: 'split', flow: flowArn('Main'), percent: 10 }, LEGACY));
    expect(sim.metrics.instant('Support', 'contactsHandled')).toBe(0);
    sim.clock.advance(FLOW_CONTENT_PROPAGATION_SECONDS);
    expect(sim.metrics.instant('Support', 'contactsHandled')).toBeCloseTo(10);
    expect(sim.contents.routingOf(ENTRY)).toEqual({ Main: 10, legacy: 90 });
  });
});

describe('shipped switchFlow scenarios', () => {
  test('switch-flow-breach: one content update per line each way, every number back to legacy', async () => {
    const run = await rehearseScenario(loadScenario('scenarios/switch-flow-breach.json'));
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(run.writeCalls.map((w) => `${w.operation} ${w.flow}`)).toEqual([
      'UpdateContactFlowContent golive-entry-Support',
      'UpdateContactFlowContent golive-entry-Sales',
      'UpdateContactFlowContent golive-entry-Support',
      'UpdateContactFlowContent golive-entry-Sales',
    ]);
    // The numbers never moved: their association is the entry flow throughout; the routing is back to legacy.
    expect(run.finalAssociations).toEqual(run.snapshot);
    expect(run.finalRouting).toEqual({ '+18005550100': 'legacy', '+18005550101': 'legacy', '+18005550102': 'legacy' });
  }, 300_000);

  test('canary-breach-at-10: the breach at the first step rolls back before any later step', async () => {
    const run = await rehearseScenario(loadScenario('scenarios/canary-breach-at-10.json'));
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(run.steps.map((s) => s.name)).not.toContain('SetCanaryStep');
    expect(run.finalRouting).toEqual({ '+18005550100': 'legacy', '+18005550101': 'legacy', '+18005550102': 'legacy' });
  }, 300_000);

  test('canary-to-100-live: three steps, each verified, then LIVE with every number routed to Main', async () => {
    const run = await rehearseScenario(loadScenario('scenarios/canary-to-100-live.json'));
    expect(run.outcome).toBe('LIVE');
    expect(run.steps.filter((s) => s.name === 'SetCanaryStep')).toHaveLength(2);
    expect(run.steps.filter((s) => s.name === 'CanaryProgress')).toHaveLength(3);
    expect(run.writeCalls).toHaveLength(6); // 3 steps × 2 lines
    // The evidence report shows each step's share.
    expect(run.evidence.steps.filter((st) => st.name === 'Cutover' || st.name === 'SetCanaryStep').map((st) => st.detail)).toEqual([
      'canary step 1: 10 % of callers to the target flow',
      'canary step 2: 50 % of callers to the target flow',
      'canary step 3: 100 % of callers to the target flow (last step)',
    ]);
    expect(run.finalRouting).toEqual({ '+18005550100': 'Main', '+18005550101': 'Main', '+18005550102': 'Main' });
  }, 300_000);

  test('rollbackScope "serviceLine": only the failing line entry flow goes back; the other keeps routing to Main', async () => {
    const s = loadScenario('scenarios/switch-flow-breach.json');
    const run = await rehearseScenario({ ...s, input: { ...(s.input as object), rollbackScope: 'serviceLine' }, expect: undefined });
    expect(run.outcome).toBe('PARTIALLY_ROLLED_BACK');
    expect(run.writeCalls.slice(2).map((w) => w.flow)).toEqual(['golive-entry-Sales']);
    expect(run.finalRouting).toEqual({ '+18005550100': 'Main', '+18005550101': 'Main', '+18005550102': 'legacy' });
  }, 300_000);

  test('DeployCheck aborts when a number does not point at its line entry flow yet (the prepare step was skipped)', async () => {
    const s = loadScenario('scenarios/switch-flow-healthy.json');
    const numbers = s.contactCenter.phoneNumbers.map((p, i) => (i === 2 ? { ...p, flow: 'Main' } : p));
    const run = await rehearseScenario({ ...s, contactCenter: { ...s.contactCenter, phoneNumbers: numbers }, expect: undefined });
    expect(run.outcome).toBe('ABORTED');
    expect(run.reason).toMatch(
      /numbers-on-entry-flow Sales: 1 number\(s\) not on the entry flow of Sales \(run the prepare step first\): \+18005550102/,
    );
    expect(run.writeCalls).toEqual([]);
  }, 300_000);

  test("repoint mode: finalRouting is each number's flow", async () => {
    const run = await rehearseScenario(loadScenario('scenarios/healthy-go-live.json'));
    expect(run.finalRouting).toEqual(run.finalAssociations);
  }, 300_000);
});
