/**
 * Issue 12 items 7 and 8 in the rehearsal: DeployCheck reads each target flow's content from the simulated
 * DescribeContactFlow and reports whether it records calls; every status message carries the dashboard's URL.
 * Runs the synthesized runbook against the simulator.
 */
import { openRehearsal, rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { loadScenario, type Scenario } from '../../../lib/rehearsal/scenario';

const NOT_RECORDING = loadScenario('scenarios/target-flow-not-recording.json');
/** The same contact center, with the runbook's default: a flow that does not record is only a warning. */
const WARN_ONLY: Scenario = { ...NOT_RECORDING, runbook: { cutoverMode: 'repoint' } };

async function statusMessages(s: Scenario): Promise<{ outcome: string | undefined; messages: Array<Record<string, unknown>> }> {
  const rehearsal = await openRehearsal(s, { template: synthesizeForScenario(s) });
  try {
    const run = await rehearsal.execute({ name: 'recording' });
    const outcome = run.result.error ?? (run.result.output as { outcome?: string } | undefined)?.outcome;
    return { outcome, messages: rehearsal.sim.snsMessages.map((m) => JSON.parse(m.message) as Record<string, unknown>) };
  } finally {
    await rehearsal.close();
  }
}

test('a target flow that does not record calls: ABORTED at DeployCheck when the runbook requires recording', async () => {
  const run = await rehearseScenario(NOT_RECORDING, { template: synthesizeForScenario(NOT_RECORDING) });

  expect(run.outcome).toBe('ABORTED');
  expect(run.reason).toBe(
    'not ready: flow-records-calls Main: no UpdateContactRecordingBehavior turns recording on before the caller is handed on (requireRecording is on)',
  );
  expect(run.writeCalls).toEqual([]);
  expect(run.steps.map((s) => s.name)).not.toContain('Cutover');
}, 90_000);

test('with the default (requireRecording off) the same flow is a warning in the READY report, and the run goes LIVE', async () => {
  const { outcome, messages } = await statusMessages(WARN_ONLY);

  expect(outcome).toBe('LIVE');
  const ready = messages.find((m) => m.step === 'DeployCheck' && m.status === 'READY');
  expect(ready?.summary).toContain('- flow-records-calls Main: warning: no UpdateContactRecordingBehavior turns recording on');
}, 90_000);

test('every status message carries the go-live dashboard URL', async () => {
  const { messages } = await statusMessages(WARN_ONLY);

  expect(messages.length).toBeGreaterThan(3);
  const urls = new Set(messages.map((m) => m.dashboardUrl));
  expect([...urls]).toHaveLength(1);
  expect([...urls][0]).toMatch(
    /^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards:name=[A-Za-z0-9_-]+-golive$/,
  );
}, 90_000);

test('a flow that records (the scenario default) raises no recording warning', async () => {
  const healthy = loadScenario('scenarios/healthy-go-live.json');
  const { messages } = await statusMessages(healthy);

  const ready = messages.find((m) => m.step === 'DeployCheck' && m.status === 'READY');
  expect(ready?.summary).toMatch(/^READY: all \d+ checks passed \(3 number\(s\), 1 queue\(s\)\)$/);
}, 90_000);
