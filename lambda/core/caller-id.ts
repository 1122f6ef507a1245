/**
 * Outbound caller ID: during the parallel run customers must keep seeing the number they know on outbound calls, so
 * every watched queue's outbound caller ID number (DescribeQueue `OutboundCallerConfig.OutboundCallerIdNumberId`) must
 * be set and be a number the plan moves, or one the construct was told to expect (`expectedCallerIdNumbers`).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_OutboundCallerConfig.html
 */
import { READINESS_CHECKS } from './readiness';
import { ReadinessItem } from './types';

/** A watched queue's outbound caller ID as DeployCheck found it. */
export interface QueueCallerIdFacts {
  /** The queue's name (or its reference when it has none). */
  readonly queue: string;
  /** `OutboundCallerIdNumberId`; null = not set. */
  readonly numberId: string | null;
  /** The claimed number with that id, when it is one of the account's numbers claimed to this instance. */
  readonly number?: { readonly phoneNumber: string; readonly arn: string };
  /** Why the queue could not be described (an API error); then nothing else is known. */
  readonly error?: string;
}

/**
 * One `caller-id` item per watched queue. A number matches when its id, ARN or E.164 address is one of the plan's
 * numbers (E.164 or ARN) or of the expected ones (E.164, ARN or id).
 */
export function assessCallerIds(
  queues: readonly QueueCallerIdFacts[],
  planNumbers: readonly string[],
  expectedNumbers: readonly string[] = [],
): ReadinessItem[] {
  const plan = new Set(planNumbers);
  const expected = new Set(expectedNumbers);
  return queues.map((q) => {
    const item = (ok: boolean, detail: string): ReadinessItem => ({ check: READINESS_CHECKS.callerId, subject: q.queue, ok, detail });
    if (q.error !== undefined) return item(false, `could not read the queue (${q.error}): no data is not success`);
    if (q.numberId === null) return item(false, 'no outbound caller ID number set: customers would see no known number');
    const keys = [q.numberId, q.number?.arn, q.number?.phoneNumber].filter((k): k is string => k !== undefined);
    const shown = q.number?.phoneNumber ?? `number id ${q.numberId}`;
    if (keys.some((k) => plan.has(k))) return item(true, `${shown} (a number this plan moves)`);
    if (keys.some((k) => expected.has(k))) return item(true, `${shown} (an expected caller ID number)`);
    return item(false, `${shown} is neither a number this plan moves nor one of expectedCallerIdNumbers`);
  });
}
