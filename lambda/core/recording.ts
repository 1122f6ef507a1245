/**
 * Does a flow record its calls? DeployCheck reads each target flow's content (DescribeContactFlow `Content`) and
 * this module judges it: pure, no SDK. Recording is a policy decision (consent, retention, what may be stored),
 * so a flow that does not record is a warning in the readiness report unless the runbook's `requireRecording`
 * makes it a blocker.
 *
 * The rules come from the flow language and the admin guide:
 * - the "Set recording and analytics behavior" block is the `UpdateContactRecordingBehavior` action; its
 *   `RecordingBehavior.RecordedParticipants` lists `Agent` and/or `Customer`, an empty list turns recording off
 *   (https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontactrecordingbehavior.html);
 * - a conversation is recorded only once an agent joins, but the behaviour must be set while the contact is in a
 *   flow: TransferContactToQueue ends the flow, so an action after it never runs
 *   (https://docs.aws.amazon.com/connect/latest/adminguide/set-up-recordings.html,
 *   https://docs.aws.amazon.com/connect/latest/adminguide/transfer-to-queue.html).
 *
 * So the flow is walked from its StartAction, carrying who is recorded, and judged at every action that hands the
 * caller on towards an agent (queue, agent, another flow, which inherits the contact's behaviour).
 */
import { ReadinessItem } from './types';

/** The flow-language action of the "Set recording and analytics behavior" block. */
export const RECORDING_ACTION_TYPE = 'UpdateContactRecordingBehavior';
/** Both sides of the conversation: agent and customer. */
export const RECORDED_PARTICIPANTS: readonly string[] = ['Agent', 'Customer'];
/** The readiness item's `check` name (stable: the CLI and the status topic show it). */
export const RECORDING_CHECK = 'flow-records-calls';

/** Actions after which the caller may reach an agent; the recording behaviour in force there is what counts. */
const HAND_OFF_ACTIONS: ReadonlySet<string> = new Set([
  'TransferContactToQueue',
  'TransferContactToAgent',
  'DequeueContactAndTransferToQueue',
  'TransferToFlow',
]);

/**
 * - `RECORDED`: on every path that hands the caller on, agent and customer are recorded;
 * - `PARTIAL`: some path hands the caller on recording only one side, or nobody;
 * - `NOT_RECORDED`: no path hands the caller on with recording on;
 * - `NO_AGENT_PATH`: no path hands the caller to an agent (e.g. a transfer to an outside number): nothing to record;
 * - `UNREADABLE`: the content is missing or not a flow-language document.
 */
export type RecordingStatus = 'RECORDED' | 'PARTIAL' | 'NOT_RECORDED' | 'NO_AGENT_PATH' | 'UNREADABLE';

export interface FlowRecording {
  readonly status: RecordingStatus;
  readonly detail: string;
}

interface Action {
  readonly Identifier: string;
  readonly Type: string;
  readonly Parameters?: { readonly RecordingBehavior?: { readonly RecordedParticipants?: unknown } };
  readonly Transitions?: {
    readonly NextAction?: unknown;
    readonly Errors?: ReadonlyArray<{ readonly NextAction?: unknown }>;
    readonly Conditions?: ReadonlyArray<{ readonly NextAction?: unknown }>;
  };
}

/** Judges one flow's content (the JSON string DescribeContactFlow returns). */
export function recordingOf(content: string | undefined | null): FlowRecording {
  let doc: unknown;
  try {
    doc = typeof content === 'string' ? JSON.parse(content) : undefined;
  } catch {
    doc = undefined;
  }
  const d = doc as { StartAction?: unknown; Actions?: unknown } | undefined;
  if (!d || typeof d.StartAction !== 'string' || !Array.isArray(d.Actions)) {
    return { status: 'UNREADABLE', detail: 'the flow content could not be read as flow language' };
  }
  const actions = new Map<string, Action>();
  for (const a of d.Actions as Action[]) {
    if (a && typeof a.Identifier === 'string' && typeof a.Type === 'string') actions.set(a.Identifier, a);
  }

  // Depth-first over (action, who is recorded): the same action may be reached with different behaviours.
  const atHandOff = new Set<string>();
  const seen = new Set<string>();
  const pending: Array<{ id: string; recorded: string }> = [{ id: d.StartAction, recorded: '' }];
  while (pending.length > 0) {
    const { id, recorded: before } = pending.pop()!;
    const key = `${id}\u0000${before}`;
    const action = actions.get(id);
    if (seen.has(key) || !action) continue;
    seen.add(key);
    let recorded = before;
    if (action.Type === RECORDING_ACTION_TYPE) {
      const participants = action.Parameters?.RecordingBehavior?.RecordedParticipants;
      recorded = Array.isArray(participants)
        ? [...new Set(participants.filter((p): p is string => typeof p === 'string'))].sort().join(',')
        : before;
    }
    if (HAND_OFF_ACTIONS.has(action.Type)) atHandOff.add(recorded);
    const t = action.Transitions ?? {};
    const next = [t.NextAction, ...(t.Errors ?? []).map((e) => e?.NextAction), ...(t.Conditions ?? []).map((c) => c?.NextAction)];
    for (const n of next) if (typeof n === 'string') pending.push({ id: n, recorded });
  }

  const both = [...RECORDED_PARTICIPANTS].sort().join(',');
  const states = [...atHandOff];
  if (states.length === 0) return { status: 'NO_AGENT_PATH', detail: 'no path hands the caller to an agent: nothing to record' };
  if (states.every((s) => s === both)) return { status: 'RECORDED', detail: 'records agent and customer before the caller is handed on' };
  if (states.every((s) => s === '')) {
    return { status: 'NOT_RECORDED', detail: `no ${RECORDING_ACTION_TYPE} turns recording on before the caller is handed on` };
  }
  const shown = states.map((s) => (s === '' ? 'nobody' : s.replace(',', ' and '))).sort();
  return { status: 'PARTIAL', detail: `not every path records agent and customer (paths record: ${shown.join('; ')})` };
}

/**
 * One readiness item per target flow. A flow that records (or hands nobody to an agent) passes; any other is a
 * blocker when `requireRecording`, else a passing item marked `warning` so the approver still sees it.
 */
export function assessRecording(
  flows: ReadonlyArray<{ readonly name: string; readonly content: string | undefined | null }>,
  requireRecording: boolean,
): ReadinessItem[] {
  return flows.map(({ name, content }) => {
    const { status, detail } = recordingOf(content);
    if (status === 'RECORDED' || status === 'NO_AGENT_PATH') return { check: RECORDING_CHECK, subject: name, ok: true, detail };
    return requireRecording
      ? { check: RECORDING_CHECK, subject: name, ok: false, detail: `${detail} (requireRecording is on)` }
      : { check: RECORDING_CHECK, subject: name, ok: true, warning: true, detail: `warning: ${detail}; calls to it are not recorded` };
  });
}
