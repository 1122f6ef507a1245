import { Token } from 'aws-cdk-lib';
import { entryFlowContent as coreEntryFlowContent, EntryRouting } from '../../lambda/core/switch-flow';
import { RECORDED_PARTICIPANTS, RECORDING_ACTION_TYPE } from '../../lambda/core/recording';

/**
 * Amazon Connect flow-language documents, generated from code.
 *
 * Action Identifiers are readable and stable on purpose: they end up in CloudFormation snapshots, and
 * renaming one is a visible change to every deployed flow.
 *
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/flow-language.html
 */

/** The only flow-language version Amazon Connect accepts. */
export const FLOW_LANGUAGE_VERSION = '2019-10-30';

/**
 * A flow-language document: the `Content` of an `AWS::Connect::ContactFlow`.
 *
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-example.html
 */
export interface FlowDocument {
  readonly Version: typeof FLOW_LANGUAGE_VERSION;
  /** Identifier of the first action to run. */
  readonly StartAction: string;
  /** Free-form data, used by the flow designer for layout. */
  readonly Metadata?: Record<string, unknown>;
  readonly Actions: readonly FlowAction[];
}

/**
 * One step of a flow.
 *
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html
 */
export interface FlowAction {
  /** Unique within the flow, at most 50 characters. */
  readonly Identifier: string;
  /** The action type, e.g. `MessageParticipant`. */
  readonly Type: string;
  /** Type-specific parameters; `{}` when the action takes none. */
  readonly Parameters: Record<string, unknown>;
  /** Where to go next; `{}` for terminal actions. */
  readonly Transitions: FlowTransitions;
}

/** How a flow leaves an action. */
export interface FlowTransitions {
  /** Taken when no error or condition is chosen. */
  readonly NextAction?: string;
  readonly Errors?: readonly FlowErrorTransition[];
  /** Evaluated in order; the first one that holds is taken. */
  readonly Conditions?: readonly FlowConditionTransition[];
}

/** The action to run when an action fails with `ErrorType` (e.g. `NoMatchingError`). */
export interface FlowErrorTransition {
  readonly NextAction: string;
  readonly ErrorType: string;
}

/** The action to run when `Condition` holds for the action's result. */
export interface FlowConditionTransition {
  readonly NextAction: string;
  readonly Condition: FlowCondition;
}

/** A test of an action's result, e.g. `{ Operator: 'Equals', Operands: ['True'] }`. */
export interface FlowCondition {
  readonly Operator: string;
  readonly Operands: readonly (string | FlowCondition)[];
}

/** Props for {@link entryFlowContent}. */
export interface EntryFlowProps {
  /** Text-to-speech played to the caller before queueing; 1 to 1000 characters. */
  readonly greeting: string;
  /** ARN of the queue callers are transferred to; usually a token. */
  readonly queueArn: string;
  /**
   * Whether the flow turns call recording on (agent and customer) before the caller is queued, so the instance's
   * encrypted recordings storage receives the conversation. Off: no recording action, so nothing is recorded
   * unless another flow or an API call (StartContactRecording) turns it on.
   * @default true
   */
  readonly callRecording?: boolean;
}

// One definition of the recording action for the flows generated here and DeployCheck's judgement of them.
export { RECORDING_ACTION_TYPE, RECORDED_PARTICIPANTS } from '../../lambda/core/recording';
/** Identifier of the recording action {@link withCallRecording} adds. */
export const RECORDING_ACTION_ID = 'set-recording';

/** Props for {@link legacyBridgeFlowContent}. */
export interface LegacyBridgeFlowProps {
  /** The legacy platform's number, in E.164 (`+18005550100`); may be a token. */
  readonly legacyNumber: string;
  /**
   * Text-to-speech played before the transfer; 1 to 1000 characters.
   *
   * @default - no greeting: callers are transferred straight away, as if they had dialled the legacy platform
   */
  readonly greeting?: string;
}

const MAX_ACTIONS = 250;
const MAX_IDENTIFIER_CHARS = 50;
const MAX_GREETING_CHARS = 1000;
const FORBIDDEN_IDENTIFIER_CHARS = /[%:()\\/=$,;[\]{}]/;
const RESERVED_IDENTIFIERS = new Set([
  '__proto__',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
]);
// These stop the flow, so the flow language requires their Transitions to be `{}`.
const TERMINAL_ACTION_TYPES = new Set(['DisconnectParticipant', 'EndFlowExecution']);

const E164 = /^\+[1-9]\d{1,14}$/;
const CONNECT_QUEUE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[^/\s]+\/queue\/[^/\s]+$/;
// Long enough for a healthy legacy IVR to answer; past it the caller hears the apology instead of ringing.
const LEGACY_ANSWER_TIMEOUT_SECONDS = 30;
const APOLOGY = 'We are sorry, we cannot take your call right now. Please try again later. Goodbye.';

