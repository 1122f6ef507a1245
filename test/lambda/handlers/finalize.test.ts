import { BatchGetFlowAssociationCommand } from '@aws-sdk/client-connect';
import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { MAX_STRANDED_LISTED, Outcome } from '../../../lambda/core/outcome';
import { handler, MAX_ASSOCIATIONS_IN_OUTPUT } from '../../../lambda/finalize';
import {
  associationWorld,
  awsError,
  BEFORE_CUTOVER,
  CHANGE_ID,
  cursor,
  cutoverRecord,
  EXECUTION_ARN,
  FLOWS,
  givenAssociations,
  givenSnapshot,
  INSTANCE_ID,
  manyNumbers,
  mockAws,
  NUMBERS,
  ON_TARGET,
  published,
  readiness,
  snapshotReads,
  state,
  TOPIC_ARN,
  verifyState,
} from './fixtures';

const { connect, sns, dynamodb } = mockAws();
// Runs after mockAws' reset: every test starts with NUMBERS in snapshot batch 0.
beforeEach(() => givenSnapshot(dynamodb));

const APPROVAL = {
  decision: 'approve',
  approver: 'cab-chair',
  attestations: ['uat', 'training', 'bau', 'support'],
  at: '2025-06-01T21:50:00.000Z',
};
const LIVE_REASON = 'observation window complete (1800 s of 1800 s): 240 contacts since cutover, every check passed, none failing';

const finalState = (outcome: Outcome, overrides: Record<string, unknown> = {}) =>
  state({ approval: APPROVAL, cutover: cutoverRecord(), outcome: { outcome }, ...overrides });

