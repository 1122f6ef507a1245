/**
 * What the server hands a protocol module and what it gets back. One module per wire protocol: Connect
 * (restJson1), CloudWatch and DynamoDB (awsJson1_0), SNS (awsQuery).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors';

export type ServiceName = 'connect' | 'cloudwatch' | 'sns' | 'dynamodb' | 'stepfunctions' | 'servicequotas' | 'lambda';

export interface SimRequest {
  readonly method: string;
  /** Path without the query string, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** For an error: the code the service sent (what the call log records). */
  readonly errorCode?: string;
}

export interface ParsedCall {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface ProtocolModule {
  readonly service: ServiceName;
  /** Finds the operation and its input; throws an ApiError for an unknown operation or an unreadable body. */
  parse(req: SimRequest): ParsedCall;
  /** Runs the operation against the simulated state; throws an ApiError the way the service fails. */
  handle(call: ParsedCall): unknown;
  ok(call: ParsedCall, output: unknown, requestId: string): WireResponse;
  /**
   * The output of a metric operation with its data taken out (an `EmptyResult` fault): the answer a service gives
   * when it has nothing for the request. Absent on modules without metric operations.
   */
  empty?(call: ParsedCall, output: unknown): unknown;
  error(err: ApiError, requestId: string): WireResponse;
}

/** Readers for loosely typed JSON input; the service validates, so these never throw. */
export function str(input: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

export function list(input: Readonly<Record<string, unknown>>, key: string): unknown[] | undefined {
  const v = input[key];
  return Array.isArray(v) ? v : undefined;
}

export function obj(input: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> | undefined {
  const v = input[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function num(input: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = input[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Epoch seconds, the JSON protocols' default timestamp format. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** Drops floating-point noise from an integrated value (309.99999999999994 → 310). */
export function tidy(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export const AWS_JSON_1_0 = 'application/x-amz-json-1.0';

/** A JSON answer with the request id every AWS response carries. */
export function jsonResponse(
  status: number,
  contentType: string,
  requestId: string,
  body: unknown,
  extra: { headers?: Readonly<Record<string, string>>; errorCode?: string } = {},
): WireResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, ...extra.headers },
    body: JSON.stringify(body ?? {}),
    ...(extra.errorCode ? { errorCode: extra.errorCode } : {}),
  };
}

/**
 * Parses an awsJson call (CloudWatch, Step Functions, Service Quotas): the operation from `X-Amz-Target` after
 * `targetPrefix`, the input from the JSON body. A bad body or an operation not in `operations` is answered as AWS
 * answers it.
 */
export function parseJsonTarget(req: SimRequest, targetPrefix: string, operations: readonly string[]): ParsedCall {
  const operation = String(req.headers['x-amz-target']).slice(targetPrefix.length);
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(req.body || '{}') as Record<string, unknown>;
  } catch {
    throw new ApiError('InvalidParameter', 'The request body is not valid JSON');
  }
  if (!operations.includes(operation)) throw new ApiError('UnknownOperation', `Operation ${operation} is not simulated`);
  return { operation, input };
}
