/**
 * AWS Lambda (restJson1): `Invoke` of the user's carrier hook, answered as the simulated carrier. The runbook calls
 * the hook in cutoverMode `carrierHook` with `{ action: 'cutover' | 'rollback', changeId, phoneNumbers }`
 * (lambda/shared/carrier.ts); the scenario's `carrier.calls` says, per call in order, what the carrier does:
 *
 * - `succeed`: the carrier repoints the numbers (cutover: their callers now reach Connect; rollback: the legacy
 *   platform again). HTTP 200, the hook's JSON answer as the payload.
 * - `fail`: the hook raises an error and the numbers stay where they were. HTTP 200 with `X-Amz-Function-Error:
 *   Unhandled` and `{ errorType, errorMessage }` as the payload: Lambda reports a function's error in the payload,
 *   not as an HTTP error (API reference, Invoke: "FunctionError … Unhandled").
 * - `timeout`: the hook runs past its own timeout (`carrier.hookTimeoutSeconds` on the simulated clock). HTTP 200,
 *   `X-Amz-Function-Error: Unhandled`, payload `errorType` `Sandbox.Timedout` (Lambda's name for a function timeout,
 *   https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html). Whether the carrier acted before
 *   the hook timed out is unknowable to the runbook; the rehearsal takes the stricter assumption that it did (the
 *   callers reach Connect, and a rollback must move them back).
 *
 * Any other function answers ResourceNotFoundException (HTTP 404), as Lambda does for an unknown function.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { randomUUID } from 'node:crypto';
import type { SimulatedClock } from './clock';
import { ApiError, type ErrorKind } from './errors';
import { type ParsedCall, type ProtocolModule, type SimRequest, type WireResponse, jsonResponse } from './protocol';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export type CarrierBehaviour = 'succeed' | 'fail' | 'timeout';

/** One call of the carrier hook as the simulated carrier saw it (the rehearsal result's `carrier.calls`). */
export interface CarrierCall {
  readonly at: string;
  readonly action: string;
  readonly phoneNumbers: readonly string[];
  readonly behaviour: CarrierBehaviour;
  /** Whether the carrier repointed the numbers. */
  readonly moved: boolean;
}

export interface CarrierOptions {
  /** The hook's function ARN (the one function this Lambda knows). */
  readonly functionArn: string;
  /** Per call, in order; calls past the list succeed. */
  readonly calls: readonly CarrierBehaviour[];
  /** The hook's own timeout: how long a `timeout` call runs. */
  readonly hookTimeoutSeconds: number;
  /** The plan's numbers: where the carrier routes each (all `legacy` before the cutover). */
  readonly numbers: readonly string[];
}

/** Lambda's errors for Invoke; the rest map to the generic service error. */
const ERRORS: Partial<Record<ErrorKind, { status: number; type: string }>> = {
  NotFound: { status: 404, type: 'ResourceNotFoundException' },
  InvalidParameter: { status: 400, type: 'InvalidParameterValueException' },
  InvalidRequest: { status: 400, type: 'InvalidRequestContentException' },
  Throttling: { status: 429, type: 'TooManyRequestsException' },
  Internal: { status: 500, type: 'ServiceException' },
};

/** What a call returns to the server: the payload and the function-error header, if any. */
interface InvokeOutput {
  readonly payload: unknown;
  readonly functionError?: 'Unhandled';
}

export class LambdaProtocol implements ProtocolModule {
  readonly service = 'lambda' as const;
  /** E.164 → where the carrier sends its callers now. */
  readonly routing = new Map<string, 'legacy' | 'connect'>();
  readonly calls: CarrierCall[] = [];

  constructor(
    private readonly clock: SimulatedClock,
    private readonly carrier: CarrierOptions | undefined,
  ) {
    for (const n of carrier?.numbers ?? []) this.routing.set(n, 'legacy');
  }

  static accepts(req: SimRequest): boolean {
    return INVOKE_PATH.test(req.path);
  }

  parse(req: SimRequest): ParsedCall {
    const m = INVOKE_PATH.exec(req.path);
    if (!m || req.method !== 'POST') throw new ApiError('UnknownOperation', `No AWS Lambda operation for ${req.method} ${req.path}`);
    return {
      operation: 'Invoke',
      input: {
        FunctionName: decodeURIComponent(m[1]),
        InvocationType: req.headers['x-amz-invocation-type'] ?? 'RequestResponse',
        ...(req.query.get('Qualifier') ? { Qualifier: req.query.get('Qualifier') } : {}),
        Payload: req.body,
      },
    };
  }

  handle(call: ParsedCall): InvokeOutput {
    const name = String(call.input.FunctionName);
    const carrier = this.carrier;
    // Lambda accepts the function's name, its ARN or a partial ARN; the rehearsal's hook is named by its ARN.
    if (!carrier || (name !== carrier.functionArn && name !== carrier.functionArn.split(':').pop())) {
      throw new ApiError('NotFound', `Function not found: ${name}`);
    }
    if (call.input.InvocationType !== 'RequestResponse') {
      throw new ApiError('InvalidParameter', 'The simulated carrier hook answers RequestResponse invocations only');
    }
    let request: { action?: unknown; phoneNumbers?: unknown };
    try {
      request = JSON.parse(String(call.input.Payload || '{}')) as typeof request;
    } catch {
      throw new ApiError('InvalidRequest', 'Could not parse request body into json');
    }
    const action = String(request.action);
    const numbers = Array.isArray(request.phoneNumbers) ? request.phoneNumbers.map(String) : [];
    const behaviour = carrier.calls[this.calls.length] ?? 'succeed';
    const moved = behaviour !== 'fail';
    if (behaviour === 'timeout') this.clock.advance(carrier.hookTimeoutSeconds);
    if (moved) {
      for (const n of numbers) this.routing.set(n, action === 'cutover' ? 'connect' : 'legacy');
      // Callers reach Connect from the moment the carrier moved them: the scenario's timeline starts then.
      if (action === 'cutover' && this.clock.cutoverAt === null) this.clock.markCutover();
    }
    this.calls.push({ at: this.clock.now().toISOString(), action, phoneNumbers: numbers, behaviour, moved });
    switch (behaviour) {
      case 'succeed':
        return { payload: { ok: true, action, moved: numbers } };
      case 'fail':
        return {
          payload: { errorType: 'CarrierRejected', errorMessage: `the carrier rejected the ${action} of ${numbers.length} number(s)` },
          functionError: 'Unhandled',
        };
      case 'timeout':
        return {
          payload: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${randomUUID()} Error: Task timed out after ${carrier.hookTimeoutSeconds.toFixed(2)} seconds`,
          },
          functionError: 'Unhandled',
        };
    }
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    const { payload, functionError } = output as InvokeOutput;
    return {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amz-executed-version': '$LATEST',
        ...(functionError ? { 'x-amz-function-error': functionError } : {}),
      },
      body: JSON.stringify(payload),
    };
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind] ?? { status: 400, type: 'InvalidRequestContentException' };
    return jsonResponse(
      e.status,
      'application/json',
      requestId,
      { Type: 'User', Message: err.message },
      { headers: { 'x-amzn-errortype': e.type }, errorCode: e.type },
    );
  }
}
