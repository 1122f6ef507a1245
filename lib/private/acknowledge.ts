import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag AwsSolutions-IAM5 findings for exactly the wildcard resources and actions named, on one
 * construct (a role) and its children. cdk-nag ids carry the flattened resource (`Resource::<Logical.Arn>/x/*`),
 * so each id is rendered here the way cdk-nag renders it; any other wildcard on the same role still fires.
 */
export function acknowledgeWildcards(
  scope: IConstruct,
  wildcards: { readonly resources?: readonly string[]; readonly actions?: readonly string[] },
  reason: string,
): void {
  const stack = Stack.of(scope);
  const ids = [
    ...(wildcards.resources ?? []).map((r) => `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(r))}]`),
    ...(wildcards.actions ?? []).map((a) => `AwsSolutions-IAM5[Action::${a}]`),
  ];
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** cdk-nag's flattenCfnReference (utils/flatten-cfn-reference), which its IAM5 finding ids are built with. */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flatten).join(o['Fn::Join'][0]);
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flatten(o['Fn::GetAtt'][0])}.${flatten(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}
