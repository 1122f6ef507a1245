#!/usr/bin/env node
/**
 * The default CDK app. Every setting comes from cdk.json context (override with `-c key=value`), so
 * `npx cdk synth` needs no arguments, no AWS account and no network: the stack is environment-agnostic.
 */
import { App } from 'aws-cdk-lib';
import { ContactCenterStack } from '../lib/contact-center-stack';
import { PhoneNumberType } from '../lib/uat-phone-number';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(`connect-golive:${key}`);
/** List-valued context: a JSON string from `-c key='[...]'`, or an array from cdk.json. */
function listContext<T>(key: string): T[] | undefined {
  const raw: unknown = app.node.tryGetContext(`connect-golive:${key}`);
  if (raw === undefined) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`context connect-golive:${key} must be a JSON array, got: ${raw}`);
    }
  }
  if (!Array.isArray(value)) throw new Error(`context connect-golive:${key} must be a JSON array, got: ${JSON.stringify(value)}`);
  return value as T[];
}

new ContactCenterStack(app, context('stackName') ?? 'ConnectGoLive', {
  description: 'connect-golive: Amazon Connect contact center and its go-live runbook',
  instanceAlias: context('instanceAlias'),
  countryCode: context('countryCode'),
  phoneNumberType: context('phoneNumberType') as PhoneNumberType | undefined,
  legacyNumber: context('legacyNumber'),
  queueName: context('queueName'),
  plan: listContext<{ phoneNumber: string; targetFlow: string }>('plan'),
  watchQueues: listContext<string>('watchQueues'),
});
