/**
 * The simulator answers as AWS does (issue 9, part 3), driven by the real SDK clients: GetMetricDataV2's time and
 * filter rules, the 100-queue limit of both metric APIs, quotas shared with other callers, and the request trace.
 * (DescribeContactFlow on a never-published flow is in simulator.test.ts.)
 */
import {
  ConnectClient,
  DescribePhoneNumberCommand,
  DisassociatePhoneNumberContactFlowCommand,
  GetCurrentMetricDataCommand,
  GetMetricDataV2Command,
  type GetMetricDataV2CommandInput,
  InvalidParameterException,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Scenario } from '../../../lib/rehearsal/scenario';
import {
  INSTANCE_ARN,
  INSTANCE_ID,
  type Simulator,
  type SimulatorOptions,
  type TraceRecord,
  phoneNumberIdFor,
  queueIdFor,
  startSimulator,
} from '../../../lib/rehearsal/simulator';
import { T0, baseScenario, clientConfig } from './fixtures';

const SUPPORT = queueIdFor('Support');
const TOLL_FREE = '+18005550100';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sim: Simulator;
let connect: ConnectClient;

async function start(options: SimulatorOptions = {}, scenario: Scenario = baseScenario()): Promise<void> {
  sim = await startSimulator(scenario, { startAt: T0, rateLimits: false, latencyMs: 0, ...options });
  connect = new ConnectClient(clientConfig(sim.endpoint));
}

afterEach(async () => {
  connect?.destroy();
  await sim?.close();
});

describe('GetMetricDataV2 time and filter rules (InvalidParameterException, 400)', () => {
  beforeEach(async () => {
    await start();
    sim.clock.set(new Date(T0.getTime() + 10 * DAY));
  });

  const request = (input: Partial<GetMetricDataV2CommandInput>) => {
    const now = sim.clock.now();
    return connect.send(
      new GetMetricDataV2Command({
        ResourceArn: INSTANCE_ARN,
        StartTime: new Date(now.getTime() - HOUR),
        EndTime: now,
        Interval: { IntervalPeriod: 'TOTAL' },
        Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }],
        Metrics: [{ Name: 'CONTACTS_HANDLED' }],
        ...input,
      }),
    );
  };
  const rejected = async (call: Promise<unknown>, message: string | RegExp) => {
    await expect(call).rejects.toThrow(InvalidParameterException);
    await expect(call).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 }, message: expect.stringMatching(message) });
  };

  test('accepts an EndTime of exactly now', async () => {
    await expect(request({})).resolves.toBeDefined();
  });

  test('rejects an EndTime one second later than now (no clock skew allowed)', async () => {
    await rejected(request({ EndTime: new Date(sim.clock.nowMillis() + 1000) }), /^EndTime cannot be later than the current time$/);
  });

  test('rejects a StartTime that is not before EndTime', async () => {
    await rejected(request({ StartTime: sim.clock.now() }), /^StartTime must be before EndTime$/);
  });

  test('rejects a StartTime more than 3 calendar months ago, accepts one just inside', async () => {
    const now = sim.clock.now();
    const threeMonthsAgo = new Date(now);
    threeMonthsAgo.setUTCMonth(now.getUTCMonth() - 3);

    await rejected(
      request({
        StartTime: new Date(threeMonthsAgo.getTime() - 1000),
        EndTime: new Date(threeMonthsAgo.getTime() + DAY),
        Interval: { IntervalPeriod: 'DAY' },
      }),
      /3 months/,
    );
    await expect(
      request({ StartTime: threeMonthsAgo, EndTime: new Date(threeMonthsAgo.getTime() + DAY), Interval: { IntervalPeriod: 'DAY' } }),
    ).resolves.toBeDefined();
  });

  test.each([
    ['FIFTEEN_MIN', 3 * DAY],
    ['THIRTY_MIN', 3 * DAY],
    ['HOUR', 3 * DAY],
    ['DAY', 35 * DAY],
    ['WEEK', 35 * DAY],
    ['TOTAL', 35 * DAY],
  ] as const)('%s: the range must be less than its maximum', async (period, maxMs) => {
    sim.clock.set(new Date(T0.getTime() + 40 * DAY));
    const end = sim.clock.now();
    const withRange = (ms: number) =>
      request({ StartTime: new Date(end.getTime() - ms), EndTime: end, Interval: { IntervalPeriod: period } });

    await rejected(withRange(maxMs), /time range is too long/);
    await expect(withRange(maxMs - HOUR)).resolves.toBeDefined();
  });

  test('rejects more than 100 queues in the QUEUE filter', async () => {
    const queues = Array.from({ length: 101 }, () => SUPPORT);

    await rejected(request({ Filters: [{ FilterKey: 'QUEUE', FilterValues: queues }] }), /1 to 100 values, got 101/);
  });

  test('rejects more than 5 filter keys', async () => {
    const filter = { FilterKey: 'CHANNEL', FilterValues: ['VOICE'] };

    await rejected(
      request({ Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }, filter, filter, filter, filter, filter] }),
      /1 to 5 filter keys, got 6/,
    );
  });
});

