/**
 * DeployCheck: gathers the facts (instance, numbers, flows, queues, staffing, UAT number) and lets the core judge
 * readiness, one batch of numbers per invocation (the state machine loops until `cursor.done`). The first batch
 * also judges the instance, the queues and the UAT number. Each batch's resolved numbers and their current flows
 * (the rollback snapshot) go to the control table; the state carries counts and the failing items only.
 */
import { batchRange, cursorAfter, selectPlan } from '../core/batches';
import { SNAPSHOT_RETENTION_DAYS_BEYOND_EXECUTION } from '../core/control';
import { serviceLinesOf } from '../core/verdict';
import { assessGlobal, assessNumbers, FLOW_NEVER_PUBLISHED, formatReadinessState, planItem, READINESS_CHECKS } from '../core/readiness';
import { AgentStatusType, assessAgents, LineAgentFacts } from '../core/agents';
import { assessCallerIds, QueueCallerIdFacts } from '../core/caller-id';
import { assessCapacity } from '../core/capacity';
import { DEFAULT_MIN_AGENTS_AVAILABLE } from '../core/defaults';
import { assessHours, EffectiveHours, hoursRequestDates, QueueHoursFacts } from '../core/hours';
import { PlanEntry, ReadinessItem, ReadinessState, ServiceLineRefs } from '../core/types';
import { assessRecording } from '../core/recording';
import { now } from '../shared/clock';
import { mapLimit } from '../shared/concurrency';
import {
  describeFlow,
  describeInstanceStatus,
  describeNumberStatus,
  describeQueueSettings,
  findFlow,
  findNumber,
  findQueue,
  instanceIdOf,
  listAgentStatusTypes,
  listFlows,
  listNumbers,
  listQueues,
  NumberRef,
  QueueRef,
  readAgents,
  readAssociations,
  readEffectiveHours,
} from '../shared/connect';
import { putSnapshotBatch } from '../shared/control';
import { logger } from '../shared/logger';
import { readCurrent } from '../shared/metrics';
import { parsePlanEvent, parseState } from '../shared/state';
import { readConcurrentCallsQuota } from '../shared/quotas';
import { publishStatus } from '../shared/status';
import { entryFlowIdsOf, numbersOnEntryFlowItems, snapshotEntryFlows } from './switch-flow';

/** Failing per-number items the state keeps (the rest are counted; each batch's are on the status topic). */
export const MAX_NUMBER_ITEMS_IN_STATE = 20;

