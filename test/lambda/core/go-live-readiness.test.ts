/**
 * The pure decisions of DeployCheck's go-live readiness: agents, capacity, outbound caller ID, hours of operation.
 * No mocks: facts in, items out.
 */
import { assessAgents, countAgents, type AgentFacts } from '../../../lambda/core/agents';
import { assessCallerIds } from '../../../lambda/core/caller-id';
import { assessCapacity } from '../../../lambda/core/capacity';
import { assessHours, closedSpans, hoursRequestDates, localToUtc, openIntervals, type EffectiveHours } from '../../../lambda/core/hours';

const a = (userId: string, statusType: AgentFacts['statusType'], freeVoiceSlots: number | null, statusName?: string): AgentFacts => ({
  userId,
  statusType,
  freeVoiceSlots,
  ...(statusName ? { statusName } : {}),
});

describe('agents', () => {
  test.each([
    ['routable with a free voice slot is ready', [a('1', 'ROUTABLE', 1)], { total: 1, ready: 1 }],
    ['routable on a call is not', [a('1', 'ROUTABLE', 0)], { total: 1, ready: 0 }],
    ['routable with no slot data is not', [a('1', 'ROUTABLE', null)], { total: 1, ready: 0 }],
    ['a custom status is not', [a('1', 'CUSTOM', 1, 'Lunch')], { total: 1, ready: 0 }],
    ['an unlisted status is not', [a('1', 'UNKNOWN', 1, 'Available')], { total: 1, ready: 0 }],
    ['offline is not', [a('1', 'OFFLINE', 0)], { total: 1, ready: 0 }],
    ['an agent on two queues counts once', [a('1', 'ROUTABLE', 1), a('1', 'ROUTABLE', 1)], { total: 1, ready: 1 }],
  ])('%s', (_name, agents, expected) => {
    expect(countAgents(agents)).toMatchObject(expected);
  });

  test('one item per line, reasons in aggregate, no data fails, minimum 0 passes', () => {
    const items = assessAgents(
      [
        {
          serviceLine: 'Sales',
          agents: [a('1', 'ROUTABLE', 1), a('2', 'CUSTOM', 1, 'Break'), a('3', 'CUSTOM', 0, 'Break'), a('4', 'OFFLINE', 0)],
        },
        { serviceLine: 'Support', agents: [a('5', 'ROUTABLE', 1), a('6', 'ROUTABLE', 1)] },
        { serviceLine: 'Billing', agents: null, error: 'GetCurrentUserData: ThrottlingException' },
        { serviceLine: 'Empty', agents: [] },
      ],
      2,
    );
    expect(items).toEqual([
      {
        check: 'agents-ready',
        subject: 'Sales',
        ok: false,
        detail: '1 of 4 agent(s) ready, needs at least 2; not ready: 1 offline, 2 in status "Break"',
      },
      { check: 'agents-ready', subject: 'Support', ok: true, detail: '2 of 2 agent(s) ready, needs at least 2' },
      {
        check: 'agents-ready',
        subject: 'Billing',
        ok: false,
        detail: 'no agent data (GetCurrentUserData: ThrottlingException): no data is not success',
      },
      { check: 'agents-ready', subject: 'Empty', ok: false, detail: '0 of 0 agent(s) ready, needs at least 2' },
    ]);
    expect(assessAgents([{ serviceLine: 'Sales', agents: null }], 0)[0].ok).toBe(true);
  });
});

