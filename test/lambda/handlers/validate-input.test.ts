import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { InputValidationError } from '../../../lambda/core/errors';
import { handler } from '../../../lambda/validate-input';
import { awsError, CHANGE_ID, config, mockAws, published, state, TOPIC_ARN } from './fixtures';

const { connect, sns } = mockAws();

const event = (input: unknown) => state({ input, run: undefined, readiness: undefined });

describe('validate-input handler', () => {
  it('returns the RunParameters of a valid input: the selected plan and the merged verification', async () => {
    const result = await handler(event({
      changeId: CHANGE_ID,
      cutoverAt: '2025-06-01T23:30:00Z',
      phoneNumbers: ['+18005550102'],
      verification: { maxAbandonmentRate: 0.08 },
    }));

    expect(result).toEqual({
      changeId: CHANGE_ID,
      cutoverAt: '2025-06-01T23:30:00Z',
      dryRun: false,
      plan: [{ phoneNumber: '+18005550102', targetFlow: 'flow-billing' }],
      verification: { ...config().verification, maxAbandonmentRate: 0.08 },
    });
  });

  it('selects the whole plan and cuts over when approved when the input names only the change', async () => {
    const result = await handler(event({ changeId: CHANGE_ID, dryRun: true }));

    expect(result.plan).toEqual(config().plan);
    expect(result.dryRun).toBe(true);
    expect(result).not.toHaveProperty('cutoverAt');
    expect(published(sns)[0].message.summary).toBe('3 number(s), dry run when approved');
  });

  it('publishes OK to the status topic', async () => {
    await handler(event({ changeId: CHANGE_ID, cutoverAt: '2025-06-01T23:30:00Z' }));

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] ValidateInput: OK` });
    expect(published(sns)[0].message).toEqual({
      step: 'ValidateInput',
      changeId: CHANGE_ID,
      status: 'OK',
      summary: '3 number(s), cutover at 2025-06-01T23:30:00Z',
      at: '2025-06-01T22:00:00.000Z',
    });
  });

  it('rejects a malformed phone number with InputValidationError naming the field', async () => {
    const rejected = handler(event({ changeId: CHANGE_ID, phoneNumbers: ['+1 555'] }));

    await expect(rejected).rejects.toBeInstanceOf(InputValidationError);
    await expect(rejected).rejects.toMatchObject({
      name: 'InputValidationError',
      field: 'phoneNumbers[0]',
      message: expect.stringMatching(/^phoneNumbers\[0\]: "\+1 555" is not an E\.164 number/),
    });
  });

  it('rejects a cutoverAt in the past, naming cutoverAt', async () => {
    await expect(handler(event({ changeId: CHANGE_ID, cutoverAt: '2025-06-01T21:00:00Z' })))
      .rejects.toThrow(/^cutoverAt: must be in the future, got 2025-06-01T21:00:00Z/);
  });

  it('rejects an input that is not an object', async () => {
    await expect(handler(event('CHG-1042'))).rejects.toMatchObject({ name: 'InputValidationError', message: expect.stringMatching(/must be a JSON object, got "CHG-1042"/) });
  });

  it('publishes REJECTED with the problem to the status topic when it rejects', async () => {
    await expect(handler(event({ changeId: CHANGE_ID, dryRun: 'yes' }))).rejects.toThrow('dryRun: must be true or false, got "yes"');

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: '[go-live] ValidateInput: REJECTED' });
    expect(published(sns)[0].message).toMatchObject({ step: 'ValidateInput', status: 'REJECTED', summary: 'dryRun: must be true or false, got "yes"' });
  });

  it('makes no Connect call, valid or not', async () => {
    await handler(event({ changeId: CHANGE_ID }));
    await expect(handler(event({ changeId: 'bad id!' }))).rejects.toThrow(/^changeId: /);

    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('still returns the parameters when the status topic is down', async () => {
    sns.on(PublishCommand).rejects(awsError('InternalErrorException'));

    await expect(handler(event({ changeId: CHANGE_ID }))).resolves.toMatchObject({ changeId: CHANGE_ID });
  });

  it('rejects a state document without config, naming it, before publishing anything', async () => {
    await expect(handler({ input: { changeId: CHANGE_ID } })).rejects.toThrow(/^state\.config: /);
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