/** Event: `{ state, plan }` (the plan from the definition's task parameters, docs/internals.md). */
export async function handler(event: unknown): Promise<ReadinessState> {
  const { state: doc, plan } = parsePlanEvent(event);
  const { config, run, executionArn, readiness: previous } = parseState(doc, 'config', 'run', 'executionArn');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const instanceId = instanceIdOf(config.instanceArn);
  const wave = selectPlan(plan, run.selection);
  const batch = previous?.cursor.nextBatch ?? 0;
  const { start, end } = batchRange(batch, wave.length);

  let base: Pick<ReadinessState, 'items' | 'queueIds' | 'serviceLines'>;
  if (batch === 0) {
    const first = await firstBatchFacts(instanceId, config, run, wave, plan);
    if (!first.instanceFound || !first.items.every((i) => i.ok)) {
      // Nothing about the numbers is worth reading when the instance, a queue or the UAT number is not ready.
      const state = finish({
        items: first.items,
        queueIds: first.queueIds,
        serviceLines: [],
        targetFlowNames: [],
        counts: { total: wave.length, resolved: 0, failing: 0 },
        batch,
        total: wave.length,
        stop: true,
      });
      await publishStatus(config, {
        step: 'DeployCheck',
        changeId: run.changeId,
        status: 'NOT_READY',
        summary: formatReadinessState(state),
      });
      return state;
    }
    // Verify judges each service line over its own queues and target flows (the plan never travels in the state).
    base = { ...first, serviceLines: serviceLinesOf(wave, config.queues) };
  } else {
    base = previous!;
  }

  const [flows, numbers] = await Promise.all([listFlows(instanceId), listNumbers(config.instanceArn)]);
  // switchFlow: the lines' entry flows (snapshotted on the first batch) and whether the numbers point at them.
  const switchItems: ReadinessItem[] = [];
  let entryFlowIds: Record<string, string> | undefined;
  if (config.cutoverMode === 'switchFlow' && config.switchFlow) {
    if (batch === 0) {
      const retention = (config.maxScheduleDays + 2 + SNAPSHOT_RETENTION_DAYS_BEYOND_EXECUTION) * 86_400_000;
      const entry = await snapshotEntryFlows({
        instanceId,
        switchFlow: config.switchFlow,
        flows,
        wave,
        controlTableName: config.controlTableName,
        executionArn,
        expiresAt: new Date(now().getTime() + retention),
      });
      switchItems.push(...entry.items);
      entryFlowIds = entry.entryFlowIds;
    } else {
      entryFlowIds = await entryFlowIdsOf(config.controlTableName, executionArn);
    }
  }
  const entries = wave.slice(start, end);
  const found = entries.map((entry) => ({
    entry,
    number: findNumber(numbers, entry.phoneNumber),
    flow: findFlow(flows, entry.targetFlow),
  }));
  const present = found.flatMap((f) => (f.number ? [{ phoneNumberId: f.number.id, phoneNumberArn: f.number.arn }] : []));
  const current = present.length > 0 ? await readAssociations(instanceId, present) : {};
  const flowFacts = new Map<string, { status: string; state: string }>();
  const recording: Array<{ name: string; content: string | undefined }> = [];
  for (const flow of new Set(found.flatMap((f) => (f.flow ? [f.flow.id] : [])))) {
    const d = await describeFlow(instanceId, flow);
    flowFacts.set(flow, { status: d.status ?? 'UNKNOWN', state: d.state ?? 'UNKNOWN' });
    if (d.status !== FLOW_NEVER_PUBLISHED) recording.push({ name: found.find((f) => f.flow?.id === flow)!.flow!.name, content: d.content });
  }
  // Two at a time, like the cutover: paced calls must not leave all at once.
  const numberFacts = await mapLimit(found, config.cutoverConcurrency, async ({ entry, number, flow }) => {
    const described = number ? await describeNumberStatus(number.id) : undefined;
    return {
      entry,
      number:
        number && described
          ? {
              phoneNumber: number.phoneNumber,
              phoneNumberId: number.id,
              phoneNumberArn: number.arn,
              status: described.status ?? 'UNKNOWN',
              ...(described.message ? { statusMessage: described.message } : {}),
              onThisInstance: (described.targetArn ?? number.targetArn) === config.instanceArn,
              targetArn: described.targetArn ?? number.targetArn,
              currentFlowId: current[number.id] ?? null,
            }
          : null,
      targetFlow: flow ? { flowId: flow.id, name: flow.name, ...flowFacts.get(flow.id)! } : null,
    };
  });
  const assessed = assessNumbers(numberFacts);
  if (entryFlowIds) {
    const onLines = numberFacts.flatMap((f) =>
      f.number ? [{ phoneNumber: f.number.phoneNumber, serviceLine: f.entry.serviceLine, currentFlowId: f.number.currentFlowId }] : [],
    );
    switchItems.push(...numbersOnEntryFlowItems(onLines, entryFlowIds));
  }
  const at = now();
  const retentionDays = config.maxScheduleDays + 2 + SNAPSHOT_RETENTION_DAYS_BEYOND_EXECUTION;
  await putSnapshotBatch(
    config.controlTableName,
    executionArn,
    batch,
    assessed.numbers,
    new Date(at.getTime() + retentionDays * 86_400_000),
  );

  // A number is not ready when a number check fails or when it could not be resolved (its target flow is missing).
  const failedChecks = new Set(assessed.items.filter((i) => !i.ok && isNumberCheck(i.check)).map((i) => i.subject));
  const failingInBatch = new Set(
    found.filter((f) => !f.number || !f.flow || failedChecks.has(f.entry.phoneNumber)).map((f) => f.entry.phoneNumber),
  );
  const counts = {
    total: wave.length,
    resolved: (previous?.numberCounts.resolved ?? 0) + assessed.numbers.length,
    failing: (previous?.numberCounts.failing ?? 0) + failingInBatch.size,
  };
  const state = finish({
    items: mergeItems(base.items, [...assessed.items, ...switchItems, ...assessRecording(recording, config.requireRecording ?? false)]),
    queueIds: base.queueIds,
    serviceLines: base.serviceLines,
    targetFlowNames: [...new Set([...(previous?.targetFlowNames ?? []), ...found.flatMap((f) => (f.flow ? [f.flow.name] : []))])],
    counts,
    batch,
    total: wave.length,
    stop: false,
  });
  const failingItems = assessed.items.filter((i) => !i.ok);
  await publishStatus(config, {
    step: 'DeployCheck',
    changeId: run.changeId,
    status: state.cursor.done ? (state.ready ? 'READY' : 'NOT_READY') : 'CHECKING',
    summary: state.cursor.done
      ? formatReadinessState(state)
      : `batch ${batch + 1} of ${state.cursor.batches}: ${end - start - failingInBatch.size} of ${end - start} number(s) ready`,
    ...(failingItems.length > 0 ? { detail: failingItems } : {}),
  });
  return state;
}

