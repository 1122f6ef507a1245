/**
 * Section 2: waves of 1, 100 and 1,000 numbers through the full rehearsal (the synthesized runbook, the real
 * handlers, the simulator with its documented rate limits: 2 requests/s, burst 5 for the phone-number APIs). Two
 * runs per wave:
 * - healthy: every number LegacyBridge → Main, the line stays healthy, the run ends LIVE. Measured: the cutover
 *   (first Cutover state entered → last one exited, over all batches);
 * - breach: the same wave, abandonment jumps over its threshold in the first whole minute after the cutover ends,
 *   the run ends ROLLED_BACK. Measured: the rollback (first Rollback entered → last exited) and breach → rollback
 *   complete.
 * Each run also reports the executor's `largestStatePayloadBytes` and `historyEvents` (Step Functions' 256 KiB
 * payload and 25,000-event history quotas), and its state transitions.
 *
 * The earlier "Cutover handler alone" measurement is gone: it fed the Cutover handler a readiness holding every
 * number, a shape the batched runbook no longer has (the plan travels in task parameters, the snapshot in the
 * control table), so the full rehearsal is now the only honest measurement.
 */
import { DEFAULT_VERIFICATION_BOUNDS } from '../lambda/core/defaults';
import { executeOnce, outcomeOf, synthesizeForScenario } from '../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../lib/rehearsal/scenario';
import { CallRecord, DEFAULT_RATE_LIMITS } from '../lib/rehearsal/simulator';
import { LocalRunResult, StepRecord } from '../lib/rehearsal/local-executor';
import { runbookFromTemplate, Template } from '../lib/rehearsal/template';
import { Figure, Print, SectionResult, secondsBetween, secs, table } from './format';
import { RollbackTiming, TARGET_SECONDS as ROLLBACK_TARGET_SECONDS } from './rollback-latency';

export const WAVE_SIZES = [1, 100, 1000] as const;
/** The wave the 60-s cutover target is about. */
export const TARGET_WAVE = 100;
export const TARGET_SECONDS = 60;
/** The wave the state-size and history targets are about. */
export const LARGEST_WAVE = 1000;
/**
 * Well under Step Functions' 256 KiB payload quota, so a wave's state never creeps up on it.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const TARGET_PAYLOAD_BYTES = 64 * 1024;
/**
 * Step Functions' hard quota on execution history events: an execution that reaches it fails.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html
 */
export const TARGET_HISTORY_EVENTS = 25_000;
/** The cutover figure does not depend on the observation window; the shortest one keeps the healthy runs quick. */
const OBSERVATION_WINDOW_SECONDS = DEFAULT_VERIFICATION_BOUNDS.observationWindowSeconds.min;
const THROTTLED = 429;
const HEALTHY_ABANDONMENT = 0.04;
const BREACH_ABANDONMENT = 0.4;

/** What every run reports, whatever it measured. */
interface RunFigures {
  readonly outcome: string;
  readonly transitions: number;
  readonly historyEvents: number;
  readonly largestStatePayloadBytes: number;
  /** 429 answers over the whole run. */
  readonly throttledInRun: number;
}

/** One batched task (Cutover or Rollback) over all its batches. */
interface BatchedTask {
  /** First entered → last exited, simulated seconds; null when the state never ran to the end. */
  readonly seconds: number | null;
  /** Successful runs of the task (one per batch of 100; a retried batch counts once). */
  readonly batches: number;
  /** 429 answers while the task's batches ran. */
  readonly throttled: number;
}

interface HealthyRun extends RunFigures {
  readonly cutover: BatchedTask;
  /** Numbers not on their target flow when the run ended. */
  readonly failed: number;
}

interface BreachRun extends RunFigures {
  /** The minute after cutover (the first Cutover entered) at which abandonment jumps. */
  readonly breachMinute: number;
  readonly rollback: BatchedTask;
  /** Numbers not back on their snapshot flow when the run ended. */
  readonly notRestored: number;
  /** The timeline's breach → the last Rollback batch done, simulated seconds; null without a rollback. */
  readonly breachToRollbackSeconds: number | null;
}

export interface CutoverScaleRow {
  readonly numbers: number;
  readonly healthy: HealthyRun;
  readonly breach: BreachRun;
}

