/**
 * Takes the runbook out of a synthesized CloudFormation template: the state machine definition as plain ASL
 * (intrinsics folded) and, for every Lambda function of the runbook, which `lambda/<name>` handler it runs.
 */

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };

/** Values for intrinsics that CloudFormation would resolve at deploy time. */
export interface FoldOptions {
  /** `Fn::GetAtt [logicalId, attribute]` → value; undefined falls back to the defaults below. */
  readonly getAtt?: (logicalId: string, attribute: string, type: string) => string | undefined;
  /** `Ref logicalId` → value; undefined falls back to the logical id itself. */
  readonly ref?: (logicalId: string, type: string) => string | undefined;
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';

export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
}

export interface RunbookFromTemplate {
  readonly logicalId: string;
  readonly definition: Record<string, any>;
  /** Function ARN (as it appears in the definition) → handler name (`lambda/<name>`). */
  readonly handlers: Record<string, string>;
  /**
   * Function ARN → the function's `Timeout` in seconds, as synthesized (absent when the template sets none:
   * Lambda's default then applies).
   */
  readonly functionTimeouts: Record<string, number>;
}

/**
 * Finds the one runbook state machine (the one whose functions carry CONNECT_GOLIVE_HANDLER), or with `which:
 * 'decommission'` its Decommission state machine (told apart by their first task: ValidateInput, ValidateDecommission).
 */
export function runbookFromTemplate(
  template: Template,
  options: FoldOptions = {},
  which: 'runbook' | 'decommission' = 'runbook',
): RunbookFromTemplate {
  const resources = template.Resources;
  const fold = (value: unknown): unknown => foldIntrinsics(value, resources, options);
  const handlers: Record<string, string> = {};
  const functionTimeouts: Record<string, number> = {};
  for (const [logicalId, r] of Object.entries(resources)) {
    const name = r.Type === 'AWS::Lambda::Function' ? r.Properties?.Environment?.Variables?.CONNECT_GOLIVE_HANDLER : undefined;
    if (typeof name !== 'string') continue;
    const arn = fold({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as string;
    handlers[arn] = name;
    const timeout = fold(r.Properties?.Timeout);
    if (timeout !== undefined) functionTimeouts[arn] = Number(timeout);
  }
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const marker = which === 'runbook' ? '\\"ValidateInput\\"' : '\\"ValidateDecommission\\"';
  const runbook = machines.find(([, r]) => {
    const text = JSON.stringify(r.Properties?.DefinitionString ?? '');
    return (
      text.includes(marker) &&
      Object.keys(resources).some((id) => handlers[fold({ 'Fn::GetAtt': [id, 'Arn'] }) as string] && text.includes(id))
    );
  });
  if (!runbook) throw new Error(`no connect-golive ${which} state machine in the template`);
  const [logicalId, machine] = runbook;
  const definition = JSON.parse(fold(machine.Properties!.DefinitionString) as string);
  return { logicalId, definition, handlers, functionTimeouts };
}

/** Folds the intrinsics of any value of the template (a policy document, a property) by the same rules. */
export function foldTemplateValue(value: unknown, template: Template, options: FoldOptions = {}): unknown {
  return foldIntrinsics(value, template.Resources, options);
}

function foldIntrinsics(value: unknown, resources: Template['Resources'], options: FoldOptions): unknown {
  const fold = (v: unknown) => foldIntrinsics(v, resources, options);
  if (Array.isArray(value)) return value.map(fold);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key] as any;
    switch (key) {
      case 'Fn::Join':
        return (fold(arg[1]) as unknown[]).join(arg[0]);
      case 'Fn::Select':
        return (fold(arg[1]) as unknown[])[Number(fold(arg[0]))];
      case 'Fn::Split':
        return String(fold(arg[1])).split(arg[0]);
      case 'Ref':
        return ref(arg, resources, options);
      case 'Fn::GetAtt':
        return getAtt(arg[0], arg[1], resources, options);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, fold(obj[k])]));
}

function ref(id: string, resources: Template['Resources'], options: FoldOptions): string {
  switch (id) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return 'LocalStack';
  }
  const type = resources[id]?.Type ?? 'Unknown';
  return options.ref?.(id, type) ?? (type === 'AWS::SNS::Topic' ? `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}` : id);
}

function getAtt(id: string, attribute: string, resources: Template['Resources'], options: FoldOptions): string {
  const type = resources[id]?.Type ?? 'Unknown';
  const custom = options.getAtt?.(id, attribute, type);
  if (custom !== undefined) return custom;
  if (type === 'AWS::Lambda::Function' && attribute === 'Arn') return localFunctionArn(id);
  return `${id}.${attribute}`;
}
