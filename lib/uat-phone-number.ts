import { Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { IConnectInstance } from './connect-instance';
import { ISO_COUNTRY_CODES } from './private/iso-country-codes';

/**
 * The kind of number to claim.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-connect-phonenumber.html#cfn-connect-phonenumber-type
 */
export enum PhoneNumberType {
  DID = 'DID',
  TOLL_FREE = 'TOLL_FREE',
  UIFN = 'UIFN',
  SHARED = 'SHARED',
  THIRD_PARTY_DID = 'THIRD_PARTY_DID',
  THIRD_PARTY_TF = 'THIRD_PARTY_TF',
  SHORT_CODE = 'SHORT_CODE',
}

/** Properties of a {@link UatPhoneNumber}. */
export interface UatPhoneNumberProps {
  /** The instance that claims the number. */
  readonly instance: IConnectInstance;
  /**
   * ARN of the contact flow the number rings (`arn:aws:connect:...:instance/ID/contact-flow/FLOW_ID`), usually
   * the new entry flow that service lines run their UAT scripts against.
   */
  readonly contactFlowArn: string;
  /**
   * ISO 3166-1 alpha-2 country of the number.
   * @default 'US'
   */
  readonly countryCode?: string;
  /**
   * Kind of number.
   * @default PhoneNumberType.DID
   */
  readonly type?: PhoneNumberType;
  /**
   * E.164 prefix the number must start with (`+1206`), to get a number in a given area.
   * @default - any available number of the country and type
   */
  readonly prefix?: string;
  /**
   * Description shown in the Connect console.
   * @default 'Temporary number for go-live user acceptance testing'
   */
  readonly description?: string;
  /**
   * What happens to the number when it leaves the stack. Claims and releases count against a rolling 180-day
   * quota and a released number can be unavailable for up to 180 days, so the default keeps it; release it on
   * purpose (README, "Releasing the UAT number").
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PREFIX_PATTERN = /^\+[0-9]{1,15}$/;

/**
 * A temporary phone number claimed on the instance and pointed at a contact flow, for user acceptance testing
 * before the production numbers move.
 *
 * CloudFormation can claim a number but not associate it with a flow, so the association is a custom resource
 * calling AssociatePhoneNumberContactFlow (create, update) and DisassociatePhoneNumberContactFlow (delete),
 * allowed on this number and this flow only.
 */
export class UatPhoneNumber extends Construct {
  /** The E.164 address, e.g. `+12065550100`. @attribute */
  public readonly phoneNumber: string;
  /** The number's ARN. @attribute */
  public readonly phoneNumberArn: string;
  /** The number's id (the last part of its ARN). @attribute */
  public readonly phoneNumberId: string;
  /** The underlying CloudFormation resource. */
  public readonly resource: connect.CfnPhoneNumber;

  constructor(scope: Construct, id: string, props: UatPhoneNumberProps) {
    super(scope, id);
    const countryCode = props.countryCode ?? 'US';
    const type = props.type ?? PhoneNumberType.DID;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validateProps(props, countryCode, type);

    this.resource = new connect.CfnPhoneNumber(this, 'Resource', {
      targetArn: props.instance.instanceArn,
      countryCode,
      type,
      prefix: props.prefix,
      description: props.description ?? 'Temporary number for go-live user acceptance testing',
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    this.phoneNumber = this.resource.attrAddress;
    this.phoneNumberArn = this.resource.attrPhoneNumberArn;
    this.phoneNumberId = Fn.select(1, Fn.split('/', this.phoneNumberArn));
    const contactFlowId = Fn.select(3, Fn.split('/', props.contactFlowArn));

    const association = {
      service: 'Connect',
      parameters: { InstanceId: props.instance.instanceId, PhoneNumberId: this.phoneNumberId },
      physicalResourceId: cr.PhysicalResourceId.of(this.phoneNumberId),
    };
    const flowAssociation = new cr.AwsCustomResource(this, 'FlowAssociation', {
      resourceType: 'Custom::PhoneNumberFlowAssociation',
      onCreate: {
        ...association,
        action: 'AssociatePhoneNumberContactFlow',
        parameters: { ...association.parameters, ContactFlowId: contactFlowId },
      },
      onUpdate: {
        ...association,
        action: 'AssociatePhoneNumberContactFlow',
        parameters: { ...association.parameters, ContactFlowId: contactFlowId },
      },
      // After `connect-golive decommission` released the number, removing this construct must not fail the stack
      // update: a released number answers ResourceNotFoundException, and there is nothing left to disassociate.
      onDelete: { ...association, action: 'DisassociatePhoneNumberContactFlow', ignoreErrorCodesMatching: 'ResourceNotFoundException' },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['connect:AssociatePhoneNumberContactFlow'],
          resources: [this.phoneNumberArn, props.contactFlowArn],
        }),
        new iam.PolicyStatement({
          actions: ['connect:DisassociatePhoneNumberContactFlow'],
          resources: [this.phoneNumberArn],
        }),
      ]),
      // No network at deploy time is needed: use the SDK the Lambda runtime ships.
      installLatestAwsSdk: false,
      logGroup: singletonLogGroup(this),
    });
    flowAssociation.node.addDependency(this.resource);
    acknowledgeProviderFindings(this);
  }
}

/** One log group with a retention for the stack's AwsCustomResource singleton function. */
function singletonLogGroup(scope: Construct): logs.ILogGroup {
  const stack = Stack.of(scope);
  const id = 'ConnectGoLiveCustomResourceLogs';
  const existing = stack.node.tryFindChild(id) as logs.LogGroup | undefined;
  return (
    existing ??
    new logs.LogGroup(stack, id, {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    })
  );
}

/**
 * The AwsCustomResource provider function is a stack-wide singleton created and configured by aws-cdk-lib; its
 * findings are acknowledged on that function only, so the same rules still fire anywhere else in the stack.
 */
function acknowledgeProviderFindings(scope: Construct): void {
  const provider = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON_ID);
  if (!provider) {
    throw new Error(`the AwsCustomResource provider ${AWS_CUSTOM_RESOURCE_SINGLETON_ID} was not found in the stack`);
  }
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The AwsCustomResource provider runtime is chosen by aws-cdk-lib and moves with its releases.',
  });
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'aws-cdk-lib gives its AwsCustomResource provider AWSLambdaBasicExecutionRole: CloudWatch Logs writes only.',
  });
}

/** The fixed id aws-cdk-lib gives the AwsCustomResource singleton function (custom-resources/aws-custom-resource). */
const AWS_CUSTOM_RESOURCE_SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

function validateProps(props: UatPhoneNumberProps, countryCode: string, type: string): void {
  if (!Token.isUnresolved(countryCode) && !ISO_COUNTRY_CODES.has(countryCode)) {
    throw new Error(`countryCode must be an ISO 3166-1 alpha-2 code like 'US', got: ${countryCode}`);
  }
  if (!Token.isUnresolved(type) && !(Object.values(PhoneNumberType) as string[]).includes(type)) {
    throw new Error(`type must be one of ${Object.values(PhoneNumberType).join(', ')}, got: ${type}`);
  }
  const prefix = props.prefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) && !PREFIX_PATTERN.test(prefix)) {
    throw new Error(`prefix must be an E.164 prefix like +1206, got: ${prefix}`);
  }
  const flow = props.contactFlowArn;
  if (!Token.isUnresolved(flow) && !/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[^/]+\/contact-flow\/[^/]+$/.test(flow)) {
    throw new Error(`contactFlowArn must be a contact flow ARN (…:instance/ID/contact-flow/ID), got: ${flow}`);
  }
}
