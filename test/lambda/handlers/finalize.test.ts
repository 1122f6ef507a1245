import { BatchGetFlowAssociationCommand } from '@aws-sdk/client-connect';
import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { Outcome } from '../../../lambda/core/outcome';
import { handler } from '../../../lambda/finalize';
import {
  awsError, BEFORE_CUTOVER, CHANGE_ID, cutoverRecord, FLOWS, givenAssociations, INSTANCE_ID, mockAws, NUMBERS, ON_TARGET, published,
  readiness, state, TOPIC_ARN, verifyState,
} from './fixtures';

const { connect, sns, dynamodb } = mockAws();

const APPROVAL = { decision: 'approve', approver: 'cab-chair', attestations: ['uat', 'training', 'bau', 'support'], at: '2025-06-01T21:50:00.000Z' };
const LIVE_REASON = 'observation window complete (1800 s of 1800 s): 240 contacts since cutover, every check passed, none failing';

const finalState = (outcome: Outcome, overrides: Record<string, unknown> = {}) =>
  state({ approval: APPROVAL, cutover: cutoverRecord(), outcome: { outcome }, ...overrides });

describe('finalize handler', () => {
  it('reads the final associations (E.164 → flow id) and explains a LIVE outcome', async () => {
    givenAssociations(connect, ON_TARGET);

    const result = await handler(finalState('LIVE', { verify: verifyState({ decision: 'LIVE', reason: LIVE_REASON }) }));

    expect(connect).toHaveReceivedCommandWith(BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID, ResourceIds: NUMBERS.map((n) => n.phoneNumberArn), ResourceType: 'VOICE_PHONE_NUMBER',
    });
    const { cause, ...summary } = result;
    expect(summary).toEqual({
      outcome: 'LIVE',
      reason: `verification passed: ${LIVE_REASON}`,
      changeId: CHANGE_ID,
      finalAssociations: { '+18005550100': FLOWS.main.id, '+18005550101': FLOWS.main.id, '+18005550102': FLOWS.billing.id },
      breachAtSeconds: null,
      approver: 'cab-chair',
    });
    // The Fail states' Cause: the same summary as JSON.
    expect(JSON.parse(cause)).toEqual(summary);
  });

  it('publishes the closing status with the final associations', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);

    await handler(finalState('ROLLED_BACK', { verify: verifyState({ decision: 'ROLLBACK', reason: 'abandonmentRate 30% breached', breachAtSeconds: 95 }) }));

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

    const result = await handler(finalState('ROLLED_BACK', { verify: verifyState({ decision: 'ROLLBACK', reason: 'x', breachAtSeconds: 95 }) }));

    expect(result.breachAtSeconds).toBe(95);
  });

  it('unwraps the Lambda JSON Cause of the error that caused the rollback', async () => {
    givenAssociations(connect, BEFORE_CUTOVER);
    const error = { Error: 'CutoverError', Cause: JSON.stringify({ errorType: 'CutoverError', errorMessage: '1 number(s) not on their target flow after cutover', trace: [] }) };

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
    const window = { action: 'MISSED', waitUntil: '2025-06-01T22:00:00.000Z', reason: 'approved window 2025-06-01T21:00:00.000Z missed by 3600 s (allowed 900 s)' };

    const result = await handler(finalState('ABORTED', { window, cutover: undefined }));

    expect(result.reason).toBe(window.reason);
  });

  it('reads nothing and names no change when the input was rejected before DeployCheck', async () => {
    const error = { Error: 'InputValidationError', Cause: JSON.stringify({ errorType: 'InputValidationError', errorMessage: 'changeId: is required' }) };

    const result = await handler(state({ run: undefined, readiness: undefined, input: {}, error, outcome: { outcome: 'ABORTED' } }));

    expect(connect).not.toHaveReceivedAnyCommand();
    const { cause, ...summary } = result;
    expect(summary).toEqual({
      outcome: 'ABORTED',
      reason: 'aborted before any change: InputValidationError: changeId: is required',
      changeId: null,
      finalAssociations: {},
      breachAtSeconds: null,
      approver: null,
    });
    expect(JSON.parse(cause)).toEqual(summary);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[go-live] Finalize: ABORTED' });
  });

  it('survives a failing BatchGetFlowAssociation: the outcome stands, and every unconfirmed number is named with its snapshot flow', async () => {
    connect.on(BatchGetFlowAssociationCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const result = await handler(finalState('ROLLBACK_FAILED', { error: { Error: 'RollbackError', Cause: 'rollback incomplete: +18005550100 must go back to flow-legacy' } }));

    expect(result).toMatchObject({
      outcome: 'ROLLBACK_FAILED',
      reason: 'ROLLBACK FAILED, put back by hand: +18005550100 → flow-legacy, +18005550101 → no flow (disassociate), +18005550102 → flow-legacy; '
        + 'last error: RollbackError: rollback incomplete: +18005550100 must go back to flow-legacy',
      finalAssociations: {},
    });
    expect(sns).toHaveReceivedCommand(PublishCommand);
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
