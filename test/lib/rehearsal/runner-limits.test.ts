/**
 * The rehearsal runs the synthesized runbook under the executor's limits (issue 9): each function's synthesized
 * `Timeout` reaches the executor, and the rehearsal's result reports `largestStatePayloadBytes` and `historyEvents`.
 */
import { MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, payloadBytes } from '../../../lib/rehearsal/local-executor';
import { executeOnce, rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';
import { runbookFromTemplate, Template } from '../../../lib/rehearsal/template';

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
// A 5-minute window keeps the runs short; nothing here depends on its length.
const INPUT = { changeId: 'CHG-9', verification: { observationWindowSeconds: 300 } };

function scenario(faults: unknown[] = []): Scenario {
  return parseScenario({
    name: 'limits',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: NUMBERS.map((number) => ({ number, flow: 'LegacyBridge', targetFlow: 'Main' })),
    },
    input: INPUT,
    timeline: [STEADY],
    faults,
  });
}

// Each test runs the synthesized runbook once or twice: seconds each, more on a loaded machine.
jest.setTimeout(120_000);

let template: Template;
beforeAll(() => {
  template = synthesizeForScenario(scenario());
});

test("takes every runbook function's Timeout from the synthesized template", () => {
  const runbook = runbookFromTemplate(template);
  expect(Object.keys(runbook.functionTimeouts).sort()).toEqual(Object.keys(runbook.handlers).sort());
  // The construct gives every task function 5 minutes (lib/runbook/go-live-runbook.ts).
  for (const seconds of Object.values(runbook.functionTimeouts)) expect(seconds).toBe(300);
});

test('reports the largest state payload and the history events of the run', async () => {
  const run = await rehearseScenario(scenario(), { template });
  expect(run.outcome).toBe('LIVE');
  expect(run.largestStatePayloadBytes).toBeGreaterThan(1000);
  expect(run.largestStatePayloadBytes).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  // At least entered + exited per transition, plus the task events; far below the quota for a 5-minute window.
  expect(run.historyEvents).toBeGreaterThan(2 * run.transitions);
  expect(run.historyEvents).toBeLessThan(MAX_HISTORY_EVENTS);
});

test('the largest state payload is at least every state output the run recorded', async () => {
  const { result } = await executeOnce(scenario(), { template });
  const outputs = result.steps.filter((s) => s.output !== undefined).map((s) => payloadBytes(s.output));
  expect(outputs.length).toBeGreaterThan(5);
  expect(result.largestStatePayloadBytes).toBeGreaterThanOrEqual(Math.max(...outputs, payloadBytes(INPUT)));
});

test('a handler past its synthesized function timeout fails its task with Sandbox.Timedout, retried like States.Timeout', async () => {
  // Every simulated API call takes 50 ms of simulated time; DeployCheck's function gets 10 ms, so each of its runs
  // times out after its first call: 1 run + 3 retries, then the run aborts before anything changed.
  const tight = JSON.parse(JSON.stringify(template)) as Template;
  const deployCheck = Object.values(tight.Resources).find(
    (r) => r.Properties?.Environment?.Variables?.CONNECT_GOLIVE_HANDLER === 'deploy-check',
  );
  deployCheck!.Properties!.Timeout = 0.01;

  const strict = await executeOnce(scenario(), { template: tight });
  const describes = (r: typeof strict) => r.sim.callLog.filter((c) => c.operation === 'DescribeInstance').length;
  expect({ outcome: outcomeOf(strict.result), cause: strict.result.cause }).toMatchObject({
    outcome: 'ABORTED',
    cause: expect.stringContaining('Sandbox.Timedout'),
  });
  expect(describes(strict)).toBe(4);
  expect(strict.sim.writeCalls()).toEqual([]);

  const normal = await executeOnce(scenario(), { template });
  expect(outcomeOf(normal.result)).toBe('LIVE');
  expect(describes(normal)).toBe(1);
});

function outcomeOf(result: { status: string; output?: any; error?: string }): string {
  return result.status === 'SUCCEEDED' ? String(result.output?.outcome) : String(result.error);
}
