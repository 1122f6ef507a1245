/**
 * Bad-props matrix (issue: "Bad-input matrix", "Construct props get the same treatment at synth"): construct props
 * and default-app context that must fail at synth with a message naming the prop and the value received.
 *
 * Only cases the construct tests do not already cover are here; the existing tables stay where they are
 * (connect-instance.test.ts: alias shape, missing alias for CONNECT_MANAGED, directoryId, storagePrefix "a b",
 * fromInstanceAttributes with an S3 ARN; uat-phone-number.test.ts: countryCode USA/XX/us, type LANDLINE, prefix
 * 1206/+1-206, a queue ARN as contactFlowArn; go-live-runbook.test.ts: empty plan, 18005550100, duplicate number,
 * empty targetFlow, empty queues, carrierHook missing, maxAbandonmentRate 1.5, pollIntervalSeconds 5, min > max
 * AHT, minAgentsOnline -1, cutoverConcurrency 10, "UAT Passed", uatPhoneNumber 555-0100, approvalTimeout 10 s;
 * contact-center-stack.test.ts: legacyNumber "0800 555 0199").
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConnectInstance, ConnectInstanceProps, IdentityManagementType } from '../../lib/connect-instance';
import { ContactCenterStack, ContactCenterStackProps } from '../../lib/contact-center-stack';
import { createDefaultStack } from '../../lib/default-app';
import { GoLiveRunbook, GoLiveRunbookProps } from '../../lib/runbook/go-live-runbook';
import { UatPhoneNumber, UatPhoneNumberProps } from '../../lib/uat-phone-number';
import { testApp, testStack } from '../support/cdk';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const FLOW_ARN = `${INSTANCE_ARN}/contact-flow/1111aaaa-22bb-33cc-44dd-555555eeeeee`;
const PLAN = [{ phoneNumber: '+18005550100', targetFlow: 'Main' }];

/** Props as a JavaScript caller or a JSON file may pass them: the types do not stop a wrong value. */
type Loose<T> = { [K in keyof T]?: unknown };

function connectInstance(props: Loose<ConnectInstanceProps>): void {
  new ConnectInstance(testStack(), 'Instance', props as ConnectInstanceProps);
}

function adoptInstance(instanceArn: string): void {
  ConnectInstance.fromInstanceAttributes(testStack(), 'Instance', { instanceArn });
}

function uatPhoneNumber(props: Loose<UatPhoneNumberProps>): void {
  const stack = testStack();
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  new UatPhoneNumber(stack, 'Uat', { instance, contactFlowArn: FLOW_ARN, ...props } as UatPhoneNumberProps);
}

function runbook(props: Loose<GoLiveRunbookProps>, stack: Stack = testStack()): void {
  const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', { instanceArn: INSTANCE_ARN });
  new GoLiveRunbook(stack, 'Runbook', { instance, plan: PLAN, queues: ['Support'], ...props } as GoLiveRunbookProps);
}

function contactCenterStack(props: Loose<ContactCenterStackProps>): void {
  new ContactCenterStack(testApp(), 'ConnectGoLive', props as ContactCenterStackProps);
}

