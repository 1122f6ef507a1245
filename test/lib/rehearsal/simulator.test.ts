/**
 * The simulated endpoint driven by the real AWS SDK v3 clients: only `endpoint` differs from production.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  BatchGetFlowAssociationCommand,
  ConnectClient,
  ContactFlowNotPublishedException,
  DescribeContactFlowCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  DescribeQueueCommand,
  DisassociatePhoneNumberContactFlowCommand,
  GetCurrentMetricDataCommand,
  type GetCurrentMetricDataCommandInput,
  GetMetricDataV2Command,
  type GetMetricDataV2CommandInput,
  ListContactFlowsCommand,
  ListFlowAssociationsCommand,
  ListPhoneNumbersV2Command,
  ListQueuesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Scenario } from '../../../lib/rehearsal/scenario';
import {
  INSTANCE_ARN,
  INSTANCE_ID,
  type Simulator,
  type SimulatorOptions,
  flowArn,
  flowIdFor,
  phoneNumberArn,
  phoneNumberIdFor,
  queueIdFor,
  startSimulator,
} from '../../../lib/rehearsal/simulator';
import { T0, baseScenario, instantScenario, clientConfig } from './fixtures';

const MAIN = flowIdFor('Main');
const LEGACY = flowIdFor('LegacyBridge');
const TOLL_FREE = '+18005550100';
const SUPPORT = queueIdFor('Support');
const BILLING = queueIdFor('Billing');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:golive-status';

let sim: Simulator;
let connect: ConnectClient;
const clients: Array<{ destroy(): void }> = [];

async function start(options: SimulatorOptions = {}, scenario: Scenario = instantScenario()): Promise<void> {
  sim = await startSimulator(scenario, { startAt: T0, rateLimits: false, ...options });
  connect = client(ConnectClient);
}

function client<C extends { destroy(): void }>(Ctor: new (config: any) => C, extra: Record<string, unknown> = {}): C {
  const c = new Ctor(clientConfig(sim.endpoint, extra));
  clients.push(c);
  return c;
}

/** Puts the clock `minutes` after a cutover marked at T0. */
function atMinute(minutes: number): Date {
  sim.clock.markCutover(T0);
  sim.clock.set(new Date(T0.getTime() + minutes * 60_000));
  return sim.clock.now();
}

afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await sim?.close();
});

