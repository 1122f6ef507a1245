import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULT_SERVICE_LINE } from '../lambda/core/verdict';
import { ConnectInstance } from './connect-instance';
import { GoLiveTestCases, TestCaseContent } from './go-live-test-cases';
import { entryFlowContent, legacyBridgeFlowContent } from './private/flow-content';
import { GoLiveRunbook, GoLiveRunbookProps } from './runbook/go-live-runbook';
import { PhoneNumberType, UatPhoneNumber } from './uat-phone-number';

/** Properties of the default app's {@link ContactCenterStack}. */
export interface ContactCenterStackProps extends StackProps {
  /**
   * Alias of the Connect instance.
   * @default 'golive-contact-center'
   */
  readonly instanceAlias?: string;
  /**
   * Country of the UAT number.
   * @default 'US'
   */
  readonly countryCode?: string;
  /**
   * Kind of UAT number.
   * @default PhoneNumberType.DID
   */
  readonly phoneNumberType?: PhoneNumberType;
  /**
   * The legacy platform's E.164 number that the LegacyBridge flow transfers callers to during parallel running.
   * @default '+18005550199'
   */
  readonly legacyNumber?: string;
  /**
   * Name of the queue callers wait in.
   * @default 'Support'
   */
  readonly queueName?: string;
  /**
   * The cutover plan of the runbook: the production numbers (claimed or ported into the instance) and the flow
   * each moves to, by ARN, id or name.
   * @default - one example entry: +18005550100 → the entry flow ('Main'); replace it with your wave
   */
  readonly plan?: GoLiveRunbookProps['plan'];
  /**
   * Queues the runbook checks staffing on and watches after cutover (ARN, id or name).
   * @default - the stack's queue
   */
  readonly watchQueues?: readonly string[];
  /**
   * Whether the entry flow turns call recording on (voice, agent and customer) before callers are queued, so the
   * instance's encrypted recordings bucket receives every agent conversation. `false` leaves the action out: the
   * instance keeps its recordings storage, but no call is recorded unless another flow or StartContactRecording
   * turns it on (DeployCheck then warns, or refuses with the runbook's `requireRecording`).
   * @default true
   * @see https://docs.aws.amazon.com/connect/latest/adminguide/set-up-recordings.html
   */
  readonly callRecording?: boolean;
  /**
   * ARN of the Lambda function that repoints numbers at the carrier (cutoverMode `carrierHook`); imported, so it may
   * live in another stack. Ignored when `runbook.carrierHook` is given.
   * @default - none
   */
  readonly carrierHookArn?: string;
  /**
   * Connect test cases for the entry flow: per service line of the plan, a UAT test case against the UAT number and
   * a routing proof against the line's first number, each expecting the entry flow's greeting and ending before
   * the queue (no live agent is reached). They run only for plan entries whose target flow is the entry flow.
   * @default true
   */
  readonly testCases?: boolean;
  /**
   * Further runbook settings (verification thresholds, timeouts, cutover mode…).
   * @default - the GoLiveRunbook defaults
   */
  readonly runbook?: Omit<GoLiveRunbookProps, 'instance' | 'plan' | 'queues'>;
}

/** What the entry flow says first: the default test cases listen for it. */
const ENTRY_GREETING = 'Thank you for calling. Please hold while we connect you to the next available agent.';

/** Names of the default app's flows, which cutover plans may refer to. */
export const DEFAULT_FLOW_NAMES = { entry: 'Main', legacyBridge: 'LegacyBridge' } as const;

/**
 * The default app: a Connect instance with encrypted recordings, 24/7 hours, one queue, the entry flow (greeting,
 * then the queue), the LegacyBridge flow (transfer to the legacy platform during parallel running) and a UAT
 * number on the entry flow, and the go-live runbook for the plan.
 */
export class ContactCenterStack extends Stack {
  public readonly instance: ConnectInstance;
  public readonly queue: connect.CfnQueue;
  public readonly entryFlow: connect.CfnContactFlow;
  public readonly legacyBridgeFlow: connect.CfnContactFlow;
  public readonly uatNumber: UatPhoneNumber;
  /** The UAT test cases and routing proofs (absent with `testCases: false`). */
  public readonly testCases?: GoLiveTestCases;
  public readonly runbook: GoLiveRunbook;

  constructor(scope: Construct, id: string, props: ContactCenterStackProps = {}) {
    super(scope, id, props);
    const queueName = props.queueName ?? 'Support';
    if (!Token.isUnresolved(queueName) && !/^[^\x00-\x1f]{1,127}$/.test(queueName)) {
      throw new Error(`queueName must be 1-127 characters without control characters, got: ${queueName}`);
    }

    const legacyNumber = props.legacyNumber ?? '+18005550199';
    this.instance = new ConnectInstance(this, 'Instance', {
      instanceAlias: props.instanceAlias ?? 'golive-contact-center',
    });

    const hours = new connect.CfnHoursOfOperation(this, 'AlwaysOpen', {
      instanceArn: this.instance.instanceArn,
      name: 'Always open',
      description: 'Open 24/7',
      timeZone: 'UTC',
      config: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({
        day,
        startTime: { hours: 0, minutes: 0 },
        endTime: { hours: 23, minutes: 59 },
      })),
    });

    this.queue = new connect.CfnQueue(this, 'Queue', {
      instanceArn: this.instance.instanceArn,
      name: queueName,
      description: 'Inbound callers waiting for an agent',
      hoursOfOperationArn: hours.attrHoursOfOperationArn,
    });