/** The default app (bin/app.ts) built from `connect-golive:*` context, as `cdk synth -c key=value` sets it. */
function defaultApp(context: Record<string, unknown>): void {
  createDefaultStack(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
}

function withCarrierHook(cutoverMode: string): void {
  const stack = testStack();
  const carrierHook = lambda.Function.fromFunctionArn(stack, 'Hook', 'arn:aws:lambda:us-east-1:111122223333:function:carrier');
  runbook({ cutoverMode, carrierHook }, stack);
}

const planOf = (size: number) =>
  Array.from({ length: size }, (_, i) => ({ phoneNumber: `+1800555${String(i).padStart(4, '0')}`, targetFlow: 'Main' }));

/** [construct, what is wrong, build, the whole message]. Every message names the prop and the value received. */
const CASES: Array<[string, string, () => void, string]> = [
  // ConnectInstance
  [
    'ConnectInstance',
    'SAML without an instanceAlias',
    () => connectInstance({ identityManagementType: IdentityManagementType.SAML }),
    'instanceAlias is required when identityManagementType is SAML, got: undefined',
  ],
  [
    'ConnectInstance',
    'an instanceAlias with a non-ASCII letter',
    () => connectInstance({ instanceAlias: 'café' }),
    'instanceAlias must be 1-62 letters, digits or hyphens, not starting or ending with a hyphen, got: café',
  ],
  [
    'ConnectInstance',
    'a 129-character storagePrefix',
    () => connectInstance({ instanceAlias: 'acme', storagePrefix: 'p'.repeat(129) }),
    `storagePrefix must be 1-128 characters safe in an S3 key, got: ${'p'.repeat(129)}`,
  ],
  [
    'ConnectInstance',
    'an adopted ARN that names a phone number',
    () => adoptInstance('arn:aws:connect:us-east-1:111122223333:phone-number/abc'),
    'instanceArn must look like arn:aws:connect:REGION:ACCOUNT:instance/ID, got: arn:aws:connect:us-east-1:111122223333:phone-number/abc',
  ],
  [
    'ConnectInstance',
    'an adopted ARN with a trailing slash',
    () => adoptInstance(`${INSTANCE_ARN}/`),
    `instanceArn must look like arn:aws:connect:REGION:ACCOUNT:instance/ID, got: ${INSTANCE_ARN}/`,
  ],
  // UatPhoneNumber
  [
    'UatPhoneNumber',
    "a prefix that is only '+'",
    () => uatPhoneNumber({ prefix: '+' }),
    'prefix must be an E.164 prefix like +1206, got: +',
  ],
  [
    'UatPhoneNumber',
    'a prefix of 16 digits',
    () => uatPhoneNumber({ prefix: '+1234567890123456' }),
    'prefix must be an E.164 prefix like +1206, got: +1234567890123456',
  ],
  [
    'UatPhoneNumber',
    'a flow name instead of a flow ARN',
    () => uatPhoneNumber({ contactFlowArn: 'Main' }),
    'contactFlowArn must be a contact flow ARN (…:instance/ID/contact-flow/ID), got: Main',
  ],
  [
    'UatPhoneNumber',
    'a lower-case type',
    () => uatPhoneNumber({ type: 'did' }),
    'type must be one of DID, TOLL_FREE, UIFN, SHARED, THIRD_PARTY_DID, THIRD_PARTY_TF, SHORT_CODE, got: did',
  ],
  // GoLiveRunbook
  [
    'GoLiveRunbook',
    'a plan of 1,001 numbers',
    () => runbook({ plan: planOf(1001) }),
    'plan must list at most 1000 phone numbers (one wave), got: 1001',
  ],
  [
    'GoLiveRunbook',
    'a plan too large for the task parameters (long flow references)',
    () => runbook({ plan: planOf(1000).map((e) => ({ ...e, targetFlow: `${'x'.repeat(200)}` })) }),
    'plan must serialize to at most 131072 bytes',
  ],
  [
    'GoLiveRunbook',
    'a phone number ARN without an id',
    () => runbook({ plan: [{ phoneNumber: 'arn:aws:connect:us-east-1:111122223333:phone-number/', targetFlow: 'Main' }] }),
    'plan[0].phoneNumber must be an E.164 number like +18005550100 or a phone number ARN, got: arn:aws:connect:us-east-1:111122223333:phone-number/',
  ],
  [
    'GoLiveRunbook',
    'a plan number with a leading space',
    () => runbook({ plan: [...PLAN, { phoneNumber: ' +18005550101', targetFlow: 'Main' }] }),
    'plan[1].phoneNumber must be an E.164 number like +18005550100 or a phone number ARN, got:  +18005550101',
  ],
  [
    'GoLiveRunbook',
    'a targetFlow with a leading space',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: ' Main' }] }),
    'plan[0].targetFlow must be a flow ARN, id or name, got: " Main"',
  ],
  [
    'GoLiveRunbook',
    'a targetFlow with a newline',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main\nLegacy' }] }),
    'plan[0].targetFlow must be a flow ARN, id or name, got: "Main\\nLegacy"',
  ],
  [
    'GoLiveRunbook',
    'a 513-character targetFlow',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 'M'.repeat(513) }] }),
    `plan[0].targetFlow must be a flow ARN, id or name, got: "${'M'.repeat(513)}"`,
  ],
  [
    'GoLiveRunbook',
    'an empty serviceLine',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: '' }] }),
    'plan[0].serviceLine must be a name of 1–64 characters, got: ""',
  ],
  [
    'GoLiveRunbook',
    'an empty queues list on a plan entry',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main', queues: [] }] }),
    'plan[0].queues must list 1–100 queue ARNs, ids or names, got: []',
  ],
  [
    'GoLiveRunbook',
    'a plan entry with 101 queues',
    () => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 'Main', queues: Array.from({ length: 101 }, (_, i) => `Q${i}`) }] }),
    `plan[0].queues must list 1–100 queue ARNs, ids or names, got: ${JSON.stringify(Array.from({ length: 101 }, (_, i) => `Q${i}`))}`,
  ],
  [
    'GoLiveRunbook',
    'an unknown cutoverMode',
    () => runbook({ cutoverMode: 'port' }),
    'cutoverMode must be one of repoint, switchFlow, carrierHook, manualConfirmation, got: port',
  ],
  [
    'GoLiveRunbook',
    'a carrierHook with cutoverMode repoint',
    () => withCarrierHook('repoint'),
    'carrierHook is only used with cutoverMode carrierHook, got it with: repoint',
  ],
  [
    'GoLiveRunbook',
    'a NaN observation window',
    () => runbook({ verification: { observationWindowSeconds: NaN } }),
    'verification.observationWindowSeconds must be a finite number, got NaN',
  ],
  [
    'GoLiveRunbook',
    'a warm-up as long as the observation window',
    () => runbook({ verification: { warmupSeconds: 600, observationWindowSeconds: 600 } }),
    'verification.warmupSeconds must be less than observationWindowSeconds (600), got 600 (nothing would ever be judged)',
  ],
  [
    'GoLiveRunbook',
    'a fractional consecutiveFailureLimit',
    () => runbook({ verification: { consecutiveFailureLimit: 1.5 } }),
    'verification.consecutiveFailureLimit must be a whole number, got 1.5',
  ],
  [
    'GoLiveRunbook',
    'a threshold given as a string',
    () => runbook({ verification: { maxAbandonmentRate: '0.1' } }),
    'verification.maxAbandonmentRate must be a number, got "0.1"',
  ],
  [
    'GoLiveRunbook',
    'override bounds with min above max',
    () => runbook({ verificationBounds: { maxAbandonmentRate: { min: 1, max: 0 } } }),
    'verificationBounds.maxAbandonmentRate must have finite min ≤ max, got 1–0',
  ],
  [
    'GoLiveRunbook',
    'override bounds that exclude the default',
    () => runbook({ verificationBounds: { pollIntervalSeconds: { min: 20, max: 60 } } }),
    'verificationBounds.pollIntervalSeconds must contain the default 15, got 20–60',
  ],
  [
    'GoLiveRunbook',
    'a threshold outside its own narrowed bounds',
    () => runbook({ verificationBounds: { maxAbandonmentRate: { min: 0, max: 0.2 } }, verification: { maxAbandonmentRate: 0.3 } }),
    'verification.maxAbandonmentRate must be between 0 and 0.2, got 0.3',
  ],
  [
    'GoLiveRunbook',
    'a fractional minAgentsOnline',
    () => runbook({ minAgentsOnline: 1.5 }),
    'minAgentsOnline must be a whole number between 0 and 10000, got: 1.5',
  ],
  [
    'GoLiveRunbook',
    'a NaN minAgentsOnline',
    () => runbook({ minAgentsOnline: NaN }),
    'minAgentsOnline must be a whole number between 0 and 10000, got: NaN',
  ],
  [
    'GoLiveRunbook',
    'cutoverConcurrency 0',
    () => runbook({ cutoverConcurrency: 0 }),
    'cutoverConcurrency must be a whole number between 1 and 5, got: 0',
  ],
  [
    'GoLiveRunbook',
    'an empty attestation name',
    () => runbook({ requiredAttestations: ['uat', ''] }),
    'requiredAttestations must be short lower-case words, got: ["uat",""]',
  ],
  [
    'GoLiveRunbook',
    'an approvalTimeout above 7 days',
    () => runbook({ approvalTimeout: Duration.days(8) }),
    'approvalTimeout must be between 1 minute and 168 hours, got: 8 days',
  ],
  [
    'GoLiveRunbook',
    'a humanDecisionTimeout above 24 hours',
    () => runbook({ humanDecisionTimeout: Duration.days(2) }),
    'humanDecisionTimeout must be between 1 minute and 24 hours, got: 2 days',
  ],
  [
    'GoLiveRunbook',
    'an allowedLateness of 0',
    () => runbook({ allowedLateness: Duration.seconds(0) }),
    'allowedLateness must be between 1 minute and 24 hours, got: 0 seconds',
  ],
  [
    'GoLiveRunbook',
    'a uatPhoneNumber with country code 0',
    () => runbook({ uatPhoneNumber: '+0123' }),
    'uatPhoneNumber must be an E.164 number, got: +0123',
  ],
  // ContactCenterStack
  [
    'ContactCenterStack',
    'an instanceAlias with a space',
    () => contactCenterStack({ instanceAlias: 'Acme Care' }),
    'instanceAlias must be 1-62 letters, digits or hyphens, not starting or ending with a hyphen, got: Acme Care',
  ],
  [
    'ContactCenterStack',
    "countryCode 'UK' (ISO 3166 says GB)",
    () => contactCenterStack({ countryCode: 'UK' }),
    "countryCode must be an ISO 3166-1 alpha-2 code like 'US', got: UK",
  ],
  [
    'ContactCenterStack',
    'an unknown phoneNumberType',
    () => contactCenterStack({ phoneNumberType: 'MOBILE' }),
    'type must be one of DID, TOLL_FREE, UIFN, SHARED, THIRD_PARTY_DID, THIRD_PARTY_TF, SHORT_CODE, got: MOBILE',
  ],
  [
    'ContactCenterStack',
    'a plan number with too few digits',
    () => contactCenterStack({ plan: [{ phoneNumber: '+1', targetFlow: 'Main' }] }),
    'plan[0].phoneNumber must be an E.164 number like +18005550100 or a phone number ARN, got: +1',
  ],
  [
    'ContactCenterStack',
    'no queue to watch',
    () => contactCenterStack({ watchQueues: [] }),
    'queues must list at least one queue to watch, got: []',
  ],
  [
    'ContactCenterStack',
    'an unknown runbook cutoverMode',
    () => contactCenterStack({ runbook: { cutoverMode: 'big-bang' } }),
    'cutoverMode must be one of repoint, switchFlow, carrierHook, manualConfirmation, got: big-bang',
  ],
  // The default app's context (cdk.json, or cdk synth -c connect-golive:key=value)
  [
    'default app',
    'a connect-golive:plan that is not JSON',
    () => defaultApp({ 'connect-golive:plan': '[{phoneNumber: +18005550100}' }),
    'context connect-golive:plan must be a JSON array, got: [{phoneNumber: +18005550100}',
  ],
  [
    'default app',
    'a connect-golive:plan that is one object, not an array',
    () => defaultApp({ 'connect-golive:plan': '{"phoneNumber":"+18005550100","targetFlow":"Main"}' }),
    'context connect-golive:plan must be a JSON array, got: {"phoneNumber":"+18005550100","targetFlow":"Main"}',
  ],
  [
    'default app',
    'a connect-golive:plan object in cdk.json',
    () => defaultApp({ 'connect-golive:plan': { phoneNumber: '+18005550100', targetFlow: 'Main' } }),
    'context connect-golive:plan must be a JSON array, got: {"phoneNumber":"+18005550100","targetFlow":"Main"}',
  ],
  [
    'default app',
    'an empty connect-golive:plan',
    () => defaultApp({ 'connect-golive:plan': '[]' }),
    'plan must list at least one phone number, got: []',
  ],
  [
    'default app',
    'a connect-golive:runbook that is not a JSON object',
    () => defaultApp({ 'connect-golive:runbook': '["repoint"]' }),
    'context connect-golive:runbook must be a JSON object, got: ["repoint"]',
  ],
  [
    'default app',
    'a connect-golive:runbook with an option JSON cannot carry',
    () => defaultApp({ 'connect-golive:runbook': { cutoverMode: 'repoint', carrierHook: 'my-function' } }),
    'context connect-golive:runbook has unknown keys: carrierHook (known: cutoverMode, canarySteps, minAgentsAvailable, concurrentCallsQuota, expectedCallerIdNumbers, requireRecording, hypercareMinutes, hypercarePollIntervalSeconds, decommissionAttestations)',
  ],
  [
    'default app',
    'a connect-golive:runbook with a bad cutover mode',
    () => defaultApp({ 'connect-golive:runbook': '{"cutoverMode":"bigBang"}' }),
    'cutoverMode must be one of repoint, switchFlow, carrierHook, manualConfirmation, got: bigBang',
  ],
  [
    'default app',
    'a connect-golive:watchQueues that is a plain name',
    () => defaultApp({ 'connect-golive:watchQueues': 'Support' }),
    'context connect-golive:watchQueues must be a JSON array, got: Support',
  ],
  [
    'default app',
    'a connect-golive:watchQueues that is a JSON string',
    () => defaultApp({ 'connect-golive:watchQueues': '"Support"' }),
    'context connect-golive:watchQueues must be a JSON array, got: "Support"',
  ],
  [
    'default app',
    'a connect-golive:stackName CloudFormation refuses',
    () => defaultApp({ 'connect-golive:stackName': 'go live!' }),
    "Stack name must match the regular expression: /^[A-Za-z][A-Za-z0-9-]*$/, got 'go live!'",
  ],
  [
    'default app',
    'a connect-golive:instanceAlias with a space',
    () => defaultApp({ 'connect-golive:instanceAlias': 'has space' }),
    'instanceAlias must be 1-62 letters, digits or hyphens, not starting or ending with a hyphen, got: has space',
  ],
  [
    'default app',
    'an unknown connect-golive:countryCode',
    () => defaultApp({ 'connect-golive:countryCode': 'XX' }),
    "countryCode must be an ISO 3166-1 alpha-2 code like 'US', got: XX",
  ],
  [
    'default app',
    'an unknown connect-golive:phoneNumberType',
    () => defaultApp({ 'connect-golive:phoneNumberType': 'CELL' }),
    'type must be one of DID, TOLL_FREE, UIFN, SHARED, THIRD_PARTY_DID, THIRD_PARTY_TF, SHORT_CODE, got: CELL',
  ],
  [
    'default app',
    'a connect-golive:legacyNumber that is not E.164',
    () => defaultApp({ 'connect-golive:legacyNumber': '555' }),
    'legacyNumber must be an E.164 number like +18005550100, got: 555',
  ],
];

