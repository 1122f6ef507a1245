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
  // The quota table gives these no rate of their own here: the account's default Connect rate (2/s, burst 5), the
  // stricter reading.
  ListAgentStatuses: PHONE_NUMBER_AND_FLOW_APIS,
  GetEffectiveHoursOfOperations: PHONE_NUMBER_AND_FLOW_APIS,
  GetCurrentUserData: PHONE_NUMBER_AND_FLOW_APIS,
  GetCurrentMetricData: { ratePerSecond: 5, burst: 5 },
  GetMetricDataV2: { ratePerSecond: 10, burst: 10 },
};

interface Bucket {
  tokens: number;
  lastMs: number;
}

/**
 * Amazon Connect's API quotas are per account and per Region, shared by every caller of the API in that account
 * (other tools, other teams' scripts, the admin website's own calls), so a go-live never has a whole bucket to
 * itself. Other callers take `otherCallers[api]` tokens per second of the simulated clock from the same bucket: in
 * steady state the bucket refills for us at `ratePerSecond − otherCallers[api]`, up to the same burst.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Readonly<Partial<Record<string, RateLimit>>>,
    private readonly otherCallers: Readonly<Partial<Record<string, number>>> = {},
  ) {
    for (const [api, rate] of Object.entries(otherCallers)) {
      const limit = limits[api];
      if (rate === undefined || rate === 0 || !limit) continue;
      if (!(rate >= 0) || rate > limit.ratePerSecond) {
        throw new Error(`other callers' rate for ${api} must be between 0 and ${limit.ratePerSecond} requests/s, got ${rate}`);
      }
    }
  }

  /** Requests per second of `api`'s quota left to us once other callers have taken theirs. */
  ourRatePerSecond(api: string): number | undefined {
    const limit = this.limits[api];
    return limit ? limit.ratePerSecond - (this.otherCallers[api] ?? 0) : undefined;
  }

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
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * this.ourRatePerSecond(api)!);
    bucket.lastMs = Math.max(bucket.lastMs, nowMs);
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
