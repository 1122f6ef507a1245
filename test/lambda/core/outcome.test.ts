import { explainOutcome, MAX_STRANDED_LISTED, OutcomeFacts } from '../../../lambda/core';

const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: ['at handler (index.js:1:1)'] });
const VERIFY_LIVE = 'observation window complete (1800 s of 1800 s): 240 contacts since cutover, every check passed, none failing';
const VERIFY_INCONCLUSIVE = 'observation window complete (1800 s of 1800 s) but low volume: 4 contacts since cutover, needs 20';

describe('explainOutcome', () => {
  it.each<[string, OutcomeFacts, string]>([
    ['LIVE on verification', { outcome: 'LIVE', verifyReason: VERIFY_LIVE }, `verification passed: ${VERIFY_LIVE}`],
    [
      'LIVE declared by a human',
      { outcome: 'LIVE', humanDecision: 'live', verifyReason: VERIFY_INCONCLUSIVE },
      `declared LIVE by a human after inconclusive verification (${VERIFY_INCONCLUSIVE})`,
    ],
    ['DRY_RUN_OK', { outcome: 'DRY_RUN_OK' }, 'dry run: every check and the approval passed; no number was changed'],
    [
      'ROLLED_BACK on a breach',
      { outcome: 'ROLLED_BACK', verifyReason: 'abandonmentRate 30% breached ≤ 10% on 2 consecutive polls (first at 95 s)' },
      'rolled back: abandonmentRate 30% breached ≤ 10% on 2 consecutive polls (first at 95 s)',
    ],
    [
      'ROLLED_BACK by a human',
      { outcome: 'ROLLED_BACK', humanDecision: 'rollback', verifyReason: VERIFY_INCONCLUSIVE },
      'rolled back: human decided rollback',
    ],
    ['ROLLED_BACK with nothing known', { outcome: 'ROLLED_BACK' }, 'rolled back: verification failed'],
    [
      'ROLLED_BACK on a cutover error (Lambda JSON Cause unwrapped)',
      {
        outcome: 'ROLLED_BACK',
        error: {
          Error: 'CutoverError',
          Cause: lambdaCause(
            'CutoverError',
            '1 number(s) not on their target flow after cutover: pn-2 is on flow flow-legacy, expected flow flow-billing',
          ),
        },
      },
      'rolled back: CutoverError: 1 number(s) not on their target flow after cutover: pn-2 is on flow flow-legacy, expected flow flow-billing',
    ],
    [
      'ROLLED_BACK on an operator abort (plain Cause)',
      { outcome: 'ROLLED_BACK', error: { Error: 'OperatorAbort', Cause: 'operator abort by ops-alice' } },
      'rolled back: OperatorAbort: operator abort by ops-alice',
    ],
    [
      'ROLLED_BACK: the error wins over the verify reason',
      { outcome: 'ROLLED_BACK', error: { Error: 'States.Timeout' }, verifyReason: VERIFY_INCONCLUSIVE },
      'rolled back: States.Timeout',
    ],
    [
      'ROLLBACK_FAILED',
      {
        outcome: 'ROLLBACK_FAILED',
        error: {
          Error: 'RollbackError',
          Cause: lambdaCause('RollbackError', 'rollback incomplete: +18005550100 must go back to flow-legacy'),
        },
      },
      'ROLLBACK FAILED, put back by hand: every number of the plan (their flows could not be read); last error: RollbackError: rollback incomplete: +18005550100 must go back to flow-legacy',
    ],
    [
      'ROLLBACK_FAILED with no error',
      { outcome: 'ROLLBACK_FAILED' },
      'ROLLBACK FAILED, put back by hand: every number of the plan (their flows could not be read); last error: unknown error',
    ],
    [
      'ROLLBACK_FAILED names each stranded number and its flow',
      {
        outcome: 'ROLLBACK_FAILED',
        stranded: [
          { phoneNumber: '+18005550100', restoreTo: 'flow-legacy' },
          { phoneNumber: '+18005550101', restoreTo: null },
        ],
      },
      'ROLLBACK FAILED, put back by hand: +18005550100 → flow-legacy, +18005550101 → no flow (disassociate); last error: unknown error',
    ],
    [
      'ABORTED: not ready',
      {
        outcome: 'ABORTED',
        readinessFailures: [
          'flow-published Billing Inbound: status SAVED',
          'queue-staffed Support: 1 online, 1 available; needs at least 2 online',
        ],
      },
      'not ready: flow-published Billing Inbound: status SAVED; queue-staffed Support: 1 online, 1 available; needs at least 2 online',
    ],
    [
      'ABORTED: window missed',
      {
        outcome: 'ABORTED',
        readinessFailures: [],
        windowReason: 'approved window 2025-06-01T21:00:00.000Z missed by 3600 s (allowed 900 s)',
      },
      'approved window 2025-06-01T21:00:00.000Z missed by 3600 s (allowed 900 s)',
    ],
    [
      'ABORTED: approval rejected',
      { outcome: 'ABORTED', readinessFailures: [], error: { Error: 'ApprovalRejected', Cause: 'UAT sign-off missing' } },
      'aborted before any change: ApprovalRejected: UAT sign-off missing',
    ],
    [
      'ABORTED: the error wins over a window reason',
      {
        outcome: 'ABORTED',
        windowReason: 'approved by cab-chair; waiting',
        error: { Error: 'OperatorAbort', Cause: 'operator abort by ops-alice' },
      },
      'aborted before any change: OperatorAbort: operator abort by ops-alice',
    ],
    [
      'ABORTED: input rejected (Lambda JSON Cause unwrapped)',
      { outcome: 'ABORTED', error: { Error: 'InputValidationError', Cause: lambdaCause('InputValidationError', 'changeId: is required') } },
      'aborted before any change: InputValidationError: changeId: is required',
    ],
    ['ABORTED with nothing known', { outcome: 'ABORTED' }, 'aborted before any change: unknown reason'],
  ])('%s', (_, facts, sentence) => {
    expect(explainOutcome(facts)).toBe(sentence);
  });

  it.each([
    ['JSON without errorMessage', '{"errorType":"Error"}'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['text that is not JSON', 'Task timed out after 60.00 seconds'],
  ])('shows a Cause that is %s as it is', (_, cause) => {
    expect(explainOutcome({ outcome: 'ROLLBACK_FAILED', error: { Error: 'Lambda.Unknown', Cause: cause } })).toBe(
      `ROLLBACK FAILED, put back by hand: every number of the plan (their flows could not be read); last error: Lambda.Unknown: ${cause}`,
    );
  });
});

describe('explainOutcome: stranded numbers in a large wave', () => {
  const stranded = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ phoneNumber: `+1800777${String(i).padStart(4, '0')}`, restoreTo: 'flow-legacy' }));
  const listed = (count: number) =>
    stranded(count)
      .map((n) => `${n.phoneNumber} → flow-legacy`)
      .join(', ');

  it.each<[string, number, string]>([
    ['names every number up to the cap', MAX_STRANDED_LISTED, listed(MAX_STRANDED_LISTED)],
    [
      'names the first 50 and counts the rest beyond it',
      MAX_STRANDED_LISTED + 1,
      `${listed(MAX_STRANDED_LISTED)}, … and 1 more (51 in all; the control table's SNAPSHOT items hold every number's flow)`,
    ],
    [
      'caps a 1,000-number wave',
      1000,
      `${listed(MAX_STRANDED_LISTED)}, … and 950 more (1000 in all; the control table's SNAPSHOT items hold every number's flow)`,
    ],
  ])('%s', (_, count, list) => {
    expect(explainOutcome({ outcome: 'ROLLBACK_FAILED', stranded: stranded(count) })).toBe(
      `ROLLBACK FAILED, put back by hand: ${list}; last error: unknown error`,
    );
  });

  it('stays well inside the 32,768-character Fail Cause for 1,000 stranded numbers', () => {
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionFailedEventDetails.html
    expect(explainOutcome({ outcome: 'ROLLBACK_FAILED', stranded: stranded(1000) }).length).toBeLessThan(8_000);
  });
});

describe('explainOutcome with test cases', () => {
  it('ABORTED by a failed UAT test case says which line failed', () => {
    expect(explainOutcome({ outcome: 'ABORTED', testCaseFailure: 'UAT test case of service line Billing failed' })).toBe(
      'not ready: UAT test case of service line Billing failed',
    );
  });

  it('ROLLED_BACK by a failed routing proof says so rather than "verification failed"', () => {
    expect(explainOutcome({ outcome: 'ROLLED_BACK', testCaseFailure: 'routing proof of service line all failed' })).toBe(
      'rolled back: routing proof of service line all failed',
    );
  });
});
