import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DEFAULT_REQUIRED_ATTESTATIONS,
  DEFAULT_VERIFICATION,
  DEFAULT_MIN_AGENTS_AVAILABLE,
  DEFAULT_VERIFICATION_BOUNDS,
  MAX_SCHEDULE_DAYS,
  validateVerificationBounds,
  validateVerificationSettings,
} from '../../lambda/core/defaults';
import { MAX_WAVE_SIZE } from '../../lambda/core/batches';
import { DECOMMISSION_TAG } from '../../lambda/core/control';
import { DEFAULT_SERVICE_LINE } from '../../lambda/core/verdict';
import { CONCURRENT_CALLS_QUOTA } from '../../lambda/core/capacity';
import {
  CanaryStepVerification,
  CutoverMode,
  PlanEntry,
  RunbookConfig,
  VerificationBounds,
  VerificationSettings,
} from '../../lambda/core/types';
import { canaryStepProblems, defaultEntryFlowName, SwitchFlowConfig, switchFlowLinesOf } from '../../lambda/core/switch-flow';

/** Canary step verification defaults: fifteen minutes per step (a contact must start after the content propagates, end an AHT later and reach the metrics two minutes after that), a minute of warm-up, ten of the canary's contacts. */
export const DEFAULT_CANARY_STEP_VERIFICATION: CanaryStepVerification = {
  observationWindowSeconds: 900,
  warmupSeconds: 60,
  minContactsForVerdict: 10,
};
import * as connect from 'aws-cdk-lib/aws-connect';
import { switchEntryFlowContent } from '../private/flow-content';
import { IConnectInstance } from '../connect-instance';
import { acknowledgeWildcards } from '../private/acknowledge';
import { HANDLER_NAMES, HandlerName } from '../private/handler-names';
import { handlerAssetDir } from '../private/package-root';
import { Decommission } from './decommission';
import { buildRunbookDefinition, RunbookFunctions } from './definition';
import { GoLiveDashboard } from './go-live-dashboard';

export type { CanaryStepVerification, CutoverMode, PlanEntry, VerificationSettings, VerificationBounds };

/** One test case of the runbook (see {@link GoLiveRunbookProps.testCases}). */
export interface RunbookTestCase {
  /**
   * The service line it tests.
   * @default 'all' (the line of plan entries without a serviceLine)
   */
  readonly serviceLine?: string;
  /** `arn:aws:connect:<region>:<account>:instance/<id>/test-case/<id>` (CfnTestCase `ref` / `attrTestCaseArn`). */
  readonly testCaseArn: string;
  /**
   * The E.164 number the test case calls. For a routing proof, a number of the plan: a run whose `phoneNumbers`
   * selection leaves it out skips the line.
   * @default - unknown: the line always runs
   */
  readonly phoneNumber?: string;
}

/** The runbook's test cases (see {@link GoLiveRunbookProps.testCases}). */
export interface RunbookTestCases {
  /** @default - none */
  readonly uat?: readonly RunbookTestCase[];
  /** @default - none */
  readonly routingProof?: readonly RunbookTestCase[];
}

