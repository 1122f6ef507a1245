import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from './clients';

/** The key `connect-golive abort` writes for an execution (bin/cli). */
export function abortKey(executionArn: string): string {
  return `ABORT#${executionArn}`;
}

/** Whether an operator asked to abort this execution. */
export async function abortRequested(tableName: string, executionArn: string): Promise<boolean> {
  const out = await dynamodb.send(new GetItemCommand({
    TableName: tableName,
    Key: { pk: { S: abortKey(executionArn) } },
    ConsistentRead: true,
  }));
  return out.Item !== undefined;
}