describe('capacity', () => {
  test.each([
    [
      { quota: 10, expectedPeaks: { A: 4, B: 6 } },
      true,
      'expected peak 10 concurrent call(s) (A 4, B 6) fits the concurrent active calls quota of 10',
    ],
    [
      { quota: 10, expectedPeaks: { A: 4, B: 7 } },
      false,
      'expected peak 11 concurrent call(s) (A 4, B 7) exceeds the concurrent active calls quota of 10',
    ],
    // A line of the plan that is not in this wave does not count.
    [{ quota: 10, expectedPeaks: { A: 4, C: 70 } }, true, 'expected peak 4 concurrent call(s) (A 4) fits'],
    [
      { quota: null, quotaError: 'GetServiceQuota: AccessDeniedException', expectedPeaks: { A: 1 } },
      false,
      'quota unknown (GetServiceQuota: AccessDeniedException',
    ],
    [{ quota: null, expectedPeaks: undefined }, true, 'not checked: the execution input gives no expectedPeakConcurrentCalls'],
  ])('%j → ok %s', (facts, ok, detail) => {
    const item = assessCapacity({ source: 'service-quotas', lines: ['A', 'B'], ...facts });
    expect(item.ok).toBe(ok);
    expect(item.detail).toContain(detail);
  });

  test('names the source of the figure', () => {
    expect(assessCapacity({ quota: 5, source: 'construct', expectedPeaks: { A: 1 }, lines: ['A'] }).detail).toContain(
      'from the construct prop concurrentCallsQuota',
    );
    expect(assessCapacity({ quota: 5, source: 'service-quotas', expectedPeaks: { A: 1 }, lines: ['A'] }).detail).toContain(
      'from Service Quotas connect/L-12AB7C57',
    );
  });
});

describe('caller ID', () => {
  const number = { phoneNumber: '+18005550100', arn: 'arn:aws:connect:us-east-1:123456789012:phone-number/pn-0' };
  test.each([
    ['a plan number by E.164', { numberId: 'pn-0', number }, ['+18005550100'], [], true, '+18005550100 (a number this plan moves)'],
    ['a plan number by ARN', { numberId: 'pn-0', number }, [number.arn], [], true, '(a number this plan moves)'],
    ['an expected number by id', { numberId: 'pn-9' }, ['+18005550100'], ['pn-9'], true, 'number id pn-9 (an expected caller ID number)'],
    ['an expected number by E.164', { numberId: 'pn-0', number }, [], ['+18005550100'], true, '(an expected caller ID number)'],
    ['another number', { numberId: 'pn-0', number }, ['+18005550101'], [], false, 'is neither a number this plan moves'],
    ['unset', { numberId: null }, ['+18005550100'], [], false, 'no outbound caller ID number set'],
    ['unread', { numberId: null, error: 'DescribeQueue: ThrottlingException' }, [], [], false, 'could not read the queue'],
  ])('%s', (_name, facts, plan, expected, ok, detail) => {
    const [item] = assessCallerIds([{ queue: 'Support', ...facts }], plan, expected);
    expect(item).toMatchObject({ check: 'caller-id', subject: 'Support', ok });
    expect(item.detail).toContain(detail);
  });
});

