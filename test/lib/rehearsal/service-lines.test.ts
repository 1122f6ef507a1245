/**
 * Verdicts per service line (issue 10, "Build" 3): each line is judged over its own queues and target flows, and
 * the verdict names the line that failed. Runs the synthesized runbook against the simulator.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { abortKey } from '../../../lambda/core/control';
import { dynamodb } from '../../../lambda/shared/clients';
import { openRehearsal, rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
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

test('rollbackScope "wave" (the default): every number of both lines goes back', async () => {
  const run = await rehearseScenario(TWO_LINES, { template: synthesizeForScenario(TWO_LINES) });

  expect(run.finalAssociations).toEqual({ '+18005550100': 'LegacyBridge', '+18005550101': 'LegacyBridge', '+18005550110': 'LegacyBridge' });
}, 60_000);

test('rollbackScope "serviceLine": only the failing line goes back, the healthy line stays live: PARTIALLY_ROLLED_BACK', async () => {
  const s = loadScenario('scenarios/two-lines-partial-rollback.json');
  const run = await rehearseScenario(s, { template: synthesizeForScenario(s) });

  expect(run.outcome).toBe('PARTIALLY_ROLLED_BACK');
  expect(run.finalAssociations).toEqual({ '+18005550100': 'Main', '+18005550101': 'Main', '+18005550110': 'LegacyBridge' });
  // Only Sales' number was written back.
  expect(run.writeCalls.filter((w) => w.flow === 'LegacyBridge').map((w) => w.phoneNumber)).toEqual(['+18005550110']);
  expect(run.reason).toMatch(/^service line\(s\) Sales rolled back, the other lines stay live/);
}, 60_000);

test('rollbackScope "serviceLine" with an operator abort: the whole wave goes back (an abort is not a line\'s verdict)', async () => {
  const s = loadScenario('scenarios/two-lines-partial-rollback.json');
  const healthy = { ...s, timeline: s.timeline.filter((row) => row.atMinute !== 2) };
  const rehearsal = await openRehearsal(healthy, { template: synthesizeForScenario(healthy), unknownCaller: 'allow' });
  try {
    let requested = false;
    const run = await rehearsal.execute({
      name: 'abort-partial',
      onStep: (step, event) => {
        if (step.name === 'Verify' && event === 'exited' && !requested) {
          requested = true;
          void dynamodb.send(
            new PutItemCommand({
              TableName: rehearsal.config.controlTableName,
              Item: {
                pk: { S: abortKey('arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:abort-partial') },
                requestedBy: { S: 'ops' },
              },
            }),
          );
        }
      },
    });
    expect(run.result.error).toBe('ROLLED_BACK');
    expect(Object.values(rehearsal.sim.associations()).filter((f) => f === 'Main')).toHaveLength(1); // the UAT number only
  } finally {
    await rehearsal.close();
  }
}, 60_000);

test('without lines, the blended average hides the failing line (the reason lines exist)', async () => {
  const s = blended(TWO_LINES);
  const run = await rehearseScenario(s, { template: synthesizeForScenario(s) });

  expect(run.outcome).toBe('LIVE');
}, 60_000);