/**
 * N numbers (+18005551000…), all LegacyBridge → Main, a steady healthy line; with `breachMinute`, abandonment
 * jumps from 4% to 40% (threshold 10%) at that minute after cutover.
 */
export function waveScenario(n: number, breachMinute?: number): Scenario {
  const steady = {
    atMinute: 0,
    queue: 'Support',
    abandonmentRate: HEALTHY_ABANDONMENT,
    avgHandleTimeSeconds: 310,
    contactsInQueue: 3,
    oldestContactAgeSeconds: 25,
    contactsHandled: 40,
  };
  return parseScenario({
    name: `${breachMinute === undefined ? 'cutover' : 'breach and rollback'} of ${n} number(s)`,
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: Array.from({ length: n }, (_, i) => ({ number: `+1800555${1000 + i}`, flow: 'LegacyBridge', targetFlow: 'Main' })),
      uatPhoneNumber: { number: '+18005550150', flow: 'Main' },
    },
    input: {
      changeId: `BENCH-WAVE-${n}${breachMinute === undefined ? '' : '-BREACH'}`,
      verification: { observationWindowSeconds: OBSERVATION_WINDOW_SECONDS },
    },
    timeline:
      breachMinute === undefined ? [steady] : [steady, { atMinute: breachMinute, queue: 'Support', abandonmentRate: BREACH_ABANDONMENT }],
    expect: { outcome: breachMinute === undefined ? 'LIVE' : 'ROLLED_BACK' },
  });
}

export async function benchCutoverScale(print: Print, rollback: RollbackTiming): Promise<SectionResult> {
  const rows: CutoverScaleRow[] = [];
  let taskTimeoutSeconds: number | undefined;
  for (const n of WAVE_SIZES) {
    // The plan is in the template (ValidateInput's and DeployCheck's task parameters): one synth per wave, shared
    // by its two runs (the breach is in the timeline, not the plan).
    const template = synthesizeForScenario(waveScenario(n));
    taskTimeoutSeconds = runbookFromTemplate(template).definition.States.Cutover?.TimeoutSeconds;
    const healthy = await healthyRun(n, template);
    print(
      `  ${n} number(s), healthy: ${healthy.outcome}, cutover ${cell(healthy.cutover.seconds)} in ${healthy.cutover.batches} batch(es), ` +
        `${healthy.cutover.throttled} throttled, ${healthy.failed} failed; ${healthy.historyEvents} history events, ` +
        `largest state ${healthy.largestStatePayloadBytes} B`,
    );
    // "Right after cutover": the first whole minute after the last Cutover batch is done, so the breach lands in
    // the observation window whatever the wave's size.
    const breachMinute = Math.floor((healthy.cutover.seconds ?? 0) / 60) + 1;
    const breach = await breachRun(n, breachMinute, template);
    print(
      `  ${n} number(s), breach at minute ${breachMinute}: ${breach.outcome}, rollback ${cell(breach.rollback.seconds)} in ` +
        `${breach.rollback.batches} batch(es), breach → rollback complete ${cell(breach.breachToRollbackSeconds)}, ` +
        `${breach.notRestored} not restored; ${breach.historyEvents} history events, largest state ${breach.largestStatePayloadBytes} B`,
    );
    rows.push({ numbers: n, healthy, breach });
  }
  return { title: '2. Cutting over N numbers', figures: figuresOf(rows), markdown: render(rows, rollback, taskTimeoutSeconds) };
}

