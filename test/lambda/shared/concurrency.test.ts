import { mapLimit } from '../../../lambda/shared/concurrency';

describe('mapLimit', () => {
  test.each([[1], [2], [5]])('keeps at most %i calls in flight and the results in order', async (limit) => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit(
      Array.from({ length: 12 }, (_, i) => i),
      limit,
      async (n) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return n * 10;
      },
    );
    expect(most).toBe(limit);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
  });

  test('an empty list makes no call', async () => {
    const fn = jest.fn();
    await expect(mapLimit([], 2, fn)).resolves.toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });
});
