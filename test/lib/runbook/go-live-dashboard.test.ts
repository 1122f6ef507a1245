import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ConnectInstance } from '../../../lib/connect-instance';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';
import { GoLiveDashboard, GoLiveDashboardProps } from '../../../lib/runbook/go-live-dashboard';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../../lib/runbook/go-live-runbook';
import { testStack } from '../../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const INSTANCE_ID = '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const FLOW_ARN = `${INSTANCE_ARN}/contact-flow/11111111-2222-3333-4444-555555555555`;

/** The dashboard body with its tokens folded, parsed. */
function body(template: Template): { widgets: Array<{ type: string; properties: Record<string, any> }> } {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const raw = dashboards[0].Properties.DashboardBody;
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** A metric row as namespace, name and its dimensions (their order in the row does not matter to CloudWatch). */
const asMetric = (m: string[]) => ({
  namespace: m[0],
  name: m[1],
  dimensions: Object.fromEntries(Array.from({ length: (m.length - 2) / 2 }, (_, i) => [m[2 + 2 * i], m[3 + 2 * i]])),
});
const metricsOf = (widget: { properties: Record<string, any> }): string[][] =>
  (widget.properties.metrics ?? []).map((m: unknown[]) => m.filter((x) => typeof x === 'string') as string[]);

function dashboard(props: Partial<GoLiveDashboardProps> = {}, stack: Stack = testStack()) {
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const stateMachine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')),
  });
  const construct = new GoLiveDashboard(stack, 'Dashboard', {
    instance,
    stateMachine,
    plan: [
      { phoneNumber: '+18005550100', targetFlow: 'SalesFlow', serviceLine: 'Sales', queues: ['Sales'] },
      { phoneNumber: '+18005550101', targetFlow: 'CareFlow', serviceLine: 'Care' },
    ],
    queues: ['Support', 'Billing'],
    ...props,
  });
  return { stack, construct, template: Template.fromStack(stack) };
}

