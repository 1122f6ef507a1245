/**
 * DeployCheck's decision: is this contact center ready to cut over? The handler gathers the facts (Describe*,
 * Search*, GetCurrentMetricData, BatchGetFlowAssociation) into a {@link DeploymentFacts}; this module applies
 * the rules and builds the report, including the rollback snapshot. Every rule yields an item, passing or not,
 * so the report the approver reads is also the evidence of what was checked.
 */
import { PlanEntry, ReadinessItem, ReadinessReport, ReadinessState, ResolvedNumber } from './types';

/**
 * The flow status DeployCheck records for a flow that was never published: DescribeContactFlow answers
 * ContactFlowNotPublishedException (HTTP 404) for it instead of a `SAVED` status.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeContactFlow.html
 */
export const FLOW_NEVER_PUBLISHED = 'NEVER_PUBLISHED';

/** The `check` names of readiness items (stable: the CLI and the status topic show them). */
export const READINESS_CHECKS = {
  instanceActive: 'instance-active',
  planNotEmpty: 'plan-not-empty',
  numberFound: 'number-found',
  numberClaimed: 'number-claimed',
  numberOnInstance: 'number-on-instance',
  flowFound: 'flow-found',
  flowPublished: 'flow-published',
  flowActive: 'flow-active',
  queueFound: 'queue-found',
  queueStaffed: 'queue-staffed',
  uatNumber: 'uat-number',
  /** Per service line: enough agents logged in, routable and with a free voice slot (lambda/core/agents.ts). */
  agentsReady: 'agents-ready',
  /** The wave's expected peak concurrent calls fit the instance's quota (lambda/core/capacity.ts). */
  capacity: 'capacity',
  /** Per watched queue: its outbound caller ID is a plan number or an expected one (lambda/core/caller-id.ts). */
  callerId: 'caller-id',
  /** Per watched queue: open by its hours of operation through the cutover and the observation window (lambda/core/hours.ts). */
  queueOpen: 'queue-open',
  /** The summary of a batched wave: how many numbers passed every number check. */
  numbersReady: 'numbers-ready',
} as const;

/** What DeployCheck found on the instance. Plain data: the handler fills it, the core judges it. */
export interface DeploymentFacts {
  readonly instance: InstanceFacts;
  /** One per selected plan entry, in plan order. */
  readonly numbers: readonly PhoneNumberFacts[];
  /** One per configured queue reference, in config order. */
  readonly queues: readonly QueueFacts[];
  /** The UAT number's facts; absent when the config names no UAT number. */
  readonly uatNumber?: UatNumberFacts;
  /** `RunbookConfig.minAgentsOnline`: agents that must be online on every watched queue. */
  readonly minAgentsOnline: number;
}

export interface InstanceFacts {
  readonly instanceId: string;
  /** DescribeInstance `InstanceStatus` (`ACTIVE`, `CREATION_IN_PROGRESS`, `CREATION_FAILED`); null = not found. */
  readonly status: string | null;
}

export interface PhoneNumberFacts {
  readonly entry: PlanEntry;
  /** The number as found in the account; null when it was not found. */
  readonly number: FoundPhoneNumber | null;
  /** The entry's target flow as found on the instance; null when it was not found. */
  readonly targetFlow: FoundFlow | null;
}

export interface FoundPhoneNumber {
  /** E.164. */
  readonly phoneNumber: string;
  readonly phoneNumberId: string;
  readonly phoneNumberArn: string;
  /** DescribePhoneNumber `PhoneNumberStatus.Status`: `CLAIMED`, `IN_PROGRESS` or `FAILED`. */
  readonly status: string;
  /** `PhoneNumberStatus.Message`, shown when the number is not claimed. */
  readonly statusMessage?: string;
  /** Whether the number's `TargetArn` is this instance. */
  readonly onThisInstance: boolean;
  /** The number's `TargetArn`, shown when it is elsewhere. */
  readonly targetArn?: string;
  /** The flow the number is associated with now (becomes the rollback snapshot); null = no association. */
  readonly currentFlowId: string | null;
}

export interface FoundFlow {
  readonly flowId: string;
  readonly name?: string;
  /**
   * DescribeContactFlow `Status`: `PUBLISHED` or `SAVED`, or {@link FLOW_NEVER_PUBLISHED} when it answered
   * ContactFlowNotPublishedException (a flow with no published version).
   */
  readonly status: string;
  /** DescribeContactFlow `State`: `ACTIVE` or `ARCHIVED`. */
  readonly state: string;
}

export interface QueueFacts {
  /** The queue reference from the config (ARN, id or name). */
  readonly ref: string;
  /** Resolved queue id; null = not found. */
  readonly queueId: string | null;
  readonly name?: string;
  /** GetCurrentMetricData AGENTS_ONLINE; null = no data (not zero: no data is not success). */
  readonly agentsOnline: number | null;
  /** GetCurrentMetricData AGENTS_AVAILABLE; null = no data. */
  readonly agentsAvailable: number | null;
}

