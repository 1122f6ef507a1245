import {
  formatTestCases,
  initialTestState,
  judgeTests,
  linesToPoll,
  linesToStart,
  MAX_CONCURRENT_TEST_EXECUTIONS,
  notRun,
  testCaseIdOf,
  testDeadlineSeconds,
  type TestCasesState,
  type TestRunStatus,
} from '../../../lambda/core/test-cases';

const ARN = (id: string) => `arn:aws:connect:us-east-1:123456789012:instance/i-1/test-case/${id}`;
const T0 = Date.parse('2030-01-15T02:00:00Z');

function withStatuses(statuses: TestRunStatus[], startedAt = new Date(T0).toISOString()): TestCasesState {
  const s = initialTestState(
    'uat',
    statuses.map((_, i) => ({ serviceLine: `L${i}`, testCaseArn: ARN(`tc${i}`) })),
  );
  return { ...s, startedAt, lines: s.lines.map((l, i) => ({ ...l, status: statuses[i] })) };
}

describe('test cases core', () => {
  test('testCaseIdOf takes the id out of a test case ARN and leaves an id alone', () => {
    expect(testCaseIdOf(ARN('abc'))).toBe('abc');
    expect(testCaseIdOf('abc')).toBe('abc');
  });

  test.each([
    { statuses: ['PENDING', 'PENDING'], start: [0, 1] },
    { statuses: Array(7).fill('PENDING'), start: [0, 1, 2, 3, 4] },
    { statuses: ['IN_PROGRESS', 'INITIATED', 'IN_PROGRESS', 'IN_PROGRESS', 'PENDING', 'PENDING'], start: [4] },
    { statuses: Array(5).fill('IN_PROGRESS').concat(['PENDING']), start: [] },
    { statuses: ['PASSED', 'PASSED', 'PASSED', 'PASSED', 'PASSED', 'PENDING'], start: [5] },
  ] as Array<{ statuses: TestRunStatus[]; start: number[] }>)(
    'starts at most 5 of ours at once: $statuses → $start',
    ({ statuses, start }) => {
      expect(MAX_CONCURRENT_TEST_EXECUTIONS).toBe(5);
      expect(linesToStart(withStatuses(statuses))).toEqual(start);
    },
  );

  test('polls only the executions in flight', () => {
    expect(linesToPoll(withStatuses(['PENDING', 'INITIATED', 'IN_PROGRESS', 'PASSED', 'FAILED']))).toEqual([1, 2]);
  });

  test.each([
    { statuses: ['PASSED', 'PASSED'], status: 'PASSED', done: true, ok: true },
    { statuses: ['PASSED', 'IN_PROGRESS'], status: 'RUNNING', done: false, ok: true },
    { statuses: ['FAILED', 'IN_PROGRESS'], status: 'FAILED', done: true, ok: false },
    { statuses: ['PASSED', 'STOPPED'], status: 'FAILED', done: true, ok: false },
    { statuses: ['PENDING'], status: 'RUNNING', done: false, ok: true },
  ] as Array<{ statuses: TestRunStatus[]; status: string; done: boolean; ok: boolean }>)(
    '$statuses judges $status',
    ({ statuses, status, done, ok }) => {
      const judged = judgeTests(withStatuses(statuses), T0 + 60_000);
      expect([judged.status, judged.done, judged.ok]).toEqual([status, done, ok]);
    },
  );

  test('a failure names the line and its first failed observation', () => {
    const s = withStatuses(['PASSED', 'FAILED']);
    const failing = { ...s, lines: s.lines.map((l, i) => (i === 1 ? { ...l, failure: 'observation Greeting failed' } : l)) };
    expect(judgeTests(failing, T0).reason).toBe('UAT test case of service line L1 failed: observation Greeting failed');
  });

  test('no result by the deadline is a failure, not a pass', () => {
    const deadline = testDeadlineSeconds(2);
    expect(deadline).toBe(600);
    expect(judgeTests(withStatuses(['PASSED', 'IN_PROGRESS']), T0 + deadline * 1000).done).toBe(false);
    const late = judgeTests(withStatuses(['PASSED', 'IN_PROGRESS']), T0 + (deadline + 1) * 1000);
    expect([late.status, late.ok, late.reason]).toEqual(['FAILED', false, 'UAT test cases of L1 did not finish within 600 s']);
  });

  test('the deadline grows with every further batch of five', () => {
    expect([testDeadlineSeconds(1), testDeadlineSeconds(5), testDeadlineSeconds(6), testDeadlineSeconds(11)]).toEqual([
      600, 600, 900, 1200,
    ]);
  });

  test('states that ran nothing stay final and ok', () => {
    for (const status of ['NOT_CONFIGURED', 'SKIPPED', 'UNAVAILABLE'] as const) {
      const s = notRun('uat', status, 'why');
      expect(judgeTests(s, T0 + 10_000_000)).toEqual(s);
      expect([s.done, s.ok]).toEqual([true, true]);
    }
  });

  test('formatTestCases shows one line per service line', () => {
    const text = formatTestCases(judgeTests(withStatuses(['PASSED', 'FAILED']), T0));
    expect(text.split('\n')).toEqual([
      'UAT test cases: FAILED (UAT test case of service line L1 failed)',
      '  ✔ L0: PASSED',
      '  ✘ L1: FAILED',
    ]);
    expect(formatTestCases(undefined)).toBe('');
  });
});
