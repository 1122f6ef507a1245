import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/notify';
import { awsError, CHANGE_ID, EXECUTION_ARN, mockAws, published, state, TOPIC_ARN, verifyState } from './fixtures';

const { connect, sns } = mockAws();

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeMc1X+token';

describe('notify handler', () => {
  it('publishes the approval request with the task token, the kind and the readiness report', async () => {
    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state() })).resolves.toEqual({ notified: true });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] approval: WAITING_FOR_HUMAN` });
    const { message } = published(sns)[0];
    expect(message).toMatchObject({
      step: 'approval',
      changeId: CHANGE_ID,
      status: 'WAITING_FOR_HUMAN',
      detail: { taskToken: TOKEN, executionArn: EXECUTION_ARN, requiredAttestations: ['uat', 'training', 'bau', 'support'] },
    });
    expect(message.summary).toBe('Approve or reject the cutover: connect-golive approve|reject\nREADY: all 1 checks passed (3 number(s), 2 queue(s))');
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('publishes an inconclusive verdict with the verify reason and no attestations', async () => {
    const verify = verifyState({ decision: 'INCONCLUSIVE', reason: 'observation window complete but low volume: 4 contacts since cutover, needs 20' });

    await handler({ kind: 'inconclusive', taskToken: TOKEN, state: state({ verify }) });

    const { message } = published(sns)[0];
    expect(message).toMatchObject({ step: 'inconclusive', status: 'WAITING_FOR_HUMAN', detail: { taskToken: TOKEN, executionArn: EXECUTION_ARN } });
    expect(message.detail).not.toHaveProperty('requiredAttestations');
    expect(message.summary).toBe(
      'Verification was inconclusive: declare LIVE or ROLLBACK (connect-golive approve --decision live|rollback)\n' +
      'observation window complete but low volume: 4 contacts since cutover, needs 20',
    );
  });

  it.each([
    ['carrier-cutover', 'Confirm the carrier has repointed the numbers (connect-golive approve)'],
    ['carrier-rollback', 'Confirm the carrier has moved the numbers back (connect-golive approve)'],
  ])('publishes the %s confirmation request', async (kind, summary) => {
    await handler({ kind, taskToken: TOKEN, state: state() });

    expect(published(sns)[0].message).toMatchObject({ step: kind, summary, detail: { taskToken: TOKEN } });
  });

  it('rejects an event without taskToken, publishing nothing', async () => {
    await expect(handler({ kind: 'approval', state: state() })).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^event\.taskToken: /) });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('rejects an empty taskToken', async () => {
    await expect(handler({ kind: 'approval', taskToken: '', state: state() })).rejects.toThrow(/^event\.taskToken: /);
  });

  it('rejects an unknown kind', async () => {
    await expect(handler({ kind: 'go-live', taskToken: TOKEN, state: state() })).rejects.toThrow(/^event\.kind: /);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('rejects a state without run', async () => {
    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state({ run: undefined }) })).rejects.toThrow('state.run: is required by this step');
  });

  it('resolves even when the status topic is down (the token waits; the CLI finds it in the history)', async () => {
    sns.on(PublishCommand).rejects(awsError('InternalErrorException'));

    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state() })).resolves.toEqual({ notified: true });
  });
});
