/**
 * Bad-input matrix (issue: "Bad-input matrix"): malformed execution inputs, each EXECUTED through the synthesized
 * runbook with the real handlers against the simulated contact center. Every one must end ABORTED at
 * ValidateInput (its Catch goes straight to MarkAborted: no AcquireLock, no DeployCheck), with a reason naming
 * the field, and with no Connect call at all: the simulator's call log for that execution holds only the status
 * topic (SNS Publish) and Finalize's lock release (DynamoDB).
 *
 * The rules themselves are unit-tested in test/lambda/core/input.test.ts; this file proves the runbook applies
 * them before it reads or changes anything.
 */
import type { CallRecord } from '../../../lib/rehearsal/simulator';
import type { LocalRunResult } from '../../../lib/rehearsal/local-executor';
import { openRehearsal, OpenRehearsal, REHEARSAL_START, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';

const PLAN = ['+18005550100', '+18005550101', '+18005550102'];
/** A valid E.164 number (London) that is not in the plan. */
const OUTSIDE_PLAN = '+442071234567';
const TEN_KB = 10 * 1024;
const DAY_MS = 86_400_000;
/** The simulated clock starts at REHEARSAL_START and a rejected run moves it by seconds only. */
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const PAST = iso(REHEARSAL_START.getTime() - 60_000);
const BEYOND_14_DAYS = iso(REHEARSAL_START.getTime() + 15 * DAY_MS);
const VALID = { changeId: 'CHG-42' };

function nested(depth: number): unknown {
  let value: unknown = 0.2;
  for (let i = 0; i < depth; i++) value = { deeper: value };
  return value;
}

/**
 * The scenario's own input is `null`: the null case runs it by passing no input, because `execute({ input: null })`
 * falls back to the scenario's input (runner.ts `opts.input ?? scenario.input`). Every other case passes its own.
 */
function scenario(): Scenario {
  return parseScenario({
    name: 'bad input matrix',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: PLAN.map((number) => ({ number, flow: 'LegacyBridge', targetFlow: 'Main' })),
    },
    input: null,
    timeline: [
      { atMinute: 0, queue: 'Support', abandonmentRate: 0.04, avgHandleTimeSeconds: 310, contactsInQueue: 3, contactsHandled: 40 },
    ],
  });
}

interface Case {
  readonly what: string;
  readonly input: unknown;
  /** The field path the reason must start with. */
  readonly field: string;
  /** What the reason must say about it. */
  readonly message: RegExp;
}

