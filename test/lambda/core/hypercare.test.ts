import { DEFAULT_VERIFICATION } from '../../../lambda/core/defaults';
import { beginHypercarePoll, hypercareSettings, hypercareVerdict, isHypercareEvent } from '../../../lambda/core/hypercare';
import { initialVerifyState } from '../../../lambda/core/verdict';
import { VerifyState } from '../../../lambda/core/types';

const sampleAt = (elapsedSeconds: number) => ({
  elapsedSeconds,
  abandonmentRate: 0.04,
  avgHandleTimeSeconds: 300,
  contactsInQueue: 2,
  oldestContactAgeSeconds: 20,
  agentsAvailable: 5,
  contactFlowErrors: 0,
  contactsInWindow: 40,
  contactsSinceCutover: 900,
  errors: [],
});

const live = (overrides: Partial<VerifyState> = {}): VerifyState => ({
  ...initialVerifyState(),
  polls: 130,
  decision: 'LIVE',
  reason: 'observation window complete',
  sample: sampleAt(1980),
  ...overrides,
});

describe('isHypercareEvent', () => {
  test.each([
    [{ phase: 'hypercare', state: {} }, true],
    [{ phase: 'verify', state: {} }, false],
    [{ phase: 'hypercare' }, false],
    [{ config: {} }, false],
    [null, false],
  ])('%j → %s', (event, expected) => {
    expect(isHypercareEvent(event)).toBe(expected);
  });
});

describe('beginHypercarePoll', () => {
  test('starts hypercare at the LIVE verdict and reopens it (and its lines) as CONTINUE, keeping streaks', () => {
    const verdict = live({
      failureStreaks: { abandonmentRate: 1 },
      lines: [{ ...live(), serviceLine: 'all', decision: 'LIVE' }],
    });
    const { previous, hypercare } = beginHypercarePoll(verdict, 1800, 2000);
    expect(hypercare).toEqual({ startedAtSeconds: 1980, untilSeconds: 3780, polls: 0 });
    expect(previous.decision).toBe('CONTINUE');
    expect(previous.lines?.[0].decision).toBe('CONTINUE');
    expect(previous.failureStreaks).toEqual({ abandonmentRate: 1 });
  });

  test("a human's live after INCONCLUSIVE is reopened too", () => {
    expect(beginHypercarePoll(live({ decision: 'INCONCLUSIVE' }), 600, 2000).previous.decision).toBe('CONTINUE');
  });

  test('keeps the hypercare window of an earlier hypercare poll', () => {
    const hypercare = { startedAtSeconds: 100, untilSeconds: 700, polls: 3 };
    const { hypercare: kept, previous } = beginHypercarePoll(live({ decision: 'CONTINUE', hypercare }), 9999, 400);
    expect(kept).toBe(hypercare);
    expect(previous.decision).toBe('CONTINUE');
  });

  test('without a sample, hypercare starts now', () => {
    expect(beginHypercarePoll(live({ sample: null }), 60, 500).hypercare).toEqual({ startedAtSeconds: 500, untilSeconds: 560, polls: 0 });
  });
});

describe('hypercareSettings', () => {
  test('stretches the observation window to the end of hypercare, thresholds unchanged', () => {
    const s = hypercareSettings(DEFAULT_VERIFICATION, { startedAtSeconds: 1980, untilSeconds: 3780, polls: 0 });
    expect(s).toEqual({ ...DEFAULT_VERIFICATION, observationWindowSeconds: 3780 });
  });
});

describe('hypercareVerdict', () => {
  const hc = { startedAtSeconds: 1000, untilSeconds: 2800, polls: 4 };
  test.each([
    ['ROLLBACK', 'ROLLBACK', /^during hypercare \(500 s of 1800 s\): breach/],
    ['LIVE', 'LIVE', /^hypercare complete \(1800 s after the LIVE verdict, 5 poll\(s\)\), no sustained breach/],
    ['INCONCLUSIVE', 'LIVE', /^hypercare complete .*: breach/],
    ['CONTINUE', 'CONTINUE', /^hypercare 500 s of 1800 s: breach/],
    ['WARMING_UP', 'CONTINUE', /^hypercare 500 s of 1800 s/],
  ] as const)('%s → %s', (decision, expected, reason) => {
    const out = hypercareVerdict(live({ decision, reason: 'breach' }), hc, 1500);
    expect(out.decision).toBe(expected);
    expect(out.reason).toMatch(reason);
    expect(out.hypercare).toEqual({ ...hc, polls: 5 });
  });
});
