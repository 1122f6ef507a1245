import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { InputValidationError } from '../../../lambda/core/errors';
import { selectPlan } from '../../../lambda/core/batches';
import { handler } from '../../../lambda/validate-input';
import { awsError, CHANGE_ID, config, mockAws, PLAN, planEvent, published, state, TOPIC_ARN } from './fixtures';

const { connect, sns } = mockAws();

const event = (input: unknown) => planEvent(state({ input, run: undefined, readiness: undefined }));

describe('validate-input handler', () => {
  it('returns the RunParameters of a valid input: the selection, its size and the merged verification', async () => {
    const result = await handler(
      event({
        changeId: CHANGE_ID,
        cutoverAt: '2025-06-01T23:30:00Z',
        phoneNumbers: ['+18005550102'],
        verification: { maxAbandonmentRate: 0.08 },
      }),
    );

    expect(result).toEqual({
      changeId: CHANGE_ID,
      cutoverAt: '2025-06-01T23:30:00Z',
      dryRun: false,
      planSize: 1,
      selection: ['+18005550102'],
      verification: { ...config().verification, maxAbandonmentRate: 0.08 },
      rollbackScope: 'wave',
    });
    // The run carries no plan entry: the selection picks them out of the plan DeployCheck is given.
    expect(selectPlan(PLAN, result.selection)).toEqual([{ phoneNumber: '+18005550102', targetFlow: 'flow-billing' }]);
  });

  it('selects the whole plan and cuts over when approved when the input names only the change', async () => {
    const result = await handler(event({ changeId: CHANGE_ID, dryRun: true }));

    expect(result.planSize).toBe(PLAN.length);
    expect(result).not.toHaveProperty('selection');
    expect(selectPlan(PLAN, result.selection)).toEqual(PLAN);
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
    await expect(handler(event({ changeId: CHANGE_ID, cutoverAt: '2025-06-01T21:00:00Z' }))).rejects.toThrow(
      /^cutoverAt: must be in the future, got 2025-06-01T21:00:00Z/,
    );
  });

  it('rejects an input that is not an object', async () => {
    await expect(handler(event('CHG-1042'))).rejects.toMatchObject({
      name: 'InputValidationError',
      message: expect.stringMatching(/must be a JSON object, got "CHG-1042"/),
    });
  });

  it('publishes REJECTED with the problem to the status topic when it rejects', async () => {
    await expect(handler(event({ changeId: CHANGE_ID, dryRun: 'yes' }))).rejects.toThrow('dryRun: must be true or false, got "yes"');

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: '[go-live] ValidateInput: REJECTED' });
    expect(published(sns)[0].message).toMatchObject({
      step: 'ValidateInput',
      status: 'REJECTED',
      summary: 'dryRun: must be true or false, got "yes"',
    });
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
    await expect(handler(planEvent({ input: { changeId: CHANGE_ID } }))).rejects.toThrow(/^state\.config: /);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('rejects a bare state document (no plan in the event), before publishing anything', async () => {
    await expect(handler(state({ input: { changeId: CHANGE_ID }, run: undefined, readiness: undefined }))).rejects.toThrow(/^event\./);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('rejects a malformed plan in the event, naming the entry', async () => {
    const doc = state({ input: { changeId: CHANGE_ID }, run: undefined, readiness: undefined });

    await expect(handler({ state: doc, plan: [PLAN[0], { phoneNumber: '+18005550101' }] })).rejects.toThrow(
      /^event\.plan\.1\.targetFlow: /,
    );
  });

  it('takes the plan from the event, never from the state', async () => {
    const onlyTwo = PLAN.slice(0, 2);
    // A stale config that still carries a plan must not widen the wave.
    const doc = state({ input: { changeId: CHANGE_ID }, run: undefined, readiness: undefined, config: { ...config(), plan: PLAN } });

    const result = await handler(planEvent(doc, onlyTwo));

    expect(result.planSize).toBe(2);
    await expect(handler(planEvent({ ...doc, input: { changeId: CHANGE_ID, phoneNumbers: ['+18005550102'] } }, onlyTwo))).rejects.toThrow(
      /^phoneNumbers\[0\]: \+18005550102 is not in the cutover plan/,
    );
  });
});
