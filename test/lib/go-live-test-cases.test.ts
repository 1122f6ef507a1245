import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConnectInstance } from '../../lib/connect-instance';
import { ContactCenterStack } from '../../lib/contact-center-stack';
import { GoLiveTestCases, TestCaseContent } from '../../lib/go-live-test-cases';
import { runbookFromTemplate } from '../../lib/rehearsal/template';
import { testApp, testStack } from '../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

function build(props: Partial<ConstructorParameters<typeof GoLiveTestCases>[2]> = {}) {
  const stack = testStack();
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const testCases = new GoLiveTestCases(stack, 'TestCases', {
    instance,
    uatPhoneNumber: '+12065550100',
    uat: [{ serviceLine: 'Support', content: TestCaseContent.expectPromptThenEnd('Welcome') }],
    routingProof: [{ serviceLine: 'Support', phoneNumber: '+18005550100', content: TestCaseContent.expectPromptThenEnd('Welcome') }],
    ...props,
  });
  return { stack, testCases, template: Template.fromStack(stack) };
}

describe('GoLiveTestCases', () => {
  test('synthesizes one published VOICE_CALL test case per line and kind, tagged with its line and kind', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Connect::TestCase', 2);
    template.hasResourceProperties('AWS::Connect::TestCase', {
      InstanceArn: INSTANCE_ARN,
      Name: 'go-live UAT Support',
      Status: 'PUBLISHED',
      EntryPoint: { Type: 'VOICE_CALL', VoiceCallEntryPointParameters: { DestinationPhoneNumber: '+12065550100' } },
      Tags: Match.arrayWith([
        { Key: 'connect-golive:kind', Value: 'uat' },
        { Key: 'connect-golive:service-line', Value: 'Support' },
      ]),
    });
    template.hasResourceProperties('AWS::Connect::TestCase', {
      Name: 'go-live routing proof Support',
      EntryPoint: { Type: 'VOICE_CALL', VoiceCallEntryPointParameters: { DestinationPhoneNumber: '+18005550100' } },
    });
  });

  test('runbookTestCases names each test case by its ARN (Ref) with its line and number', () => {
    const { stack, testCases } = build();
    const uat = stack.resolve(testCases.runbookTestCases.uat);
    expect(uat).toEqual([
      { serviceLine: 'Support', testCaseArn: { Ref: expect.stringMatching(/^TestCasesUatSupport/) }, phoneNumber: '+12065550100' },
    ]);
    expect(stack.resolve(testCases.runbookTestCases.routingProof)[0].phoneNumber).toBe('+18005550100');
  });

  test('expectPromptThenEnd listens for the prompt and ends the test before any queue (no live agent is reached)', () => {
    const content = JSON.parse(TestCaseContent.expectPromptThenEnd('Thank you for calling').json);
    expect(content.Observations.map((o: any) => o.Event.Type)).toEqual(['TestInitiated', 'MessageReceived']);
    expect(content.Observations[1].Event.Properties.Text).toBe('Thank you for calling');
    expect(content.Observations[1].Actions).toEqual([
      expect.objectContaining({ Type: 'TestControl', Parameters: expect.objectContaining({ Command: { Type: 'EndTest' } }) }),
    ]);
    // No observation of a queue transfer: the test has ended before the flow would queue the simulated contact.
    expect(JSON.stringify(content)).not.toMatch(/TransferContactToQueue|FlowActionStarted/);
  });

  test.each([
    [{ uatPhoneNumber: undefined }, 'uatPhoneNumber is required when uat lists test cases, got: undefined'],
    [{ uatPhoneNumber: '555-0100' }, 'uatPhoneNumber must be an E.164 number, got: 555-0100'],
    [
      { routingProof: [{ phoneNumber: '0800', content: TestCaseContent.fromJson({}) }] },
      'routingProof[0].phoneNumber must be an E.164 number, got: 0800',
    ],
    [
      {
        uat: [
          { serviceLine: 'A', content: TestCaseContent.fromJson('{}') },
          { serviceLine: 'A', content: TestCaseContent.fromJson('{}') },
        ],
      },
      'uat[1].serviceLine is listed twice, got: A',
    ],
  ] as const)('throws when %j', (props, message) => {
    expect(() => build(props as any)).toThrow(message);
  });
});

describe('the default app', () => {
  test('holds a UAT test case and a routing proof for its entry flow, wired into the runbook', () => {
    const stack = new ContactCenterStack(testApp(), 'ConnectGoLive');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Connect::TestCase', 2);
    template.hasResourceProperties('AWS::Connect::TestCase', {
      EntryPoint: {
        VoiceCallEntryPointParameters: { DestinationPhoneNumber: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UatNumber'), 'Address'] } },
      },
    });
    const { definition } = runbookFromTemplate(template.toJSON() as any);
    expect(Object.keys(definition.States)).toEqual(
      expect.arrayContaining(['StartUatTests', 'CheckUatTests', 'StartRoutingProof', 'CheckRoutingProof']),
    );
  });

  test('testCases: false leaves them out, and the runbook runs none', () => {
    const stack = new ContactCenterStack(testApp(), 'ConnectGoLive', { testCases: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Connect::TestCase', 0);
    const { definition } = runbookFromTemplate(template.toJSON() as any);
    expect(Object.keys(definition.States).filter((s) => /Uat|RoutingProof/.test(s))).toEqual([]);
  });
});
