/**
 * Small text helpers shared by the core's messages. Messages quote what the operator sent, so values are
 * shortened and escaped: a 10 KB string or a control character must not end up verbatim on the status topic.
 */

const MAX_QUOTED = 40;

/** A short, safe rendering of any value for an error message: `"abc"`, `12`, `null`, `an array`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
      // JSON.stringify escapes quotes and control characters (\n, \u0000), so the message stays one line.
      return JSON.stringify(shown);
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** `0.1` → `10%`, `0.125` → `12.5%`. */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** Rounds for display without trailing zeros: `12.3456` → `12.3`. */
export function round1(value: number): string {
  return String(Number(value.toFixed(1)));
}