/** The section's figures: the three targets, then the 1,000-number cutover and rollback for reference. */
export function figuresOf(rows: readonly CutoverScaleRow[]): Figure[] {
  const row = (n: number) => {
    const found = rows.find((r) => r.numbers === n);
    if (!found) throw new Error(`bench: no ${n}-number wave was measured`);
    return found;
  };
  const target = row(TARGET_WAVE).healthy;
  const largest = row(LARGEST_WAVE);
  const payload = Math.max(largest.healthy.largestStatePayloadBytes, largest.breach.largestStatePayloadBytes);
  const history = Math.max(largest.healthy.historyEvents, largest.breach.historyEvents);
  return [
    {
      name: `Cutover of ${TARGET_WAVE} numbers, full rehearsal (first Cutover entered → last exited, run ends LIVE)`,
      value:
        target.cutover.seconds === null
          ? `not completed: ${target.outcome}`
          : `${secs(target.cutover.seconds)}, ${target.cutover.throttled} throttled, ${target.failed} failed, ${target.outcome}`,
      target: `≤ ${TARGET_SECONDS} s, 0 failures`,
      met: target.cutover.seconds !== null && target.cutover.seconds <= TARGET_SECONDS && target.failed === 0 && target.outcome === 'LIVE',
    },
    {
      name: `Largest state payload, ${count(LARGEST_WAVE)}-number runs (healthy and breach)`,
      value: `${payload} B (${(payload / 1024).toFixed(1)} KiB)`,
      target: `< ${TARGET_PAYLOAD_BYTES / 1024} KiB`,
      met: payload < TARGET_PAYLOAD_BYTES,
    },
    {
      name: `Execution history events, ${count(LARGEST_WAVE)}-number runs (healthy and breach)`,
      value: `${history} (healthy ${largest.healthy.historyEvents}, breach ${largest.breach.historyEvents})`,
      target: `< ${TARGET_HISTORY_EVENTS.toLocaleString('en-US')}`,
      met: history < TARGET_HISTORY_EVENTS,
    },
    {
      name: `Cutover of ${count(LARGEST_WAVE)} numbers, full rehearsal`,
      value:
        `${cell(largest.healthy.cutover.seconds)} in ${largest.healthy.cutover.batches} batches, ` +
        `${largest.healthy.cutover.throttled} throttled, ${largest.healthy.failed} failed, ${largest.healthy.outcome}`,
    },
    {
      name: `Breach → rollback complete, ${count(LARGEST_WAVE)} numbers (rollback ${cell(largest.breach.rollback.seconds)})`,
      value: `${cell(largest.breach.breachToRollbackSeconds)}, ${largest.breach.notRestored} not restored, ${largest.breach.outcome}`,
    },
  ];
}

async function healthyRun(n: number, template: Template): Promise<HealthyRun> {
  const scenario = waveScenario(n);
  const { result, sim } = await executeOnce(scenario, { template });
  const final = sim.associations();
  return {
    ...runFigures(result, sim.callLog),
    cutover: batchedTask(result.steps, 'Cutover', sim.callLog),
    failed: scenario.contactCenter.phoneNumbers.filter((p) => final[p.number] !== p.targetFlow).length,
  };
}

async function breachRun(n: number, breachMinute: number, template: Template): Promise<BreachRun> {
  const scenario = waveScenario(n, breachMinute);
  const { result, sim } = await executeOnce(scenario, { template });
  const final = sim.associations();
  const rollback = batchedTask(result.steps, 'Rollback', sim.callLog);
  const lastRollback = [...result.steps].reverse().find((s) => s.name === 'Rollback' && s.status === 'SUCCEEDED')?.exitedAt;
  // The runner's definition (lib/rehearsal/runner.ts, breachToRollback): the breach is the cutover instant (the
  // first Cutover entered) plus the breaching timeline row's minute.
  const cutoverAt = sim.clock.cutoverAt;
  const breachToRollbackSeconds =
    cutoverAt && lastRollback ? secondsBetween(new Date(cutoverAt.getTime() + breachMinute * 60_000).toISOString(), lastRollback) : null;
  return {
    ...runFigures(result, sim.callLog),
    breachMinute,
    rollback,
    notRestored: scenario.contactCenter.phoneNumbers.filter((p) => final[p.number] !== p.flow).length,
    breachToRollbackSeconds,
  };
}

function runFigures(result: LocalRunResult, log: readonly CallRecord[]): RunFigures {
  return {
    outcome: outcomeOf(result),
    transitions: result.transitions,
    historyEvents: result.historyEvents,
    largestStatePayloadBytes: result.largestStatePayloadBytes,
    throttledInRun: log.filter((c) => c.status === THROTTLED).length,
  };
}

/** A batched task over all its runs: first entered → last exited, and the 429s in between. */
export function batchedTask(steps: readonly StepRecord[], name: string, log: readonly CallRecord[]): BatchedTask {
  const runs = steps.filter((s) => s.name === name);
  const done = runs.filter((s) => s.status === 'SUCCEEDED' && s.exitedAt);
  const last = runs[runs.length - 1];
  if (runs.length === 0 || !last.exitedAt || last.status !== 'SUCCEEDED') return { seconds: null, batches: done.length, throttled: 0 };
  const from = runs[0].enteredAt;
  return {
    seconds: secondsBetween(from, last.exitedAt),
    batches: done.length,
    throttled: during(log, from, last.exitedAt).filter((c) => c.status === THROTTLED).length,
  };
}

