/**
 * Per-API token buckets on the simulated clock, shaped like Amazon Connect's default API quotas: a burst, then a
 * steady rate. A call beyond them gets the HTTP 429 ThrottlingException the real service answers.
 */
import type { SimulatedApi } from '../scenario';

export interface RateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

const PHONE_NUMBER_AND_FLOW_APIS: RateLimit = { ratePerSecond: 2, burst: 5 };

/**
 * The defaults. The phone-number, flow, queue and instance APIs share Connect's common default (2 requests/s,
 * burst 5); the metric APIs have their own, higher quotas.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
export const DEFAULT_RATE_LIMITS: Readonly<Partial<Record<SimulatedApi, RateLimit>>> = {
  AssociatePhoneNumberContactFlow: PHONE_NUMBER_AND_FLOW_APIS,
  DisassociatePhoneNumberContactFlow: PHONE_NUMBER_AND_FLOW_APIS,
  DescribePhoneNumber: PHONE_NUMBER_AND_FLOW_APIS,
  ListPhoneNumbersV2: PHONE_NUMBER_AND_FLOW_APIS,
  BatchGetFlowAssociation: PHONE_NUMBER_AND_FLOW_APIS,
  ListFlowAssociations: PHONE_NUMBER_AND_FLOW_APIS,
  DescribeContactFlow: PHONE_NUMBER_AND_FLOW_APIS,
  ListContactFlows: PHONE_NUMBER_AND_FLOW_APIS,
  DescribeInstance: PHONE_NUMBER_AND_FLOW_APIS,
  ListQueues: PHONE_NUMBER_AND_FLOW_APIS,
  DescribeQueue: PHONE_NUMBER_AND_FLOW_APIS,
  GetCurrentMetricData: { ratePerSecond: 5, burst: 5 },
  GetMetricDataV2: { ratePerSecond: 10, burst: 10 },
};

interface Bucket {
  tokens: number;
  lastMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: Readonly<Partial<Record<string, RateLimit>>>) {}

  /** Takes a token for `api` at `nowMs`; false when the bucket is empty (the call is throttled). */
  tryAcquire(api: string, nowMs: number): boolean {
    const limit = this.limits[api];
    if (!limit) {
      return true;
    }
    let bucket = this.buckets.get(api);
    if (!bucket) {
      bucket = { tokens: limit.burst, lastMs: nowMs };
      this.buckets.set(api, bucket);
    }
    // A clock set backwards refills nothing rather than draining the bucket.
    const elapsedSeconds = Math.max(0, nowMs - bucket.lastMs) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.ratePerSecond);
    bucket.lastMs = Math.max(bucket.lastMs, nowMs);
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
