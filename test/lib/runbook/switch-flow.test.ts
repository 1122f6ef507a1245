import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConnectInstance } from '../../../lib/connect-instance';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../../lib/runbook/go-live-runbook';
import { routingOfContent } from '../../../lambda/core/switch-flow';
import { testStack } from '../../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const PLAN = [
  { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Sales' },
  { phoneNumber: '+18005550101', targetFlow: 'Main', serviceLine: 'Sales' },
  { phoneNumber: '+18005550102', targetFlow: 'Care', serviceLine: 'Care' },
];

function build(props: Partial<GoLiveRunbookProps> = {}, stack: Stack = testStack()) {
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const runbook = new GoLiveRunbook(stack, 'Runbook', {
    instance,
    plan: PLAN,
    queues: ['Support'],
    cutoverMode: 'switchFlow',
    legacyNumber: '+18005550199',
    ...props,
  });
  const template = Template.fromStack(stack);
  const { definition } = runbookFromTemplate(template.toJSON() as any);
  return { runbook, template, states: definition.States as Record<string, any> };
}

describe('GoLiveRunbook cutoverMode switchFlow', () => {
  test('creates one entry flow per service line, named golive-entry-<line>, bridging to the legacy number', () => {
    const { template, runbook } = build();
    const flows = Object.values(template.findResources('AWS::Connect::ContactFlow'));
    expect(flows.map((f) => f.Properties.Name).sort()).toEqual(['golive-entry-Care', 'golive-entry-Sales']);
    for (const f of flows) {
      expect(f.Properties).toMatchObject({ InstanceArn: INSTANCE_ARN, Type: 'CONTACT_FLOW' });
      expect(routingOfContent(f.Properties.Content)).toEqual({ kind: 'legacy' });
      expect(f.Properties.Content).toContain('+18005550199');
    }
    expect(runbook.config.switchFlow).toEqual({
      legacyNumber: '+18005550199',
      lines: [
        { serviceLine: 'Sales', entryFlow: 'golive-entry-Sales', targetFlow: 'Main' },
        { serviceLine: 'Care', entryFlow: 'golive-entry-Care', targetFlow: 'Care' },
      ],
    });
  });

  test('adopts an existing entry flow by name: no flow is created for that line', () => {
    const { template, runbook } = build({ entryFlows: { Sales: 'Existing Sales entry' } });
    template.resourceCountIs('AWS::Connect::ContactFlow', 1);
    expect(runbook.config.switchFlow!.lines[0].entryFlow).toBe('Existing Sales entry');
    expect(Object.keys(runbook.entryFlows)).toEqual(['Care']);
  });

  test('grants connect:UpdateContactFlowContent on the contact flows to Cutover and Rollback only', () => {
    const { template } = build();
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'connect:UpdateContactFlowContent' })]) },
      },
    });
    expect(Object.keys(policies).sort()).toEqual([
      expect.stringMatching(/^RunbookCutoverRole/),
      expect.stringMatching(/^RunbookRollbackRole/),
    ]);
  });

  test('DeployCheck may read the control table (its later batches read the entry flows the first recorded); in repoint mode it may not', () => {
    const deployCheckPolicy = (template: Template) =>
      JSON.stringify(Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('RunbookDeployCheckRole')));
    expect(deployCheckPolicy(build().template)).toContain('dynamodb:GetItem');
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    new GoLiveRunbook(stack, 'Runbook', { instance, plan: PLAN, queues: ['Support'] });
    expect(deployCheckPolicy(Template.fromStack(stack))).not.toContain('dynamodb:GetItem');
  });

  test('no role may update flow content in repoint mode', () => {
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    new GoLiveRunbook(stack, 'Runbook', { instance, plan: PLAN, queues: ['Support'] });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('UpdateContactFlowContent');
  });

  test('adds SetCanaryStep and CanaryProgress: a LIVE verdict advances the canary before MarkLive', () => {
    const { states } = build({ canarySteps: [10, 50, 100] });
    expect(states.VerifyDecision.Choices).toContainEqual({ Variable: '$.verify.decision', StringEquals: 'LIVE', Next: 'CanaryProgress' });
    expect(states.CanaryProgress.Default).toBe('MarkLive');
    expect(states.CanaryProgress.Choices[0].Next).toBe('SetCanaryStep');
    expect(states.SetCanaryStep).toMatchObject({ Type: 'Task', ResultPath: '$.cutover', Next: 'Verify' });
    expect(states.SetCanaryStep.Catch[0].Next).toBe('Rollback');
    expect(states.HumanVerdict.Choices[0].Next).toBe('CanaryProgress');
    expect(states.Configure.Parameters.config).toMatchObject({
      canarySteps: [10, 50, 100],
      canaryStepVerification: { observationWindowSeconds: 900, warmupSeconds: 60, minContactsForVerdict: 10 },
    });
  });

  test('repoint mode has no canary states', () => {
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    new GoLiveRunbook(stack, 'Runbook', { instance, plan: PLAN, queues: ['Support'] });
    const { definition } = runbookFromTemplate(Template.fromStack(stack).toJSON() as any);
    expect(definition.States.CanaryProgress).toBeUndefined();
    expect(definition.States.VerifyDecision.Choices).toContainEqual({
      Variable: '$.verify.decision',
      StringEquals: 'LIVE',
      Next: 'MarkLive',
    });
  });

  test.each<[string, Partial<GoLiveRunbookProps>, RegExp]>([
    ['without legacyNumber', { legacyNumber: undefined }, /legacyNumber is required when cutoverMode is switchFlow/],
    ['with a bad legacyNumber', { legacyNumber: '0800 123' }, /legacyNumber must be an E\.164 number/],
    [
      'when a line names two target flows',
      { plan: [PLAN[0], { ...PLAN[1], targetFlow: 'Other' }] },
      /must be the same for every number of service line Sales/,
    ],
    [
      'when entryFlows names a line without numbers',
      { entryFlows: { Nope: 'X' } },
      /entryFlows\.Nope names a service line with no plan entry/,
    ],
    ['when canarySteps does not end at 100', { canarySteps: [10, 50] }, /canarySteps must end at 100/],
    ['when canarySteps is not ascending', { canarySteps: [50, 10, 100] }, /canarySteps \[1\] must be larger/],
    [
      'when a canary step window is under a minute',
      { canaryStepVerification: { observationWindowSeconds: 30 } },
      /canaryStepVerification\.observationWindowSeconds must be a whole number between 60 and 7200/,
    ],
    [
      'when the canary warm-up is not shorter than the window',
      { canaryStepVerification: { observationWindowSeconds: 300, warmupSeconds: 300 } },
      /canaryStepVerification\.warmupSeconds must be a whole number between 0 and 299/,
    ],
  ])('throws %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test.each<[string, Partial<GoLiveRunbookProps>, RegExp]>([
    ['legacyNumber', { legacyNumber: '+18005550199' }, /legacyNumber is only used with cutoverMode switchFlow/],
    ['entryFlows', { entryFlows: { Sales: 'X' } }, /entryFlows is only used with cutoverMode switchFlow/],
    ['canarySteps', { canarySteps: [10, 100] }, /canarySteps is only used with cutoverMode switchFlow/],
  ])('rejects %s outside switchFlow', (_name, props, message) => {
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    expect(() => new GoLiveRunbook(stack, 'Runbook', { instance, plan: PLAN, queues: ['Support'], ...props })).toThrow(message);
  });
});
