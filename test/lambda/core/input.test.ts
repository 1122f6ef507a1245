import { selectPlan } from '../../../lambda/core/batches';
import {
  DEFAULT_VERIFICATION,
  DEFAULT_VERIFICATION_BOUNDS,
  InputValidationError,
  RunbookConfig,
  parseExecutionInput,
} from '../../../lambda/core';

const NOW = new Date('2025-06-01T12:00:00Z');
const ARN_NUMBER = 'arn:aws:connect:us-east-1:123456789012:phone-number/11111111-2222-3333-4444-555555555555';

const CONFIG: RunbookConfig = {
  instanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  plan: [
    { phoneNumber: '+18005550100', targetFlow: 'Main' },
    { phoneNumber: '+18005550101', targetFlow: 'Sales' },
    { phoneNumber: '+442071234567', targetFlow: 'Main' },
    { phoneNumber: ARN_NUMBER, targetFlow: 'Main' },
  ],
  queues: ['Support'],
  cutoverMode: 'repoint',
  verification: DEFAULT_VERIFICATION,
  verificationBounds: DEFAULT_VERIFICATION_BOUNDS,
  minAgentsOnline: 2,
  requiredAttestations: ['uat', 'training', 'bau', 'support'],
  allowedLatenessSeconds: 300,
  maxScheduleDays: 14,
  cutoverConcurrency: 5,
  controlTableName: 'golive-control',
  statusTopicArn: 'arn:aws:sns:us-east-1:123456789012:golive-status',
};

const ok = { changeId: 'CHG-1' };

function parse(raw: unknown, config: RunbookConfig = CONFIG) {
  return parseExecutionInput(raw, config, NOW);
}

