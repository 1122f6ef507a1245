/**
 * Client-side pacing of Amazon Connect calls: a token bucket per API with Connect's default quotas, so a
 * 100-number cutover runs at the allowed rate instead of bursting into ThrottlingException and blind retries.
 * Waits reserve their slot (tokens may go negative), so concurrent callers queue in order.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
import { now, sleep } from './clock';

export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

const PHONE_AND_FLOW: Rate = { perSecond: 2, burst: 5 };

/** Connect's default per-account quotas for the APIs the runbook calls. */
export const CONNECT_RATES: Readonly<Record<string, Rate>> = {
  AssociatePhoneNumberContactFlow: PHONE_AND_FLOW,
  DisassociatePhoneNumberContactFlow: PHONE_AND_FLOW,
  ReleasePhoneNumber: PHONE_AND_FLOW,
  DescribePhoneNumber: PHONE_AND_FLOW,
  ListPhoneNumbersV2: PHONE_AND_FLOW,
  BatchGetFlowAssociation: PHONE_AND_FLOW,
  ListFlowAssociations: PHONE_AND_FLOW,
  DescribeContactFlow: PHONE_AND_FLOW,
  ListContactFlows: PHONE_AND_FLOW,
  DescribeInstance: PHONE_AND_FLOW,
  ListQueues: PHONE_AND_FLOW,
  DescribeQueue: PHONE_AND_FLOW,
  // Not listed with their own rate in the quota table: the account's default Connect API rate (2/s, burst 5).
  ListAgentStatuses: PHONE_AND_FLOW,
  GetEffectiveHoursOfOperations: PHONE_AND_FLOW,
  GetCurrentUserData: PHONE_AND_FLOW,
  GetCurrentMetricData: { perSecond: 5, burst: 5 },
  GetMetricDataV2: { perSecond: 10, burst: 10 },
};

interface Bucket {
  tokens: number;
  atMs: number;
}

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly rates: Readonly<Record<string, Rate>>) {}

  /** Resolves when a call to `api` may go out. */
  async acquire(api: string): Promise<void> {
    const rate = this.rates[api];
    if (!rate) return;
    const t = now().getTime();
    const bucket = this.buckets.get(api) ?? { tokens: rate.burst, atMs: t };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + (Math.max(0, t - bucket.atMs) / 1000) * rate.perSecond);
    bucket.atMs = Math.max(bucket.atMs, t);
    bucket.tokens -= 1;
    this.buckets.set(api, bucket);
    if (bucket.tokens < 0) await sleep(Math.ceil((-bucket.tokens / rate.perSecond) * 1000));
  }
}
