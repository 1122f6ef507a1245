/** Step Functions adapter: whether an execution still runs (AcquireLock asks it of the lock's holder). */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from './clients';

/**
 * The execution's status (`RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, `PENDING_REDRIVE`), or
 * `DOES_NOT_EXIST` when Step Functions does not know it (a deleted state machine, or history past retention).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
export async function executionStatus(executionArn: string): Promise<string> {
  try {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status ?? 'UNKNOWN';
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return 'DOES_NOT_EXIST';
    throw error;
  }
}