/** Properties of a {@link GoLiveRunbook}. */
export interface GoLiveRunbookProps {
  /** The instance whose numbers go live. */
  readonly instance: IConnectInstance;
  /**
   * The cutover plan: the wave of service lines to move. Each number is an E.164 address or a phone number ARN
   * already claimed (or ported) into the instance; each target flow is a flow ARN, id or name.
   */
  readonly plan: readonly PlanEntry[];
  /** Queues (ARN, id or name) whose staffing is checked before cutover and whose metrics are watched after. */
  readonly queues: readonly string[];
  /**
   * How the numbers move: `repoint` associates each claimed number with its target flow (Connect-native);
   * `switchFlow` keeps every number on its service line's entry flow and changes that flow's content to transfer
   * to the target flow (one API call per line, see `legacyNumber` and `entryFlows`);
   * `carrierHook` calls `carrierHook` to repoint numbers at the carrier; `manualConfirmation` waits for an
   * operator to confirm the carrier ticket is done.
   * @default 'repoint'
   */
  readonly cutoverMode?: CutoverMode;
  /**
   * cutoverMode `switchFlow`: the legacy platform's E.164 number the entry flows bridge callers to before the
   * cutover (and after a rollback). Required for `switchFlow`, rejected otherwise.
   * @default - none
   */
  readonly legacyNumber?: string;
  /**
   * cutoverMode `switchFlow`: existing entry flows to adopt, service line → flow ARN, id or name (a plan entry
   * without `serviceLine` is on the line `all`). A line not listed gets a flow the construct creates, named
   * `golive-entry-<line>`, whose content bridges callers to `legacyNumber`. Rejected outside `switchFlow`.
   * @default - one created entry flow per service line
   */
  readonly entryFlows?: Readonly<Record<string, string>>;
  /**
   * cutoverMode `switchFlow`: a canary of callers. Percent of each line's callers the entry flows send to the
   * target flow at each step, ascending whole percents ending at 100 (e.g. `[10, 50, 100]`). Each step is verified
   * over `canaryStepVerification` and the next step is set only on a LIVE verdict; a breach at any step rolls
   * back (every entry flow to its snapshot content). An execution's `canarySteps` may replace the list, never
   * starting above its first step. Rejected outside `switchFlow`.
   * @default - none: every caller moves at once
   */
  readonly canarySteps?: readonly number[];
  /**
   * How each canary step below 100 % is verified: its own observation window, warm-up and minimum contacts (the
   * canary's calls only). The last step (100 %) is verified with `verification`.
   * @default - { observationWindowSeconds: 900, warmupSeconds: 60, minContactsForVerdict: 10 }
   */
  readonly canaryStepVerification?: Partial<CanaryStepVerification>;
  /**
   * The Lambda function that repoints numbers at the carrier, called with
   * `{ action: 'cutover' | 'rollback', changeId, phoneNumbers }`. Required for `carrierHook`, rejected otherwise.
   * @default - none
   */
  readonly carrierHook?: lambda.IFunction;
  /**
   * Verification timing and thresholds; unset keys take the defaults documented in the README
   * (`lambda/core/defaults.ts` says why each was chosen).
   * @default - DEFAULT_VERIFICATION
   */
  readonly verification?: Partial<VerificationSettings>;
  /**
   * Bounds within which an execution's `verification` overrides must fall.
   * @default - DEFAULT_VERIFICATION_BOUNDS
   */
  readonly verificationBounds?: Partial<VerificationBounds>;
  /**
   * Agents that must be online in every watched queue before the approval gate opens.
   * @default 1
   */
  readonly minAgentsOnline?: number;
  /**
   * Ready agents DeployCheck requires per service line: logged in, in a routable agent status, with a free voice slot
   * (GetCurrentUserData), each agent counted once across the line's queues. 0 turns the check off.
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetCurrentUserData.html
   * @default 1
   */
  readonly minAgentsAvailable?: number;
  /**
   * The instance's "Concurrent active calls per instance" quota, for DeployCheck's capacity check (the execution
   * input's `expectedPeakConcurrentCalls` must fit it). Give it when the runbook may not call Service Quotas (an SCP,
   * a Region without it): DeployCheck then uses this figure and the runbook gets no `servicequotas:` permission.
   * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
   * @default - read from Service Quotas (GetServiceQuota connect/L-12AB7C57 for the instance)
   */
  readonly concurrentCallsQuota?: number;
  /**
   * Numbers a watched queue's outbound caller ID may be besides the plan's own numbers (E.164, phone number ARN or
   * phone number id), e.g. the main number customers know when the plan moves only some of them.
   * @default - only the plan's numbers
   */
  readonly expectedCallerIdNumbers?: readonly string[];
  /**
   * Attestations the approver must give.
   * @default ['uat', 'training', 'bau', 'support']
   */
  readonly requiredAttestations?: readonly string[];
  /**
   * How long the approval gate waits; then the run ends ABORTED with nothing changed.
   * @default Duration.hours(24)
   */
  readonly approvalTimeout?: Duration;
  /**
   * How long an inconclusive verification waits for a human; then it rolls back.
   * @default Duration.minutes(30)
   */
  readonly humanDecisionTimeout?: Duration;
  /**
   * How long `manualConfirmation` waits for the carrier confirmation (cutover, then rollback).
   * @default Duration.hours(4)
   */
  readonly carrierConfirmationTimeout?: Duration;
  /**
   * How late after `cutoverAt` a cutover may still start (an approval that arrives later ends ABORTED).
   * @default Duration.minutes(15)
   */
  readonly allowedLateness?: Duration;
  /**
   * The status topic every step publishes to.
   * @default - a new SNS topic encrypted with the runbook's KMS key
   */
  readonly statusTopic?: sns.ITopic;
  /**
   * The UAT number DeployCheck requires to exist.
   * @default - not checked
   */
  readonly uatPhoneNumber?: string;
  /**
   * Association calls in flight at once during cutover and rollback (Connect allows 2 requests/s, burst 5).
   * @default 2
   */
  readonly cutoverConcurrency?: number;
  /**
   * Whether DeployCheck refuses a target flow that does not turn call recording on (agent and customer) before
   * callers reach an agent. Off, such a flow is a warning in the readiness report: recording is a policy decision
   * (consent, retention), and a flow the runbook did not generate may record by other means.
   * @default false
   * @see https://docs.aws.amazon.com/connect/latest/adminguide/set-up-recordings.html
   */
  readonly requireRecording?: boolean;
  /**
   * Whether to create the go-live dashboard ({@link GoLiveDashboard}): executions and, per service line, the
   * Connect metrics the runbook verifies. Every status message carries its URL.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * The go-live dashboard's name (unique in the account: dashboards are global).
   * @default - a name unique to this construct's path in the app
   */
  readonly dashboardName?: string;
  /**
   * Hypercare: after the LIVE verdict, how long the same Verify checks (same handler, same thresholds) keep polling
   * before the run ends LIVE; a sustained breach in that time rolls back like any breach (ROLLED_BACK). At most
   * 1,000 polls of `hypercarePollInterval` (Step Functions' 25,000-event history holds them beside the Verify loop)
   * and at most 7 days.
   * @default - none: the run ends LIVE at the verdict
   */
  readonly hypercare?: Duration;
  /**
   * Time between hypercare polls.
   * @default Duration.minutes(1)
   */
  readonly hypercarePollInterval?: Duration;
  /**
   * Attestations the decommission approver must give (`connect-golive decommission --attest …`).
   * @default ['porting-complete', 'legacy-off']
   */
  readonly decommissionAttestations?: readonly string[];
  /**
   * ARN of the temporary UAT number the decommission releases (the only number it may release).
   * @default - the decommission releases nothing, and still records the point of no return
   */
  readonly uatPhoneNumberArn?: string;
  /**
   * Connect test cases the runbook runs per service line: `uat` after the deploy check and before the approval gate
   * (a failure ends ABORTED with nothing changed; the results go to the approver), `routingProof` right after the
   * cutover in `repoint` mode (a failure is a breach and rolls back). Each names the test case by ARN (for instance
   * `GoLiveTestCases.runbookTestCases`). At most 5 executions run at once (Connect's limit).
   * @see https://docs.aws.amazon.com/connect/latest/adminguide/testing-simulation-execute-test-cases.html
   * @default - none: UAT rests on the `uat` attestation alone and no routing proof runs
   */
  readonly testCases?: RunbookTestCases;
  /**
   * Retention of the state machine's and the handlers' logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const E164 = /^\+[1-9]\d{1,14}$/;
/** The largest plan, serialized, that the task parameters carry (half of Step Functions' 256 KiB). */
const MAX_PLAN_BYTES = 131_072;
const TEST_CASE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]+\/test-case\/[A-Za-z0-9-]+$/;
const PHONE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:phone-number\/[A-Za-z0-9-]+$/;
/** Attestations a decommission requires unless told otherwise: the numbers are ported and the old platform is off. */
export const DEFAULT_DECOMMISSION_ATTESTATIONS: readonly string[] = ['porting-complete', 'legacy-off'];
/**
 * Hypercare polls an execution may make: each is about 9 history events (Wait, Task, Choice), so 1,000 of them and a
 * full Verify loop stay under Step Functions' 25,000 events per execution
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
export const MAX_HYPERCARE_POLLS = 1_000;
/** A phone number id (OutboundCallerIdNumberId): a UUID. */
const PHONE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The go-live runbook: a Standard Step Functions workflow that checks readiness, waits for the change board's
 * approval and the approved window, cuts the numbers over, watches real-time and historical metrics, and
 * rolls back on a sustained breach. Every execution ends LIVE, ROLLED_BACK, ABORTED or DRY_RUN_OK (or, loudly,
 * ROLLBACK_FAILED).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export class GoLiveRunbook extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly statusTopic: sns.ITopic;
  /** Holds the one-go-live-at-a-time lock and operator abort requests. */
  public readonly controlTable: dynamodb.Table;
  /** Encrypts the topic, the logs and the control table. */
  public readonly encryptionKey: kms.Key;
  /** The configuration embedded in the definition (after defaults). */
  public readonly config: RunbookConfig;
  /** cutoverMode switchFlow: the entry flows this construct created, by service line (adopted ones are not here). */
  public readonly entryFlows: Readonly<Record<string, connect.CfnContactFlow>> = {};
  /** The go-live dashboard; undefined when `dashboard` is false. */
  public readonly dashboard?: GoLiveDashboard;
  /** The gated decommission after LIVE: releases the UAT number and records the point of no return. */
  public readonly decommission: Decommission;
  private readonly functions: Record<HandlerName, lambda.Function>;

  constructor(scope: Construct, id: string, props: GoLiveRunbookProps) {
    super(scope, id);
    const cutoverMode = props.cutoverMode ?? 'repoint';
    const verification: VerificationSettings = { ...DEFAULT_VERIFICATION, ...props.verification };
    const verificationBounds: VerificationBounds = { ...DEFAULT_VERIFICATION_BOUNDS, ...props.verificationBounds };
    const approvalTimeout = props.approvalTimeout ?? Duration.hours(24);
    const humanDecisionTimeout = props.humanDecisionTimeout ?? Duration.minutes(30);
    const carrierConfirmationTimeout = props.carrierConfirmationTimeout ?? Duration.hours(4);
    const allowedLateness = props.allowedLateness ?? Duration.minutes(15);
    const minAgentsOnline = props.minAgentsOnline ?? 1;
    const minAgentsAvailable = props.minAgentsAvailable ?? DEFAULT_MIN_AGENTS_AVAILABLE;
    const requiredAttestations = props.requiredAttestations ?? DEFAULT_REQUIRED_ATTESTATIONS;
    const cutoverConcurrency = props.cutoverConcurrency ?? 2;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const requireRecording = props.requireRecording ?? false;
    const withDashboard = props.dashboard ?? true;
    if (!withDashboard && props.dashboardName !== undefined) {
      throw new Error(`dashboardName is only used when dashboard is true, got: ${props.dashboardName} with dashboard false`);
    }
    // Named before the state machine exists: the definition carries the URL, the dashboard charts the state machine.
    const dashboardName = withDashboard
      ? (props.dashboardName ?? Names.uniqueResourceName(this, { maxLength: 240, separator: '-' }) + '-golive')
      : undefined;
    const hypercare = props.hypercare ?? Duration.seconds(0);
    const hypercarePollInterval = props.hypercarePollInterval ?? Duration.minutes(1);
    const decommissionAttestations = props.decommissionAttestations ?? DEFAULT_DECOMMISSION_ATTESTATIONS;
    validateProps(props, {
      cutoverMode,
      verification,
      verificationBounds,
      minAgentsOnline,
      minAgentsAvailable,
      cutoverConcurrency,
      requiredAttestations,
    });
    validateHypercare(hypercare, hypercarePollInterval);
    if (decommissionAttestations.some((a) => !/^[a-z][a-z0-9-]{0,31}$/.test(a))) {
      throw new Error(`decommissionAttestations must be short lower-case words, got: ${JSON.stringify(decommissionAttestations)}`);
    }
    if (props.uatPhoneNumberArn !== undefined && !Token.isUnresolved(props.uatPhoneNumberArn) && !PHONE_ARN.test(props.uatPhoneNumberArn)) {
      throw new Error(`uatPhoneNumberArn must be a phone number ARN (…:phone-number/ID), got: ${props.uatPhoneNumberArn}`);
    }

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the go-live runbook status topic, logs and control table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stack = Stack.of(this);
    this.encryptionKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));

    this.statusTopic =
      props.statusTopic ??
      new sns.Topic(this, 'StatusTopic', {
        displayName: 'Go-live status bridge',
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
    this.controlTable = new dynamodb.Table(this, 'ControlTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const switchFlow = cutoverMode === 'switchFlow' ? this.createEntryFlows(props) : undefined;
    this.config = {
      instanceArn: props.instance.instanceArn,
      plan: props.plan.map((e) => ({
        phoneNumber: e.phoneNumber,
        targetFlow: e.targetFlow,
        ...(e.serviceLine !== undefined ? { serviceLine: e.serviceLine } : {}),
        ...(e.queues !== undefined ? { queues: [...e.queues] } : {}),
      })),
      // A service line's queues are watched (and staffing-checked) like the runbook's own.
      queues: [...new Set([...props.queues, ...props.plan.flatMap((e) => e.queues ?? [])])],
      cutoverMode,
      verification,
      verificationBounds,
      minAgentsOnline,
      requiredAttestations: [...requiredAttestations],
      allowedLatenessSeconds: allowedLateness.toSeconds(),
      maxScheduleDays: MAX_SCHEDULE_DAYS,
      uatPhoneNumber: props.uatPhoneNumber,
      cutoverConcurrency,
      controlTableName: this.controlTable.tableName,
      statusTopicArn: this.statusTopic.topicArn,
      carrierHookFunctionArn: props.carrierHook?.functionArn,
      ...(switchFlow
        ? { switchFlow, canaryStepVerification: { ...DEFAULT_CANARY_STEP_VERIFICATION, ...props.canaryStepVerification } }
        : {}),
      ...(props.canarySteps ? { canarySteps: [...props.canarySteps] } : {}),
      requireRecording,
      ...(dashboardName !== undefined ? { dashboardUrl: GoLiveDashboard.urlOf(dashboardName) } : {}),
      ...(hypercare.toSeconds() > 0
        ? { hypercareSeconds: hypercare.toSeconds(), hypercarePollIntervalSeconds: hypercarePollInterval.toSeconds() }
        : {}),
      ...(props.testCases ? { testCases: testCasesConfig(props.testCases) } : {}),
      minAgentsAvailable,
      ...(props.concurrentCallsQuota !== undefined ? { concurrentCallsQuota: props.concurrentCallsQuota } : {}),
      ...(props.expectedCallerIdNumbers !== undefined ? { expectedCallerIdNumbers: [...props.expectedCallerIdNumbers] } : {}),
    };

    // DeployCheck, Cutover and Rollback run one batch of 100 numbers per invocation (about 50 s at Connect's 2 calls/s): 5 minutes
    // holds a batch of 100 numbers (about 50 s at 2 calls/s) six times over; the task times out only after the function would.
    const functionTimeout = Duration.minutes(5);
    const taskTimeout = Duration.minutes(5).plus(Duration.seconds(30));
    this.functions = Object.fromEntries(HANDLER_NAMES.map((name) => [name, this.handler(name, functionTimeout, logRetention)])) as Record<
      HandlerName,
      lambda.Function
    >;
    this.grantHandlers(props);

    const functions: RunbookFunctions = {
      validateInput: this.functions['validate-input'],
      acquireLock: this.functions['acquire-lock'],
      deployCheck: this.functions['deploy-check'],
      notify: this.functions.notify,
      checkWindow: this.functions['check-window'],
      cutover: this.functions.cutover,
      verify: this.functions.verify,
      rollback: this.functions.rollback,
      finalize: this.functions.finalize,
      testCases: this.functions['test-cases'],
    };
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logRetention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildRunbookDefinition(this, {
          config: this.config,
          functions,
          approvalTimeout,
          humanDecisionTimeout,
          carrierConfirmationTimeout,
          taskTimeout,
        }),
      ),
      comment: 'connect-golive runbook: deploy check, approval gate, scheduled cutover, verification, rollback',
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      // Longest path: approval wait + up to 14 days to the window + verification + decisions + rollback budget,
      // and hypercare.
      timeout: Duration.days(MAX_SCHEDULE_DAYS + 2).plus(hypercare),
    });
    this.decommission = new Decommission(this, 'Decommission', {
      handler: this.functions.decommission,
      logGroup,
      config: {
        instanceArn: props.instance.instanceArn,
        ...(props.uatPhoneNumberArn !== undefined ? { uatPhoneNumberArn: props.uatPhoneNumberArn } : {}),
        requiredAttestations: [...decommissionAttestations],
        controlTableName: this.controlTable.tableName,
        statusTopicArn: this.statusTopic.topicArn,
      },
    });
    acknowledgeWildcards(
      this.decommission.stateMachine.role,
      { resources: ['*', `${this.functions.decommission.functionArn}:*`] },
      'X-Ray tracing and CloudWatch Logs delivery accept only "*"; <function>:* lets the Decommission state machine' +
        ' invoke versions of its own function (aws-cdk-lib LambdaInvoke grant).',
    );
    // The CLI finds the Decommission state machine from a go-live execution: its state machine carries this tag.
    Tags.of(this.stateMachine).add(DECOMMISSION_TAG, this.decommission.stateMachine.stateMachineArn, {
      includeResourceTypes: ['AWS::StepFunctions::StateMachine'],
    });
    if (dashboardName !== undefined) {
      this.dashboard = new GoLiveDashboard(this, 'Dashboard', {
        instance: props.instance,
        stateMachine: this.stateMachine,
        plan: props.plan,
        queues: this.config.queues,
        dashboardName,
      });
    }
    // AcquireLock asks whether the lock's holder still runs. A separate policy (not the role's default one, which
    // the function depends on) breaks the cycle function → policy → state machine → function.
    const executionsOfThisRunbook = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const describeHolder = new iam.Policy(this, 'AcquireLockDescribeExecution', {
      roles: [this.functions['acquire-lock'].role!],
      statements: [new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsOfThisRunbook] })],
    });
    // Decommission reads how a go-live execution ended; a separate policy for the same reason (its state machine is
    // tagged on the runbook's, so the function must not depend on the runbook).
    const describeGoLive = new iam.Policy(this, 'DecommissionDescribeExecution', {
      roles: [this.functions.decommission.role!],
      statements: [new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsOfThisRunbook] })],
    });
    acknowledgeWildcards(
      describeGoLive,
      { resources: [executionsOfThisRunbook] },
      'Executions of this runbook only (execution:<this state machine>:*): any LIVE one may be decommissioned.',
    );
    acknowledgeWildcards(
      describeHolder,
      { resources: [executionsOfThisRunbook] },
      'Executions of this runbook only (execution:<this state machine>:*): the lock holder is any one of them.',
    );
    acknowledgeWildcards(
      this.stateMachine.role,
      {
        resources: ['*', ...Object.values(this.functions).map((fn) => `${fn.functionArn}:*`)],
      },
      'X-Ray tracing and CloudWatch Logs delivery accept only "*"; <function>:* lets the state machine invoke' +
        ' versions of its own task functions (aws-cdk-lib LambdaInvoke grant).',
    );
  }

  /**
   * switchFlow: one entry flow per service line, adopted (`entryFlows`) or created here with the legacy-bridge
   * content. Created flows are named, not referenced by token: DeployCheck resolves every entry flow by name or ARN.
   */
  private createEntryFlows(props: GoLiveRunbookProps): SwitchFlowConfig {
    const lines = switchFlowLinesOf(props.plan, (line) => props.entryFlows?.[line] ?? defaultEntryFlowName(line));
    const entryFlows: Record<string, connect.CfnContactFlow> = {};
    for (const line of lines.filter((l) => props.entryFlows?.[l.serviceLine] === undefined)) {
      entryFlows[line.serviceLine] = new connect.CfnContactFlow(
        this,
        `EntryFlow${line.serviceLine.replace(/[^A-Za-z0-9]/g, '')}${lines.indexOf(line)}`,
        {
          instanceArn: props.instance.instanceArn,
          name: line.entryFlow,
          type: 'CONTACT_FLOW',
          description: `connect-golive entry flow of service line ${line.serviceLine}: the switchFlow cutover changes its content`,
          content: switchEntryFlowContent({ kind: 'legacy' }, props.legacyNumber!),
        },
      );
    }
    (this as { entryFlows: Record<string, connect.CfnContactFlow> }).entryFlows = entryFlows;
    return { legacyNumber: props.legacyNumber!, lines };
  }

  /** Allow starting and describing executions of this runbook (the CLI's `start`, `status`, `report`). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stateMachine.grantStartExecution(grantee);
    this.stateMachine.grantRead(grantee);
    return grant;
  }

  /** Allow answering the approval gate and the human decision (SendTaskSuccess/Failure on this state machine only). */
  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    this.stateMachine.grantRead(grantee);
    return this.stateMachine.grantTaskResponse(grantee);
  }

  /**
   * Allow `connect-golive abort`: answer pending tokens, stop before cutover (and release the lock), request a
   * rollback after it.
   */
  public grantAbort(grantee: iam.IGrantable): iam.Grant {
    this.grantApprove(grantee);
    this.stateMachine.grantExecution(grantee, 'states:StopExecution');
    return this.controlTable.grant(grantee, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
  }

  /**
   * Allow `connect-golive decommission`: find the Decommission state machine (the runbook's tag), start it, follow
   * it, and read the go-live execution it names. Releasing the UAT number is the point of no return: grant this to
   * the people who may declare it, not to every operator.
   */
  public grantDecommission(grantee: iam.IGrantable): iam.Grant {
    this.stateMachine.grantRead(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: ['states:ListTagsForResource'], resourceArns: [this.stateMachine.stateMachineArn] });
    this.decommission.stateMachine.grantRead(grantee);
    return this.decommission.stateMachine.grantStartExecution(grantee);
  }

  /** Executions that failed: ROLLED_BACK, ABORTED and ROLLBACK_FAILED all end as Fail states. */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Executions that ended LIVE or DRY_RUN_OK. */
  public metricExecutionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /** Executions that timed out. */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /**
   * DeployCheck's go-live readiness reads (issue 12): agents (GetCurrentUserData on the watched queues, whose filter
   * names the resources it authorizes on; ListAgentStatuses on agent-state/*), hours (GetEffectiveHoursOfOperations on
   * the instance and its operating-hours), and the concurrent-calls quota (servicequotas:GetServiceQuota on that one
   * quota's ARN) unless the construct was given the figure. DescribeQueue comes with grantReadConfiguration. Returns the
   * wildcard resources it granted, for the cdk-nag acknowledgement.
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_servicequotas.html
   */
  private grantGoLiveReadiness(props: GoLiveRunbookProps): string[] {
    const fn = this.functions['deploy-check'];
    const instanceArn = props.instance.instanceArn;
    const agentStatuses = `${instanceArn}/agent-state/*`;
    const hours = `${instanceArn}/operating-hours/*`;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:GetCurrentUserData'], resources: [props.instance.queueArnPattern] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:ListAgentStatuses'], resources: [agentStatuses] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['connect:GetEffectiveHoursOfOperations'], resources: [instanceArn, hours] }));
    if (props.concurrentCallsQuota === undefined) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['servicequotas:GetServiceQuota'],
          resources: [
            Stack.of(this).formatArn({
              service: 'servicequotas',
              resource: CONCURRENT_CALLS_QUOTA.serviceCode,
              resourceName: CONCURRENT_CALLS_QUOTA.quotaCode,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          ],
        }),
      );
    }
    return [agentStatuses, hours];
  }

  private handler(name: HandlerName, timeout: Duration, retention: logs.RetentionDays): lambda.Function {
    const id = name
      .split('-')
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('');
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role per handler, instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    // Prebuilt at build time (scripts/build-handlers.ts: esbuild, minified, target node24, AWS SDK v3 external: it
    // comes from the Node.js runtime, for small bundles and SDK fixes without a redeploy), so no synth bundles
    // anything or needs esbuild or Docker, wherever the package is installed.
    return new lambda.Function(this, `${id}Function`, {
      code: lambda.Code.fromAsset(handlerAssetDir(name)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'connect-golive',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Which lambda/<name> this is: the rehearsal maps each task of the synthesized definition to its code.
        CONNECT_GOLIVE_HANDLER: name,
      },
    });
  }

  private grantHandlers(props: GoLiveRunbookProps): void {
    const f = this.functions;
    const instance = props.instance;
    for (const fn of Object.values(f)) this.statusTopic.grantPublish(fn);
    for (const fn of [f['deploy-check'], f.cutover, f.rollback, f.finalize, f.verify]) instance.grantReadConfiguration(fn);
    for (const fn of [f['deploy-check'], f.verify, f.rollback]) instance.grantReadMetrics(fn);
    for (const fn of [f.cutover, f.rollback]) instance.grantRepointPhoneNumbers(fn);
    if ((props.cutoverMode ?? 'repoint') === 'switchFlow') {
      // The cutover and the rollback rewrite entry flows; adopted ones are known by name only at synth, hence contact-flow/*.
      const updateFlows = new iam.PolicyStatement({
        actions: ['connect:UpdateContactFlowContent'],
        resources: [instance.contactFlowArnPattern],
      });
      f.cutover.addToRolePolicy(updateFlows);
      f.rollback.addToRolePolicy(updateFlows);
      // DeployCheck's later batches read the entry flows its first batch recorded (ENTRYFLOWS#<executionArn>).
      this.controlTable.grant(f['deploy-check'], 'dynamodb:GetItem');
    }
    for (const fn of [f.verify, f.rollback]) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          // cloudwatch:GetMetricData has no resource type for metrics: AWS accepts only "*" here.
          actions: ['cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
      );
    }
    for (const fn of [f.cutover, f.verify, f.rollback, f.finalize]) this.controlTable.grant(fn, 'dynamodb:GetItem');
    const goLiveWildcards = this.grantGoLiveReadiness(props);
    // DeployCheck writes the rollback snapshot (one item per batch of numbers).
    this.controlTable.grant(f['deploy-check'], 'dynamodb:PutItem');
    this.controlTable.grant(f['acquire-lock'], 'dynamodb:PutItem');
    this.controlTable.grant(f.finalize, 'dynamodb:DeleteItem');
    // Decommission: reads the go-live's outcome (a separate policy, see the constructor), records the point of no
    // return once, and releases the UAT number: that number only, never a production one.
    this.controlTable.grant(f.decommission, 'dynamodb:GetItem', 'dynamodb:PutItem');
    if (props.uatPhoneNumberArn !== undefined) {
      f.decommission.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['connect:DescribePhoneNumber', 'connect:DisassociatePhoneNumberContactFlow', 'connect:ReleasePhoneNumber'],
          resources: [props.uatPhoneNumberArn],
        }),
      );
    }
    const testCaseArns = [...(props.testCases?.uat ?? []), ...(props.testCases?.routingProof ?? [])].map((t) => t.testCaseArn);
    if (testCaseArns.length > 0) {
      // The Service Authorization Reference the rehearsal's IAM data comes from predates the test-case APIs; the
      // rehearsal assumes each authorizes on the test case ARN (lib/rehearsal/simulator/iam.ts) and grants exactly that.
      f['test-cases'].addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['connect:StartTestCaseExecution', 'connect:GetTestCaseExecutionSummary', 'connect:ListTestCaseExecutionRecords'],
          resources: [...new Set(testCaseArns)],
        }),
      );
    }
    if (props.carrierHook) {
      // An identity policy, not a resource policy: the hook may be imported (fromFunctionArn) from another stack.
      const invokeHook = new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.carrierHook.functionArn] });
      f.cutover.addToRolePolicy(invokeHook);
      f.rollback.addToRolePolicy(invokeHook);
    }
    for (const [name, fn] of Object.entries(f)) {
      acknowledgeWildcards(
        fn.role!,
        {
          resources: [
            instance.phoneNumberArnPattern,
            instance.contactFlowArnPattern,
            instance.queueArnPattern,
            ...(name === 'verify' || name === 'rollback' ? ['*'] : []),
            ...(name === 'deploy-check' ? goLiveWildcards : []),
          ],
          actions: ['kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        },
        'Connect sub-resources of this instance only: plan references (names) resolve at run time and the List*' +
          ' APIs require contact-flow/*, queue/* and agent-state/*; a queue names its hours of operation only at run' +
          ' time (operating-hours/*); phone numbers are account-level ARNs (phone-number/*).' +
          ' cloudwatch:GetMetricData supports no resource type. The KMS actions are the status topic key grant.',
      );
    }
  }
}

