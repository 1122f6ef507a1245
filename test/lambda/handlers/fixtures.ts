/**
 * State documents (docs/internals.md) and Connect answers for the handler tests. One contact center: three
 * numbers moving to two flows, two watched queues, a UAT number; the clock pinned at NOW.
 *
 * The state is compact: the plan is not in `config` (ValidateInput and DeployCheck get it as `{ state, plan }`,
 * see planEvent), `run` carries planSize/selection, `readiness` counts and a cursor, and each batch of resolved
 * numbers is a control table item `SNAPSHOT#<executionArn>#<batch>` (see givenSnapshot).
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DisassociatePhoneNumberContactFlowCommand,
} from '@aws-sdk/client-connect';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { DEFAULT_REQUIRED_ATTESTATIONS, DEFAULT_VERIFICATION, DEFAULT_VERIFICATION_BOUNDS } from '../../../lambda/core/defaults';
import { batchCount, cursorAfter, selectPlan } from '../../../lambda/core/batches';
import { snapshotKey } from '../../../lambda/core/control';
import {
  BatchCursor,
  PlanEntry,
  ReadinessState,
  ResolvedNumber,
  RunbookConfig,
  RunParameters,
  StateConfig,
  VerifyState,
} from '../../../lambda/core/types';
import { initialVerifyState, serviceLinesOf } from '../../../lambda/core/verdict';
import { useClock } from '../../../lambda/shared/clock';
import { CutoverRecord, RollbackProgress } from '../../../lambda/shared/state';

export const NOW = new Date('2025-06-01T22:00:00.000Z');
export const ACCOUNT = '123456789012';
export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE_ID}`;
export const OTHER_INSTANCE_ARN = `arn:aws:connect:us-east-1:${ACCOUNT}:instance/99999999-0000-0000-0000-000000000000`;
export const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:GoLiveRunbook:CHG-1042`;
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:go-live-status`;
export const CONTROL_TABLE = 'connect-golive-control';
export const CARRIER_HOOK_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:carrier-hook`;
export const CHANGE_ID = 'CHG-1042';

export const flowArn = (id: string): string => `${INSTANCE_ARN}/contact-flow/${id}`;
export const queueArn = (id: string): string => `${INSTANCE_ARN}/queue/${id}`;
export const numberArn = (id: string): string => `arn:aws:connect:us-east-1:${ACCOUNT}:phone-number/${id}`;

/** The instance's flows: two targets and the legacy bridge the numbers are on before cutover. */
export const FLOWS = {
  main: { id: 'flow-main', name: 'Main Inbound' },
  billing: { id: 'flow-billing', name: 'Billing Inbound' },
  legacy: { id: 'flow-legacy', name: 'Legacy Bridge' },
} as const;

export const QUEUES = {
  support: { id: 'q-support', name: 'Support' },
  billing: { id: 'q-billing', name: 'Billing' },
} as const;

/** pn-0 and pn-2 are on the legacy bridge before cutover; pn-1 has no flow (its rollback disassociates). */
export const NUMBERS: readonly ResolvedNumber[] = [
  resolved('+18005550100', 'pn-0', FLOWS.main.id, FLOWS.legacy.id),
  resolved('+18005550101', 'pn-1', FLOWS.main.id, null),
  resolved('+18005550102', 'pn-2', FLOWS.billing.id, FLOWS.legacy.id),
];

export const UAT_NUMBER = { phoneNumber: '+18005550199', id: 'pn-uat' } as const;

function resolved(phoneNumber: string, id: string, targetFlowId: string, snapshotFlowId: string | null): ResolvedNumber {
  return { phoneNumber, phoneNumberId: id, phoneNumberArn: numberArn(id), targetFlowId, snapshotFlowId };
}

