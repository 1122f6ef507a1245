/**
 * Service Quotas adapter: the instance's "Concurrent active calls per instance" quota, for DeployCheck's capacity check.
 */
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { CONCURRENT_CALLS_QUOTA } from '../core/capacity';
import { serviceQuotas } from './clients';

/**
 * The applied value of the concurrent active calls quota for this instance. It is a per-instance (resource-level)
 * quota, so it is asked with the instance ARN as `ContextId`; an instance that has no value of its own (Service Quotas
 * answers NoSuchResourceException) has the account's value, asked without a context.
 * @see https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
export async function readConcurrentCallsQuota(instanceArn: string): Promise<number | null> {
  const ask = (ContextId?: string) =>
    serviceQuotas.send(
      new GetServiceQuotaCommand({
        ServiceCode: CONCURRENT_CALLS_QUOTA.serviceCode,
        QuotaCode: CONCURRENT_CALLS_QUOTA.quotaCode,
        ...(ContextId ? { ContextId } : {}),
      }),
    );
  try {
    return (await ask(instanceArn)).Quota?.Value ?? null;
  } catch (error) {
    if ((error as Error).name !== 'NoSuchResourceException') throw error;
    return (await ask()).Quota?.Value ?? null;
  }
}