/** The InputValidationError a parse throws (fails the test when it does not throw one). */
function rejection(raw: unknown, config: RunbookConfig = CONFIG): InputValidationError {
  try {
    parse(raw, config);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return error as InputValidationError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseExecutionInput', () => {
  describe('rejects malformed input, naming the field', () => {
    const future = (cutoverAt: unknown) => ({ ...ok, cutoverAt });
    const numbers = (...phoneNumbers: unknown[]) => ({ ...ok, phoneNumbers });
    const thresholds = (verification: unknown) => ({ ...ok, verification });
    const UTC_ONLY = 'cutoverAt: must be in UTC, ending in Z';
    const NOT_ISO = 'is not an ISO-8601 UTC timestamp';

    // [what, raw input, expected message: it begins with the field path]
    it.each<[string, unknown, string]>([
      // the input itself
      ['null input', null, 'input: must be a JSON object, got null'],
      ['an array', [ok], 'input: must be a JSON object, got an array'],
      ['a string', 'CHG-1', 'input: must be a JSON object, got "CHG-1"'],
      ['a number', 42, 'input: must be a JSON object, got 42'],
      ['no input', undefined, 'input: must be a JSON object, got nothing'],
      // changeId
      ['a missing changeId', {}, 'changeId: is required'],
      ['a numeric changeId', { changeId: 42 }, 'changeId: must be a string, got 42'],
      ['an empty changeId', { changeId: '' }, 'changeId: must not be empty'],
      ['an oversized changeId', { changeId: 'C'.repeat(65) }, 'changeId: must be at most 64 characters, got 65'],
      ['a changeId with a space', { changeId: 'CHG 1' }, `changeId: must use only letters, digits, '.', '_' and '-'`],
      ['a changeId with a newline', { changeId: 'CHG\n1' }, 'changeId: must not contain control characters, got "CHG\\n1"'],
      ['a changeId with a NUL', { changeId: 'CHG-1\u0000' }, 'changeId: must not contain control characters'],
      // unknown fields
      ['an unknown top-level field', { ...ok, force: true }, 'force: is not a known field; known fields: changeId, cutoverAt'],
      ['a mis-cased field', { ...ok, changeID: 'x' }, 'changeID: is not a known field (did you mean changeId?)'],
      ['a typo', { ...ok, dryrun: true }, 'dryrun: is not a known field (did you mean dryRun?)'],
      ['an unknown field with odd characters', { ...ok, 'a\u0000b': 1 }, '["a\\u0000b"]: is not a known field'],
      // cutoverAt
      ['a numeric cutoverAt', future(1748779200), 'cutoverAt: must be an ISO-8601 UTC timestamp string, got 1748779200'],
      ['a null cutoverAt', future(null), 'cutoverAt: must be an ISO-8601 UTC timestamp string, got null'],
      ['a cutoverAt that is not a date', future('tomorrow'), `cutoverAt: "tomorrow" ${NOT_ISO}`],
      ['a date without a time', future('2025-06-02'), `cutoverAt: "2025-06-02" ${NOT_ISO}`],
      ['a cutoverAt with an offset', future('2025-06-02T10:00:00+02:00'), UTC_ONLY],
      ['a cutoverAt with no zone', future('2025-06-02T10:00:00'), UTC_ONLY],
      ['a cutoverAt with a lower-case z', future('2025-06-02T10:00:00z'), UTC_ONLY],
      ['February 30th', future('2026-02-30T10:00:00Z'), 'cutoverAt: "2026-02-30T10:00:00Z" is not a valid date and time'],
      ['hour 24', future('2025-06-02T24:00:00Z'), 'cutoverAt: "2025-06-02T24:00:00Z" is not a valid date and time'],
      ['a past cutoverAt', future('2020-01-01T00:00:00Z'), 'cutoverAt: must be in the future, got 2020-01-01T00:00:00Z'],
      ['a cutoverAt of exactly now', future('2025-06-01T12:00:00Z'), 'cutoverAt: must be in the future'],
      [
        'a cutoverAt more than 14 days ahead',
        future('2025-06-15T12:00:01Z'),
        'cutoverAt: must be at most 14 days ahead (by 2025-06-15T12:00:00Z), got 2025-06-15T12:00:01Z',
      ],
      ['an oversized cutoverAt', future(`2025-06-02T10:00:00.${'0'.repeat(40)}Z`), 'cutoverAt: must be at most 30 characters'],
      ['a cutoverAt with a tab', future('2025-06-02T10:00:00Z\t'), 'cutoverAt: must not contain control characters'],
      // dryRun
      ['a string dryRun', { ...ok, dryRun: 'yes' }, 'dryRun: must be true or false, got "yes"'],
      ['a numeric dryRun', { ...ok, dryRun: 1 }, 'dryRun: must be true or false, got 1'],
      // phoneNumbers
      [
        'phoneNumbers as a string',
        { ...ok, phoneNumbers: '+18005550100' },
        'phoneNumbers: must be an array of E.164 numbers, got "+18005550100"',
      ],
      ['an empty phoneNumbers', numbers(), 'phoneNumbers: must list at least one number (omit it to cut over the whole plan)'],
      ['a number with a space', numbers('+18005550100', '+1 555'), 'phoneNumbers[1]: "+1 555" is not an E.164 number'],
      ['a number without +', numbers('18005550100'), 'phoneNumbers[0]: "18005550100" is not an E.164 number'],
      ['a country code starting with 0', numbers('+08005550100'), 'phoneNumbers[0]: "+08005550100" is not an E.164 number'],
      ['a number of 16 digits', numbers('+1800555010012345'), 'phoneNumbers[0]: must be at most 16 characters, got 17'],
      ['a numeric entry', numbers(18005550100), 'phoneNumbers[0]: must be a string, got 18005550100'],
      ['an ARN entry', numbers(ARN_NUMBER), 'phoneNumbers[0]: must be at most 16 characters'],
      [
        'a number outside the plan',
        numbers('+18005550199'),
        'phoneNumbers[0]: +18005550199 is not in the cutover plan ' + '(plan numbers: +18005550100, +18005550101, +442071234567)',
      ],
      [
        'a number listed twice',
        numbers('+18005550100', '+18005550101', '+18005550100'),
        'phoneNumbers[2]: +18005550100 is listed twice (first at phoneNumbers[0])',
      ],
      // verification
      ['verification as a string', thresholds('strict'), 'verification: must be an object, got "strict"'],
      ['verification as null', thresholds(null), 'verification: must be an object, got null'],
      ['verification as an array', thresholds([]), 'verification: must be an object, got an array'],
      [
        'an unknown verification key',
        thresholds({ maxAbandonment: 0.2 }),
        'verification.maxAbandonment: is not a known field (did you mean maxAbandonmentRate?); ' + 'known fields: pollIntervalSeconds',
      ],
      ['a string threshold', thresholds({ maxAbandonmentRate: '0.2' }), 'verification.maxAbandonmentRate: must be a number, got "0.2"'],
      ['a null threshold', thresholds({ pollIntervalSeconds: null }), 'verification.pollIntervalSeconds: must be a number, got null'],
      ['a rate above 1', thresholds({ maxAbandonmentRate: 1.5 }), 'verification.maxAbandonmentRate: must be between 0 and 1, got 1.5'],
      ['a negative rate', thresholds({ maxAbandonmentRate: -0.01 }), 'verification.maxAbandonmentRate: must be between 0 and 1, got -0.01'],
      [
        'a poll interval below bounds',
        thresholds({ pollIntervalSeconds: 5 }),
        'verification.pollIntervalSeconds: must be between 10 and 300, got 5',
      ],
      [
        'a fractional poll interval',
        thresholds({ pollIntervalSeconds: 15.5 }),
        'verification.pollIntervalSeconds: must be a whole number, got 15.5',
      ],
      [
        'a window above bounds',
        thresholds({ observationWindowSeconds: 86_400 }),
        'verification.observationWindowSeconds: must be between 300 and 14400, got 86400',
      ],
      [
        'a failure limit of 0',
        thresholds({ consecutiveFailureLimit: 0 }),
        'verification.consecutiveFailureLimit: must be between 1 and 10, got 0',
      ],
      [
        'min AHT above the default max',
        thresholds({ minAvgHandleTimeSeconds: 1000 }),
        'verification.minAvgHandleTimeSeconds: must be at most maxAvgHandleTimeSeconds (900), got 1000',
      ],
      [
        'max AHT below the default min',
        thresholds({ maxAvgHandleTimeSeconds: 20 }),
        'verification.maxAvgHandleTimeSeconds: must be at least minAvgHandleTimeSeconds (30), got 20',
      ],
      [
        'a warm-up as long as the window',
        thresholds({ warmupSeconds: 1800 }),
        'verification.warmupSeconds: must be less than observationWindowSeconds (1800), got 1800',
      ],
    ])('rejects %s', (_name, raw, message) => {
      const field = message.slice(0, message.indexOf(': '));
      const error = rejection(raw);
      expect(error.name).toBe('InputValidationError');
      expect(error.field).toBe(field);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
      expect(error.message).toContain(message);
    });
  });

  it('rejects a number the plan holds only as an ARN, with a hint', () => {
    expect(() => parse({ ...ok, phoneNumbers: ['+18005550177'] })).toThrow(
      /^phoneNumbers\[0\]: \+18005550177 is not in the cutover plan .*plan entries given as ARNs can only be cut over with the whole plan$/,
    );
  });

  it('rejects a window shorter than a configured warm-up, naming the field the operator sent', () => {
    const config = { ...CONFIG, verification: { ...DEFAULT_VERIFICATION, warmupSeconds: 600 } };
    expect(() => parse({ ...ok, verification: { observationWindowSeconds: 300 } }, config)).toThrow(
      'verification.observationWindowSeconds: must be greater than warmupSeconds (600), got 300',
    );
  });

  it('rejects every malformed field at once, first field first', () => {
    const error = rejection({ changeId: 7, dryRun: 'no', verification: { pollIntervalSeconds: 1 }, extra: 1 });
    expect(error.problems.map((p) => p.field)).toEqual(['changeId', 'dryRun', 'verification.pollIntervalSeconds', 'extra']);
    expect(error.message).toMatch(/^changeId: must be a string, got 7; dryRun: must be true or false/);
  });

  it('rejects an oversized string without echoing it whole', () => {
    const error = rejection({ changeId: 'X'.repeat(100_000) });
    expect(error.message).toBe('changeId: must be at most 64 characters, got 100000');
  });

  it('quotes a long bad value shortened', () => {
    const error = rejection({ changeId: 'change request for the main line cutover tonight' });
    expect(error.message).toBe(
      `changeId: must use only letters, digits, '.', '_' and '-', got "change request for the main line cutover…"`,
    );
  });

  describe('accepts valid input', () => {
    it('merges the defaults: the whole plan, dryRun false, the config thresholds, no cutoverAt', () => {
      const run = parse({ changeId: 'CHG-1' });
      expect(run).toEqual({
        changeId: 'CHG-1',
        dryRun: false,
        planSize: CONFIG.plan.length,
        verification: DEFAULT_VERIFICATION,
        rollbackScope: 'wave',
      });
      expect(run).not.toHaveProperty('cutoverAt');
      // No selection: the execution works on the whole plan.
      expect(run).not.toHaveProperty('selection');
      expect(selectPlan(CONFIG.plan, run.selection)).toEqual(CONFIG.plan);
    });

    it.each(['C', 'CHG-2025.06_01', 'a'.repeat(64)])('accepts changeId %p', (changeId) => {
      expect(parse({ changeId }).changeId).toBe(changeId);
    });

    it.each([
      ['2025-06-02T10:00:00Z', '2025-06-02T10:00:00Z'],
      ['2025-06-02T10:00Z', '2025-06-02T10:00:00Z'],
      ['2025-06-02T10:00:00.250Z', '2025-06-02T10:00:00.250Z'],
      ['2025-06-02T10:00:00.000Z', '2025-06-02T10:00:00Z'],
      ['2025-06-15T12:00:00Z', '2025-06-15T12:00:00Z'],
      ['2025-06-01T12:00:01Z', '2025-06-01T12:00:01Z'],
    ])('accepts cutoverAt %p, normalised to %p', (cutoverAt, expected) => {
      expect(parse({ ...ok, cutoverAt }).cutoverAt).toBe(expected);
    });

    it('takes rollbackScope "wave" (the default) or "serviceLine"', () => {
      expect(parse({ ...ok }).rollbackScope).toBe('wave');
      expect(parse({ ...ok, rollbackScope: 'serviceLine' }).rollbackScope).toBe('serviceLine');
      expect(parse({ ...ok, rollbackScope: 'wave' }).rollbackScope).toBe('wave');
    });

    it('rejects any other rollbackScope, naming the field', () => {
      expect(() => parse({ ...ok, rollbackScope: 'line' })).toThrow(/^rollbackScope: must be "wave" or "serviceLine", got "line"/);
      expect(() => parse({ ...ok, rollbackScope: 3 })).toThrow(/^rollbackScope: must be "wave" or "serviceLine", got 3/);
    });

    it('accepts dryRun', () => {
      expect(parse({ ...ok, dryRun: true }).dryRun).toBe(true);
      expect(parse({ ...ok, dryRun: false }).dryRun).toBe(false);
    });

    it('selects the phoneNumbers subset in plan order', () => {
      const run = parse({ ...ok, phoneNumbers: ['+442071234567', '+18005550100'] });
      expect(run.planSize).toBe(2);
      expect(selectPlan(CONFIG.plan, run.selection)).toEqual([
        { phoneNumber: '+18005550100', targetFlow: 'Main' },
        { phoneNumber: '+442071234567', targetFlow: 'Main' },
      ]);
    });

    it('merges verification overrides over the config, field by field', () => {
      const run = parse({ ...ok, verification: { maxAbandonmentRate: 0.2, pollIntervalSeconds: 30 } });
      expect(run.verification).toEqual({ ...DEFAULT_VERIFICATION, maxAbandonmentRate: 0.2, pollIntervalSeconds: 30 });
    });

    it('accepts overrides at the edge of their bounds', () => {
      const run = parse({
        ...ok,
        verification: { maxAbandonmentRate: 1, pollIntervalSeconds: 10, warmupSeconds: 0, consecutiveFailureLimit: 10 },
      });
      expect(run.verification.maxAbandonmentRate).toBe(1);
      expect(run.verification.warmupSeconds).toBe(0);
    });

    it('accepts an empty verification object', () => {
      expect(parse({ ...ok, verification: {} }).verification).toEqual(DEFAULT_VERIFICATION);
    });

    it('accepts everything at once', () => {
      const run = parse({
        changeId: 'CHG-42',
        cutoverAt: '2025-06-03T22:00:00Z',
        dryRun: true,
        phoneNumbers: ['+18005550101'],
        verification: { minContactsForVerdict: 50 },
      });
      expect(run).toEqual({
        changeId: 'CHG-42',
        cutoverAt: '2025-06-03T22:00:00Z',
        dryRun: true,
        planSize: 1,
        selection: ['+18005550101'],
        verification: { ...DEFAULT_VERIFICATION, minContactsForVerdict: 50 },
        rollbackScope: 'wave',
      });
      expect(selectPlan(CONFIG.plan, run.selection)).toEqual([{ phoneNumber: '+18005550101', targetFlow: 'Sales' }]);
    });

    it('honours the config schedule limit', () => {
      const config = { ...CONFIG, maxScheduleDays: 2 };
      expect(() => parse({ ...ok, cutoverAt: '2025-06-04T12:00:00Z' }, config)).toThrow(
        'cutoverAt: must be at most 2 days ahead (by 2025-06-03T12:00:00Z), got 2025-06-04T12:00:00Z',
      );
    });
  });
});

