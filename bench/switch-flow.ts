/**
 * Section 2b: `repoint` and `switchFlow` side by side (issue 13). Waves of 1, 100 and 1,000 numbers through the full
 * rehearsal, each mode twice: a healthy run (cutover time: first Cutover entered → last exited) and a breach run
 * (rollback time: first Rollback entered → last exited, the API time; and breach → rollback complete, which adds
 * detection). Target: a switchFlow rollback of 1,000 numbers in ≤ 5 s simulated (API time).
 *
 * Run alone: `npx tsx bench/switch-flow.ts` (prints the section's markdown); `npm run bench` runs it as section 2b.
 */
import { executeOnce, outcomeOf, synthesizeForScenario } from '../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../lib/rehearsal/scenario';
import { FLOW_CONTENT_PROPAGATION_SECONDS } from '../lib/rehearsal/simulator/flow-content';
import { Template } from '../lib/rehearsal/template';
import { batchedTask, waveScenario } from './cutover-scale';
import { Figure, Print, SectionResult, secondsBetween, secs, table } from './format';

export const WAVE_SIZES = [1, 100, 1000] as const;
export const TARGET_WAVE = 1000;
export const TARGET_ROLLBACK_SECONDS = 5;
const MODES = ['repoint', 'switchFlow'] as const;
type Mode = (typeof MODES)[number];
/** switchFlow lines start from silence (every caller was bridged to legacy): rates settle about one handle time. */
const SWITCH_FLOW_VERIFICATION = { observationWindowSeconds: 900, rateSettleSeconds: 420 };

export interface ModeRow {
  readonly mode: Mode;
  readonly numbers: number;
  readonly healthyOutcome: string;
  readonly cutoverSeconds: number | null;
  readonly breachOutcome: string;
  readonly rollbackSeconds: number | null;
  readonly breachToRollbackSeconds: number | null;
  /** Connect write calls in the breach run (associations or content updates). */
  readonly writes: number;
  /** The largest state input/output and the history events over both runs (Step Functions: 256 KiB, 25,000). */
  readonly largestStatePayloadBytes: number;
  readonly historyEvents: number;
}

/** N numbers on the line's entry flow (golive-entry-all), target Main; abandonment jumps at `breachMinute`. */
export function switchFlowWave(n: number, breachMinute?: number): Scenario {
  const base = waveScenario(n, breachMinute);
  return parseScenario({
    ...base,
    name: `switchFlow ${base.name}`,
    runbook: { cutoverMode: 'switchFlow' },
    contactCenter: {
      ...base.contactCenter,
      flows: [{ name: 'Main' }, { name: 'golive-entry-all' }],
      phoneNumbers: base.contactCenter.phoneNumbers.map((p) => ({ ...p, flow: 'golive-entry-all' })),
    },
    input: { ...(base.input as object), verification: SWITCH_FLOW_VERIFICATION },
  });
}

const scenarioOf = (mode: Mode, n: number, breachMinute?: number) =>
  mode === 'repoint' ? waveScenario(n, breachMinute) : switchFlowWave(n, breachMinute);

async function measure(mode: Mode, n: number, template: Template): Promise<ModeRow> {
  const healthy = await executeOnce(scenarioOf(mode, n), { template });
  const cutover = batchedTask(healthy.result.steps, 'Cutover', healthy.sim.callLog);
  // The breach lands in the first whole minute after the cutover is done and, for switchFlow, after the new
  // content reaches callers: there must be callers on the new flow to breach.
  const reachSeconds = (cutover.seconds ?? 0) + (mode === 'switchFlow' ? FLOW_CONTENT_PROPAGATION_SECONDS : 0);
  const breachMinute = Math.floor(reachSeconds / 60) + 1;
  const breach = await executeOnce(scenarioOf(mode, n, breachMinute), { template });
  const rollback = batchedTask(breach.result.steps, 'Rollback', breach.sim.callLog);
  const lastRollback = [...breach.result.steps].reverse().find((s) => s.name === 'Rollback' && s.status === 'SUCCEEDED')?.exitedAt;
  const cutoverAt = breach.sim.clock.cutoverAt;
  return {
    mode,
    numbers: n,
    healthyOutcome: outcomeOf(healthy.result),
    cutoverSeconds: cutover.seconds,
    breachOutcome: outcomeOf(breach.result),
    rollbackSeconds: rollback.seconds,
    breachToRollbackSeconds:
      cutoverAt && lastRollback ? secondsBetween(new Date(cutoverAt.getTime() + breachMinute * 60_000).toISOString(), lastRollback) : null,
    writes: breach.sim.writeCalls().length,
    largestStatePayloadBytes: Math.max(healthy.result.largestStatePayloadBytes, breach.result.largestStatePayloadBytes),
    historyEvents: Math.max(healthy.result.historyEvents, breach.result.historyEvents),
  };
}

export async function benchSwitchFlow(print: Print, sizes: readonly number[] = WAVE_SIZES): Promise<SectionResult> {
  const rows: ModeRow[] = [];
  for (const n of sizes) {
    for (const mode of MODES) {
      const template = synthesizeForScenario(scenarioOf(mode, n));
      const row = await measure(mode, n, template);
      print(
        `  ${mode} ${n} number(s): cutover ${cell(row.cutoverSeconds)} (${row.healthyOutcome}), rollback ${cell(row.rollbackSeconds)}, ` +
          `breach → rollback complete ${cell(row.breachToRollbackSeconds)} (${row.breachOutcome}), ${row.writes} write calls, ` +
          `largest state ${row.largestStatePayloadBytes} B, ${row.historyEvents} history events`,
      );
      rows.push(row);
    }
  }
  return { title: '2b. repoint vs switchFlow', figures: figuresOf(rows), markdown: render(rows) };
}

