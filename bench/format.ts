/**
 * What every benchmark section hands back to bench/run.ts: its figures (each with its target) and the Markdown
 * that explains them. Pure formatting.
 */

/** One measured figure. `met` is absent for figures that have no target. */
export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly met?: boolean;
}

export interface SectionResult {
  readonly title: string;
  readonly figures: Figure[];
  /** The section body: tables and the explanations, in Markdown. */
  readonly markdown: string;
}

/** Prints a progress line while a section runs. */
export type Print = (line: string) => void;

export function verdict(met: boolean | undefined): string {
  if (met === undefined) return '-';
  return met ? 'met' : 'NOT met';
}

/** A Markdown table; cells are escaped for `|`. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The figures of a section as a Markdown table. */
export function figureTable(figures: readonly Figure[]): string {
  return table(
    ['figure', 'value', 'target', ''],
    figures.map((f) => [f.name, f.value, f.target ?? '-', verdict(f.met)]),
  );
}

/** Simulated or wall seconds, one decimal. */
export function secs(seconds: number): string {
  return `${seconds.toFixed(1)} s`;
}

/** Bytes as KB (1 KB = 1024 bytes, as esbuild reports). */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds between two ISO times, in seconds. */
export function secondsBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
}
