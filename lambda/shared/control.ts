import {
  AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { abortKey, LOCK_KEY, snapshotKey } from '../core/control';
import { ResolvedNumber } from '../core/types';
import { SnapshotMissingError } from '../core/errors';
import { dynamodb } from './clients';

/** Whether an operator asked to abort this execution. */
export async function abortRequested(tableName: string, executionArn: string): Promise<boolean> {
  const out = await dynamodb.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: abortKey(executionArn) } },
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined;
}

/** Who holds the lock, when someone else does. */
export interface LockHolder {
  readonly executionArn: string;
  readonly changeId: string;
  readonly acquiredAt: string;
}

/** The LOCK item as this execution holds it (docs/internals.md "Control table"). */
function lockItem(owner: { executionArn: string; changeId: string }, now: Date, expiresAt: Date): Record<string, AttributeValue> {
  return {
    pk: { S: LOCK_KEY },
    executionArn: { S: owner.executionArn },
    changeId: { S: owner.changeId },
    acquiredAt: { S: now.toISOString() },
    expiresAt: { N: String(Math.floor(expiresAt.getTime() / 1000)) },
  };
}

/**
 * Takes the runbook's lock with a conditional write: free, expired, or already ours (a retried task). Two
 * simultaneous starts cannot both pass, unlike a check of the running executions. Returns the holder when the
 * lock is taken by another execution.
 */
export async function acquireLock(
  tableName: string,
  owner: { executionArn: string; changeId: string },
  now: Date,
  expiresAt: Date,
): Promise<LockHolder | undefined> {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: lockItem(owner, now, expiresAt),
        ConditionExpression: 'attribute_not_exists(pk) OR executionArn = :me OR expiresAt < :now',
        ExpressionAttributeValues: { ':me': { S: owner.executionArn }, ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const item = (error as ConditionalCheckFailedException).Item;
    return {
      executionArn: item?.executionArn?.S ?? 'unknown',
      changeId: item?.changeId?.S ?? 'unknown',
      acquiredAt: item?.acquiredAt?.S ?? 'unknown',
    };
  }
}

/**
 * Takes the lock over from `holder`, an execution that is no longer running (it died in a way no Catch sees, e.g.
 * States.DataLimitExceeded, or was stopped). Conditional on the holder still holding it, so two executions that
 * both find the holder dead cannot both take it. True when this execution now holds the lock.
 */
export async function takeOverLock(
  tableName: string,
  owner: { executionArn: string; changeId: string },
  holder: string,
  now: Date,
  expiresAt: Date,
): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...lockItem(owner, now, expiresAt), takenOverFrom: { S: holder } },
        ConditionExpression: 'executionArn = :holder',
        ExpressionAttributeValues: { ':holder': { S: holder } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Releases the lock if this execution holds it; true when it did. */
export async function releaseLock(tableName: string, executionArn: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: { S: LOCK_KEY } },
        ConditionExpression: 'executionArn = :me',
        ExpressionAttributeValues: { ':me': { S: executionArn } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Stores one batch of resolved numbers (with their rollback snapshot). Written before the approval gate, read after
 * the cutover: the one place the snapshot is kept (a DynamoDB item holds up to 400 KB; 100 numbers take ~25 KB).
 */
export async function putSnapshotBatch(
  tableName: string,
  executionArn: string,
  batch: number,
  numbers: readonly ResolvedNumber[],
  expiresAt: Date,
): Promise<void> {
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: snapshotKey(executionArn, batch) },
        numbers: { S: JSON.stringify(numbers) },
        expiresAt: { N: String(Math.floor(expiresAt.getTime() / 1000)) },
      },
    }),
  );
}

/** One batch of resolved numbers; a missing batch is an error (the snapshot must never be guessed). */
export async function getSnapshotBatch(tableName: string, executionArn: string, batch: number): Promise<ResolvedNumber[]> {
  const out = await dynamodb.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: snapshotKey(executionArn, batch) } },
      ConsistentRead: true,
    }),
  );
  const json = out.Item?.numbers?.S;
  if (json === undefined) throw new SnapshotMissingError(`snapshot batch ${batch} of ${executionArn} is missing from ${tableName}`);
  return JSON.parse(json) as ResolvedNumber[];
}

/** Every batch of resolved numbers, in plan order. */
export async function getSnapshot(tableName: string, executionArn: string, batches: number): Promise<ResolvedNumber[]> {
  const all: ResolvedNumber[] = [];
  for (let batch = 0; batch < batches; batch++) all.push(...(await getSnapshotBatch(tableName, executionArn, batch)));
  return all;
}
