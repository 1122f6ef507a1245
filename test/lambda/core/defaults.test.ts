import {
  DEFAULT_REQUIRED_ATTESTATIONS,
  DEFAULT_VERIFICATION,
  DEFAULT_VERIFICATION_BOUNDS,
  MAX_SCHEDULE_DAYS,
  MetricSample,
  VERIFICATION_KEYS,
  VerificationSettings,
  VerifyState,
  evaluatePoll,
  validateVerificationBounds,
  validateVerificationSettings,
} from '../../../lambda/core';

/** Time the rollback task needs for its association calls and read-back (the rest of the 45 s budget). */
const ROLLBACK_API_SECONDS = 15;
/** Verify, VerifyDecision, WaitForNextPoll. */
const TRANSITIONS_PER_POLL = 3;

function healthy(elapsedSeconds: number, overrides: Partial<MetricSample> = {}): MetricSample {
  return {
    elapsedSeconds,
    abandonmentRate: 0.04,
    avgHandleTimeSeconds: 300,
    contactsInQueue: 3,
    oldestContactAgeSeconds: 20,
    agentsAvailable: 5,
    contactFlowErrors: 0,
    misconfiguredCalls: 0,
    misconfiguredCallsBefore: 0,
    callsRejected: 0,
    callsRejectedBefore: 0,
    concurrentCallsPercentage: 40,
    contactsInWindow: 10,
    contactsSinceCutover: 100,
    errors: [],
    ...overrides,
  };
}

describe('DEFAULT_VERIFICATION', () => {
  it('holds the values the design signs off', () => {
    expect(DEFAULT_VERIFICATION).toEqual({
      pollIntervalSeconds: 15,
      observationWindowSeconds: 1800,
      warmupSeconds: 60,
      consecutiveFailureLimit: 2,
      minContactsForVerdict: 20,
      metricWindowSeconds: 60,
      maxAbandonmentRate: 0.1,
      minAvgHandleTimeSeconds: 30,
      maxAvgHandleTimeSeconds: 900,
      maxContactsInQueue: 25,
      maxOldestContactAgeSeconds: 180,
      minAgentsAvailable: 1,
      maxContactFlowErrors: 0,
      maxCloudWatchLagSeconds: 120,
      maxHistoricalLagSeconds: 120,
      rateSettleSeconds: 0,
      maxConcurrentCallsPercentage: 90,
    });
  });

  it('is valid within the default bounds', () => {
    expect(validateVerificationSettings(DEFAULT_VERIFICATION, DEFAULT_VERIFICATION_BOUNDS, 'verification')).toEqual([]);
    expect(validateVerificationBounds(DEFAULT_VERIFICATION_BOUNDS, DEFAULT_VERIFICATION, 'bounds')).toEqual([]);
  });

  it('rolls back within 45 s of a breach (poll interval × failure limit + API calls)', () => {
    const { pollIntervalSeconds, consecutiveFailureLimit } = DEFAULT_VERIFICATION;
    expect(pollIntervalSeconds * consecutiveFailureLimit + ROLLBACK_API_SECONDS).toBeLessThanOrEqual(45);
  });

  it('decides ROLLBACK within poll interval × failure limit of a breach that starts just after a poll', () => {
    // GIVEN the queue backs up at 100.1 s; polls every 15 s from 15 s
    const breachStart = 100.1;
    let state: VerifyState | null = null;
    let decidedAt: number | undefined;
    for (let t = 15; t <= 300 && decidedAt === undefined; t += DEFAULT_VERIFICATION.pollIntervalSeconds) {
      state = evaluatePoll(state, healthy(t, t >= breachStart ? { contactsInQueue: 80 } : {}), DEFAULT_VERIFICATION);
      if (state.decision === 'ROLLBACK') decidedAt = t;
    }
    // THEN
    expect(decidedAt).toBeDefined();
    expect(decidedAt! - breachStart).toBeLessThanOrEqual(
      DEFAULT_VERIFICATION.pollIntervalSeconds * DEFAULT_VERIFICATION.consecutiveFailureLimit,
    );
  });

  it('costs at most 360 state transitions over a 30-minute window', () => {
    const polls = DEFAULT_VERIFICATION.observationWindowSeconds / DEFAULT_VERIFICATION.pollIntervalSeconds;
    expect(DEFAULT_VERIFICATION.observationWindowSeconds).toBe(1800);
    expect(polls * TRANSITIONS_PER_POLL).toBeLessThanOrEqual(360);
  });

  it('keeps the longest allowed window within the Step Functions history limit (~9 events per poll)', () => {
    const polls = DEFAULT_VERIFICATION_BOUNDS.observationWindowSeconds.max / DEFAULT_VERIFICATION_BOUNDS.pollIntervalSeconds.min;
    expect(polls * 9).toBeLessThan(25_000 - 1000);
  });
});

describe('other defaults', () => {
  it('requires the four go-live attestations and a 14-day schedule limit', () => {
    expect(DEFAULT_REQUIRED_ATTESTATIONS).toEqual(['uat', 'training', 'bau', 'support']);
    expect(MAX_SCHEDULE_DAYS).toBe(14);
  });

  it('bounds every verification key', () => {
    expect([...VERIFICATION_KEYS].sort()).toEqual(Object.keys(DEFAULT_VERIFICATION_BOUNDS).sort());
  });
});

