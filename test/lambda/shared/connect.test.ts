import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  DisassociatePhoneNumberContactFlowCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  associateAll,
  describeFlow,
  describeInstanceStatus,
  findFlow,
  findNumber,
  findQueue,
  instanceIdOf,
  listNumbers,
  listQueues,
  readAssociations,
} from '../../../lambda/shared/connect';
import { awsError, flowArn, INSTANCE_ARN, INSTANCE_ID, numberArn, OTHER_INSTANCE_ARN, pinClock } from '../handlers/fixtures';

const connect = mockClient(ConnectClient);
let restoreClock: () => void;

beforeEach(() => {
  connect.reset();
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

const numbers = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ phoneNumberId: `pn-${i}`, phoneNumberArn: numberArn(`pn-${i}`) }));

describe('instanceIdOf', () => {
  it('takes the id out of an instance ARN', () => {
    expect(instanceIdOf(INSTANCE_ARN)).toBe(INSTANCE_ID);
  });

  it.each(['arn:aws:connect:us-east-1:123456789012:instance', INSTANCE_ID, ''])('throws when %p is not an instance ARN', (arn) => {
    expect(() => instanceIdOf(arn)).toThrow(`not an instance ARN: ${arn}`);
  });
});

describe('lookups', () => {
  const flows = [
    { id: 'flow-a', arn: flowArn('flow-a'), name: 'flow-b' },
    { id: 'flow-b', arn: flowArn('flow-b'), name: 'Billing' },
  ];

  it('prefers an ARN or id match over a name match', () => {
    expect(findFlow(flows, 'flow-b')?.id).toBe('flow-b');
    expect(findFlow(flows, flowArn('flow-a'))?.id).toBe('flow-a');
    expect(findFlow(flows, 'Billing')?.id).toBe('flow-b');
    expect(findFlow(flows, 'Nope')).toBeUndefined();
    expect(findQueue([{ id: 'q1', arn: 'arn:q1', name: 'Support' }], 'Support')?.id).toBe('q1');
  });

  it('finds a number by E.164 or ARN, never by id', () => {
    const list = [{ phoneNumber: '+18005550100', id: 'pn-0', arn: numberArn('pn-0') }];
    expect(findNumber(list, '+18005550100')?.id).toBe('pn-0');
    expect(findNumber(list, numberArn('pn-0'))?.id).toBe('pn-0');
    expect(findNumber(list, 'pn-0')).toBeUndefined();
  });
});

