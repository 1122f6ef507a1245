import { Template } from 'aws-cdk-lib/assertions';
import { ConnectInstance } from '../../../lib/connect-instance';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../../lib/runbook/go-live-runbook';
import { testStack } from '../../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const TC = (id: string) => `${INSTANCE_ARN}/test-case/${id}`;
const TEST_CASES: GoLiveRunbookProps['testCases'] = {
  uat: [{ serviceLine: 'Support', testCaseArn: TC('uat-1') }],
  routingProof: [{ serviceLine: 'Support', testCaseArn: TC('proof-1'), phoneNumber: '+18005550100' }],
};

function build(props: Partial<GoLiveRunbookProps> = {}) {
  const stack = testStack();
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  new GoLiveRunbook(stack, 'Runbook', {
    instance,
    plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Support' }],
    queues: ['Support'],
    testCases: TEST_CASES,
    ...props,
  });
  const template = Template.fromStack(stack);
  const { definition } = runbookFromTemplate(template.toJSON() as any);
  return { template, states: definition.States as Record<string, any> };
}

describe('GoLiveRunbook testCases', () => {
  test('UAT runs between the deploy check and IsReady, and IsReady needs it passed', () => {
    const { states } = build();
    expect(states.DeployCheckProgress.Default).toBe('StartUatTests');
    expect(states.StartUatTests.Next).toBe('UatTestsProgress');
    expect(states.UatTestsProgress).toMatchObject({
      Choices: [{ Variable: '$.uat.done', BooleanEquals: false, Next: 'WaitForUatTests' }],
      Default: 'IsReady',
    });
    expect(states.WaitForUatTests).toMatchObject({ Type: 'Wait', Seconds: 30, Next: 'CheckUatTests' });
    expect(states.IsReady.Choices[0]).toEqual({
      And: [
        { Variable: '$.readiness.ready', BooleanEquals: true },
        { Variable: '$.uat.ok', BooleanEquals: true },
      ],
      Next: 'ApprovalGate',
    });
    // A crash of the UAT step aborts with nothing changed.
    expect(states.StartUatTests.Catch[0].Next).toBe('MarkAborted');
    expect(states.StartUatTests.Parameters).toEqual({ kind: 'uat', 'state.$': '$' });
  });

  test('the approver is shown the UAT results', () => {
    const { states } = build();
    expect(states.ApprovalGate.Parameters.Payload.state['uat.$']).toBe('$.uat');
  });

  test('the routing proof starts right after the cutover and is polled inside the Verify loop; a failure rolls back', () => {
    const { states } = build();
    expect(states.CutoverProgress.Default).toBe('StartRoutingProof');
    expect(states.RoutingProofStarted).toMatchObject({
      Choices: [{ Variable: '$.routingProof.ok', BooleanEquals: false, Next: 'Rollback' }],
      Default: 'Verify',
    });
    // While the proof runs, every verdict but ROLLBACK (LIVE included) polls it first; no extra state once it is done.
    expect(states.VerifyDecision.Choices.map((c: any) => c.Next)).toEqual(['Rollback', 'CheckRoutingProof', 'MarkLive', 'HumanDecision']);
    expect(states.VerifyDecision.Choices[1].And).toEqual([
      { Variable: '$.routingProof.done', IsPresent: true },
      { Variable: '$.routingProof.done', BooleanEquals: false },
      { Not: { Variable: '$.routingProofError', IsPresent: true } },
    ]);
    expect(states.VerifyDecision.Default).toBe('WaitForNextPoll');
    expect(states.RoutingProofVerdict).toMatchObject({ Choices: [{ Next: 'Rollback' }], Default: 'WaitForNextPoll' });
    // An error running it is not a failure.
    expect(states.StartRoutingProof.Catch[0]).toMatchObject({ ResultPath: '$.routingProofError', Next: 'Verify' });
    expect(states.CheckRoutingProof.Catch[0]).toMatchObject({ ResultPath: '$.routingProofError', Next: 'WaitForNextPoll' });
  });

  test('grants exactly the three test-case actions on exactly the configured test cases', () => {
    const { template } = build();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const testCaseStatements = statements.filter((s: any) => [].concat(s.Action).some((a: string) => a.includes('TestCase')));
    expect(testCaseStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['connect:StartTestCaseExecution', 'connect:GetTestCaseExecutionSummary', 'connect:ListTestCaseExecutionRecords'],
        Resource: [TC('uat-1'), TC('proof-1')],
      },
    ]);
  });

  test('without testCases: no test states, no test-case grant, IsReady reads readiness only', () => {
    const { states, template } = build({ testCases: undefined });
    expect(Object.keys(states).filter((s) => /Uat|RoutingProof/.test(s))).toEqual([]);
    expect(states.CutoverProgress.Default).toBe('Verify');
    expect(states.IsReady.Choices[0]).toEqual({ Variable: '$.readiness.ready', BooleanEquals: true, Next: 'ApprovalGate' });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('connect:StartTestCaseExecution');
  });

  test('no routing proof where Connect does not route the number (manualConfirmation, carrierHook): UAT still runs', () => {
    const { states } = build({ cutoverMode: 'manualConfirmation' });
    expect(Object.keys(states).filter((s) => /RoutingProof/.test(s))).toEqual([]);
    expect(states.CutoverProgress.Default).toBe('Verify');
    expect(states.StartUatTests).toBeDefined();
  });

  test.each([
    [{ uat: [{ testCaseArn: 'tc-1' }] }, 'testCases.uat[0].testCaseArn must be a test case ARN (…:instance/ID/test-case/ID), got: tc-1'],
    [
      { uat: [{ serviceLine: 'Sales', testCaseArn: TC('a') }] },
      'testCases.uat[0].serviceLine must be a service line of the plan (Support), got: Sales',
    ],
    [
      { routingProof: [{ serviceLine: 'Support', testCaseArn: TC('a'), phoneNumber: '0800' }] },
      'testCases.routingProof[0].phoneNumber must be an E.164 number, got: 0800',
    ],
    [
      {
        uat: [
          { serviceLine: 'Support', testCaseArn: TC('a') },
          { serviceLine: 'Support', testCaseArn: TC('b') },
        ],
      },
      'testCases.uat[1].serviceLine has a second uat test case, got: Support',
    ],
  ])('throws when testCases is %j', (testCases, message) => {
    expect(() => build({ testCases: testCases as any })).toThrow(message);
  });
});
