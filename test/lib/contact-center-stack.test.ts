import { Match, Template } from 'aws-cdk-lib/assertions';
import { ContactCenterStack } from '../../lib/contact-center-stack';
import { createDefaultStack } from '../../lib/default-app';
import { validateFlowContent } from '../../lib/private/flow-content';
import { nagFindings, templateJson, testApp } from '../support/cdk';

function build(props = {}) {
  const stack = new ContactCenterStack(testApp(), 'ConnectGoLive', props);
  return { stack, template: Template.fromStack(stack) };
}

/** Flow content in the template is a Fn::Join (tokens inside); fold the tokens to placeholders to parse it. */
function flowDocument(content: unknown): object {
  if (typeof content === 'string') return JSON.parse(content);
  const [, parts] = (content as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('ContactCenterStack (the default app)', () => {
  test('holds the instance, storage, hours, queue, two flows, the UAT number and its association', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Connect::Instance', 1);
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 2);
    template.resourceCountIs('AWS::Connect::HoursOfOperation', 1);
    template.resourceCountIs('AWS::Connect::Queue', 1);
    template.resourceCountIs('AWS::Connect::ContactFlow', 2);
    template.resourceCountIs('AWS::Connect::PhoneNumber', 1);
    template.resourceCountIs('Custom::PhoneNumberFlowAssociation', 1);
  });

  test('hours of operation are 24/7', () => {
    const { template } = build();
    const hours = Object.values(template.findResources('AWS::Connect::HoursOfOperation'))[0].Properties;
    expect(hours.Config.map((c: { Day: string }) => c.Day).sort()).toEqual([
      'FRIDAY',
      'MONDAY',
      'SATURDAY',
      'SUNDAY',
      'THURSDAY',
      'TUESDAY',
      'WEDNESDAY',
    ]);
    for (const c of hours.Config) {
      expect(c.StartTime).toEqual({ Hours: 0, Minutes: 0 });
      expect(c.EndTime).toEqual({ Hours: 23, Minutes: 59 });
    }
  });

  test('both flows are structurally valid flow language; the entry flow targets the queue, the bridge the legacy number', () => {
    const { template } = build({ legacyNumber: '+442071234567' });
    const flows = template.findResources('AWS::Connect::ContactFlow');
    const byName: Record<string, any> = Object.fromEntries(Object.values(flows).map((f) => [f.Properties.Name, f.Properties]));
    expect(Object.keys(byName).sort()).toEqual(['LegacyBridge', 'Main']);
    for (const flow of Object.values(byName)) {
      expect(flow.Type).toBe('CONTACT_FLOW');
      expect(validateFlowContent(flowDocument(flow.Content))).toEqual([]);
    }
    expect(JSON.stringify(byName.Main.Content)).toContain('QueueArn');
    expect(JSON.stringify(byName.LegacyBridge.Content)).toContain('+442071234567');
  });

  test('the entry flow records agent and customer by default; the instance keeps its encrypted recordings storage', () => {
    const { template } = build();
    const flows = Object.values(template.findResources('AWS::Connect::ContactFlow')).map((f) => f.Properties);
    const main = flowDocument(flows.find((f) => f.Name === 'Main')!.Content) as { StartAction: string; Actions: any[] };
    expect(main.StartAction).toBe('set-recording');
    expect(main.Actions.find((a) => a.Type === 'UpdateContactRecordingBehavior').Parameters).toEqual({
      RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] },
    });
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      ResourceType: 'CALL_RECORDINGS',
      StorageType: 'S3',
      S3Config: Match.objectLike({ EncryptionConfig: Match.objectLike({ EncryptionType: 'KMS' }) }),
    });
  });

  test('callRecording false: no recording action in any flow, the storage stays', () => {
    const { template } = build({ callRecording: false });
    for (const flow of Object.values(template.findResources('AWS::Connect::ContactFlow'))) {
      expect(JSON.stringify(flow.Properties.Content)).not.toContain('UpdateContactRecordingBehavior');
      expect(validateFlowContent(flowDocument(flow.Properties.Content))).toEqual([]);
    }
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 2);
  });

  test('the default app (what cdk synth runs) holds the go-live dashboard, its URL as a stack output', () => {
    const template = Template.fromStack(createDefaultStack(testApp()));
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasOutput('GoLiveDashboardUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://console.aws.amazon.com/cloudwatch/home?region=',
            { Ref: 'AWS::Region' },
            Match.stringLikeRegexp('^#dashboards:name=.+-golive$'),
          ],
        ],
      },
    });
  });

  test('no dashboard output when the runbook has no dashboard', () => {
    const { template } = build({ runbook: { dashboard: false } });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('GoLiveDashboardUrl');
  });

  test('the UAT number rings the entry flow and its address is a stack output', () => {
    const { template } = build();
    const association = Object.values(template.findResources('Custom::PhoneNumberFlowAssociation'))[0];
    expect(JSON.stringify(association.Properties.Create)).toContain('EntryFlow');
    template.hasOutput('UatPhoneNumber', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UatNumber'), 'Address'] } });
    template.hasOutput('InstanceArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Instance'), 'Arn'] } });
  });

  test('props reach the resources', () => {
    const { template } = build({ instanceAlias: 'acme-care', countryCode: 'GB', queueName: 'Billing' });
    template.hasResourceProperties('AWS::Connect::Instance', { InstanceAlias: 'acme-care' });
    template.hasResourceProperties('AWS::Connect::PhoneNumber', { CountryCode: 'GB', Type: 'DID' });
    template.hasResourceProperties('AWS::Connect::Queue', { Name: 'Billing' });
  });

  test('throws at synth when the legacy number is not E.164', () => {
    expect(() => build({ legacyNumber: '0800 555 0199' })).toThrow('legacyNumber must be an E.164 number');
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(build().stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(templateJson(build().stack)).toMatchSnapshot();
  });
});
