/**
 * One metric as an inline SVG line chart: the samples (gaps where a poll had no data), the threshold line with
 * its breach zone shaded, and vertical markers for the cutover and rollback moments. Pure string building.
 */
import type { EvidenceMetric } from './evidence';
import { escapeHtml, formatNumber } from './html';

export interface ChartMarker {
  /** `cutover` or `rollback`: also the CSS class and `data-marker` value. */
  readonly kind: 'cutover' | 'rollback';
  readonly at: string;
}

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { left: 64, right: 24, top: 24, bottom: 40 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const Y_TICKS = 4;
const X_TICKS = 5;
/** Units that count whole things: a chart shows 3 contacts, never 2.6, and no half-contact tick. */
const COUNT_UNITS: ReadonlySet<string> = new Set(['contacts', 'agents', 'errors', 'calls']);

interface Point {
  readonly t: number;
  readonly value: number | null;
}

export function renderLineChart(metric: EvidenceMetric, markers: readonly ChartMarker[]): string {
  const whole = COUNT_UNITS.has(metric.unit);
  const points: Point[] = metric.points
    .map((p) => ({
      t: Date.parse(p.at),
      value: typeof p.value === 'number' && Number.isFinite(p.value) ? (whole ? Math.round(p.value) : p.value) : null,
    }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const placed = markers.map((m) => ({ ...m, t: Date.parse(m.at) })).filter((m) => Number.isFinite(m.t));

  const times = [...points.map((p) => p.t), ...placed.map((m) => m.t)];
  let t0 = times.length ? Math.min(...times) : 0;
  let t1 = times.length ? Math.max(...times) : 1;
  if (t1 - t0 < 60_000) {
    t0 -= 30_000;
    t1 += 30_000;
  }
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const threshold = Number.isFinite(metric.threshold.value) ? metric.threshold.value : 0;
  const [v0, v1, vStep] = niceDomain(Math.min(0, threshold, ...values), Math.max(threshold, ...values), whole ? 1 : 0);

  const x = (t: number): number => MARGIN.left + ((t - t0) / (t1 - t0)) * PLOT_W;
  const y = (v: number): number => MARGIN.top + PLOT_H - ((v - v0) / (v1 - v0)) * PLOT_H;
  const breaches = (v: number): boolean => (metric.threshold.kind === 'max' ? v > threshold : v < threshold);

  const parts: string[] = [];
  const label = `${metric.name} (${metric.unit}) over time; threshold ${metric.threshold.kind} ${formatNumber(threshold)}`;
  parts.push(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(label)}" data-metric="${escapeHtml(metric.name)}">`,
    `<title>${escapeHtml(label)}</title>`,
  );

  // Breach zone: above a max threshold, below a min one.
  const ty = y(threshold);
  const zoneTop = metric.threshold.kind === 'max' ? MARGIN.top : ty;
  const zoneBottom = metric.threshold.kind === 'max' ? ty : MARGIN.top + PLOT_H;
  parts.push(
    `<rect class="breach-zone" x="${MARGIN.left}" y="${n(zoneTop)}" width="${PLOT_W}" height="${n(Math.max(0, zoneBottom - zoneTop))}"/>`,
  );

  // Axes and ticks.
  for (let i = 0; v0 + i * vStep <= v1 + vStep / 1e6; i++) {
    const v = v0 + i * vStep;
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" y1="${n(y(v))}" x2="${MARGIN.left + PLOT_W}" y2="${n(y(v))}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${n(y(v) + 4)}" text-anchor="end">${escapeHtml(formatNumber(v))}</text>`,
    );
  }
  for (let i = 0; i <= X_TICKS; i++) {
    const t = t0 + ((t1 - t0) * i) / X_TICKS;
    parts.push(
      `<text class="tick" x="${n(x(t))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(clock(t, t1 - t0))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}"/>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}"/>`,
    `<text class="unit" x="${MARGIN.left}" y="${MARGIN.top - 8}">${escapeHtml(metric.unit)}</text>`,
    `<text class="unit" x="${MARGIN.left + PLOT_W}" y="${HEIGHT - 4}" text-anchor="end">UTC</text>`,
  );

  // Threshold.
  parts.push(
    `<line class="threshold" data-kind="${escapeHtml(metric.threshold.kind)}" data-value="${escapeHtml(formatNumber(threshold))}" x1="${MARGIN.left}" y1="${n(ty)}" x2="${MARGIN.left + PLOT_W}" y2="${n(ty)}"/>`,
    `<text class="threshold-label" x="${MARGIN.left + PLOT_W - 4}" y="${n(metric.threshold.kind === 'max' ? ty - 5 : ty + 13)}" text-anchor="end">${escapeHtml(`${metric.threshold.kind} ${formatNumber(threshold)}`)}</text>`,
  );

  // Cutover and rollback moments.
  for (const marker of placed) {
    const mx = n(x(marker.t));
    parts.push(
      `<line class="marker marker-${marker.kind}" data-marker="${marker.kind}" x1="${mx}" y1="${MARGIN.top}" x2="${mx}" y2="${MARGIN.top + PLOT_H}"/>`,
      `<text class="marker-label marker-${marker.kind}" x="${n(x(marker.t) + 4)}" y="${MARGIN.top + 10}">${marker.kind}</text>`,
    );
  }

  // The series: one path segment per run of polls with data, so a gap shows where there was none.
  const segments: string[] = [];
  let run: string[] = [];
  for (const p of points) {
    if (p.value === null) {
      if (run.length) segments.push(run.join(' '));
      run = [];
    } else {
      run.push(`${run.length ? 'L' : 'M'}${n(x(p.t))},${n(y(p.value))}`);
    }
  }
  if (run.length) segments.push(run.join(' '));
  if (segments.length) parts.push(`<path class="series" d="${segments.join(' ')}"/>`);
  for (const p of points) {
    if (p.value === null) {
      parts.push(
        `<text class="no-data" x="${n(x(p.t))}" y="${MARGIN.top + PLOT_H - 4}" text-anchor="middle"><title>no data</title>×</text>`,
      );
    } else {
      const breach = breaches(p.value);
      parts.push(
        `<circle class="point${breach ? ' breach' : ''}" cx="${n(x(p.t))}" cy="${n(y(p.value))}" r="3"><title>${escapeHtml(`${new Date(p.t).toISOString()}: ${formatNumber(p.value)} ${metric.unit}${breach ? ' (breach)' : ''}`)}</title></circle>`,
      );
    }
  }
  if (points.length === 0) {
    parts.push(`<text class="empty" x="${MARGIN.left + PLOT_W / 2}" y="${MARGIN.top + PLOT_H / 2}" text-anchor="middle">no samples</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Rounds a value domain out to a step of 1, 2 or 5 × 10^k (at least `minStep`) so the tick labels read well. */
function niceDomain(min: number, max: number, minStep = 0): [number, number, number] {
  if (max <= min) max = min + 1;
  const rawStep = Math.max((max - min) / Y_TICKS, minStep);
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rawStep) ?? 10 * magnitude;
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step, step];
}

function clock(t: number, span: number): string {
  const iso = new Date(t).toISOString();
  return span < 3_600_000 ? iso.slice(11, 19) : iso.slice(11, 16);
}

function n(value: number): string {
  return value.toFixed(1);
}