/**
 * The entry flow used for UAT and after cutover: greet the caller, set the working queue, transfer to it.
 * Every error path apologizes and disconnects.
 */
export function entryFlowContent(props: EntryFlowProps): string {
  validateGreeting(props.greeting);
  validateQueueArn(props.queueArn);
  const doc: FlowDocument = {
    Version: FLOW_LANGUAGE_VERSION,
    StartAction: 'greeting',
    Actions: [
      messageParticipant('greeting', props.greeting, 'set-queue'),
      {
        Identifier: 'set-queue',
        Type: 'UpdateContactTargetQueue',
        Parameters: { QueueId: props.queueArn },
        Transitions: { NextAction: 'transfer-to-queue', Errors: onErrors('apologize', 'NoMatchingError') },
      },
      {
        // Once queued the flow ends; NextAction only runs if Connect returns without queueing the contact.
        Identifier: 'transfer-to-queue',
        Type: 'TransferContactToQueue',
        Parameters: {},
        Transitions: { NextAction: 'apologize', Errors: onErrors('apologize', 'QueueAtCapacity', 'NoMatchingError') },
      },
      ...apologizeAndDisconnect(),
    ],
  };
  return renderFlowContent(props.callRecording === false ? doc : withCallRecording(doc));
}

/**
 * Returns the flow with call recording turned on as its first action: voice, agent and customer. Generated flows
 * that hand the caller to an agent (a queue, or a flow that queues) call it before rendering.
 *
 * Why first: Connect records only once an agent joins, but the behaviour must be set while the contact is still in
 * a flow — TransferContactToQueue ends the flow, so an action after it never runs — and setting it before anything
 * else covers every path to the queue, error paths included. The action has no error branch (its documented
 * Errors are "None"), so it only needs a NextAction. Contact Lens analytics stay off here: they are billed and
 * need a language, a decision for the instance owner.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/contact-actions-updatecontactrecordingbehavior.html
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/set-up-recordings.html (recorded only once connected to an agent)
 */
export function withCallRecording(doc: FlowDocument): FlowDocument {
  if (doc.Actions.some((a) => a.Identifier === RECORDING_ACTION_ID)) {
    throw new Error(`flow already has an action "${RECORDING_ACTION_ID}"`);
  }
  return {
    ...doc,
    StartAction: RECORDING_ACTION_ID,
    Actions: [
      {
        Identifier: RECORDING_ACTION_ID,
        Type: RECORDING_ACTION_TYPE,
        Parameters: { RecordingBehavior: { RecordedParticipants: [...RECORDED_PARTICIPANTS] } },
        Transitions: { NextAction: doc.StartAction },
      },
      ...doc.Actions,
    ],
  };
}

/**
 * The legacy bridge: while both platforms run in parallel a production number points here, and callers are
 * transferred to the legacy platform's number. Every error path apologizes and disconnects.
 *
 * It sets no recording: no Connect agent ever joins these calls, and Connect records only agent conversations
 * (https://docs.aws.amazon.com/connect/latest/adminguide/set-up-recordings.html). The legacy platform keeps
 * recording its own calls during parallel running.
 */
export function legacyBridgeFlowContent(props: LegacyBridgeFlowProps): string {
  validateLegacyNumber(props.legacyNumber);
  if (props.greeting !== undefined) {
    validateGreeting(props.greeting);
  }
  const greeting = props.greeting === undefined ? [] : [messageParticipant('greeting', props.greeting, 'transfer-to-legacy')];
  return renderFlowContent({
    Version: FLOW_LANGUAGE_VERSION,
    StartAction: greeting.length > 0 ? 'greeting' : 'transfer-to-legacy',
    Actions: [
      ...greeting,
      {
        // ContinueFlowExecution "True" is what gives CallFailed and ConnectionTimeLimitExceeded their own
        // branches; NextAction then runs when the legacy side hangs up first.
        Identifier: 'transfer-to-legacy',
        Type: 'TransferParticipantToThirdParty',
        Parameters: {
          ThirdPartyPhoneNumber: props.legacyNumber,
          ThirdPartyConnectionTimeLimitSeconds: String(LEGACY_ANSWER_TIMEOUT_SECONDS),
          ContinueFlowExecution: 'True',
        },
        Transitions: {
          NextAction: 'disconnect',
          Errors: onErrors('apologize', 'CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'),
        },
      },
      ...apologizeAndDisconnect(),
    ],
  });
}