describe('GetCurrentMetricData: at most 100 queues', () => {
  beforeEach(() => start());

  const current = (queues: string[]) =>
    connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: INSTANCE_ID,
        Filters: { Queues: queues },
        CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }],
      }),
    );

  test('accepts 100 queues and rejects 101 with InvalidParameterException (400)', async () => {
    await expect(current(Array.from({ length: 100 }, () => SUPPORT))).resolves.toBeDefined();

    const call = current(Array.from({ length: 101 }, () => SUPPORT));
    await expect(call).rejects.toThrow(InvalidParameterException);
    await expect(call).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message: 'Filters.Queues accepts at most 100 queues, got 101',
    });
  });
});

describe('API quotas shared with other callers (contactCenter.otherCallersRequestsPerSecond)', () => {
  const describeNumber = () => connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberIdFor(TOLL_FREE) }));

  test('other callers at 1.5 of the 2 requests/s leave us 0.5/s after the burst', async () => {
    await start(
      { rateLimits: undefined },
      baseScenario({ contactCenter: { ...baseContactCenter(), otherCallersRequestsPerSecond: { DescribePhoneNumber: 1.5 } } }),
    );
    for (let i = 0; i < 5; i++) await describeNumber();

    await expect(describeNumber()).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    sim.clock.advance(1); // 0.5 token for us: still throttled (alone, 1 s would have refilled 2)
    await expect(describeNumber()).rejects.toMatchObject({ name: 'ThrottlingException' });
    sim.clock.advance(1);
    await expect(describeNumber()).resolves.toBeDefined();
  });

  test('without other callers the same second refills the bucket for us', async () => {
    await start({ rateLimits: undefined });
    for (let i = 0; i < 5; i++) await describeNumber();
    await expect(describeNumber()).rejects.toMatchObject({ name: 'ThrottlingException' });

    sim.clock.advance(1);
    await expect(describeNumber()).resolves.toBeDefined();
  });

  test('other callers on one API leave the other APIs alone', async () => {
    await start(
      { rateLimits: undefined },
      baseScenario({ contactCenter: { ...baseContactCenter(), otherCallersRequestsPerSecond: { AssociatePhoneNumberContactFlow: 2 } } }),
    );
    for (let i = 0; i < 5; i++) await describeNumber();
    sim.clock.advance(1);

    await expect(describeNumber()).resolves.toBeDefined();
  });
});

describe('the request trace (rehearse --trace)', () => {
  test('records each request as it reached the simulator, with the status answered, throttled ones included', async () => {
    const trace: TraceRecord[] = [];
    await start({ rateLimits: undefined, onTrace: (r) => trace.push(r) });

    await connect.send(
      new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: phoneNumberIdFor(TOLL_FREE), InstanceId: INSTANCE_ID }),
    );
    for (let i = 0; i < 6; i++)
      await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: phoneNumberIdFor(TOLL_FREE) })).catch(() => undefined);
    await connect.send(
      new GetMetricDataV2Command({
        ResourceArn: INSTANCE_ARN,
        StartTime: new Date(T0.getTime() - HOUR),
        EndTime: T0,
        Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }],
        Metrics: [{ Name: 'CONTACTS_HANDLED' }],
      }),
    );

    expect(trace.map((r) => [r.operation, r.status])).toEqual([
      ['DisassociatePhoneNumberContactFlow', 200],
      ['DescribePhoneNumber', 200],
      ['DescribePhoneNumber', 200],
      ['DescribePhoneNumber', 200],
      ['DescribePhoneNumber', 200],
      ['DescribePhoneNumber', 200],
      ['DescribePhoneNumber', 429],
      ['GetMetricDataV2', 200],
    ]);
    expect(trace[0]).toEqual({
      service: 'connect',
      operation: 'DisassociatePhoneNumberContactFlow',
      method: 'DELETE',
      path: `/phone-number/${phoneNumberIdFor(TOLL_FREE)}/contact-flow`,
      query: `instanceId=${INSTANCE_ID}`,
      headers: expect.objectContaining({ authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 /), 'x-amz-date': expect.any(String) }),
      body: '',
      status: 200,
    });
    const v2 = trace[7];
    expect(v2).toMatchObject({ method: 'POST', path: '/metrics/data', query: '' });
    // The body exactly as the SDK serialized it: timestamps as epoch seconds.
    expect(JSON.parse(v2.body)).toMatchObject({
      ResourceArn: INSTANCE_ARN,
      StartTime: (T0.getTime() - HOUR) / 1000,
      EndTime: T0.getTime() / 1000,
    });
    expect(JSON.stringify(trace)).toBe(JSON.stringify(JSON.parse(JSON.stringify(trace)))); // plain JSON, one line each
  });
});

