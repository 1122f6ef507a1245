import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConnectInstance } from '../../../lib/connect-instance';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../../lib/runbook/go-live-runbook';
import { DECOMMISSION_TAG } from '../../../lambda/core/control';
import { testStack } from '../../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const UAT_ARN = 'arn:aws:connect:us-east-1:111122223333:phone-number/uat-1';

function build(props: Partial<GoLiveRunbookProps> = {}, stack: Stack = testStack()) {
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const runbook = new GoLiveRunbook(stack, 'Runbook', {
    instance,
    plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main' }],
    queues: ['Support'],
    ...props,
  });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as any;
  const { definition } = runbookFromTemplate(json);
  const decommission = runbookFromTemplate(json, {}, 'decommission').definition;
  return {
    stack,
    runbook,
    template,
    states: definition.States as Record<string, any>,
    decommission: decommission.States as Record<string, any>,
  };
}

describe('hypercare', () => {
  test('default: none; the LIVE verdict and a human "live" go straight to MarkLive', () => {
    const { states, runbook } = build();
    expect(states.Hypercare).toBeUndefined();
    expect(states.VerifyDecision.Choices).toContainEqual({ Variable: '$.verify.decision', StringEquals: 'LIVE', Next: 'MarkLive' });
    expect(states.HumanVerdict.Choices[0].Next).toBe('MarkLive');
    expect(runbook.config.hypercareSeconds).toBeUndefined();
  });

  test('with hypercare, LIVE waits a poll, then Hypercare runs the Verify function in phase hypercare until LIVE or ROLLBACK', () => {
    const { states, runbook } = build({ hypercare: Duration.minutes(30) });
    expect(runbook.config).toMatchObject({ hypercareSeconds: 1800, hypercarePollIntervalSeconds: 60 });
    expect(states.VerifyDecision.Choices).toContainEqual({
      Variable: '$.verify.decision',
      StringEquals: 'LIVE',
      Next: 'WaitForHypercarePoll',
    });
    expect(states.HumanVerdict.Choices[0].Next).toBe('WaitForHypercarePoll');
    expect(states.WaitForHypercarePoll).toMatchObject({ Type: 'Wait', Seconds: 60, Next: 'Hypercare' });
    expect(states.Hypercare).toMatchObject({
      Type: 'Task',
      ResultPath: '$.verify',
      Parameters: { 'state.$': '$', phase: 'hypercare' },
      Next: 'HypercareDecision',
    });
    expect(states.Hypercare.Resource).toEqual(states.Verify.Resource);
    expect(states.Hypercare.Catch[0].Next).toBe('Rollback');
    expect(states.HypercareDecision).toMatchObject({
      Choices: [
        { Variable: '$.verify.decision', StringEquals: 'ROLLBACK', Next: 'Rollback' },
        { Variable: '$.verify.decision', StringEquals: 'LIVE', Next: 'MarkLive' },
      ],
      Default: 'WaitForHypercarePoll',
    });
  });

  test('the state machine timeout grows by the hypercare', () => {
    const { template } = build({ hypercare: Duration.hours(6), hypercarePollInterval: Duration.minutes(5) });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.anyValue(),
      Tags: Match.anyValue(),
    });
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const runbook = machines.find((m: any) => JSON.stringify(m.Properties.DefinitionString).includes('ApprovalGate')) as any;
    expect(JSON.stringify(runbook.Properties.DefinitionString)).toContain(`\\"TimeoutSeconds\\":${16 * 86400 + 6 * 3600}`);
  });

  test.each([
    [{ hypercare: Duration.days(8) }, 'hypercare must be between 0 and 7 days, got: 8 days'],
    [
      { hypercare: Duration.hours(20) },
      'hypercare must take at most 1000 polls of hypercarePollInterval (1 minute), got: 20 hours (1200 polls',
    ],
    [
      { hypercare: Duration.hours(1), hypercarePollInterval: Duration.seconds(5) },
      'hypercarePollInterval must be between 10 seconds and 1 hour',
    ],
    [{ decommissionAttestations: ['Porting Complete'] }, 'decommissionAttestations must be short lower-case words'],
    [{ uatPhoneNumberArn: 'arn:aws:connect:us-east-1:111122223333:instance/x' }, 'uatPhoneNumberArn must be a phone number ARN'],
  ])('rejects %j', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('decommission', () => {
  test('a second state machine: Configure → ValidateDecommission → ReleaseUatNumber → RecordPointOfNoReturn → Decommissioned', () => {
    const { decommission } = build({ uatPhoneNumberArn: UAT_ARN });
    expect(decommission.Configure.Next).toBe('ValidateDecommission');
    expect(decommission.Configure.Parameters.config).toMatchObject({
      instanceArn: INSTANCE_ARN,
      uatPhoneNumberArn: UAT_ARN,
      requiredAttestations: ['porting-complete', 'legacy-off'],
    });
    expect(decommission.ValidateDecommission).toMatchObject({ Next: 'ReleaseUatNumber', Parameters: { step: 'validate', 'state.$': '$' } });
    expect(decommission.ValidateDecommission.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DecommissionRefused' },
    ]);
    expect(decommission.ReleaseUatNumber).toMatchObject({ Next: 'RecordPointOfNoReturn', Parameters: { step: 'release', 'state.$': '$' } });
    expect(decommission.RecordPointOfNoReturn).toMatchObject({ Next: 'Decommissioned', Parameters: { step: 'record', 'state.$': '$' } });
    expect(decommission.Decommissioned).toMatchObject({ Type: 'Succeed', OutputPath: '$.result' });
    expect(decommission.DecommissionRefused).toMatchObject({ Type: 'Fail', Error: 'DECOMMISSION_REFUSED' });
    expect(decommission.DecommissionFailed).toMatchObject({ Type: 'Fail', Error: 'DECOMMISSION_FAILED' });
  });

  test('decommissionAttestations reach its config', () => {
    const { decommission } = build({ decommissionAttestations: ['porting-complete'] });
    expect(decommission.Configure.Parameters.config.requiredAttestations).toEqual(['porting-complete']);
  });

  test('the runbook state machine is tagged with the Decommission state machine (the CLI finds it there)', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      Tags: Match.arrayWith([{ Key: DECOMMISSION_TAG, Value: { Ref: Match.stringLikeRegexp('^RunbookDecommission') } }]),
    });
  });

  test('the decommission handler may release the UAT number and nothing else', () => {
    const { template } = build({ uatPhoneNumberArn: UAT_ARN });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['connect:DescribePhoneNumber', 'connect:DisassociatePhoneNumberContactFlow', 'connect:ReleasePhoneNumber'],
            Resource: UAT_ARN,
          },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^RunbookDecommissionRole') }],
    });
    const releases = JSON.stringify(template.toJSON()).match(/connect:ReleasePhoneNumber/g) ?? [];
    expect(releases).toHaveLength(1);
  });

  test('without uatPhoneNumberArn no role may release a number', () => {
    const { template } = build();
    expect(JSON.stringify(template.toJSON())).not.toContain('connect:ReleasePhoneNumber');
  });

  test('grantDecommission: find, start and follow the Decommission, read the go-live; not the runbook start', () => {
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    const runbook = new GoLiveRunbook(stack, 'Runbook', {
      instance,
      plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main' }],
      queues: ['Support'],
    });
    const role = new iam.Role(stack, 'Owner', { assumedBy: new iam.AccountRootPrincipal() });
    runbook.grantDecommission(role);
    const statements = JSON.stringify(
      Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Owner') }] } }),
    );
    expect(statements).toContain('states:StartExecution');
    expect(statements).toContain('states:ListTagsForResource');
    expect(statements).toContain('states:DescribeExecution');
    expect(statements).toMatch(/"states:StartExecution","Effect":"Allow","Resource":\{"Ref":"RunbookDecommission/);
  });
});
