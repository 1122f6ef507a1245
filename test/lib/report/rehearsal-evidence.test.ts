/**
 * The rehearsal's evidence (lib/rehearsal/runner.ts evidenceOf) carries each service line's verdict and its own
 * metrics, so its HTML report shows a chart per line. Runs the synthesized runbook against the simulator.
 */
import { rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { loadScenario } from '../../../lib/rehearsal/scenario';
import { renderEvidenceReport } from '../../../lib/report/render';

test('a rehearsal of two lines, one failing, has both lines in its evidence and a chart per line in its report', async () => {
  // GIVEN Sales' handle time breaches while Support stays healthy
  const s = loadScenario('scenarios/two-lines-sales-aht.json');

  // WHEN
  const run = await rehearseScenario(s, { template: synthesizeForScenario(s) });

  // THEN
  const lines = run.evidence.lines ?? [];
  expect(lines.map((l) => [l.serviceLine, l.decision, l.failing]).sort()).toEqual([
    ['Sales', 'ROLLBACK', true],
    ['Support', 'CONTINUE', false],
  ]);
  const handleTime = (line: string) => lines.find((l) => l.serviceLine === line)?.metrics.find((m) => m.name === 'Average handle time');
  // Each line's own sample: Sales' last handle time is its breach, Support's stays under the limit.
  expect(handleTime('Sales')?.points.at(-1)?.value).toBe(1200);
  expect(handleTime('Support')?.points.every((p) => p.value === null || p.value <= 900)).toBe(true);
  const html = renderEvidenceReport(run.evidence);
  expect(html).toContain('Failing: Sales');
  expect(html).toContain('<div class="line-charts" data-line="Support">');
}, 60_000);
