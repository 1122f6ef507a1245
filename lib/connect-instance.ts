import { Arn, ArnFormat, Duration, IResource, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * How users of the instance are identified.
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/connect-identity-management.html
 */
export enum IdentityManagementType {
  /** Users are created and managed in Amazon Connect. */
  CONNECT_MANAGED = 'CONNECT_MANAGED',
  /** Users are federated through a SAML 2.0 identity provider. */
  SAML = 'SAML',
  /** Users come from an existing AWS Directory Service directory (needs `directoryId`). */
  EXISTING_DIRECTORY = 'EXISTING_DIRECTORY',
}

/** An Amazon Connect instance, created here or adopted. */
export interface IConnectInstance extends IResource {
  /** The instance ARN, `arn:aws:connect:REGION:ACCOUNT:instance/ID`. @attribute */
  readonly instanceArn: string;
  /** The instance id (the last part of the ARN). @attribute */
  readonly instanceId: string;
  /** ARN pattern matching every contact flow of this instance (for IAM). */
  readonly contactFlowArnPattern: string;
  /** ARN pattern matching every queue of this instance (for IAM). */
  readonly queueArnPattern: string;
  /** ARN pattern matching the phone numbers of this account and region (numbers are not nested under an instance). */
  readonly phoneNumberArnPattern: string;
  /**
   * Read the instance, its flows, queues, phone numbers and flow associations: what the runbook's deploy check needs.
   */
  grantReadConfiguration(grantee: iam.IGrantable): iam.Grant;
  /** Read real-time and historical metrics of this instance and its queues. */
  grantReadMetrics(grantee: iam.IGrantable): iam.Grant;
  /** Associate phone numbers with this instance's contact flows, or disassociate them (the cutover and the rollback). */
  grantRepointPhoneNumbers(grantee: iam.IGrantable): iam.Grant;
}

/** Attributes of an existing instance to adopt. */
export interface ConnectInstanceAttributes {
  /** The instance ARN, `arn:aws:connect:REGION:ACCOUNT:instance/ID`. */
  readonly instanceArn: string;
}

/** Properties of a {@link ConnectInstance}. */
export interface ConnectInstanceProps {
  /**
   * The instance alias: the first part of its access URL. 1–62 characters, letters, digits and hyphens, no
   * leading or trailing hyphen. Required for CONNECT_MANAGED and SAML identity management.
   * @default - none; required unless identityManagementType is EXISTING_DIRECTORY
   */
  readonly instanceAlias?: string;
  /**
   * How users are identified.
   * @default IdentityManagementType.CONNECT_MANAGED
   */
  readonly identityManagementType?: IdentityManagementType;
  /**
   * The AWS Directory Service directory id. Only for EXISTING_DIRECTORY, where it is required.
   * @default - none
   */
  readonly directoryId?: string;
  /**
   * Whether the instance takes inbound calls.
   * @default true
   */
  readonly inboundCalls?: boolean;
  /**
   * Whether the instance can place outbound calls.
   * @default true
   */
  readonly outboundCalls?: boolean;
  /**
   * Whether contact flow logs go to CloudWatch Logs (the first place to look when a flow misbehaves at cutover).
   * @default true
   */
  readonly contactFlowLogs?: boolean;
  /**
   * Whether Contact Lens conversational analytics is enabled.
   * @default true
   */
  readonly contactLens?: boolean;
  /**
   * Bucket for call recordings and chat transcripts.
   * @default - a new bucket: versioned, public access blocked, TLS enforced, encrypted with `encryptionKey`,
   * server access logged to a second bucket, retained on stack deletion
   */
  readonly recordingsBucket?: s3.IBucket;
  /**
   * Customer-managed KMS key that encrypts recordings and transcripts (decide the recording-encryption policy
   * before build, not after go-live).
   * @default - a new key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Key prefix of recordings and transcripts in the bucket (`<prefix>/CallRecordings`, `<prefix>/ChatTranscripts`).
   * @default 'connect'
   */
  readonly storagePrefix?: string;
  /**
   * What happens to the instance when it leaves the stack. Instance creation and deletion are rate-limited by
   * AWS (and deleting one loses its numbers, users and history), so the default keeps it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ALIAS_PATTERN = /^(?=.{1,62}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const INSTANCE_ARN_PATTERN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]{1,100}$/;
const PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()/-]{1,128}$/;

abstract class ConnectInstanceBase extends Resource implements IConnectInstance {
  public abstract readonly instanceArn: string;
  public abstract readonly instanceId: string;

  public get contactFlowArnPattern(): string {
    return `${this.instanceArn}/contact-flow/*`;
  }

  public get queueArnPattern(): string {
    return `${this.instanceArn}/queue/*`;
  }

  public get phoneNumberArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'connect',
      resource: 'phone-number',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  public grantReadConfiguration(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'connect:DescribeInstance',
        'connect:ListContactFlows',
        'connect:DescribeContactFlow',
        'connect:ListQueues',
        'connect:DescribeQueue',
        'connect:ListPhoneNumbersV2',
        'connect:DescribePhoneNumber',
        'connect:BatchGetFlowAssociation',
        'connect:ListFlowAssociations',
      ],
      resourceArns: [this.instanceArn, this.contactFlowArnPattern, this.queueArnPattern, this.phoneNumberArnPattern],
    });
  }

  public grantReadMetrics(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['connect:GetCurrentMetricData', 'connect:GetMetricDataV2'],
      resourceArns: [this.instanceArn, this.queueArnPattern],
    });
  }

  public grantRepointPhoneNumbers(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      // Disassociate takes the phone-number resource only; Associate needs the number and the flow.
      actions: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
      resourceArns: [this.phoneNumberArnPattern, this.contactFlowArnPattern],
    });
  }
}

/**
 * An Amazon Connect instance with its call recordings and chat transcripts stored encrypted in S3.
 *
 * The instance is retained when removed from the stack (see `removalPolicy`). Most migrations already have an
 * instance: adopt it with {@link ConnectInstance.fromInstanceAttributes}.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-connect-instance.html
 */
export class ConnectInstance extends ConnectInstanceBase {
  /**
   * Adopt an existing instance by ARN. The returned object grants the same permissions as a created one.
   */
  public static fromInstanceAttributes(scope: Construct, id: string, attrs: ConnectInstanceAttributes): IConnectInstance {
    const arn = attrs.instanceArn;
    if (!Token.isUnresolved(arn) && !INSTANCE_ARN_PATTERN.test(arn)) {
      throw new Error(`instanceArn must look like arn:aws:connect:REGION:ACCOUNT:instance/ID, got: ${arn}`);
    }
    const instanceId = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    class Import extends ConnectInstanceBase {
      public readonly instanceArn = arn;
      public readonly instanceId = instanceId;
    }
    return new Import(scope, id, { environmentFromArn: Token.isUnresolved(arn) ? undefined : arn });
  }

  public readonly instanceArn: string;
  public readonly instanceId: string;
  /** The underlying CloudFormation resource. */
  public readonly resource: connect.CfnInstance;
  /** Where recordings and transcripts are stored. */
  public readonly recordingsBucket: s3.IBucket;
  /** The key that encrypts recordings and transcripts. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ConnectInstanceProps = {}) {
    super(scope, id);
    const identityManagementType = props.identityManagementType ?? IdentityManagementType.CONNECT_MANAGED;
    const storagePrefix = props.storagePrefix ?? 'connect';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validateProps(props, identityManagementType, storagePrefix);

    this.resource = new connect.CfnInstance(this, 'Resource', {
      identityManagementType,
      instanceAlias: props.instanceAlias,
      directoryId: props.directoryId,
      attributes: {
        inboundCalls: props.inboundCalls ?? true,
        outboundCalls: props.outboundCalls ?? true,
        contactflowLogs: props.contactFlowLogs ?? true,
        contactLens: props.contactLens ?? true,
      },
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    this.instanceArn = this.resource.attrArn;
    this.instanceId = this.resource.attrId;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'RecordingsKey', {
        description: 'Encrypts Amazon Connect call recordings and chat transcripts',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.recordingsBucket = props.recordingsBucket ?? this.createRecordingsBucket(this.encryptionKey);

    const storage: Array<[string, string]> = [
      ['CallRecordingsStorage', 'CALL_RECORDINGS'],
      ['ChatTranscriptsStorage', 'CHAT_TRANSCRIPTS'],
    ];
    for (const [storageId, resourceType] of storage) {
      new connect.CfnInstanceStorageConfig(this, storageId, {
        instanceArn: this.instanceArn,
        resourceType,
        storageType: 'S3',
        s3Config: {
          bucketName: this.recordingsBucket.bucketName,
          bucketPrefix: storagePrefix,
          encryptionConfig: { encryptionType: 'KMS', keyId: this.encryptionKey.keyArn },
        },
      });
    }
  }

  private createRecordingsBucket(key: kms.IKey): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the recordings bucket; logging it into itself would loop.',
    });
    return new s3.Bucket(this, 'RecordingsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'recordings/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function validateProps(props: ConnectInstanceProps, type: IdentityManagementType, storagePrefix: string): void {
  if (!Token.isUnresolved(type) && !(Object.values(IdentityManagementType) as string[]).includes(type)) {
    throw new Error(`identityManagementType must be one of ${Object.values(IdentityManagementType).join(', ')}, got: ${type}`);
  }
  const alias = props.instanceAlias;
  if (alias !== undefined && !Token.isUnresolved(alias) && !ALIAS_PATTERN.test(alias)) {
    throw new Error(`instanceAlias must be 1-62 letters, digits or hyphens, not starting or ending with a hyphen, got: ${alias}`);
  }
  if (alias === undefined && type !== IdentityManagementType.EXISTING_DIRECTORY) {
    throw new Error(`instanceAlias is required when identityManagementType is ${type}, got: undefined`);
  }
  if (type === IdentityManagementType.EXISTING_DIRECTORY && props.directoryId === undefined) {
    throw new Error('directoryId is required when identityManagementType is EXISTING_DIRECTORY, got: undefined');
  }
  if (type !== IdentityManagementType.EXISTING_DIRECTORY && props.directoryId !== undefined) {
    throw new Error(`directoryId is only valid with EXISTING_DIRECTORY, got: ${props.directoryId} with ${type}`);
  }
  // Directory Service ids are `d-` and ten hex digits.
  if (props.directoryId !== undefined && !Token.isUnresolved(props.directoryId) && !/^d-[0-9a-f]{10}$/.test(props.directoryId)) {
    throw new Error(`directoryId must be a Directory Service id like d-1234567890, got: ${props.directoryId}`);
  }
  if (!Token.isUnresolved(storagePrefix) && !PREFIX_PATTERN.test(storagePrefix)) {
    throw new Error(`storagePrefix must be 1-128 characters safe in an S3 key, got: ${storagePrefix}`);
  }
}
