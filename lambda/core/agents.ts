/**
 * Agent readiness per service line: how many agents could take the first call after the cutover. The handler reads
 * the agents of each line's queues with GetCurrentUserData and the agent status types with ListAgentStatuses; this
 * module counts them. Only counts leave it: no agent id or name reaches the items, the logs or the status topic.
 *
 * GetCurrentUserData gives each agent's status as a reference (`StatusArn`, `StatusName`) without its type, and a map
 * of free slots per channel (`AvailableSlotsByChannel`); the type (`ROUTABLE`, `CUSTOM`, `OFFLINE`) comes from
 * ListAgentStatuses.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetCurrentUserData.html
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_UserData.html
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_AgentStatusSummary.html
 */
import { READINESS_CHECKS } from './readiness';
import { ReadinessItem } from './types';

/** An agent status type as ListAgentStatuses reports it; `UNKNOWN` when the status was not listed. */
export type AgentStatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE' | 'UNKNOWN';

/** One agent as GetCurrentUserData reports it, reduced to what readiness needs. */
export interface AgentFacts {
  /** The user id: only to count an agent once across a line's queues; never shown. */
  readonly userId: string;
  /** The status's name (an admin-defined label such as `Break`, not personal data). */
  readonly statusName?: string;
  readonly statusType: AgentStatusType;
  /** `AvailableSlotsByChannel.VOICE`; null when the answer did not say. */
  readonly freeVoiceSlots: number | null;
}

/** The agents of one service line's queues; `agents` null when they could not be read. */
export interface LineAgentFacts {
  readonly serviceLine: string;
  readonly agents: readonly AgentFacts[] | null;
  /** Why the agents could not be read (an API error name), when `agents` is null. */
  readonly error?: string;
}

/** Why an agent is not ready, in the order the report lists them. */
export interface NotReadyCounts {
  readonly offline: number;
  /** Status name → agents in that non-routable status. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly noFreeVoiceSlot: number;
}

/** The ready count and the reasons the others are not ready. Each agent counts once (by user id). */
export function countAgents(agents: readonly AgentFacts[]): { total: number; ready: number; notReady: NotReadyCounts } {
  const unique = new Map<string, AgentFacts>();
  for (const a of agents) if (!unique.has(a.userId)) unique.set(a.userId, a);
  let ready = 0;
  let offline = 0;
  let noFreeVoiceSlot = 0;
  const byStatus: Record<string, number> = {};
  for (const a of unique.values()) {
    if (a.statusType === 'OFFLINE') offline++;
    else if (a.statusType !== 'ROUTABLE') {
      // A status ListAgentStatuses did not list is not known to be routable: the stricter reading.
      const name = a.statusName ?? '(unnamed status)';
      byStatus[name] = (byStatus[name] ?? 0) + 1;
    } else if ((a.freeVoiceSlots ?? 0) < 1) noFreeVoiceSlot++;
    else ready++;
  }
  return { total: unique.size, ready, notReady: { offline, byStatus, noFreeVoiceSlot } };
}

/**
 * One `agents-ready` item per service line: at least `minAgentsAvailable` agents logged in, in a routable status, with
 * a free voice slot. No data fails (no data is not success); a minimum of 0 passes without reading anything.
 */
export function assessAgents(lines: readonly LineAgentFacts[], minAgentsAvailable: number): ReadinessItem[] {
  return lines.map(({ serviceLine, agents, error }) => {
    const item = (ok: boolean, detail: string): ReadinessItem => ({
      check: READINESS_CHECKS.agentsReady,
      subject: serviceLine,
      ok,
      detail,
    });
    if (minAgentsAvailable <= 0) return item(true, 'no minimum of ready agents configured');
    if (agents === null) return item(false, `no agent data (${error ?? 'GetCurrentUserData failed'}): no data is not success`);
    const { total, ready, notReady } = countAgents(agents);
    const reasons = formatNotReady(notReady);
    const summary = `${ready} of ${total} agent(s) ready, needs at least ${minAgentsAvailable}`;
    return item(ready >= minAgentsAvailable, reasons ? `${summary}; not ready: ${reasons}` : summary);
  });
}

/** `2 offline, 1 in status "Break", 1 with no free voice slot` (empty when every agent is ready). */
export function formatNotReady(n: NotReadyCounts): string {
  const parts: string[] = [];
  if (n.offline > 0) parts.push(`${n.offline} offline`);
  for (const [name, count] of Object.entries(n.byStatus).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${count} in status ${JSON.stringify(name)}`);
  }
  if (n.noFreeVoiceSlot > 0) parts.push(`${n.noFreeVoiceSlot} with no free voice slot`);
  return parts.join(', ');
}
