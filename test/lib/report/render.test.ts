import type { EvidenceMetric, EvidenceRecord, EvidenceServiceLine } from '../../../lib/report/evidence';
import { evidenceFromHistory } from '../../../lib/report/from-history';
import { collapseVerdicts, renderEvidenceReport } from '../../../lib/report/render';
import { rolledBack } from './fixtures/history';

const EVIL = `<script>alert("x")</script>' onload='steal()`;

function record(overrides: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    title: 'Amazon Connect go-live CHG-1',
    changeId: 'CHG-1',
    outcome: 'ROLLED_BACK',
    startedAt: '2025-06-01T21:00:00Z',
    endedAt: '2025-06-01T22:10:00Z',
    steps: [
      { name: 'Cutover', status: 'succeeded', at: '2025-06-01T22:00:00Z' },
      { name: 'Verify', status: 'succeeded', at: '2025-06-01T22:01:00Z', detail: 'CONTINUE: all checks pass' },
      { name: 'Rollback', status: 'succeeded', at: '2025-06-01T22:04:00Z' },
    ],
    approval: { approver: 'cab-chair', attestations: ['uat', 'bau'], at: '2025-06-01T21:10:00Z', decision: 'approve' },
    snapshot: [
      { phoneNumber: '+18005550100', flow: 'LegacyBridge' },
      { phoneNumber: '+18005550101', flow: null },
    ],
    finalAssociations: { '+18005550100': 'LegacyBridge', '+18005550101': null },
    cutoverAt: '2025-06-01T22:00:00Z',
    rollbackAt: '2025-06-01T22:04:00Z',
    metrics: [
      {
        name: 'Abandonment rate',
        unit: '%',
        threshold: { kind: 'max', value: 15 },
        points: [
          { at: '2025-06-01T22:01:00Z', value: 4 },
          { at: '2025-06-01T22:02:00Z', value: null },
          { at: '2025-06-01T22:03:00Z', value: 22 },
          { at: '2025-06-01T22:04:00Z', value: 31 },
        ],
      },
      {
        name: 'Agents available',
        unit: 'agents',
        threshold: { kind: 'min', value: 2 },
        points: [
          { at: '2025-06-01T22:01:00Z', value: 8 },
          { at: '2025-06-01T22:04:00Z', value: 1 },
        ],
      },
    ],
    verdicts: [{ at: '2025-06-01T22:04:00Z', decision: 'ROLLBACK', reason: 'abandonment 31% > 15%' }],
    ...overrides,
  };
}

