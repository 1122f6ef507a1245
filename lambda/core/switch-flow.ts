/**
 * cutoverMode `switchFlow`: every number of a service line points at the line's **entry flow**, and the cutover
 * changes that flow's content (one UpdateContactFlowContent per line, whatever the number count). Pure: the
 * content generators, the parser that says where a content routes callers, and the canary-step rules. No SDK.
 *
 * The flow language:
 * - `TransferParticipantToThirdParty` bridges the caller to the legacy platform (as the LegacyBridge flow does);
 *   https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-transferparticipanttothirdparty.html
 * - `TransferToFlow` `{ ContactFlowId: <flow id or ARN> }` continues at the target flow's beginning;
 *   https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-transfertoflow.html
 * - `DistributeByPercentage` `{}` draws a random number 1–100 per contact; its Conditions must be a chain of
 *   `NumericLessThan` comparisons (each the previous value plus the branch's percentage, none above 100) and
 *   `NoMatchingCondition` is the remaining share. We give the target branch the first comparison, operand = the
 *   percentage, as the admin guide's "20% = A" example reads.
 *   https://docs.aws.amazon.com/connect/latest/APIReference/flow-control-actions-distributebypercentage.html
 *   https://docs.aws.amazon.com/connect/latest/adminguide/distribute-by-percentage.html
 */
import { DEFAULT_SERVICE_LINE } from './verdict';

/** Where an entry flow sends its callers. */
export type EntryRouting =
  | { readonly kind: 'legacy' }
  | { readonly kind: 'target'; readonly flow: string }
  | { readonly kind: 'split'; readonly flow: string; readonly percent: number };

/** One service line's entry flow, as the construct configures it (`config.switchFlow.lines`). */
export interface SwitchFlowLine {
  readonly serviceLine: string;
  /** The entry flow every number of the line points at: ARN, id or name. */
  readonly entryFlow: string;
  /** The line's target flow (every plan entry of the line names the same one): ARN, id or name. */
  readonly targetFlow: string;
}

/** The `switchFlow` part of RunbookConfig. */
export interface SwitchFlowConfig {
  /** E.164 number of the legacy platform the `legacy` content bridges callers to. */
  readonly legacyNumber: string;
  readonly lines: readonly SwitchFlowLine[];
}

/**
 * The control-table record of one line's entry flow (`ENTRYFLOW#<executionArn>#<index>`), written by DeployCheck:
 * the resolved ids and the content the flow had before cutover (what Rollback restores).
 */
export interface EntryFlowSnapshot {
  readonly serviceLine: string;
  readonly entryFlowId: string;
  readonly entryFlowArn: string;
  readonly entryFlowName: string;
  readonly targetFlowArn: string;
  readonly content: string;
  /** Numbers of the wave on this line (counts only; the numbers are in the SNAPSHOT items). */
  readonly numbers: number;
}

const VERSION = '2019-10-30';
// Long enough for a healthy legacy IVR to answer (lib/private/flow-content.ts uses the same for the LegacyBridge).
const LEGACY_ANSWER_TIMEOUT_SECONDS = '30';
const APOLOGY = 'We are sorry, we cannot take your call right now. Please try again later. Goodbye.';

/** Canary percentages are whole percents strictly between 0 and 100, ascending; 100 is the full cutover. */
export const MAX_CANARY_STEPS = 10;

/**
 * The entry flow's content for a routing. `legacy`: bridge to the legacy number. `target`: TransferToFlow to the
 * target flow. `split`: DistributeByPercentage, `percent` of callers to the target, the rest to legacy. A failed
 * transfer to the target falls back to the legacy bridge (the caller still gets served), a failed bridge
 * apologizes and disconnects.
 */
export function entryFlowContent(routing: EntryRouting, legacyNumber: string): string {
  const legacy = [
    {
      Identifier: 'transfer-to-legacy',
      Type: 'TransferParticipantToThirdParty',
      Parameters: {
        ThirdPartyPhoneNumber: legacyNumber,
        ThirdPartyConnectionTimeLimitSeconds: LEGACY_ANSWER_TIMEOUT_SECONDS,
        ContinueFlowExecution: 'True',
      },
      Transitions: {
        NextAction: 'disconnect',
        Errors: ['CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'].map((ErrorType) => ({
          NextAction: 'apologize',
          ErrorType,
        })),
      },
    },
    {
      Identifier: 'apologize',
      Type: 'MessageParticipant',
      Parameters: { Text: APOLOGY },
      Transitions: { NextAction: 'disconnect', Errors: [{ NextAction: 'disconnect', ErrorType: 'NoMatchingError' }] },
    },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ];
  const toTarget = (flow: string) => ({
    Identifier: 'transfer-to-target',
    Type: 'TransferToFlow',
    Parameters: { ContactFlowId: flow },
    Transitions: { Errors: [{ NextAction: 'transfer-to-legacy', ErrorType: 'NoMatchingError' }] },
  });
  switch (routing.kind) {
    case 'legacy':
      return JSON.stringify({ Version: VERSION, StartAction: 'transfer-to-legacy', Actions: legacy });
    case 'target':
      return JSON.stringify({ Version: VERSION, StartAction: 'transfer-to-target', Actions: [toTarget(routing.flow), ...legacy] });
    case 'split':
      if (!Number.isInteger(routing.percent) || routing.percent < 1 || routing.percent > 99) {
        throw new RangeError(`a split sends 1–99 percent to the target, got: ${routing.percent}`);
      }
      return JSON.stringify({
        Version: VERSION,
        StartAction: 'distribute',
        Actions: [
          {
            Identifier: 'distribute',
            Type: 'DistributeByPercentage',
            Parameters: {},
            Transitions: {
              Conditions: [
                {
                  NextAction: 'transfer-to-target',
                  Condition: { Operator: 'NumericLessThan', Operands: [String(routing.percent)] },
                },
              ],
              Errors: [{ NextAction: 'transfer-to-legacy', ErrorType: 'NoMatchingCondition' }],
            },
          },
          toTarget(routing.flow),
          ...legacy,
        ],
      });
  }
}

