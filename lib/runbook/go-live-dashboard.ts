import { Annotations, Aws, Duration, Names, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PlanEntry } from '../../lambda/core/types';
import { serviceLinesOf } from '../../lambda/core/verdict';
import { IConnectInstance } from '../connect-instance';

/** Properties of a {@link GoLiveDashboard}. */
export interface GoLiveDashboardProps {
  /** The instance whose `AWS/Connect` metrics are charted. */
  readonly instance: IConnectInstance;
  /** The runbook's state machine, whose executions are charted. */
  readonly stateMachine: sfn.IStateMachine;
  /** The cutover plan: its service lines (entries grouped by `serviceLine`) each get a row. */
  readonly plan: readonly PlanEntry[];
  /** The runbook's watched queues: a line whose entries name no queues is charted over these. */
  readonly queues: readonly string[];
  /**
   * The dashboard's name: 1–255 letters, digits, `-` and `_`, unique in the account (dashboards are global).
   * @default - a name unique to this construct's path in the app
   */
  readonly dashboardName?: string;
  /**
   * The period of the Connect graphs. Connect publishes one datapoint per minute.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/**
 * What Connect publishes to CloudWatch and with which dimensions (Admin Guide, "Monitoring your instance using
 * CloudWatch", https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html):
 * - VoiceCalls (InstanceId, MetricGroup): ConcurrentCalls, ConcurrentCallsPercentage, CallsBreachingConcurrencyQuota,
 *   ThrottledCalls, MissedCalls, MisconfiguredPhoneNumbers — the same dimensions Verify queries
 *   (lambda/shared/metrics.ts);
 * - ContactFlow (InstanceId, MetricGroup, ContactFlowName): ContactFlowErrors, ContactFlowFatalErrors;
 * - Queue (InstanceId, MetricGroup, QueueName): QueueSize, LongestQueueWaitTime, QueueCapacityExceededError. These
 *   are the only queue metrics in CloudWatch; abandonment rate and handle time come from GetMetricDataV2 only, so
 *   the runbook's status messages and evidence report carry them, not this dashboard.
 * Connect sends nothing for a quiet minute, so an empty graph means no activity, not health.
 */
const NAMESPACE = 'AWS/Connect';
/** A dashboard holds at most 500 widgets (CloudWatch API Reference, "Dashboard Body Structure and Syntax"). */
const MAX_WIDGETS = 500;
/**
 * Metrics per graph: the console draws more, but GetMetricWidgetImage (snapshots of a graph) takes at most 100
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricWidgetImage.html): the stricter limit.
 */
const MAX_METRICS_PER_GRAPH = 100;
const FULL_WIDTH = 24;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The go-live dashboard: the runbook's executions and, per service line, the Connect metrics the runbook verifies,
 * so the bridge watches what the runbook judges. Its {@link dashboardUrl} goes into every status message.
 *
 * Flows and queues are charted by name (the CloudWatch dimensions are names). A plan that refers to a flow or a
 * queue by ARN or id cannot be charted without a lookup at deploy time: those references are listed in the line's
 * header and a synth warning, and left out.
 *
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html
 */
export class GoLiveDashboard extends Construct {
  /** The underlying dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard's name. */
  public readonly dashboardName: string;
  /** The dashboard in the CloudWatch console of the stack's region (aws partition console). */
  public readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: GoLiveDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    this.dashboardName = props.dashboardName ?? Names.uniqueResourceName(this, { maxLength: 255, separator: '-' });
    if (!Token.isUnresolved(this.dashboardName) && !DASHBOARD_NAME.test(this.dashboardName)) {
      throw new Error(`dashboardName must be 1-255 letters, digits, - or _, got: ${this.dashboardName}`);
    }
    if (!Token.isUnresolved(period.toSeconds()) && (period.toSeconds() < 60 || period.toSeconds() % 60 !== 0)) {
      throw new Error(`period must be a whole number of minutes (Connect publishes per minute), got: ${period.toHumanString()}`);
    }
    const instanceId = props.instance.instanceId;

    const connectMetric = (metricName: string, dimensionsMap: Record<string, string>, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: NAMESPACE,
        metricName,
        dimensionsMap: { InstanceId: instanceId, ...dimensionsMap },
        statistic,
        period,
        label,
      });
    const voice = (metricName: string, statistic: string) => connectMetric(metricName, { MetricGroup: 'VoiceCalls' }, statistic);

