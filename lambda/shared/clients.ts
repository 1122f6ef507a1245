/**
 * The one SDK client factory. Clients are created once per Lambda container and honour the SDK's own endpoint
 * configuration (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { CONNECT_RATES, Pacer } from './pacing';

interface ClientOptions {
  maxAttempts: number;
  retryStrategy?: ConfiguredRetryStrategy;
  requestHandler: { requestTimeout: number; throwOnRequestTimeout: boolean };
  endpoint?: string;
  region?: string;
  credentials?: CredentialProvider;
}

export interface CallerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

type CredentialProvider = (() => Promise<CallerCredentials>) & { memoized?: boolean };

/** The credentials of the handler invocation in progress (rehearsal only; see runWithCredentials). */
const invocationCredentials = new AsyncLocalStorage<CallerCredentials>();

/**
 * For the rehearsal only: runs one handler invocation with its own role's credentials. In AWS each function has
 * its execution role's credentials in its environment; in a rehearsal every handler runs in one process and shares
 * these module-level clients, so the credentials travel with the invocation's async context instead, and every
 * request it sends is SigV4-signed with them: the simulator reads the caller from the signature, as AWS does.
 */
export function runWithCredentials<T>(credentials: CallerCredentials, fn: () => Promise<T>): Promise<T> {
  return invocationCredentials.run(credentials, fn);
}

/**
 * A provider asked on every request for the invocation's credentials. Marked `memoized` so the SDK uses it as is:
 * the SDK otherwise wraps a provider in a cache that keeps a credential without expiration for ever, and shares
 * one pending resolution between concurrent requests (two handlers with different roles would swap identities).
 */
function perInvocationCredentials(fallback: CallerCredentials): CredentialProvider {
  const provider: CredentialProvider = async () => invocationCredentials.getStore() ?? fallback;
  provider.memoized = true;
  return provider;
}

const defaults = (): ClientOptions => ({
  // Standard retry mode: throttling and 5xx are retried with backoff by the SDK before a handler sees them.
  maxAttempts: 3,
  // Without throwOnRequestTimeout the SDK only warns when an answer is late, and the handler hangs until the
  // task timeout instead of failing fast with a TimeoutError it can be retried on.
  requestHandler: { requestTimeout: Number(process.env.CONNECT_GOLIVE_REQUEST_TIMEOUT_MS ?? 10_000), throwOnRequestTimeout: true },
});

export let connect = paced(new ConnectClient(defaults()));

/** Every Connect call waits for its API's token first (lambda/shared/pacing.ts). */
function paced(client: ConnectClient): ConnectClient {
  const pacer = new Pacer(CONNECT_RATES);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      await pacer.acquire(context.commandName?.replace(/Command$/, '') ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'connectGoLivePacing' },
  );
  return client;
}
export let cloudwatch = new CloudWatchClient(defaults());
export let sns = new SNSClient(defaults());
export let dynamodb = new DynamoDBClient(defaults());
export let lambda = new LambdaClient(defaults());
export let sfn = new SFNClient(defaults());
export let serviceQuotas = new ServiceQuotasClient(defaults());

/**
 * For the rehearsal only: re-creates every client against a local endpoint with fake credentials. The SDK fixes
 * a client's endpoint on its first request, so one process that rehearses several scenarios (each with its own
 * simulator) needs fresh clients per scenario.
 */
export function useEndpoint(
  endpoint: string,
  options: { requestTimeoutMs?: number; maxAttempts?: number; onBackoff?: (ms: number) => void } = {},
): void {
  const maxAttempts = options.maxAttempts ?? defaults().maxAttempts;
  const config: ClientOptions = {
    ...defaults(),
    // The SDK's retry backoff would sleep in real time; a rehearsal spends it on its simulated clock instead
    // (onBackoff) and waits 0 real ms, so retries take simulated time, as they would in AWS, and no real time.
    ...(options.onBackoff
      ? {
          retryStrategy: new ConfiguredRetryStrategy(maxAttempts, (attempt: number) => {
            options.onBackoff!(standardBackoffMs(attempt));
            return 0;
          }),
        }
      : {}),
    endpoint,
    region: 'us-east-1',
    // Outside runWithCredentials (a test calling a handler directly) requests are signed with a key no role has.
    credentials: perInvocationCredentials({ accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' }),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.requestTimeoutMs ? { requestHandler: { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } } : {}),
  };
  connect = paced(new ConnectClient(config));
  cloudwatch = new CloudWatchClient(config);
  sns = new SNSClient(config);
  dynamodb = new DynamoDBClient(config);
  lambda = new LambdaClient(config);
  sfn = new SFNClient(config);
  serviceQuotas = new ServiceQuotasClient(config);
}

/** The SDK's standard backoff without jitter: 100 ms doubling per attempt, at most 20 s. */
export function standardBackoffMs(attempt: number): number {
  return Math.min(20_000, 100 * 2 ** Math.max(0, attempt - 1));
}
