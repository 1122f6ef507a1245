/**
 * IAM in the rehearsal: each handler's calls are authorized against the policies synthesis gave its role.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ConnectClient,
  DescribeInstanceCommand,
  DisassociatePhoneNumberContactFlowCommand,
  GetMetricDataV2Command,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as clients from '../../../lambda/shared/clients';
import { iamModelFromTemplate } from '../../../lib/rehearsal/iam-model';
import { executeOnce, openRehearsal, outcomeOf, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { loadScenario } from '../../../lib/rehearsal/scenario';
import {
  INSTANCE_ARN,
  INSTANCE_ID,
  type IamModel,
  type IamPrincipal,
  type Simulator,
  accessKeyIdFor,
  flowIdFor,
  permissionsFor,
  phoneNumberArn,
  phoneNumberIdFor,
  queueIdFor,
  startSimulator,
} from '../../../lib/rehearsal/simulator';
import { IamEnforcer, accessKeyIdOf } from '../../../lib/rehearsal/simulator/iam';
import type { Template } from '../../../lib/rehearsal/template';
import { T0, baseScenario, clientConfig } from './fixtures';

const ACCOUNT = '123456789012';
const PN = phoneNumberIdFor('+18005550100');
const MAIN = flowIdFor('Main');
const SUPPORT = queueIdFor('Support');
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:Status`;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Control`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/RunbookKey`;

function principal(roleName: string, statements: unknown[]): IamPrincipal {
  return {
    roleName,
    sessionName: `${roleName}Function`,
    accessKeyId: accessKeyIdFor(roleName),
    policies: [{ name: `${roleName}Policy`, policy: { Version: '2012-10-17', Statement: statements } }],
  };
}

const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};
const ALLOWED = principal('Allowed', [
  { Effect: 'Allow', Action: ['connect:*'], Resource: '*' },
  { Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'sns:Publish', 'dynamodb:*'], Resource: '*' },
  { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: KEY },
]);
const NARROW = principal('Narrow', [
  { Effect: 'Allow', Action: 'connect:DescribeInstance', Resource: 'arn:aws:connect:us-east-1:123456789012:instance/other' },
  { Effect: 'Allow', Action: ['sns:Publish', 'dynamodb:GetItem'], Resource: '*' },
]);
const DENIER = principal('Denier', [
  { Effect: 'Allow', Action: 'connect:*', Resource: '*' },
  { Effect: 'Deny', Action: 'connect:DisassociatePhoneNumberContactFlow', Resource: '*' },
]);
const MODEL: IamModel = {
  principals: [ALLOWED, NARROW, DENIER],
  keyPolicies: { [KEY]: KEY_POLICY },
  encryptionKeys: { [TOPIC]: KEY, [TABLE]: KEY },
};

describe('operation → IAM action and resource ARN (Service Authorization Reference)', () => {
  const q = (ref: string) => `${INSTANCE_ARN}/queue/${ref}`;
  test.each([
    ['DescribeInstance', { InstanceId: INSTANCE_ID }, [INSTANCE_ARN]],
    ['DescribeInstance', { InstanceId: INSTANCE_ARN }, [INSTANCE_ARN]],
    ['ListFlowAssociations', { InstanceId: INSTANCE_ID, ResourceType: 'VOICE_PHONE_NUMBER' }, [INSTANCE_ARN]],
    ['ListContactFlows', { InstanceId: INSTANCE_ID }, [`${INSTANCE_ARN}/contact-flow/*`]],
    ['DescribeContactFlow', { InstanceId: INSTANCE_ID, ContactFlowId: MAIN }, [`${INSTANCE_ARN}/contact-flow/${MAIN}`]],
    ['ListQueues', { InstanceId: INSTANCE_ID }, [`${INSTANCE_ARN}/queue/*`]],
    ['DescribeQueue', { InstanceId: INSTANCE_ID, QueueId: SUPPORT }, [q(SUPPORT)]],
    ['ListPhoneNumbersV2', { TargetArn: INSTANCE_ARN }, [`arn:aws:connect:us-east-1:${ACCOUNT}:phone-number/*`]],
    ['BatchGetFlowAssociation', { InstanceId: INSTANCE_ID, ResourceIds: [PN] }, [`arn:aws:connect:us-east-1:${ACCOUNT}:phone-number/*`]],
    // A claimed number is an account resource: its ARN has no instance in it.
    ['DescribePhoneNumber', { PhoneNumberId: PN }, [phoneNumberArn('+18005550100')]],
    ['DescribePhoneNumber', { PhoneNumberId: phoneNumberArn('+18005550100') }, [phoneNumberArn('+18005550100')]],
    ['DisassociatePhoneNumberContactFlow', { PhoneNumberId: PN, InstanceId: INSTANCE_ID }, [phoneNumberArn('+18005550100')]],
    [
      'AssociatePhoneNumberContactFlow',
      { PhoneNumberId: PN, InstanceId: INSTANCE_ID, ContactFlowId: MAIN },
      [phoneNumberArn('+18005550100'), `${INSTANCE_ARN}/contact-flow/${MAIN}`],
    ],
    ['GetCurrentMetricData', { InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT, 'q2'], Channels: ['VOICE'] } }, [q(SUPPORT), q('q2')]],
    // Authorized on the queues of its filters, not on the instance in ResourceArn.
    ['GetMetricDataV2', { ResourceArn: INSTANCE_ARN, Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }] }, [q(SUPPORT)]],
  ])('%s %j', (operation, input, resources) => {
    const needed = permissionsFor('connect', { operation, input });
    expect(needed).toEqual(resources.map((resource) => ({ action: `connect:${operation}`, resource })));
  });

  test('CloudWatch GetMetricData on *, SNS Publish on the topic, DynamoDB item APIs on the table', () => {
    expect(permissionsFor('cloudwatch', { operation: 'GetMetricData', input: {} })).toEqual([
      { action: 'cloudwatch:GetMetricData', resource: '*' },
    ]);
    expect(permissionsFor('sns', { operation: 'Publish', input: { TopicArn: TOPIC } })).toEqual([
      { action: 'sns:Publish', resource: TOPIC },
    ]);
    for (const op of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']) {
      expect(permissionsFor('dynamodb', { operation: op, input: { TableName: 'Control' } })).toEqual([
        { action: `dynamodb:${op}`, resource: TABLE },
      ]);
    }
  });

  test('rejects an operation it cannot map', () => {
    expect(() => permissionsFor('connect', { operation: 'StartOutboundVoiceContact', input: {} })).toThrow(
      /does not know which IAM action/,
    );
    expect(() => permissionsFor('connect', { operation: 'GetMetricDataV2', input: { ResourceArn: INSTANCE_ARN, Filters: [] } })).toThrow(
      /without a queue/,
    );
  });

  test('every mapped Connect ARN fits its action per the reference data (an allow-all role is allowed)', async () => {
    const enforcer = new IamEnforcer({ model: MODEL });
    const headers = {
      authorization: `AWS4-HMAC-SHA256 Credential=${ALLOWED.accessKeyId}/20300115/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=x`,
    };
    const calls: Array<[string, Record<string, unknown>]> = [
      ['DescribeInstance', { InstanceId: INSTANCE_ID }],
      ['ListFlowAssociations', { InstanceId: INSTANCE_ID }],
      ['ListContactFlows', { InstanceId: INSTANCE_ID }],
      ['DescribeContactFlow', { InstanceId: INSTANCE_ID, ContactFlowId: MAIN }],
      ['ListQueues', { InstanceId: INSTANCE_ID }],
      ['DescribeQueue', { InstanceId: INSTANCE_ID, QueueId: SUPPORT }],
      ['ListPhoneNumbersV2', {}],
      ['BatchGetFlowAssociation', { InstanceId: INSTANCE_ID }],
      ['DescribePhoneNumber', { PhoneNumberId: PN }],
      ['DisassociatePhoneNumberContactFlow', { PhoneNumberId: PN }],
      ['AssociatePhoneNumberContactFlow', { PhoneNumberId: PN, InstanceId: INSTANCE_ID, ContactFlowId: MAIN }],
      ['GetCurrentMetricData', { InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT] } }],
      ['GetMetricDataV2', { ResourceArn: INSTANCE_ARN, Filters: [{ FilterKey: 'QUEUE', FilterValues: [SUPPORT] }] }],
    ];
    for (const [operation, input] of calls) {
      await expect(enforcer.authorize(headers, 'connect', { operation, input })).resolves.toBeUndefined();
    }
    // A resource that fits none of the action's resource types is denied, not waved through.
    const wrong = await enforcer.authorize(headers, 'connect', {
      operation: 'DescribeQueue',
      input: { InstanceId: INSTANCE_ID, QueueId: 'arn:aws:connect:us-east-1:123456789012:phone-number/x' },
    });
    expect(wrong?.action).toBe('connect:DescribeQueue');
  });

  test('reads the access key id from the SigV4 Authorization header', () => {
    expect(
      accessKeyIdOf({
        authorization: 'AWS4-HMAC-SHA256 Credential=ASIAABC/20300115/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x',
      }),
    ).toBe('ASIAABC');
    expect(accessKeyIdOf({})).toBeUndefined();
  });
});

describe('denied calls in each protocol, through the real SDK clients', () => {
  let sim: Simulator;
  const made: Array<{ destroy(): void }> = [];
  const as = <C extends { destroy(): void }>(Ctor: new (config: any) => C, who: IamPrincipal | string): C => {
    const c = new Ctor({
      ...clientConfig(sim.endpoint),
      credentials: { accessKeyId: typeof who === 'string' ? who : who.accessKeyId, secretAccessKey: 'x' },
    });
    made.push(c);
    return c;
  };
  beforeEach(async () => {
    sim = await startSimulator(baseScenario(), { startAt: T0, rateLimits: false, iam: { model: MODEL } });
  });
  afterEach(async () => {
    made.splice(0).forEach((c) => c.destroy());
    await sim.close();
  });

  test('Connect: HTTP 403 AccessDeniedException naming the role, the action and the resource', async () => {
    await expect(as(ConnectClient, ALLOWED).send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }))).resolves.toBeDefined();
    const err = await as(ConnectClient, NARROW)
      .send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }))
      .catch((e) => e);
    expect(err.name).toBe('AccessDeniedException');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/Narrow/NarrowFunction is not authorized to perform: connect:DescribeInstance ` +
        `on resource: ${INSTANCE_ARN} because no identity-based policy allows the connect:DescribeInstance action`,
    );
    expect(sim.callLog.at(-1)).toMatchObject({ operation: 'DescribeInstance', status: 403, error: 'AccessDeniedException' });
  });

  test('Connect: an explicit deny says so, and a denied write is in writeCalls, not applied', async () => {
    const before = sim.associations();
    const err = await as(ConnectClient, DENIER)
      .send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: PN, InstanceId: INSTANCE_ID }))
      .catch((e) => e);
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toMatch(
      /connect:DisassociatePhoneNumberContactFlow on resource: .*phone-number\/.* with an explicit deny in an identity-based policy/,
    );
    expect(sim.associations()).toEqual(before);
    expect(sim.writeCalls()).toEqual([
      expect.objectContaining({ operation: 'DisassociatePhoneNumberContactFlow', ok: false, error: 'AccessDeniedException' }),
    ]);
  });

  test('CloudWatch (awsJson1_0, query-compatible): AccessDenied', async () => {
    const err = await as(CloudWatchClient, NARROW)
      .send(new GetMetricDataCommand({ StartTime: T0, EndTime: T0, MetricDataQueries: [{ Id: 'm', Expression: '1' }] }))
      .catch((e) => e);
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toMatch(/not authorized to perform: cloudwatch:GetMetricData on resource: \*/);
  });

  test('DynamoDB (awsJson1_0): AccessDeniedException from __type; a customer-managed-key table also needs kms:Decrypt', async () => {
    const err = await as(DynamoDBClient, NARROW)
      .send(new GetItemCommand({ TableName: 'Control', Key: { pk: { S: 'lock' } } }))
      .catch((e) => e);
    expect(err.name).toBe('AccessDeniedException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/kms:Decrypt on resource: arn:aws:kms:.*key\/RunbookKey/);
    await expect(
      as(DynamoDBClient, ALLOWED).send(new GetItemCommand({ TableName: 'Control', Key: { pk: { S: 'lock' } } })),
    ).resolves.toBeDefined();
  });

  test('SNS (awsQuery): AuthorizationError, and KMSAccessDenied for the encrypted topic key', async () => {
    const denied = await as(SNSClient, DENIER)
      .send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))
      .catch((e) => e);
    expect(denied.name).toBe('AuthorizationErrorException');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toMatch(/sns:Publish on resource: arn:aws:sns:us-east-1:123456789012:Status/);
    const kms = await as(SNSClient, NARROW)
      .send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))
      .catch((e) => e);
    expect(kms.name).toBe('KMSAccessDeniedException');
    expect(kms.message).toMatch(/kms:GenerateDataKey on resource: arn:aws:kms/);
    await expect(as(SNSClient, ALLOWED).send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))).resolves.toBeDefined();
    expect(sim.snsMessages).toHaveLength(1);
  });

  test('a caller no role of the model has is denied; unknownCaller allow lets it through', async () => {
    const err = await as(ConnectClient, 'AKIAUNKNOWN')
      .send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }))
      .catch((e) => e);
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toMatch(/AKIAUNKNOWN belongs to no role/);
    await sim.close();
    sim = await startSimulator(baseScenario(), { startAt: T0, rateLimits: false, iam: { model: MODEL, unknownCaller: 'allow' } });
    await expect(as(ConnectClient, 'AKIAUNKNOWN').send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID }))).resolves.toBeDefined();
  });

  test('an operation the simulator answers but IAM cannot map is denied with a clear message', async () => {
    const err = await as(ConnectClient, ALLOWED)
      .send(
        new GetMetricDataV2Command({
          ResourceArn: INSTANCE_ARN,
          StartTime: T0,
          EndTime: T0,
          Filters: [{ FilterKey: 'CHANNEL', FilterValues: ['VOICE'] }],
          Metrics: [{ Name: 'ABANDONMENT_RATE' }],
        }),
      )
      .catch((e) => e);
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toMatch(/does not know which IAM action and resource connect GetMetricDataV2/);
  });

  test('runWithCredentials: concurrent invocations of two roles sign with their own keys (the SDK does not cache one)', async () => {
    clients.useEndpoint(sim.endpoint, { maxAttempts: 1 });
    const call = (who: IamPrincipal) =>
      clients.runWithCredentials({ accessKeyId: who.accessKeyId, secretAccessKey: 'x' }, async () => {
        await new Promise((r) => setImmediate(r));
        return clients.connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID })).then(
          () => 'ok',
          (e: Error) => e.name,
        );
      });
    const results = await Promise.all([ALLOWED, NARROW, ALLOWED, NARROW, ALLOWED, NARROW].map(call));
    expect(results).toEqual(['ok', 'AccessDeniedException', 'ok', 'AccessDeniedException', 'ok', 'AccessDeniedException']);
    // Outside any invocation the clients sign with a key no role has.
    const outside = await clients.connect.send(new DescribeInstanceCommand({ InstanceId: INSTANCE_ID })).catch((e: Error) => e.name);
    expect(outside).toBe('AccessDeniedException');
  });
});

