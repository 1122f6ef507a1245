import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConnectInstance } from '../../../lib/connect-instance';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../../lib/runbook/go-live-runbook';
import { DEFAULT_REQUIRED_ATTESTATIONS, DEFAULT_VERIFICATION } from '../../../lambda/core/defaults';
import { nagFindings, testStack } from '../../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

function build(props: Partial<GoLiveRunbookProps> = {}, stack: Stack = testStack()) {
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const runbook = new GoLiveRunbook(stack, 'Runbook', {
    instance,
    plan: [
      { phoneNumber: '+18005550100', targetFlow: 'Main' },
      { phoneNumber: '+18005550101', targetFlow: 'Main' },
    ],
    queues: ['Support'],
    ...props,
  });
  const template = Template.fromStack(stack);
  const { definition } = runbookFromTemplate(template.toJSON() as any);
  return { stack, runbook, template, definition, states: definition.States as Record<string, any> };
}

describe('GoLiveRunbook', () => {
  test('is a Standard workflow logging ALL with execution data to a KMS-encrypted log group, traced with X-Ray', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.anyValue()] },
    });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBe(11); // the state machines (runbook and Decommission share one) + ten handlers
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RunbookKey/), 'Arn'] });
    }
  });

  test('has the states of DESIGN.md in order, every Lambda task with a timeout and retries', () => {
    const { definition, states } = build();
    expect(definition.StartAt).toBe('Configure');
    const next = (name: string) => states[name].Next;
    expect(next('Configure')).toBe('ValidateInput');
    expect(next('ValidateInput')).toBe('AcquireLock');
    expect(next('AcquireLock')).toBe('DeployCheck');
    // DeployCheck, Cutover and Rollback loop over batches of 100 numbers until their cursor is done.
    expect(next('DeployCheck')).toBe('DeployCheckProgress');
    expect(states.DeployCheckProgress).toMatchObject({
      Choices: [{ Variable: '$.readiness.cursor.done', BooleanEquals: false, Next: 'DeployCheck' }],
      Default: 'IsReady',
    });
    expect(states.IsReady.Choices[0].Next).toBe('ApprovalGate');
    expect(next('ApprovalGate')).toBe('CheckWindow');
    expect(next('WaitForWindow')).toBe('IsDryRun');
    expect(states.IsDryRun.Default).toBe('Cutover');
    expect(next('Cutover')).toBe('CutoverProgress');
    expect(states.CutoverProgress).toMatchObject({
      Choices: [{ Variable: '$.cutover.cursor.done', BooleanEquals: false, Next: 'Cutover' }],
      Default: 'Verify',
    });
    expect(next('Rollback')).toBe('RollbackProgress');
    expect(states.RollbackProgress).toMatchObject({
      Choices: [
        { Variable: '$.rollback.cursor.done', BooleanEquals: false, Next: 'Rollback' },
        // rollbackScope "serviceLine": only the failing lines went back.
        { Variable: '$.rollback.partial', BooleanEquals: true, Next: 'MarkPartiallyRolledBack' },
      ],
      Default: 'MarkRolledBack',
    });
    expect(states.PartiallyRolledBack).toMatchObject({ Type: 'Fail', Error: 'PARTIALLY_ROLLED_BACK' });
    expect(states.Outcome.Choices).toContainEqual({
      Variable: '$.outcome.outcome',
      StringEquals: 'PARTIALLY_ROLLED_BACK',
      Next: 'PartiallyRolledBack',
    });
    expect(next('Verify')).toBe('VerifyDecision');
    expect(states.WaitForNextPoll).toMatchObject({ Type: 'Wait', SecondsPath: '$.run.verification.pollIntervalSeconds', Next: 'Verify' });
    expect(states.WaitForWindow).toMatchObject({ Type: 'Wait', TimestampPath: '$.window.waitUntil' });
    for (const [name, state] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      expect([name, typeof state.TimeoutSeconds]).toEqual([name, 'number']);
      // Lambda tasks time out only after their function would (5 min: a batch of 100 numbers takes ~50 s at 2 calls/s).
      if (!state.Resource.endsWith('waitForTaskToken')) expect([name, state.TimeoutSeconds]).toEqual([name, 330]);
      if (!state.Resource.endsWith('waitForTaskToken')) {
        expect([name, state.Retry.length > 0]).toEqual([name, true]);
      }
    }
    for (const name of ['Live', 'DryRunOk']) expect(states[name].Type).toBe('Succeed');
    expect(states.Aborted).toMatchObject({ Type: 'Fail', Error: 'ABORTED' });
    expect(states.RolledBack).toMatchObject({ Type: 'Fail', Error: 'ROLLED_BACK' });
    expect(states.RollbackFailed).toMatchObject({ Type: 'Fail', Error: 'ROLLBACK_FAILED' });
  });

  test('any failure after the cutover started goes to Rollback; failures before it go to MarkAborted', () => {
    const { states } = build();
    const catchTarget = (name: string) => states[name].Catch.map((c: any) => c.Next);
    for (const name of ['Cutover', 'Verify', 'HumanDecision']) expect(catchTarget(name)).toEqual(['Rollback']);
    for (const name of ['ValidateInput', 'AcquireLock', 'DeployCheck', 'ApprovalGate', 'CheckWindow'])
      expect(catchTarget(name)).toEqual(['MarkAborted']);
    expect(catchTarget('Rollback')).toEqual(['MarkRollbackFailed']);
    expect(states.Rollback.Retry).toEqual(
      expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 6, BackoffRate: 2 })]),
    );
    // Only the first matching retrier applies: no smaller transient budget may stand before the rollback's.
    const ownRetriers = (name: string) =>
      states[name].Retry.filter((r: any) => !r.ErrorEquals.some((e: string) => e.startsWith('Lambda.')));
    expect(ownRetriers('Rollback').map((r: any) => r.ErrorEquals)).toEqual([['States.ALL']]);
    expect(ownRetriers('Cutover')[0].ErrorEquals).toEqual(
      expect.arrayContaining(['TransientError', 'States.Timeout', 'ThrottlingException', 'InternalServiceException', 'TimeoutError']),
    );
    expect(ownRetriers('Verify').map((r: any) => [r.ErrorEquals, r.MaxAttempts])).toEqual([[['States.ALL'], 2]]);
    expect(ownRetriers('Finalize').map((r: any) => [r.ErrorEquals, r.MaxAttempts])).toEqual([[['States.ALL'], 3]]);
  });

  test('the approval gate and the human decision wait for a task token, with their timeouts and only what they show', () => {
    const { states } = build();
    const base = { 'executionArn.$': '$.executionArn', 'config.$': '$.config', 'run.$': '$.run' };
    for (const [name, kind, timeout, shown] of [
      ['ApprovalGate', 'approval', 86400, { 'readiness.$': '$.readiness' }],
      ['HumanDecision', 'inconclusive', 1800, { 'verify.$': '$.verify' }],
    ] as const) {
      expect(states[name]).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: timeout,
        // Not the whole state ('state.$': '$'): the payload counts against the 256 KiB limit too.
        Parameters: { Payload: { kind, 'taskToken.$': '$$.Task.Token', state: { ...base, ...shown } } },
      });
      expect(Object.keys(states[name].Parameters.Payload.state)).toHaveLength(4);
    }
  });

  test('the plan travels in the task parameters of ValidateInput and DeployCheck only, never in the state', () => {
    const { states } = build();
    expect(states.Configure.Parameters.config.plan).toBeUndefined();
    // payloadResponseOnly: the task's Parameters are the Lambda payload itself.
    const plan = [
      { phoneNumber: '+18005550100', targetFlow: 'Main' },
      { phoneNumber: '+18005550101', targetFlow: 'Main' },
    ];
    for (const name of ['ValidateInput', 'DeployCheck']) expect(states[name].Parameters).toEqual({ 'state.$': '$', plan });
    for (const name of ['AcquireLock', 'Cutover', 'Verify', 'Rollback', 'Finalize']) expect(states[name].Parameters).toBeUndefined();
    // A Pass with a ResultPath and no Result would copy the whole state into itself.
    expect(states.FinalizeFailed).toMatchObject({ Type: 'Pass', ResultPath: null });
  });

  test('defaults are wired into the embedded configuration', () => {
    const { states } = build();
    const config = states.Configure.Parameters.config;
    expect(config.verification).toEqual(DEFAULT_VERIFICATION);
    expect(config).toMatchObject({
      instanceArn: INSTANCE_ARN,
      cutoverMode: 'repoint',
      minAgentsOnline: 1,
      requiredAttestations: DEFAULT_REQUIRED_ATTESTATIONS,
      allowedLatenessSeconds: 900,
      maxScheduleDays: 14,
      cutoverConcurrency: 2,
      queues: ['Support'],
    });
    expect(config.uatPhoneNumber).toBeUndefined();
    expect(config.carrierHookFunctionArn).toBeUndefined();
    expect(config.statusTopicArn).toMatch(/RunbookStatusTopic/);
    expect(config.controlTableName).toMatch(/RunbookControlTable/);
  });

  test("plan entries keep their service line and queues, and a line's queues are watched too", () => {
    const { states } = build({
      plan: [
        { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Support', queues: ['Support'] },
        { phoneNumber: '+18005550101', targetFlow: 'SalesMain', serviceLine: 'Sales', queues: ['Sales'] },
      ],
    });
    const config = states.Configure.Parameters.config;
    // The plan travels in DeployCheck's task parameters (not the state), service lines and queues included.
    expect(states.DeployCheck.Parameters.plan).toEqual([
      { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Support', queues: ['Support'] },
      { phoneNumber: '+18005550101', targetFlow: 'SalesMain', serviceLine: 'Sales', queues: ['Sales'] },
    ]);
    expect(config.queues).toEqual(['Support', 'Sales']);
  });

  test('a default status topic is created, encrypted with the runbook key and TLS-only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RunbookKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('props override the defaults', () => {
    const { states } = build({
      verification: { pollIntervalSeconds: 30, maxAbandonmentRate: 0.2 },
      approvalTimeout: Duration.hours(2),
      humanDecisionTimeout: Duration.minutes(10),
      allowedLateness: Duration.minutes(5),
      minAgentsOnline: 4,
      requiredAttestations: ['uat'],
      cutoverConcurrency: 4,
      uatPhoneNumber: '+12065550100',
    });
    const config = states.Configure.Parameters.config;
    expect(config.verification).toEqual({ ...DEFAULT_VERIFICATION, pollIntervalSeconds: 30, maxAbandonmentRate: 0.2 });
    expect(config).toMatchObject({
      allowedLatenessSeconds: 300,
      minAgentsOnline: 4,
      requiredAttestations: ['uat'],
      cutoverConcurrency: 4,
      uatPhoneNumber: '+12065550100',
    });
    expect(states.ApprovalGate.TimeoutSeconds).toBe(7200);
    expect(states.HumanDecision.TimeoutSeconds).toBe(600);
  });

  test('manualConfirmation waits for the carrier before the cutover and the rollback; carrierHook may invoke the hook', () => {
    const manual = build({ cutoverMode: 'manualConfirmation' }).states;
    expect(manual.IsDryRun.Default).toBe('ConfirmCarrierCutover');
    expect(manual.ConfirmCarrierCutover.Next).toBe('Cutover');
    expect(manual.VerifyDecision.Choices[0].Next).toBe('ConfirmCarrierRollback');

    const stack = testStack();
    const hook = lambda.Function.fromFunctionArn(stack, 'Hook', 'arn:aws:lambda:us-east-1:111122223333:function:carrier');
    const { template, states } = build({ cutoverMode: 'carrierHook', carrierHook: hook }, stack);
    expect(states.Configure.Parameters.config.carrierHookFunctionArn).toBe('arn:aws:lambda:us-east-1:111122223333:function:carrier');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:carrier' }),
        ]),
      },
    });
  });

  test.each([
    [{ plan: [] }, 'plan must list at least one phone number, got: []'],
    [
      { plan: [{ phoneNumber: '18005550100', targetFlow: 'Main' }] },
      'plan[0].phoneNumber must be an E.164 number like +18005550100 or a phone number ARN, got: 18005550100',
    ],
    [
      {
        plan: [
          { phoneNumber: '+18005550100', targetFlow: 'Main' },
          { phoneNumber: '+18005550100', targetFlow: 'X' },
        ],
      },
      'plan[1].phoneNumber is listed twice, got: +18005550100',
    ],
    [{ plan: [{ phoneNumber: '+18005550100', targetFlow: '' }] }, 'plan[0].targetFlow must be a flow ARN, id or name, got: ""'],
    [{ queues: [] }, 'queues must list at least one queue to watch, got: []'],
    [{ cutoverMode: 'carrierHook' as const }, 'carrierHook is required when cutoverMode is carrierHook, got: undefined'],
    [{ verification: { maxAbandonmentRate: 1.5 } }, 'verification.maxAbandonmentRate must be between 0 and 1, got 1.5'],
    [{ verification: { pollIntervalSeconds: 5 } }, 'verification.pollIntervalSeconds must be between 10 and 300, got 5'],
    [{ verification: { minAvgHandleTimeSeconds: 600, maxAvgHandleTimeSeconds: 300 } }, 'verification.minAvgHandleTimeSeconds'],
    [{ minAgentsOnline: -1 }, 'minAgentsOnline must be a whole number between 0 and 10000, got: -1'],
    [{ cutoverConcurrency: 10 }, 'cutoverConcurrency must be a whole number between 1 and 5, got: 10'],
    [{ requiredAttestations: ['UAT Passed'] }, 'requiredAttestations must be short lower-case words'],
    [{ uatPhoneNumber: '555-0100' }, 'uatPhoneNumber must be an E.164 number, got: 555-0100'],
    [{ approvalTimeout: Duration.seconds(10) }, 'approvalTimeout must be between 1 minute and 168 hours, got: 10 seconds'],
  ])('throws at synth when %j', (props, message) => {
    expect(() => build(props as Partial<GoLiveRunbookProps>)).toThrow(message);
  });

  describe('IAM', () => {
    test('Connect permissions name the instance and its sub-resources; never connect:*', () => {
      const { template } = build();
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toMatch(/"connect:\*"/);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
              Resource: [Match.objectLike({ 'Fn::Join': Match.anyValue() }), `${INSTANCE_ARN}/contact-flow/*`],
            }),
          ]),
        },
      });
    });

    test('every statement has specific actions; Resource "*" only for APIs that allow nothing narrower', () => {
      const { template } = build();
      // Actions whose IAM reference lists no resource type (docs/research-iam-and-apis.md).
      const starOnly = new Set([
        'cloudwatch:GetMetricData',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ]);
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      expect(policies.length).toBeGreaterThan(0);
      for (const p of policies) {
        for (const s of p.Properties.PolicyDocument.Statement) {
          const actions: string[] = [].concat(s.Action);
          for (const a of actions) expect(a).not.toMatch(/(^\*$|:\*$)/);
          if (s.Resource === '*') for (const a of actions) expect([a, starOnly.has(a)]).toEqual([a, true]);
        }
      }
    });

    test('grantStartExecution, grantApprove and grantAbort are scoped to this state machine and table', () => {
      const stack = testStack();
      const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
      const runbook = new GoLiveRunbook(stack, 'Runbook', {
        instance,
        plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main' }],
        queues: ['Support'],
      });
      const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
      runbook.grantStartExecution(role);
      runbook.grantApprove(role);
      runbook.grantAbort(role);
      const template = Template.fromStack(stack);
      const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
        JSON.stringify(p.Properties.Roles).includes('Operator'),
      )!;
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      const find = (action: string) => statements.find((s) => [].concat(s.Action).includes(action as never));
      expect(find('states:StartExecution').Resource).toEqual({ Ref: expect.stringMatching(/^Runbook/) });
      expect(find('states:SendTaskSuccess').Resource).toEqual({ Ref: expect.stringMatching(/^Runbook/) });
      expect(find('states:SendTaskFailure').Resource).toEqual({ Ref: expect.stringMatching(/^Runbook/) });
      expect(JSON.stringify(find('states:StopExecution').Resource)).toContain(':execution:');
      expect(find('dynamodb:PutItem').Resource).toEqual(
        expect.arrayContaining([{ 'Fn::GetAtt': [expect.stringMatching(/^RunbookControlTable/), 'Arn'] }]),
      );
    });
  });

  test('metrics: failed, succeeded and timed-out executions of this state machine', () => {
    const { stack, runbook } = build();
    const failed = stack.resolve(runbook.metricExecutionsFailed().dimensions);
    expect(runbook.metricExecutionsFailed().metricName).toBe('ExecutionsFailed');
    expect(runbook.metricExecutionsSucceeded().metricName).toBe('ExecutionsSucceeded');
    expect(runbook.metricExecutionsTimedOut().metricName).toBe('ExecutionsTimedOut');
    expect(failed).toEqual({ StateMachineArn: { Ref: expect.stringMatching(/^Runbook/) } });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(build().stack)).toEqual([]);
  });
});