describe('execution input baseline', () => {
  const LINES: RunbookConfig = {
    ...CONFIG,
    plan: [
      { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Support' },
      { phoneNumber: '+18005550101', targetFlow: 'Sales', serviceLine: 'Sales' },
    ],
  };

  it('carries the baseline per service line into the run', () => {
    const run = parse({ ...ok, baseline: { Sales: { abandonmentRate: 0.06, avgHandleTimeSeconds: 420 } } }, LINES);
    expect(run.baseline).toEqual({ Sales: { abandonmentRate: 0.06, avgHandleTimeSeconds: 420 } });
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'a line that is not in the plan',
      { Billing: { abandonmentRate: 0.05, avgHandleTimeSeconds: 300 } },
      'baseline.Billing',
      /^is not a service line of the plan \(Support, Sales\)$/,
    ],
    [
      'an abandonment rate in percent',
      { Sales: { abandonmentRate: 6, avgHandleTimeSeconds: 300 } },
      'baseline.Sales.abandonmentRate',
      /^must be between 0 and 1/,
    ],
    [
      'a zero handle time',
      { Sales: { abandonmentRate: 0.06, avgHandleTimeSeconds: 0 } },
      'baseline.Sales.avgHandleTimeSeconds',
      /^must be between 1 and 7200/,
    ],
  ])('rejects %s', (_name, baseline, field, message) => {
    const problem = rejection({ ...ok, baseline }, LINES).problems.find((p) => p.field === field);
    expect(problem?.message).toMatch(message);
  });

  it('takes the line all for entries without a service line', () => {
    expect(parse({ ...ok, baseline: { all: { abandonmentRate: 0.05, avgHandleTimeSeconds: 300 } } }).baseline).toBeDefined();
  });
});

