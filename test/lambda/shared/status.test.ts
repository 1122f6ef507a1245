import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { publishStatus } from '../../../lambda/shared/status';
import { awsError, NOW, pinClock, TOPIC_ARN } from '../handlers/fixtures';

const sns = mockClient(SNSClient);
const TARGET = { statusTopicArn: TOPIC_ARN };
const DASHBOARD_URL = 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/GoLive';
let restoreClock: () => void;

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

describe('publishStatus', () => {
  it('publishes the message as JSON with the time, under a "[change] step: status" subject', async () => {
    await publishStatus(TARGET, {
      step: 'Cutover',
      changeId: 'CHG-1042',
      status: 'DONE',
      summary: '3 number(s) on their target flows',
      detail: { moved: 3 },
    });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC_ARN, Subject: '[CHG-1042] Cutover: DONE' });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!);
    expect(message).toEqual({
      step: 'Cutover',
      changeId: 'CHG-1042',
      status: 'DONE',
      summary: '3 number(s) on their target flows',
      detail: { moved: 3 },
      at: NOW.toISOString(),
    });
  });

  it('carries the dashboard URL in every message when the runbook has a dashboard', async () => {
    await publishStatus({ statusTopicArn: TOPIC_ARN, dashboardUrl: DASHBOARD_URL }, { step: 'Verify', status: 'CONTINUE', summary: 's' });

    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!);
    expect(message).toEqual({ step: 'Verify', status: 'CONTINUE', summary: 's', dashboardUrl: DASHBOARD_URL, at: NOW.toISOString() });
  });

  it('uses "go-live" in the subject when there is no change id yet', async () => {
    await publishStatus(TARGET, { step: 'ValidateInput', status: 'REJECTED', summary: 'changeId: is required' });

    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[go-live] ValidateInput: REJECTED' });
  });

  it('keeps the subject within SNS limits: under 100 characters, printable ASCII only', async () => {
    await publishStatus(TARGET, { step: 'Verify\nnext', changeId: 'C'.repeat(64), status: 'ROLLBACK — ✗'.repeat(5), summary: 's' });

    const subject = sns.commandCalls(PublishCommand)[0].args[0].input.Subject!;
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
    expect(subject.startsWith(`[${'C'.repeat(64)}] Verify next: ROLLBACK`)).toBe(true);
  });

  it('swallows a Publish failure: a status topic outage never stops a step', async () => {
    sns.on(PublishCommand).rejects(awsError('AuthorizationErrorException', 'not authorized to perform SNS:Publish'));

    await expect(publishStatus(TARGET, { step: 'Rollback', status: 'STARTED', summary: 'x' })).resolves.toBeUndefined();
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('swallows a non-AWS failure too', async () => {
    sns.on(PublishCommand).rejects(new TypeError('fetch failed'));

    await expect(publishStatus(TARGET, { step: 'Rollback', status: 'STARTED', summary: 'x' })).resolves.toBeUndefined();
  });
});