describe('Amazon Connect reads', () => {
  beforeEach(() => start());

  test('DescribeInstance returns the instance with its status', async () => {
    const out = await connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }));

    expect(out.Instance).toMatchObject({ Id: INSTANCE_ID, Arn: INSTANCE_ARN, InstanceStatus: 'ACTIVE' });
    expect(out.Instance?.CreatedTime).toBeInstanceOf(Date);
  });

  test('accepts the instance ARN where the id goes', async () => {
    const out = await connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ARN }));

    expect(out.Instance?.Id).toBe(INSTANCE_ID);
  });

  test('rejects an unknown instance with ResourceNotFoundException', async () => {
    const call = connect.send(new DescribeInstanceCommand({ InstanceId: 'not-an-instance' }));

    await expect(call).rejects.toThrow(ResourceNotFoundException);
    await expect(call).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Instance not found: not-an-instance',
      $metadata: { httpStatusCode: 404 },
    });
  });

  test('lists and describes flows with their status and state', async () => {
    const list = await connect.send(new ListContactFlowsCommand({ InstanceId: INSTANCE_ID, ContactFlowTypes: ['CONTACT_FLOW'] }));
    const main = await connect.send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ID, ContactFlowId: MAIN }));

    expect(list.ContactFlowSummaryList?.map((f) => [f.Name, f.Id, f.ContactFlowStatus, f.ContactFlowState])).toEqual([
      ['Main', MAIN, 'PUBLISHED', 'ACTIVE'],
      ['LegacyBridge', LEGACY, 'PUBLISHED', 'ACTIVE'],
      ['Draft', flowIdFor('Draft'), 'SAVED', 'ACTIVE'],
    ]);
    expect(main.ContactFlow).toMatchObject({ Name: 'Main', Arn: flowArn('Main'), Status: 'PUBLISHED', State: 'ACTIVE' });
  });

  test('rejects describing a never-published flow with ContactFlowNotPublishedException (404), not a SAVED status', async () => {
    const call = connect.send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ID, ContactFlowId: flowIdFor('Draft') }));

    await expect(call).rejects.toThrow(ContactFlowNotPublishedException);
    await expect(call).rejects.toMatchObject({
      name: 'ContactFlowNotPublishedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: `The flow ${flowIdFor('Draft')} has not been published.`,
    });
  });

  test('rejects an unknown flow id with ResourceNotFoundException', async () => {
    await expect(connect.send(new DescribeContactFlowCommand({ InstanceId: INSTANCE_ID, ContactFlowId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('lists claimed numbers by target ARN, page by page', async () => {
    const first = await connect.send(new ListPhoneNumbersV2Command({ TargetArn: INSTANCE_ARN, MaxResults: 2 }));
    const second = await connect.send(
      new ListPhoneNumbersV2Command({ TargetArn: INSTANCE_ARN, MaxResults: 2, NextToken: first.NextToken }),
    );

    const all = [...(first.ListPhoneNumbersSummaryList ?? []), ...(second.ListPhoneNumbersSummaryList ?? [])];
    expect(all.map((n) => n.PhoneNumber)).toEqual([TOLL_FREE, '+14155550111', '+14155550199']);
    expect(all[0]).toMatchObject({
      PhoneNumberId: phoneNumberIdFor(TOLL_FREE),
      PhoneNumberArn: phoneNumberArn(TOLL_FREE),
      PhoneNumberType: 'TOLL_FREE',
      PhoneNumberCountryCode: 'US',
      TargetArn: INSTANCE_ARN,
      InstanceId: INSTANCE_ID,
    });
    expect(second.NextToken).toBeUndefined();
  });

  test('describes a number by id or ARN with its claim status', async () => {
    const byArn = await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberArn(TOLL_FREE) }));
    const byId = await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberIdFor('+14155550111') }));

    expect(byArn.ClaimedPhoneNumberSummary).toMatchObject({ PhoneNumber: TOLL_FREE, PhoneNumberStatus: { Status: 'CLAIMED' } });
    expect(byId.ClaimedPhoneNumberSummary?.PhoneNumberType).toBe('DID');
  });

  test('lists and describes queues; an unknown queue is ResourceNotFoundException', async () => {
    const list = await connect.send(new ListQueuesCommand({ InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'] }));
    const support = await connect.send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: SUPPORT }));

    expect(list.QueueSummaryList?.map((q) => [q.Name, q.Id])).toEqual([
      ['Support', SUPPORT],
      ['Billing', BILLING],
    ]);
    expect(support.Queue).toMatchObject({ Name: 'Support', QueueId: SUPPORT, Status: 'ENABLED' });
    await expect(connect.send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: 'q-nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('flow associations', () => {
  beforeEach(() => start());

  test('associate changes the state and BatchGetFlowAssociation reads it back', async () => {
    await connect.send(
      new AssociatePhoneNumberContactFlowCommand({
        InstanceId: INSTANCE_ID,
        PhoneNumberId: phoneNumberIdFor(TOLL_FREE),
        ContactFlowId: MAIN,
      }),
    );
    const read = await connect.send(
      new BatchGetFlowAssociationCommand({
        InstanceId: INSTANCE_ID,
        ResourceIds: [phoneNumberArn(TOLL_FREE), phoneNumberArn('+14155550111')],
        ResourceType: 'VOICE_PHONE_NUMBER',
      }),
    );

    expect(read.FlowAssociationSummaryList).toEqual([
      { ResourceId: phoneNumberArn(TOLL_FREE), FlowId: flowArn('Main'), ResourceType: 'VOICE_PHONE_NUMBER' },
      { ResourceId: phoneNumberArn('+14155550111'), FlowId: flowArn('LegacyBridge'), ResourceType: 'VOICE_PHONE_NUMBER' },
    ]);
    expect(sim.associations()).toEqual({ [TOLL_FREE]: 'Main', '+14155550111': 'LegacyBridge', '+14155550199': 'Main' });
    expect(sim.writeCalls()).toEqual([
      { at: T0.toISOString(), operation: 'AssociatePhoneNumberContactFlow', phoneNumber: TOLL_FREE, flow: 'Main', ok: true },
    ]);
  });

  test('disassociate leaves the number without a flow, and the listings leave it out', async () => {
    await connect.send(
      new DisassociatePhoneNumberContactFlowCommand({ InstanceId: INSTANCE_ID, PhoneNumberId: phoneNumberArn(TOLL_FREE) }),
    );
    const listed = await connect.send(new ListFlowAssociationsCommand({ InstanceId: INSTANCE_ID, ResourceType: 'VOICE_PHONE_NUMBER' }));
    const batch = await connect.send(
      new BatchGetFlowAssociationCommand({ InstanceId: INSTANCE_ID, ResourceIds: [phoneNumberIdFor(TOLL_FREE)] }),
    );

    expect(sim.associations()[TOLL_FREE]).toBeNull();
    expect(listed.FlowAssociationSummaryList?.map((a) => a.ResourceId)).toEqual([
      phoneNumberArn('+14155550111'),
      phoneNumberArn('+14155550199'),
    ]);
    expect(batch.FlowAssociationSummaryList).toEqual([]);
    expect(sim.writeCalls()[0]).toMatchObject({
      operation: 'DisassociatePhoneNumberContactFlow',
      phoneNumber: TOLL_FREE,
      flow: null,
      ok: true,
    });
  });

  test.each([
    ['an unknown flow', { PhoneNumberId: phoneNumberIdFor(TOLL_FREE), ContactFlowId: 'nope' }, 'ResourceNotFoundException', 404],
    ['an unknown number', { PhoneNumberId: 'pn-nope', ContactFlowId: MAIN }, 'ResourceNotFoundException', 404],
    [
      'a missing InstanceId',
      { PhoneNumberId: phoneNumberIdFor(TOLL_FREE), ContactFlowId: MAIN, InstanceId: undefined },
      'InvalidParameterException',
      400,
    ],
  ])('rejects associating %s', async (_what, params, name, status) => {
    const call = connect.send(new AssociatePhoneNumberContactFlowCommand({ InstanceId: INSTANCE_ID, ...params } as any));

    await expect(call).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(sim.associations()[TOLL_FREE]).toBe('LegacyBridge');
    expect(sim.writeCalls()[0]).toMatchObject({ ok: false, error: name });
    expect(sim.callLog[0]).toMatchObject({ service: 'connect', operation: 'AssociatePhoneNumberContactFlow', status, error: name });
  });

  test('rejects associating a number whose claim is not complete', async () => {
    const scenario = instantScenario();
    scenario.contactCenter.phoneNumbers[0].status = 'IN_PROGRESS';
    await sim.close();
    await start({}, scenario);

    await expect(
      connect.send(
        new AssociatePhoneNumberContactFlowCommand({
          InstanceId: INSTANCE_ID,
          PhoneNumberId: phoneNumberIdFor(TOLL_FREE),
          ContactFlowId: MAIN,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });
});

describe('rate limits on the simulated clock', () => {
  beforeEach(() => start({ rateLimits: undefined, latencyMs: 0 }));

  test('throttles the phone-number APIs after a burst of 5 and recovers at 2 per second', async () => {
    const describe = () => connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberIdFor(TOLL_FREE) }));
    for (let i = 0; i < 5; i++) await describe();

    await expect(describe()).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    sim.clock.advance(0.5);
    await expect(describe()).resolves.toBeDefined();
    await expect(describe()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test('gives GetCurrentMetricData a bucket of its own at 5 per second', async () => {
    const current = () =>
      connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: INSTANCE_ID,
          Filters: { Queues: [SUPPORT] },
          CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
        }),
      );
    for (let i = 0; i < 5; i++) await current();

    await expect(current()).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }))).resolves.toBeDefined();
    sim.clock.advance(1);
    await expect(current()).resolves.toBeDefined();
  });
});

