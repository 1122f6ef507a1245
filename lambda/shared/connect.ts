/**
 * Amazon Connect adapters: the only place the handlers talk to the Connect API. Everything returns plain data
 * for the core to judge.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ContactFlowNotPublishedException,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  DisassociatePhoneNumberContactFlowCommand,
  ListContactFlowsCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
} from '@aws-sdk/client-connect';
import { FLOW_NEVER_PUBLISHED } from '../core/readiness';
import { flowIdOf } from '../core/rollback';
import { connect } from './clients';
import { sleep } from './clock';
import { mapLimit } from './concurrency';

export interface FlowRef {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
}
export interface QueueRef {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
}
export interface NumberRef {
  readonly phoneNumber: string;
  readonly id: string;
  readonly arn: string;
  readonly targetArn?: string;
}

/** `arn:aws:connect:REGION:ACCOUNT:instance/ID` → ID. */
export function instanceIdOf(instanceArn: string): string {
  const id = instanceArn.split('/')[1];
  if (!id) throw new Error(`not an instance ARN: ${instanceArn}`);
  return id;
}

export async function describeInstanceStatus(instanceId: string): Promise<string | undefined> {
  const out = await connect.send(new DescribeInstanceCommand({ InstanceId: instanceId }));
  return out.Instance?.InstanceStatus;
}

export async function listFlows(instanceId: string): Promise<FlowRef[]> {
  const flows: FlowRef[] = [];
  let NextToken: string | undefined;
  do {
    const out = await connect.send(new ListContactFlowsCommand({ InstanceId: instanceId, MaxResults: 1000, NextToken }));
    for (const f of out.ContactFlowSummaryList ?? []) {
      if (f.Id && f.Arn && f.Name) flows.push({ id: f.Id, arn: f.Arn, name: f.Name });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return flows;
}

/**
 * A flow's status and state. A flow that was never published makes DescribeContactFlow fail with
 * ContactFlowNotPublishedException (HTTP 404) instead of answering `SAVED`: that is a readiness fact
 * ({@link FLOW_NEVER_PUBLISHED}, state unknown), not a failure of the check.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeContactFlow.html
 */
export async function describeFlow(instanceId: string, flowId: string): Promise<{ status?: string; state?: string; content?: string }> {
  try {
    const out = await connect.send(new DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: flowId }));
    // Content: the flow-language JSON, which DeployCheck reads for the recording check (lambda/core/recording.ts).
    return { status: out.ContactFlow?.Status, state: out.ContactFlow?.State, content: out.ContactFlow?.Content };
  } catch (err) {
    if (err instanceof ContactFlowNotPublishedException || (err as { name?: string })?.name === 'ContactFlowNotPublishedException') {
      return { status: FLOW_NEVER_PUBLISHED };
    }
    throw err;
  }
}