type Config = ReturnType<typeof parseState<'config'>>['config'];
type Run = ReturnType<typeof parseState<'run'>>['run'];

/**
 * Instance, queues with their staffing, the UAT number, and the go-live readiness of the queues (agents, capacity,
 * caller ID, hours): judged once, on the first batch.
 */
async function firstBatchFacts(
  instanceId: string,
  config: Config,
  run: Run,
  wave: readonly PlanEntry[],
  plan: readonly PlanEntry[],
): Promise<{ items: ReadinessItem[]; queueIds: string[]; instanceFound: boolean }> {
  const waveSize = wave.length;
  const status = (await describeInstanceStatus(instanceId).catch(notFoundAsNull)) ?? null;
  const [queues, numbers] = status === null ? [[], []] : await Promise.all([listQueues(instanceId), listNumbers(config.instanceArn)]);
  const resolvedQueues = config.queues.map((ref) => ({ ref, queue: status === null ? undefined : findQueue(queues, ref) }));
  const queueIds = resolvedQueues.flatMap((q) => (q.queue ? [q.queue.id] : []));
  const staffing = queueIds.length > 0 ? await readStaffing(instanceId, queueIds) : {};
  const uat = config.uatPhoneNumber ? findNumber(numbers, config.uatPhoneNumber) : undefined;
  const uatStatus = uat ? await describeNumberStatus(uat.id) : undefined;
  const global = assessGlobal({
    instance: { instanceId, status },
    queues: resolvedQueues.map(({ ref, queue }) => ({
      ref,
      queueId: queue?.id ?? null,
      name: queue?.name,
      agentsOnline: queue ? (staffing[queue.id]?.agentsOnline ?? null) : null,
      agentsAvailable: queue ? (staffing[queue.id]?.agentsAvailable ?? null) : null,
    })),
    uatNumber: config.uatPhoneNumber
      ? {
          phoneNumber: config.uatPhoneNumber,
          found: uat !== undefined,
          status: uatStatus?.status,
          onThisInstance: uatStatus ? uatStatus.targetArn === config.instanceArn : undefined,
        }
      : undefined,
    minAgentsOnline: config.minAgentsOnline,
  });
  // The order the approver reads: instance, plan, then the rest.
  const items = [global.items[0], planItem(waveSize), ...global.items.slice(1)];
  if (status !== null) {
    const found = resolvedQueues.flatMap(({ ref, queue }) => (queue ? [{ ref, queue }] : []));
    items.push(...(await goLiveReadinessItems({ instanceId, config, run, wave, plan, queues, found, numbers })));
  }
  return { items, queueIds: global.queueIds, instanceFound: status !== null };
}