/** The construct's plan: it reaches ValidateInput and DeployCheck in the task parameters, never in the state. */
export const PLAN: readonly PlanEntry[] = [
  { phoneNumber: '+18005550100', targetFlow: FLOWS.main.name },
  { phoneNumber: '+18005550101', targetFlow: flowArn(FLOWS.main.id) },
  { phoneNumber: '+18005550102', targetFlow: FLOWS.billing.id },
];

/** The `config` key as the state carries it: everything but the plan. */
export function config(overrides: Partial<StateConfig> = {}): StateConfig {
  return {
    instanceArn: INSTANCE_ARN,
    queues: [QUEUES.support.name, queueArn(QUEUES.billing.id)],
    cutoverMode: 'repoint',
    verification: DEFAULT_VERIFICATION,
    verificationBounds: DEFAULT_VERIFICATION_BOUNDS,
    minAgentsOnline: 2,
    requiredAttestations: DEFAULT_REQUIRED_ATTESTATIONS,
    allowedLatenessSeconds: 900,
    maxScheduleDays: 14,
    uatPhoneNumber: UAT_NUMBER.phoneNumber,
    cutoverConcurrency: 2,
    controlTableName: CONTROL_TABLE,
    statusTopicArn: TOPIC_ARN,
    expectedCallerIdNumbers: [MAIN_CALLER_ID_NUMBER_ID],
    ...overrides,
  };
}

/** The id of the number the queues show as outbound caller ID (an expected one, not a plan number). */
export const MAIN_CALLER_ID_NUMBER_ID = '5a1e5000-0000-4000-8000-00000000ca11';

/** The construct's whole configuration (the state's config plus the plan), as the core's input parser takes it. */
export function runbookConfig(overrides: Partial<RunbookConfig> = {}): RunbookConfig {
  return { ...config(), plan: PLAN, ...overrides };
}

/** `run`: the whole PLAN, or the `selection` of it (planSize follows the selection unless given). */
export function run(overrides: Partial<RunParameters> = {}): RunParameters {
  return {
    changeId: CHANGE_ID,
    cutoverAt: '2025-06-01T22:00:00.000Z',
    dryRun: false,
    planSize: selectPlan(PLAN, overrides.selection).length,
    verification: DEFAULT_VERIFICATION,
    ...overrides,
  };
}

/** A loop's cursor once batch `index` of a wave of `total` numbers has run (see lambda/core/batches.ts). */
export function cursor(index: number, total: number, batches: number = batchCount(total)): BatchCursor {
  return cursorAfter(index, total, batches);
}

/** The cursor of a loop that has run every batch of NUMBERS (one batch). */
export const DONE: BatchCursor = { nextBatch: 1, batches: 1, total: NUMBERS.length, done: true };

/** DeployCheck's finished result as the state machine stores it under `readiness`: every number resolved, one batch. */
export function readiness(overrides: Partial<ReadinessState> = {}): ReadinessState {
  return {
    ready: true,
    items: [{ check: 'instance-active', subject: INSTANCE_ID, ok: true, detail: 'status ACTIVE' }],
    queueIds: [QUEUES.support.id, QUEUES.billing.id],
    targetFlowNames: [FLOWS.main.name, FLOWS.billing.name],
    // As DeployCheck groups the plan: entries without a service line form one line over the watched queues.
    serviceLines: serviceLinesOf(PLAN, config().queues),
    numberCounts: { total: NUMBERS.length, resolved: NUMBERS.length, failing: 0 },
    cursor: DONE,
    ...overrides,
  };
}

/** The cutover finished five minutes before NOW. */
export const CUTOVER_COMPLETED_AT = new Date(NOW.getTime() - 300_000);

export function cutoverRecord(overrides: Partial<CutoverRecord> = {}): CutoverRecord {
  return {
    startedAt: new Date(CUTOVER_COMPLETED_AT.getTime() - 4_000).toISOString(),
    completedAt: CUTOVER_COMPLETED_AT.toISOString(),
    mode: 'repoint',
    cursor: DONE,
    moved: NUMBERS.length,
    alreadyOnTarget: 0,
    ...overrides,
  };
}