describe('hours of operation', () => {
  const weekdays = (timeZone: string, start = { hours: 8, minutes: 0 }, end = { hours: 18, minutes: 0 }): EffectiveHours => ({
    timeZone,
    days: ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'].map((date) => ({
      date,
      // Fri 6, Sat 7, Sun 8, Mon 9 March 2026.
      spans: date === '2026-03-07' || date === '2026-03-08' ? [] : [{ start, end }],
    })),
  });
  const at = (iso: string) => Date.parse(iso);

  test('local wall-clock times become UTC instants in the time zone, DST included', () => {
    expect(new Date(localToUtc('2026-03-06', { hours: 8, minutes: 0 }, 'America/New_York')).toISOString()).toBe('2026-03-06T13:00:00.000Z');
    // US daylight saving time starts on 8 March 2026: New York is UTC-4 on the 9th.
    expect(new Date(localToUtc('2026-03-09', { hours: 8, minutes: 0 }, 'America/New_York')).toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(new Date(localToUtc('2026-03-09', { hours: 8, minutes: 0 }, 'Asia/Kolkata')).toISOString()).toBe('2026-03-09T02:30:00.000Z');
  });

  test.each([
    ['open through the window', '2026-03-06T14:00:00Z', '2026-03-06T15:00:00Z', []],
    [
      'closes inside the window',
      '2026-03-06T22:30:00Z',
      '2026-03-06T23:30:00Z',
      [['2026-03-06T23:00:00.000Z', '2026-03-06T23:30:00.000Z']],
    ],
    ['closed all weekend', '2026-03-07T15:00:00Z', '2026-03-07T16:00:00Z', [['2026-03-07T15:00:00.000Z', '2026-03-07T16:00:00.000Z']]],
    ['opens inside the window', '2026-03-09T11:30:00Z', '2026-03-09T12:30:00Z', [['2026-03-09T11:30:00.000Z', '2026-03-09T12:00:00.000Z']]],
  ])('%s', (_name, from, to, closed) => {
    const spans = closedSpans(weekdays('America/New_York'), at(from), at(to)).map(([x, y]) => [
      new Date(x).toISOString(),
      new Date(y).toISOString(),
    ]);
    expect(spans).toEqual(closed);
  });

  test('a span ending at or before its start runs past midnight; 00:00–00:00 is a whole day; 23:59 runs to midnight', () => {
    const overnight: EffectiveHours = {
      timeZone: 'UTC',
      days: [{ date: '2026-03-06', spans: [{ start: { hours: 22, minutes: 0 }, end: { hours: 6, minutes: 0 } }] }],
    };
    expect(openIntervals(overnight)).toEqual([[at('2026-03-06T22:00:00Z'), at('2026-03-07T06:00:00Z')]]);
    const allDay = (end: { hours: number; minutes: number }): EffectiveHours => ({
      timeZone: 'UTC',
      days: ['2026-03-06', '2026-03-07'].map((date) => ({ date, spans: [{ start: { hours: 0, minutes: 0 }, end }] })),
    });
    expect(closedSpans(allDay({ hours: 0, minutes: 0 }), at('2026-03-06T23:00:00Z'), at('2026-03-07T01:00:00Z'))).toEqual([]);
    expect(closedSpans(allDay({ hours: 23, minutes: 59 }), at('2026-03-06T23:00:00Z'), at('2026-03-07T01:00:00Z'))).toEqual([]);
  });

  test('asks for a day more on each side of the window (time zones reach ±14 h)', () => {
    expect(hoursRequestDates(at('2026-03-06T23:00:00Z'), at('2026-03-07T00:30:00Z'))).toEqual({
      fromDate: '2026-03-05',
      toDate: '2026-03-08',
    });
  });

  test('items: open passes; closed fails naming the span and the hours; an intended closure passes; no data and bad zones fail', () => {
    const window = { fromMs: at('2026-03-07T15:00:00Z'), toMs: at('2026-03-07T15:30:00Z') };
    const items = assessHours(
      [
        { queue: 'Support', ref: 'Support', hours: weekdays('America/New_York') },
        { queue: 'Sales', ref: 'arn:sales', hours: weekdays('America/New_York') },
        { queue: 'Billing', ref: 'Billing', hours: null, error: 'GetEffectiveHoursOfOperations: ThrottlingException' },
        { queue: 'Mars', ref: 'Mars', hours: { timeZone: '', days: [] } },
        {
          queue: 'Always',
          ref: 'Always',
          hours: {
            timeZone: 'UTC',
            days: [{ date: '2026-03-07', spans: [{ start: { hours: 0, minutes: 0 }, end: { hours: 0, minutes: 0 } }] }],
          },
        },
      ],
      window,
      ['arn:sales'],
    );
    expect(items.map((i) => [i.subject, i.ok])).toEqual([
      ['Support', false],
      ['Sales', true],
      ['Billing', false],
      ['Mars', false],
      ['Always', true],
    ]);
    expect(items[0].detail).toBe(
      'closed 2026-03-07 15:00Z–2026-03-07 15:30Z of 2026-03-07 15:00Z–2026-03-07 15:30Z; hours: America/New_York 2026-03-07 closed',
    );
    expect(items[1].detail).toContain('intended (closedQueuesAllowed)');
    expect(items[2].detail).toBe('no hours of operation data (GetEffectiveHoursOfOperations: ThrottlingException): no data is not success');
    expect(items[3].detail).toMatch(/^hours in an unknown time zone ""/);
    expect(items[4].detail).toBe('open through 2026-03-07 15:00Z–2026-03-07 15:30Z');
  });
});
