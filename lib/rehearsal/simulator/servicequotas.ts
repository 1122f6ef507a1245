/**
 * Service Quotas (awsJson1_1: POST /, `X-Amz-Target: ServiceQuotasV20190624.<Operation>`, content type
 * `application/x-amz-json-1.1`, errors as `__type`): GetServiceQuota for Amazon Connect's "Concurrent active calls per
 * instance" quota (service code `connect`, quota code `L-12AB7C57`), a per-instance quota asked with the instance ARN
 * as `ContextId`. Its value is the scenario's `contactCenter.concurrentCallsQuota`, else AWS's default of 10. Any other
 * quota, or a context that is not this instance, answers NoSuchResourceException (the stricter reading: the
 * simulator knows no other quota).
 * @see https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
import { CONCURRENT_CALLS_QUOTA } from '../../../lambda/core/capacity';
import { ApiError, type ErrorKind, required } from './errors';
import { ACCOUNT_ID, INSTANCE_ARN, REGION } from './ids';
import { type ParsedCall, type ProtocolModule, type SimRequest, type WireResponse, jsonResponse, parseJsonTarget, str } from './protocol';

const TARGET_PREFIX = 'ServiceQuotasV20190624.';
export const AWS_JSON_1_1 = 'application/x-amz-json-1.1';
/** Amazon Connect's default concurrent active calls per instance (admin guide, service quotas). */
export const DEFAULT_CONCURRENT_CALLS_QUOTA = 10;

/** Service Quotas' modelled errors for GetServiceQuota; the rest map to ServiceException. */
const ERRORS: Partial<Record<ErrorKind, { status: number; type: string }>> = {
  NotFound: { status: 400, type: 'NoSuchResourceException' },
  InvalidParameter: { status: 400, type: 'IllegalArgumentException' },
  MissingParameter: { status: 400, type: 'IllegalArgumentException' },
  Throttling: { status: 400, type: 'TooManyRequestsException' },
  Internal: { status: 500, type: 'ServiceException' },
};

export class ServiceQuotasProtocol implements ProtocolModule {
  readonly service = 'servicequotas' as const;

  constructor(private readonly ctx: { readonly concurrentCallsQuota?: number }) {}

  static accepts(req: SimRequest): boolean {
    return String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
  }

  parse(req: SimRequest): ParsedCall {
    return parseJsonTarget(req, TARGET_PREFIX, ['GetServiceQuota']);
  }

  handle(call: ParsedCall): unknown {
    const serviceCode = str(call.input, 'ServiceCode');
    const quotaCode = str(call.input, 'QuotaCode');
    const contextId = str(call.input, 'ContextId');
    required(serviceCode, 'ServiceCode');
    required(quotaCode, 'QuotaCode');
    if (serviceCode !== CONCURRENT_CALLS_QUOTA.serviceCode || quotaCode !== CONCURRENT_CALLS_QUOTA.quotaCode) {
      throw new ApiError('NotFound', `The request failed because the specified quota ${serviceCode}/${quotaCode} does not exist.`);
    }
    if (contextId !== undefined && contextId !== INSTANCE_ARN) {
      throw new ApiError('NotFound', `The request failed because the specified resource ${contextId} does not exist.`);
    }
    return {
      Quota: {
        ServiceCode: serviceCode,
        ServiceName: 'Amazon Connect',
        QuotaArn: `arn:aws:servicequotas:${REGION}:${ACCOUNT_ID}:${serviceCode}/${quotaCode}`,
        QuotaCode: quotaCode,
        QuotaName: 'Concurrent active calls per instance',
        Value: this.ctx.concurrentCallsQuota ?? DEFAULT_CONCURRENT_CALLS_QUOTA,
        Unit: 'None',
        Adjustable: true,
        GlobalQuota: false,
        QuotaAppliedAtLevel: 'RESOURCE',
        ...(contextId !== undefined
          ? { QuotaContext: { ContextScope: 'RESOURCE', ContextScopeType: 'AWS::Connect::Instance', ContextId: contextId } }
          : {}),
      },
    };
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    return jsonResponse(200, AWS_JSON_1_1, requestId, output);
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind] ?? { status: 400, type: 'ServiceException' };
    return jsonResponse(e.status, AWS_JSON_1_1, requestId, { __type: e.type, Message: err.message }, { errorCode: e.type });
  }
}