describe('reads', () => {
  it('answers undefined when DescribeInstance or DescribeContactFlow omit the status', async () => {
    connect.resolves({});
    await expect(describeInstanceStatus(INSTANCE_ID)).resolves.toBeUndefined();
    await expect(describeFlow(INSTANCE_ID, 'flow-a')).resolves.toEqual({ status: undefined, state: undefined });
  });

  it('follows NextToken through every page of numbers and skips incomplete summaries', async () => {
    connect
      .on(ListPhoneNumbersV2Command)
      .resolvesOnce({
        ListPhoneNumbersSummaryList: [
          { PhoneNumber: '+18005550100', PhoneNumberId: 'pn-0', PhoneNumberArn: numberArn('pn-0'), TargetArn: INSTANCE_ARN },
          { PhoneNumber: '+18005550101', PhoneNumberId: 'pn-1' },
        ],
        NextToken: 'page-2',
      })
      .resolves({
        ListPhoneNumbersSummaryList: [
          { PhoneNumber: '+18005550102', PhoneNumberId: 'pn-2', PhoneNumberArn: numberArn('pn-2'), TargetArn: OTHER_INSTANCE_ARN },
        ],
      });

    const found = await listNumbers(INSTANCE_ARN);

    expect(found).toEqual([
      { phoneNumber: '+18005550100', id: 'pn-0', arn: numberArn('pn-0'), targetArn: INSTANCE_ARN },
      { phoneNumber: '+18005550102', id: 'pn-2', arn: numberArn('pn-2'), targetArn: OTHER_INSTANCE_ARN },
    ]);
    expect(connect).toHaveReceivedNthSpecificCommandWith(2, ListPhoneNumbersV2Command, {
      TargetArn: INSTANCE_ARN,
      MaxResults: 1000,
      NextToken: 'page-2',
    });
  });

  it('asks for STANDARD queues only', async () => {
    connect.on(ListQueuesCommand).resolves({ QueueSummaryList: [{ Id: 'q1', Arn: 'arn:q1', Name: 'Support' }] });

    await expect(listQueues(INSTANCE_ID)).resolves.toEqual([{ id: 'q1', arn: 'arn:q1', name: 'Support' }]);
    expect(connect).toHaveReceivedCommandWith(ListQueuesCommand, { InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'] });
  });
});

describe('readAssociations', () => {
  it('reads in batches of at most 100 resource ids', async () => {
    connect.on(BatchGetFlowAssociationCommand).resolves({});

    const read = await readAssociations(INSTANCE_ID, numbers(150));

    expect(connect).toHaveReceivedCommandTimes(BatchGetFlowAssociationCommand, 2);
    expect(connect).toHaveReceivedNthSpecificCommandWith(1, BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: numbers(100).map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
    expect(connect).toHaveReceivedNthSpecificCommandWith(2, BatchGetFlowAssociationCommand, {
      InstanceId: INSTANCE_ID,
      ResourceIds: numbers(150)
        .slice(100)
        .map((n) => n.phoneNumberArn),
      ResourceType: 'VOICE_PHONE_NUMBER',
    });
    expect(Object.keys(read)).toHaveLength(150);
    expect(Object.values(read).every((v) => v === null)).toBe(true);
  });

  it('maps each answer (by ARN or id) to a flow id; a number without an answer has no flow', async () => {
    connect.on(BatchGetFlowAssociationCommand).resolves({
      FlowAssociationSummaryList: [
        { ResourceId: numberArn('pn-0'), FlowId: flowArn('flow-main') },
        { ResourceId: 'pn-1', FlowId: 'flow-billing' },
        { ResourceId: numberArn('pn-somewhere-else'), FlowId: flowArn('flow-x') },
      ],
    });

    await expect(readAssociations(INSTANCE_ID, numbers(3))).resolves.toEqual({ 'pn-0': 'flow-main', 'pn-1': 'flow-billing', 'pn-2': null });
  });

  it('rejects when a batch fails: an unread association is not "no flow"', async () => {
    connect.on(BatchGetFlowAssociationCommand).resolvesOnce({}).rejects(awsError('ThrottlingException'));

    await expect(readAssociations(INSTANCE_ID, numbers(101))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('associateAll', () => {
  it('associates, or disassociates for a null flow, and never throws', async () => {
    connect.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    connect
      .on(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-2' })
      .rejects(awsError('InvalidRequestException', 'flow is not published'));
    connect.on(DisassociatePhoneNumberContactFlowCommand).resolves({});

    const results = await associateAll(
      INSTANCE_ID,
      [
        { phoneNumberId: 'pn-0', phoneNumber: '+18005550100', flowId: 'flow-main' },
        { phoneNumberId: 'pn-1', phoneNumber: '+18005550101', flowId: null },
        { phoneNumberId: 'pn-2', phoneNumber: '+18005550102', flowId: 'flow-main' },
      ],
      5,
    );

    expect(results).toEqual([
      { phoneNumberId: 'pn-0', phoneNumber: '+18005550100', flowId: 'flow-main', ok: true },
      { phoneNumberId: 'pn-1', phoneNumber: '+18005550101', flowId: null, ok: true },
      {
        phoneNumberId: 'pn-2',
        phoneNumber: '+18005550102',
        flowId: 'flow-main',
        ok: false,
        error: 'InvalidRequestException: flow is not published',
      },
    ]);
    expect(connect).toHaveReceivedCommandWith(DisassociatePhoneNumberContactFlowCommand, {
      InstanceId: INSTANCE_ID,
      PhoneNumberId: 'pn-1',
    });
    expect(connect).not.toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, { PhoneNumberId: 'pn-1' });
  });

  it('keeps at most `concurrency` calls in flight and results in input order', async () => {
    let inFlight = 0;
    let max = 0;
    connect.on(AssociatePhoneNumberContactFlowCommand).callsFake(async () => {
      max = Math.max(max, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return {};
    });
    const moves = Array.from({ length: 9 }, (_, i) => ({ phoneNumberId: `pn-${i}`, phoneNumber: `+1800555010${i}`, flowId: 'flow-main' }));

    const results = await associateAll(INSTANCE_ID, moves, 3);

    expect(max).toBe(3);
    expect(results.map((r) => r.phoneNumberId)).toEqual(moves.map((m) => m.phoneNumberId));
  });

  it('does nothing for no moves', async () => {
    await expect(associateAll(INSTANCE_ID, [], 2)).resolves.toEqual([]);
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});