/**
 * A switchFlow entry flow's content (lambda/core/switch-flow.ts generates it, so the handlers write the same
 * document at cutover and rollback): `legacy`, `target` (TransferToFlow) or `split` (DistributeByPercentage).
 * Checked with {@link validateFlowContent}.
 */
export function switchEntryFlowContent(routing: EntryRouting, legacyNumber: string): string {
  validateLegacyNumber(legacyNumber);
  const content = coreEntryFlowContent(routing, legacyNumber);
  const problems = validateFlowContent(JSON.parse(content) as object);
  if (problems.length > 0) throw new Error(`entry flow content is invalid:\n- ${problems.join('\n- ')}`);
  return content;
}

/** Serializes a flow document for `AWS::Connect::ContactFlow.Content`, throwing if it is not well formed. */
export function renderFlowContent(doc: FlowDocument): string {
  const problems = validateFlowContent(doc);
  if (problems.length > 0) {
    throw new Error(`flow content is invalid:\n- ${problems.join('\n- ')}`);
  }
  // Tokens (e.g. a queue ARN) survive as strings; CDK turns them into Fn::Join at synth.
  return JSON.stringify(doc);
}

/**
 * Structural problems in a flow-language document; empty when there are none.
 *
 * Checks what CloudFormation would otherwise reject at deploy (version, start action, identifiers,
 * transition targets) plus flows that dead-end or carry unreachable actions. It does not check each
 * action type's parameters.
 */
export function validateFlowContent(content: object): string[] {
  const doc = content as Partial<Record<keyof FlowDocument, unknown>>;
  const problems: string[] = [];

  if (doc.Version !== FLOW_LANGUAGE_VERSION) {
    problems.push(`Version must be "${FLOW_LANGUAGE_VERSION}", got: ${JSON.stringify(doc.Version)}`);
  }
  if (!Array.isArray(doc.Actions) || doc.Actions.length === 0) {
    problems.push('Actions must be a non-empty array');
    return problems;
  }
  if (doc.Actions.length > MAX_ACTIONS) {
    problems.push(`a flow may have at most ${MAX_ACTIONS} Actions, got: ${doc.Actions.length}`);
  }

  // Malformed actions still count as targets (their Identifier exists) but are not walked.
  const actions: FlowAction[] = [];
  const ids: string[] = [];
  doc.Actions.forEach((action: unknown, index: number) => {
    if (isObject(action) && typeof action.Identifier === 'string' && action.Identifier !== '') {
      ids.push(action.Identifier);
    }
    const shapeProblem = actionShapeProblem(action);
    if (shapeProblem) {
      problems.push(`Actions[${index}] ${shapeProblem}`);
    } else {
      actions.push(action as FlowAction);
    }
  });

  const uniqueIds = new Set(ids);
  for (const id of uniqueIds) {
    const uses = ids.filter((other) => other === id).length;
    if (uses > 1) {
      problems.push(`Identifier "${id}" is used by ${uses} actions`);
    }
    problems.push(...identifierProblems(id));
  }

  for (const action of actions) {
    problems.push(...transitionProblems(action, uniqueIds));
  }

  if (typeof doc.StartAction !== 'string' || doc.StartAction === '') {
    problems.push('StartAction must be a non-empty string');
  } else if (!uniqueIds.has(doc.StartAction)) {
    problems.push(`StartAction "${doc.StartAction}" does not match any action Identifier`);
  } else if (actions.length === doc.Actions.length) {
    // Reachability is only judged when every action's transitions could be read.
    const reached = reachableFrom(doc.StartAction, actions);
    for (const id of uniqueIds) {
      if (!reached.has(id)) {
        problems.push(`action "${id}" is unreachable from StartAction "${doc.StartAction}"`);
      }
    }
  }
  return problems;
}

function messageParticipant(identifier: string, text: string, next: string): FlowAction {
  return {
    Identifier: identifier,
    Type: 'MessageParticipant',
    Parameters: { Text: text },
    Transitions: { NextAction: next, Errors: onErrors('apologize', 'NoMatchingError') },
  };
}

function apologizeAndDisconnect(): FlowAction[] {
  return [
    {
      Identifier: 'apologize',
      Type: 'MessageParticipant',
      Parameters: { Text: APOLOGY },
      Transitions: { NextAction: 'disconnect', Errors: onErrors('disconnect', 'NoMatchingError') },
    },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ];
}

function onErrors(next: string, ...errorTypes: string[]): FlowErrorTransition[] {
  return errorTypes.map((errorType) => ({ NextAction: next, ErrorType: errorType }));
}

function validateGreeting(greeting: string): void {
  if (Token.isUnresolved(greeting)) {
    return;
  }
  if (greeting.trim() === '') {
    throw new Error(`greeting must not be empty, got: "${greeting}"`);
  }
  if (greeting.length > MAX_GREETING_CHARS) {
    throw new Error(`greeting must be at most ${MAX_GREETING_CHARS} characters, got: ${greeting.length}`);
  }
}