describe('GoLiveRunbook go-live readiness props (agents, capacity, caller ID, hours)', () => {
  const deployCheckStatements = (template: Template) => {
    const policies = template.findResources('AWS::IAM::Policy');
    const mine = Object.values(policies).filter((p: any) => JSON.stringify(p.Properties.Roles).includes('RunbookDeployCheckRole'));
    return mine.flatMap((p: any) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
  };
  const statementFor = (template: Template, action: string) =>
    deployCheckStatements(template).find((s) => [s.Action].flat().includes(action));

  test('minAgentsAvailable defaults to 1; the figures and numbers given are embedded as given', () => {
    expect(build().states.Configure.Parameters.config).toMatchObject({ minAgentsAvailable: 1 });
    const config = build({ minAgentsAvailable: 3, concurrentCallsQuota: 200, expectedCallerIdNumbers: ['+18005550199'] }).states.Configure
      .Parameters.config;
    expect(config).toMatchObject({ minAgentsAvailable: 3, concurrentCallsQuota: 200, expectedCallerIdNumbers: ['+18005550199'] });
    expect(build().states.Configure.Parameters.config.concurrentCallsQuota).toBeUndefined();
  });

  test('DeployCheck may read agents, agent statuses and hours of this instance, and this one quota', () => {
    const { template } = build();
    expect(statementFor(template, 'connect:GetCurrentUserData')!.Resource).toEqual(`${INSTANCE_ARN}/queue/*`);
    expect(statementFor(template, 'connect:ListAgentStatuses')!.Resource).toEqual(`${INSTANCE_ARN}/agent-state/*`);
    expect(statementFor(template, 'connect:GetEffectiveHoursOfOperations')!.Resource).toEqual([
      INSTANCE_ARN,
      `${INSTANCE_ARN}/operating-hours/*`,
    ]);
    expect(JSON.stringify(statementFor(template, 'servicequotas:GetServiceQuota')!.Resource)).toContain(':servicequotas:');
    expect(JSON.stringify(statementFor(template, 'servicequotas:GetServiceQuota')!.Resource)).toContain(':connect/L-12AB7C57');
    // No other handler gets them.
    const others = Object.values(template.findResources('AWS::IAM::Policy')).filter(
      (p: any) => !JSON.stringify(p.Properties.Roles).includes('RunbookDeployCheckRole'),
    );
    expect(JSON.stringify(others)).not.toMatch(/GetCurrentUserData|ListAgentStatuses|GetEffectiveHoursOfOperations|servicequotas:/);
  });

  test('with concurrentCallsQuota given, no servicequotas permission is granted', () => {
    const { template } = build({ concurrentCallsQuota: 50 });
    expect(statementFor(template, 'servicequotas:GetServiceQuota')).toBeUndefined();
  });

  test.each<[Partial<GoLiveRunbookProps>, string]>([
    [{ minAgentsAvailable: -1 }, 'minAgentsAvailable must be a whole number between 0 and 10000, got: -1'],
    [{ minAgentsAvailable: 1.5 }, 'minAgentsAvailable must be a whole number between 0 and 10000, got: 1.5'],
    [{ concurrentCallsQuota: 0 }, 'concurrentCallsQuota must be a whole number between 1 and 1000000, got: 0'],
    [
      { expectedCallerIdNumbers: ['555-0100'] },
      'expectedCallerIdNumbers[0] must be an E.164 number, a phone number ARN or a phone number id, got: "555-0100"',
    ],
  ])('throws when %j', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
