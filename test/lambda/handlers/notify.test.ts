import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/notify';
import { awsError, CHANGE_ID, config, EXECUTION_ARN, mockAws, published, readiness, run, TOPIC_ARN, verifyState } from './fixtures';

const { connect, sns } = mockAws();

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeMc1X+token';

/**
 * The notify task's `state`, as the definition builds it (lib/runbook/definition.ts waitForHuman): executionArn,
 * config and run only, plus readiness for an approval and verify for an inconclusive verdict.
 */
function state(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = { executionArn: EXECUTION_ARN, config: config(), run: run(), ...extra };
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  return doc;
}

describe('notify handler', () => {
  it("shows the approver each line's UAT test-case result under the readiness report", async () => {
    const uat = {
      kind: 'uat',
      status: 'PASSED',
      done: true,
      ok: true,
      reason: 'UAT test cases passed: Support',
      polls: 2,
      lines: [{ serviceLine: 'Support', testCaseId: 'tc-1', status: 'PASSED' }],
    };
    await handler({ kind: 'approval', taskToken: TOKEN, state: state({ readiness: readiness(), uat }) });
    const summary = String(published(sns)[0].message.summary);
    expect(summary).toContain('UAT test cases: PASSED (UAT test cases passed: Support)\n  ✔ Support: PASSED');
  });

  it('publishes the approval request with the task token, the kind and the readiness report', async () => {
    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state({ readiness: readiness() }) })).resolves.toEqual({
      notified: true,
    });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] approval: WAITING_FOR_HUMAN` });
    const { message } = published(sns)[0];
    expect(message).toMatchObject({
      step: 'approval',
      changeId: CHANGE_ID,
      status: 'WAITING_FOR_HUMAN',
      detail: { taskToken: TOKEN, executionArn: EXECUTION_ARN, requiredAttestations: ['uat', 'training', 'bau', 'support'] },
    });
    expect(message.summary).toBe(
      'Approve or reject the cutover: connect-golive approve|reject\nREADY: all 1 checks passed (3 number(s), 2 queue(s))',
    );
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('summarises a large wave from the readiness counts: resolved numbers, the numbers-ready item and the listed failures', async () => {
    const big = readiness({
      ready: false,
      items: [
        { check: 'instance-active', subject: 'i', ok: true, detail: 'status ACTIVE' },
        { check: 'number-found', subject: '+18007770007', ok: false, detail: 'not found in this account' },
        { check: 'numbers-ready', subject: 'wave', ok: false, detail: '249 of 250 number(s) ready' },
      ],
      numberCounts: { total: 250, resolved: 249, failing: 1 },
      cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
    });

    await handler({ kind: 'approval', taskToken: TOKEN, state: state({ readiness: big }) });

    expect(published(sns)[0].message.summary).toBe(
      [
        'Approve or reject the cutover: connect-golive approve|reject',
        'NOT READY: 2 of 3 checks failed',
        '- number-found +18007770007: not found in this account',
        '- numbers-ready wave: 249 of 250 number(s) ready',
      ].join('\n'),
    );
  });

  it('publishes an approval request without the report when the state has no readiness', async () => {
    await handler({ kind: 'approval', taskToken: TOKEN, state: state() });

    expect(published(sns)[0].message.summary).toBe('Approve or reject the cutover: connect-golive approve|reject');
  });

  it('publishes an inconclusive verdict with the verify reason and no attestations', async () => {
    const verify = verifyState({
      decision: 'INCONCLUSIVE',
      reason: 'observation window complete but low volume: 4 contacts since cutover, needs 20',
    });

    await handler({ kind: 'inconclusive', taskToken: TOKEN, state: state({ verify }) });

    const { message } = published(sns)[0];
    expect(message).toMatchObject({
      step: 'inconclusive',
      status: 'WAITING_FOR_HUMAN',
      detail: { taskToken: TOKEN, executionArn: EXECUTION_ARN },
    });
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
    await expect(handler({ kind: 'approval', state: state() })).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/^event\.taskToken: /),
    });
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
    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state({ run: undefined }) })).rejects.toThrow(
      'state.run: is required by this step',
    );
  });

  it('resolves even when the status topic is down (the token waits; the CLI finds it in the history)', async () => {
    sns.on(PublishCommand).rejects(awsError('InternalErrorException'));

    await expect(handler({ kind: 'approval', taskToken: TOKEN, state: state() })).resolves.toEqual({ notified: true });
  });
});