describe('parseExecutionInput: go-live readiness fields', () => {
  const lines: RunbookConfig = {
    ...CONFIG,
    plan: [
      { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Support' },
      { phoneNumber: '+18005550101', targetFlow: 'Sales', serviceLine: 'Sales' },
    ],
    queues: ['Support', 'Sales'],
  };

  it('carries expectedPeakConcurrentCalls per service line and closedQueuesAllowed (once each) into the run', () => {
    const run = parseExecutionInput(
      { ...ok, expectedPeakConcurrentCalls: { Support: 12, Sales: 0 }, closedQueuesAllowed: ['Sales', 'Sales'] },
      lines,
      NOW,
    );
    expect(run.expectedPeakConcurrentCalls).toEqual({ Support: 12, Sales: 0 });
    expect(run.closedQueuesAllowed).toEqual(['Sales']);
    expect(parseExecutionInput(ok, lines, NOW)).not.toHaveProperty('expectedPeakConcurrentCalls');
  });

  it.each<[string, unknown, string]>([
    [
      'an unknown line',
      { expectedPeakConcurrentCalls: { Billing: 3 } },
      'expectedPeakConcurrentCalls.Billing: is not a service line of the plan (Support, Sales)',
    ],
    ['a fraction', { expectedPeakConcurrentCalls: { Sales: 2.5 } }, 'expectedPeakConcurrentCalls.Sales: must be a whole number of calls'],
    ['a negative peak', { expectedPeakConcurrentCalls: { Sales: -1 } }, 'expectedPeakConcurrentCalls.Sales: must be between 0 and 100000'],
    ['not an object', { expectedPeakConcurrentCalls: 40 }, 'expectedPeakConcurrentCalls: must be an object keyed by service line'],
    [
      'a queue not watched',
      { closedQueuesAllowed: ['Billing'] },
      'closedQueuesAllowed[0]: "Billing" is not a watched queue (Support, Sales)',
    ],
    ['not an array', { closedQueuesAllowed: 'Sales' }, 'closedQueuesAllowed: must be an array of watched queue names'],
  ])('rejects %s, naming the field', (_what, fields, message) => {
    expect(() => parseExecutionInput({ ...ok, ...(fields as object) }, lines, NOW)).toThrow(message);
  });
});
