import {
  DEFAULT_SERVICE_LINE,
  DEFAULT_VERIFICATION,
  MIN_CONTACTS_FOR_RATE,
  MetricSample,
  VERIFY_CHECK_NAMES,
  VerificationSettings,
  VerifyState,
  combineLines,
  evaluatePoll,
  initialVerifyState,
  previousLineState,
  serviceLinesOf,
  settingsForLine,
} from '../../../lambda/core';

const SETTINGS: VerificationSettings = DEFAULT_VERIFICATION; // warm-up 60 s, window 1800 s, limit 2, 20 contacts
const POLL = SETTINGS.pollIntervalSeconds;

/** A healthy sample: every check passes with room to spare. */
function sample(elapsedSeconds: number, overrides: Partial<MetricSample> = {}): MetricSample {
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

const BAD_QUEUE: Partial<MetricSample> = { contactsInQueue: 40 };
const NO_QUEUE_DATA: Partial<MetricSample> = { contactsInQueue: null, errors: ['GetCurrentMetricData'] };

/** Polls at 60, 75, 90 … (just after warm-up), one sample per step; returns every state. */
function run(steps: readonly Partial<MetricSample>[], settings = SETTINGS, start = SETTINGS.warmupSeconds): VerifyState[] {
  const states: VerifyState[] = [];
  let state: VerifyState | null = null;
  steps.forEach((overrides, i) => {
    state = evaluatePoll(state, sample(start + i * POLL, overrides), settings);
    states.push(state);
  });
  return states;
}

/** A full healthy window: every poll from the first (15 s) to the window's end (1800 s). */
function fullWindow(overrides: (elapsed: number) => Partial<MetricSample> = () => ({})): VerifyState {
  let state: VerifyState | null = null;
  for (let t = POLL; t <= SETTINGS.observationWindowSeconds; t += POLL) {
    state = evaluatePoll(state, sample(t, overrides(t)), SETTINGS);
  }
  return state!;
}

const decisions = (states: readonly VerifyState[]) => states.map((s) => s.decision);
const checkOf = (state: VerifyState, name: string) => state.checks.find((c) => c.check === name)!;

describe('initialVerifyState', () => {
  it('starts with no streaks, nothing passed, no breach', () => {
    const state = initialVerifyState();
    expect(state.polls).toBe(0);
    expect(state.breachAtSeconds).toBeNull();
    expect(Object.keys(state.failureStreaks).sort()).toEqual([...VERIFY_CHECK_NAMES].sort());
    expect(Object.values(state.failureStreaks).every((n) => n === 0)).toBe(true);
    expect(Object.values(state.everPassed).every((p) => !p)).toBe(true);
  });
});

describe('evaluatePoll', () => {
  describe('warm-up', () => {
    it('judges nothing before warmupSeconds, however bad the sample', () => {
      // GIVEN three terrible polls during warm-up
      const states = run([BAD_QUEUE, BAD_QUEUE, BAD_QUEUE], SETTINGS, 15);
      // THEN no rollback, no streak, nothing counted as passed
      expect(decisions(states)).toEqual(['WARMING_UP', 'WARMING_UP', 'WARMING_UP']);
      const last = states[2];
      expect(last.failureStreaks.contactsInQueue).toBe(0);
      expect(last.everPassed.abandonmentRate).toBe(false);
      expect(last.reason).toBe('warming up: 45 s of 60 s; nothing is judged yet');
      // the sample is still shown, marked as not judged
      expect(checkOf(last, 'contactsInQueue')).toMatchObject({
        status: 'FAIL',
        value: 40,
        consecutiveFailures: 0,
        note: 'not judged during warm-up',
      });
    });

    it('judges from warmupSeconds on', () => {
      const [state] = run([BAD_QUEUE], SETTINGS, SETTINGS.warmupSeconds);
      expect(state.decision).toBe('CONTINUE');
      expect(state.failureStreaks.contactsInQueue).toBe(1);
    });

    it('does not count a pass seen during warm-up', () => {
      // GIVEN healthy polls in warm-up only, then no agent data for the rest of the window
      const state = fullWindow((t) => (t < SETTINGS.warmupSeconds ? {} : { agentsAvailable: null }));
      expect(state.decision).toBe('INCONCLUSIVE');
      expect(state.reason).toContain('never observed passing: agentsAvailable');
    });
  });

  describe('each check at its threshold', () => {
    it.each<[string, Partial<MetricSample>, 'PASS' | 'FAIL']>([
      ['abandonmentRate', { abandonmentRate: 0.1 }, 'PASS'],
      ['abandonmentRate', { abandonmentRate: 0.1001 }, 'FAIL'],
      ['avgHandleTime', { avgHandleTimeSeconds: 30 }, 'PASS'],
      ['avgHandleTime', { avgHandleTimeSeconds: 29.9 }, 'FAIL'],
      ['avgHandleTime', { avgHandleTimeSeconds: 900 }, 'PASS'],
      ['avgHandleTime', { avgHandleTimeSeconds: 900.1 }, 'FAIL'],
      ['contactsInQueue', { contactsInQueue: 25 }, 'PASS'],
      ['contactsInQueue', { contactsInQueue: 26 }, 'FAIL'],
      ['oldestContactAge', { oldestContactAgeSeconds: 180 }, 'PASS'],
      ['oldestContactAge', { oldestContactAgeSeconds: 181 }, 'FAIL'],
      ['agentsAvailable', { agentsAvailable: 1 }, 'PASS'],
      ['agentsAvailable', { agentsAvailable: 0 }, 'FAIL'],
      ['contactFlowErrors', { contactFlowErrors: 0 }, 'PASS'],
      ['contactFlowErrors', { contactFlowErrors: 1 }, 'FAIL'],
    ])('%s with %p is %s', (check, overrides, status) => {
      const [state] = run([overrides]);
      expect(checkOf(state, check).status).toBe(status);
      expect(state.failureStreaks[check]).toBe(status === 'FAIL' ? 1 : 0);
    });

    it.each<[string, Partial<MetricSample>]>([
      ['abandonmentRate', { abandonmentRate: null }],
      ['avgHandleTime', { avgHandleTimeSeconds: null }],
      ['contactsInQueue', { contactsInQueue: null }],
      ['oldestContactAge', { oldestContactAgeSeconds: null }],
      ['agentsAvailable', { agentsAvailable: null }],
      ['contactFlowErrors', { contactFlowErrors: null }],
      ['contactsInQueue', { contactsInQueue: Number.NaN }],
      ['agentsAvailable', { agentsAvailable: -1 }],
    ])('%s with %p is NO_DATA', (check, overrides) => {
      const [state] = run([overrides]);
      expect(checkOf(state, check)).toMatchObject({ status: 'NO_DATA', value: null });
    });

    it('records each threshold as text', () => {
      const [state] = run([{}]);
      expect(Object.fromEntries(state.checks.map((c) => [c.check, c.threshold]))).toEqual({
        abandonmentRate: '≤ 10%',
        avgHandleTime: '30–900 s',
        contactsInQueue: '≤ 25',
        oldestContactAge: '≤ 180 s',
        agentsAvailable: '≥ 1',
        contactFlowErrors: '≤ 0',
        misconfiguredCalls: '≤ 0/min (worst minute before cutover)',
        callsRejected: '≤ 0/min (worst minute before cutover)',
        concurrentCallsPercentage: '≤ 90% of the quota',
      });
    });
  });

  describe('delayed sources (CloudWatch minutes, contact records)', () => {
    it('does not PASS a flow-error count whose newest minute is not final yet', () => {
      const [state] = run([{ contactFlowErrors: 0, contactFlowErrorsFinal: false }]);
      expect(checkOf(state, 'contactFlowErrors')).toMatchObject({ status: 'NO_DATA', value: 0 });
      expect(checkOf(state, 'contactFlowErrors').note).toContain('no final minute yet');
    });

    it('FAILs published flow errors at once, final or not', () => {
      const [state] = run([{ contactFlowErrors: 3, contactFlowErrorsFinal: false }]);
      expect(checkOf(state, 'contactFlowErrors')).toMatchObject({ status: 'FAIL', value: 3 });
    });

    it('judges MisconfiguredPhoneNumbers against its own pre-cutover level', () => {
      const [calm, risen] = run([
        { misconfiguredCalls: 2, misconfiguredCallsBefore: 2 },
        { misconfiguredCalls: 3, misconfiguredCallsBefore: 2 },
      ]);
      expect(checkOf(calm, 'misconfiguredCalls').status).toBe('PASS');
      expect(checkOf(risen, 'misconfiguredCalls')).toMatchObject({ status: 'FAIL', threshold: '≤ 2/min (worst minute before cutover)' });
    });

    it('fails capacity: calls rejected above the pre-cutover level, or the quota in use above the threshold', () => {
      const [rejected] = run([{ callsRejected: 3, callsRejectedBefore: 1 }]);
      const [usual] = run([{ callsRejected: 1, callsRejectedBefore: 1 }]);
      const [full] = run([{ concurrentCallsPercentage: 95 }]);
      expect(checkOf(rejected, 'callsRejected').status).toBe('FAIL');
      expect(checkOf(usual, 'callsRejected').status).toBe('PASS');
      expect(checkOf(full, 'concurrentCallsPercentage')).toMatchObject({ status: 'FAIL', value: 95, threshold: '≤ 90% of the quota' });
    });

    it('keeps watching after the window until every minute of it is final, then is LIVE', () => {
      const window = SETTINGS.observationWindowSeconds;
      const notFinal = fullWindow((t) => ({ finalThroughSeconds: t - 150 }));
      expect(notFinal.decision).toBe('CONTINUE');
      expect(notFinal.reason).toBe(
        'observation window complete (1800 s of 1800 s); waiting for delayed metrics to be final (final through 1650 s)',
      );
      const live = evaluatePoll(notFinal, sample(window + 150, { finalThroughSeconds: window }), SETTINGS);
      expect(live.decision).toBe('LIVE');
    });

    it('rolls back on a breach found while waiting for the window to be final', () => {
      const notFinal = fullWindow((t) => ({ finalThroughSeconds: t - 150 }));
      const window = SETTINGS.observationWindowSeconds;
      const first = evaluatePoll(notFinal, sample(window + 15, { contactFlowErrors: 2, finalThroughSeconds: window - 135 }), SETTINGS);
      const second = evaluatePoll(first, sample(window + 30, { contactFlowErrors: 2, finalThroughSeconds: window - 120 }), SETTINGS);
      expect(decisions([first, second])).toEqual(['CONTINUE', 'ROLLBACK']);
    });
  });

  describe('rate checks need volume', () => {
    it.each<[string, Partial<MetricSample>]>([
      ['abandonmentRate', { abandonmentRate: 0.5 }],
      ['avgHandleTime', { avgHandleTimeSeconds: 5 }],
    ])('%s is NO_DATA below MIN_CONTACTS_FOR_RATE contacts in the window', (check, bad) => {
      const [low] = run([{ ...bad, contactsInWindow: MIN_CONTACTS_FOR_RATE - 1 }]);
      expect(checkOf(low, check)).toMatchObject({ status: 'NO_DATA', note: expect.stringContaining('too few') });
      const [enough] = run([{ ...bad, contactsInWindow: MIN_CONTACTS_FOR_RATE }]);
      expect(checkOf(enough, check).status).toBe('FAIL');
    });

    it('is NO_DATA when the window volume is unknown', () => {
      const [state] = run([{ abandonmentRate: 0.5, contactsInWindow: null }]);
      expect(checkOf(state, 'abandonmentRate').status).toBe('NO_DATA');
    });

    it('does not apply to queue checks: a backed-up queue fails with no contacts handled', () => {
      const [state] = run([{ ...BAD_QUEUE, contactsInWindow: 0 }]);
      expect(checkOf(state, 'contactsInQueue').status).toBe('FAIL');
    });
  });

  describe('consecutive failures', () => {
    it.each<[string, Partial<MetricSample>[], string[]]>([
      ['FAIL, FAIL rolls back', [BAD_QUEUE, BAD_QUEUE], ['CONTINUE', 'ROLLBACK']],
      ['FAIL, PASS, FAIL does not (PASS resets)', [BAD_QUEUE, {}, BAD_QUEUE], ['CONTINUE', 'CONTINUE', 'CONTINUE']],
      [
        'FAIL, NO_DATA, FAIL rolls back (NO_DATA does not reset)',
        [BAD_QUEUE, NO_QUEUE_DATA, BAD_QUEUE],
        ['CONTINUE', 'CONTINUE', 'ROLLBACK'],
      ],
      [
        'FAIL, NO_DATA, NO_DATA does not (NO_DATA does not count)',
        [BAD_QUEUE, NO_QUEUE_DATA, NO_QUEUE_DATA],
        ['CONTINUE', 'CONTINUE', 'CONTINUE'],
      ],
      [
        'flapping FAIL, PASS never rolls back with limit 2',
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? BAD_QUEUE : {})),
        Array.from({ length: 20 }, () => 'CONTINUE'),
      ],
    ])('%s', (_name, steps, expected) => {
      expect(decisions(run(steps))).toEqual(expected);
    });

    it('keeps the streak through NO_DATA and shows it', () => {
      const states = run([BAD_QUEUE, NO_QUEUE_DATA]);
      expect(checkOf(states[1], 'contactsInQueue')).toMatchObject({ status: 'NO_DATA', consecutiveFailures: 1 });
      expect(states[1].reason).toContain('failing: contactsInQueue no data (1 of 2)');
      expect(states[1].reason).toContain('API errors (not failures): GetCurrentMetricData');
    });

    it('rolls back on the first FAIL with a limit of 1', () => {
      const [state] = run([BAD_QUEUE], { ...SETTINGS, consecutiveFailureLimit: 1 });
      expect(state.decision).toBe('ROLLBACK');
      expect(state.breachAtSeconds).toBe(60);
    });

    it('needs the whole streak with a limit of 3', () => {
      expect(decisions(run([BAD_QUEUE, BAD_QUEUE, BAD_QUEUE], { ...SETTINGS, consecutiveFailureLimit: 3 }))).toEqual([
        'CONTINUE',
        'CONTINUE',
        'ROLLBACK',
      ]);
    });

    it('counts streaks per check: two checks failing alternately do not add up', () => {
      const states = run([{ contactsInQueue: 40 }, { oldestContactAgeSeconds: 600 }, { contactsInQueue: 40 }]);
      expect(decisions(states)).toEqual(['CONTINUE', 'CONTINUE', 'CONTINUE']);
    });
  });

  describe('ROLLBACK', () => {
    it('names the check, value and threshold, and records breachAtSeconds at the first FAIL of the streak', () => {
      // GIVEN 60 PASS, 75 FAIL, 90 NO_DATA, 105 FAIL
      const states = run([{}, { abandonmentRate: 0.35 }, { abandonmentRate: null }, { abandonmentRate: 0.35 }]);
      const last = states[3];
      expect(last.decision).toBe('ROLLBACK');
      expect(last.breachAtSeconds).toBe(75);
      expect(last.reason).toBe('abandonmentRate 35% breached ≤ 10% on 2 consecutive polls (first at 75 s)');
    });

    it('starts breachAtSeconds again after a PASS', () => {
      // GIVEN 60 FAIL, 75 PASS, 90 FAIL, 105 FAIL
      const states = run([BAD_QUEUE, {}, BAD_QUEUE, BAD_QUEUE]);
      expect(states[3].breachAtSeconds).toBe(90);
    });

    it('takes the earliest streak when several checks breach on the same poll', () => {
      // GIVEN the queue fails from 60 s (no data at 75 s keeps its streak), the oldest contact from 75 s
      const states = run([BAD_QUEUE, { ...NO_QUEUE_DATA, oldestContactAgeSeconds: 600 }, { ...BAD_QUEUE, oldestContactAgeSeconds: 600 }]);
      // THEN both breach at 90 s; the breach started at 60 s
      expect(decisions(states)).toEqual(['CONTINUE', 'CONTINUE', 'ROLLBACK']);
      expect(states[2].breachAtSeconds).toBe(60);
      expect(states[2].reason).toBe(
        'contactsInQueue 40 breached ≤ 25 on 2 consecutive polls (first at 60 s); ' +
          'oldestContactAge 600 s breached ≤ 180 s on 2 consecutive polls (first at 75 s)',
      );
    });

    it('wins over the end of the window', () => {
      const state = fullWindow((t) => (t >= SETTINGS.observationWindowSeconds - POLL ? BAD_QUEUE : {}));
      expect(state.decision).toBe('ROLLBACK');
      expect(state.breachAtSeconds).toBe(SETTINGS.observationWindowSeconds - POLL);
    });

    it('is final: a later healthy sample returns the same state', () => {
      const [, rolledBack] = run([BAD_QUEUE, BAD_QUEUE]);
      expect(evaluatePoll(rolledBack, sample(200), SETTINGS)).toBe(rolledBack);
    });
  });

  describe('end of the window', () => {
    it('is LIVE with enough contacts, every check passed and none failing', () => {
      const state = fullWindow();
      expect(state.decision).toBe('LIVE');
      expect(state.polls).toBe(SETTINGS.observationWindowSeconds / POLL);
      expect(state.reason).toBe(
        'observation window complete (1800 s of 1800 s): 100 contacts since cutover, every check passed, none failing',
      );
    });

    it('keeps watching until the window ends', () => {
      let state: VerifyState | null = null;
      for (let t = POLL; t < SETTINGS.observationWindowSeconds; t += POLL) state = evaluatePoll(state, sample(t), SETTINGS);
      expect(state!.decision).toBe('CONTINUE');
      expect(state!.reason).toBe('1785 s of 1800 s: no check failing');
    });

    it('is LIVE with a NO_DATA on the last poll of a check that passed before', () => {
      const state = fullWindow((t) => (t === SETTINGS.observationWindowSeconds ? NO_QUEUE_DATA : {}));
      expect(state.decision).toBe('LIVE');
    });

    it.each<[string, (t: number) => Partial<MetricSample>, string]>([
      ['low volume', () => ({ contactsSinceCutover: 12 }), 'low volume: 12 contacts since cutover, needs 20'],
      ['unknown volume', () => ({ contactsSinceCutover: null }), 'contact volume since cutover unknown'],
      [
        'a check never observed',
        () => ({ agentsAvailable: null, contactsInWindow: 3 }),
        'never observed passing: abandonmentRate, avgHandleTime, agentsAvailable',
      ],
    ])('is INCONCLUSIVE with %s', (_name, overrides, why) => {
      const state = fullWindow(overrides);
      expect(state.decision).toBe('INCONCLUSIVE');
      expect(state.reason).toMatch(/^observation window complete \(1800 s of 1800 s\) but /);
      expect(state.reason).toContain(why);
    });

    it('watches a check failing at the end to its limit: ROLLBACK on the next FAIL', () => {
      const atEnd = fullWindow((t) => (t === SETTINGS.observationWindowSeconds ? BAD_QUEUE : {}));
      expect(atEnd.decision).toBe('CONTINUE');
      expect(atEnd.reason).toContain('watching the failing checks to their limit: contactsInQueue 40 (1 of 2)');
      const next = evaluatePoll(atEnd, sample(SETTINGS.observationWindowSeconds + POLL, BAD_QUEUE), SETTINGS);
      expect(next.decision).toBe('ROLLBACK');
    });

    it('is INCONCLUSIVE with a check still failing when the grace after the window is over', () => {
      let state = fullWindow((t) => (t === SETTINGS.observationWindowSeconds ? BAD_QUEUE : {}));
      // The queue source goes quiet: NO_DATA keeps the streak at 1 of 2.
      for (let t = SETTINGS.observationWindowSeconds + POLL; state.decision === 'CONTINUE'; t += POLL) {
        state = evaluatePoll(state, sample(t, NO_QUEUE_DATA), SETTINGS);
      }
      expect(state.decision).toBe('INCONCLUSIVE');
      expect(state.reason).toContain('failing at the end: contactsInQueue no data (≤ 25)');
      // grace = both lags (120 + 120) + 60 + 2 polls × 15 s
      expect(state.sample?.elapsedSeconds).toBe(SETTINGS.observationWindowSeconds + 330);
    });

    it('is LIVE at exactly minContactsForVerdict contacts', () => {
      expect(fullWindow(() => ({ contactsSinceCutover: SETTINGS.minContactsForVerdict })).decision).toBe('LIVE');
    });
  });

  describe('evidence', () => {
    it('records the sample, every check and the streaks in each state', () => {
      const input = sample(60, BAD_QUEUE);
      const state = evaluatePoll(null, input, SETTINGS);
      expect(state.sample).toBe(input);
      expect(state.polls).toBe(1);
      expect(state.checks.map((c) => c.check)).toEqual([...VERIFY_CHECK_NAMES]);
      expect(checkOf(state, 'contactsInQueue')).toEqual({
        check: 'contactsInQueue',
        status: 'FAIL',
        value: 40,
        threshold: '≤ 25',
        consecutiveFailures: 1,
      });
      expect(state.failureStreakSince).toEqual({ contactsInQueue: 60 });
    });

    it('does not modify the previous state', () => {
      const first = deepFreeze(evaluatePoll(null, sample(60, BAD_QUEUE), SETTINGS));
      const second = evaluatePoll(first, sample(75, {}), SETTINGS);
      expect(first.failureStreaks.contactsInQueue).toBe(1);
      expect(second.failureStreaks.contactsInQueue).toBe(0);
    });

    it('accepts a state written without failureStreakSince', () => {
      const { failureStreakSince: _omit, ...older } = evaluatePoll(null, sample(60, BAD_QUEUE), SETTINGS);
      const next = evaluatePoll(older, sample(75, BAD_QUEUE), SETTINGS);
      expect(next.decision).toBe('ROLLBACK');
      expect(next.breachAtSeconds).toBe(75);
    });

    it('throws when elapsedSeconds is not a finite number', () => {
      expect(() => evaluatePoll(null, sample(Number.NaN), SETTINGS)).toThrow('sample.elapsedSeconds must be a finite number, got NaN');
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('service lines', () => {
  const line = (serviceLine: string, state: VerifyState) => ({ serviceLine, ...state });

  it('groups entries by serviceLine; entries without one form one line over the watched queues', () => {
    expect(
      serviceLinesOf(
        [
          { phoneNumber: '+1', targetFlow: 'Main' },
          { phoneNumber: '+2', targetFlow: 'SalesMain', serviceLine: 'Sales', queues: ['Sales'] },
          { phoneNumber: '+3', targetFlow: 'SalesMain', serviceLine: 'Sales', queues: ['Sales', 'Renewals'] },
        ],
        ['Support', 'Sales', 'Renewals'],
      ),
    ).toEqual([
      { serviceLine: DEFAULT_SERVICE_LINE, queues: ['Support', 'Sales', 'Renewals'], targetFlows: ['Main'] },
      { serviceLine: 'Sales', queues: ['Sales', 'Renewals'], targetFlows: ['SalesMain'] },
    ]);
  });

  it('rolls back when any line rolls back, names it and lists it in failingLines', () => {
    const [, rolledBack] = run([BAD_QUEUE, BAD_QUEUE]);
    const healthy = run([{}, {}])[1];

    const combined = combineLines([line('Support', healthy), line('Sales', rolledBack)], 7);

    expect(combined.decision).toBe('ROLLBACK');
    expect(combined.failingLines).toEqual(['Sales']);
    expect(combined.reason).toMatch(/^service line Sales: contactsInQueue 40 breached/);
    expect(combined.breachAtSeconds).toBe(rolledBack.breachAtSeconds);
    expect(combined.polls).toBe(7);
    expect(combined.lines).toHaveLength(2);
  });

  it('is LIVE only when every line is LIVE, INCONCLUSIVE when every line is done and one is not LIVE', () => {
    const live = fullWindow();
    const inconclusive = fullWindow(() => ({ contactsSinceCutover: 3 }));
    const watching = run([{}])[0];

    expect(combineLines([line('A', live), line('B', live)], 1).decision).toBe('LIVE');
    expect(combineLines([line('A', live), line('B', watching)], 1).decision).toBe('CONTINUE');
    const mixed = combineLines([line('A', live), line('B', inconclusive)], 1);
    expect(mixed.decision).toBe('INCONCLUSIVE');
    expect(mixed.reason).toMatch(/^B: observation window complete/);
  });

  it('finds a line’s previous state, or takes a state written before lines for a single line', () => {
    const state = run([{}])[0];
    const combined = combineLines([line('Sales', state)], 1);

    expect(previousLineState(combined, 'Sales', 1)).toMatchObject({ serviceLine: 'Sales', polls: state.polls });
    expect(previousLineState(state, DEFAULT_SERVICE_LINE, 1)).toBe(state);
    expect(previousLineState(state, 'Sales', 2)).toBeNull();
  });
});

describe('settingsForLine (baselines)', () => {
  it('replaces the absolute thresholds by baseline + 5 points and ±50 % of the baseline AHT', () => {
    const s = settingsForLine(SETTINGS, { abandonmentRate: 0.08, avgHandleTimeSeconds: 400 });
    expect([s.maxAbandonmentRate, s.minAvgHandleTimeSeconds, s.maxAvgHandleTimeSeconds]).toEqual([0.08 + 0.05, 200, 600]);
    expect(s.maxContactsInQueue).toBe(SETTINGS.maxContactsInQueue);
  });

  it('keeps the settings without a baseline', () => {
    expect(settingsForLine(SETTINGS, undefined)).toBe(SETTINGS);
  });

  it('fails a line at an AHT its baseline does not allow though the absolute limit would', () => {
    const [state] = run([{ avgHandleTimeSeconds: 700 }], settingsForLine(SETTINGS, { abandonmentRate: 0.05, avgHandleTimeSeconds: 300 }));
    expect(checkOf(state, 'avgHandleTime')).toMatchObject({ status: 'FAIL', threshold: '150–450 s' });
  });
});