describe('validateVerificationSettings', () => {
  const withValue = (key: string, value: unknown) => ({ ...DEFAULT_VERIFICATION, [key]: value }) as VerificationSettings;

  it.each([
    ['pollIntervalSeconds', 5, 'props.pollIntervalSeconds: must be between 10 and 300, got 5'],
    ['pollIntervalSeconds', 301, 'props.pollIntervalSeconds: must be between 10 and 300, got 301'],
    ['pollIntervalSeconds', 15.5, 'props.pollIntervalSeconds: must be a whole number, got 15.5'],
    ['observationWindowSeconds', 14_401, 'props.observationWindowSeconds: must be between 300 and 14400, got 14401'],
    ['consecutiveFailureLimit', 0, 'props.consecutiveFailureLimit: must be between 1 and 10, got 0'],
    ['minContactsForVerdict', 0, 'props.minContactsForVerdict: must be between 1 and 100000, got 0'],
    ['maxAbandonmentRate', 1.2, 'props.maxAbandonmentRate: must be between 0 and 1, got 1.2'],
    ['maxAbandonmentRate', -0.1, 'props.maxAbandonmentRate: must be between 0 and 1, got -0.1'],
    ['maxAbandonmentRate', Number.NaN, 'props.maxAbandonmentRate: must be a finite number, got NaN'],
    ['maxContactsInQueue', Number.POSITIVE_INFINITY, 'props.maxContactsInQueue: must be a finite number, got Infinity'],
    ['minAgentsAvailable', '1', 'props.minAgentsAvailable: must be a number, got "1"'],
    ['warmupSeconds', undefined, 'props.warmupSeconds: is required'],
  ])('rejects %s = %p', (key, value, expected) => {
    const problems = validateVerificationSettings(withValue(key, value), DEFAULT_VERIFICATION_BOUNDS, 'props');
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([expected]);
  });

  it.each([
    [
      { minAvgHandleTimeSeconds: 600, maxAvgHandleTimeSeconds: 300 },
      'minAvgHandleTimeSeconds: must be at most maxAvgHandleTimeSeconds (300), got 600',
    ],
    [
      { warmupSeconds: 600, observationWindowSeconds: 600 },
      'warmupSeconds: must be less than observationWindowSeconds (600), got 600 (nothing would ever be judged)',
    ],
  ])('rejects incoherent settings %p', (overrides, expected) => {
    const settings = { ...DEFAULT_VERIFICATION, ...overrides };
    const problems = validateVerificationSettings(settings, DEFAULT_VERIFICATION_BOUNDS, '');
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([expected]);
  });

  it('accepts edge-coherent settings (min AHT = max AHT, poll interval = window)', () => {
    const settings = {
      ...DEFAULT_VERIFICATION,
      minAvgHandleTimeSeconds: 300,
      maxAvgHandleTimeSeconds: 300,
      pollIntervalSeconds: 300,
      observationWindowSeconds: 300,
      warmupSeconds: 0,
    };
    expect(validateVerificationSettings(settings, DEFAULT_VERIFICATION_BOUNDS, '')).toEqual([]);
  });

  it('rejects a poll interval longer than the observation window', () => {
    const bounds = { ...DEFAULT_VERIFICATION_BOUNDS, pollIntervalSeconds: { min: 10, max: 1000 } };
    const settings = { ...DEFAULT_VERIFICATION, pollIntervalSeconds: 600, observationWindowSeconds: 300 };
    expect(validateVerificationSettings(settings, bounds, 'v')).toEqual([
      { field: 'v.pollIntervalSeconds', message: 'must be at most observationWindowSeconds (300), got 600' },
    ]);
  });

  it('reports a conflict on the setting the caller set', () => {
    const settings = { ...DEFAULT_VERIFICATION, warmupSeconds: 600, observationWindowSeconds: 300 };
    const problems = validateVerificationSettings(settings, DEFAULT_VERIFICATION_BOUNDS, 'verification', {
      setByCaller: ['observationWindowSeconds'],
    });
    expect(problems).toEqual([
      {
        field: 'verification.observationWindowSeconds',
        message: 'must be greater than warmupSeconds (600), got 300 (nothing would ever be judged)',
      },
    ]);
  });

  it('skips values the caller marks unresolved (CDK tokens)', () => {
    const token = -1.8881545897087626e289;
    const settings = { ...DEFAULT_VERIFICATION, maxContactsInQueue: token };
    const problems = validateVerificationSettings(settings, DEFAULT_VERIFICATION_BOUNDS, 'props', {
      isUnresolved: (v) => v === token,
    });
    expect(problems).toEqual([]);
  });

  it('rejects bounds whose min exceeds max or that exclude the default', () => {
    const bounds = {
      ...DEFAULT_VERIFICATION_BOUNDS,
      warmupSeconds: { min: 100, max: 10 },
      pollIntervalSeconds: { min: 30, max: 60 },
    };
    expect(validateVerificationBounds(bounds, DEFAULT_VERIFICATION, 'bounds')).toEqual([
      { field: 'bounds.pollIntervalSeconds', message: 'must contain the default 15, got 30–60' },
      { field: 'bounds.warmupSeconds', message: 'must have finite min ≤ max, got 100–10' },
    ]);
  });
});
