/**
 * DeployCheck in cutoverMode switchFlow: each service line's entry flow exists, is published and still bridges to
 * the legacy platform (a flow already on its target would make the cutover a no-op and the rollback restore the
 * target); its content is the rollback snapshot (control table, ENTRYFLOWS#<executionArn>). And every number of the
 * wave already points at its line's entry flow (the one-time `prepare` step put it there): the cutover moves no
 * number.
 */
import { ReadinessItem } from '../core/types';
import { DEFAULT_SERVICE_LINE } from '../core/verdict';
import { EntryFlowSnapshot, routingOfContent, SwitchFlowConfig } from '../core/switch-flow';
import { describeFlow, findFlow, FlowRef } from '../shared/connect';
import { describeFlowContent, getEntryFlows, putEntryFlows } from '../shared/switch-flow';

export const SWITCH_FLOW_CHECKS = { entryFlow: 'entry-flow', numbersOnEntryFlow: 'numbers-on-entry-flow' } as const;

/** First batch: resolves and snapshots the wave's lines' entry flows. Items say what is wrong with each. */
export async function snapshotEntryFlows(args: {
  instanceId: string;
  switchFlow: SwitchFlowConfig;
  flows: readonly FlowRef[];
  wave: ReadonlyArray<{ serviceLine?: string }>;
  controlTableName: string;
  executionArn: string;
  expiresAt: Date;
}): Promise<{ items: ReadinessItem[]; entryFlowIds: Record<string, string> }> {
  const counts = new Map<string, number>();
  for (const e of args.wave)
    counts.set(e.serviceLine ?? DEFAULT_SERVICE_LINE, (counts.get(e.serviceLine ?? DEFAULT_SERVICE_LINE) ?? 0) + 1);
  const items: ReadinessItem[] = [];
  const snapshots: EntryFlowSnapshot[] = [];
  for (const line of args.switchFlow.lines.filter((l) => counts.has(l.serviceLine))) {
    const item = (ok: boolean, detail: string) =>
      items.push({ check: SWITCH_FLOW_CHECKS.entryFlow, subject: line.serviceLine, ok, detail });
    const entry = findFlow(args.flows, line.entryFlow);
    const target = findFlow(args.flows, line.targetFlow);
    if (!entry || !target) {
      item(false, `${!entry ? `entry flow ${line.entryFlow}` : `target flow ${line.targetFlow}`} not found on the instance`);
      continue;
    }
    const described = await describeFlow(args.instanceId, entry.id);
    if (described.status !== 'PUBLISHED' || described.state !== 'ACTIVE') {
      item(false, `entry flow ${entry.name} is ${described.status ?? 'UNKNOWN'}/${described.state ?? 'UNKNOWN'}, must be PUBLISHED/ACTIVE`);
      continue;
    }
    const content = await describeFlowContent(args.instanceId, entry.id);
    const routing = routingOfContent(content);
    if (routing && routing.kind !== 'legacy') {
      item(false, `entry flow ${entry.name} already sends callers to ${routing.flow}: it must bridge to legacy before cutover`);
      continue;
    }
    item(true, `entry flow ${entry.name} bridges to legacy; its content is the rollback snapshot`);
    snapshots.push({
      serviceLine: line.serviceLine,
      entryFlowId: entry.id,
      entryFlowArn: entry.arn,
      entryFlowName: entry.name,
      targetFlowArn: target.arn,
      content,
      numbers: counts.get(line.serviceLine)!,
    });
  }
  // Stored even when a line is not ready: later batches read the ids, and the run stops at IsReady anyway.
  await putEntryFlows(args.controlTableName, args.executionArn, snapshots, args.expiresAt);
  return { items, entryFlowIds: Object.fromEntries(snapshots.map((s) => [s.serviceLine, s.entryFlowId])) };
}

/** Later batches: the entry flow ids the first batch recorded. */
export async function entryFlowIdsOf(controlTableName: string, executionArn: string): Promise<Record<string, string>> {
  return Object.fromEntries((await getEntryFlows(controlTableName, executionArn)).map((s) => [s.serviceLine, s.entryFlowId]));
}

/** One item per line with numbers not on its entry flow (at most 5 named), none when all are. */
export function numbersOnEntryFlowItems(
  numbers: ReadonlyArray<{ phoneNumber: string; serviceLine?: string; currentFlowId: string | null }>,
  entryFlowIds: Readonly<Record<string, string>>,
): ReadinessItem[] {
  const off = new Map<string, string[]>();
  for (const n of numbers) {
    const line = n.serviceLine ?? DEFAULT_SERVICE_LINE;
    if (n.currentFlowId !== entryFlowIds[line]) off.set(line, [...(off.get(line) ?? []), n.phoneNumber]);
  }
  return [...off].map(([line, list]) => ({
    check: SWITCH_FLOW_CHECKS.numbersOnEntryFlow,
    subject: line,
    ok: false,
    detail: `${list.length} number(s) not on the entry flow of ${line} (run the prepare step first): ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`,
  }));
}
