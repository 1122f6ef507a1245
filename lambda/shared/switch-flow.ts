/**
 * cutoverMode switchFlow adapters: an entry flow's content (DescribeContactFlow / UpdateContactFlowContent) and the
 * control-table record of each line's entry flow before cutover.
 */
import { DescribeContactFlowCommand, UpdateContactFlowContentCommand } from '@aws-sdk/client-connect';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { entryFlowsKey } from '../core/control';
import { SnapshotMissingError } from '../core/errors';
import { EntryFlowSnapshot } from '../core/switch-flow';
import { connect, dynamodb } from './clients';
import { sleep } from './clock';

/**
 * The published content of a flow. DescribeContactFlow answers the published content for a flow id (the `$SAVED`
 * alias would give unpublished edits), which is what callers run.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeContactFlow.html
 */
export async function describeFlowContent(instanceId: string, flowId: string): Promise<string> {
  const out = await connect.send(new DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: flowId }));
  const content = out.ContactFlow?.Content;
  if (content === undefined) throw new Error(`DescribeContactFlow returned no Content for flow ${flowId}`);
  return content;
}

/**
 * Replaces a flow's content (POST /contact-flows/{InstanceId}/{ContactFlowId}/content, 200 with an empty body).
 * Content is 1–256,000 characters; bad content is InvalidContactFlowException (with `problems`). The quota is
 * Connect's default for its APIs: 2 requests/s per account and Region, burst 5, shared with every other caller,
 * so a throttle is retried with backoff (1, 2, 4, 8, 8 s) as association calls are.
 * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_UpdateContactFlowContent.html
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
export async function updateFlowContent(instanceId: string, flowId: string, content: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await connect.send(new UpdateContactFlowContentCommand({ InstanceId: instanceId, ContactFlowId: flowId, Content: content }));
      return;
    } catch (error) {
      const name = (error as Error).name;
      if ((name === 'ThrottlingException' || name === 'TooManyRequestsException') && attempt < 6) {
        await sleep(Math.min(8000, 1000 * 2 ** (attempt - 1)));
        continue;
      }
      throw error;
    }
  }
}

/** A DynamoDB item holds at most 400 KB; keep room for the key and attributes. */
const MAX_ENTRY_SNAPSHOT_BYTES = 380_000;

/** Stores every line's entry flow with its content before cutover (one item: the rollback snapshot of switchFlow). */
export async function putEntryFlows(
  tableName: string,
  executionArn: string,
  lines: readonly EntryFlowSnapshot[],
  expiresAt: Date,
): Promise<void> {
  const json = JSON.stringify(lines);
  if (Buffer.byteLength(json, 'utf8') > MAX_ENTRY_SNAPSHOT_BYTES) {
    throw new Error(
      `the entry flows' contents take ${Buffer.byteLength(json, 'utf8')} bytes, more than one control-table item holds (${MAX_ENTRY_SNAPSHOT_BYTES})`,
    );
  }
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: entryFlowsKey(executionArn) },
        lines: { S: json },
        expiresAt: { N: String(Math.floor(expiresAt.getTime() / 1000)) },
      },
    }),
  );
}

/** The entry flows DeployCheck recorded; missing is an error (the snapshot must never be guessed). */
export async function getEntryFlows(tableName: string, executionArn: string): Promise<EntryFlowSnapshot[]> {
  const out = await dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: entryFlowsKey(executionArn) } }, ConsistentRead: true }),
  );
  const json = out.Item?.lines?.S;
  if (json === undefined) throw new SnapshotMissingError(`entry-flow snapshot of ${executionArn} is missing from ${tableName}`);
  return JSON.parse(json) as EntryFlowSnapshot[];
}
