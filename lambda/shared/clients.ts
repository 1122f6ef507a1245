/**
 * The one SDK client factory. Clients are created once per Lambda container. Endpoints come from the SDK's own
 * configuration (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>), which is how the rehearsal points the
 * unmodified handlers at its simulated endpoint.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';

const requestTimeout = Number(process.env.CONNECT_GOLIVE_REQUEST_TIMEOUT_MS ?? 10_000);
// Standard retry mode: throttling and 5xx are retried with backoff by the SDK before a handler sees them.
const common = { maxAttempts: 3, requestHandler: { requestTimeout } };

export const connect = new ConnectClient(common);
export const cloudwatch = new CloudWatchClient(common);
export const sns = new SNSClient(common);
export const dynamodb = new DynamoDBClient(common);
export const lambda = new LambdaClient(common);
