/**
 * Section 2 of `npm run bench`: the pure parts (how a batched task is timed, how the figures get their verdicts,
 * the scenarios). The rehearsals themselves run in `npm run bench`, not here.
 */
import {
  batchedTask,
  CutoverScaleRow,
  figuresOf,
  TARGET_HISTORY_EVENTS,
  TARGET_PAYLOAD_BYTES,
  waveScenario,
} from '../../bench/cutover-scale';
import { StepRecord } from '../../lib/rehearsal/local-executor';
import { CallRecord } from '../../lib/rehearsal/simulator';

const at = (second: number) => new Date(Date.UTC(2030, 0, 15, 2, 0, second)).toISOString();
const step = (name: string, from: number, to: number, status: StepRecord['status'] = 'SUCCEEDED'): StepRecord => ({
  name,
  type: 'Task',
  enteredAt: at(from),
  exitedAt: at(to),
  status,
});
const call = (second: number, status: number): CallRecord =>
  ({ seq: second, at: at(second), service: 'connect', operation: 'AssociatePhoneNumberContactFlow', params: {}, status }) as CallRecord;

describe('batchedTask', () => {
  const steps = [
    step('DeployCheck', 0, 5),
    step('Cutover', 10, 20, 'RETRIED'),
    step('Cutover', 21, 30),
    step('CutoverProgress', 30, 30),
    step('Cutover', 30, 42),
    step('Verify', 42, 43),
  ];

  test('spans the first batch entered to the last exited; a retried run is not a batch', () => {
    expect(batchedTask(steps, 'Cutover', [])).toEqual({ seconds: 32, batches: 2, throttled: 0 });
  });

  test('counts only the 429s that arrived while the batches ran', () => {
    const log = [call(3, 429), call(12, 429), call(25, 200), call(41, 429), call(42, 429)];
    expect(batchedTask(steps, 'Cutover', log).throttled).toBe(2);
  });

  test('no time when the last batch did not succeed, or the task never ran', () => {
    expect(batchedTask([step('Cutover', 0, 5), step('Cutover', 5, 9, 'CAUGHT')], 'Cutover', []).seconds).toBeNull();
    expect(batchedTask(steps, 'Rollback', [])).toEqual({ seconds: null, batches: 0, throttled: 0 });
  });
});

describe('figuresOf', () => {
  const run = { transitions: 80, throttledInRun: 0 };
  const row = (
    numbers: number,
    over: { seconds?: number; failed?: number; payload?: number; breachPayload?: number; history?: number; breachHistory?: number } = {},
  ): CutoverScaleRow => ({
    numbers,
    healthy: {
      ...run,
      outcome: 'LIVE',
      historyEvents: over.history ?? 300,
      largestStatePayloadBytes: over.payload ?? 10_000,
      cutover: { seconds: over.seconds ?? 48, batches: Math.ceil(numbers / 100), throttled: 0 },
      failed: over.failed ?? 0,
    },
    breach: {
      ...run,
      outcome: 'ROLLED_BACK',
      historyEvents: over.breachHistory ?? 200,
      largestStatePayloadBytes: over.breachPayload ?? 10_000,
      breachMinute: 1,
      rollback: { seconds: 50, batches: Math.ceil(numbers / 100), throttled: 0 },
      notRestored: 0,
      breachToRollbackSeconds: 90,
    },
  });
  const verdicts = (rows: CutoverScaleRow[]) =>
    figuresOf(rows)
      .slice(0, 3)
      .map((f) => f.met);

  test('the three targets are met by a fast, clean 100-number cutover and a small 1,000-number state', () => {
    expect(verdicts([row(1), row(100), row(1000)])).toEqual([true, true, true]);
  });

  test('the 100-number cutover fails its target when slower than 60 s or with a failed number', () => {
    expect(verdicts([row(100, { seconds: 60.5 }), row(1000)])[0]).toBe(false);
    expect(verdicts([row(100, { failed: 1 }), row(1000)])[0]).toBe(false);
  });

  test('state size and history are judged on the larger of the 1,000-number healthy and breach runs', () => {
    expect(verdicts([row(100), row(1000, { breachPayload: TARGET_PAYLOAD_BYTES })])[1]).toBe(false);
    expect(verdicts([row(100, { payload: TARGET_PAYLOAD_BYTES }), row(1000)])[1]).toBe(true);
    expect(verdicts([row(100), row(1000, { history: TARGET_HISTORY_EVENTS })])[2]).toBe(false);
    expect(verdicts([row(100), row(1000, { breachHistory: TARGET_HISTORY_EVENTS - 1 })])[2]).toBe(true);
  });

  test('a missing wave is an error, not a silent figure', () => {
    expect(() => figuresOf([row(100)])).toThrow(/no 1000-number wave/);
  });
});

describe('waveScenario', () => {
  test('N numbers from their bridge flow to Main; a breach adds one breaching row at its minute', () => {
    const healthy = waveScenario(3);
    expect(healthy.contactCenter.phoneNumbers.map((p) => [p.number, p.flow, p.targetFlow])).toEqual([
      ['+18005551000', 'LegacyBridge', 'Main'],
      ['+18005551001', 'LegacyBridge', 'Main'],
      ['+18005551002', 'LegacyBridge', 'Main'],
    ]);
    expect(healthy.timeline).toHaveLength(1);
    const breach = waveScenario(3, 9);
    expect(breach.timeline[1]).toMatchObject({ atMinute: 9, abandonmentRate: 0.4 });
    expect(breach.expect?.outcome).toBe('ROLLED_BACK');
  });
});
