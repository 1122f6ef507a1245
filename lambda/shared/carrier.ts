import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CutoverError, RollbackError } from '../core/errors';
import { lambda } from './clients';

/** Calls the user's carrier hook; a function error or a `{ ok: false }` answer is a failure. */
export async function callCarrierHook(
  functionArn: string,
  payload: { action: 'cutover' | 'rollback'; changeId: string; phoneNumbers: string[] },
): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(payload)) }));
  const body = out.Payload ? JSON.parse(Buffer.from(out.Payload).toString('utf8') || 'null') : null;
  if (out.FunctionError || (body && typeof body === 'object' && (body as { ok?: unknown }).ok === false)) {
    const message = `carrier hook ${payload.action} failed: ${JSON.stringify(body)}`;
    throw payload.action === 'rollback' ? new RollbackError(message) : new CutoverError(message);
  }
  return body;
}
