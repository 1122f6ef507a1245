import { useClock } from '../../../lambda/shared/clock';
import { CONNECT_RATES, Pacer } from '../../../lambda/shared/pacing';

/**
 * A simulated clock: `sleep(ms)` resolves at once and moves the clock to the sleeper's wake-up time (never
 * backwards), so sequential sleeps add up and concurrent ones overlap, as on a real clock.
 */
let t = 0;
let wakeUps: number[] = [];

beforeEach(() => {
  t = 0;
  wakeUps = [];
  useClock(
    () => new Date(t),
    async (ms) => {
      const wake = t + ms;
      wakeUps.push(wake);
      t = Math.max(t, wake);
    },
  );
});
afterEach(() =>
  useClock(
    () => new Date(),
    (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ),
);

describe('Pacer', () => {
  it('lets a burst of 5 AssociatePhoneNumberContactFlow calls through, then 2 per second: 10 calls take ≥ 2.5 s', async () => {
    const pacer = new Pacer(CONNECT_RATES);
    const goTimes: number[] = [];

    for (let i = 0; i < 10; i++) {
      await pacer.acquire('AssociatePhoneNumberContactFlow');
      goTimes.push(t);
    }

    expect(goTimes).toEqual([0, 0, 0, 0, 0, 500, 1000, 1500, 2000, 2500]);
    expect(t).toBeGreaterThanOrEqual(2500);
  });

  it('queues concurrent acquirers in order, each 500 ms after the one before', async () => {
    const pacer = new Pacer(CONNECT_RATES);

    await Promise.all(Array.from({ length: 10 }, () => pacer.acquire('AssociatePhoneNumberContactFlow')));

    expect(wakeUps).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(t).toBe(2500);
  });

  it('refills the bucket while idle, up to the burst', async () => {
    const pacer = new Pacer(CONNECT_RATES);
    for (let i = 0; i < 5; i++) await pacer.acquire('DescribePhoneNumber');
    t = 60_000; // a minute later: full again, but never more than the burst

    for (let i = 0; i < 5; i++) await pacer.acquire('DescribePhoneNumber');
    expect(wakeUps).toEqual([]);
    await pacer.acquire('DescribePhoneNumber');
    expect(wakeUps).toEqual([60_500]);
  });

  it('keeps a bucket per API: Disassociate is not slowed by Associate', async () => {
    const pacer = new Pacer(CONNECT_RATES);
    for (let i = 0; i < 5; i++) await pacer.acquire('AssociatePhoneNumberContactFlow');

    await pacer.acquire('DisassociatePhoneNumberContactFlow');

    expect(wakeUps).toEqual([]);
  });

  it('paces GetMetricDataV2 at its own rate (burst 10, then 10/s)', async () => {
    const pacer = new Pacer(CONNECT_RATES);

    for (let i = 0; i < 12; i++) await pacer.acquire('GetMetricDataV2');

    expect(wakeUps).toEqual([100, 200]);
  });

  it('does not pace an API it has no rate for', async () => {
    const pacer = new Pacer(CONNECT_RATES);

    for (let i = 0; i < 100; i++) await pacer.acquire('SearchContacts');
    await pacer.acquire('');

    expect(wakeUps).toEqual([]);
    expect(t).toBe(0);
  });
});
