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
  DescribeQueueCommand,
  DisassociatePhoneNumberContactFlowCommand,
  GetCurrentUserDataCommand,
  GetEffectiveHoursOfOperationsCommand,
  ListAgentStatusesCommand,
  ListContactFlowsCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
} from '@aws-sdk/client-connect';
import { AgentFacts, AgentStatusType } from '../core/agents';
import { EffectiveHours } from '../core/hours';
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

/**
 * The agents whose routing profiles serve any of `queueIds` (at most 100: GetCurrentUserData's Queues filter limit),
 * 100 per page (its MaxResults maximum), with their status and free voice slots. The status's type is not in the
 * answer: `statusTypes` (from {@link listAgentStatusTypes}) gives it by status ARN.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetCurrentUserData.html
 */
export async function readAgents(
  instanceId: string,
  queueIds: readonly string[],
  statusTypes: ReadonlyMap<string, AgentStatusType>,
): Promise<AgentFacts[]> {
  const agents: AgentFacts[] = [];
  let NextToken: string | undefined;
  do {
    const out = await connect.send(
      new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: { Queues: [...queueIds] }, MaxResults: 100, NextToken }),
    );
    for (const u of out.UserDataList ?? []) {
      if (!u.User?.Id) continue;
      const arn = u.Status?.StatusArn;
      agents.push({
        userId: u.User.Id,
        ...(u.Status?.StatusName !== undefined ? { statusName: u.Status.StatusName } : {}),
        statusType: (arn !== undefined ? statusTypes.get(arn) : undefined) ?? 'UNKNOWN',
        freeVoiceSlots: u.AvailableSlotsByChannel?.VOICE ?? null,
      });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return agents;
}

/**
 * Agent status ARN → its type (`ROUTABLE`, `CUSTOM`, `OFFLINE`), for every status of the instance.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_ListAgentStatuses.html
 */
export async function listAgentStatusTypes(instanceId: string): Promise<Map<string, AgentStatusType>> {
  const types = new Map<string, AgentStatusType>();
  let NextToken: string | undefined;
  do {
    const out = await connect.send(new ListAgentStatusesCommand({ InstanceId: instanceId, MaxResults: 100, NextToken }));
    for (const s of out.AgentStatusSummaryList ?? []) {
      if (s.Arn && (s.Type === 'ROUTABLE' || s.Type === 'CUSTOM' || s.Type === 'OFFLINE')) types.set(s.Arn, s.Type);
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return types;
}

/** What DeployCheck reads of a queue: its hours of operation and its outbound caller ID number. */
export async function describeQueueSettings(
  instanceId: string,
  queueId: string,
): Promise<{ hoursOfOperationId: string | null; outboundCallerIdNumberId: string | null }> {
  const out = await connect.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: queueId }));
  return {
    hoursOfOperationId: out.Queue?.HoursOfOperationId ?? null,
    outboundCallerIdNumberId: out.Queue?.OutboundCallerConfig?.OutboundCallerIdNumberId ?? null,
  };
}

/**
 * Effective hours (overrides applied) between two local dates (`YYYY-MM-DD`, inclusive).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetEffectiveHoursOfOperations.html
 */
export async function readEffectiveHours(
  instanceId: string,
  hoursOfOperationId: string,
  fromDate: string,
  toDate: string,
): Promise<EffectiveHours> {
  const out = await connect.send(
    new GetEffectiveHoursOfOperationsCommand({
      InstanceId: instanceId,
      HoursOfOperationId: hoursOfOperationId,
      FromDate: fromDate,
      ToDate: toDate,
    }),
  );
  return {
    // No time zone in the answer: no guess is safe, so the core's time zone lookup fails the check (empty name).
    timeZone: out.TimeZone ?? '',
    days: (out.EffectiveHoursOfOperationList ?? []).flatMap((d) =>
      d.Date
        ? [
            {
              date: d.Date,
              spans: (d.OperationalHours ?? []).map((h) => ({
                start: { hours: h.Start?.Hours ?? 0, minutes: h.Start?.Minutes ?? 0 },
                end: { hours: h.End?.Hours ?? 0, minutes: h.End?.Minutes ?? 0 },
              })),
            },
          ]
        : [],
    ),
  };
}