describe('finalize handler', () => {
  it('reads the final associations (E.164 → flow id) and explains a LIVE outcome', async () => {
    givenAssociations(connect, ON_TARGET);

    const result = await handler(finalState('LIVE', { verify: verifyState({ decision: 'LIVE', reason: LIVE_REASON }) }));

    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: NUMBERS.map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
    const { cause, ...summary } = result;
    expect(summary).toEqual({
      outcome: 'LIVE',
      reason: `verification passed: ${LIVE_REASON}`,
      changeId: CHANGE_ID,
      finalAssociations: { '+18005550100': FLOWS.main.id, '+18005550101': FLOWS.main.id, '+18005550102': FLOWS.billing.id },
      // The rollback snapshot of each number, for the evidence report of a small wave.
      snapshot: { '+18005550100': FLOWS.legacy.id, '+18005550101': null, '+18005550102': FLOWS.legacy.id },
      finalFlows: { [FLOWS.main.id]: 2, [FLOWS.billing.id]: 1 },
      breachAtSeconds: null,
      approver: 'cab-chair',
    });
    // The Fail states' Cause: the same summary as JSON, without the per-number maps.
    const { finalAssociations: _perNumber, snapshot: _snapshot, ...withoutMap } = summary;
    expect(JSON.parse(cause)).toEqual(withoutMap);
    expect(snapshotReads(dynamodb)).toEqual([`SNAPSHOT#${EXECUTION_ARN}#0`]);
  });

  it('publishes the closing status with the final associations', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);

    await handler(
      finalState('ROLLED_BACK', {
        verify: verifyState({ decision: 'ROLLBACK', reason: 'abandonmentRate 30% breached', breachAtSeconds: 95 }),
      }),
    );

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] Finalize: ROLLED_BACK` });
    expect(published(sns)[0].message).toMatchObject({
      step: 'Finalize',
      status: 'ROLLED_BACK',
      summary: 'rolled back: abandonmentRate 30% breached',
      detail: { '+18005550100': FLOWS.legacy.id, '+18005550101': null, '+18005550102': FLOWS.legacy.id },
    });
  });

  it('reports when the breach began on a rollback', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);

    const result = await handler(
      finalState('ROLLED_BACK', { verify: verifyState({ decision: 'ROLLBACK', reason: 'x', breachAtSeconds: 95 }) }),
    );

    expect(result.breachAtSeconds).toBe(95);
  });

  it('unwraps the Lambda JSON Cause of the error that caused the rollback', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);
    const error = {
      Error: 'CutoverError',
      Cause: JSON.stringify({ errorType: 'CutoverError', errorMessage: '1 number(s) not on their target flow after cutover', trace: [] }),
    };

    const result = await handler(finalState('ROLLED_BACK', { error }));

    expect(result.reason).toBe('rolled back: CutoverError: 1 number(s) not on their target flow after cutover');
  });

  it.each<Outcome>(['LIVE', 'ROLLED_BACK', 'ABORTED', 'DRY_RUN_OK', 'ROLLBACK_FAILED'])('never changes the %s outcome', async (outcome) => {
    givenAssociations(connect, ON_TARGET);

    const result = await handler(finalState(outcome));

    expect(result.outcome).toBe(outcome);
    expect(published(sns)[0].message.status).toBe(outcome);
  });

  it('explains an ABORTED run with the failing readiness items', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);
    const notReady = readiness({
      ready: false,
      items: [
        { check: 'instance-active', subject: INSTANCE_ID, ok: true, detail: 'status ACTIVE' },
        { check: 'flow-published', subject: FLOWS.billing.name, ok: false, detail: 'status SAVED' },
      ],
    });

    const result = await handler(state({ readiness: notReady, outcome: { outcome: 'ABORTED' } }));

    expect(result.reason).toBe('not ready: flow-published Billing Inbound: status SAVED');
    expect(result.approver).toBeNull();
  });

  it('explains an ABORTED run with the window reason when the window was missed', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);
    const window = {
      action: 'MISSED',
      waitUntil: '2025-06-01T22:00:00.000Z',
      reason: 'approved window 2025-06-01T21:00:00.000Z missed by 3600 s (allowed 900 s)',
    };

    const result = await handler(finalState('ABORTED', { window, cutover: undefined }));

    expect(result.reason).toBe(window.reason);
  });

  it('reads nothing and names no change when the input was rejected before DeployCheck', async () => {
    const error = {
      Error: 'InputValidationError',
      Cause: JSON.stringify({ errorType: 'InputValidationError', errorMessage: 'changeId: is required' }),
    };

    const result = await handler(state({ run: undefined, readiness: undefined, input: {}, error, outcome: { outcome: 'ABORTED' } }));

    expect(connect).not.toHaveReceivedAnyCommand();
    const { cause, ...summary } = result;
    expect(summary).toEqual({
      outcome: 'ABORTED',
      reason: 'aborted before any change: InputValidationError: changeId: is required',
      changeId: null,
      finalAssociations: {},
      snapshot: {},
      finalFlows: {},
      breachAtSeconds: null,
      approver: null,
    });
    const { finalAssociations: _perNumber, snapshot: _snapshot, ...withoutMap } = summary;
    expect(JSON.parse(cause)).toEqual(withoutMap);
    expect(snapshotReads(dynamodb)).toEqual([]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[go-live] Finalize: ABORTED' });
  });

  it('survives a failing BatchGetFlowAssociation: the outcome stands, and every unconfirmed number is named with its snapshot flow', async () => {
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const result = await handler(
      finalState('ROLLBACK_FAILED', {
        error: { Error: 'RollbackError', Cause: 'rollback incomplete: +18005550100 must go back to flow-legacy' },
      }),
    );

    expect(result).toMatchObject({
      outcome: 'ROLLBACK_FAILED',
      reason:
        'ROLLBACK FAILED, put back by hand: +18005550100 → flow-legacy, +18005550101 → no flow (disassociate), +18005550102 → flow-legacy; ' +
        'last error: RollbackError: rollback incomplete: +18005550100 must go back to flow-legacy',
      finalAssociations: {},
      finalFlows: { unknown: 3 },
    });
    expect(sns).toHaveReceivedCommand(PublishCommand);
  });

  it('says every number must be checked by hand when the snapshot cannot be read on ROLLBACK_FAILED', async () => {
    dynamodb.reset();
    dynamodb.onAnyCommand().resolves({});

    const result = await handler(
      finalState('ROLLBACK_FAILED', { error: { Error: 'SnapshotMissingError', Cause: 'snapshot batch 0 is missing' } }),
    );

    expect(result.reason).toBe(
      'ROLLBACK FAILED, put back by hand: every number of the plan (their flows could not be read); last error: SnapshotMissingError: snapshot batch 0 is missing',
    );
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('survives a failing SNS Publish: status publishing never throws', async () => {
    givenAssociations(connect, ON_TARGET);
    sns.on(PublishCommand).rejects(awsError('AuthorizationErrorException', 'not authorized to perform SNS:Publish'));

    await expect(handler(finalState('LIVE'))).resolves.toMatchObject({ outcome: 'LIVE' });
  });

  it('survives a failing control table: the outcome stands', async () => {
    givenAssociations(connect, ON_TARGET);
    dynamodb.onAnyCommand().rejects(awsError('ProvisionedThroughputExceededException'));

    await expect(handler(finalState('LIVE'))).resolves.toMatchObject({ outcome: 'LIVE' });
    expect(sns).toHaveReceivedCommand(PublishCommand);
  });

  it('rejects a state document without outcome', async () => {
    await expect(handler(state())).rejects.toThrow('state.outcome: is required by this step');
  });
});

describe('finalize handler (large waves)', () => {
  const waveState = (count: number, outcome: Outcome, overrides: Record<string, unknown> = {}) =>
    state({
      readiness: readiness({
        numberCounts: { total: count, resolved: count, failing: 0 },
        cursor: cursor(Math.ceil(count / 100) - 1, count),
      }),
      cutover: cutoverRecord({ cursor: cursor(Math.ceil(count / 100) - 1, count), moved: count }),
      outcome: { outcome },
      ...overrides,
    });
  const givenWave = (count: number) => {
    const wave = manyNumbers(count);
    const batches: Record<number, typeof wave> = {};
    for (let b = 0; b * 100 < count; b++) batches[b] = wave.slice(b * 100, b * 100 + 100);
    givenSnapshot(dynamodb, batches);
    return wave;
  };

  it(`lists every number's final flow for a wave of ${MAX_ASSOCIATIONS_IN_OUTPUT} numbers`, async () => {
    const wave = givenWave(100);
    associationWorld(connect, Object.fromEntries(wave.map((n) => [n.phoneNumberId, FLOWS.main.id])));

    const result = await handler(waveState(100, 'LIVE'));

    expect(Object.keys(result.finalAssociations)).toHaveLength(100);
    expect(result.finalAssociations[wave[99].phoneNumber]).toBe(FLOWS.main.id);
    expect(result.finalFlows).toEqual({ [FLOWS.main.id]: 100 });
    expect(published(sns)[0].message.detail).toEqual(result.finalAssociations);
  });

  it('gives counts per flow only, reading every batch, for a wave of more than 100 numbers', async () => {
    const wave = givenWave(250);
    const world = associationWorld(connect, Object.fromEntries(wave.map((n) => [n.phoneNumberId, FLOWS.main.id])));
    world.flows[wave[7].phoneNumberId] = null;
    world.flows[wave[201].phoneNumberId] = FLOWS.legacy.id;

    const result = await handler(waveState(250, 'LIVE'));

    expect(snapshotReads(dynamodb)).toEqual([0, 1, 2].map((b) => `SNAPSHOT#${EXECUTION_ARN}#${b}`));
    expect(result.finalAssociations).toEqual({});
    expect(result.finalFlows).toEqual({ [FLOWS.main.id]: 248, none: 1, [FLOWS.legacy.id]: 1 });
    expect(published(sns)[0].message.detail).toEqual(result.finalFlows);
  });

  it('gives counts only from 101 numbers on (two batches)', async () => {
    const wave = givenWave(101);
    associationWorld(connect, Object.fromEntries(wave.map((n) => [n.phoneNumberId, FLOWS.legacy.id])));

    const result = await handler(waveState(101, 'ROLLED_BACK'));

    expect(result.finalAssociations).toEqual({});
    expect(result.finalFlows).toEqual({ [FLOWS.legacy.id]: 101 });
  });

  it('reads only the batches DeployCheck got to when it stopped part way', async () => {
    givenWave(250);
    associationWorld(connect, {});

    await handler(
      state({
        readiness: readiness({ ready: false, numberCounts: { total: 250, resolved: 200, failing: 0 }, cursor: cursor(1, 250) }),
        outcome: { outcome: 'ABORTED' },
      }),
    );

    expect(snapshotReads(dynamodb)).toEqual([0, 1].map((b) => `SNAPSHOT#${EXECUTION_ARN}#${b}`));
  });

  it(`names at most ${MAX_STRANDED_LISTED} stranded numbers in the reason, and counts the rest`, async () => {
    const wave = givenWave(250);
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const result = await handler(
      waveState(250, 'ROLLBACK_FAILED', { error: { Error: 'RollbackError', Cause: 'rollback incomplete in batch 1 of 3' } }),
    );

    const listed = wave
      .slice(0, MAX_STRANDED_LISTED)
      .map((n) => `${n.phoneNumber} → flow-legacy`)
      .join(', ');
    expect(result.reason).toBe(
      `ROLLBACK FAILED, put back by hand: ${listed}, … and 200 more (250 in all; the control table's SNAPSHOT items hold every number's flow); ` +
        'last error: RollbackError: rollback incomplete in batch 1 of 3',
    );
    expect(result.reason).not.toContain(wave[MAX_STRANDED_LISTED].phoneNumber);
    expect(result.finalFlows).toEqual({ unknown: 250 });
  });

  it('names only the numbers not back on their snapshot flow', async () => {
    const wave = givenWave(250);
    const world = associationWorld(connect, Object.fromEntries(wave.map((n) => [n.phoneNumberId, FLOWS.legacy.id])));
    world.flows[wave[150].phoneNumberId] = FLOWS.main.id;

    const result = await handler(waveState(250, 'ROLLBACK_FAILED', { error: { Error: 'RollbackError', Cause: 'x' } }));

    expect(result.reason).toBe(`ROLLBACK FAILED, put back by hand: ${wave[150].phoneNumber} → flow-legacy; last error: RollbackError: x`);
  });

  it('keeps the Fail state Cause small for a 1,000-number wave: no per-number map in it', async () => {
    const wave = givenWave(1000);
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('ThrottlingException'));

    const result = await handler(waveState(1000, 'ROLLBACK_FAILED', { error: { Error: 'RollbackError', Cause: 'x' } }));

    expect(JSON.parse(result.cause)).not.toHaveProperty('finalAssociations');
    expect(result.cause).not.toContain(wave[999].phoneNumber);
    // Step Functions caps a Fail state's Cause at 32,768 characters:
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionFailedEventDetails.html
    expect(result.cause.length).toBeLessThan(32_768);
  });
});
