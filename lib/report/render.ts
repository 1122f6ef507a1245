/**
 * The go-live evidence as one self-contained HTML page: inline CSS, inline SVG, no script, no external
 * resource (a Content-Security-Policy forbids them), every text escaped. Print it or attach it to the change.
 */
import { ChartMarker, renderLineChart } from './chart';
import type { EvidenceMetric, EvidenceRecord, EvidenceStep } from './evidence';
import { escapeHtml, formatTime } from './html';
import { collapseRepeats } from './verdicts';

const OUTCOME_CLASS: Readonly<Record<string, string>> = {
  LIVE: 'good',
  DRY_RUN_OK: 'good',
  ROLLED_BACK: 'warn',
  PARTIALLY_ROLLED_BACK: 'warn',
  ABORTED: 'neutral',
  ROLLBACK_FAILED: 'bad',
};

const OUTCOME_MEANING: Readonly<Record<string, string>> = {
  LIVE: 'The numbers moved and verification passed.',
  DRY_RUN_OK: 'Every check passed; nothing was changed (dry run).',
  ROLLED_BACK: 'The numbers were restored to their snapshot flows.',
  PARTIALLY_ROLLED_BACK: 'The failing service lines were restored to their snapshot flows; the other lines stay live.',
  ABORTED: 'The go-live stopped before any number moved, or was aborted.',
  ROLLBACK_FAILED: 'The rollback did not complete: check every number on the instance now.',
};

const STYLE = `
:root{--good:#1b7f3b;--warn:#b26a00;--bad:#b3261e;--neutral:#5f6368;--info:#1a5fb4;--line:#d0d4d9;--muted:#5f6368}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:960px;margin:0 auto;padding:0 16px 32px}
header{color:#fff;padding:20px 16px;margin-bottom:16px}
header .inner{max-width:960px;margin:0 auto;padding:0 16px}
header h1{margin:0 0 4px;font-size:22px}
header .outcome{font-size:28px;font-weight:700;letter-spacing:.02em}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 0}
header dt{opacity:.85}header dd{margin:0}
.o-good{background:var(--good)}.o-warn{background:var(--warn)}.o-bad{background:var(--bad)}.o-neutral{background:var(--neutral)}.o-info{background:var(--info)}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:var(--muted)}
.changed{font-weight:600}
.unknown{color:var(--bad);font-weight:600}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{display:grid;grid-template-columns:12em 12em 6em 1fr;gap:8px;padding:3px 0;border-bottom:1px solid var(--line)}
.s-succeeded .st{color:var(--good)}.s-failed .st{color:var(--bad);font-weight:600}.s-running .st{color:var(--info)}.s-stopped .st{color:var(--neutral)}
figure{margin:8px 0 16px}figcaption{font-weight:600;margin-bottom:4px}
svg.chart{background:#fff;max-width:720px;display:block}
svg .axis{stroke:#57606a;stroke-width:1}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .tick,svg .unit{font-size:11px;fill:#57606a}
svg .breach-zone{fill:var(--bad);opacity:.07}
svg .threshold{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:6 4}
svg .threshold-label{font-size:11px;fill:var(--bad)}
svg .marker{stroke-width:1.5}
svg .marker-cutover{stroke:var(--info);fill:var(--info)}
svg .marker-rollback{stroke:var(--warn);fill:var(--warn)}
svg .marker-label{stroke:none;font-size:11px}
svg .series{fill:none;stroke:#24292f;stroke-width:2}
svg .point{fill:#24292f}svg .point.breach{fill:var(--bad)}
svg .no-data{font-size:12px;fill:var(--muted)}
svg .empty{font-size:13px;fill:var(--muted)}
@media print{body{background:#fff}section{break-inside:avoid}}
`;