describe('injected faults', () => {
  const associate = (flow = MAIN) =>
    connect.send(
      new AssociatePhoneNumberContactFlowCommand({
        InstanceId: INSTANCE_ID,
        PhoneNumberId: phoneNumberIdFor(TOLL_FREE),
        ContactFlowId: flow,
      }),
    );

  test.each([
    ['ThrottlingException', 429],
    ['InternalServiceException', 500],
    ['ResourceNotFoundException', 404],
  ])('answers %s on the faulted call only', async (error, status) => {
    await start({}, instantScenario({ faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 2, error }] }));

    await associate(LEGACY);
    await expect(associate()).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: status } });
    await associate();

    expect(sim.callLog.map((c) => [c.status, c.fault])).toEqual([
      [200, undefined],
      [status, error],
      [200, undefined],
    ]);
    expect(sim.associations()[TOLL_FREE]).toBe('Main');
  });

  test('repeats a fault `times` times', async () => {
    await start({}, instantScenario({ faults: [{ api: 'DescribeInstance', onCall: 1, times: 2, error: 'InternalServiceException' }] }));
    const describe = () => connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }));

    await expect(describe()).rejects.toMatchObject({ name: 'InternalServiceException', $fault: 'server' });
    await expect(describe()).rejects.toMatchObject({ name: 'InternalServiceException' });
    await expect(describe()).resolves.toBeDefined();
  });

  test('Timeout holds the answer past the client timeout, but the write lands', async () => {
    await start(
      { timeoutDelayMs: 300 },
      instantScenario({ faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 1, error: 'Timeout' }] }),
    );
    connect = client(ConnectClient, { requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true } });

    await expect(associate()).rejects.toMatchObject({ name: 'TimeoutError' });

    expect(sim.associations()[TOLL_FREE]).toBe('Main');
    expect(sim.callLog[0]).toMatchObject({ operation: 'AssociatePhoneNumberContactFlow', status: 200, fault: 'Timeout' });
    expect(sim.writeCalls()[0]).toMatchObject({ ok: true, fault: 'Timeout' });
  });

  test('Crash drops the connection without processing the call', async () => {
    await start({}, instantScenario({ faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 1, error: 'Crash' }] }));

    await expect(associate()).rejects.toThrow('socket hang up');

    expect(sim.associations()[TOLL_FREE]).toBe('LegacyBridge');
    expect(sim.callLog[0]).toMatchObject({ status: null, fault: 'Crash' });
    expect(sim.writeCalls()[0]).toMatchObject({ ok: false, fault: 'Crash' });
  });

  test('an atMinute fault fires from that minute after the cutover on', async () => {
    await start({}, instantScenario({ faults: [{ api: 'DescribeInstance', atMinute: 5, error: 'ThrottlingException' }] }));
    const describe = () => connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }));

    await describe();
    atMinute(4.9);
    await describe();
    atMinute(5);
    await expect(describe()).rejects.toMatchObject({ name: 'ThrottlingException' });
    await describe();
  });

  test.each([
    ['GetMetricData', 'ThrottlingException', 'Throttling', 400],
    ['GetMetricData', 'InternalServiceException', 'InternalServiceFault', 500],
    ['GetItem', 'ThrottlingException', 'ThrottlingException', 400],
    ['GetItem', 'InternalServiceException', 'InternalServerError', 500],
    ['Publish', 'InternalServiceException', 'InternalErrorException', 500],
    ['Publish', 'ResourceNotFoundException', 'NotFoundException', 404],
  ])('answers a %s %s the way that service does (%s)', async (api, error, name, status) => {
    await start({}, instantScenario({ faults: [{ api, onCall: 1, error }] }));
    const calls: Record<string, () => Promise<unknown>> = {
      GetMetricData: () =>
        client(CloudWatchClient).send(
          new GetMetricDataCommand({ StartTime: T0, EndTime: new Date(T0.getTime() + 60_000), MetricDataQueries: [missedCalls()] }),
        ),
      GetItem: () => client(DynamoDBClient).send(new GetItemCommand({ TableName: 'control', Key: { pk: { S: 'lock' } } })),
      Publish: () => client(SNSClient).send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' })),
    };

    await expect(calls[api]()).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(sim.callLog[0]).toMatchObject({ operation: api, fault: error });
  });
});