describe('the rehearsal authorizes each handler as its synthesized role', () => {
  jest.setTimeout(240_000);
  const healthy = loadScenario(require.resolve('../../../scenarios/healthy-go-live.json'));
  let template: Template;
  beforeAll(() => {
    template = synthesizeForScenario(healthy);
  });

  test('the model: one principal per runbook function, its DefaultPolicy, the runbook key on topic and table', () => {
    const model = iamModelFromTemplate(template, {
      getAtt: (_id, a, type) => (type === 'AWS::Connect::Instance' && a === 'Arn' ? INSTANCE_ARN : undefined),
    });
    const cutover = model.principals.find((p) => /^RunbookCutoverRole/.test(p.roleName))!;
    expect(cutover.sessionName).toMatch(/^RunbookCutoverFunction/);
    const statements = cutover.policies.flatMap((p) => p.policy.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const associate = statements.find((s) => [s.Action].flat().includes('connect:AssociatePhoneNumberContactFlow'))!;
    expect(associate.Resource).toEqual([`arn:aws:connect:us-east-1:${ACCOUNT}:phone-number/*`, `${INSTANCE_ARN}/contact-flow/*`]);
    expect(Object.keys(model.keyPolicies)).toHaveLength(2);
    const keys = new Set(Object.values(model.encryptionKeys));
    expect(keys.size).toBe(1);
    expect(Object.keys(model.encryptionKeys).sort()).toEqual([
      expect.stringMatching(/^arn:aws:dynamodb:us-east-1:123456789012:table\/RunbookControlTable/),
      expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:RunbookStatusTopic/),
    ]);
  });

  test.each(['healthy-go-live.json', 'abandonment-spike.json'])('%s: every call of the shipped scenario is allowed', async (file) => {
    const scenario = loadScenario(require.resolve(`../../../scenarios/${file}`));
    const { result, sim } = await executeOnce(scenario, file === 'healthy-go-live.json' ? { template } : {});
    expect(outcomeOf(result)).toBe(scenario.expect?.outcome);
    expect(sim.callLog.length).toBeGreaterThan(50);
    expect(sim.callLog.filter((c) => c.status === 403 || /AccessDenied|AuthorizationError|KMSAccessDenied/.test(c.error ?? ''))).toEqual(
      [],
    );
  });

  test('a request outside any handler (no role of the template) is denied by default; unknownCaller allow lets it in', async () => {
    for (const [unknownCaller, expected] of [
      [undefined, 'AccessDeniedException'],
      ['allow', 'ok'],
    ] as const) {
      const rehearsal = await openRehearsal(healthy, { template, ...(unknownCaller ? { unknownCaller } : {}) });
      try {
        const got = await clients.dynamodb
          .send(new GetItemCommand({ TableName: rehearsal.config.controlTableName, Key: { pk: { S: 'LOCK' } } }))
          .then(
            () => 'ok',
            (e: Error) => e.name,
          );
        expect(got).toBe(expected);
      } finally {
        await rehearsal.close();
      }
    }
  });

  test('a cutover role without connect:AssociatePhoneNumberContactFlow fails the rehearsal with the denied action named', async () => {
    const narrowed = JSON.parse(JSON.stringify(template)) as Template;
    const policy = Object.values(narrowed.Resources).find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes('RunbookCutoverRole'),
    )!;
    for (const s of policy.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[] }>) {
      s.Action = [s.Action].flat().filter((a) => a !== 'connect:AssociatePhoneNumberContactFlow');
    }
    const { result, sim } = await executeOnce(healthy, { template: narrowed });
    expect(outcomeOf(result)).not.toBe('LIVE');
    const denied = sim.callLog.filter((c) => c.error === 'AccessDeniedException');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({ operation: 'AssociatePhoneNumberContactFlow', status: 403 });
    expect(denied[0].message).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/RunbookCutoverRole\w+\/RunbookCutoverFunction\w+ is not authorized to perform: connect:AssociatePhoneNumberContactFlow on resource: arn:aws:connect:us-east-1:123456789012:phone-number\//,
    );
    // The rollback role still has the grant: every number is back on its snapshot flow.
    for (const p of healthy.contactCenter.phoneNumbers) expect(sim.associations()[p.number]).toBe(p.flow);
  });
});