/** The queues as the first batch resolved them, and the instance's numbers. */
interface GoLiveFacts {
  readonly instanceId: string;
  readonly config: Config;
  readonly run: Run;
  readonly wave: readonly PlanEntry[];
  /** The whole plan (the wave may be a selection of it). */
  readonly plan: readonly PlanEntry[];
  /** Every queue of the instance (to resolve a service line's queue references). */
  readonly queues: readonly QueueRef[];
  /** The watched queues that were found, with their config reference. */
  readonly found: ReadonlyArray<{ readonly ref: string; readonly queue: QueueRef }>;
  readonly numbers: readonly NumberRef[];
}

/**
 * The go-live checklist's readiness items (issue 12): agents per service line, capacity, each watched queue's outbound
 * caller ID and its hours through the cutover window. Each reads its own facts and fails alone ("no data is not
 * success"); an API error becomes a failing item naming it, never a crash of the check.
 */
async function goLiveReadinessItems(facts: GoLiveFacts): Promise<ReadinessItem[]> {
  const lines = serviceLinesOf(facts.wave, facts.config.queues);
  const settings = await readQueueSettings(facts);
  return [
    ...(await agentReadinessItems(facts, lines)),
    await capacityItem(facts, lines),
    ...callerIdItems(facts, settings),
    ...(await hoursItems(facts, settings)),
  ];
}

/** Agents per service line, counted once across the line's queues (GetCurrentUserData + ListAgentStatuses). */
async function agentReadinessItems(facts: GoLiveFacts, lines: readonly ServiceLineRefs[]): Promise<ReadinessItem[]> {
  const minimum = facts.config.minAgentsAvailable ?? DEFAULT_MIN_AGENTS_AVAILABLE;
  if (minimum <= 0)
    return assessAgents(
      lines.map((l) => ({ serviceLine: l.serviceLine, agents: [] })),
      minimum,
    );
  let statusTypes: Map<string, AgentStatusType>;
  try {
    statusTypes = await listAgentStatusTypes(facts.instanceId);
  } catch (error) {
    logger.warn('agent statuses read failed', { error: error as Error });
    return assessAgents(
      lines.map((l) => ({ serviceLine: l.serviceLine, agents: null, error: `ListAgentStatuses: ${(error as Error).name}` })),
      minimum,
    );
  }
  const perLine: LineAgentFacts[] = [];
  for (const line of lines) {
    const queueIds = [...new Set(line.queues.flatMap((ref) => findQueue(facts.queues, ref)?.id ?? []))];
    if (queueIds.length === 0) {
      perLine.push({ serviceLine: line.serviceLine, agents: null, error: 'none of its queues was found' });
      continue;
    }
    try {
      perLine.push({ serviceLine: line.serviceLine, agents: await readAgents(facts.instanceId, queueIds, statusTypes) });
    } catch (error) {
      logger.warn('agent data read failed', { serviceLine: line.serviceLine, error: error as Error });
      perLine.push({ serviceLine: line.serviceLine, agents: null, error: `GetCurrentUserData: ${(error as Error).name}` });
    }
  }
  return assessAgents(perLine, minimum);
}

