/** The simulator's pure parts, without HTTP: clock, token buckets, the timeline's metric model. */
import { SimulatedClock } from '../../../lib/rehearsal/simulator/clock';
import { MetricTimeline } from '../../../lib/rehearsal/simulator/metrics';
import { RateLimiter } from '../../../lib/rehearsal/simulator/rate-limit';
import { ContactCenterState } from '../../../lib/rehearsal/simulator/state';
import { flowIdFor, phoneNumberIdFor, stableId } from '../../../lib/rehearsal/simulator/ids';
import { T0, baseScenario } from './fixtures';

const MIN = 60_000;

describe('SimulatedClock', () => {
  test('advances, jumps and measures minutes since the cutover', () => {
    const clock = new SimulatedClock(T0);
    expect(clock.minutesSinceCutover()).toBeNull();

    clock.markCutover();
    clock.advance(90);

    expect(clock.now().toISOString()).toBe('2026-03-02T09:01:30.000Z');
    expect(clock.minutesSinceCutover()).toBe(1.5);
    expect(clock.timeOfMinute(-2)).toBe(T0.getTime() - 2 * MIN);
    clock.set(new Date('2026-03-02T10:00:00Z'));
    expect(clock.minutesSinceCutover()).toBe(60);
  });

  test('throws when advanced backwards', () => {
    expect(() => new SimulatedClock(T0).advance(-1)).toThrow('seconds must be a finite number ≥ 0, got: -1');
  });
});

describe('ids', () => {
  test('are stable UUIDs derived from the name', () => {
    expect(flowIdFor('Main')).toBe(flowIdFor('Main'));
    expect(flowIdFor('Main')).not.toBe(flowIdFor('LegacyBridge'));
    expect(phoneNumberIdFor('+18005550100')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableId('queue', 'Main')).not.toBe(stableId('contact-flow', 'Main'));
  });
});

describe('RateLimiter', () => {
  test('allows the burst, throttles, then refills at the rate on the simulated clock', () => {
    const limiter = new RateLimiter({ Op: { ratePerSecond: 2, burst: 5 } });
    const t = T0.getTime();

    const burst = Array.from({ length: 6 }, () => limiter.tryAcquire('Op', t));

    expect(burst).toEqual([true, true, true, true, true, false]);
    expect(limiter.tryAcquire('Op', t + 400)).toBe(false);
    expect(limiter.tryAcquire('Op', t + 500)).toBe(true);
    expect(limiter.tryAcquire('Other', t)).toBe(true);
  });
});

describe('MetricTimeline', () => {
  const scenario = baseScenario();
  const state = new ContactCenterState(scenario);

  function timelineAt(minutes: number): { clock: SimulatedClock; metrics: MetricTimeline } {
    const clock = new SimulatedClock(T0);
    clock.markCutover();
    clock.set(new Date(T0.getTime() + minutes * MIN));
    return { clock, metrics: new MetricTimeline(scenario.timeline, state.queues, clock) };
  }

  test('serves the queue baseline until the cutover is marked', () => {
    const clock = new SimulatedClock(T0);
    const metrics = new MetricTimeline(scenario.timeline, state.queues, clock);
    clock.advance(3600);

    expect(metrics.instant('Support', 'agentsOnline')).toBe(12);
    expect(metrics.instant('Support', 'contactsInQueue')).toBe(0);
    expect(metrics.totals('Support', T0.getTime(), clock.nowMillis()).handled).toBe(0);
  });

  test.each([
    // minute, queue, field, value
    [-1, 'Support', 'contactsInQueue', 0],
    [0, 'Support', 'contactsInQueue', 3],
    [1, 'Support', 'oldestContactAgeSeconds', 0],
    [1, 'Billing', 'oldestContactAgeSeconds', 5],
    [2, 'Support', 'oldestContactAgeSeconds', 24],
    [2, 'Billing', 'oldestContactAgeSeconds', 24],
    [5.9, 'Support', 'agentsAvailable', 8],
    [6, 'Support', 'agentsAvailable', 0],
    [6, 'Billing', 'agentsAvailable', 1],
    [30, 'Support', 'abandonmentRate', 0.35],
  ] as const)('at minute %d %s.%s is %d (rows carry forward)', (minute, queue, field, value) => {
    const { metrics } = timelineAt(minute);

    expect(metrics.instant(queue, field)).toBe(value);
  });

  test('integrates per-minute counts over the window', () => {
    const { clock, metrics } = timelineAt(5);
    const now = clock.nowMillis();

    const t = metrics.totals('Support', now - MIN, now);

    expect(t.handled).toBeCloseTo(40);
    expect(t.abandoned).toBeCloseTo((40 * 0.04) / 0.96);
    expect(t.handleSeconds / t.handled).toBeCloseTo(310);
  });

  test('mixes a spike into the trailing window by contacts', () => {
    const { clock, metrics } = timelineAt(6.25);
    const now = clock.nowMillis();

    const t = metrics.totals('Support', now - MIN, now);

    const abandoned = (30 * 0.04) / 0.96 + (10 * 0.35) / 0.65;
    expect(t.handled).toBeCloseTo(40);
    expect(t.abandoned).toBeCloseTo(abandoned);
    expect(t.abandoned / (t.handled + t.abandoned)).toBeCloseTo(abandoned / (40 + abandoned));
  });

  test('clamps a window to now and ignores time before the first row', () => {
    const { clock, metrics } = timelineAt(0.5);
    const now = clock.nowMillis();

    expect(metrics.totals('Billing', now - 10 * MIN, now + 10 * MIN).handled).toBeCloseTo(5);
  });

  test('sums the instance-wide track and per-queue tracks of instance metrics', () => {
    const { clock, metrics } = timelineAt(10);
    const now = clock.nowMillis();

    expect(metrics.instanceRate('contactFlowErrors', now)).toBe(2);
    expect(metrics.instanceCount('contactFlowErrors', now - 10 * MIN, now)).toBeCloseTo(16);
    expect(metrics.instanceCount('missedCalls', now - 10 * MIN, now)).toBeCloseTo(12);
  });
});