function charts(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

describe('renderEvidenceReport', () => {
  test('is one complete HTML document with the outcome in the header, coloured by outcome', () => {
    const html = renderEvidenceReport(record());
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html.trimEnd()).toMatch(/<\/html>$/);
    expect(html).toContain('<header class="o-warn">');
    expect(html).toContain('data-outcome="ROLLED_BACK">ROLLED_BACK</div>');
    expect(renderEvidenceReport(record({ outcome: 'LIVE' }))).toContain('<header class="o-good">');
    expect(renderEvidenceReport(record({ outcome: 'ROLLBACK_FAILED' }))).toContain('<header class="o-bad">');
  });

  test('shows the steps, the approver, the snapshot and the final associations', () => {
    const html = renderEvidenceReport(record());
    expect(html).toContain(
      '<span class="name">Verify</span><span class="st">succeeded</span><span class="detail">CONTINUE: all checks pass</span>',
    );
    expect(html).toContain('<th scope="row">Approver</th><td>cab-chair</td>');
    expect(html).toContain('<th scope="row">Attestations</th><td>uat, bau</td>');
    expect(html).toMatch(/<section id="snapshot">.*\+18005550100.*LegacyBridge/s);
    expect(html).toMatch(/<section id="final">.*\+18005550101<\/td><td><span class="muted">no flow<\/span>/s);
  });

  test('says a number no source vouches for is unknown', () => {
    const html = renderEvidenceReport(record({ outcome: 'ROLLBACK_FAILED', finalAssociations: { '+18005550100': 'LegacyBridge' } }));
    expect(html).toMatch(/\+18005550101<\/td><td class="unknown">unknown: check this number on the instance/);
  });

  test('draws one chart per metric, each with its threshold line and the cutover and rollback markers', () => {
    const svgs = charts(renderEvidenceReport(record()));
    expect(svgs).toHaveLength(2);
    expect(svgs[0]).toContain('data-metric="Abandonment rate"');
    expect(svgs[0]).toMatch(/<line class="threshold" data-kind="max" data-value="15"/);
    expect(svgs[1]).toMatch(/<line class="threshold" data-kind="min" data-value="2"/);
    for (const svg of svgs) {
      expect(svg.match(/data-marker="cutover"/g)).toHaveLength(1);
      expect(svg.match(/data-marker="rollback"/g)).toHaveLength(1);
    }
  });

  test('breaks the line where a poll had no data, and marks breaching points', () => {
    const [abandonment, agents] = charts(renderEvidenceReport(record()));
    const path = /<path class="series" d="([^"]+)"/.exec(abandonment)![1];
    expect(path.match(/M/g)).toHaveLength(2);
    expect(abandonment.match(/class="no-data"/g)).toHaveLength(1);
    expect(abandonment.match(/class="point breach"/g)).toHaveLength(2); // 22 and 31 above max 15
    expect(agents.match(/class="point breach"/g)).toHaveLength(1); // 1 below min 2
  });

  test('puts the markers where their times fall: the cutover left of the rollback', () => {
    const [svg] = charts(renderEvidenceReport(record()));
    const x = (kind: string): number => Number(new RegExp(`data-marker="${kind}" x1="([\\d.]+)"`).exec(svg)![1]);
    expect(x('cutover')).toBeLessThan(x('rollback'));
  });

  test('omits the rollback marker when there was no rollback', () => {
    const [svg] = charts(renderEvidenceReport(record({ outcome: 'LIVE', rollbackAt: undefined })));
    expect(svg).toContain('data-marker="cutover"');
    expect(svg).not.toContain('data-marker="rollback"');
  });

  test('says so when there was no verification poll', () => {
    const html = renderEvidenceReport(record({ metrics: [], cutoverAt: undefined, rollbackAt: undefined }));
    expect(charts(html)).toHaveLength(0);
    expect(html).toContain('No verification poll was recorded.');
  });

  test('escapes every text it shows', () => {
    // GIVEN hostile text in every field a user or an API controls
    const html = renderEvidenceReport(
      record({
        title: EVIL,
        changeId: EVIL,
        outcome: EVIL,
        steps: [{ name: EVIL, status: 'failed', at: EVIL, detail: EVIL }],
        approval: { approver: EVIL, attestations: [EVIL], at: EVIL, decision: EVIL },
        snapshot: [{ phoneNumber: EVIL, flow: EVIL }],
        finalAssociations: { [EVIL]: EVIL },
        metrics: [{ name: EVIL, unit: EVIL, threshold: { kind: 'max', value: 1 }, points: [{ at: '2025-06-01T22:01:00Z', value: 2 }] }],
        verdicts: [{ at: EVIL, decision: EVIL, reason: EVIL }],
      }),
    );

    // THEN no markup gets through, in text or in attributes
    expect(html).not.toContain('<script');
    expect(html).not.toContain("' onload='");
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;steal()');
  });

  test('references no external resource: no URL, no script, no import', () => {
    const html = renderEvidenceReport(evidenceFromHistory(rolledBack().events, rolledBack().describe));
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  test('renders the evidence of a real history: six charts with both markers', () => {
    const { events, describe: described } = rolledBack();
    const svgs = charts(renderEvidenceReport(evidenceFromHistory(events, described)));
    expect(svgs).toHaveLength(6);
    for (const svg of svgs) {
      expect(svg).toContain('class="threshold"');
      expect(svg).toContain('data-marker="cutover"');
      expect(svg).toContain('data-marker="rollback"');
    }
  });
});