const CASES: Case[] = [
  // The input as a whole
  { what: 'null input', input: null, field: 'input', message: /must be a JSON object, got null/ },
  { what: 'an array', input: [VALID], field: 'input', message: /must be a JSON object, got an array/ },
  { what: 'a string', input: 'CHG-42', field: 'input', message: /must be a JSON object, got "CHG-42"/ },
  { what: 'a number', input: 42, field: 'input', message: /must be a JSON object, got 42/ },
  { what: 'a boolean', input: true, field: 'input', message: /must be a JSON object, got true/ },
  // changeId
  { what: 'a missing changeId', input: { dryRun: true }, field: 'changeId', message: /is required/ },
  { what: 'a changeId that is a number', input: { changeId: 42 }, field: 'changeId', message: /must be a string, got 42/ },
  { what: 'a changeId that is null', input: { changeId: null }, field: 'changeId', message: /must be a string, got null/ },
  { what: 'an empty changeId', input: { changeId: '' }, field: 'changeId', message: /must not be empty/ },
  {
    what: 'a 65-character changeId',
    input: { changeId: 'C'.repeat(65) },
    field: 'changeId',
    message: /must be at most 64 characters, got 65/,
  },
  { what: 'a changeId with spaces', input: { changeId: 'CHG 42' }, field: 'changeId', message: /must use only letters, digits/ },
  {
    what: 'a changeId with a NUL',
    input: { changeId: 'CHG-\u000042' },
    field: 'changeId',
    message: /must not contain control characters, got "CHG-\\u000042"/,
  },
  {
    what: 'a changeId with a newline',
    input: { changeId: 'CHG-42\n' },
    field: 'changeId',
    message: /must not contain control characters, got "CHG-42\\n"/,
  },
  {
    what: 'a changeId with a Unicode line separator',
    input: { changeId: 'CHG\u202842' },
    field: 'changeId',
    message: /must not contain control characters/,
  },
  {
    what: 'a 10 KB changeId',
    input: { changeId: 'C'.repeat(TEN_KB) },
    field: 'changeId',
    message: /must be at most 64 characters, got 10240/,
  },
  // Unknown fields
  {
    what: 'an unknown top-level field',
    input: { ...VALID, changeID: 'CHG-43' },
    field: 'changeID',
    message: /is not a known field \(did you mean changeId\?\)/,
  },
  {
    what: 'a __proto__ field',
    input: JSON.parse('{"changeId":"CHG-42","__proto__":{"dryRun":true}}'),
    field: '__proto__',
    message: /is not a known field/,
  },
  {
    what: 'an unknown verification field',
    input: { ...VALID, verification: { maxAbandonment: 0.2 } },
    field: 'verification.maxAbandonment',
    message: /is not a known field \(did you mean maxAbandonmentRate\?\)/,
  },
  {
    what: 'a deeply nested unknown field',
    input: { ...VALID, extra: nested(500) },
    field: 'extra',
    message: /is not a known field; known fields: changeId, cutoverAt, dryRun, phoneNumbers, verification/,
  },
  // dryRun
  {
    what: 'dryRun as the string "true"',
    input: { ...VALID, dryRun: 'true' },
    field: 'dryRun',
    message: /must be true or false, got "true"/,
  },
  { what: 'dryRun as 1', input: { ...VALID, dryRun: 1 }, field: 'dryRun', message: /must be true or false, got 1/ },
  // phoneNumbers
  {
    what: 'phoneNumbers that is not an array',
    input: { ...VALID, phoneNumbers: PLAN[0] },
    field: 'phoneNumbers',
    message: /must be an array of E.164 numbers, got "\+18005550100"/,
  },
  { what: 'an empty phoneNumbers', input: { ...VALID, phoneNumbers: [] }, field: 'phoneNumbers', message: /must list at least one number/ },
  {
    what: 'a duplicate number',
    input: { ...VALID, phoneNumbers: [PLAN[0], PLAN[0]] },
    field: 'phoneNumbers[1]',
    message: /\+18005550100 is listed twice \(first at phoneNumbers\[0\]\)/,
  },
  {
    what: 'a number that is not E.164',
    input: { ...VALID, phoneNumbers: [PLAN[0], '+1 800 555 0101'] },
    field: 'phoneNumbers[1]',
    message: /"\+1 800 555 0101" is not an E.164 number/,
  },
  {
    what: 'a number with country code 0',
    input: { ...VALID, phoneNumbers: ['+08005550100'] },
    field: 'phoneNumbers[0]',
    message: /is not an E.164 number/,
  },
  {
    what: 'a valid E.164 number outside the plan',
    input: { ...VALID, phoneNumbers: [PLAN[0], OUTSIDE_PLAN] },
    field: 'phoneNumbers[1]',
    message: /\+442071234567 is not in the cutover plan \(plan numbers: \+18005550100, \+18005550101, \+18005550102\)/,
  },
  {
    what: 'a number given as a JSON number',
    input: { ...VALID, phoneNumbers: [18005550100] },
    field: 'phoneNumbers[0]',
    message: /must be a string, got 18005550100/,
  },
  {
    what: 'a 10 KB number',
    input: { ...VALID, phoneNumbers: [`+1${'8'.repeat(TEN_KB)}`] },
    field: 'phoneNumbers[0]',
    message: /must be at most 16 characters, got 10242/,
  },
  // cutoverAt
  {
    what: 'a cutoverAt that is not a date',
    input: { ...VALID, cutoverAt: 'tonight 10pm' },
    field: 'cutoverAt',
    message: /"tonight 10pm" is not an ISO-8601 UTC timestamp/,
  },
  {
    what: 'a cutoverAt that is a number',
    input: { ...VALID, cutoverAt: REHEARSAL_START.getTime() + DAY_MS },
    field: 'cutoverAt',
    message: /must be an ISO-8601 UTC timestamp string, got \d+/,
  },
  {
    what: 'a cutoverAt with an offset (not UTC)',
    input: { ...VALID, cutoverAt: '2030-01-15T06:00:00+01:00' },
    field: 'cutoverAt',
    message: /must be in UTC, ending in Z/,
  },
  {
    what: 'a cutoverAt without a zone',
    input: { ...VALID, cutoverAt: '2030-01-15T06:00:00' },
    field: 'cutoverAt',
    message: /must be in UTC, ending in Z/,
  },
  {
    what: 'a cutoverAt on a day that does not exist',
    input: { ...VALID, cutoverAt: '2030-02-30T06:00:00Z' },
    field: 'cutoverAt',
    message: /"2030-02-30T06:00:00Z" is not a valid date and time/,
  },
  {
    what: 'a cutoverAt in the past',
    input: { ...VALID, cutoverAt: PAST },
    field: 'cutoverAt',
    message: /must be in the future, got 2030-01-15T01:59:00Z/,
  },
  {
    what: 'a cutoverAt more than 14 days ahead',
    input: { ...VALID, cutoverAt: BEYOND_14_DAYS },
    field: 'cutoverAt',
    message: /must be at most 14 days ahead .*got 2030-01-30T02:00:00Z/,
  },
  {
    what: 'a cutoverAt with a newline',
    input: { ...VALID, cutoverAt: '2030-01-15T06:00:00Z\n' },
    field: 'cutoverAt',
    message: /must not contain control characters/,
  },
  {
    what: 'a 10 KB cutoverAt',
    input: { ...VALID, cutoverAt: '2'.repeat(TEN_KB) },
    field: 'cutoverAt',
    message: /must be at most 30 characters, got 10240/,
  },
  // verification
  {
    what: 'verification that is not an object',
    input: { ...VALID, verification: 'strict' },
    field: 'verification',
    message: /must be an object, got "strict"/,
  },
  {
    what: 'verification that is null',
    input: { ...VALID, verification: null },
    field: 'verification',
    message: /must be an object, got null/,
  },
  {
    what: 'maxAbandonmentRate above 1',
    input: { ...VALID, verification: { maxAbandonmentRate: 1.5 } },
    field: 'verification.maxAbandonmentRate',
    message: /must be between 0 and 1, got 1.5/,
  },
  {
    what: 'maxAbandonmentRate below 0',
    input: { ...VALID, verification: { maxAbandonmentRate: -0.1 } },
    field: 'verification.maxAbandonmentRate',
    message: /must be between 0 and 1, got -0.1/,
  },
  {
    what: 'pollIntervalSeconds below 10',
    input: { ...VALID, verification: { pollIntervalSeconds: 5 } },
    field: 'verification.pollIntervalSeconds',
    message: /must be between 10 and 300, got 5/,
  },
  {
    what: 'observationWindowSeconds above 4 hours',
    input: { ...VALID, verification: { observationWindowSeconds: 20_000 } },
    field: 'verification.observationWindowSeconds',
    message: /must be between 300 and 14400, got 20000/,
  },
  {
    what: 'consecutiveFailureLimit 0',
    input: { ...VALID, verification: { consecutiveFailureLimit: 0 } },
    field: 'verification.consecutiveFailureLimit',
    message: /must be between 1 and 10, got 0/,
  },
  {
    what: 'minContactsForVerdict 0 (silence declared LIVE)',
    input: { ...VALID, verification: { minContactsForVerdict: 0 } },
    field: 'verification.minContactsForVerdict',
    message: /must be between 1 and 100000, got 0/,
  },
  {
    what: 'maxOldestContactAgeSeconds below 10',
    input: { ...VALID, verification: { maxOldestContactAgeSeconds: 9 } },
    field: 'verification.maxOldestContactAgeSeconds',
    message: /must be between 10 and 3600, got 9/,
  },
  {
    what: 'a negative maxContactsInQueue',
    input: { ...VALID, verification: { maxContactsInQueue: -1 } },
    field: 'verification.maxContactsInQueue',
    message: /must be between 0 and 10000, got -1/,
  },
  {
    what: 'a fractional pollIntervalSeconds',
    input: { ...VALID, verification: { pollIntervalSeconds: 15.5 } },
    field: 'verification.pollIntervalSeconds',
    message: /must be a whole number, got 15.5/,
  },
  {
    what: 'a threshold as a numeric string',
    input: { ...VALID, verification: { maxAbandonmentRate: '0.2' } },
    field: 'verification.maxAbandonmentRate',
    message: /must be a number, got "0.2"/,
  },
  {
    what: 'a threshold as "NaN"',
    input: { ...VALID, verification: { maxAbandonmentRate: 'NaN' } },
    field: 'verification.maxAbandonmentRate',
    message: /must be a number, got "NaN"/,
  },
  {
    what: 'a threshold as "Infinity"',
    input: { ...VALID, verification: { maxAvgHandleTimeSeconds: 'Infinity' } },
    field: 'verification.maxAvgHandleTimeSeconds',
    message: /must be a number, got "Infinity"/,
  },
  {
    what: 'a threshold as a boolean',
    input: { ...VALID, verification: { minAgentsAvailable: true } },
    field: 'verification.minAgentsAvailable',
    message: /must be a number, got true/,
  },
  {
    what: 'a deeply nested threshold',
    input: { ...VALID, verification: { maxAbandonmentRate: nested(500) } },
    field: 'verification.maxAbandonmentRate',
    message: /must be a number, got an object/,
  },
  {
    what: 'min AHT above max AHT',
    input: { ...VALID, verification: { minAvgHandleTimeSeconds: 600, maxAvgHandleTimeSeconds: 300 } },
    field: 'verification.minAvgHandleTimeSeconds',
    message: /must be at most maxAvgHandleTimeSeconds \(300\), got 600/,
  },
  {
    what: 'a warm-up as long as the observation window',
    input: { ...VALID, verification: { warmupSeconds: 1800 } },
    field: 'verification.warmupSeconds',
    message: /must be less than observationWindowSeconds \(1800\), got 1800/,
  },
];

