import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DecommissionConfig } from '../../lambda/core/types';

/** Properties of a {@link Decommission} (created by GoLiveRunbook). */
export interface DecommissionProps {
  /** The `decommission` handler (lambda/decommission). */
  readonly handler: lambda.IFunction;
  readonly config: DecommissionConfig;
  /** Where the state machine logs its executions. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * The gated decommission after a LIVE go-live: a second, small Standard workflow, started by `connect-golive
 * decommission` with `{ goLiveExecutionArn, approver, attestations }`. It checks the go-live ended LIVE (its
 * hypercare over) and the attestations, releases the UAT number, and records the point of no return. Its own
 * execution history is the evidence of who decided it and when. State names are a contract with the CLI and the
 * rehearsal: `Configure`, `ValidateDecommission`, `ReleaseUatNumber`, `RecordPointOfNoReturn`, then `Decommissioned`,
 * or `DecommissionRefused` (nothing changed) / `DecommissionFailed`.
 */
export class Decommission extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: DecommissionProps) {
    super(scope, id);
    const step = (name: string, stepName: 'validate' | 'release' | 'record', resultPath: string, comment: string) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        comment,
        lambdaFunction: props.handler,
        payload: sfn.TaskInput.fromObject({ step: stepName, 'state.$': '$' }),
        payloadResponseOnly: true,
        resultPath,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(5).plus(Duration.seconds(30))),
      });
      task.addRetry({
        errors: ['ThrottlingException', 'TooManyRequestsException', 'InternalServiceException', 'ServiceUnavailable', 'TimeoutError'],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 3,
      });
      return task;
    };
    const refused = new sfn.Fail(this, 'DecommissionRefused', {
      stateName: 'DecommissionRefused',
      error: 'DECOMMISSION_REFUSED',
      causePath: '$.error.Cause',
    });
    const failed = new sfn.Fail(this, 'DecommissionFailed', {
      stateName: 'DecommissionFailed',
      error: 'DECOMMISSION_FAILED',
      causePath: '$.error.Cause',
    });
    const validate = step(
      'ValidateDecommission',
      'validate',
      '$.validated',
      'The go-live ended LIVE (hypercare over), every required attestation given, no point of no return recorded yet',
    ).addCatch(refused, { resultPath: '$.error' });
    const release = step('ReleaseUatNumber', 'release', '$.release', 'Release the temporary UAT number (cooldown up to 180 days)').addCatch(
      failed,
      { resultPath: '$.error' },
    );
    const recordStep = step('RecordPointOfNoReturn', 'record', '$.result', 'Record the point of no return: control table and status topic');
    recordStep.addCatch(refused, { errors: ['DecommissionRefused'], resultPath: '$.error' });
    recordStep.addCatch(failed, { resultPath: '$.error' });
    const definition = new sfn.Pass(this, 'Configure', {
      stateName: 'Configure',
      parameters: { 'input.$': '$$.Execution.Input', 'executionArn.$': '$$.Execution.Id', config: props.config },
    })
      .next(validate)
      .next(release)
      .next(recordStep)
      .next(new sfn.Succeed(this, 'Decommissioned', { stateName: 'Decommissioned', outputPath: '$.result' }));
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      comment: 'connect-golive decommission: after a LIVE go-live, release the UAT number and record the point of no return',
      logs: { destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      timeout: Duration.hours(1),
    });
  }
}