describe('DynamoDB answered by dynalite', () => {
  let ddb: DynamoDBClient;
  const startWith = async (options: SimulatorOptions = {}, scenario?: Scenario) => {
    await start(options, scenario);
    ddb = new DynamoDBClient(clientConfig(sim.endpoint));
  };
  afterEach(() => ddb?.destroy());

  test("rejects an item over DynamoDB's 400 KB limit with ValidationException", async () => {
    await startWith();
    const put = (bytes: number) =>
      ddb.send(new PutItemCommand({ TableName: 'control', Item: { pk: { S: 'big' }, blob: { S: 'x'.repeat(bytes) } } }));

    await expect(put(390_000)).resolves.toBeDefined();
    await expect(put(410_000)).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
      message: 'Item size has exceeded the maximum allowed size',
    });
    expect(sim.dynamoItems('control').map((i) => (i.blob as { S: string }).S.length)).toEqual([390_000]);
  });

  test("evaluates DynamoDB's expression language and operations the old hand-written subset lacked (size(), Query)", async () => {
    await startWith();
    await ddb.send(new PutItemCommand({ TableName: 'control', Item: { pk: { S: 'p' }, numbers: { L: [{ S: '+18005550100' }] } } }));

    const out = await ddb.send(
      new UpdateItemCommand({
        TableName: 'control',
        Key: { pk: { S: 'p' } },
        UpdateExpression: 'SET numbers = list_append(numbers, :more)',
        ConditionExpression: 'size(numbers) < :max',
        ExpressionAttributeValues: { ':more': { L: [{ S: '+18005550101' }] }, ':max': { N: '2' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );

    expect(out.Attributes).toEqual({ numbers: { L: [{ S: '+18005550100' }, { S: '+18005550101' }] } });
    await expect(
      ddb.send(
        new QueryCommand({
          TableName: 'control',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'p' } },
        }),
      ),
    ).resolves.toMatchObject({ Count: 1 });
  });

  test('answers ResourceNotFoundException for a table the options do not declare', async () => {
    await startWith({ dynamoTables: { control: ['pk'] } });

    await expect(ddb.send(new GetItemCommand({ TableName: 'other', Key: { pk: { S: 'x' } } }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(ddb.send(new GetItemCommand({ TableName: 'control', Key: { pk: { S: 'x' } } }))).resolves.toBeDefined();
  });

  test('keeps fault injection, the call log and the trace for DynamoDB calls', async () => {
    const trace: TraceRecord[] = [];
    await startWith(
      { onTrace: (r) => trace.push(r) },
      baseScenario({ faults: [{ api: 'PutItem', onCall: 1, error: 'InternalServiceException' }] }),
    );
    const put = () =>
      ddb.send(new PutItemCommand({ TableName: 'control', Item: { pk: { S: 'LOCK' } }, ConditionExpression: 'attribute_not_exists(pk)' }));

    await expect(put()).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    await put();
    await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });

    expect(sim.callLog.map((c) => [c.service, c.operation, c.status, c.error ?? null])).toEqual([
      ['dynamodb', 'PutItem', 500, 'InternalServerError'],
      ['dynamodb', 'PutItem', 200, null],
      ['dynamodb', 'PutItem', 400, 'ConditionalCheckFailedException'],
    ]);
    expect(trace.map((r) => [r.operation, r.method, r.path, r.status, r.headers['x-amz-target']])).toEqual([
      ['PutItem', 'POST', '/', 500, 'DynamoDB_20120810.PutItem'],
      ['PutItem', 'POST', '/', 200, 'DynamoDB_20120810.PutItem'],
      ['PutItem', 'POST', '/', 400, 'DynamoDB_20120810.PutItem'],
    ]);
    expect(JSON.parse(trace[1].body)).toEqual({
      TableName: 'control',
      Item: { pk: { S: 'LOCK' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });
});

function baseContactCenter(): Record<string, unknown> {
  const { contactCenter } = baseScenario();
  return {
    queues: contactCenter.queues.map(({ name, agentsOnline, agentsAvailable }) => ({ name, agentsOnline, agentsAvailable })),
    flows: contactCenter.flows,
    phoneNumbers: contactCenter.phoneNumbers,
    uatPhoneNumber: contactCenter.uatPhoneNumber,
  };
}
