import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ConnectInstance, IdentityManagementType } from '../../lib/connect-instance';
import { nagFindings, templateJson, testStack } from '../support/cdk';

describe('ConnectInstance', () => {
  test('defaults: CONNECT_MANAGED, inbound/outbound calls, flow logs and Contact Lens on, retained', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new ConnectInstance(stack, 'Instance', { instanceAlias: 'acme-care' });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Connect::Instance', {
      Properties: {
        IdentityManagementType: 'CONNECT_MANAGED',
        InstanceAlias: 'acme-care',
        Attributes: { InboundCalls: true, OutboundCalls: true, ContactflowLogs: true, ContactLens: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('props switch each attribute off', () => {
    const stack = testStack();
    new ConnectInstance(stack, 'Instance', {
      instanceAlias: 'acme-care',
      inboundCalls: false,
      outboundCalls: false,
      contactFlowLogs: false,
      contactLens: false,
      identityManagementType: IdentityManagementType.SAML,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResource('AWS::Connect::Instance', {
      Properties: {
        IdentityManagementType: 'SAML',
        Attributes: { InboundCalls: false, OutboundCalls: false, ContactflowLogs: false, ContactLens: false },
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('stores recordings and transcripts in a KMS-encrypted, versioned, TLS-only, private bucket', () => {
    const stack = testStack();
    new ConnectInstance(stack, 'Instance', { instanceAlias: 'acme-care' });
    const template = Template.fromStack(stack);

    for (const resourceType of ['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS']) {
      template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
        InstanceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Instance'), 'Arn'] },
        ResourceType: resourceType,
        StorageType: 'S3',
        S3Config: {
          BucketName: { Ref: Match.stringLikeRegexp('^InstanceRecordingsBucket') },
          BucketPrefix: 'connect',
          EncryptionConfig: {
            EncryptionType: 'KMS',
            KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InstanceRecordingsKey'), 'Arn'] },
          },
        },
      });
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InstanceRecordingsKey'), 'Arn'] },
            },
          }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^InstanceRecordingsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('uses the bucket, key and prefix the user passes instead of creating them', () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Mine', 'my-recordings');
    const key = kms.Key.fromKeyArn(stack, 'MyKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new ConnectInstance(stack, 'Instance', {
      instanceAlias: 'acme-care',
      recordingsBucket: bucket,
      encryptionKey: key,
      storagePrefix: 'cc/prod',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      S3Config: {
        BucketName: 'my-recordings',
        BucketPrefix: 'cc/prod',
        EncryptionConfig: { EncryptionType: 'KMS', KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      },
    });
  });

  test.each([
    ['', 'instanceAlias must be 1-62 letters, digits or hyphens, not starting or ending with a hyphen, got: '],
    ['-acme', 'got: -acme'],
    ['acme-', 'got: acme-'],
    ['acme_care', 'got: acme_care'],
    ['a'.repeat(63), `got: ${'a'.repeat(63)}`],
  ])('throws when instanceAlias is %j', (alias, message) => {
    const stack = testStack();
    expect(() => new ConnectInstance(stack, 'Instance', { instanceAlias: alias })).toThrow(message);
  });

  test('accepts a 62-character alias', () => {
    const stack = testStack();
    expect(() => new ConnectInstance(stack, 'Instance', { instanceAlias: 'a'.repeat(62) })).not.toThrow();
  });

  test('throws when instanceAlias is missing for CONNECT_MANAGED', () => {
    const stack = testStack();
    expect(() => new ConnectInstance(stack, 'Instance')).toThrow(
      'instanceAlias is required when identityManagementType is CONNECT_MANAGED, got: undefined',
    );
  });

  test('throws when directoryId is missing for EXISTING_DIRECTORY, and when given for another type', () => {
    expect(() => new ConnectInstance(testStack(), 'I', { identityManagementType: IdentityManagementType.EXISTING_DIRECTORY })).toThrow(
      'directoryId is required when identityManagementType is EXISTING_DIRECTORY',
    );
    expect(() => new ConnectInstance(testStack(), 'I', { instanceAlias: 'acme', directoryId: 'd-123' })).toThrow(
      'directoryId is only valid with EXISTING_DIRECTORY, got: d-123 with CONNECT_MANAGED',
    );
  });

  test('throws when storagePrefix is not S3-safe', () => {
    expect(() => new ConnectInstance(testStack(), 'I', { instanceAlias: 'acme', storagePrefix: 'a b' })).toThrow(
      'storagePrefix must be 1-128 characters safe in an S3 key, got: a b',
    );
  });

  describe('fromInstanceAttributes', () => {
    const arn = 'arn:aws:connect:eu-west-2:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

    test('adopts an existing instance by ARN', () => {
      const stack = testStack();
      const instance = ConnectInstance.fromInstanceAttributes(stack, 'Existing', { instanceArn: arn });
      expect(instance.instanceArn).toBe(arn);
      expect(instance.instanceId).toBe('0a1b2c3d-aaaa-bbbb-cccc-0123456789ab');
      expect(instance.contactFlowArnPattern).toBe(`${arn}/contact-flow/*`);
      expect(instance.queueArnPattern).toBe(`${arn}/queue/*`);
    });

    test('throws when the ARN is not an instance ARN', () => {
      expect(() => ConnectInstance.fromInstanceAttributes(testStack(), 'E', { instanceArn: 'arn:aws:s3:::bucket' })).toThrow(
        'instanceArn must look like arn:aws:connect:REGION:ACCOUNT:instance/ID, got: arn:aws:s3:::bucket',
      );
    });

    test('grants are scoped to the instance and its sub-resources, never connect:*', () => {
      const stack = testStack();
      const instance = ConnectInstance.fromInstanceAttributes(stack, 'Existing', { instanceArn: arn });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      instance.grantReadConfiguration(role);
      instance.grantReadMetrics(role);
      instance.grantRepointPhoneNumbers(role);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['connect:GetCurrentMetricData', 'connect:GetMetricDataV2'],
              Resource: [arn, `${arn}/queue/*`],
            }),
            Match.objectLike({
              Action: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
              Resource: [
                {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':connect:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':phone-number/*',
                    ],
                  ],
                },
                `${arn}/contact-flow/*`,
              ],
            }),
          ]),
        },
      });
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toContain('"connect:*"');
      expect(json).not.toMatch(/"Resource":"\*"/);
    });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    const stack = testStack();
    new ConnectInstance(stack, 'Instance', { instanceAlias: 'acme-care' });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('snapshot', () => {
    const stack = testStack();
    new ConnectInstance(stack, 'Instance', { instanceAlias: 'acme-care' });
    expect(templateJson(stack)).toMatchSnapshot();
  });
});