describe('EmptyResult faults on the metric APIs', () => {
  // Minute 3 of the base timeline: every source has data (calls handled, a contact waiting, flow errors).
  const reads: Record<string, () => Promise<unknown>> = {
    GetCurrentMetricData: () =>
      connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: INSTANCE_ID,
          Filters: { Queues: [SUPPORT], Channels: ['VOICE'] },
          Groupings: ['QUEUE'],
          CurrentMetrics: [
            { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
            { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
          ],
        }),
      ),
    GetMetricDataV2: () =>
      connect.send(
        new GetMetricDataV2Command({
          ResourceArn: INSTANCE_ARN,
          StartTime: new Date(sim.clock.nowMillis() - 60_000),
          EndTime: sim.clock.now(),
          Interval: { IntervalPeriod: 'TOTAL' },
          Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }],
          Metrics: [{ Name: 'ABANDONMENT_RATE' }, { Name: 'CONTACTS_HANDLED' }],
        }),
      ),
    GetMetricData: () =>
      client(CloudWatchClient).send(
        new GetMetricDataCommand({
          StartTime: new Date(sim.clock.nowMillis() - 10 * 60_000),
          EndTime: sim.clock.now(),
          MetricDataQueries: [
            {
              Id: 'errors',
              Expression: `SUM(SEARCH('{AWS/Connect,InstanceId,MetricGroup,ContactFlowName} MetricName="ContactFlowErrors"', 'Sum', 60))`,
            },
          ],
        }),
      ),
  };
  /** What the answer holds: Connect's metric values, CloudWatch's datapoints. */
  const data = (out: any): unknown[] =>
    out.MetricResults
      ? out.MetricResults.flatMap((r: any) => (r.Collections ?? []).map((c: any) => c.Value))
      : out.MetricDataResults.flatMap((r: any) => r.Values ?? []);

  test.each(Object.keys(reads))('%s answers 200 with no data while the fault lasts, then data again', async (api) => {
    await start({}, instantScenario({ faults: [{ api, atMinute: 3, times: 2, error: 'EmptyResult' }] }));
    atMinute(3);

    const first = await reads[api]();
    const second = await reads[api]();
    const third = await reads[api]();

    expect(data(first)).toEqual([]);
    expect(data(second)).toEqual([]);
    expect(data(third).length).toBeGreaterThan(0);
    expect(sim.callLog.map((c) => [c.operation, c.status, c.fault])).toEqual([
      [api, 200, 'EmptyResult'],
      [api, 200, 'EmptyResult'],
      [api, 200, undefined],
    ]);
  });

  test('CloudWatch keeps one result per query, with no Timestamps or Values', async () => {
    await start({}, instantScenario({ faults: [{ api: 'GetMetricData', onCall: 1, error: 'EmptyResult' }] }));
    atMinute(3);

    const out = (await reads.GetMetricData()) as { MetricDataResults?: unknown[] };

    expect(out.MetricDataResults).toEqual([{ Id: 'errors', Label: 'SUM', Timestamps: [], Values: [], StatusCode: 'Complete' }]);
  });

  test('a malformed request is still rejected: the fault empties answers, it does not skip validation', async () => {
    await start({}, instantScenario({ faults: [{ api: 'GetCurrentMetricData', onCall: 1, error: 'EmptyResult' }] }));

    await expect(
      connect.send(new GetCurrentMetricDataCommand({ InstanceId: INSTANCE_ID, Filters: { Channels: ['VOICE'] }, CurrentMetrics: [] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('real-time metrics (GetCurrentMetricData)', () => {
  beforeEach(() => start());

  const current = (input: Partial<GetCurrentMetricDataCommandInput>) =>
    connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: INSTANCE_ID,
        Filters: { Queues: [SUPPORT, BILLING], Channels: ['VOICE'] },
        CurrentMetrics: [],
        ...input,
      }),
    );

  test('reads each queue at now, one result per queue when grouped by QUEUE', async () => {
    const before = await current({
      Groupings: ['QUEUE'],
      CurrentMetrics: [
        { Name: 'AGENTS_ONLINE', Unit: 'COUNT' },
        { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
      ],
    });
    atMinute(6.25);
    const after = await current({
      Groupings: ['QUEUE'],
      CurrentMetrics: [
        { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
        { Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' },
      ],
    });

    const values = (out: typeof before) =>
      out.MetricResults?.map((r) => [r.Dimensions?.Queue?.Id, ...(r.Collections ?? []).map((c) => c.Value)]);
    expect(values(before)).toEqual([
      [SUPPORT, 12, 8],
      [BILLING, 4, 1],
    ]);
    expect(values(after)).toEqual([
      [SUPPORT, 3, 0],
      [BILLING, 0, 1],
    ]);
    expect(after.MetricResults?.[0].Dimensions?.Queue?.Arn).toMatch(/\/queue\//);
    expect(after.DataSnapshotTime).toEqual(new Date(T0.getTime() + 375_000));
  });

  test('OLDEST_CONTACT_AGE is in milliseconds without groupings and in seconds with them, Unit SECONDS both ways', async () => {
    atMinute(3);
    const metric = [{ Name: 'OLDEST_CONTACT_AGE' as const, Unit: 'SECONDS' as const }];

    const summary = await current({ CurrentMetrics: metric });
    const grouped = await current({ CurrentMetrics: metric, Groupings: ['QUEUE'] });

    expect(summary.MetricResults?.[0].Collections?.[0]).toEqual({ Metric: { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }, Value: 24_000 });
    expect(grouped.MetricResults?.map((r) => r.Collections?.[0].Value)).toEqual([24, 24]);
  });

  test('rejects a unit the metric does not have', async () => {
    await expect(current({ CurrentMetrics: [{ Name: 'OLDEST_CONTACT_AGE', Unit: 'MILLISECONDS' as any }] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid Unit MILLISECONDS for metric OLDEST_CONTACT_AGE: must be SECONDS',
    });
  });

  test('rejects a request without a queue filter', async () => {
    await expect(current({ Filters: { Channels: ['VOICE'] }, CurrentMetrics: [{ Name: 'AGENTS_ONLINE' }] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('historical metrics (GetMetricDataV2)', () => {
  beforeEach(() => start());

  const trailing = (seconds: number, input: Partial<GetMetricDataV2CommandInput> = {}) => {
    const end = sim.clock.now();
    return connect.send(
      new GetMetricDataV2Command({
        ResourceArn: INSTANCE_ARN,
        StartTime: new Date(end.getTime() - seconds * 1000),
        EndTime: end,
        Interval: { IntervalPeriod: 'TOTAL' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }],
        Groupings: ['QUEUE'],
        Metrics: [{ Name: 'ABANDONMENT_RATE' }, { Name: 'AVG_HANDLE_TIME' }, { Name: 'CONTACTS_HANDLED' }, { Name: 'CONTACTS_ABANDONED' }],
        ...input,
      }),
    );
  };
  const values = (out: { MetricResults?: Array<{ Collections?: Array<{ Value?: number }> }> }) =>
    out.MetricResults?.[0]?.Collections?.map((c) => c.Value);

  test('counts a contact once it has ended: abandoned ones after the caller hangs up, handled ones one AHT after they start', async () => {
    // Support: 40 handled a minute from minute 0 (AHT 310 s), 4% abandoned (hang up after 60 s); spike to 35% at 6.
    atMinute(5);
    const early = await trailing(300);
    atMinute(7.25);
    const spike = await trailing(60);

    // The first row's traffic was already flowing before it: contacts end from the start, 40 handled a minute.
    const [earlyRate, earlyAht, earlyHandled] = values(early)!;
    expect(earlyHandled).toBe(200);
    expect(earlyAht).toBe(310);
    expect(earlyRate).toBeCloseTo(4, 0);
    // [6.25, 7.25): handled contacts that started in [1.08, 2.08) min; abandoned ones that started in [5.25, 6.25),
    // a quarter of them after the spike. Whole contacts, in percent.
    const [rate, aht, handled, abandoned] = values(spike)!;
    expect(handled).toBe(40);
    expect(aht).toBe(310);
    expect(Number.isInteger(abandoned)).toBe(true);
    expect(abandoned).toBeCloseTo((30 * 0.04) / 0.96 + (10 * 0.35) / 0.65, -0.5);
    expect(rate).toBeCloseTo((100 * abandoned!) / (handled! + abandoned!), 4);
    expect(spike.MetricResults?.[0].Dimensions).toEqual({ QUEUE: SUPPORT, QUEUE_ARN: expect.stringContaining(SUPPORT) });
  });

  test('counts a contact only once its record has arrived, timing.historicalLagSeconds after it ended', async () => {
    await sim.close();
    await start({}, baseScenario({ timing: { cloudWatchLagSeconds: 0, historicalLagSeconds: 120, realTimeRefreshSeconds: 1 } }));
    atMinute(7.25);

    const lagged = await trailing(60);
    atMinute(9.25);
    const arrived = await trailing(180);

    // At 7m15s nothing that ended after 5m15s has a record yet, so the window [6.25, 7.25) is empty.
    expect(lagged.MetricResults).toEqual([]);
    // At 9m15s contacts that ended up to 7m15s are counted: the window [6.25, 9.25) holds [6.25, 7.25) of them.
    expect(values(arrived)![2]).toBe(40);
  });

  test('mixes queues by contacts without the QUEUE grouping', async () => {
    atMinute(8);
    const out = await trailing(60, {
      Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT, BILLING] }],
      Groupings: [],
      Metrics: [{ Name: 'AVG_HANDLE_TIME' }, { Name: 'CONTACTS_HANDLED' }],
    });

    // [7, 8): Support's contacts started in [1.83, 2.83) (AHT 310 s), Billing's in [3.67, 4.67) (AHT 200 s).
    expect(out.MetricResults).toHaveLength(1);
    expect(values(out)).toEqual([(40 * 310 + 10 * 200) / 50, 50]);
  });

  test('CONTACTS_HANDLED honours the INITIATION_METHOD metric filter', async () => {
    atMinute(10);
    const out = await trailing(120, {
      Metrics: [
        { Name: 'CONTACTS_HANDLED', MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['INBOUND'] }] },
        { Name: 'CONTACTS_HANDLED', MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['OUTBOUND'] }] },
        { Name: 'CONTACTS_HANDLED' },
      ],
    });

    expect(values(out)).toEqual([80, 0, 80]);
  });

  test('returns no result for a window without contacts', async () => {
    const out = await trailing(60);

    expect(out.MetricResults).toEqual([]);
  });

  test('rejects an EndTime in the future', async () => {
    const end = new Date(sim.clock.now().getTime() + 3_600_000);

    await expect(
      connect.send(
        new GetMetricDataV2Command({
          ResourceArn: INSTANCE_ARN,
          StartTime: T0,
          EndTime: end,
          Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }],
          Metrics: [{ Name: 'CONTACTS_HANDLED' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'EndTime cannot be later than the current time' });
  });

  test('rejects an unknown resource ARN with ResourceNotFoundException', async () => {
    await expect(trailing(60, { ResourceArn: `${INSTANCE_ARN}x` })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

function missedCalls(): MetricDataQuery {
  return {
    Id: 'missed',
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Connect',
        MetricName: 'MissedCalls',
        Dimensions: [
          { Name: 'InstanceId', Value: INSTANCE_ID },
          { Name: 'MetricGroup', Value: 'VoiceCalls' },
        ],
      },
      Period: 60,
      Stat: 'Sum',
    },
  };
}

describe('CloudWatch AWS/Connect metrics (GetMetricData)', () => {
  beforeEach(() => start());

  const query = (queries: MetricDataQuery[]) => {
    const end = sim.clock.now();
    return client(CloudWatchClient).send(
      new GetMetricDataCommand({ StartTime: new Date(end.getTime() - 10 * 60_000), EndTime: end, MetricDataQueries: queries }),
    );
  };
  const flowErrors = (dims: Array<{ Name: string; Value: string }>): MetricDataQuery => ({
    Id: 'flow',
    MetricStat: { Metric: { Namespace: 'AWS/Connect', MetricName: 'ContactFlowErrors', Dimensions: dims }, Period: 60, Stat: 'Sum' },
  });

  test('sums ContactFlowErrors over every flow with SUM(SEARCH(...)), one datapoint per complete minute', async () => {
    atMinute(10.5);
    const out = await query([
      {
        Id: 'errors',
        Expression: `SUM(SEARCH('{AWS/Connect,InstanceId,MetricGroup,ContactFlowName} MetricName="ContactFlowErrors"', 'Sum', 60))`,
      },
    ]);

    const result = out.MetricDataResults?.[0];
    expect(result?.Id).toBe('errors');
    expect(result?.Values).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(result?.Timestamps?.[0]).toEqual(new Date(T0.getTime() + 9 * 60_000));
  });

  test('matches the exact dimension set, as CloudWatch does', async () => {
    atMinute(10);
    const out = await query([
      flowErrors([
        { Name: 'InstanceId', Value: INSTANCE_ID },
        { Name: 'MetricGroup', Value: 'ContactFlow' },
        { Name: 'ContactFlowName', Value: 'LegacyBridge' },
      ]),
      {
        ...flowErrors([
          { Name: 'InstanceId', Value: INSTANCE_ID },
          { Name: 'MetricGroup', Value: 'ContactFlow' },
        ]),
        Id: 'nodims',
      },
    ]);

    // Errors are split over the flows numbers point at: LegacyBridge (two numbers) and Main (the UAT number).
    expect(out.MetricDataResults?.[0].Values).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(out.MetricDataResults?.[1]).toMatchObject({ Id: 'nodims', Values: [], Timestamps: [] });
  });

  test('publishes MissedCalls only for minutes with missed calls', async () => {
    atMinute(10);
    const out = await query([missedCalls()]);

    expect(out.MetricDataResults?.[0].Values).toEqual([3, 3, 3, 3]);
  });

  test('rejects an expression it does not simulate', async () => {
    await expect(query([{ Id: 'x', Expression: 'm1 + m2' }])).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});

describe('SNS and DynamoDB', () => {
  beforeEach(() => start());

  test('records every published status message', async () => {
    await client(SNSClient).send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'Ready',
        Message: '{"step":"DeployCheck"} & <ok>',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'approval' } },
      }),
    );

    expect(sim.snsMessages).toEqual([
      {
        at: T0.toISOString(),
        messageId: expect.any(String),
        topicArn: TOPIC,
        subject: 'Ready',
        message: '{"step":"DeployCheck"} & <ok>',
        attributes: { kind: 'approval' },
      },
    ]);
  });

  test('rejects an empty message', async () => {
    await expect(client(SNSClient).send(new PublishCommand({ TopicArn: TOPIC, Message: '' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  test('holds a one-execution-at-a-time lock and an abort flag', async () => {
    const ddb = client(DynamoDBClient);
    const lock = (owner: string) =>
      ddb.send(
        new PutItemCommand({
          TableName: 'control',
          Item: { pk: { S: 'lock' }, owner: { S: owner } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );

    await lock('exec-1');
    await expect(lock('exec-2')).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      Item: { pk: { S: 'lock' }, owner: { S: 'exec-1' } },
    });
    const updated = await ddb.send(
      new UpdateItemCommand({
        TableName: 'control',
        Key: { pk: { S: 'lock' } },
        UpdateExpression: 'SET #abort = :yes, attempts = if_not_exists(attempts, :zero) + :one',
        ConditionExpression: '#owner = :me AND attribute_exists(pk)',
        ExpressionAttributeNames: { '#abort': 'abort', '#owner': 'owner' },
        ExpressionAttributeValues: { ':yes': { BOOL: true }, ':me': { S: 'exec-1' }, ':zero': { N: '0' }, ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const release = (owner: string) =>
      ddb.send(
        new DeleteItemCommand({
          TableName: 'control',
          Key: { pk: { S: 'lock' } },
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':me': { S: owner } },
        }),
      );

    expect(updated.Attributes).toEqual({ pk: { S: 'lock' }, owner: { S: 'exec-1' }, abort: { BOOL: true }, attempts: { N: '1' } });
    await expect(release('exec-2')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await release('exec-1');
    expect((await ddb.send(new GetItemCommand({ TableName: 'control', Key: { pk: { S: 'lock' } } }))).Item).toBeUndefined();
    expect(sim.dynamoItems('control')).toEqual([]);
  });

  test('rejects a key that does not match the table schema', async () => {
    await expect(
      client(DynamoDBClient).send(new GetItemCommand({ TableName: 'control', Key: { id: { S: 'lock' } } })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'The provided key element does not match the schema' });
  });
});

describe('the endpoint', () => {
  beforeEach(() => start());

  test('advances the simulated clock by the latency of every call', async () => {
    await connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }));
    await connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }));

    expect(sim.clock.now().getTime() - T0.getTime()).toBe(100);
    expect(sim.callLog.map((c) => c.at)).toEqual([T0.toISOString(), '2026-03-02T09:00:00.050Z']);
  });

  test('answers an unknown path with UnknownOperationException', async () => {
    const res = await fetch(`${sim.endpoint}/no/such/operation`);

    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});

describe('metric timing (scenario timing)', () => {
  const timed = (timing: Record<string, number>) => start({}, baseScenario({ timing }));

  test('publishes a CloudWatch minute timing.cloudWatchLagSeconds after it ends, whole counts only', async () => {
    await timed({ cloudWatchLagSeconds: 90, historicalLagSeconds: 0, realTimeRefreshSeconds: 1 });
    atMinute(10.5);

    const out = await client(CloudWatchClient).send(
      new GetMetricDataCommand({
        StartTime: T0,
        EndTime: sim.clock.now(),
        MetricDataQueries: [
          {
            Id: 'missed',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Connect',
                MetricName: 'MissedCalls',
                Dimensions: [
                  { Name: 'InstanceId', Value: INSTANCE_ID },
                  { Name: 'MetricGroup', Value: 'VoiceCalls' },
                ],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
        ScanBy: 'TimestampAscending',
      }),
    );

    // Missed calls from minute 6 (3 a minute); at 10m30s minutes up to 9:00 are published (9:00 + 90 s = 10:30).
    const r = out.MetricDataResults?.[0];
    expect(r?.Timestamps?.map((t) => (t.getTime() - T0.getTime()) / 60_000)).toEqual([6, 7, 8]);
    expect(r?.Values).toEqual([3, 3, 3]);
  });

  test('answers GetCurrentMetricData from the snapshot of the last refresh', async () => {
    await timed({ cloudWatchLagSeconds: 0, historicalLagSeconds: 0, realTimeRefreshSeconds: 300 });
    // Support's agents available drop from 8 to 0 at minute 6; T0 is on a 5-minute boundary.
    atMinute(6.25);
    const read = () =>
      connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: INSTANCE_ID,
          Filters: { Queues: [SUPPORT] },
          CurrentMetrics: [{ Name: 'AGENTS_AVAILABLE', Unit: 'COUNT' }],
        }),
      );

    const stale = await read();
    atMinute(10);
    const fresh = await read();

    expect(stale.MetricResults?.[0].Collections?.[0].Value).toBe(8);
    expect(stale.DataSnapshotTime).toEqual(new Date(T0.getTime() + 5 * 60_000));
    expect(fresh.MetricResults?.[0].Collections?.[0].Value).toBe(0);
  });

  test('defaults to realistic, non-zero timing', () => {
    expect(baseScenario().timing).toEqual({ cloudWatchLagSeconds: 120, historicalLagSeconds: 120, realTimeRefreshSeconds: 15 });
  });
});

describe('the concurrent-calls quota (contactCenter.concurrentCallsQuota)', () => {
  test('rejects the calls offered over the quota and reports the quota in use', async () => {
    // Support: 40 calls a minute of 310 s + 3 waiting ≈ 210 at once; Billing 10 of 200 s ≈ 33. Quota 200.
    const s = instantScenario();
    await start({}, { ...s, contactCenter: { ...s.contactCenter, concurrentCallsQuota: 200 } });
    atMinute(3);
    const voice = (metricName: string, stat: string): MetricDataQuery => ({
      Id: metricName.charAt(0).toLowerCase() + metricName.slice(1),
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Connect',
          MetricName: metricName,
          Dimensions: [
            { Name: 'InstanceId', Value: INSTANCE_ID },
            { Name: 'MetricGroup', Value: 'VoiceCalls' },
          ],
        },
        Period: 60,
        Stat: stat,
      },
    });

    const out = await client(CloudWatchClient).send(
      new GetMetricDataCommand({
        StartTime: T0,
        EndTime: sim.clock.now(),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          voice('CallsBreachingConcurrencyQuota', 'Sum'),
          voice('ConcurrentCallsPercentage', 'Maximum'),
          voice('ThrottledCalls', 'Sum'),
        ],
      }),
    );

    const [breaching, percentage, throttled] = out.MetricDataResults!;
    const offered = (40 / 60) * 310 + 3 + (10 / 60) * 200;
    const arrivalsPerMinute = 40 / 0.96 + 10;
    const perMinute = arrivalsPerMinute * ((offered - 200) / offered);
    expect(breaching.Values?.reduce((a, b) => a + b, 0)).toBe(Math.floor(3 * perMinute));
    expect(breaching.Values?.every((v) => Number.isInteger(v))).toBe(true);
    expect(percentage.Values).toEqual([100, 100, 100]);
    expect(throttled.Values).toEqual([]);
  });
});
