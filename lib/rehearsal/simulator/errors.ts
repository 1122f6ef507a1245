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
    /**
     * The service's own error code when it is not the kind's generic one: the kind still gives the HTTP status
     * (and the answer of a protocol that has no such code), the code is what the SDK matches on.
     */
    public readonly code?: string,
    /** The HTTP status when the service's own error has one the kind does not (Connect's 402 ServiceQuotaExceeded). */
    public readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * DescribeContactFlow on a flow that has never been published: Amazon Connect answers HTTP 404
 * `ContactFlowNotPublishedException` (body `{ Message }`) rather than a `SAVED` status. A flow published once and
 * saved again afterwards still describes as its PUBLISHED version (`$SAVED` must be asked for explicitly).
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeContactFlow.html
 * @see https://docs.aws.amazon.com/botocore/latest/reference/services/connect/client/exceptions/ContactFlowNotPublishedException.html
 */
export class ContactFlowNotPublishedError extends ApiError {
  constructor(flowId: string) {
    super('NotFound', `The flow ${flowId} has not been published.`, {}, 'ContactFlowNotPublishedException');
    this.name = 'ContactFlowNotPublishedError';
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
