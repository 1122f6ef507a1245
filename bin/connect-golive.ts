#!/usr/bin/env node
/** The operator CLI. Commands live in ./cli; `connect-golive --help` lists them. */
import { defaultDeps } from './cli/deps';
import { runCli } from './cli/program';

void runCli(process.argv.slice(2), defaultDeps()).then((code) => {
  process.exitCode = code;
});
