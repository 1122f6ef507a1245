/**
 * Deterministic identifiers of the simulated contact center: the same scenario always yields the same ids and
 * ARNs, so a rehearsal's output can be compared between runs and a test can compute an id without the server.
 */
import { createHash } from 'node:crypto';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const INSTANCE_ID = '0c1d2e3f-4a5b-4c6d-8e7f-901234567890';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT_ID}:instance/${INSTANCE_ID}`;

/** A UUID-shaped id (version nibble 5, RFC 4122 variant) derived from a kind and a name. */
export function stableId(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}\u0000${name}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function flowIdFor(flowName: string): string {
  return stableId('contact-flow', flowName);
}

export function flowArn(flowName: string): string {
  return `${INSTANCE_ARN}/contact-flow/${flowIdFor(flowName)}`;
}

export function queueIdFor(queueName: string): string {
  return stableId('queue', queueName);
}

export function queueArn(queueName: string): string {
  return `${INSTANCE_ARN}/queue/${queueIdFor(queueName)}`;
}

export function phoneNumberIdFor(e164: string): string {
  return stableId('phone-number', e164);
}

/** Claimed numbers are account resources, not instance sub-resources: their ARN has no instance in it. */
export function phoneNumberArn(e164: string): string {
  return `arn:aws:connect:${REGION}:${ACCOUNT_ID}:phone-number/${phoneNumberIdFor(e164)}`;
}

export const HOURS_OF_OPERATION_ID = stableId('hours-of-operation', 'Basic Hours');

/** A synthesized test case (AWS::Connect::TestCase) by its logical id: `Ref` is its ARN under the instance. */
export function testCaseIdFor(logicalId: string): string {
  return stableId('test-case', logicalId);
}

export function testCaseArn(logicalId: string): string {
  return `${INSTANCE_ARN}/test-case/${testCaseIdFor(logicalId)}`;
}
