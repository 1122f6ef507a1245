import { App, Duration } from 'aws-cdk-lib';
import { ContactCenterStack, ContactCenterStackProps } from './contact-center-stack';
import { PhoneNumberType } from './uat-phone-number';

/** The stack name of the default app. */
export const DEFAULT_STACK_NAME = 'ConnectGoLive';

/**
 * Builds the default app's stack from `connect-golive:*` context (cdk.json, or `-c key=value`). Shared by
 * bin/app.ts and the rehearsal, which synthesizes the same app with a scenario's plan.
 */
export function createDefaultStack(app: App): ContactCenterStack {
  const context = (key: string): string | undefined => app.node.tryGetContext(`connect-golive:${key}`);
  return new ContactCenterStack(app, context('stackName') ?? DEFAULT_STACK_NAME, {
    description: 'connect-golive: Amazon Connect contact center and its go-live runbook',
    instanceAlias: context('instanceAlias'),
    countryCode: context('countryCode'),
    phoneNumberType: context('phoneNumberType') as PhoneNumberType | undefined,
    legacyNumber: context('legacyNumber'),
    queueName: context('queueName'),
    plan: listContext(app, 'plan') as ContactCenterStackProps['plan'],
    watchQueues: listContext(app, 'watchQueues') as string[] | undefined,
    carrierHookArn: context('carrierHookArn'),
    runbook: runbookContext(app),
  });
}

/** List-valued context: an array from cdk.json, or a JSON string from `-c key='[...]'`. */
function listContext(app: App, key: string): unknown[] | undefined {
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
  return value;
}

/**
 * Runbook options that JSON can carry (the rehearsal's scenario `runbook` key): a JSON object, or its text.
 * Durations travel as numbers with their unit in the name (`hypercareMinutes` → `hypercare`).
 */
const RUNBOOK_CONTEXT_KEYS = [
  'cutoverMode',
  'canarySteps',
  'minAgentsAvailable',
  'concurrentCallsQuota',
  'expectedCallerIdNumbers',
  'requireRecording',
  'hypercareMinutes',
  'hypercarePollIntervalSeconds',
  'decommissionAttestations',
] as const;

function runbookContext(app: App): ContactCenterStackProps['runbook'] {
  const raw: unknown = app.node.tryGetContext('connect-golive:runbook');
  if (raw === undefined) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`context connect-golive:runbook must be a JSON object, got: ${raw}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`context connect-golive:runbook must be a JSON object, got: ${JSON.stringify(value)}`);
  }
  const unknown = Object.keys(value).filter((k) => !(RUNBOOK_CONTEXT_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new Error(`context connect-golive:runbook has unknown keys: ${unknown.join(', ')} (known: ${RUNBOOK_CONTEXT_KEYS.join(', ')})`);
  }
  // The construct validates each value (GoLiveRunbook validateProps).
  const { hypercareMinutes, hypercarePollIntervalSeconds, ...rest } = value as Record<string, unknown>;
  return {
    ...rest,
    ...(hypercareMinutes !== undefined ? { hypercare: Duration.minutes(numberContext('hypercareMinutes', hypercareMinutes)) } : {}),
    ...(hypercarePollIntervalSeconds !== undefined
      ? { hypercarePollInterval: Duration.seconds(numberContext('hypercarePollIntervalSeconds', hypercarePollIntervalSeconds)) }
      : {}),
  } as ContactCenterStackProps['runbook'];
}

function numberContext(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`context connect-golive:runbook.${key} must be a number ≥ 0, got: ${JSON.stringify(value)}`);
  }
  return value;
}