function validateQueueArn(queueArn: string): void {
  if (!Token.isUnresolved(queueArn) && !CONNECT_QUEUE_ARN.test(queueArn)) {
    throw new Error(
      `queueArn must be an Amazon Connect queue ARN like arn:aws:connect:us-east-1:123456789012:instance/<instance-id>/queue/<queue-id>, got: ${queueArn}`,
    );
  }
}

function validateLegacyNumber(legacyNumber: string): void {
  if (!Token.isUnresolved(legacyNumber) && !E164.test(legacyNumber)) {
    throw new Error(`legacyNumber must be an E.164 number like +18005550100, got: ${legacyNumber}`);
  }
}

function actionShapeProblem(action: unknown): string | undefined {
  if (!isObject(action)) {
    return 'must be an object';
  }
  if (typeof action.Identifier !== 'string' || action.Identifier === '') {
    return 'must have a non-empty string Identifier';
  }
  const name = `"${action.Identifier}"`;
  if (typeof action.Type !== 'string' || action.Type === '') {
    return `${name} must have a non-empty string Type`;
  }
  if (!isObject(action.Parameters)) {
    return `${name} must have a Parameters object`;
  }
  if (!isObject(action.Transitions)) {
    return `${name} must have a Transitions object`;
  }
  const { NextAction, Errors, Conditions } = action.Transitions;
  if (NextAction !== undefined && typeof NextAction !== 'string') {
    return `${name} must have a string Transitions.NextAction`;
  }
  if (Errors !== undefined && !(Array.isArray(Errors) && Errors.every(isErrorTransition))) {
    return `${name} must have Transitions.Errors as a list of { ErrorType, NextAction } strings`;
  }
  if (Conditions !== undefined && !(Array.isArray(Conditions) && Conditions.every(isConditionTransition))) {
    return `${name} must have Transitions.Conditions as a list of { Condition, NextAction }`;
  }
  return undefined;
}

function identifierProblems(id: string): string[] {
  const problems: string[] = [];
  if (id.length > MAX_IDENTIFIER_CHARS) {
    problems.push(`Identifier "${id}" is longer than ${MAX_IDENTIFIER_CHARS} characters`);
  }
  if (FORBIDDEN_IDENTIFIER_CHARS.test(id)) {
    problems.push(`Identifier "${id}" contains a character Connect rejects: % : ( \\ / ) = $ , ; [ ] { }`);
  }
  if (RESERVED_IDENTIFIERS.has(id)) {
    problems.push(`Identifier "${id}" is a reserved name`);
  }
  return problems;
}

function transitionProblems(action: FlowAction, ids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const edges = outgoing(action);
  for (const { via, target } of edges) {
    if (!ids.has(target)) {
      problems.push(`action "${action.Identifier}": ${via} "${target}" does not match any action Identifier`);
    }
  }
  const terminal = TERMINAL_ACTION_TYPES.has(action.Type);
  if (terminal && Object.keys(action.Transitions).length > 0) {
    problems.push(`action "${action.Identifier}" (${action.Type}) is terminal, so its Transitions must be {}`);
  }
  if (!terminal && edges.length === 0) {
    problems.push(
      `action "${action.Identifier}" (${action.Type}) has no NextAction, Errors or Conditions, but only ${[...TERMINAL_ACTION_TYPES].join(' and ')} may end a flow`,
    );
  }
  return problems;
}

function outgoing(action: FlowAction): Array<{ via: string; target: string }> {
  const { NextAction, Errors = [], Conditions = [] } = action.Transitions;
  return [
    ...(NextAction === undefined ? [] : [{ via: 'NextAction', target: NextAction }]),
    ...Errors.map((error) => ({ via: `Errors[${error.ErrorType}].NextAction`, target: error.NextAction })),
    ...Conditions.map((condition, index) => ({ via: `Conditions[${index}].NextAction`, target: condition.NextAction })),
  ];
}

function reachableFrom(start: string, actions: readonly FlowAction[]): Set<string> {
  const reached = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (reached.has(id)) {
      continue;
    }
    reached.add(id);
    for (const action of actions.filter((candidate) => candidate.Identifier === id)) {
      pending.push(...outgoing(action).map((edge) => edge.target));
    }
  }
  return reached;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorTransition(value: unknown): value is FlowErrorTransition {
  return isObject(value) && typeof value.ErrorType === 'string' && typeof value.NextAction === 'string';
}

function isConditionTransition(value: unknown): value is FlowConditionTransition {
  return isObject(value) && isObject(value.Condition) && typeof value.NextAction === 'string';
}