    this.entryFlow = new connect.CfnContactFlow(this, 'EntryFlow', {
      instanceArn: this.instance.instanceArn,
      name: DEFAULT_FLOW_NAMES.entry,
      type: 'CONTACT_FLOW',
      description: 'Greets the caller and transfers to the queue',
      content: entryFlowContent({
        greeting: ENTRY_GREETING,
        queueArn: this.queue.attrQueueArn,
        callRecording: props.callRecording ?? true,
      }),
    });

    this.legacyBridgeFlow = new connect.CfnContactFlow(this, 'LegacyBridgeFlow', {
      instanceArn: this.instance.instanceArn,
      name: DEFAULT_FLOW_NAMES.legacyBridge,
      type: 'CONTACT_FLOW',
      description: 'Parallel running: transfers the caller to the legacy platform',
      content: legacyBridgeFlowContent({ legacyNumber }),
    });

    this.uatNumber = new UatPhoneNumber(this, 'UatNumber', {
      instance: this.instance,
      contactFlowArn: this.entryFlow.attrContactFlowArn,
      countryCode: props.countryCode,
      type: props.phoneNumberType,
    });

    const plan = props.plan ?? [{ phoneNumber: '+18005550100', targetFlow: DEFAULT_FLOW_NAMES.entry }];
    if (props.testCases ?? true) {
      this.testCases = this.entryFlowTestCases(plan);
    }

    this.runbook = new GoLiveRunbook(this, 'Runbook', {
      uatPhoneNumber: this.uatNumber.phoneNumber,
      // The decommission releases this number, and only this one.
      uatPhoneNumberArn: this.uatNumber.phoneNumberArn,
      ...(props.carrierHookArn !== undefined
        ? { carrierHook: lambda.Function.fromFunctionArn(this, 'CarrierHook', props.carrierHookArn) }
        : {}),
      ...(this.testCases ? { testCases: this.testCases.runbookTestCases } : {}),
      ...props.runbook,
      // switchFlow: the entry flows bridge to the same legacy number as the LegacyBridge flow.
      ...(props.runbook?.cutoverMode === 'switchFlow' ? { legacyNumber: props.runbook.legacyNumber ?? legacyNumber } : {}),
      instance: this.instance,
      plan,
      queues: props.watchQueues ?? [queueName],
    });

    new CfnOutput(this, 'InstanceArn', { value: this.instance.instanceArn });
    new CfnOutput(this, 'RunbookStateMachineArn', {
      value: this.runbook.stateMachine.stateMachineArn,
      description: 'connect-golive start --state-machine <this ARN> --change-id CHG-123',
    });
    new CfnOutput(this, 'DecommissionStateMachineArn', {
      value: this.runbook.decommission.stateMachine.stateMachineArn,
      description: 'connect-golive decommission <go-live execution ARN> --approver NAME --attest porting-complete --attest legacy-off',
    });
    new CfnOutput(this, 'StatusTopicArn', { value: this.runbook.statusTopic.topicArn, description: 'Subscribe the bridge here' });
    if (this.runbook.dashboard) {
      new CfnOutput(this, 'GoLiveDashboardUrl', {
        value: this.runbook.dashboard.dashboardUrl,
        description: 'The go-live dashboard: runbook executions and the Connect metrics it verifies, per service line',
      });
    }
    new CfnOutput(this, 'UatPhoneNumber', {
      value: this.uatNumber.phoneNumber,
      description: 'Call this number to run the UAT scripts against the entry flow',
    });
  }

  /**
   * One UAT test case and one routing proof per service line whose numbers move to the entry flow: each expects the
   * entry flow's greeting and ends the test before the transfer to the queue.
   */
  private entryFlowTestCases(plan: NonNullable<ContactCenterStackProps['plan']>): GoLiveTestCases | undefined {
    const entryRefs = new Set<string>([DEFAULT_FLOW_NAMES.entry, this.entryFlow.attrContactFlowArn]);
    const uatLines = new Set<string>();
    const lines = new Map<string, string>();
    for (const e of plan as readonly unknown[]) {
      // A malformed entry is left to GoLiveRunbook, which rejects the plan naming the entry and the value.
      if (e === null || typeof e !== 'object') continue;
      const { phoneNumber, targetFlow, serviceLine } = e as Record<string, unknown>;
      if (typeof phoneNumber !== 'string' || typeof targetFlow !== 'string' || !entryRefs.has(targetFlow)) continue;
      const line = typeof serviceLine === 'string' ? serviceLine : DEFAULT_SERVICE_LINE;
      uatLines.add(line);
      // Only E.164 entries: a test case's entry point is a phone number, not a phone number ARN.
      if (!lines.has(line) && (Token.isUnresolved(phoneNumber) || /^\+[1-9]\d{1,14}$/.test(phoneNumber))) lines.set(line, phoneNumber);
    }
    if (uatLines.size === 0) return undefined;
    const content = TestCaseContent.expectPromptThenEnd(ENTRY_GREETING);
    return new GoLiveTestCases(this, 'TestCases', {
      instance: this.instance,
      uatPhoneNumber: this.uatNumber.phoneNumber,
      uat: [...uatLines].map((serviceLine) => ({ serviceLine, content })),
      routingProof: [...lines.entries()].map(([serviceLine, phoneNumber]) => ({ serviceLine, phoneNumber, content })),
    });
  }
}