/** The wave's expected peak against the concurrent-calls quota (the construct's figure, else Service Quotas). */
async function capacityItem(facts: GoLiveFacts, lines: readonly ServiceLineRefs[]): Promise<ReadinessItem> {
  const expectedPeaks = facts.run.expectedPeakConcurrentCalls;
  const lineNames = lines.map((l) => l.serviceLine);
  if (facts.config.concurrentCallsQuota !== undefined) {
    return assessCapacity({ quota: facts.config.concurrentCallsQuota, source: 'construct', expectedPeaks, lines: lineNames });
  }
  // Nothing to compare without expected peaks: the quota is not read.
  if (expectedPeaks === undefined) return assessCapacity({ quota: null, source: 'service-quotas', lines: lineNames });
  try {
    const quota = await readConcurrentCallsQuota(facts.config.instanceArn);
    return assessCapacity({ quota, source: 'service-quotas', expectedPeaks, lines: lineNames });
  } catch (error) {
    logger.warn('concurrent calls quota read failed', { error: error as Error });
    return assessCapacity({
      quota: null,
      source: 'service-quotas',
      quotaError: `GetServiceQuota: ${(error as Error).name}`,
      expectedPeaks,
      lines: lineNames,
    });
  }
}

type QueueSettings = Awaited<ReturnType<typeof describeQueueSettings>>;

/** DescribeQueue of each found watched queue: its hours of operation id and its outbound caller ID number. */
async function readQueueSettings(facts: GoLiveFacts): Promise<Map<string, QueueSettings | { error: string }>> {
  const settings = new Map<string, QueueSettings | { error: string }>();
  for (const { queue } of facts.found) {
    if (settings.has(queue.id)) continue;
    try {
      settings.set(queue.id, await describeQueueSettings(facts.instanceId, queue.id));
    } catch (error) {
      logger.warn('queue read failed', { queueId: queue.id, error: error as Error });
      settings.set(queue.id, { error: `DescribeQueue: ${(error as Error).name}` });
    }
  }
  return settings;
}

/** Each watched queue's outbound caller ID: a plan number or an expected one. */
function callerIdItems(facts: GoLiveFacts, settings: Map<string, QueueSettings | { error: string }>): ReadinessItem[] {
  const queues: QueueCallerIdFacts[] = facts.found.map(({ queue }) => {
    const s = settings.get(queue.id)!;
    if ('error' in s) return { queue: queue.name, numberId: null, error: s.error };
    const number = s.outboundCallerIdNumberId ? facts.numbers.find((n) => n.id === s.outboundCallerIdNumberId) : undefined;
    return {
      queue: queue.name,
      numberId: s.outboundCallerIdNumberId,
      ...(number ? { number: { phoneNumber: number.phoneNumber, arn: number.arn } } : {}),
    };
  });
  // The whole plan, not only this wave: a number moved in an earlier wave is as known to customers.
  return assessCallerIds(
    queues,
    facts.plan.map((e) => e.phoneNumber),
    facts.config.expectedCallerIdNumbers,
  );
}

/** Each watched queue open from the cutover (or now) through the observation window, or its closure intended. */
async function hoursItems(facts: GoLiveFacts, settings: Map<string, QueueSettings | { error: string }>): Promise<ReadinessItem[]> {
  const fromMs = facts.run.cutoverAt ? Date.parse(facts.run.cutoverAt) : now().getTime();
  const window = { fromMs, toMs: fromMs + facts.run.verification.observationWindowSeconds * 1000 };
  const { fromDate, toDate } = hoursRequestDates(window.fromMs, window.toMs);
  const queues: QueueHoursFacts[] = [];
  const byHours = new Map<string, EffectiveHours | { error: string }>();
  for (const { ref, queue } of facts.found) {
    const s = settings.get(queue.id)!;
    if ('error' in s) {
      queues.push({ queue: queue.name, ref, hours: null, error: s.error });
      continue;
    }
    if (s.hoursOfOperationId === null) {
      queues.push({ queue: queue.name, ref, hours: null, error: 'the queue names no hours of operation' });
      continue;
    }
    // Queues often share one hours of operation: read each once.
    if (!byHours.has(s.hoursOfOperationId)) {
      try {
        byHours.set(s.hoursOfOperationId, await readEffectiveHours(facts.instanceId, s.hoursOfOperationId, fromDate, toDate));
      } catch (error) {
        logger.warn('hours of operation read failed', { hoursOfOperationId: s.hoursOfOperationId, error: error as Error });
        byHours.set(s.hoursOfOperationId, { error: `GetEffectiveHoursOfOperations: ${(error as Error).name}` });
      }
    }
    const hours = byHours.get(s.hoursOfOperationId)!;
    queues.push('error' in hours ? { queue: queue.name, ref, hours: null, error: hours.error } : { queue: queue.name, ref, hours });
  }
  return assessHours(queues, window, facts.run.closedQueuesAllowed);
}

