/**
 * Verdicts per service line (issue 10, "Build" 3): each line is judged over its own queues and target flows, and
 * the verdict names the line that failed. Runs the synthesized runbook against the simulator.
 */
import { rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { loadScenario, type Scenario } from '../../../lib/rehearsal/scenario';

const TWO_LINES = loadScenario('scenarios/two-lines-sales-aht.json');

/** The same contact center with the plan's lines and queues left out: one line over every queue. */
function blended(s: Scenario): Scenario {
  return {
    ...s,
    contactCenter: {
      ...s.contactCenter,
      phoneNumbers: s.contactCenter.phoneNumbers.map(({ serviceLine: _l, queues: _q, ...p }) => p),
    },
  };
}

test('rolls back when one of two lines fails, naming that line', async () => {
  const run = await rehearseScenario(TWO_LINES, { template: synthesizeForScenario(TWO_LINES) });

  expect(run.outcome).toBe('ROLLED_BACK');
  expect(run.verdicts.at(-1)?.decision).toBe('ROLLBACK');
  expect(run.reason).toMatch(/^rolled back: service line Sales: avgHandleTime 1200 s breached 30–900 s/);
  expect(run.reason).not.toContain('Support');
}, 60_000);

test('without lines, the blended average hides the failing line (the reason lines exist)', async () => {
  const s = blended(TWO_LINES);
  const run = await rehearseScenario(s, { template: synthesizeForScenario(s) });

  expect(run.outcome).toBe('LIVE');
}, 60_000);