    // Executions are rare: five-minute sums show each one.
    const executions = { period: Duration.minutes(5), statistic: 'Sum' };
    const header: cloudwatch.IWidget[] = [
      new cloudwatch.TextWidget({
        width: FULL_WIDTH,
        height: 2,
        markdown:
          '# Go-live\n' +
          "The runbook's executions, the instance's voice calls, and per service line the target flows' errors and the queues it watches " +
          '(`AWS/Connect`, one datapoint per minute, none in a quiet minute). Abandonment rate and handle time are in the status messages.',
      }),
      new cloudwatch.GraphWidget({
        title: 'Runbook executions',
        width: 8,
        height: 6,
        left: [
          props.stateMachine.metricStarted({ ...executions, label: 'started' }),
          props.stateMachine.metricSucceeded({ ...executions, label: 'succeeded (LIVE, DRY_RUN_OK)' }),
          props.stateMachine.metricFailed({ ...executions, label: 'failed (ROLLED_BACK, ABORTED, …)' }),
          props.stateMachine.metricTimedOut({ ...executions, label: 'timed out' }),
          props.stateMachine.metricAborted({ ...executions, label: 'aborted (stopped)' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Concurrent calls',
        width: 8,
        height: 6,
        left: [voice('ConcurrentCalls', 'Maximum')],
        right: [voice('ConcurrentCallsPercentage', 'Maximum')],
        rightYAxis: { min: 0, max: 100, label: '% of quota' },
      }),
      new cloudwatch.GraphWidget({
        title: 'Calls not reaching a flow or an agent',
        width: 8,
        height: 6,
        left: [
          voice('CallsBreachingConcurrencyQuota', 'Sum'),
          voice('ThrottledCalls', 'Sum'),
          voice('MisconfiguredPhoneNumbers', 'Sum'),
          voice('MissedCalls', 'Sum'),
        ],
      }),
    ];

    const lines = serviceLinesOf(props.plan, props.queues);
    const perLine = 3;
    const fitting = Math.floor((MAX_WIDGETS - header.length) / perLine);
    if (lines.length > fitting) {
      Annotations.of(this).addWarningV2(
        'connect-golive:dashboardLines',
        `the dashboard charts the first ${fitting} of ${lines.length} service lines (a dashboard holds ${MAX_WIDGETS} widgets)`,
      );
    }
    const rows: cloudwatch.IWidget[][] = [header];
    for (const line of lines.slice(0, fitting)) {
      const flows = chartable(line.targetFlows, MAX_METRICS_PER_GRAPH / 2);
      const queues = chartable(line.queues, MAX_METRICS_PER_GRAPH / 2);
      const skipped = [...flows.skipped, ...queues.skipped];
      if (skipped.length > 0) {
        Annotations.of(this).addWarningV2(
          'connect-golive:dashboardReferences',
          `service line ${line.serviceLine}: not charted (CloudWatch dimensions are names; give names, or more than ${MAX_METRICS_PER_GRAPH / 2} per graph): ${skipped.join(', ')}`,
        );
      }
      rows.push([
        new cloudwatch.TextWidget({
          width: FULL_WIDTH,
          height: skipped.length > 0 ? 2 : 1,
          markdown:
            `## Service line ${line.serviceLine}` +
            (skipped.length > 0 ? `\nNot charted (referred to by ARN or id, or beyond the graph limit): ${skipped.join(', ')}` : ''),
        }),
      ]);
      rows.push([
        new cloudwatch.GraphWidget({
          title: `${line.serviceLine}: target flow errors`,
          width: 12,
          height: 6,
          left: flows.names.flatMap((name) => [
            connectMetric('ContactFlowErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }, 'Sum', `${name} errors`),
            connectMetric('ContactFlowFatalErrors', { MetricGroup: 'ContactFlow', ContactFlowName: name }, 'Sum', `${name} fatal errors`),
          ]),
        }),
        new cloudwatch.GraphWidget({
          title: `${line.serviceLine}: queues`,
          width: 12,
          height: 6,
          left: queues.names.map((name) =>
            connectMetric('QueueSize', { MetricGroup: 'Queue', QueueName: name }, 'Maximum', `${name} in queue`),
          ),
          right: queues.names.map((name) =>
            connectMetric('LongestQueueWaitTime', { MetricGroup: 'Queue', QueueName: name }, 'Maximum', `${name} longest wait (s)`),
          ),
        }),
      ]);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: this.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
    this.dashboardUrl = GoLiveDashboard.urlOf(this.dashboardName);
  }

  /**
   * The CloudWatch console URL of a dashboard in the stack's region (`#dashboards:name=`; the aws partition's
   * console, not the China or GovCloud ones).
   */
  public static urlOf(dashboardName: string): string {
    return `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboardName}`;
  }
}

/**
 * The references CloudWatch can chart: names. ARNs, ids (UUIDs), unresolved tokens and names with non-ASCII
 * characters (CloudWatch does not show those queues, per the Admin Guide page above) are skipped, as is
 * anything beyond `max`.
 */
function chartable(refs: readonly string[], max: number): { names: string[]; skipped: string[] } {
  const names: string[] = [];
  const skipped: string[] = [];
  for (const ref of refs) {
    const isName = !Token.isUnresolved(ref) && !ref.startsWith('arn:') && !UUID.test(ref) && /^[\x20-\x7e]+$/.test(ref);
    if (isName && names.length < max) names.push(ref);
    else skipped.push(Token.isUnresolved(ref) ? '(a token)' : ref);
  }
  return { names, skipped };
}