/** The routing for a canary percentage: 0 = legacy, 100 = target, else a split. */
export function routingForPercent(percent: number, targetFlow: string): EntryRouting {
  if (percent <= 0) return { kind: 'legacy' };
  if (percent >= 100) return { kind: 'target', flow: targetFlow };
  return { kind: 'split', flow: targetFlow, percent };
}

interface Action {
  Identifier?: unknown;
  Type?: unknown;
  Parameters?: Record<string, unknown>;
  Transitions?: { NextAction?: unknown; Conditions?: Array<{ NextAction?: unknown; Condition?: { Operands?: unknown[] } }> };
}

/**
 * Where a flow content sends callers, read from its start action (following one DistributeByPercentage):
 * a `TransferToFlow` is `target`, a `TransferParticipantToThirdParty` is `legacy`. Undefined for any other flow
 * (it handles callers itself). The rehearsal and the read-back both use it.
 */
export function routingOfContent(content: string): EntryRouting | undefined {
  let doc: { StartAction?: unknown; Actions?: unknown };
  try {
    doc = JSON.parse(content) as typeof doc;
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc.Actions)) return undefined;
  const actions = doc.Actions as Action[];
  const byId = (id: unknown) => actions.find((a) => a.Identifier === id);
  const terminal = (a: Action | undefined): EntryRouting | undefined => {
    if (a?.Type === 'TransferToFlow' && typeof a.Parameters?.ContactFlowId === 'string') {
      return { kind: 'target', flow: a.Parameters.ContactFlowId };
    }
    if (a?.Type === 'TransferParticipantToThirdParty') return { kind: 'legacy' };
    return undefined;
  };
  const start = byId(doc.StartAction);
  if (start?.Type !== 'DistributeByPercentage') return terminal(start);
  const condition = start.Transitions?.Conditions?.[0];
  const percent = Number(condition?.Condition?.Operands?.[0]);
  const branch = terminal(byId(condition?.NextAction));
  if (branch?.kind !== 'target' || !Number.isFinite(percent)) return undefined;
  return routingForPercent(Math.max(0, Math.min(100, percent)), branch.flow);
}

/** Two contents route alike when they parse to the same routing, or are the same JSON document. */
export function sameContent(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

/**
 * The service lines of a plan with their one target flow each; throws when a line names two target flows (one
 * entry flow transfers to one target).
 */
export function switchFlowLinesOf(
  plan: ReadonlyArray<{ phoneNumber: string; targetFlow: string; serviceLine?: string }>,
  entryFlowOf: (serviceLine: string) => string,
): SwitchFlowLine[] {
  const lines = new Map<string, SwitchFlowLine>();
  plan.forEach((entry, i) => {
    const serviceLine = entry.serviceLine ?? DEFAULT_SERVICE_LINE;
    const known = lines.get(serviceLine);
    if (known && known.targetFlow !== entry.targetFlow) {
      throw new Error(
        `plan[${i}].targetFlow must be the same for every number of service line ${serviceLine} in cutoverMode switchFlow (one entry flow transfers to one target flow), got: ${entry.targetFlow} and ${known.targetFlow}`,
      );
    }
    if (!known) lines.set(serviceLine, { serviceLine, entryFlow: entryFlowOf(serviceLine), targetFlow: entry.targetFlow });
  });
  return [...lines.values()];
}

/** The name of the entry flow the construct creates for a line that adopts none. */
export function defaultEntryFlowName(serviceLine: string): string {
  return `golive-entry-${serviceLine}`;
}

/** Problems with a canary step list (empty when fine): ascending whole percents in 1–100, ending at 100. */
export function canaryStepProblems(steps: unknown): string[] {
  if (!Array.isArray(steps)) return [`must be a list of percentages like [10, 50, 100], got: ${JSON.stringify(steps)}`];
  if (steps.length === 0 || steps.length > MAX_CANARY_STEPS) return [`must list 1–${MAX_CANARY_STEPS} steps, got: ${steps.length}`];
  const problems: string[] = [];
  steps.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > 100)
      problems.push(`[${i}] must be a whole percent 1–100, got: ${JSON.stringify(s)}`);
    else if (i > 0 && typeof steps[i - 1] === 'number' && s <= (steps[i - 1] as number))
      problems.push(`[${i}] must be larger than the step before, got: ${s}`);
  });
  if (problems.length === 0 && steps[steps.length - 1] !== 100)
    problems.push(`must end at 100 (the full cutover), got: ${steps[steps.length - 1]}`);
  return problems;
}
