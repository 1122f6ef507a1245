import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CutoverMode, RunbookConfig } from '../../lambda/core/types';

/** The runbook's Lambda functions, one per task handler. */
export interface RunbookFunctions {
  readonly validateInput: lambda.IFunction;
  readonly acquireLock: lambda.IFunction;
  readonly deployCheck: lambda.IFunction;
  readonly notify: lambda.IFunction;
  readonly checkWindow: lambda.IFunction;
  readonly cutover: lambda.IFunction;
  readonly verify: lambda.IFunction;
  readonly rollback: lambda.IFunction;
  readonly finalize: lambda.IFunction;
}

export interface RunbookDefinitionProps {
  readonly config: RunbookConfig;
  readonly functions: RunbookFunctions;
  readonly approvalTimeout: Duration;
  readonly humanDecisionTimeout: Duration;
  readonly carrierConfirmationTimeout: Duration;
  readonly taskTimeout: Duration;
}

/**
 * Errors worth another try of the task: our own TransientError, a task timeout, and the names the AWS SDK gives
 * throttling, 5xx answers and lost connections once its own retries are spent (a Lambda error's name is its
 * errorType). A timeout is either the task's own (`States.Timeout`) or the function's: a Lambda that runs past
 * its function timeout fails the task with `Sandbox.Timedout` (not States.Timeout), so both are retried alike.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 */
const TRANSIENT_ERRORS = [
  'TransientError',
  'States.Timeout',
  'Sandbox.Timedout',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'InternalServiceException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
];

/**
 * Builds the runbook's state chain. State names are a contract with the CLI and the rehearsal
 * (docs/internals.md): rename one and `connect-golive approve/abort` and the rehearsal runner stop finding it.
 */
