/**
 * Walks every policy in the synthesized default app (IAM policies, role policies, bucket, topic and key
 * policies) and fails on a wildcard action or a `Resource: "*"` that this file does not explain.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { ContactCenterStack } from '../../lib/contact-center-stack';
import { testApp } from '../support/cdk';

/** Actions that may use a wildcard, and why. */
const EXPLAINED_WILDCARD_ACTIONS: Record<string, string> = {
  'kms:GenerateDataKey*':
    'aws-cdk-lib KMS grant for publishing to the encrypted topic / writing encrypted items: the GenerateDataKey family on this key only',
  'kms:ReEncrypt*': 'aws-cdk-lib KMS grant (encrypt/decrypt) on this key only',
  'kms:*':
    'the key policy statement that lets the account root delegate this key to IAM (the AWS default key policy); Resource "*" in a key policy is the key itself',
};

/** Actions AWS authorizes only on `Resource: "*"` (no resource type in the Service Authorization Reference). */
const EXPLAINED_STAR_RESOURCES: Record<string, string> = {
  'cloudwatch:GetMetricData': 'CloudWatch metric reads have no resource type',
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions (state machine tracing)',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingTargets': 'X-Ray has no resource-level permissions',
  'logs:CreateLogDelivery': 'Step Functions log delivery APIs accept only "*"',
  'logs:GetLogDelivery': 'Step Functions log delivery APIs accept only "*"',
  'logs:UpdateLogDelivery': 'Step Functions log delivery APIs accept only "*"',
  'logs:DeleteLogDelivery': 'Step Functions log delivery APIs accept only "*"',
  'logs:ListLogDeliveries': 'Step Functions log delivery APIs accept only "*"',
  'logs:PutResourcePolicy': 'Step Functions log delivery APIs accept only "*"',
  'logs:DescribeResourcePolicies': 'Step Functions log delivery APIs accept only "*"',
  'logs:DescribeLogGroups': 'Step Functions log delivery APIs accept only "*"',
};

interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}

function policies(template: Template): Array<{ where: string; keyPolicy: boolean; statements: Statement[] }> {
  const out: Array<{ where: string; keyPolicy: boolean; statements: Statement[] }> = [];
  for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, any>)) {
    const p = r.Properties ?? {};
    const docs: any[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const inline of p.Policies ?? []) docs.push(inline.PolicyDocument);
    if (r.Type === 'AWS::S3::BucketPolicy' || r.Type === 'AWS::SNS::TopicPolicy') docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::KMS::Key') docs.push(p.KeyPolicy);
    for (const doc of docs) out.push({ where: `${r.Type} ${id}`, keyPolicy: r.Type === 'AWS::KMS::Key', statements: doc.Statement });
  }
  return out;
}

describe('least privilege in the default app', () => {
  const template = Template.fromStack(new ContactCenterStack(testApp(), 'ConnectGoLive'));
  const all = policies(template);

  test('finds the policies to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  test('no Allow statement uses an unexplained wildcard action', () => {
    const problems: string[] = [];
    for (const { where, statements } of all) {
      for (const s of statements.filter((x) => x.Effect === 'Allow')) {
        for (const a of ([] as string[]).concat(s.Action ?? [])) {
          if (a.includes('*') && !EXPLAINED_WILDCARD_ACTIONS[a]) problems.push(`${where}: ${a}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('kms:* appears only in key policies, for the account root', () => {
    for (const { where, keyPolicy, statements } of all) {
      for (const s of statements.filter((x) => ([] as string[]).concat(x.Action ?? []).includes('kms:*'))) {
        expect([where, keyPolicy]).toEqual([where, true]);
        expect(JSON.stringify(s.Principal)).toContain(':root');
      }
    }
  });

  test('Resource "*" only for actions AWS authorizes on nothing narrower (or a key policy, where it means the key)', () => {
    const problems: string[] = [];
    for (const { where, keyPolicy, statements } of all) {
      for (const s of statements.filter((x) => x.Effect === 'Allow')) {
        const resources = ([] as unknown[]).concat(s.Resource ?? []);
        if (!resources.includes('*') || keyPolicy) continue;
        for (const a of ([] as string[]).concat(s.Action ?? [])) {
          if (!EXPLAINED_STAR_RESOURCES[a]) problems.push(`${where}: ${a} on "*"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('no connect:* anywhere; every Connect action names this instance, its flows and queues, or phone numbers', () => {
    for (const { where, statements } of all) {
      for (const s of statements) {
        const actions = ([] as string[]).concat(s.Action ?? []).filter((a) => a.startsWith('connect:'));
        if (actions.length === 0) continue;
        expect([where, actions.includes('connect:*')]).toEqual([where, false]);
        const resources = JSON.stringify(s.Resource);
        expect([where, resources === '"*"']).toEqual([where, false]);
        // TestCases: the AWS::Connect::TestCase resources of this stack (their Ref is the test case ARN).
        expect(resources).toMatch(/Instance|phone-number|PhoneNumberArn|EntryFlow|TestCases/);
      }
    }
  });

  test("every log group has a retention; the runbook's are encrypted with its key", () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    for (const [id, g] of Object.entries(groups)) {
      expect([id, typeof g.Properties.RetentionInDays]).toEqual([id, 'number']);
      if (id.startsWith('Runbook'))
        expect([id, g.Properties.KmsKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.stringMatching(/^RunbookKey/), 'Arn'] }]);
    }
  });

  test('buckets, the table and the topic are encrypted', () => {
    for (const [id, b] of Object.entries(template.findResources('AWS::S3::Bucket'))) {
      expect([id, b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.length]).toEqual([id, 1]);
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } });
    for (const [id, t] of Object.entries(template.findResources('AWS::SNS::Topic'))) {
      expect([id, typeof t.Properties.KmsMasterKeyId]).toEqual([id, 'object']);
    }
  });
});