export function figuresOf(rows: readonly ModeRow[]): Figure[] {
  const target = rows.find((r) => r.mode === 'switchFlow' && r.numbers === TARGET_WAVE);
  const repoint = rows.find((r) => r.mode === 'repoint' && r.numbers === TARGET_WAVE);
  if (!target) return [];
  return [
    {
      name: `switchFlow rollback of ${TARGET_WAVE.toLocaleString('en-US')} numbers (first Rollback entered → last exited: API time, not detection)`,
      value: `${cell(target.rollbackSeconds)}, ${target.breachOutcome} (repoint: ${cell(repoint?.rollbackSeconds ?? null)})`,
      target: `≤ ${TARGET_ROLLBACK_SECONDS} s`,
      met: target.rollbackSeconds !== null && target.rollbackSeconds <= TARGET_ROLLBACK_SECONDS && target.breachOutcome === 'ROLLED_BACK',
    },
    {
      name: `switchFlow, ${TARGET_WAVE.toLocaleString('en-US')} numbers: largest state payload and history events (healthy and breach runs)`,
      value: `${target.largestStatePayloadBytes} B, ${target.historyEvents} events`,
      target: '< 64 KiB, < 25,000 events',
      met: target.largestStatePayloadBytes < 64 * 1024 && target.historyEvents < 25_000,
    },
    {
      name: `Breach → rollback complete, ${TARGET_WAVE.toLocaleString('en-US')} numbers, switchFlow vs repoint`,
      value: `${cell(target.breachToRollbackSeconds)} vs ${cell(repoint?.breachToRollbackSeconds ?? null)}`,
    },
  ];
}

function cell(seconds: number | null): string {
  return seconds === null ? 'not completed' : secs(seconds);
}

export function render(rows: readonly ModeRow[]): string {
  const sizes = [...new Set(rows.map((r) => r.numbers))];
  const get = (mode: Mode, n: number) => rows.find((r) => r.mode === mode && r.numbers === n);
  const side = table(
    [
      'numbers',
      'cutover: repoint',
      'cutover: switchFlow',
      'rollback: repoint',
      'rollback: switchFlow',
      'breach → rollback complete: repoint',
      'breach → rollback complete: switchFlow',
      'write calls (breach run): repoint / switchFlow',
      'largest state: repoint / switchFlow',
    ],
    sizes.map((n) => {
      const r = get('repoint', n);
      const s = get('switchFlow', n);
      return [
        String(n),
        `${cell(r?.cutoverSeconds ?? null)} (${r?.healthyOutcome})`,
        `${cell(s?.cutoverSeconds ?? null)} (${s?.healthyOutcome})`,
        cell(r?.rollbackSeconds ?? null),
        cell(s?.rollbackSeconds ?? null),
        `${cell(r?.breachToRollbackSeconds ?? null)} (${r?.breachOutcome})`,
        `${cell(s?.breachToRollbackSeconds ?? null)} (${s?.breachOutcome})`,
        `${r?.writes} / ${s?.writes}`,
        `${r?.largestStatePayloadBytes} B / ${s?.largestStatePayloadBytes} B`,
      ];
    }),
  );
  return [
    'Scenarios built in `bench/switch-flow.ts`: the waves of section 2 (N numbers, one line, target Main), once in ' +
      '`repoint` mode (numbers on LegacyBridge, one AssociatePhoneNumberContactFlow per number) and once in ' +
      "`switchFlow` mode (numbers on the line's entry flow golive-entry-all, one UpdateContactFlowContent for the line). " +
      'Cutover = first Cutover entered → last exited in the healthy run; rollback = first Rollback entered → last ' +
      'exited in the breach run (the API time, with read-back); breach → rollback complete adds detection. switchFlow ' +
      `runs use a 900-s window and rateSettleSeconds 420 (its line starts from silence) and breach a minute after the ` +
      `new content reaches callers (the simulator's ${FLOW_CONTENT_PROPAGATION_SECONDS}-s propagation assumption). Simulated seconds.`,
    '',
    side,
    '',
    '**Why switchFlow does not grow with the wave.** Its cutover and rollback make one content write and two reads ' +
      "per service line whatever the number count, at Connect's 2 requests/s; repoint re-associates every number. " +
      `Callers see a switchFlow change only once the content propagates (assumed ${FLOW_CONTENT_PROPAGATION_SECONDS} s, ` +
      'undocumented by AWS), which the API time above does not include.',
  ].join('\n');
}

if (require.main === module) {
  const sizes = process.argv.includes('--quick') ? [1, 100] : WAVE_SIZES;
  benchSwitchFlow((line) => console.error(line), sizes)
    .then((r) => {
      const figures = r.figures.map(
        (f) => `| ${f.name} | ${f.value} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'met' : '**not met**'} |`,
      );
      console.log(`## ${r.title}\n\n${r.markdown}\n\n| figure | value | target | |\n| --- | --- | --- | --- |\n${figures.join('\n')}\n`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