export interface UatNumberFacts {
  /** E.164 from the config. */
  readonly phoneNumber: string;
  readonly found: boolean;
  /** `PhoneNumberStatus.Status` when found. */
  readonly status?: string;
  /** Whether it is claimed to this instance, when found. */
  readonly onThisInstance?: boolean;
}

/**
 * Applies the readiness rules: instance ACTIVE; plan not empty; every number found, CLAIMED and on this
 * instance; every target flow found, PUBLISHED and ACTIVE (once per distinct flow); every queue found and
 * staffed (agents online ≥ minimum and at least one available; no data fails); the UAT number found, CLAIMED
 * and on this instance. A rule that depends on an earlier one (claimed needs found) is skipped when that one
 * fails, so one missing number is one item, not three. `ready` is true only when every item is ok.
 */
export function assessReadiness(facts: DeploymentFacts): ReadinessReport {
  const global = assessGlobal(facts);
  const numbers = assessNumbers(facts.numbers);
  // The order the approver reads: instance, plan, numbers, flows, queues, UAT number.
  const items = [...global.items.slice(0, 1), planItem(facts.numbers.length), ...numbers.items, ...global.items.slice(1)];
  return { ready: items.every((item) => item.ok), items, numbers: numbers.numbers, queueIds: global.queueIds, snapshot: numbers.snapshot };
}

/** The `plan-not-empty` item. */
export function planItem(count: number): ReadinessItem {
  return {
    check: READINESS_CHECKS.planNotEmpty,
    subject: 'plan',
    ok: count > 0,
    detail: count > 0 ? `${count} number(s) to cut over` : 'no numbers to cut over',
  };
}

/**
 * The rules that do not depend on the numbers: instance ACTIVE, every queue found and staffed, the UAT number
 * found, CLAIMED and on this instance. A batched DeployCheck applies them once, on its first batch.
 */
export function assessGlobal(facts: Omit<DeploymentFacts, 'numbers'>): { items: ReadinessItem[]; queueIds: string[] } {
  const items: ReadinessItem[] = [];
  const add = (check: string, subject: string, ok: boolean, detail: string): void => {
    items.push({ check, subject, ok, detail });
  };

  const { instance } = facts;
  add(
    READINESS_CHECKS.instanceActive,
    instance.instanceId,
    instance.status === 'ACTIVE',
    instance.status === null ? 'instance not found' : `status ${instance.status}`,
  );

  const queueIds: string[] = [];
  if (facts.queues.length === 0) {
    add(READINESS_CHECKS.queueFound, 'queues', false, 'no queues to watch: verification would have no data');
  }
  for (const queue of facts.queues) {
    if (queue.queueId === null) {
      add(READINESS_CHECKS.queueFound, queue.ref, false, 'queue not found on this instance');
      continue;
    }
    queueIds.push(queue.queueId);
    const subject = queue.name ?? queue.ref;
    add(READINESS_CHECKS.queueFound, subject, true, `found (${queue.queueId})`);
    const staffing = staffingOf(queue, facts.minAgentsOnline);
    add(READINESS_CHECKS.queueStaffed, subject, staffing.ok, staffing.detail);
  }

  const uat = facts.uatNumber;
  if (uat) {
    const problem = !uat.found
      ? 'not found in this account'
      : uat.status !== undefined && uat.status !== 'CLAIMED'
        ? `status ${uat.status}`
        : uat.onThisInstance === false
          ? 'claimed to another target'
          : undefined;
    add(READINESS_CHECKS.uatNumber, uat.phoneNumber, problem === undefined, problem ?? 'found on this instance');
  }
  return { items, queueIds };
}

/**
 * The per-number rules (found, CLAIMED, on this instance) and the target flows' (found, PUBLISHED, ACTIVE, once per
 * distinct flow), with the resolved numbers and their rollback snapshot. Applied batch by batch in a large wave.
 */