/** A rollback that has run `restored` numbers' batches so far (cursor given by the test). */
export function rollbackProgress(overrides: Partial<RollbackProgress> = {}): RollbackProgress {
  return { startedAt: NOW.toISOString(), cursor: cursor(0, NUMBERS.length), restored: 0, ...overrides };
}

/** A verify state mid-window: every check passed once, nothing failing. */
export function verifyState(overrides: Partial<VerifyState> = {}): VerifyState {
  const initial = initialVerifyState();
  return {
    ...initial,
    polls: 12,
    decision: 'CONTINUE',
    reason: '240 s of 1800 s: no check failing',
    everPassed: Object.fromEntries(Object.keys(initial.everPassed).map((k) => [k, true])),
    ...overrides,
  };
}

/** The state document as a task receives it. `state({ verify: undefined })` drops a key. */
export function state(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    executionArn: EXECUTION_ARN,
    input: { changeId: CHANGE_ID, cutoverAt: '2025-06-01T22:00:00.000Z' },
    config: config(),
    run: run(),
    readiness: readiness(),
    ...overrides,
  };
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  return doc;
}

/** The event of ValidateInput and DeployCheck: the state document and the plan from the task parameters. */
export function planEvent(
  doc: Record<string, unknown> = state(),
  plan: readonly PlanEntry[] = PLAN,
): { state: Record<string, unknown>; plan: readonly PlanEntry[] } {
  return { state: doc, plan };
}

/** The control table item of one snapshot batch, as GetItem returns it. */
export function snapshotItem(batch: number, numbers: readonly ResolvedNumber[], executionArn: string = EXECUTION_ARN) {
  return { Item: { pk: { S: snapshotKey(executionArn, batch) }, numbers: { S: JSON.stringify(numbers) }, expiresAt: { N: '1' } } };
}

/**
 * Makes the control table answer GetItem of `SNAPSHOT#<EXECUTION_ARN>#<n>` with the given numbers per batch
 * (default: NUMBERS in batch 0). Any other key (the abort flag, a batch not given) keeps the table's default
 * answer: with mockAws, no item.
 */
export function givenSnapshot(
  dynamodb: AwsClientStub<DynamoDBClient>,
  batches: Record<number, readonly ResolvedNumber[]> = { 0: NUMBERS },
): void {
  for (const [batch, numbers] of Object.entries(batches)) {
    dynamodb
      .on(GetItemCommand, { Key: { pk: { S: snapshotKey(EXECUTION_ARN, Number(batch)) } } })
      .resolves(snapshotItem(Number(batch), numbers));
  }
}

/** The snapshot batches GetItem read, in call order. */
export function snapshotReads(dynamodb: AwsClientStub<DynamoDBClient>): string[] {
  return dynamodb
    .commandCalls(GetItemCommand)
    .map((c) => c.args[0].input.Key?.pk?.S ?? '')
    .filter((pk) => pk.startsWith('SNAPSHOT#'));
}

/** `count` resolved numbers (pn-<i>, +1800555<i>), each moving from the legacy bridge to Main Inbound. */
export function manyNumbers(count: number, from = 0): ResolvedNumber[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return resolved(`+1800777${String(i).padStart(4, '0')}`, `pn-m${i}`, FLOWS.main.id, FLOWS.legacy.id);
  });
}

/** BatchGetFlowAssociation's answer: phoneNumberId → flow id (null or absent = no association). */
export function associations(byId: Record<string, string | null>) {
  return {
    FlowAssociationSummaryList: Object.entries(byId)
      .filter(([, flowId]) => flowId !== null)
      .map(([id, flowId]) => ({ ResourceId: numberArn(id), FlowId: flowArn(flowId!), ResourceType: 'VOICE_PHONE_NUMBER' as const })),
  };
}