interface ResolvedProps {
  readonly minAgentsAvailable: number;
  readonly cutoverMode: CutoverMode;
  readonly verification: VerificationSettings;
  readonly verificationBounds: VerificationBounds;
  readonly minAgentsOnline: number;
  readonly cutoverConcurrency: number;
  readonly requiredAttestations: readonly string[];
}

function validateProps(props: GoLiveRunbookProps, r: ResolvedProps): void {
  if (props.plan.length === 0) throw new Error('plan must list at least one phone number, got: []');
  // DeployCheck, Cutover and Rollback work in batches of 100 driven by the state machine, and the state carries
  // counts, not numbers (lambda/core/batches.ts): the wave size is bounded by what a go-live team can watch and
  // by the plan's size in the task parameters, not by a Lambda timeout. Split a larger migration into waves.
  if (props.plan.length > MAX_WAVE_SIZE)
    throw new Error(`plan must list at most ${MAX_WAVE_SIZE} phone numbers (one wave), got: ${props.plan.length}`);
  const seen = new Set<string>();
  props.plan.forEach((entry: unknown, i) => {
    // Plans often come from JSON (cdk.json context): check the shape, not just the values.
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new Error(`plan[${i}] must be an object { phoneNumber, targetFlow }, got: ${JSON.stringify(entry)}`);
    }
    const { phoneNumber: n, targetFlow } = entry as Record<string, unknown>;
    if (typeof n !== 'string' || (!Token.isUnresolved(n) && !E164.test(n) && !PHONE_ARN.test(n))) {
      throw new Error(
        `plan[${i}].phoneNumber must be an E.164 number like +18005550100 or a phone number ARN, got: ${typeof n === 'string' ? n : JSON.stringify(n)}`,
      );
    }
    if (seen.has(n)) throw new Error(`plan[${i}].phoneNumber is listed twice, got: ${n}`);
    seen.add(n);
    if (typeof targetFlow !== 'string' || (!Token.isUnresolved(targetFlow) && !/^[^\s\x00-\x1f][^\x00-\x1f]{0,511}$/.test(targetFlow))) {
      throw new Error(`plan[${i}].targetFlow must be a flow ARN, id or name, got: ${JSON.stringify(targetFlow)}`);
    }
    const { serviceLine, queues } = entry as Record<string, unknown>;
    if (serviceLine !== undefined && (typeof serviceLine !== 'string' || !/^[^\s\x00-\x1f][^\x00-\x1f]{0,63}$/.test(serviceLine))) {
      throw new Error(`plan[${i}].serviceLine must be a name of 1–64 characters, got: ${JSON.stringify(serviceLine)}`);
    }
    // The metric APIs filter at most 100 queues per call; a line is read in one call.
    if (
      queues !== undefined &&
      (!Array.isArray(queues) ||
        queues.length === 0 ||
        queues.length > 100 ||
        queues.some((q) => typeof q !== 'string' || (!Token.isUnresolved(q) && !/^[^\s\x00-\x1f][^\x00-\x1f]{0,511}$/.test(q))))
    ) {
      throw new Error(`plan[${i}].queues must list 1–100 queue ARNs, ids or names, got: ${JSON.stringify(queues)}`);
    }
  });
  // The plan travels in ValidateInput's and DeployCheck's task parameters, which Step Functions caps at 256 KiB
  // with the state (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); keep half for the state.
  const planBytes = Buffer.byteLength(JSON.stringify(props.plan), 'utf8');
  if (planBytes > MAX_PLAN_BYTES) {
    throw new Error(
      `plan must serialize to at most ${MAX_PLAN_BYTES} bytes (Step Functions' 256 KiB task input), got: ${planBytes} bytes` +
        ' for ' +
        props.plan.length +
        ' entries (use flow ids or names rather than long ARNs, or split the wave)',
    );
  }
  if (props.queues.length === 0) throw new Error('queues must list at least one queue to watch, got: []');
  props.queues.forEach((q: unknown, i) => {
    if (typeof q !== 'string' || (!Token.isUnresolved(q) && !/^[^\s\x00-\x1f][^\x00-\x1f]{0,511}$/.test(q))) {
      throw new Error(`queues[${i}] must be a queue ARN, id or name, got: ${JSON.stringify(q)}`);
    }
    if (props.queues.indexOf(q) !== i) throw new Error(`queues[${i}] is listed twice, got: ${JSON.stringify(q)}`);
  });
  if (!['repoint', 'switchFlow', 'carrierHook', 'manualConfirmation'].includes(r.cutoverMode)) {
    throw new Error(`cutoverMode must be one of repoint, switchFlow, carrierHook, manualConfirmation, got: ${r.cutoverMode}`);
  }
  if (r.cutoverMode === 'switchFlow') {
    if (props.legacyNumber === undefined) throw new Error('legacyNumber is required when cutoverMode is switchFlow, got: undefined');
    if (!Token.isUnresolved(props.legacyNumber) && !E164.test(props.legacyNumber)) {
      throw new Error(`legacyNumber must be an E.164 number like +18005550199, got: ${props.legacyNumber}`);
    }
    for (const [line, flow] of Object.entries(props.entryFlows ?? {})) {
      if (!props.plan.some((e) => (e.serviceLine ?? 'all') === line)) {
        throw new Error(
          `entryFlows.${line} names a service line with no plan entry, got: ${JSON.stringify(Object.keys(props.entryFlows ?? {}))}`,
        );
      }
      if (typeof flow !== 'string' || (!Token.isUnresolved(flow) && !/^[^\s\x00-\x1f][^\x00-\x1f]{0,511}$/.test(flow))) {
        throw new Error(`entryFlows.${line} must be a flow ARN, id or name, got: ${JSON.stringify(flow)}`);
      }
    }
    // One entry flow transfers to one target: every number of a line must share its target flow.
    switchFlowLinesOf(props.plan, defaultEntryFlowName);
    if (props.canarySteps !== undefined) {
      const problem = canaryStepProblems(props.canarySteps)[0];
      if (problem) throw new Error(`canarySteps ${problem}`);
    }
    const step = { ...DEFAULT_CANARY_STEP_VERIFICATION, ...props.canaryStepVerification };
    integer('canaryStepVerification.observationWindowSeconds', step.observationWindowSeconds, 60, 7200);
    integer('canaryStepVerification.warmupSeconds', step.warmupSeconds, 0, step.observationWindowSeconds - 1);
    integer('canaryStepVerification.minContactsForVerdict', step.minContactsForVerdict, 0, 10_000);
  } else {
    if (props.canarySteps !== undefined)
      throw new Error(`canarySteps is only used with cutoverMode switchFlow, got it with: ${r.cutoverMode}`);
    if (props.canaryStepVerification !== undefined) {
      throw new Error(`canaryStepVerification is only used with cutoverMode switchFlow, got it with: ${r.cutoverMode}`);
    }
    if (props.legacyNumber !== undefined)
      throw new Error(`legacyNumber is only used with cutoverMode switchFlow, got it with: ${r.cutoverMode}`);
    if (props.entryFlows !== undefined)
      throw new Error(`entryFlows is only used with cutoverMode switchFlow, got it with: ${r.cutoverMode}`);
  }
  if (r.cutoverMode === 'carrierHook' && !props.carrierHook) {
    throw new Error('carrierHook is required when cutoverMode is carrierHook, got: undefined');
  }
  if (r.cutoverMode !== 'carrierHook' && props.carrierHook) {
    throw new Error(`carrierHook is only used with cutoverMode carrierHook, got it with: ${r.cutoverMode}`);
  }
  const problems = [
    ...validateVerificationBounds(r.verificationBounds, DEFAULT_VERIFICATION, 'verificationBounds'),
    ...validateVerificationSettings(r.verification, r.verificationBounds, 'verification', {
      setByCaller: Object.keys(props.verification ?? {}) as Array<keyof VerificationSettings>,
      isUnresolved: (v) => Token.isUnresolved(v),
    }),
  ];
  if (problems.length > 0) throw new Error(`${problems[0].field} ${problems[0].message}`);
  validateTestCases(props.testCases, props.plan);
  integer('minAgentsOnline', r.minAgentsOnline, 0, 10_000);
  integer('minAgentsAvailable', r.minAgentsAvailable, 0, 10_000);
  // Connect's default is 10 per instance; raised quotas run to the thousands. A figure beyond this is a typo.
  if (props.concurrentCallsQuota !== undefined) integer('concurrentCallsQuota', props.concurrentCallsQuota, 1, 1_000_000);
  (props.expectedCallerIdNumbers ?? []).forEach((n: unknown, i) => {
    if (typeof n !== 'string' || (!Token.isUnresolved(n) && !E164.test(n) && !PHONE_ARN.test(n) && !PHONE_ID.test(n))) {
      throw new Error(
        `expectedCallerIdNumbers[${i}] must be an E.164 number, a phone number ARN or a phone number id, got: ${JSON.stringify(n)}`,
      );
    }
  });
  integer('cutoverConcurrency', r.cutoverConcurrency, 1, 5);
  if (r.requiredAttestations.some((a) => !/^[a-z][a-z0-9-]{0,31}$/.test(a))) {
    throw new Error(`requiredAttestations must be short lower-case words, got: ${JSON.stringify(r.requiredAttestations)}`);
  }
  if (props.uatPhoneNumber !== undefined && !Token.isUnresolved(props.uatPhoneNumber) && !E164.test(props.uatPhoneNumber)) {
    throw new Error(`uatPhoneNumber must be an E.164 number, got: ${props.uatPhoneNumber}`);
  }
  for (const [name, d, maxSeconds] of [
    ['approvalTimeout', props.approvalTimeout, 7 * 86400],
    ['humanDecisionTimeout', props.humanDecisionTimeout, 86400],
    ['allowedLateness', props.allowedLateness, 86400],
    // Two of them (cutover, rollback) must fit in the state machine's timeout with the schedule.
    ['carrierConfirmationTimeout', props.carrierConfirmationTimeout, 86400],
  ] as const) {
    if (d !== undefined && !Token.isUnresolved(d.toSeconds()) && (d.toSeconds() < 60 || d.toSeconds() > maxSeconds)) {
      throw new Error(`${name} must be between 1 minute and ${maxSeconds / 3600} hours, got: ${d.toHumanString()}`);
    }
  }
}

