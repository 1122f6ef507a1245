import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConnectInstance, GoLiveRunbook, UatPhoneNumber } from '../../lib';
import { nagFindings, testApp } from '../support/cdk';

// The README's "Quick start in your own stack", through the package's entry point.
test('the README quick start synthesizes, with the operator grants', () => {
  const stack = new Stack(testApp(), 'ContactCenter');
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', {
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
  });
  const uat = new UatPhoneNumber(stack, 'Uat', {
    instance,
    contactFlowArn:
      'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab/contact-flow/11111111-2222-3333-4444-555555555555',
  });
  const runbook = new GoLiveRunbook(stack, 'GoLive', {
    instance,
    plan: [
      { phoneNumber: '+18005550100', targetFlow: 'Main' },
      { phoneNumber: '+18005550101', targetFlow: 'Main' },
    ],
    queues: ['Support'],
    uatPhoneNumber: uat.phoneNumber,
  });
  const operators = new iam.Role(stack, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });
  runbook.grantStartExecution(operators);
  runbook.grantApprove(operators);
  runbook.grantAbort(operators);

  const template = Template.fromStack(stack);
  // The go-live runbook and its Decommission state machine.
  template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  template.resourceCountIs('AWS::Connect::PhoneNumber', 1);
  expect(nagFindings(stack).filter((f) => !f.includes('/Operators/'))).toEqual([]);
});
