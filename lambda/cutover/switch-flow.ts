/**
 * Cutover in cutoverMode switchFlow: one UpdateContactFlowContent per service line (the line's entry flow now
 * transfers to the target flow, or splits callers at a canary step), whatever the number of numbers, then every
 * entry flow is read back (DescribeContactFlow) and compared. The numbers themselves do not move.
 *
 * When callers see it: UpdateContactFlowContent changes the published flow (no separate publish step; `$SAVED`
 * is only for unpublished edits). AWS documents no propagation time, nor what happens to contacts already in the
 * flow; the rehearsal takes the stricter view (new contacts only, after a delay; docs/internals.md).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_UpdateContactFlowContent.html
 */
import { CutoverError } from '../core/errors';
import { entryFlowContent, EntryFlowSnapshot, routingForPercent, sameContent } from '../core/switch-flow';
import { RunbookConfig } from '../core/types';
import { instanceIdOf } from '../shared/connect';
import { describeFlowContent, getEntryFlows, updateFlowContent } from '../shared/switch-flow';

export interface EntryFlowChange {
  /** Numbers on lines whose entry flow was changed. */
  readonly moved: number;
  /** Numbers on lines whose entry flow already had the content. */
  readonly already: number;
  readonly lines: number;
}

/** Sets every line's entry flow (of `lines`, default all) to `content(line)`, then reads each back; throws `fail` on a mismatch. */
export async function setEntryFlows(
  config: Pick<RunbookConfig, 'instanceArn' | 'controlTableName'>,
  executionArn: string,
  content: (line: EntryFlowSnapshot) => string,
  fail: (message: string) => Error,
  inScope: (serviceLine: string) => boolean = () => true,
): Promise<EntryFlowChange> {
  const instanceId = instanceIdOf(config.instanceArn);
  const lines = (await getEntryFlows(config.controlTableName, executionArn)).filter((l) => inScope(l.serviceLine));
  let moved = 0;
  let already = 0;
  // One line after another: the pacer spends Connect's 2 requests/s; a handful of lines take a few seconds.
  for (const line of lines) {
    const wanted = content(line);
    const current = await describeFlowContent(instanceId, line.entryFlowId);
    if (sameContent(current, wanted)) {
      already += line.numbers;
      continue;
    }
    await updateFlowContent(instanceId, line.entryFlowId, wanted);
    moved += line.numbers;
  }
  const wrong: string[] = [];
  for (const line of lines) {
    const readBack = await describeFlowContent(instanceId, line.entryFlowId);
    if (!sameContent(readBack, content(line))) wrong.push(`${line.serviceLine} (${line.entryFlowName})`);
  }
  if (wrong.length > 0) throw fail(`entry flow(s) of ${wrong.join(', ')} did not read back with the content just written`);
  return { moved, already, lines: lines.length };
}

/** Cutover (or one canary step): every line's entry flow sends `percent` of its callers to the target flow. */
export function cutoverEntryFlows(
  config: Pick<RunbookConfig, 'instanceArn' | 'controlTableName' | 'switchFlow'>,
  executionArn: string,
  percent: number,
): Promise<EntryFlowChange> {
  const legacyNumber = config.switchFlow!.legacyNumber;
  return setEntryFlows(
    config,
    executionArn,
    (line) => entryFlowContent(routingForPercent(percent, line.targetFlowArn), legacyNumber),
    (message) => new CutoverError(message),
  );
}
