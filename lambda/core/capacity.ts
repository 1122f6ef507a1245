/**
 * Capacity: the wave's expected peak of concurrent calls against the instance's "Concurrent active calls per
 * instance" quota. Calls over the quota get a fast busy (CloudWatch counts them as CallsBreachingConcurrencyQuota),
 * the default quota is 10, and an increase can take weeks: a cutover that cannot fit is refused before it starts.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
import { READINESS_CHECKS } from './readiness';
import { ReadinessItem } from './types';

/**
 * The Service Quotas codes of Amazon Connect's "Concurrent active calls per instance" quota (service code `connect`,
 * quota code `L-12AB7C57`, as the admin guide's quota table links it to the Service Quotas console). It is a
 * per-instance quota: GetServiceQuota is asked with the instance ARN as `ContextId`.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 * @see https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
 */
export const CONCURRENT_CALLS_QUOTA = { serviceCode: 'connect', quotaCode: 'L-12AB7C57' } as const;

/** Where the quota figure came from. */
export type QuotaSource = 'service-quotas' | 'construct';

export interface CapacityFacts {
  /** The quota; null when it could not be read. */
  readonly quota: number | null;
  readonly source: QuotaSource;
  /** Why the quota could not be read (an API error), when `quota` is null. */
  readonly quotaError?: string;
  /** Service line → expected peak concurrent calls (execution input); absent = not given. */
  readonly expectedPeaks?: Readonly<Record<string, number>>;
  /** The service lines of this wave: only their peaks are summed. */
  readonly lines: readonly string[];
}

/**
 * The `capacity` item: the sum of the wave's lines' expected peaks must not exceed the quota. Without expected peaks
 * in the input there is nothing to compare, and the item says so; a quota that could not be read fails.
 */
export function assessCapacity(facts: CapacityFacts): ReadinessItem {
  const item = (ok: boolean, detail: string): ReadinessItem => ({ check: READINESS_CHECKS.capacity, subject: 'instance', ok, detail });
  const source = describeSource(facts.source);
  if (facts.expectedPeaks === undefined) {
    return item(true, 'not checked: the execution input gives no expectedPeakConcurrentCalls');
  }
  const inWave = facts.lines.filter((line) => facts.expectedPeaks![line] !== undefined);
  const peak = inWave.reduce((sum, line) => sum + facts.expectedPeaks![line], 0);
  const perLine = inWave.map((line) => `${line} ${facts.expectedPeaks![line]}`).join(', ');
  const expected = `expected peak ${peak} concurrent call(s)${perLine ? ` (${perLine})` : ''}`;
  if (facts.quota === null) {
    return item(false, `${expected}; quota unknown (${facts.quotaError ?? 'not read'}, ${source}): no data is not success`);
  }
  if (peak > facts.quota) {
    return item(false, `${expected} exceeds the concurrent active calls quota of ${facts.quota} (${source})`);
  }
  return item(true, `${expected} fits the concurrent active calls quota of ${facts.quota} (${source})`);
}

function describeSource(source: QuotaSource): string {
  return source === 'construct'
    ? 'from the construct prop concurrentCallsQuota'
    : `from Service Quotas ${CONCURRENT_CALLS_QUOTA.serviceCode}/${CONCURRENT_CALLS_QUOTA.quotaCode}`;
}