let template: ReturnType<typeof synthesizeForScenario>;
let rehearsal: OpenRehearsal;
let runs = 0;

beforeAll(async () => {
  template = synthesizeForScenario(scenario());
  rehearsal = await openRehearsal(scenario(), { template });
});
afterAll(async () => {
  await rehearsal?.close();
});

interface Executed {
  readonly result: LocalRunResult;
  /** The calls the simulator answered during this execution (executions run one at a time). */
  readonly calls: CallRecord[];
  /** The status-topic messages published during this execution. */
  readonly published: Array<{ step: string; status: string; summary: string }>;
  readonly reason: string;
}

async function execute(input: unknown): Promise<Executed> {
  const { sim } = rehearsal;
  const callsBefore = sim.callLog.length;
  const publishedBefore = sim.snsMessages.length;
  const name = `bad-input-${++runs}`;
  const { result } = input === null ? await rehearsal.execute({ name }) : await rehearsal.execute({ name, input });
  const summary = result.cause ? (JSON.parse(result.cause) as { reason?: string }) : {};
  return {
    result,
    calls: sim.callLog.slice(callsBefore),
    published: sim.snsMessages.slice(publishedBefore).map((m) => JSON.parse(m.message)),
    reason: summary.reason ?? '',
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad execution input: ABORTED at ValidateInput, naming the field, before any Connect call', () => {
  test('the matrix holds at least 30 malformed inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(CASES.map((c) => [c.what, c] as const))('rejects %s', async (_what, c) => {
    // WHEN
    const { result, calls, published, reason } = await execute(c.input);

    // THEN the outcome is ABORTED, decided by ValidateInput's Catch
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ABORTED');
    expect(result.steps.map((s) => s.name)).toEqual(['Configure', 'ValidateInput', 'MarkAborted', 'Finalize', 'Outcome', 'Aborted']);
    expect(result.steps[1].status).toBe('CAUGHT');
    // the reason names the field first, then says what is wrong with it, on one line
    expect(reason).toMatch(new RegExp(`^aborted before any change: InputValidationError: ${escape(c.field)}: `));
    expect(reason).toMatch(c.message);
    expect(reason).not.toMatch(/[\n\r\u0000]/);
    expect(reason.length).toBeLessThan(1000);
    // the bridge heard it from ValidateInput, naming the field
    expect(published.find((m) => m.step === 'ValidateInput')).toMatchObject({
      status: 'REJECTED',
      summary: expect.stringMatching(new RegExp(`^${escape(c.field)}: `)),
    });
    // no Connect call at all: only the status topic and Finalize's (no-op) lock release
    expect(calls.filter((call) => call.service === 'connect')).toEqual([]);
    expect(new Set(calls.map((call) => `${call.service}:${call.operation}`))).toEqual(new Set(['sns:Publish', 'dynamodb:DeleteItem']));
    expect(rehearsal.sim.writeCalls()).toEqual([]);
  });

  // Found by this matrix: a 10 KB unknown key was echoed whole into the error, the status topic and the history.
  test('rejects a 10 KB unknown field name without echoing it whole', async () => {
    const { result, reason } = await execute({ ...VALID, ['x'.repeat(TEN_KB)]: 1 });
    expect(result.error).toBe('ABORTED');
    expect(reason).toMatch(/^aborted before any change: InputValidationError: x+…?: is not a known field/);
    expect(reason.length).toBeLessThan(1000);
  });

  test('after the whole matrix, every number is still on its flow and no lock is held', () => {
    expect(rehearsal.sim.associations()).toEqual(Object.fromEntries(PLAN.map((n) => [n, 'LegacyBridge'])));
    expect(rehearsal.sim.dynamoItems(rehearsal.config.controlTableName)).toEqual([]);
    expect(rehearsal.sim.callLog.filter((call) => call.service === 'connect')).toEqual([]);
  });
});