/**
 * The calls that arrived while a state ran: [entered, exited). Choice and Pass states take no simulated time, so
 * the next task's first call can arrive at the very instant this state was left.
 */
function during(log: readonly CallRecord[], fromIso: string, toIso: string): CallRecord[] {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  return log.filter((c) => Date.parse(c.at) >= from && Date.parse(c.at) < to);
}

function cell(seconds: number | null): string {
  return seconds === null ? 'not completed' : secs(seconds);
}

/** Breach → ROLLBACK verdict (the first Rollback entered): the whole figure less the rollback itself. */
function verdictPart(b: BreachRun): string {
  return b.breachToRollbackSeconds === null || b.rollback.seconds === null ? 'n/a' : secs(b.breachToRollbackSeconds - b.rollback.seconds);
}

/** 1000 → "1,000". */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function kib(bytes: number): string {
  return `${bytes} B (${(bytes / 1024).toFixed(1)} KiB)`;
}

function render(rows: readonly CutoverScaleRow[], rollback: RollbackTiming, taskTimeoutSeconds: number | undefined): string {
  const limit = DEFAULT_RATE_LIMITS.AssociatePhoneNumberContactFlow!;
  const perSecond = limit.ratePerSecond;
  const healthy = table(
    [
      'numbers',
      'outcome',
      'batches',
      'cutover (first Cutover entered → last exited)',
      'throttled during cutover (429)',
      'failed numbers',
      'throttled in the run',
      'transitions',
      'history events',
      'largest state payload',
    ],
    rows.map(({ numbers, healthy: h }) => [
      String(numbers),
      h.outcome,
      String(h.cutover.batches),
      cell(h.cutover.seconds),
      String(h.cutover.throttled),
      String(h.failed),
      String(h.throttledInRun),
      String(h.transitions),
      String(h.historyEvents),
      kib(h.largestStatePayloadBytes),
    ]),
  );
  const breach = table(
    [
      'numbers',
      'breach at (min after cutover)',
      'outcome',
      'batches',
      'rollback (first Rollback entered → last exited)',
      'breach → rollback complete',
      'throttled during rollback (429)',
      'numbers not restored',
      'throttled in the run',
      'transitions',
      'history events',
      'largest state payload',
    ],
    rows.map(({ numbers, breach: b }) => [
      String(numbers),
      String(b.breachMinute),
      b.outcome,
      String(b.rollback.batches),
      cell(b.rollback.seconds),
      cell(b.breachToRollbackSeconds),
      String(b.rollback.throttled),
      String(b.notRestored),
      String(b.throttledInRun),
      String(b.transitions),
      String(b.historyEvents),
      kib(b.largestStatePayloadBytes),
    ]),
  );
  const largest = rows[rows.length - 1];
  const smallRollbacks = rows.filter(
    (r) => r.breach.breachToRollbackSeconds !== null && r.breach.breachToRollbackSeconds <= ROLLBACK_TARGET_SECONDS,
  );
  return [
    'Scenarios built in `bench/cutover-scale.ts`: N numbers (+18005551000…), all LegacyBridge → Main, a steady ' +
      `healthy line and a ${OBSERVATION_WINDOW_SECONDS}-s observation window (the shortest allowed). Each N has ` +
      "its own synthesized template (the plan is in ValidateInput's and DeployCheck's task parameters) and two " +
      'full rehearsals with the real handlers: a healthy one (ends LIVE) and one where abandonment jumps from ' +
      `${HEALTHY_ABANDONMENT * 100}% to ${BREACH_ABANDONMENT * 100}% (threshold 10%) in the first whole minute after the ` +
      'last Cutover batch (ends ROLLED_BACK). The simulator throttles AssociatePhoneNumberContactFlow and ' +
      `BatchGetFlowAssociation at ${perSecond} requests/s with a burst of ${limit.burst}, answering HTTP 429 beyond it. ` +
      'DeployCheck, Cutover and Rollback each handle one batch of 100 numbers per task run, looped by the state ' +
      'machine. Simulated seconds; "throttled" counts 429 answers in the simulator\'s call log; "failed" = numbers ' +
      'not on their target flow at the end of the healthy run, "not restored" = numbers not back on their snapshot ' +
      'flow at the end of the breach run; "breach → rollback complete" = the breaching timeline row\'s moment ' +
      '(cutover + its minute, as the runner defines it) → the last Rollback batch done. Transitions, history events ' +
      'and the largest state input/output (UTF-8 bytes of its JSON) are counted by the local executor as Step ' +
      'Functions would.',
    '',
    'Healthy runs (cutover):',
    '',
    healthy,
    '',
    'Breach runs (rollback):',
    '',
    breach,
    '',
    '**How the cutover is paced.** Every Connect call first takes a token from a client-side bucket set at ' +
      `Connect's quota (\`lambda/shared/pacing.ts\`, ${perSecond}/s, burst ${limit.burst}), with at most ` +
      '`cutoverConcurrency` (default 2) association calls in flight, and the read-back is batched, 100 numbers per ' +
      `BatchGetFlowAssociation. So N numbers take about N / ${perSecond} s once the burst is spent: ` +
      `${cell(largest.healthy.cutover.seconds)} for ${count(largest.numbers)} numbers. The bucket starts full in each ` +
      "batch's Lambda run, so every batch after the first may spend a fresh burst; the simulator's limit is shared, " +
      'which is where any 429 in the tables comes from (the SDK retries them).',
    '',
    `**Against the task timeout.** ${taskTimeoutSeconds === undefined ? 'Each batched task' : `The Cutover task times out after ${taskTimeoutSeconds} s, and each batched task`} ` +
      `now moves at most 100 numbers, about ${100 / perSecond} s of calls at ${perSecond}/s, so a wave of any allowed size ` +
      "(up to 1,000) no longer runs into it: the wave's time grows with the number of batches, not the length of one task.",
    '',
    `**Rollback grows with the wave.** Rolling back re-associates every number at the same ${perSecond} calls/s, so ` +
      'breach → rollback complete is the time to a ROLLBACK verdict plus the rollback itself. Measured: ' +
      rows
        .map(
          (r) =>
            `${cell(r.breach.breachToRollbackSeconds)} for ${r.numbers} (${verdictPart(r.breach)} to the verdict, ` +
            `${cell(r.breach.rollback.seconds)} rolling back)`,
        )
        .join(', ') +
      ". The verdict part differs from section 1's detect + confirm " +
      `(${secs(rollback.detectSeconds)} + ${secs(rollback.confirmSeconds)} with the defaults) because a breach "right ` +
      'after cutover" lands inside the warm-up (`warmupSeconds`, 60 s by default, counted from the last Cutover batch ' +
      "done), when nothing is judged: the verdict comes two failing polls after the warm-up ends. Section 1's " +
      `${ROLLBACK_TARGET_SECONDS}-s target is stated for its 3-number scenario and is not a target of this section; ` +
      (smallRollbacks.length > 0
        ? `here only the ${smallRollbacks.map((r) => r.numbers).join(' and ')}-number wave stays within it`
        : 'no wave here stays within it') +
      `: in a ${count(largest.numbers)}-number wave the last number is back on its old flow ` +
      `${cell(largest.breach.breachToRollbackSeconds)} after the breach, most of it the paced re-association (each batch ` +
      'of 100 is back about 50 s after the one before).',
    '',
    "**Why the 100-number state is the largest.** Finalize lists every number's final flow when the wave has at most " +
      '100 numbers (`MAX_ASSOCIATIONS_IN_OUTPUT` in lambda/finalize) and only counts per flow above that, so the ' +
      `${count(largest.numbers)}-number runs end with a smaller state than the 100-number ones. The figure is the largest state ` +
      "input or output; a task's input after its Parameters (where the plan travels) is checked by the executor " +
      'against the 256 KiB quota but is not part of this figure.',
    '',
    '**No "Cutover handler alone" measurement any more.** It fed the Cutover handler a readiness holding every ' +
      'number; the batched runbook has no such shape (the plan travels in task parameters and the snapshot in the ' +
      'control table, `SNAPSHOT#<executionArn>#<batch>`), so only the full rehearsal is measured.',
  ].join('\n');
}