export async function listQueues(instanceId: string): Promise<QueueRef[]> {
  const queues: QueueRef[] = [];
  let NextToken: string | undefined;
  do {
    const out = await connect.send(
      new ListQueuesCommand({ InstanceId: instanceId, QueueTypes: ['STANDARD'], MaxResults: 1000, NextToken }),
    );
    for (const q of out.QueueSummaryList ?? []) {
      if (q.Id && q.Arn && q.Name) queues.push({ id: q.Id, arn: q.Arn, name: q.Name });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return queues;
}

/** Every number claimed to the instance. */
export async function listNumbers(instanceArn: string): Promise<NumberRef[]> {
  const numbers: NumberRef[] = [];
  let NextToken: string | undefined;
  do {
    const out = await connect.send(new ListPhoneNumbersV2Command({ TargetArn: instanceArn, MaxResults: 1000, NextToken }));
    for (const n of out.ListPhoneNumbersSummaryList ?? []) {
      if (n.PhoneNumber && n.PhoneNumberId && n.PhoneNumberArn) {
        numbers.push({ phoneNumber: n.PhoneNumber, id: n.PhoneNumberId, arn: n.PhoneNumberArn, targetArn: n.TargetArn });
      }
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return numbers;
}

export async function describeNumberStatus(phoneNumberId: string): Promise<{ status?: string; message?: string; targetArn?: string }> {
  const out = await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberId }));
  const s = out.ClaimedPhoneNumberSummary;
  return { status: s?.PhoneNumberStatus?.Status, message: s?.PhoneNumberStatus?.Message, targetArn: s?.TargetArn };
}

/** Resolves a flow reference (ARN, id or name) against the instance's flows. */
export function findFlow(flows: readonly FlowRef[], ref: string): FlowRef | undefined {
  return flows.find((f) => f.arn === ref || f.id === ref) ?? flows.find((f) => f.name === ref);
}

/** Resolves a queue reference (ARN, id or name) against the instance's queues. */
export function findQueue(queues: readonly QueueRef[], ref: string): QueueRef | undefined {
  return queues.find((q) => q.arn === ref || q.id === ref) ?? queues.find((q) => q.name === ref);
}

/** Resolves a number reference (E.164 or ARN). */
export function findNumber(numbers: readonly NumberRef[], ref: string): NumberRef | undefined {
  return numbers.find((n) => n.phoneNumber === ref || n.arn === ref);
}

const BATCH = 100; // BatchGetFlowAssociation takes at most 100 resource ids.

/** Current flow of each number (by phone number id; null = no flow), read in batches of 100. */
export async function readAssociations(
  instanceId: string,
  numbers: ReadonlyArray<{ phoneNumberId: string; phoneNumberArn: string }>,
): Promise<Record<string, string | null>> {
  const result: Record<string, string | null> = {};
  for (let i = 0; i < numbers.length; i += BATCH) {
    const chunk = numbers.slice(i, i + BATCH);
    const out = await connect.send(
      new BatchGetFlowAssociationCommand({
        InstanceId: instanceId,
        ResourceIds: chunk.map((n) => n.phoneNumberArn),
        ResourceType: 'VOICE_PHONE_NUMBER',
      }),
    );
    for (const n of chunk) result[n.phoneNumberId] = null;
    for (const a of out.FlowAssociationSummaryList ?? []) {
      const match = chunk.find((n) => n.phoneNumberArn === a.ResourceId || n.phoneNumberId === a.ResourceId);
      if (match) result[match.phoneNumberId] = a.FlowId ? flowIdOf(a.FlowId) : null;
    }
  }
  return result;
}

export interface AssociationResult {
  readonly phoneNumberId: string;
  readonly phoneNumber: string;
  /** null = disassociate (the number had no flow before cutover). */
  readonly flowId: string | null;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * Associates numbers with flows (or disassociates, for a null flow), at most `concurrency` calls in flight (Connect allows 2 requests/s, burst 5;
 * the SDK's standard retry absorbs the occasional throttle). Never throws: each result says ok or why not, so a
 * partial failure is visible and a retry converges.
 */
export async function associateAll(
  instanceId: string,
  moves: ReadonlyArray<{ phoneNumberId: string; phoneNumber: string; flowId: string | null }>,
  concurrency: number,
): Promise<AssociationResult[]> {
  return mapLimit(moves, concurrency, async (m): Promise<AssociationResult> => {
    for (let attempt = 1; ; attempt++) {
      try {
        if (m.flowId === null) {
          await connect.send(new DisassociatePhoneNumberContactFlowCommand({ InstanceId: instanceId, PhoneNumberId: m.phoneNumberId }));
        } else {
          await connect.send(
            new AssociatePhoneNumberContactFlowCommand({ InstanceId: instanceId, PhoneNumberId: m.phoneNumberId, ContactFlowId: m.flowId }),
          );
        }
        return { ...m, ok: true };
      } catch (error) {
        // The quota is per account and Region, shared with every other caller: our own pacing cannot prevent a
        // throttle, and the SDK's retries (100 ms, 200 ms) end before a token comes back. Back off longer.
        if (THROTTLING.has((error as Error).name) && attempt < THROTTLE_ATTEMPTS) {
          await sleep(Math.min(THROTTLE_MAX_BACKOFF_MS, THROTTLE_BASE_BACKOFF_MS * 2 ** (attempt - 1)));
          continue;
        }
        return { ...m, ok: false, error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    }
  });
}

/**
 * Throttled association calls are tried again after 1, 2, 4, 8 and 8 s (about 23 s of waiting at most, within a
 * batch's budget), each after the SDK's own retries.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html (per-account quotas)
 */
const THROTTLING: ReadonlySet<string> = new Set(['ThrottlingException', 'TooManyRequestsException']);
const THROTTLE_ATTEMPTS = 6;
const THROTTLE_BASE_BACKOFF_MS = 1000;
const THROTTLE_MAX_BACKOFF_MS = 8000;