export function assessNumbers(facts: readonly PhoneNumberFacts[]): {
  items: ReadinessItem[];
  numbers: ResolvedNumber[];
  snapshot: Record<string, string | null>;
} {
  const items: ReadinessItem[] = [];
  const add = (check: string, subject: string, ok: boolean, detail: string): void => {
    items.push({ check, subject, ok, detail });
  };
  const numbers: ResolvedNumber[] = [];
  const snapshot: Record<string, string | null> = {};
  for (const { entry, number, targetFlow } of facts) {
    const subject = entry.phoneNumber;
    if (number === null) {
      add(READINESS_CHECKS.numberFound, subject, false, 'not found in this account');
      continue;
    }
    add(READINESS_CHECKS.numberFound, subject, true, `found as ${number.phoneNumber} (${number.phoneNumberId})`);
    const claimed = number.status === 'CLAIMED';
    const why = !claimed && number.statusMessage ? `: ${number.statusMessage}` : '';
    add(READINESS_CHECKS.numberClaimed, subject, claimed, `status ${number.status}${why}`);
    add(
      READINESS_CHECKS.numberOnInstance,
      subject,
      number.onThisInstance,
      number.onThisInstance
        ? currentFlowDetail(number, targetFlow)
        : `claimed to another target${number.targetArn ? ` (${number.targetArn})` : ''}`,
    );
    snapshot[number.phoneNumberId] = number.currentFlowId;
    if (targetFlow !== null) {
      numbers.push({
        phoneNumber: number.phoneNumber,
        phoneNumberId: number.phoneNumberId,
        phoneNumberArn: number.phoneNumberArn,
        targetFlowId: targetFlow.flowId,
        snapshotFlowId: number.currentFlowId,
        ...(entry.serviceLine !== undefined ? { serviceLine: entry.serviceLine } : {}),
      });
    }
  }

  // Several numbers may share a target flow: judge each flow once.
  const seenFlows = new Set<string>();
  for (const { entry, targetFlow } of facts) {
    const key = targetFlow?.flowId ?? `ref:${entry.targetFlow}`;
    if (seenFlows.has(key)) continue;
    seenFlows.add(key);
    if (targetFlow === null) {
      add(READINESS_CHECKS.flowFound, entry.targetFlow, false, 'target flow not found on this instance');
      continue;
    }
    const subject = targetFlow.name ?? entry.targetFlow;
    add(READINESS_CHECKS.flowFound, subject, true, `found (${targetFlow.flowId})`);
    if (targetFlow.status === FLOW_NEVER_PUBLISHED) {
      // DescribeContactFlow answered ContactFlowNotPublishedException: no published version, so no state either.
      add(READINESS_CHECKS.flowPublished, subject, false, `flow ${subject} not published (never published)`);
      continue;
    }
    add(READINESS_CHECKS.flowPublished, subject, targetFlow.status === 'PUBLISHED', `status ${targetFlow.status}`);
    add(READINESS_CHECKS.flowActive, subject, targetFlow.state === 'ACTIVE', `state ${targetFlow.state}`);
  }
  return { items, numbers, snapshot };
}

function currentFlowDetail(number: FoundPhoneNumber, targetFlow: FoundFlow | null): string {
  if (number.currentFlowId === null) {
    return 'on this instance, no flow associated now (rollback will disassociate it)';
  }
  if (targetFlow !== null && number.currentFlowId === targetFlow.flowId) {
    return `on this instance, already on the target flow ${number.currentFlowId}`;
  }
  return `on this instance, on flow ${number.currentFlowId} now (the rollback snapshot)`;
}

/**
 * Staffing: agents online ≥ the minimum, and at least one of them available to take the first call after the
 * cutover. Missing data fails: a metrics call that returned nothing proves nobody is there to answer. A
 * minimum of 0 means the queue is watched but not staffed by this team (overflow, callback), so it passes.
 */
function staffingOf(queue: QueueFacts, minAgentsOnline: number): { ok: boolean; detail: string } {
  if (minAgentsOnline <= 0) return { ok: true, detail: 'no staffing minimum configured' };
  const { agentsOnline: online, agentsAvailable: available } = queue;
  if (online === null || available === null) {
    const missing = [online === null ? 'AGENTS_ONLINE' : '', available === null ? 'AGENTS_AVAILABLE' : ''].filter(Boolean).join(' and ');
    return { ok: false, detail: `no staffing data (${missing}): no data is not success` };
  }
  const summary = `${online} online, ${available} available`;
  if (online < minAgentsOnline) return { ok: false, detail: `${summary}; needs at least ${minAgentsOnline} online` };
  if (available < 1) return { ok: false, detail: `${summary}; nobody free to take the first call` };
  return { ok: true, detail: `${summary} (minimum ${minAgentsOnline} online)` };
}

const MAX_LINES = 15;

/** Short text for the status topic: a verdict line, then the failing items (or a summary when ready). */
export function formatReadiness(report: Pick<ReadinessReport, 'ready' | 'items' | 'queueIds'> & { numbers: { length: number } }): string {
  const total = report.items.length;
  const failing = report.items.filter((item) => !item.ok);
  // Warnings pass but are shown: the approver decides on them.
  const warnings = report.items.filter((item) => item.ok && item.warning).map((item) => `- ${item.check} ${item.subject}: ${item.detail}`);
  if (report.ready) {
    return [`READY: all ${total} checks passed (${report.numbers.length} number(s), ${report.queueIds.length} queue(s))`, ...warnings].join(
      '\n',
    );
  }
  const lines = failing.slice(0, MAX_LINES).map((item) => `- ${item.check} ${item.subject}: ${item.detail}`);
  if (failing.length > MAX_LINES) lines.push(`- … and ${failing.length - MAX_LINES} more`);
  return [`NOT READY: ${failing.length} of ${total} checks failed`, ...lines].join('\n');
}

/** The same text for the report as the state carries it (counts instead of the resolved numbers). */
export function formatReadinessState(state: ReadinessState): string {
  return formatReadiness({
    ready: state.ready,
    items: state.items,
    numbers: { length: state.numberCounts.resolved },
    queueIds: state.queueIds,
  });
}
