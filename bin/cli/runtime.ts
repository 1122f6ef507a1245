/**
 * What the `connect-golive` process sets up before any command runs: quiet on old Node versions, quiet on a
 * closed pipe, and the `--debug` switch. Kept apart from bin/connect-golive.ts so each piece is testable.
 */

/** The Node major version the AWS SDK for JavaScript v3 will require for releases after the first week of January 2027. */
export const SDK_NODE_MAJOR = 22;

/**
 * The AWS SDK prints a nine-line NodeVersionSupportWarning on Node < 22 the first time a client is made, which
 * drowns the CLI's one-line errors. The SDK honours AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
 * (@aws-sdk/core emitWarningIfUnsupportedVersion), so it is set here unless the user chose a value, and one line
 * of our own is returned instead (undefined on Node ≥ 22). Checked in the installed SDK:
 * node_modules/@aws-sdk/core/dist-cjs/submodules/client/index.js (emitWarningIfUnsupportedVersion, @aws-sdk/core 3.x).
 */
export function quietSdkNodeWarning(env: NodeJS.ProcessEnv, nodeVersion: string): string | undefined {
  const major = Number(/^v?(\d+)/.exec(nodeVersion)?.[1] ?? NaN);
  if (!(major < SDK_NODE_MAJOR)) return undefined;
  if (env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED !== undefined) return undefined;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return `connect-golive: note: Node ${nodeVersion} works, but AWS SDK releases after January 2027 need Node ${SDK_NODE_MAJOR} or later`;
}

/**
 * `connect-golive … --json | head -c 5`: the reader goes away and the next write fails with EPIPE. That is the
 * reader's choice, not an error: stop quietly with the usual exit code for it (0), instead of an unhandled stack.
 */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream | NodeJS.EventEmitter, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      exit(0);
      return;
    }
    throw error;
  });
}

/** `--debug` anywhere before `--` (or CONNECT_GOLIVE_DEBUG=1) prints the stack of an unexpected error. */
export function wantsDebug(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--debug') || env.CONNECT_GOLIVE_DEBUG === '1';
}
