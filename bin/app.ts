#!/usr/bin/env node
/**
 * The default CDK app. Every setting comes from cdk.json context (override with `-c key=value`), so
 * `npx cdk synth` needs no arguments, no AWS account and no network: the stack is environment-agnostic.
 */
import { App } from 'aws-cdk-lib';
import { createDefaultStack } from '../lib/default-app';

createDefaultStack(new App());
