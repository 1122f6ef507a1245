import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConnectInstance } from '../../lib/connect-instance';
import { PhoneNumberType, UatPhoneNumber, UatPhoneNumberProps } from '../../lib/uat-phone-number';
import { nagFindings, templateJson, testStack } from '../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const FLOW_ARN = `${INSTANCE_ARN}/contact-flow/11111111-2222-3333-4444-555555555555`;

function build(props: Partial<UatPhoneNumberProps> = {}) {
  const stack = testStack();
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  const uat = new UatPhoneNumber(stack, 'Uat', { instance, contactFlowArn: FLOW_ARN, ...props });
  return { stack, uat, template: Template.fromStack(stack) };
}

describe('UatPhoneNumber', () => {
  test('defaults: a US DID claimed on the instance, retained on deletion', () => {
    const { template } = build();
    template.hasResource('AWS::Connect::PhoneNumber', {
      Properties: {
        TargetArn: INSTANCE_ARN,
        CountryCode: 'US',
        Type: 'DID',
        Description: 'Temporary number for go-live user acceptance testing',
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Connect::PhoneNumber', { Prefix: Match.absent() });
  });

  test('passes country, type and prefix through, and honours removalPolicy', () => {
    const { template } = build({
      countryCode: 'GB',
      type: PhoneNumberType.TOLL_FREE,
      prefix: '+44800',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    template.hasResource('AWS::Connect::PhoneNumber', {
      Properties: { CountryCode: 'GB', Type: 'TOLL_FREE', Prefix: '+44800' },
      DeletionPolicy: 'Delete',
    });
  });

  test('associates the number with the flow on create/update and disassociates on delete', () => {
    const { template } = build();
    const resources = template.findResources('Custom::PhoneNumberFlowAssociation');
    expect(Object.keys(resources)).toHaveLength(1);
    const props = Object.values(resources)[0].Properties;
    const join = (v: unknown) => JSON.stringify(v);
    for (const key of ['Create', 'Update']) {
      const call = join(props[key]);
      expect(call).toContain('"service\\":\\"Connect\\"');
      expect(call).toContain('"action\\":\\"AssociatePhoneNumberContactFlow\\"');
      expect(call).toContain('\\"ContactFlowId\\":\\"11111111-2222-3333-4444-555555555555\\"');
      expect(call).toContain('\\"InstanceId\\":\\"0a1b2c3d-aaaa-bbbb-cccc-0123456789ab\\"');
    }
    const del = join(props.Delete);
    expect(del).toContain('"action\\":\\"DisassociatePhoneNumberContactFlow\\"');
    expect(del).not.toContain('ContactFlowId');
    expect(props.InstallLatestAwsSdk).toBe(false);
  });

  test('the association may act on this number and this flow only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'connect:AssociatePhoneNumberContactFlow',
            Effect: 'Allow',
            Resource: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Uat'), 'PhoneNumberArn'] }, FLOW_ARN],
          },
          {
            Action: 'connect:DisassociatePhoneNumberContactFlow',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Uat'), 'PhoneNumberArn'] },
          },
        ],
      },
    });
  });

  test('exposes the address, ARN and id', () => {
    const { stack, uat } = build();
    expect(stack.resolve(uat.phoneNumber)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Uat/), 'Address'] });
    expect(stack.resolve(uat.phoneNumberArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Uat/), 'PhoneNumberArn'] });
    expect(stack.resolve(uat.phoneNumberId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^Uat/), 'PhoneNumberArn'] }] }],
    });
  });

  test.each([
    [{ countryCode: 'USA' }, "countryCode must be an ISO 3166-1 alpha-2 code like 'US', got: USA"],
    [{ countryCode: 'XX' }, 'countryCode must be an ISO 3166-1 alpha-2 code'],
    [{ countryCode: 'us' }, 'got: us'],
    [
      { type: 'LANDLINE' as PhoneNumberType },
      'type must be one of DID, TOLL_FREE, UIFN, SHARED, THIRD_PARTY_DID, THIRD_PARTY_TF, SHORT_CODE, got: LANDLINE',
    ],
    [{ prefix: '1206' }, 'prefix must be an E.164 prefix like +1206, got: 1206'],
    [{ prefix: '+1-206' }, 'got: +1-206'],
    [{ contactFlowArn: `${INSTANCE_ARN}/queue/abc` }, 'contactFlowArn must be a contact flow ARN'],
  ])('throws when %j', (props, message) => {
    expect(() => build(props as Partial<UatPhoneNumberProps>)).toThrow(message);
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    expect(nagFindings(build().stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(templateJson(build().stack)).toMatchSnapshot();
  });
});
