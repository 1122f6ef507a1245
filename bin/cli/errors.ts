/**
 * The CLI's errors and exit codes. Anything a user can cause ends as one line on stderr
 * (`connect-golive: <message>`) and a non-zero exit code, never a stack trace.
 */

export const ExitCode = {
  OK: 0,
  /** AWS refused or failed, or the execution is not in a state the command can act on. */
  FAILURE: 1,
  /** Bad arguments: nothing was sent to AWS. */
  USAGE: 2,
  /** `--follow`: the execution ended without going live (ROLLED_BACK, ABORTED, ROLLBACK_FAILED, …). */
  NOT_LIVE: 3,
  /** approve / reject: no decision is pending. */
  NOTHING_PENDING: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: ExitCode = ExitCode.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A usage error: the arguments are wrong and no AWS call was made. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.USAGE);
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Turns an SDK (or any) error into the one line a user reads. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const name = err.name;
  const message = oneLine(err.message);
  const code = (err as { code?: unknown }).code;
  const fail = (text: string, exitCode: ExitCode = ExitCode.FAILURE): CliError => new CliError(text, exitCode, { cause: error });

  switch (name) {
    case 'ExecutionDoesNotExist':
      return fail(`execution not found (check the ARN and the region): ${message}`);
    case 'StateMachineDoesNotExist':
      return fail(`state machine not found (check the ARN and the region): ${message}`);
    case 'InvalidArn':
      return fail(`invalid ARN: ${message}`, ExitCode.USAGE);
    case 'ExecutionAlreadyExists':
      return fail(`an execution with this name already exists; retry in a second: ${message}`);
    case 'TaskDoesNotExist':
    case 'TaskTimedOut':
    case 'InvalidToken':
      return fail(`the decision is no longer pending (already answered, timed out, or the execution moved on): ${message}`);
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedOperation':
      return fail(`access denied: ${message}`);
    case 'CredentialsProviderError':
      return fail(`no AWS credentials found (set AWS_PROFILE, or run aws sso login): ${message}`);
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'InvalidClientTokenId':
      return fail(`AWS rejected the credentials: ${message}`);
    case 'ResourceNotFoundException':
      return fail(`not found: ${message}`);
    case 'ThrottlingException':
      return fail(`AWS throttled the request; retry shortly: ${message}`);
    case 'ScenarioError':
      // A bad scenario file is bad input, like a bad argument: its message already names the file and field.
      return fail(message, ExitCode.USAGE);
    default:
      break;
  }
  if (/Region is missing/i.test(message)) return fail('no AWS region: pass --region or set AWS_REGION');
  // Node appends the whole require stack to a missing module's message; the first line is the cause.
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return fail(`broken installation: ${err.message.split('\n')[0]}`);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return fail(`cannot reach AWS (${code}): ${message}`);
  return fail(name && name !== 'Error' ? `${name}: ${message}` : message);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