function testCasesConfig(t: RunbookTestCases): NonNullable<RunbookConfig['testCases']> {
  const targets = (list: readonly RunbookTestCase[] | undefined) =>
    (list ?? []).map((c) => ({
      serviceLine: c.serviceLine ?? DEFAULT_SERVICE_LINE,
      testCaseArn: c.testCaseArn,
      ...(c.phoneNumber !== undefined ? { phoneNumber: c.phoneNumber } : {}),
    }));
  return { uat: targets(t.uat), routingProof: targets(t.routingProof) };
}

function validateTestCases(t: RunbookTestCases | undefined, plan: readonly PlanEntry[]): void {
  if (!t) return;
  const lines = new Set(plan.map((e) => e.serviceLine ?? DEFAULT_SERVICE_LINE));
  for (const kind of ['uat', 'routingProof'] as const) {
    const seen = new Set<string>();
    (t[kind] ?? []).forEach((c, i) => {
      const line = c.serviceLine ?? DEFAULT_SERVICE_LINE;
      const at = `testCases.${kind}[${i}]`;
      if (!Token.isUnresolved(c.testCaseArn) && !TEST_CASE_ARN.test(c.testCaseArn)) {
        throw new Error(`${at}.testCaseArn must be a test case ARN (…:instance/ID/test-case/ID), got: ${c.testCaseArn}`);
      }
      if (!Token.isUnresolved(line) && !lines.has(line)) {
        throw new Error(`${at}.serviceLine must be a service line of the plan (${[...lines].join(', ')}), got: ${line}`);
      }
      if (seen.has(line)) throw new Error(`${at}.serviceLine has a second ${kind} test case, got: ${line}`);
      seen.add(line);
      if (c.phoneNumber !== undefined && !Token.isUnresolved(c.phoneNumber) && !E164.test(c.phoneNumber)) {
        throw new Error(`${at}.phoneNumber must be an E.164 number, got: ${c.phoneNumber}`);
      }
    });
  }
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${name} must be a whole number between ${min} and ${max}, got: ${value}`);
  }
}

function validateHypercare(hypercare: Duration, pollInterval: Duration): void {
  const seconds = hypercare.toSeconds();
  const interval = pollInterval.toSeconds();
  if (Token.isUnresolved(seconds) || Token.isUnresolved(interval)) return;
  if (interval < 10 || interval > 3600) {
    throw new Error(`hypercarePollInterval must be between 10 seconds and 1 hour, got: ${pollInterval.toHumanString()}`);
  }
  if (seconds < 0 || seconds > 7 * 86400) throw new Error(`hypercare must be between 0 and 7 days, got: ${hypercare.toHumanString()}`);
  if (seconds / interval > MAX_HYPERCARE_POLLS) {
    throw new Error(
      `hypercare must take at most ${MAX_HYPERCARE_POLLS} polls of hypercarePollInterval (${pollInterval.toHumanString()}), got: ` +
        `${hypercare.toHumanString()} (${Math.ceil(seconds / interval)} polls; Step Functions keeps at most 25,000 history events): ` +
        'lengthen hypercarePollInterval',
    );
  }
}