/** Successive BatchGetFlowAssociation answers (the last one repeats). */
export function givenAssociations(connect: AwsClientStub<ConnectClient>, ...answers: Array<Record<string, string | null>>): void {
  const stub = connect.on(BatchGetFlowAssociationCommand);
  answers.slice(0, -1).forEach((a) => stub.resolvesOnce(associations(a)));
  stub.resolves(associations(answers[answers.length - 1]));
}

/**
 * A stateful Connect for association calls: BatchGetFlowAssociation answers from `flows` (phoneNumberId → flow id),
 * Associate/Disassociate change it, except for the ids in `failing` (they reject with InternalServiceException and stay
 * put). `moves` counts the association calls per number, to prove no number is moved twice.
 */
export function associationWorld(connect: AwsClientStub<ConnectClient>, initial: Record<string, string | null>) {
  const world = { flows: { ...initial }, failing: new Set<string>(), moves: {} as Record<string, number> };
  const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const move = (id: string, flowId: string | null) => {
    world.moves[id] = (world.moves[id] ?? 0) + 1;
    if (world.failing.has(id)) throw awsError('InternalServiceException', 'Request processing failed');
    world.flows[id] = flowId;
    return {};
  };
  connect.on(BatchGetFlowAssociationCommand).callsFake((input: { ResourceIds: string[] }) => ({
    FlowAssociationSummaryList: input.ResourceIds.filter((arn) => (world.flows[idOf(arn)] ?? null) !== null).map((arn) => ({
      ResourceId: arn,
      FlowId: flowArn(world.flows[idOf(arn)]!),
      ResourceType: 'VOICE_PHONE_NUMBER' as const,
    })),
  }));
  connect
    .on(AssociatePhoneNumberContactFlowCommand)
    .callsFake((input: { PhoneNumberId: string; ContactFlowId: string }) => move(input.PhoneNumberId, input.ContactFlowId));
  connect.on(DisassociatePhoneNumberContactFlowCommand).callsFake((input: { PhoneNumberId: string }) => move(input.PhoneNumberId, null));
  return world;
}

export const BEFORE_CUTOVER: Record<string, string | null> = { 'pn-0': FLOWS.legacy.id, 'pn-1': null, 'pn-2': FLOWS.legacy.id };
export const ON_TARGET: Record<string, string | null> = { 'pn-0': FLOWS.main.id, 'pn-1': FLOWS.main.id, 'pn-2': FLOWS.billing.id };

/** The status messages published, parsed. */
export function published(sns: AwsClientStub<SNSClient>): Array<{ subject?: string; message: Record<string, unknown> }> {
  return sns
    .commandCalls(PublishCommand)
    .map((c) => ({ subject: c.args[0].input.Subject, message: JSON.parse(c.args[0].input.Message ?? '{}') }));
}

/** Pins the clock at `at`; sleeping is instant. Returns the restore function for afterEach. */
export function pinClock(at: Date = NOW): () => void {
  useClock(
    () => at,
    async () => {},
  );
  return () =>
    useClock(
      () => new Date(),
      (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    );
}

/** An SDK service error as the client throws it. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/**
 * The SDK mocks every handler test starts from, reset before each test: Connect and SNS answer nothing unless
 * told, SNS Publish succeeds, the control table (abort flag, go-live lock) answers empty, and the clock is pinned.
 */
export function mockAws() {
  const mocks = {
    connect: mockClient(ConnectClient),
    sns: mockClient(SNSClient),
    dynamodb: mockClient(DynamoDBClient),
  };
  let restoreClock: () => void;
  beforeEach(() => {
    mocks.connect.reset();
    mocks.sns.reset();
    mocks.dynamodb.reset();
    mocks.dynamodb.onAnyCommand().resolves({});
    mocks.sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    restoreClock = pinClock();
  });
  afterEach(() => restoreClock());
  return mocks;
}
