/**
 * Service errors, independent of wire format. Each protocol module renders an {@link ApiError} the way its real
 * service does (a header and a JSON body for Connect, `__type` for the JSON RPC services, an XML document for
 * SNS), so the SDK parses it into its modelled exception class.
 */
import type { FaultError } from '../scenario';

export type ErrorKind =
  | 'Throttling'
  | 'Internal'
  | 'NotFound'
  | 'InvalidParameter'
  | 'InvalidRequest'
  | 'MissingParameter'
  | 'ConditionalCheckFailed'
  | 'UnknownOperation';

export class ApiError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    message: string,
    /** Extra members of the error body (e.g. DynamoDB's `Item` on a failed condition). */
    public readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a protocol puts on the wire for an error. */
export interface WireError {
  readonly status: number;
  /** The error code the SDK matches on (its exception class name for modelled errors). */
  readonly code: string;
}

export type ErrorTable = Readonly<Record<ErrorKind, WireError>>;

/** The error an injected fault answers with (Timeout, Crash and EmptyResult are not errors on the wire). */
export function faultError(fault: Exclude<FaultError, 'Timeout' | 'Crash' | 'EmptyResult'>, operation: string): ApiError {
  switch (fault) {
    case 'ThrottlingException':
      return new ApiError('Throttling', `Rate exceeded (injected fault on ${operation})`);
    case 'InternalServiceException':
      return new ApiError('Internal', `Internal service error (injected fault on ${operation})`);
    case 'ResourceNotFoundException':
      return new ApiError('NotFound', `Resource not found (injected fault on ${operation})`);
  }
}

export function required(value: unknown, field: string, kind: ErrorKind = 'InvalidParameter'): void {
  if (value === undefined || value === null || value === '') {
    throw new ApiError(kind, `${field} is required`);
  }
}
