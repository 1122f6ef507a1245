/**
 * The IAM side of a synthesized template, as the simulator authorizes against it (simulator/iam.ts): each runbook
 * function's execution role with the identity policies attached to it, the KMS key policies, and which topic or
 * table each customer managed key encrypts. Intrinsics are folded to the rehearsal's fake ARNs (account
 * 123456789012, us-east-1), the same way the state machine definition is folded.
 */
import { accessKeyIdFor, type IamModel, type IamPrincipal, type PolicyDocument } from './simulator/iam';
import { ACCOUNT_ID, REGION } from './simulator/ids';
import { type FoldOptions, foldTemplateValue, type Template } from './template';

export interface RehearsalIamModel extends IamModel {
  /** Function ARN, as it appears in the folded definition → the principal its handler calls as. */
  readonly byFunctionArn: Readonly<Record<string, IamPrincipal>>;
}

export function iamModelFromTemplate(template: Template, options: FoldOptions = {}): RehearsalIamModel {
  const resources = template.Resources;
  const fold = (value: unknown): unknown => foldTemplateValue(value, template, withArns);
  const withArns: FoldOptions = {
    ref: options.ref,
    getAtt: (id, attribute, type) => {
      const custom = options.getAtt?.(id, attribute, type);
      if (custom !== undefined || attribute !== 'Arn') return custom;
      switch (type) {
        case 'AWS::KMS::Key':
          return keyArn(id);
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${ACCOUNT_ID}:role/${id}`;
        case 'AWS::DynamoDB::Table':
          return `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${fold({ Ref: id })}`;
        case 'AWS::Logs::LogGroup':
          return `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${id}:*`;
      }
      return undefined;
    },
  };

  const keyPolicies: Record<string, PolicyDocument> = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::KMS::Key') keyPolicies[keyArn(id)] = fold(r.Properties?.KeyPolicy) as PolicyDocument;
  }
  // A key is named by ARN (Fn::GetAtt), by key id (Ref, folded to the logical id) or by an alias of an AWS
  // managed key (alias/aws/sns), whose policy AWS keeps: only keys of the template are checked.
  const keyOf = (value: unknown): string | undefined => {
    const v = fold(value);
    if (typeof v !== 'string') return undefined;
    if (keyPolicies[v]) return v;
    return resources[v]?.Type === 'AWS::KMS::Key' ? keyArn(v) : undefined;
  };
  const encryptionKeys: Record<string, string> = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::SNS::Topic') {
      const key = keyOf(r.Properties?.KmsMasterKeyId);
      if (key) encryptionKeys[fold({ Ref: id }) as string] = key;
    }
    if (r.Type === 'AWS::DynamoDB::Table' && r.Properties?.SSESpecification?.SSEEnabled) {
      const key = keyOf(r.Properties.SSESpecification.KMSMasterKeyId);
      if (key) encryptionKeys[fold({ 'Fn::GetAtt': [id, 'Arn'] }) as string] = key;
    }
  }

  // Identity policies per role: inline Policies of the role, and AWS::IAM::Policy / ManagedPolicy resources that
  // name the role. AWS managed policies (ManagedPolicyArns) are not in the template; the runbook's roles have none.
  const policiesOf = (roleId: string): IamPrincipal['policies'] => {
    const found: Array<{ name: string; policy: PolicyDocument }> = [];
    const role = resources[roleId];
    for (const p of (role?.Properties?.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>) {
      found.push({ name: String(fold(p.PolicyName)), policy: fold(p.PolicyDocument) as PolicyDocument });
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const roles = (r.Properties?.Roles ?? []) as unknown[];
      if (roles.some((ref) => (ref as { Ref?: string })?.Ref === roleId)) {
        found.push({ name: id, policy: fold(r.Properties?.PolicyDocument) as PolicyDocument });
      }
    }
    return found;
  };

  const principals: IamPrincipal[] = [];
  const byFunctionArn: Record<string, IamPrincipal> = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const roleId = (r.Properties?.Role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
    if (!roleId) continue;
    // Lambda's session name is the function's name; in the rehearsal a function is named by its logical id.
    const principal: IamPrincipal = {
      roleName: roleId,
      sessionName: id,
      accessKeyId: accessKeyIdFor(`${roleId}/${id}`),
      policies: policiesOf(roleId),
    };
    principals.push(principal);
    byFunctionArn[foldTemplateValue({ 'Fn::GetAtt': [id, 'Arn'] }, template, options) as string] = principal;
  }
  return { principals, keyPolicies, encryptionKeys, byFunctionArn };
}

function keyArn(logicalId: string): string {
  return `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${logicalId}`;
}