/** Renders the evidence record as a complete HTML document. */
export function renderEvidenceReport(record: EvidenceRecord): string {
  const tone = OUTCOME_CLASS[record.outcome] ?? 'info';
  const markers: ChartMarker[] = [
    ...(record.cutoverAt ? [{ kind: 'cutover' as const, at: record.cutoverAt }] : []),
    ...(record.rollbackAt ? [{ kind: 'rollback' as const, at: record.rollbackAt }] : []),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${record.title} — ${record.outcome}`)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header class="o-${tone}"><div class="inner">`,
    `<h1>${escapeHtml(record.title)}</h1>`,
    `<div class="outcome" data-outcome="${escapeHtml(record.outcome)}">${escapeHtml(record.outcome)}</div>`,
    OUTCOME_MEANING[record.outcome] ? `<p>${escapeHtml(OUTCOME_MEANING[record.outcome])}</p>` : '',
    '<dl>',
    definition('Change', record.changeId),
    definition('Started', formatTime(record.startedAt)),
    definition('Ended', record.endedAt ? formatTime(record.endedAt) : 'still running'),
    record.cutoverAt ? definition('Cutover', formatTime(record.cutoverAt)) : '',
    record.rollbackAt ? definition('Rollback', formatTime(record.rollbackAt)) : '',
    '</dl></div></header><main>',
    approvalSection(record),
    timelineSection(record.steps),
    associationsSection(record),
    metricsSection(record, markers),
    serviceLinesSection(record, markers),
    verdictsSection(record),
    '<p class="muted">Built from the Step Functions execution history, which remains the record of truth.</p>',
    '</main></body></html>',
    '',
  ].join('\n');
}

