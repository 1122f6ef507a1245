/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the results in order. Connect allows
 * 2 calls/s (burst 5) per API: a plan of 100 numbers must not fire 100 requests at once, even paced.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
