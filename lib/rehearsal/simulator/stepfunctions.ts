/**
 * AWS Step Functions (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Operation>`): DescribeExecution only, which
 * AcquireLock calls to learn whether the holder of the go-live lock is still running. The rehearsal registers its
 * executions (RUNNING when started, their end status when they end).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
import { ApiError, type ErrorKind } from './errors';
import {
  AWS_JSON_1_0,
  type ParsedCall,
  type ProtocolModule,
  type SimRequest,
  type WireResponse,
  jsonResponse,
  parseJsonTarget,
  str,
} from './protocol';

const TARGET_PREFIX = 'AWSStepFunctions.';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** The API reference's errors for DescribeExecution; the rest map to the generic service errors. */
const ERRORS: Partial<Record<ErrorKind, { status: number; type: string }>> = {
  NotFound: { status: 400, type: 'ExecutionDoesNotExist' },
  InvalidParameter: { status: 400, type: 'InvalidArn' },
  Throttling: { status: 400, type: 'ThrottlingException' },
  Internal: { status: 500, type: 'InternalFailure' },
};

export class StepFunctionsProtocol implements ProtocolModule {
  readonly service = 'stepfunctions' as const;
  /** executionArn → status and start time (epoch ms). */
  readonly executions = new Map<string, { status: ExecutionStatus; startedAtMs: number; stoppedAtMs?: number; output?: string }>();

  static accepts(req: SimRequest): boolean {
    return String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
  }

  parse(req: SimRequest): ParsedCall {
    return parseJsonTarget(req, TARGET_PREFIX, ['DescribeExecution']);
  }

  handle(call: ParsedCall): unknown {
    const arn = str(call.input, 'executionArn');
    if (!arn || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new ApiError('InvalidParameter', `Invalid Arn: '${arn ?? ''}'`);
    }
    const execution = this.executions.get(arn);
    if (!execution) throw new ApiError('NotFound', `Execution Does Not Exist: '${arn}'`);
    return {
      executionArn: arn,
      stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      name: arn.split(':').pop(),
      status: execution.status,
      startDate: execution.startedAtMs / 1000,
      ...(execution.stoppedAtMs !== undefined ? { stopDate: execution.stoppedAtMs / 1000 } : {}),
      // A succeeded execution's output (DescribeExecution `output`, a JSON string); absent otherwise.
      ...(execution.status === 'SUCCEEDED' && execution.output !== undefined ? { output: execution.output } : {}),
    };
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    return jsonResponse(200, AWS_JSON_1_0, requestId, output);
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind] ?? { status: 400, type: 'ValidationException' };
    return jsonResponse(e.status, AWS_JSON_1_0, requestId, { __type: e.type, message: err.message }, { errorCode: e.type });
  }
}
