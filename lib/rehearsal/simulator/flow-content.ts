/**
 * Flow contents in the simulated instance (cutoverMode switchFlow): what each flow's published content is, when a
 * written content starts to route new callers, and where a caller to a number ends up (following an entry flow's
 * transfer: a flow, the legacy platform, or a split by percentage).
 *
 * AWS rules modelled here:
 * - UpdateContactFlowContent answers 200 with an empty body; bad content is HTTP 400 InvalidContactFlowException
 *   with `problems: [{ message }]`; Content is 1–256,000 characters.
 *   https://docs.aws.amazon.com/connect/latest/APIReference/API_UpdateContactFlowContent.html
 *   https://docs.aws.amazon.com/connect/latest/APIReference/API_InvalidContactFlowException.html
 * - The call updates the published flow: DescribeContactFlow shows the new content at once (the `$SAVED` alias is
 *   only for unpublished edits). How soon new *contacts* run it is not documented, nor what happens to contacts
 *   already in the flow: the rehearsal takes the stricter view, new contacts only and only after
 *   {@link FLOW_CONTENT_PROPAGATION_SECONDS} (so a rollback helps callers a minute after its API call returns).
 * - DistributeByPercentage draws 1–100 per contact; the target share is the first NumericLessThan operand.
 *   https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-distributebypercentage.html
 */
import { EntryRouting, routingOfContent } from '../../../lambda/core/switch-flow';
import { entryFlowContent, validateFlowContent } from '../../private/flow-content';
import { ApiError } from './errors';
import type { ContactCenterState, SimFlow } from './state';

/** Undocumented by AWS; the rehearsal's (stricter) assumption: a minute before new callers get new content. */
export const FLOW_CONTENT_PROPAGATION_SECONDS = 60;
/** UpdateContactFlowContent's Content length limit. */
export const MAX_FLOW_CONTENT_CHARS = 256_000;
const E164 = /^\+[1-9]\d{1,14}$/;

/** Where a caller to a number is routed (the rehearsal result's `finalRouting` values). */
export type RoutingSummary = string | Record<string, number>;

/** The content a flow gets when nothing else is known: it handles callers itself (a queue flow). */
export function ownContent(name: string): string {
  return JSON.stringify({
    Version: '2019-10-30',
    StartAction: 'handle',
    Metadata: { simulated: name },
    Actions: [{ Identifier: 'handle', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} }],
  });
}

/**
 * A flow the scenario names and the template does not synthesize: the library's entry flow into the first queue,
 * with or without the recording action (scenario `flows[].recording`), so DeployCheck's recording check reads real
 * flow language. It handles callers itself (no transfer to another flow or to legacy).
 */
function queueFlowContent(flow: SimFlow, state: ContactCenterState): string {
  return entryFlowContent({
    greeting: `Simulated flow ${flow.name}`.slice(0, 1000),
    queueArn: state.queues[0].arn,
    callRecording: flow.recording,
  });
}

export class FlowContents {
  /** Flow name → contents written, oldest first; the first entry is the content at the start (time -∞). */
  private readonly history = new Map<string, Array<{ atMs: number; content: string }>>();

  constructor(
    private readonly state: ContactCenterState,
    /** Contents known at the start, by flow name (the synthesized entry flows); others get {@link queueFlowContent}. */
    initial: Readonly<Record<string, string>> = {},
    private readonly propagationMs = FLOW_CONTENT_PROPAGATION_SECONDS * 1000,
  ) {
    for (const f of state.flows) this.history.set(f.name, [{ atMs: -Infinity, content: initial[f.name] ?? queueFlowContent(f, state) }]);
  }

  /** The published content (what DescribeContactFlow answers). */
  current(flow: SimFlow): string {
    const h = this.history.get(flow.name)!;
    return h[h.length - 1].content;
  }

  /** UpdateContactFlowContent: validates like Connect, then records the content from `atMs`. */
  update(flow: SimFlow, content: unknown, atMs: number): void {
    if (typeof content !== 'string' || content.length < 1 || content.length > MAX_FLOW_CONTENT_CHARS) {
      throw new ApiError('InvalidParameter', `Content must be a string of 1 to ${MAX_FLOW_CONTENT_CHARS} characters`);
    }
    const problems = this.problems(content);
    if (problems.length > 0) {
      throw new ApiError(
        'InvalidRequest',
        'The flow is not valid.',
        { problems: problems.map((message) => ({ message })) },
        'InvalidContactFlowException',
      );
    }
    this.history.get(flow.name)!.push({ atMs, content });
  }

  /** The content new callers run at `atMs` (a write counts only after the propagation delay). */
  effective(flowName: string, atMs: number): string | undefined {
    const h = this.history.get(flowName);
    if (!h) return undefined;
    let content = h[0].content;
    for (const e of h) if (e.atMs + this.propagationMs <= atMs) content = e.content;
    return content;
  }

  /** Instants at which some flow's effective content changes (metric integration cuts there). */
  changeTimes(): number[] {
    return [...this.history.values()].flatMap((h) => h.slice(1).map((e) => e.atMs + this.propagationMs));
  }

  /** Percent (0–100) of callers to a flow who reach a Connect flow other than the legacy bridge at `atMs`. */
  percentToConnect(flowName: string, atMs: number): number {
    const routing = routingOfContent(this.effective(flowName, atMs) ?? '');
    return percentOf(routing);
  }

  /** Where a caller to a flow goes by its written content: its own name, `legacy`, the target's name, or a split. */
  routingOf(flowName: string | null): RoutingSummary | null {
    if (flowName === null) return null;
    const h = this.history.get(flowName);
    if (!h) return flowName;
    const routing = routingOfContent(h[h.length - 1].content);
    if (!routing) return flowName;
    if (routing.kind === 'legacy') return 'legacy';
    const target = this.state.flowByRef(routing.flow)?.name ?? routing.flow;
    return routing.kind === 'target' ? target : { [target]: routing.percent, legacy: 100 - routing.percent };
  }

  /** What Connect would reject in a content: structure, and references a transfer cannot resolve. */
  private problems(content: string): string[] {
    let doc: unknown;
    try {
      doc = JSON.parse(content);
    } catch {
      return ['Content is not valid JSON'];
    }
    if (typeof doc !== 'object' || doc === null) return ['Content must be a JSON object'];
    const problems = validateFlowContent(doc);
    for (const a of ((doc as { Actions?: unknown[] }).Actions ?? []) as Array<Record<string, any>>) {
      if (a?.Type === 'TransferToFlow' && !this.state.flowByRef(a.Parameters?.ContactFlowId)) {
        problems.push(`action "${a.Identifier}": ContactFlowId ${a.Parameters?.ContactFlowId} is not a flow of this instance`);
      }
      if (a?.Type === 'TransferParticipantToThirdParty' && !E164.test(String(a.Parameters?.ThirdPartyPhoneNumber))) {
        problems.push(`action "${a.Identifier}": ThirdPartyPhoneNumber must be E.164`);
      }
      if (a?.Type === 'DistributeByPercentage') {
        for (const c of a.Transitions?.Conditions ?? []) {
          const v = Number(c?.Condition?.Operands?.[0]);
          if (c?.Condition?.Operator !== 'NumericLessThan' || !(v >= 0 && v <= 100)) {
            problems.push(`action "${a.Identifier}": conditions must be NumericLessThan comparisons no larger than 100`);
          }
        }
      }
    }
    return problems;
  }
}

function percentOf(routing: EntryRouting | undefined): number {
  if (!routing) return 100;
  if (routing.kind === 'legacy') return 0;
  return routing.kind === 'target' ? 100 : routing.percent;
}