function definition(term: string, value: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`;
}

function approvalSection(record: EvidenceRecord): string {
  const approval = record.approval;
  if (!approval) return '<section id="approval"><h2>Approval</h2><p class="muted">No approval was answered.</p></section>';
  const attestations = approval.attestations.length ? approval.attestations.join(', ') : 'none';
  return [
    '<section id="approval"><h2>Approval</h2><table><tbody>',
    row('Decision', approval.decision),
    row('Approver', approval.approver || 'not recorded'),
    row('Attestations', attestations),
    row('At', formatTime(approval.at)),
    '</tbody></table></section>',
  ].join('');
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

function timelineSection(steps: readonly EvidenceStep[]): string {
  const items = steps.map(
    (s) =>
      `<li class="s-${escapeHtml(s.status)}"><time datetime="${escapeHtml(s.at)}">${escapeHtml(formatTime(s.at))}</time>` +
      `<span class="name">${escapeHtml(s.name)}</span><span class="st">${escapeHtml(s.status)}</span>` +
      `<span class="detail">${escapeHtml(s.detail ?? '')}</span></li>`,
  );
  return `<section id="timeline"><h2>Steps</h2>${items.length ? `<ol class="timeline">${items.join('')}</ol>` : '<p class="muted">No state was entered.</p>'}</section>`;
}

function associationsSection(record: EvidenceRecord): string {
  const before = new Map(record.snapshot.map((s) => [s.phoneNumber, s.flow]));
  const snapshotRows = record.snapshot.map((s) => `<tr><td class="num">${escapeHtml(s.phoneNumber)}</td><td>${flowCell(s.flow)}</td></tr>`);
  const numbers = [...new Set([...before.keys(), ...Object.keys(record.finalAssociations)])];
  const finalRows = numbers.map((number) => {
    if (!Object.prototype.hasOwnProperty.call(record.finalAssociations, number)) {
      return `<tr><td class="num">${escapeHtml(number)}</td><td class="unknown">unknown: check this number on the instance</td><td>${flowCell(before.get(number) ?? null)}</td></tr>`;
    }
    const flow = record.finalAssociations[number];
    const changed = before.has(number) && before.get(number) !== flow;
    return `<tr${changed ? ' class="changed"' : ''}><td class="num">${escapeHtml(number)}</td><td>${flowCell(flow)}</td><td>${before.has(number) ? flowCell(before.get(number) ?? null) : '<span class="muted">not in snapshot</span>'}</td></tr>`;
  });
  return [
    '<section id="snapshot"><h2>Rollback snapshot</h2>',
    snapshotRows.length
      ? `<table><thead><tr><th>Phone number</th><th>Flow before cutover</th></tr></thead><tbody>${snapshotRows.join('')}</tbody></table>`
      : '<p class="muted">No snapshot was recorded (the execution ended before DeployCheck completed).</p>',
    '</section>',
    '<section id="final"><h2>Final associations</h2>',
    finalRows.length
      ? `<table><thead><tr><th>Phone number</th><th>Flow now</th><th>Flow before</th></tr></thead><tbody>${finalRows.join('')}</tbody></table>`
      : '<p class="muted">No phone number is known to this execution.</p>',
    '</section>',
  ].join('');
}

function flowCell(flow: string | null): string {
  return flow === null ? '<span class="muted">no flow</span>' : escapeHtml(flow);
}

function metricsSection(record: EvidenceRecord, markers: readonly ChartMarker[]): string {
  if (record.metrics.length === 0) {
    return '<section id="metrics"><h2>Metrics</h2><p class="muted">No verification poll was recorded.</p></section>';
  }
  return `<section id="metrics"><h2>Metrics</h2>${record.metrics.map((metric) => figure(metric, markers)).join('')}</section>`;
}

function figure(metric: EvidenceMetric, markers: readonly ChartMarker[], prefix = ''): string {
  return `<figure><figcaption>${escapeHtml(`${prefix}${metric.name} (${metric.unit}), ${metric.threshold.kind} ${metric.threshold.value}`)}</figcaption>${renderLineChart(metric, markers)}</figure>`;
}

/**
 * Each service line's latest verdict, failing lines first named; with more than one line, a chart per metric of
 * each line's own samples, since one line's breach hides in the wave's blend.
 */
function serviceLinesSection(record: EvidenceRecord, markers: readonly ChartMarker[]): string {
  const lines = record.lines ?? [];
  if (lines.length === 0) return '';
  const failing = lines.filter((l) => l.failing).map((l) => l.serviceLine);
  const rows = lines.map(
    (l) =>
      `<tr${l.failing ? ' class="changed"' : ''} data-line="${escapeHtml(l.serviceLine)}"><td>${escapeHtml(l.serviceLine)}</td>` +
      `<td>${escapeHtml(l.decision)}${l.failing ? ' <span class="unknown">failing</span>' : ''}</td><td>${escapeHtml(l.reason)}</td></tr>`,
  );
  const charts =
    lines.length > 1
      ? lines
          .map(
            (l) =>
              `<div class="line-charts" data-line="${escapeHtml(l.serviceLine)}"><h3>${escapeHtml(l.serviceLine)}</h3>` +
              `${l.metrics.map((metric) => figure(metric, markers, `${l.serviceLine}: `)).join('')}</div>`,
          )
          .join('')
      : '';
  return [
    '<section id="service-lines"><h2>Service lines</h2>',
    `<p>${escapeHtml(failing.length ? `Failing: ${failing.join(', ')}` : 'No line failing.')}</p>`,
    `<table><thead><tr><th>Service line</th><th>Latest verdict</th><th>Reason</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    charts,
    '</section>',
  ].join('');
}

/** Consecutive verdicts with the same repeating decision, folded into one: first time, last time, count, last reason. */
export function collapseVerdicts(
  verdicts: EvidenceRecord['verdicts'],
): Array<{ from: string; to: string; polls: number; decision: string; reason: string }> {
  return collapseRepeats(verdicts, (v) => v.decision).map((run) => ({
    from: run.first.at,
    to: run.last.at,
    polls: run.count,
    decision: run.first.decision,
    reason: run.last.reason,
  }));
}

function verdictsSection(record: EvidenceRecord): string {
  if (record.verdicts.length === 0) return '';
  const rows = collapseVerdicts(record.verdicts).map((v) => {
    const at = v.polls === 1 ? formatTime(v.from) : `${formatTime(v.from)} – ${formatTime(v.to)} (${v.polls} polls)`;
    return `<tr><td class="num">${escapeHtml(at)}</td><td>${escapeHtml(v.decision)}</td><td>${escapeHtml(v.reason)}</td></tr>`;
  });
  return `<section id="verdicts"><h2>Verdicts</h2><table><thead><tr><th>At</th><th>Decision</th><th>Reason</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
