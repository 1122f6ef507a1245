#!/usr/bin/env node
/**
 * The default CDK app. Every setting comes from cdk.json context (override with `-c key=value`), so
 * `npx cdk synth` needs no arguments, no AWS account and no network: the stack is environment-agnostic.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { createDefaultStack } from '../lib/default-app';

// In a clone (run from source), rebuild the prebuilt handler assets first when lambda/ changed since they were
// built, so `cdk synth` / `cdk deploy` never ship stale code. The package ships them built and has no scripts/.
const buildHandlers = path.join(__dirname, '..', 'scripts', 'build-handlers.ts');
if (fs.existsSync(buildHandlers)) (require(buildHandlers) as { ensureHandlers(): boolean }).ensureHandlers();

createDefaultStack(new App());