describe('verdict rows', () => {
  const poll = (minute: number, decision: string, reason = `${minute} min`) => ({
    at: `2025-06-01T22:${String(minute).padStart(2, '0')}:00Z`,
    decision,
    reason,
  });

  it('collapse a run of CONTINUE polls into one range, keeping every other decision', () => {
    const verdicts = [poll(0, 'WARMING_UP'), poll(1, 'CONTINUE'), poll(2, 'CONTINUE'), poll(3, 'CONTINUE'), poll(4, 'ROLLBACK', 'breach')];

    expect(collapseVerdicts(verdicts)).toEqual([
      { from: verdicts[0].at, to: verdicts[0].at, polls: 1, decision: 'WARMING_UP', reason: '0 min' },
      { from: verdicts[1].at, to: verdicts[3].at, polls: 3, decision: 'CONTINUE', reason: '3 min' },
      { from: verdicts[4].at, to: verdicts[4].at, polls: 1, decision: 'ROLLBACK', reason: 'breach' },
    ]);
  });

  it('render a collapsed range with its number of polls', () => {
    const html = renderEvidenceReport(record({ verdicts: [poll(1, 'CONTINUE'), poll(2, 'CONTINUE'), poll(3, 'LIVE', 'done')] }));

    expect(html).toContain('(2 polls)');
    expect(html.match(/<tr><td class="num">/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe('service lines', () => {
  const handleTime = (values: number[]): EvidenceMetric => ({
    name: 'Average handle time',
    unit: 's',
    threshold: { kind: 'max', value: 900 },
    points: values.map((value, i) => ({ at: `2025-06-01T22:0${i + 1}:00Z`, value })),
  });
  const line = (serviceLine: string, decision: string, failing: boolean, values: number[]): EvidenceServiceLine => ({
    serviceLine,
    decision,
    reason: `${serviceLine} reason`,
    failing,
    metrics: [handleTime(values)],
  });

  test("shows each line's latest verdict, names the failing lines, and draws a chart per line when there are several", () => {
    const html = renderEvidenceReport(
      record({ lines: [line('Sales', 'ROLLBACK', true, [400, 1200]), line('Support', 'CONTINUE', false, [250, 260])] }),
    );

    const section = html.match(/<section id="service-lines">[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(section).toContain('Failing: Sales');
    expect(section).toMatch(
      /<tr class="changed" data-line="Sales"><td>Sales<\/td><td>ROLLBACK <span class="unknown">failing<\/span><\/td><td>Sales reason<\/td><\/tr>/,
    );
    expect(section).toMatch(/<tr data-line="Support"><td>Support<\/td><td>CONTINUE<\/td><td>Support reason<\/td><\/tr>/);
    // The run's two charts, then one per line for its one metric.
    expect(charts(html)).toHaveLength(4);
    expect(charts(section)).toHaveLength(2);
    expect(section).toContain('<figcaption>Sales: Average handle time (s), max 900</figcaption>');
    expect(section).toContain('<figcaption>Support: Average handle time (s), max 900</figcaption>');
  });

  test('shows the verdict but no extra chart when the wave is one line', () => {
    const html = renderEvidenceReport(record({ lines: [line('all', 'ROLLBACK', true, [400, 1200])] }));
    expect(html).toContain('<section id="service-lines">');
    expect(charts(html)).toHaveLength(2);
  });

  test('has no service-line section for evidence without lines', () => {
    expect(renderEvidenceReport(record())).not.toContain('service-lines');
  });

  test('escapes line names, verdicts and reasons', () => {
    const html = renderEvidenceReport(
      record({
        lines: [
          { serviceLine: EVIL, decision: EVIL, reason: EVIL, failing: true, metrics: [handleTime([1])] },
          line('Support', 'CONTINUE', false, [1]),
        ],
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain("' onload='");
    expect(html).toContain('Failing: &lt;script&gt;');
  });
});

describe('count charts', () => {
  test('show whole contacts: values rounded, no fractional tick', () => {
    const queue: EvidenceMetric = {
      name: 'Contacts in queue',
      unit: 'contacts',
      threshold: { kind: 'max', value: 1 },
      points: [
        { at: '2025-06-01T22:01:00Z', value: 0.4 },
        { at: '2025-06-01T22:02:00Z', value: 1.6 },
      ],
    };
    const svg = charts(renderEvidenceReport(record({ metrics: [queue] })))[0];

    expect(svg).toContain('2025-06-01T22:02:00.000Z: 2 contacts (breach)');
    expect(svg).toContain('2025-06-01T22:01:00.000Z: 0 contacts<');
    const ticks = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(Number.isInteger(Number(tick))).toBe(true);
  });
});