describe('bad construct props and app context throw at synth, naming the prop and the value', () => {
  test('the matrix holds at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES)('%s: throws at synth when given %s', (_construct, _what, build, message) => {
    expect(build).toThrow(message);
  });
});

/**
 * Found by this matrix: each was accepted at synth though it cannot work, and failed later (CloudFormation at
 * deploy, the runbook at run time) or silently. Each now throws, naming the prop and the value; the comments say
 * what the old code did.
 */
describe('validation gaps found by the matrix, now closed', () => {
  // go-live-runbook.ts validateProps: `/^[^\s].{0,511}$/.test(entry.targetFlow)` coerces undefined to "undefined".
  test('GoLiveRunbook: throws at synth when a plan entry has no targetFlow', () => {
    expect(() => runbook({ plan: [{ phoneNumber: '+18005550100' }] })).toThrow(/^plan\[0\]\.targetFlow .*got: undefined/);
  });

  test('default app: throws at synth when a connect-golive:plan entry has no targetFlow', () => {
    expect(() => defaultApp({ 'connect-golive:plan': '[{"phoneNumber":"+18005550100"}]' })).toThrow(
      /^plan\[0\]\.targetFlow .*got: undefined/,
    );
  });

  // Same regex: 42 is coerced to "42".
  test('GoLiveRunbook: throws at synth when a targetFlow is a number', () => {
    expect(() => runbook({ plan: [{ phoneNumber: '+18005550100', targetFlow: 42 }] })).toThrow(/^plan\[0\]\.targetFlow .*got: 42/);
  });

  // validateProps reads entry.phoneNumber of null: "TypeError: Cannot read properties of null".
  test('default app: throws at synth, naming plan[0], when a connect-golive:plan entry is null', () => {
    expect(() => defaultApp({ 'connect-golive:plan': '[null]' })).toThrow(/^plan\[0\].*got: null/);
  });

  // Throws "plan[0].phoneNumber … got: undefined": the value received was the string.
  test('default app: throws at synth, quoting the value, when a connect-golive:plan entry is a bare string', () => {
    expect(() => defaultApp({ 'connect-golive:plan': '["+18005550100"]' })).toThrow(/^plan\[0\].*got: "?\+18005550100"?$/);
  });

  // validateProps checks approvalTimeout, humanDecisionTimeout and allowedLateness, not carrierConfirmationTimeout;
  // 30 days is beyond the state machine's own timeout (MAX_SCHEDULE_DAYS + 2 = 16 days).
  test('GoLiveRunbook: throws at synth when carrierConfirmationTimeout is 30 days', () => {
    expect(() => runbook({ cutoverMode: 'manualConfirmation', carrierConfirmationTimeout: Duration.days(30) })).toThrow(
      /^carrierConfirmationTimeout must be between .*got: 30 days/,
    );
  });

  // Only `queues.length === 0` is checked: DeployCheck would look for a queue named "" at run time.
  test('GoLiveRunbook: throws at synth when a queue is an empty name', () => {
    expect(() => runbook({ queues: ['Support', ''] })).toThrow(/^queues\[1\] .*got: ""/);
  });

  // connect-instance.ts validateProps compares with EXISTING_DIRECTORY only; any other string reaches CloudFormation.
  test('ConnectInstance: throws at synth when identityManagementType is not one of the enum', () => {
    expect(() => connectInstance({ instanceAlias: 'acme', identityManagementType: 'LDAP' })).toThrow(/^identityManagementType .*got: LDAP/);
  });

  // Only `directoryId === undefined` is checked.
  test('ConnectInstance: throws at synth when directoryId is empty for EXISTING_DIRECTORY', () => {
    expect(() => connectInstance({ identityManagementType: IdentityManagementType.EXISTING_DIRECTORY, directoryId: '' })).toThrow(
      /^directoryId .*got: $/,
    );
  });

  // contact-center-stack.ts passes queueName to CfnQueue unchecked (Connect: 1–127 characters).
  test('ContactCenterStack: throws at synth when queueName is empty', () => {
    expect(() => contactCenterStack({ queueName: '' })).toThrow(/^queueName .*got: $/);
  });
});