const NUMBER_CHECKS: ReadonlySet<string> = new Set([
  READINESS_CHECKS.numberFound,
  READINESS_CHECKS.numberClaimed,
  READINESS_CHECKS.numberOnInstance,
]);
const isNumberCheck = (check: string): boolean => NUMBER_CHECKS.has(check);

/**
 * The items the state keeps: every non-number item once (a flow judged in several batches keeps its first
 * verdict unless a later batch fails it), and the failing number items up to MAX_NUMBER_ITEMS_IN_STATE.
 */
function mergeItems(kept: readonly ReadinessItem[], batch: readonly ReadinessItem[]): ReadinessItem[] {
  const items = [...kept.filter((i) => i.check !== READINESS_CHECKS.numbersReady)];
  let numberFailures = items.filter((i) => isNumberCheck(i.check)).length;
  for (const item of batch) {
    if (isNumberCheck(item.check)) {
      if (!item.ok && numberFailures < MAX_NUMBER_ITEMS_IN_STATE) {
        items.push(item);
        numberFailures++;
      }
      continue;
    }
    const same = items.findIndex((i) => i.check === item.check && i.subject === item.subject);
    if (same === -1) items.push(item);
    else if (items[same].ok && !item.ok) items[same] = item;
  }
  return items;
}

function finish(parts: {
  items: ReadinessItem[];
  queueIds: readonly string[];
  serviceLines: ReadinessState['serviceLines'];
  targetFlowNames: string[];
  counts: ReadinessState['numberCounts'];
  batch: number;
  total: number;
  stop: boolean;
}): ReadinessState {
  const cursor = parts.stop ? { ...cursorAfter(parts.batch, parts.total), done: true } : cursorAfter(parts.batch, parts.total);
  const { total, failing, resolved } = parts.counts;
  const items =
    cursor.done && !parts.stop
      ? [
          ...parts.items,
          {
            check: READINESS_CHECKS.numbersReady,
            subject: 'wave',
            ok: failing === 0 && resolved === total,
            detail: `${total - failing} of ${total} number(s) ready${failing > MAX_NUMBER_ITEMS_IN_STATE ? ` (the first ${MAX_NUMBER_ITEMS_IN_STATE} failures are listed)` : ''}`,
          },
        ]
      : parts.items;
  return {
    ready: cursor.done && items.every((i) => i.ok),
    items,
    queueIds: parts.queueIds,
    serviceLines: parts.serviceLines,
    targetFlowNames: parts.targetFlowNames,
    numberCounts: parts.counts,
    cursor,
  };
}

/** Staffing per queue; no data (API error) stays null, because no data is not success. */
async function readStaffing(
  instanceId: string,
  queueIds: string[],
): Promise<Record<string, { agentsOnline: number | null; agentsAvailable: number | null }>> {
  const result: Record<string, { agentsOnline: number | null; agentsAvailable: number | null }> = {};
  for (const id of queueIds) {
    try {
      const c = await readCurrent(instanceId, [id]);
      result[id] = { agentsOnline: c.agentsOnline, agentsAvailable: c.agentsAvailable };
    } catch (error) {
      logger.warn('staffing read failed', { queueId: id, error: error as Error });
    }
  }
  return result;
}

function notFoundAsNull(error: Error): null {
  if (error.name === 'ResourceNotFoundException') return null;
  throw error;
}
