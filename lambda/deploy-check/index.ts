/**
 * DeployCheck: gathers the facts (instance, numbers, flows, queues, staffing, UAT number) and lets the core judge
 * readiness. The numbers' current flows become the rollback snapshot.
 */
import { assessReadiness, DeploymentFacts, formatReadiness } from '../core/readiness';
import { ReadinessReport } from '../core/types';
import {
  describeFlow, describeInstanceStatus, describeNumberStatus, findFlow, findNumber, findQueue, instanceIdOf,
  listFlows, listNumbers, listQueues, readAssociations,
} from '../shared/connect';
import { mapLimit } from '../shared/concurrency';
import { logger } from '../shared/logger';
import { readCurrent } from '../shared/metrics';
import { parseState } from '../shared/state';
import { publishStatus } from '../shared/status';

export interface DeployCheckResult extends ReadinessReport {
  /** Names of the target flows (ContactFlowErrors is reported per flow name). */
  readonly targetFlowNames: string[];
}

export async function handler(event: unknown): Promise<DeployCheckResult> {
  const { config, run, executionArn } = parseState(event, 'config', 'run');
  logger.appendKeys({ changeId: run.changeId, executionArn });
  const instanceId = instanceIdOf(config.instanceArn);

  const status = (await describeInstanceStatus(instanceId).catch(notFoundAsNull)) ?? null;
  const [flows, queues, numbers] = status === null
    ? [[], [], []]
    : await Promise.all([listFlows(instanceId), listQueues(instanceId), listNumbers(config.instanceArn)]);

  const found = run.plan.map((entry) => ({ entry, number: findNumber(numbers, entry.phoneNumber), flow: findFlow(flows, entry.targetFlow) }));
  const present = found.flatMap((f) => (f.number ? [{ phoneNumberId: f.number.id, phoneNumberArn: f.number.arn }] : []));
  const current = present.length > 0 ? await readAssociations(instanceId, present) : {};
  const flowFacts = new Map<string, { status: string; state: string }>();
  for (const flow of new Set(found.flatMap((f) => (f.flow ? [f.flow.id] : [])))) {
    const d = await describeFlow(instanceId, flow);
    flowFacts.set(flow, { status: d.status ?? 'UNKNOWN', state: d.state ?? 'UNKNOWN' });
  }
  // Two at a time, like the cutover: paced calls must not leave all at once.
  const numberFacts = await mapLimit(found, config.cutoverConcurrency, async ({ entry, number, flow }) => {
    const described = number ? await describeNumberStatus(number.id) : undefined;
    return {
      entry,
      number: number && described ? {
        phoneNumber: number.phoneNumber,
        phoneNumberId: number.id,
        phoneNumberArn: number.arn,
        status: described.status ?? 'UNKNOWN',
        ...(described.message ? { statusMessage: described.message } : {}),
        onThisInstance: (described.targetArn ?? number.targetArn) === config.instanceArn,
        targetArn: described.targetArn ?? number.targetArn,
        currentFlowId: current[number.id] ?? null,
      } : null,
      targetFlow: flow ? { flowId: flow.id, name: flow.name, ...flowFacts.get(flow.id)! } : null,
    };
  });

  const resolvedQueues = config.queues.map((ref) => ({ ref, queue: findQueue(queues, ref) }));
  const queueIds = resolvedQueues.flatMap((q) => (q.queue ? [q.queue.id] : []));
  const staffing = queueIds.length > 0 ? await readStaffing(instanceId, queueIds) : {};
  const uat = config.uatPhoneNumber ? findNumber(numbers, config.uatPhoneNumber) : undefined;
  const uatStatus = uat ? await describeNumberStatus(uat.id) : undefined;

  const facts: DeploymentFacts = {
    instance: { instanceId, status },
    numbers: numberFacts,
    queues: resolvedQueues.map(({ ref, queue }) => ({
      ref,
      queueId: queue?.id ?? null,
      name: queue?.name,
      agentsOnline: queue ? staffing[queue.id]?.agentsOnline ?? null : null,
      agentsAvailable: queue ? staffing[queue.id]?.agentsAvailable ?? null : null,
    })),
    uatNumber: config.uatPhoneNumber ? {
      phoneNumber: config.uatPhoneNumber,
      found: uat !== undefined,
      status: uatStatus?.status,
      onThisInstance: uatStatus ? uatStatus.targetArn === config.instanceArn : undefined,
    } : undefined,
    minAgentsOnline: config.minAgentsOnline,
  };
  const report = assessReadiness(facts);
  await publishStatus(config.statusTopicArn, {
    step: 'DeployCheck', changeId: run.changeId, status: report.ready ? 'READY' : 'NOT_READY', summary: formatReadiness(report),
  });
  return { ...report, targetFlowNames: [...new Set(found.flatMap((f) => (f.flow ? [f.flow.name] : [])))] };
}

/** Staffing per queue; no data (API error) stays null, because no data is not success. */
async function readStaffing(instanceId: string, queueIds: string[]): Promise<Record<string, { agentsOnline: number | null; agentsAvailable: number | null }>> {
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
