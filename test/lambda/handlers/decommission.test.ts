import {
  ConnectClient,
  DescribePhoneNumberCommand,
  DisassociatePhoneNumberContactFlowCommand,
  ReleasePhoneNumberCommand,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../lambda/decommission';
import { awsError, CONTROL_TABLE, EXECUTION_ARN, INSTANCE_ARN, INSTANCE_ID, NOW, pinClock, published, TOPIC_ARN } from './fixtures';

const connect = mockClient(ConnectClient);
const dynamodb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
let restoreClock: () => void;

const UAT_ARN = 'arn:aws:connect:us-east-1:123456789012:phone-number/pn-uat';
const DECOMMISSION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:Decommission:decommission-CHG-1042';
const config = {
  instanceArn: INSTANCE_ARN,
  uatPhoneNumberArn: UAT_ARN,
  requiredAttestations: ['porting-complete', 'legacy-off'],
  controlTableName: CONTROL_TABLE,
  statusTopicArn: TOPIC_ARN,
};
const input = { goLiveExecutionArn: EXECUTION_ARN, approver: 'service-owner', attestations: ['porting-complete', 'legacy-off'] };
const event = (step: string, extra: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) => ({
  step,
  state: { input, executionArn: DECOMMISSION_ARN, config, ...extra, ...overrides },
});
const liveExecution = {
  status: 'SUCCEEDED' as const,
  output: JSON.stringify({ outcome: 'LIVE', changeId: 'CHG-1042' }),
  stopDate: NOW,
  executionArn: EXECUTION_ARN,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:GoLiveRunbook',
  startDate: NOW,
};

beforeEach(() => {
  connect.reset();
  dynamodb.reset();
  sfn.reset();
  sns.reset();
  restoreClock = pinClock();
  sfn.on(DescribeExecutionCommand).resolves(liveExecution);
  dynamodb.on(GetItemCommand).resolves({});
  dynamodb.on(PutItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterEach(() => restoreClock());

describe('validate', () => {
  test('accepts a LIVE go-live with every required attestation', async () => {
    await expect(handler(event('validate'))).resolves.toEqual({ ...input, changeId: 'CHG-1042', liveAt: NOW.toISOString() });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
  });

  test.each([
    ['RUNNING', undefined, /still RUNNING: its verification or hypercare is not over; rollback stays possible/],
    ['FAILED', undefined, /ended FAILED, not LIVE/],
    ['SUCCEEDED', JSON.stringify({ outcome: 'DRY_RUN_OK' }), /ended "DRY_RUN_OK", not LIVE/],
  ] as const)('rejects a go-live that is %s (%s)', async (status, output, message) => {
    sfn.on(DescribeExecutionCommand).resolves({ ...liveExecution, status, output });
    await expect(handler(event('validate'))).rejects.toThrow(message);
    await expect(handler(event('validate'))).rejects.toMatchObject({ name: 'DecommissionRefused' });
  });

  test('rejects a missing attestation, naming it, before any AWS call', async () => {
    const e = event('validate', {}, { input: { ...input, attestations: ['porting-complete'] } });
    await expect(handler(e)).rejects.toThrow('missing attestation(s): legacy-off');
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  test('rejects malformed input naming the field', async () => {
    await expect(handler(event('validate', {}, { input: { ...input, goLiveExecutionArn: 'nope' } }))).rejects.toThrow(
      'input.goLiveExecutionArn: must be a Step Functions execution ARN',
    );
  });

  test('rejects an unknown go-live execution', async () => {
    sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist'));
    await expect(handler(event('validate'))).rejects.toThrow('does not exist');
  });

  test('rejects a second decommission of the same go-live', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: 'x' }, at: { S: '2025-06-02T10:00:00Z' }, approver: { S: 'bob' } } });
    await expect(handler(event('validate'))).rejects.toThrow('already recorded at 2025-06-02T10:00:00Z by bob');
  });
});

describe('release', () => {
  test('disassociates the UAT number from its flow, then releases it with a stable client token', async () => {
    connect.on(DescribePhoneNumberCommand).resolves({ ClaimedPhoneNumberSummary: { PhoneNumber: '+18005550199' } });
    connect.on(DisassociatePhoneNumberContactFlowCommand).resolves({});
    connect.on(ReleasePhoneNumberCommand).resolves({});
    await expect(handler(event('release'))).resolves.toEqual({
      released: true,
      phoneNumberId: 'pn-uat',
      phoneNumber: '+18005550199',
      releasedAt: NOW.toISOString(),
    });
    expect(connect).toHaveReceivedCommandWith(DisassociatePhoneNumberContactFlowCommand, {
      PhoneNumberId: 'pn-uat',
      InstanceId: INSTANCE_ID,
    });
    const token = connect.commandCalls(ReleasePhoneNumberCommand)[0].args[0].input.ClientToken;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    await handler(event('release'));
    expect(connect.commandCalls(ReleasePhoneNumberCommand)[1].args[0].input.ClientToken).toBe(token);
  });

  test('a number already gone is reported, not released again', async () => {
    connect.on(DescribePhoneNumberCommand).rejects(awsError('ResourceNotFoundException'));
    await expect(handler(event('release'))).resolves.toMatchObject({ released: false, reason: expect.stringMatching(/already released/) });
    expect(connect).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('without a configured UAT number nothing is released', async () => {
    const { uatPhoneNumberArn: _u, ...withoutUat } = config;
    await expect(handler(event('release', {}, { config: withoutUat }))).resolves.toMatchObject({ released: false });
    expect(connect).not.toHaveReceivedCommand(DescribePhoneNumberCommand);
  });
});

describe('record', () => {
  const validated = { ...input, changeId: 'CHG-1042', liveAt: NOW.toISOString() };
  const release = { released: true, phoneNumber: '+18005550199', phoneNumberId: 'pn-uat' };

  test('writes the point of no return once and tells the bridge', async () => {
    const out = await handler(event('record', { validated, release }));
    expect(out).toMatchObject({
      outcome: 'DECOMMISSIONED',
      approver: 'service-owner',
      uatNumber: release,
      decommissionExecutionArn: DECOMMISSION_ARN,
    });
    expect(dynamodb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: CONTROL_TABLE,
      Item: expect.objectContaining({ pk: { S: `DECOMMISSION#${EXECUTION_ARN}` }, approver: { S: 'service-owner' } }),
      ConditionExpression: 'attribute_not_exists(pk) OR decommissionExecutionArn = :me',
    });
    expect(published(sns)[0].message).toMatchObject({ step: 'Decommission', status: 'POINT_OF_NO_RETURN' });
  });

  test('rejects when another decommission recorded it first', async () => {
    dynamodb.on(PutItemCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(handler(event('record', { validated, release }))).rejects.toMatchObject({ name: 'DecommissionRefused' });
  });
});