export function buildRunbookDefinition(scope: Construct, props: RunbookDefinitionProps): sfn.IChainable {
  const { functions: fn, config } = props;

  /**
   * A Lambda task with a timeout. By default it retries transient errors 3 times with backoff; `retryAll` instead
   * retries ANY error that many times (Step Functions applies only the first retrier that matches, so a task gets
   * one or the other, never a smaller budget shadowing a larger one).
   */
  const invoke = (
    id: string,
    handler: lambda.IFunction,
    resultPath: string,
    comment: string,
    retryAll?: { maxAttempts: number; interval: Duration },
    payload?: sfn.TaskInput,
  ) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      stateName: id,
      comment,
      lambdaFunction: handler,
      ...(payload ? { payload } : {}),
      payloadResponseOnly: true,
      resultPath,
      taskTimeout: sfn.Timeout.duration(props.taskTimeout),
      retryOnServiceExceptions: true,
    });
    if (retryAll) {
      task.addRetry({
        errors: ['States.ALL'],
        interval: retryAll.interval,
        backoffRate: 2,
        maxAttempts: retryAll.maxAttempts,
        maxDelay: Duration.seconds(60),
      });
    } else {
      task.addRetry({
        errors: TRANSIENT_ERRORS,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 3,
        maxDelay: Duration.seconds(20),
      });
    }
    return task;
  };

  // The plan travels only here: in the parameters of the two tasks that read it, never in the state document
  // (a 1,000-number wave would not fit Step Functions' 256 KiB state limit; docs/internals.md).
  const withPlan = sfn.TaskInput.fromObject({ 'state.$': '$', plan: config.plan });
  const { plan: _plan, ...stateConfig } = config;

  // A human step gets what it shows the human, not the whole state (which would count twice against the limit).
  const humanKeys: Record<string, string[]> = {
    approval: ['readiness'],
    inconclusive: ['verify'],
  };
  const waitForHuman = (id: string, kind: string, timeout: Duration, resultPath: string, comment: string) =>
    new tasks.LambdaInvoke(scope, id, {
      stateName: id,
      comment,
      lambdaFunction: fn.notify,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        kind,
        taskToken: sfn.JsonPath.taskToken,
        state: Object.fromEntries(['executionArn', 'config', 'run', ...(humanKeys[kind] ?? [])].map((k) => [`${k}.$`, `$.${k}`])),
      }),
      resultPath,
      taskTimeout: sfn.Timeout.duration(timeout),
    });

  // `cause` is what the Fail state reports; Finalize replaces it with the JSON summary. Set here too, so a run
  // whose Finalize cannot run still ends with its outcome (a plain path: no intrinsic needed in CausePath).
  const mark = (id: string, outcome: string) =>
    new sfn.Pass(scope, id, {
      stateName: id,
      result: sfn.Result.fromObject({ outcome, cause: `${outcome} (no summary: Finalize did not run)` }),
      resultPath: '$.outcome',
    });

  // Terminal states: the Succeed output and the Fail error both carry the outcome (DESIGN.md "Outcome").
  const live = new sfn.Succeed(scope, 'Live', { stateName: 'Live', outputPath: '$.outcome' });
  const dryRunOk = new sfn.Succeed(scope, 'DryRunOk', { stateName: 'DryRunOk', outputPath: '$.outcome' });
  const fail = (id: string, error: string) => new sfn.Fail(scope, id, { stateName: id, error, causePath: '$.outcome.cause' });
  const aborted = fail('Aborted', 'ABORTED');
  const rolledBack = fail('RolledBack', 'ROLLED_BACK');
  const rollbackFailed = fail('RollbackFailed', 'ROLLBACK_FAILED');
  const partiallyRolledBack = fail('PartiallyRolledBack', 'PARTIALLY_ROLLED_BACK');

  // Finalize releases the go-live lock: a crash is retried, so one bad run does not leave the lock held.
  const finalize = invoke(
    'Finalize',
    fn.finalize,
    '$.outcome',
    'Read the final associations, publish the closing status, release the lock',
    { maxAttempts: 3, interval: Duration.seconds(2) },
  );
  // Finalize never decides the outcome; if it cannot run, the outcome marked before it stands.
  // The Catch already wrote the error to $.finalizeError; the Pass discards its result (a Pass with a ResultPath
  // and no Result would copy the whole state into itself, doubling it).
  finalize.addCatch(
    new sfn.Pass(scope, 'FinalizeFailed', { stateName: 'FinalizeFailed', resultPath: sfn.JsonPath.DISCARD }).next(outcomeChoice()),
    {
      resultPath: '$.finalizeError',
    },
  );
  finalize.next(outcomeChoice());

  function outcomeChoice(): sfn.Choice {
    const existing = scope.node.tryFindChild('Outcome') as sfn.Choice | undefined;
    if (existing) return existing;
    return new sfn.Choice(scope, 'Outcome', { stateName: 'Outcome' })
      .when(sfn.Condition.stringEquals('$.outcome.outcome', 'LIVE'), live)
      .when(sfn.Condition.stringEquals('$.outcome.outcome', 'DRY_RUN_OK'), dryRunOk)
      .when(sfn.Condition.stringEquals('$.outcome.outcome', 'ROLLED_BACK'), rolledBack)
      .when(sfn.Condition.stringEquals('$.outcome.outcome', 'ROLLBACK_FAILED'), rollbackFailed)
      .when(sfn.Condition.stringEquals('$.outcome.outcome', 'PARTIALLY_ROLLED_BACK'), partiallyRolledBack)
      .otherwise(aborted);
  }

  const markAborted = mark('MarkAborted', 'ABORTED').next(finalize);
  const markDryRunOk = mark('MarkDryRunOk', 'DRY_RUN_OK').next(finalize);
  const markLive = mark('MarkLive', 'LIVE').next(finalize);
  const markRolledBack = mark('MarkRolledBack', 'ROLLED_BACK').next(finalize);
  const markRollbackFailed = mark('MarkRollbackFailed', 'ROLLBACK_FAILED').next(finalize);
  const markPartiallyRolledBack = mark('MarkPartiallyRolledBack', 'PARTIALLY_ROLLED_BACK').next(finalize);
  const catchTo = (state: sfn.TaskStateBase, target: sfn.IChainable) => state.addCatch(target, { resultPath: '$.error' });

  // Rollback: restore every number to its snapshot flow, read it back, check metrics recover. Retried with
  // backoff for its whole budget before the execution admits ROLLBACK_FAILED.
  const rollback = invoke('Rollback', fn.rollback, '$.rollback', 'Restore every number to its snapshot flow and read it back', {
    maxAttempts: 6,
    interval: Duration.seconds(5),
  });
  catchTo(rollback, markRollbackFailed);
  const rollbackChain: sfn.IChainable =
    config.cutoverMode === 'manualConfirmation'
      ? catchTo(
          waitForHuman(
            'ConfirmCarrierRollback',
            'carrier-rollback',
            props.carrierConfirmationTimeout,
            '$.carrierRollback',
            'Wait until an operator confirms the carrier moved the numbers back',
          ),
          rollback,
        ).next(rollback)
      : rollback;
  // One batch per run of the task (lambda/core/batches.ts): loop until every batch is back.
  rollback.next(
    new sfn.Choice(scope, 'RollbackProgress', { stateName: 'RollbackProgress' })
      .when(sfn.Condition.booleanEquals('$.rollback.cursor.done', false), rollback)
      // rollbackScope "serviceLine": only the failing lines went back, the others stay live.
      .when(sfn.Condition.booleanEquals('$.rollback.partial', true), markPartiallyRolledBack)
      .otherwise(markRolledBack),
  );

  // Hypercare (config.hypercareSeconds > 0): after the LIVE verdict the same Verify handler keeps polling on the same
  // thresholds until hypercare ends; a sustained breach rolls back like any breach. The one joint every path to the
  // final LIVE goes through is `liveChain`.
  const liveChain: sfn.IChainable = (config.hypercareSeconds ?? 0) > 0 ? hypercareLoop() : markLive;
  function hypercareLoop(): sfn.IChainable {
    const hypercare = invoke(
      'Hypercare',
      fn.verify,
      '$.verify',
      'Hypercare poll: the same checks and thresholds as Verify, until hypercare ends',
      { maxAttempts: 2, interval: Duration.seconds(2) },
      sfn.TaskInput.fromObject({ 'state.$': '$', phase: 'hypercare' }),
    );
    catchTo(hypercare, rollbackChain);
    const waitForHypercarePoll = new sfn.Wait(scope, 'WaitForHypercarePoll', {
      stateName: 'WaitForHypercarePoll',
      time: sfn.WaitTime.duration(Duration.seconds(config.hypercarePollIntervalSeconds ?? 60)),
    }).next(hypercare);
    hypercare.next(
      new sfn.Choice(scope, 'HypercareDecision', { stateName: 'HypercareDecision' })
        .when(sfn.Condition.stringEquals('$.verify.decision', 'ROLLBACK'), rollbackChain)
        .when(sfn.Condition.stringEquals('$.verify.decision', 'LIVE'), markLive)
        .otherwise(waitForHypercarePoll),
    );
    return waitForHypercarePoll;
  }

  // Verify loop.
  // A crashed poll is an error, not a failing metric: poll again before giving up and rolling back.
  const verify = invoke('Verify', fn.verify, '$.verify', 'One poll: read metrics, judge each check, decide', {
    maxAttempts: 2,
    interval: Duration.seconds(2),
  });
  catchTo(verify, rollbackChain);
  const waitForNextPoll = new sfn.Wait(scope, 'WaitForNextPoll', {
    stateName: 'WaitForNextPoll',
    time: sfn.WaitTime.secondsPath('$.run.verification.pollIntervalSeconds'),
  });
  const humanDecision = waitForHuman(
    'HumanDecision',
    'inconclusive',
    props.humanDecisionTimeout,
    '$.human',
    'Verification was inconclusive: an operator declares LIVE or ROLLBACK (timeout rolls back)',
  );
  catchTo(humanDecision, rollbackChain);
  humanDecision.next(
    new sfn.Choice(scope, 'HumanVerdict', { stateName: 'HumanVerdict' })
      .when(sfn.Condition.stringEquals('$.human.decision', 'live'), liveChain)
      .otherwise(rollbackChain),
  );
  const verifyDecision = new sfn.Choice(scope, 'VerifyDecision', { stateName: 'VerifyDecision' })
    .when(sfn.Condition.stringEquals('$.verify.decision', 'ROLLBACK'), rollbackChain)
    .when(sfn.Condition.stringEquals('$.verify.decision', 'LIVE'), liveChain)
    .when(sfn.Condition.stringEquals('$.verify.decision', 'INCONCLUSIVE'), humanDecision)
    .otherwise(waitForNextPoll);
  waitForNextPoll.next(verify);
  verify.next(verifyDecision);

  // Cutover.
  const cutover = invoke('Cutover', fn.cutover, '$.cutover', cutoverComment(config.cutoverMode));
  catchTo(cutover, rollbackChain);
  cutover.next(
    new sfn.Choice(scope, 'CutoverProgress', { stateName: 'CutoverProgress' })
      .when(sfn.Condition.booleanEquals('$.cutover.cursor.done', false), cutover)
      .otherwise(verify),
  );
  const cutoverChain: sfn.IChainable =
    config.cutoverMode === 'manualConfirmation'
      ? catchTo(
          waitForHuman(
            'ConfirmCarrierCutover',
            'carrier-cutover',
            props.carrierConfirmationTimeout,
            '$.carrierCutover',
            'Wait until an operator confirms the carrier ticket is done',
          ),
          rollbackChain,
        ).next(cutover)
      : cutover;

  const isDryRun = new sfn.Choice(scope, 'IsDryRun', { stateName: 'IsDryRun' })
    .when(sfn.Condition.booleanEquals('$.run.dryRun', true), markDryRunOk)
    .otherwise(cutoverChain);
  const waitForWindow = new sfn.Wait(scope, 'WaitForWindow', {
    stateName: 'WaitForWindow',
    time: sfn.WaitTime.timestampPath('$.window.waitUntil'),
  }).next(isDryRun);
  const checkWindow = catchTo(
    invoke('CheckWindow', fn.checkWindow, '$.window', 'Check the approval and the cutover window'),
    markAborted,
  ).next(
    new sfn.Choice(scope, 'IsWindowOpen', { stateName: 'IsWindowOpen' })
      .when(sfn.Condition.stringEquals('$.window.action', 'MISSED'), markAborted)
      .when(sfn.Condition.stringEquals('$.window.action', 'REJECTED'), markAborted)
      .otherwise(waitForWindow),
  );

  const approvalGate = catchTo(
    waitForHuman(
      'ApprovalGate',
      'approval',
      props.approvalTimeout,
      '$.approval',
      'The readiness report goes to the status topic; an approver approves or rejects with attestations',
    ),
    markAborted,
  ).next(checkWindow);
  const deployCheck = catchTo(
    invoke(
      'DeployCheck',
      fn.deployCheck,
      '$.readiness',
      'Instance, flows, numbers, queues, staffing, UAT number; record the rollback snapshot (one batch per run)',
      undefined,
      withPlan,
    ),
    markAborted,
  );
  deployCheck.next(
    new sfn.Choice(scope, 'DeployCheckProgress', { stateName: 'DeployCheckProgress' })
      .when(sfn.Condition.booleanEquals('$.readiness.cursor.done', false), deployCheck)
      .otherwise(
        new sfn.Choice(scope, 'IsReady', { stateName: 'IsReady' })
          .when(sfn.Condition.booleanEquals('$.readiness.ready', true), approvalGate)
          .otherwise(markAborted),
      ),
  );
  const acquireLock = catchTo(
    invoke('AcquireLock', fn.acquireLock, '$.lock', 'One go-live at a time per runbook: a conditional write on the control table'),
    markAborted,
  ).next(deployCheck);
  const validateInput = catchTo(
    invoke('ValidateInput', fn.validateInput, '$.run', 'Reject malformed input before anything is read or changed', undefined, withPlan),
    markAborted,
  ).next(acquireLock);

  return new sfn.Pass(scope, 'Configure', {
    stateName: 'Configure',
    comment: 'The construct configuration travels in the definition (docs/internals.md)',
    parameters: { 'input.$': '$$.Execution.Input', 'executionArn.$': '$$.Execution.Id', config: stateConfig },
  }).next(validateInput);
}

function cutoverComment(mode: CutoverMode): string {
  switch (mode) {
    case 'repoint':
      return 'Associate each number with its target flow (idempotent), then read every association back';
    case 'carrierHook':
      return 'Call the carrier hook to repoint the numbers at the carrier, then record the cutover';
    case 'manualConfirmation':
      return 'Record the confirmed carrier cutover';
  }
}
