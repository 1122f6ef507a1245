import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/check-window';
import { CHANGE_ID, config, pinClock, published, run, state, TOPIC_ARN } from './fixtures';

const sns = mockClient(SNSClient);
// The control table (abort flag, go-live lock) answers empty: nothing held, nothing requested.
const dynamodb = mockClient(DynamoDBClient);
let restoreClock: () => void;

beforeEach(() => {
  sns.reset();
  dynamodb.reset();
  dynamodb.onAnyCommand().resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  restoreClock = pinClock(new Date('2025-06-01T21:50:00.000Z'));
});
afterEach(() => restoreClock());

const APPROVAL = {
  decision: 'approve',
  approver: 'cab-chair',
  attestations: ['uat', 'training', 'bau', 'support'],
  at: '2025-06-01T21:49:00.000Z',
};

describe('check-window handler', () => {
  it('waits for a cutoverAt in the future and publishes WAIT', async () => {
    const verdict = await handler(state({ approval: APPROVAL }));

    expect(verdict).toEqual({
      action: 'WAIT',
      waitUntil: '2025-06-01T22:00:00.000Z',
      reason: 'approved by cab-chair; waiting for 2025-06-01T22:00:00.000Z',
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: `[${CHANGE_ID}] CheckWindow: WAIT` });
    expect(published(sns)[0].message).toMatchObject({ step: 'CheckWindow', status: 'WAIT', summary: verdict.reason });
  });

  it('cuts over now when the run has no cutoverAt', async () => {
    const verdict = await handler(state({ approval: APPROVAL, run: run({ cutoverAt: undefined }) }));

    expect(verdict).toMatchObject({ action: 'NOW', waitUntil: '2025-06-01T21:50:00.000Z' });
  });

  it('rejects an approval lacking a configured attestation, naming it', async () => {
    const verdict = await handler(state({ approval: APPROVAL, config: config({ requiredAttestations: ['uat', 'security-signoff'] }) }));

    expect(verdict).toMatchObject({ action: 'REJECTED', reason: 'approval by cab-chair lacks attestation(s): security-signoff' });
    expect(published(sns)[0].message.status).toBe('REJECTED');
  });

  it('is MISSED beyond the configured lateness', async () => {
    const verdict = await handler(
      state({ approval: APPROVAL, run: run({ cutoverAt: '2025-06-01T21:30:00.000Z' }), config: config({ allowedLatenessSeconds: 600 }) }),
    );

    expect(verdict).toMatchObject({
      action: 'MISSED',
      reason: 'approved window 2025-06-01T21:30:00.000Z missed by 1200 s (allowed 600 s)',
    });
  });

  it('is REJECTED when there is no approval in the state', async () => {
    await expect(handler(state())).resolves.toMatchObject({
      action: 'REJECTED',
      reason: 'approval decision must be "approve", got: nothing',
    });
  });

  it('rejects a state document without run', async () => {
    await expect(handler(state({ run: undefined, approval: APPROVAL }))).rejects.toThrow('state.run: is required by this step');
  });
});