describe('GoLiveDashboard', () => {
  test('charts the runbook executions: started, succeeded, failed, timed out, aborted', () => {
    const { template } = dashboard();
    const executions = body(template).widgets.find((w) => w.properties.title === 'Runbook executions')!;
    expect(metricsOf(executions).map((m) => m[1])).toEqual([
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionsAborted',
    ]);
    expect(metricsOf(executions).every((m) => m[0] === 'AWS/States' && m[2] === 'StateMachineArn')).toBe(true);
  });

  test('charts the instance voice-call metrics the runbook verifies, with the VoiceCalls metric group', () => {
    const { template } = dashboard();
    const voice = body(template)
      .widgets.flatMap(metricsOf)
      .filter((m) => m.includes('VoiceCalls'));
    expect(voice.map((m) => m[1]).sort()).toEqual(
      [
        'CallsBreachingConcurrencyQuota',
        'ConcurrentCalls',
        'ConcurrentCallsPercentage',
        'MisconfiguredPhoneNumbers',
        'MissedCalls',
        'ThrottledCalls',
      ].sort(),
    );
    for (const m of voice) expect(asMetric(m).dimensions).toEqual({ InstanceId: INSTANCE_ID, MetricGroup: 'VoiceCalls' });
  });

  test("per service line: its target flows' errors by ContactFlowName and its queues by QueueName (line queues, else the watched ones)", () => {
    const { template } = dashboard();
    const widgets = body(template).widgets;
    const titled = (t: string) => widgets.find((w) => w.properties.title === t)!;
    expect(widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown)).toEqual(
      expect.arrayContaining(['## Service line Sales', '## Service line Care']),
    );
    expect(metricsOf(titled('Sales: target flow errors')).map(asMetric)).toEqual(
      ['ContactFlowErrors', 'ContactFlowFatalErrors'].map((name) => ({
        namespace: 'AWS/Connect',
        name,
        dimensions: { InstanceId: INSTANCE_ID, MetricGroup: 'ContactFlow', ContactFlowName: 'SalesFlow' },
      })),
    );
    const salesQueues = metricsOf(titled('Sales: queues'));
    expect(salesQueues.map((m) => [m[1], asMetric(m).dimensions.QueueName])).toEqual([
      ['QueueSize', 'Sales'],
      ['LongestQueueWaitTime', 'Sales'],
    ]);
    expect(metricsOf(titled('Care: queues')).map((m) => [m[1], asMetric(m).dimensions.QueueName])).toEqual([
      ['QueueSize', 'Support'],
      ['QueueSize', 'Billing'],
      ['LongestQueueWaitTime', 'Support'],
      ['LongestQueueWaitTime', 'Billing'],
    ]);
  });

  test('a flow or queue referred to by ARN or id is not charted, and says so in the line header and a warning', () => {
    const { stack, template } = dashboard({
      plan: [{ phoneNumber: '+18005550100', targetFlow: FLOW_ARN, serviceLine: 'Sales', queues: ['66666666-7777-8888-9999-000000000000'] }],
    });
    expect(metricsOf(body(template).widgets.find((w) => w.properties.title === 'Sales: target flow errors')!)).toEqual([]);
    expect(
      body(template).widgets.find((w) => w.type === 'text' && /Service line Sales/.test(w.properties.markdown))!.properties.markdown,
    ).toContain(FLOW_ARN);
    Annotations.fromStack(stack).hasWarning('/TestStack/Dashboard', Match.stringLikeRegexp('service line Sales: not charted'));
  });

  test('uses the given name, and its console URL names it', () => {
    const { construct, template } = dashboard({ dashboardName: 'acme-golive' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'acme-golive' });
    expect(Stack.of(construct).resolve(construct.dashboardUrl)).toEqual({
      'Fn::Join': ['', ['https://console.aws.amazon.com/cloudwatch/home?region=', { Ref: 'AWS::Region' }, '#dashboards:name=acme-golive']],
    });
  });

  test.each([
    ['a name with a space', { dashboardName: 'go live' }, 'dashboardName must be 1-255 letters, digits, - or _, got: go live'],
    ['a period under a minute', { period: require('aws-cdk-lib').Duration.seconds(30) }, 'period must be a whole number of minutes'],
  ])('throws when given %s', (_name, props, message) => {
    expect(() => dashboard(props as Partial<GoLiveDashboardProps>)).toThrow(message);
  });
});

describe('GoLiveRunbook dashboard and recording options', () => {
  function runbook(props: Partial<GoLiveRunbookProps> = {}) {
    const stack = testStack();
    const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
    const rb = new GoLiveRunbook(stack, 'Runbook', {
      instance,
      plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main' }],
      queues: ['Support'],
      ...props,
    });
    const template = Template.fromStack(stack);
    const { definition } = runbookFromTemplate(template.toJSON() as any);
    return { rb, template, config: (definition.States as any).Configure.Parameters.config };
  }

  test('creates the dashboard by default, and the config carries its URL and requireRecording false', () => {
    const { rb, template, config } = runbook();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(rb.dashboard).toBeDefined();
    expect(config.dashboardUrl).toMatch(
      /^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards:name=.*-golive$/,
    );
    expect(config.dashboardUrl).toContain(`name=${rb.dashboard!.dashboardName}`);
    expect(config.requireRecording).toBe(false);
  });

  test('dashboard false: no dashboard and no URL in the config', () => {
    const { rb, template, config } = runbook({ dashboard: false });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(rb.dashboard).toBeUndefined();
    expect(config.dashboardUrl).toBeUndefined();
  });

  test('requireRecording reaches the config', () => {
    expect(runbook({ requireRecording: true }).config.requireRecording).toBe(true);
  });

  test('throws when dashboardName is given with dashboard false', () => {
    expect(() => runbook({ dashboard: false, dashboardName: 'x' })).toThrow(
      'dashboardName is only used when dashboard is true, got: x with dashboard false',
    );
  });
});
