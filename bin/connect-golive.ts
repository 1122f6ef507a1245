#!/usr/bin/env node
/** The operator CLI. Commands live in ./cli; `connect-golive --help` lists them. */
import { defaultDeps } from './cli/deps';
import { runCli } from './cli/program';
import { exitQuietlyOnEpipe, quietSdkNodeWarning, wantsDebug } from './cli/runtime';

// Before any SDK client exists: the SDK's multi-line Node warning would bury the one-line error.
const note = quietSdkNodeWarning(process.env, process.version);
if (note) process.stderr.write(`${note}\n`);
exitQuietlyOnEpipe(process.stdout, (code) => process.exit(code));

const argv = process.argv.slice(2);
void runCli(argv, { ...defaultDeps(), debug: wantsDebug(argv, process.env) }).then((code) => {
  process.exitCode = code;
});
