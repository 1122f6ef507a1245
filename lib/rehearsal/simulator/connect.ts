/**
 * Amazon Connect, restJson1: one HTTP verb and path per operation, labels in the path, a JSON body, errors as
 * the `x-amzn-errortype` header plus a JSON body with `Message` — read from the installed
 * @aws-sdk/client-connect operation schemas (`AssociatePhoneNumberContactFlow$` etc. in dist-cjs/index.js).
 */
import type { SimulatedClock } from './clock';
import { ApiError, ContactFlowNotPublishedError, type ErrorTable, required } from './errors';
import type { MetricTimeline } from './metrics';
import {
  type ParsedCall,
  type ProtocolModule,
  type SimRequest,
  type WireResponse,
  epochSeconds,
  jsonResponse,
  list,
  tidy,
  num,
  obj,
  str,
} from './protocol';
import type { ContactCenterState, SimFlow, SimPhoneNumber, SimQueue } from './state';
import { OFFLINE_STATUS, ROUTABLE_STATUS } from '../scenario';
import { INSTANCE_ARN, REGION, phoneNumberIdFor, stableId } from './ids';
import { entryFlowContent } from '../../private/flow-content';

export interface ConnectContext {
  readonly state: ContactCenterState;
  readonly metrics: MetricTimeline;
  readonly clock: SimulatedClock;
  /** Page size of the List operations when the caller gives no MaxResults. */
  readonly defaultPageSize: number;
}

interface Route {
  readonly method: string;
  /** Path segments; `{Name}` is a label. */
  readonly segments: readonly string[];
  readonly operation: string;
  /** Query parameter → input member. */
  readonly query?: Readonly<Record<string, string>>;
  /** Query parameters that repeat (lists). */
  readonly listQuery?: Readonly<Record<string, string>>;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', segments: ['instance', '{InstanceId}'], operation: 'DescribeInstance' },
  {
    method: 'GET',
    segments: ['contact-flows-summary', '{InstanceId}'],
    operation: 'ListContactFlows',
    query: { nextToken: 'NextToken', maxResults: 'MaxResults' },
    listQuery: { contactFlowTypes: 'ContactFlowTypes' },
  },
  { method: 'GET', segments: ['contact-flows', '{InstanceId}', '{ContactFlowId}'], operation: 'DescribeContactFlow' },
  { method: 'POST', segments: ['phone-number', 'list'], operation: 'ListPhoneNumbersV2' },
  { method: 'GET', segments: ['phone-number', '{PhoneNumberId}'], operation: 'DescribePhoneNumber' },
  {
    method: 'GET',
    segments: ['queues-summary', '{InstanceId}'],
    operation: 'ListQueues',
    query: { nextToken: 'NextToken', maxResults: 'MaxResults' },
    listQuery: { queueTypes: 'QueueTypes' },
  },
  { method: 'GET', segments: ['queues', '{InstanceId}', '{QueueId}'], operation: 'DescribeQueue' },
  {
    method: 'PUT',
    segments: ['phone-number', '{PhoneNumberId}', 'contact-flow'],
    operation: 'AssociatePhoneNumberContactFlow',
  },
  {
    method: 'DELETE',
    segments: ['phone-number', '{PhoneNumberId}', 'contact-flow'],
    operation: 'DisassociatePhoneNumberContactFlow',
    query: { instanceId: 'InstanceId' },
  },
  // https://docs.aws.amazon.com/connect/latest/APIReference/API_ReleasePhoneNumber.html: DELETE /phone-number/{PhoneNumberId}?clientToken=
  {
    method: 'DELETE',
    segments: ['phone-number', '{PhoneNumberId}'],
    operation: 'ReleasePhoneNumber',
    query: { clientToken: 'ClientToken' },
  },
  { method: 'POST', segments: ['flow-associations-batch', '{InstanceId}'], operation: 'BatchGetFlowAssociation' },
  {
    method: 'GET',
    segments: ['flow-associations-summary', '{InstanceId}'],
    operation: 'ListFlowAssociations',
    query: { ResourceType: 'ResourceType', nextToken: 'NextToken', maxResults: 'MaxResults' },
  },
  { method: 'POST', segments: ['metrics', 'current', '{InstanceId}'], operation: 'GetCurrentMetricData' },
  { method: 'POST', segments: ['metrics', 'data'], operation: 'GetMetricDataV2' },
  { method: 'POST', segments: ['metrics', 'userdata', '{InstanceId}'], operation: 'GetCurrentUserData' },
  {
    method: 'GET',
    segments: ['agent-status', '{InstanceId}'],
    operation: 'ListAgentStatuses',
    query: { nextToken: 'NextToken', maxResults: 'MaxResults' },
    listQuery: { AgentStatusTypes: 'AgentStatusTypes' },
  },
  {
    method: 'GET',
    segments: ['effective-hours-of-operations', '{InstanceId}', '{HoursOfOperationId}'],
    operation: 'GetEffectiveHoursOfOperations',
    query: { fromDate: 'FromDate', toDate: 'ToDate' },
  },
];

const ERRORS: ErrorTable = {
  Throttling: { status: 429, code: 'ThrottlingException' },
  Internal: { status: 500, code: 'InternalServiceException' },
  NotFound: { status: 404, code: 'ResourceNotFoundException' },
  InvalidParameter: { status: 400, code: 'InvalidParameterException' },
  MissingParameter: { status: 400, code: 'InvalidParameterException' },
  InvalidRequest: { status: 400, code: 'InvalidRequestException' },
  ConditionalCheckFailed: { status: 400, code: 'InvalidRequestException' },
  UnknownOperation: { status: 404, code: 'UnknownOperationException' },
};

/** Error codes whose HTTP status is not their kind's (the pinned @aws-sdk/client-connect model: ResourceInUseException is 409). */
const CODE_STATUS: Readonly<Record<string, number>> = { ResourceInUseException: 409 };

/** The operations that change an association: the rehearsal's `writeCalls`. */
export const CONNECT_WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'AssociatePhoneNumberContactFlow',
  'DisassociatePhoneNumberContactFlow',
]);

type Input = Readonly<Record<string, unknown>>;

export class ConnectProtocol implements ProtocolModule {
  readonly service = 'connect' as const;

  constructor(private readonly ctx: ConnectContext) {}

  parse(req: SimRequest): ParsedCall {
    const segments = req.path.split('/').filter((s) => s !== '');
    for (const route of ROUTES) {
      if (route.method !== req.method || route.segments.length !== segments.length) continue;
      const labels: Record<string, string> = {};
      const matches = route.segments.every((pattern, i) => {
        const m = /^\{(\w+)\}$/.exec(pattern);
        if (m) {
          labels[m[1]] = decodeURIComponent(segments[i]);
          return true;
        }
        return pattern === segments[i];
      });
      if (!matches) continue;
      let body: Record<string, unknown> = {};
      if (req.body.trim() !== '') {
        try {
          const parsed: unknown = JSON.parse(req.body);
          body = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
        } catch {
          throw new ApiError('InvalidRequest', 'The request body is not valid JSON');
        }
      }
      const query: Record<string, unknown> = {};
      for (const [param, member] of Object.entries(route.query ?? {})) {
        const v = req.query.get(param);
        if (v !== null) query[member] = v;
      }
      for (const [param, member] of Object.entries(route.listQuery ?? {})) {
        const vs = req.query.getAll(param);
        if (vs.length > 0) query[member] = vs;
      }
      return { operation: route.operation, input: { ...body, ...query, ...labels } };
    }
    throw new ApiError('UnknownOperation', `No Amazon Connect operation for ${req.method} ${req.path}`);
  }

  handle(call: ParsedCall): unknown {
    const i = call.input;
    switch (call.operation) {
      case 'DescribeInstance':
        return this.describeInstance(i);
      case 'ListContactFlows':
        return this.listContactFlows(i);
      case 'DescribeContactFlow':
        return this.describeContactFlow(i);
      case 'ListPhoneNumbersV2':
        return this.listPhoneNumbersV2(i);
      case 'DescribePhoneNumber':
        return this.describePhoneNumber(i);
      case 'ListQueues':
        return this.listQueues(i);
      case 'DescribeQueue':
        return this.describeQueue(i);
      case 'AssociatePhoneNumberContactFlow':
        return this.associate(i);
      case 'DisassociatePhoneNumberContactFlow':
        return this.disassociate(i);
      case 'ReleasePhoneNumber':
        return this.release(i);
      case 'BatchGetFlowAssociation':
        return this.batchGetFlowAssociation(i);
      case 'ListFlowAssociations':
        return this.listFlowAssociations(i);
      case 'GetCurrentMetricData':
        return this.getCurrentMetricData(i);
      case 'GetMetricDataV2':
        return this.getMetricDataV2(i);
      case 'GetCurrentUserData':
        return this.getCurrentUserData(i);
      case 'ListAgentStatuses':
        return this.listAgentStatuses(i);
      case 'GetEffectiveHoursOfOperations':
        return this.getEffectiveHoursOfOperations(i);
      default:
        throw new ApiError('UnknownOperation', `Operation ${call.operation} is not simulated`);
    }
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    return jsonResponse(200, 'application/json', requestId, output);
  }

  /**
   * Connect's answer when a metric request finds nothing: GetCurrentMetricData and GetMetricDataV2 document an
   * empty MetricResults list for "the request cannot find any data".
   */
  empty(call: ParsedCall, output: unknown): unknown {
    switch (call.operation) {
      case 'GetCurrentMetricData':
        return { ...(output as Record<string, unknown>), MetricResults: [], ApproximateTotalCount: 0 };
      case 'GetMetricDataV2':
        return { ...(output as Record<string, unknown>), MetricResults: [] };
      default:
        throw new Error(`EmptyResult does not apply to ${call.operation}`);
    }
  }

  error(err: ApiError, requestId: string): WireResponse {
    const wire = err.code ? { status: CODE_STATUS[err.code] ?? ERRORS[err.kind].status, code: err.code } : ERRORS[err.kind];
    return jsonResponse(
      wire.status,
      'application/json',
      requestId,
      { Message: err.message, ...err.extra },
      {
        headers: { 'x-amzn-errortype': wire.code },
        errorCode: wire.code,
      },
    );
  }

  // ---- instance, flows, queues -------------------------------------------------------------------------------

  private instance(ref: string | undefined, member = 'InstanceId'): void {
    required(ref, member);
    if (!this.ctx.state.isInstance(ref)) {
      throw new ApiError('NotFound', `Instance not found: ${ref}`);
    }
  }

  private describeInstance(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const s = this.ctx.state;
    return {
      Instance: {
        Id: s.instanceId,
        Arn: s.instanceArn,
        IdentityManagementType: 'CONNECT_MANAGED',
        InstanceAlias: s.instanceAlias,
        CreatedTime: epochSeconds(Date.UTC(2025, 0, 1)),
        ServiceRole: `arn:aws:iam::123456789012:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
        InstanceStatus: s.instanceStatus,
        ...(s.instanceStatus === 'CREATION_FAILED' ? { StatusReason: { Message: 'Instance creation failed' } } : {}),
        InboundCallsEnabled: true,
        OutboundCallsEnabled: true,
        InstanceAccessUrl: `https://${s.instanceAlias}.my.connect.aws`,
        Tags: {},
      },
    };
  }

  private listContactFlows(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const types = list(i, 'ContactFlowTypes');
    const flows = this.ctx.state.flows.filter(() => !types || types.includes('CONTACT_FLOW'));
    const { items, NextToken } = this.page(flows, i, 1000);
    return {
      ContactFlowSummaryList: items.map((f) => ({
        Id: f.id,
        Arn: f.arn,
        Name: f.name,
        ContactFlowType: 'CONTACT_FLOW',
        ContactFlowState: f.state,
        ContactFlowStatus: f.status,
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  private describeContactFlow(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const flow = this.flow(str(i, 'ContactFlowId'));
    // A scenario flow with `published: false` was never published (SAVED only): AWS answers an error, not a status.
    if (flow.status !== 'PUBLISHED') {
      throw new ContactFlowNotPublishedError(flow.id);
    }
    return {
      ContactFlow: {
        Arn: flow.arn,
        Id: flow.id,
        Name: flow.name,
        Type: 'CONTACT_FLOW',
        State: flow.state,
        Status: flow.status,
        Description: `Simulated flow ${flow.name}`,
        Content: this.flowContent(flow),
        Tags: {},
      },
    };
  }

  /**
   * A flow's content as DescribeContactFlow returns it (a flow-language JSON string): the library's entry flow
   * into the first queue, with or without the recording action (scenario `flows[].recording`), so DeployCheck's
   * recording check reads real flow language.
   */
  private flowContent(flow: SimFlow): string {
    return entryFlowContent({
      greeting: `Simulated flow ${flow.name}`.slice(0, 1000),
      queueArn: this.ctx.state.queues[0].arn,
      callRecording: flow.recording,
    });
  }

  private flow(ref: string | undefined): SimFlow {
    required(ref, 'ContactFlowId');
    const flow = this.ctx.state.flowByRef(ref);
    if (!flow) {
      throw new ApiError('NotFound', `Contact flow not found: ${ref}`);
    }
    return flow;
  }

  private listQueues(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const types = list(i, 'QueueTypes');
    const queues = this.ctx.state.queues.filter(() => !types || types.includes('STANDARD'));
    const { items, NextToken } = this.page(queues, i, 1000);
    return {
      QueueSummaryList: items.map((q) => ({
        Id: q.id,
        Arn: q.arn,
        Name: q.name,
        QueueType: 'STANDARD',
        LastModifiedTime: epochSeconds(Date.UTC(2025, 0, 1)),
        LastModifiedRegion: REGION,
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  private describeQueue(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const q = this.queue(str(i, 'QueueId'), 'QueueId');
    return {
      Queue: {
        Name: q.name,
        QueueArn: q.arn,
        QueueId: q.id,
        Description: `Simulated queue ${q.name}`,
        HoursOfOperationId: q.hours.id,
        ...(q.outboundCallerId !== null
          ? { OutboundCallerConfig: { OutboundCallerIdNumberId: phoneNumberIdFor(q.outboundCallerId) } }
          : {}),
        Status: 'ENABLED',
        Tags: {},
        LastModifiedTime: epochSeconds(Date.UTC(2025, 0, 1)),
        LastModifiedRegion: REGION,
      },
    };
  }

  private queue(ref: string | undefined, member: string): SimQueue {
    required(ref, member);
    const q = this.ctx.state.queueByRef(ref);
    if (!q) {
      throw new ApiError('NotFound', `Queue not found: ${ref}`);
    }
    return q;
  }

  // ---- phone numbers and flow associations --------------------------------------------------------------------

  private listPhoneNumbersV2(i: Input): unknown {
    const targetArn = str(i, 'TargetArn');
    const instanceId = str(i, 'InstanceId');
    if (targetArn !== undefined && instanceId !== undefined) {
      throw new ApiError('InvalidParameter', 'Provide either TargetArn or InstanceId, not both');
    }
    if (targetArn !== undefined && targetArn !== this.ctx.state.instanceArn) {
      throw new ApiError('NotFound', `Target not found: ${targetArn}`);
    }
    if (instanceId !== undefined) {
      this.instance(instanceId);
    }
    const countries = list(i, 'PhoneNumberCountryCodes');
    const types = list(i, 'PhoneNumberTypes');
    const prefix = str(i, 'PhoneNumberPrefix');
    const numbers = this.ctx.state.numbers.filter(
      (n) =>
        (!countries || countries.includes(n.countryCode)) &&
        (!types || types.includes(n.type)) &&
        (!prefix || n.number.startsWith(prefix.startsWith('+') ? prefix : `+${prefix}`)),
    );
    const { items, NextToken } = this.page(numbers, i, 1000);
    return {
      ListPhoneNumbersSummaryList: items.map((n) => ({
        PhoneNumberId: n.id,
        PhoneNumberArn: n.arn,
        PhoneNumber: n.number,
        PhoneNumberCountryCode: n.countryCode,
        PhoneNumberType: n.type,
        TargetArn: this.ctx.state.instanceArn,
        InstanceId: this.ctx.state.instanceId,
        PhoneNumberDescription: n.uat ? 'UAT number' : '',
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  private describePhoneNumber(i: Input): unknown {
    const n = this.number(str(i, 'PhoneNumberId'));
    return {
      ClaimedPhoneNumberSummary: {
        PhoneNumberId: n.id,
        PhoneNumberArn: n.arn,
        PhoneNumber: n.number,
        PhoneNumberCountryCode: n.countryCode,
        PhoneNumberType: n.type,
        PhoneNumberDescription: n.uat ? 'UAT number' : '',
        TargetArn: this.ctx.state.instanceArn,
        InstanceId: this.ctx.state.instanceId,
        Tags: {},
        PhoneNumberStatus: { Status: n.status, ...(n.status === 'FAILED' ? { Message: 'Claim failed' } : {}) },
      },
    };
  }

  private number(ref: string | undefined): SimPhoneNumber {
    required(ref, 'PhoneNumberId');
    const n = this.ctx.state.numberByRef(ref);
    if (!n) {
      throw new ApiError('NotFound', `Phone number not found: ${ref}`);
    }
    return n;
  }

  private associate(i: Input): unknown {
    const n = this.number(str(i, 'PhoneNumberId'));
    this.instance(str(i, 'InstanceId'));
    const flow = this.flow(str(i, 'ContactFlowId'));
    if (n.status !== 'CLAIMED') {
      throw new ApiError('InvalidRequest', `Phone number ${n.id} is not claimed (status ${n.status})`);
    }
    n.flow = flow.name;
    return {};
  }

  private disassociate(i: Input): unknown {
    const n = this.number(str(i, 'PhoneNumberId'));
    this.instance(str(i, 'InstanceId'));
    if (n.status !== 'CLAIMED') {
      throw new ApiError('InvalidRequest', `Phone number ${n.id} is not claimed (status ${n.status})`);
    }
    n.flow = null;
    return {};
  }

  /**
   * ReleasePhoneNumber: the number leaves the instance (and the account): it enters a cooldown of up to 180 days in
   * which it cannot be searched for or claimed again (API reference, ReleasePhoneNumber). The reference lists
   * ResourceInUseException without saying when; the rehearsal takes the stricter reading: a number still associated
   * with a contact flow is in use and is not released (disassociate it first). Output: empty (HTTP 200).
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_ReleasePhoneNumber.html
   */
  private release(i: Input): unknown {
    const n = this.number(str(i, 'PhoneNumberId'));
    if (n.flow !== null) {
      throw new ApiError(
        'InvalidRequest',
        `Phone number ${n.id} is associated with a contact flow; disassociate it before releasing it`,
        {},
        'ResourceInUseException',
      );
    }
    this.ctx.state.release(n, this.ctx.clock.now());
    return {};
  }

  /**
   * The summary of a voice number's association. ResourceId is the number's ARN and FlowId the flow's ARN (the
   * request's list is modelled as `resourceArnListMaxLimit100`); a number with no flow is left out.
   */
  private flowAssociation(n: SimPhoneNumber): unknown {
    const flow = this.ctx.state.flowByName(n.flow);
    return flow ? { ResourceId: n.arn, FlowId: flow.arn, ResourceType: 'VOICE_PHONE_NUMBER' } : undefined;
  }

  private batchGetFlowAssociation(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const ids = list(i, 'ResourceIds');
    required(ids, 'ResourceIds');
    if (!ids || ids.length < 1 || ids.length > 100) {
      throw new ApiError('InvalidParameter', 'ResourceIds must list 1 to 100 resources');
    }
    const type = str(i, 'ResourceType') ?? 'VOICE_PHONE_NUMBER';
    const summaries =
      type !== 'VOICE_PHONE_NUMBER'
        ? []
        : ids
            .map((id) => (typeof id === 'string' ? this.ctx.state.numberByRef(id) : undefined))
            .filter((n): n is SimPhoneNumber => n !== undefined)
            .map((n) => this.flowAssociation(n))
            .filter((s) => s !== undefined);
    return { FlowAssociationSummaryList: summaries };
  }

  private listFlowAssociations(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const type = str(i, 'ResourceType');
    const numbers = type === undefined || type === 'VOICE_PHONE_NUMBER' ? this.ctx.state.numbers : [];
    const all = numbers.map((n) => this.flowAssociation(n)).filter((s) => s !== undefined);
    const { items, NextToken } = this.page(all, i, 1000);
    return { FlowAssociationSummaryList: items, ...(NextToken ? { NextToken } : {}) };
  }

  // ---- metrics ------------------------------------------------------------------------------------------------

  /**
   * Real-time metrics at the clock's now. OLDEST_CONTACT_AGE follows the documented quirk: with groupings the
   * value is in seconds, without groupings it is in milliseconds, and the Unit says SECONDS either way.
   */
  private getCurrentMetricData(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const filters = obj(i, 'Filters');
    required(filters, 'Filters');
    if (list(filters!, 'RoutingProfiles')?.length || list(filters!, 'RoutingStepExpressions')?.length) {
      throw new ApiError('InvalidParameter', 'The simulator supports the Queues and Channels filters only');
    }
    const channels = list(filters!, 'Channels');
    const voice = !channels || channels.includes('VOICE');
    const { requested, groupings, byQueue, groups } = this.metricRequest(
      i,
      list(filters!, 'Queues'),
      'Filters.Queues',
      'CurrentMetrics',
      currentMetric,
    );
    // Real-time metrics are a snapshot refreshed every `timing.realTimeRefreshSeconds` (about 15 s in Connect):
    // a value changed since the last refresh is not shown yet.
    const now = this.ctx.metrics.snapshotAt();
    const results = groups.map((group) => ({
      Dimensions: {
        ...(byQueue ? { Queue: { Id: group[0].id, Arn: group[0].arn } } : {}),
        ...(groupings.includes('CHANNEL') ? { Channel: 'VOICE' } : {}),
      },
      Collections: requested.map(({ name, unit }) => {
        const value = voice ? currentValue(this.ctx.metrics, name, group, now) : 0;
        const scaled = name === 'OLDEST_CONTACT_AGE' && groupings.length === 0 ? value * 1000 : value;
        return { Metric: { Name: name, Unit: unit }, Value: scaled };
      }),
    }));
    return {
      MetricResults: results,
      DataSnapshotTime: epochSeconds(now),
      ApproximateTotalCount: results.length,
    };
  }

  /**
   * Historical metrics over [StartTime, EndTime] from the timeline (see metrics.ts for the model). Like Connect's
   * contact-record driven metrics, a contact counts once it has ended and its record has arrived
   * (`timing.historicalLagSeconds`): the range selects contacts by when they ended. The time rules
   * are GetMetricDataV2's (InvalidParameterException, HTTP 400): StartTime before EndTime; EndTime not later than
   * now ("It cannot be later than the current timestamp" — no clock skew is tolerated here, the stricter reading);
   * StartTime within the last 3 months (calendar months, the stricter reading of "available for 3 months"); the
   * range less than 3 days for FIFTEEN_MIN / THIRTY_MIN / HOUR and less than 35 days for DAY / WEEK / TOTAL.
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetMetricDataV2.html
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_IntervalDetails.html
   */
  private getMetricDataV2(i: Input): unknown {
    const resourceArn = str(i, 'ResourceArn');
    required(resourceArn, 'ResourceArn');
    if (resourceArn !== this.ctx.state.instanceArn) {
      throw new ApiError('NotFound', `Resource not found: ${resourceArn}`);
    }
    const startS = num(i, 'StartTime');
    const endS = num(i, 'EndTime');
    required(startS, 'StartTime');
    required(endS, 'EndTime');
    const start = startS! * 1000;
    const end = endS! * 1000;
    const now = this.ctx.clock.nowMillis();
    if (!(start < end)) {
      throw new ApiError('InvalidParameter', 'StartTime must be before EndTime');
    }
    if (end > now) {
      throw new ApiError('InvalidParameter', 'EndTime cannot be later than the current time');
    }
    const threeMonthsAgo = new Date(now);
    threeMonthsAgo.setUTCMonth(threeMonthsAgo.getUTCMonth() - 3);
    if (start < threeMonthsAgo.getTime()) {
      throw new ApiError('InvalidParameter', 'StartTime cannot be more than 3 months ago');
    }
    const period = obj(i, 'Interval')?.IntervalPeriod ?? 'TOTAL';
    const periodMs = INTERVAL_MS[String(period)];
    if (periodMs === undefined) {
      throw new ApiError('InvalidParameter', `Invalid IntervalPeriod: ${String(period)}`);
    }
    const maxRange = periodMs === 0 || periodMs >= DAY_MS ? 35 * DAY_MS : 3 * DAY_MS;
    if (end - start >= maxRange) {
      throw new ApiError('InvalidParameter', `The time range is too long for IntervalPeriod ${String(period)}`);
    }

    const filters = list(i, 'Filters');
    required(filters, 'Filters');
    // FilterV2: 1 to 5 filter keys, each with 1 to 100 values.
    // @see https://docs.aws.amazon.com/connect/latest/APIReference/API_FilterV2.html
    if (filters!.length < 1 || filters!.length > 5) {
      throw new ApiError('InvalidParameter', `Filters must have 1 to 5 filter keys, got ${filters!.length}`);
    }
    for (const f of filters!) {
      const values = list((f ?? {}) as Record<string, unknown>, 'FilterValues') ?? [];
      if (values.length < 1 || values.length > 100) {
        throw new ApiError('InvalidParameter', `FilterValues must list 1 to 100 values, got ${values.length}`);
      }
    }
    let queueRefs: unknown[] | undefined;
    let voice = true;
    for (const f of filters!) {
      const filter = (f ?? {}) as Record<string, unknown>;
      const key = str(filter, 'FilterKey');
      const values = list(filter, 'FilterValues') ?? [];
      if (key === 'QUEUE') queueRefs = values;
      else if (key === 'CHANNEL') voice = values.includes('VOICE');
      else throw new ApiError('InvalidParameter', `The simulator supports the QUEUE and CHANNEL filters only, got ${key}`);
    }
    const { requested, groupings, byQueue, groups } = this.metricRequest(i, queueRefs, 'the QUEUE filter', 'Metrics', historicalMetric);
    const intervals: Array<[number, number]> = [];
    if (periodMs === 0) {
      intervals.push([start, end]);
    } else {
      for (let t = start; t < end; t += periodMs) intervals.push([t, Math.min(t + periodMs, end)]);
    }

    const results: unknown[] = [];
    for (const [from, to] of intervals) {
      for (const group of groups) {
        const totals = group.map((q) => this.ctx.metrics.ended(q.name, from, to));
        const handled = voice ? sum(totals.map((t) => t.handled)) : 0;
        const abandoned = voice ? sum(totals.map((t) => t.abandoned)) : 0;
        const handleSeconds = voice ? sum(totals.map((t) => t.handleSeconds)) : 0;
        // "MetricResult list is empty: the request cannot find any data": no contacts, no result.
        if (handled + abandoned === 0) continue;
        results.push({
          Dimensions: {
            ...(byQueue ? { QUEUE: group[0].id, QUEUE_ARN: group[0].arn } : {}),
            ...(groupings.includes('CHANNEL') ? { CHANNEL: 'VOICE' } : {}),
          },
          MetricInterval: { Interval: String(period), StartTime: epochSeconds(from), EndTime: epochSeconds(to) },
          Collections: requested.map((m) => ({
            Metric: m.echo,
            Value: tidyOrNull(historicalValue(m, { handled, abandoned, handleSeconds })),
          })),
        });
      }
    }
    return { MetricResults: results };
  }

  // ---- agents and hours of operation -------------------------------------------------------------------------

  /**
   * The agents of the filtered queues, real time. Rules from the API reference: Filters is required and holds at most
   * one of Queues, RoutingProfiles, Agents and UserHierarchyGroups (the simulator answers Queues only), at most 100
   * queues; MaxResults 1–100. An agent's status comes as a reference (ARN and name) without its type. A queue's roster
   * is its scenario `agents`; without one, its real-time counts: `agentsAvailable` agents Available with a free voice
   * slot and the rest of `agentsOnline` Available on a call. Offline agents are listed too (the stricter reading:
   * AWS does not say whether they are).
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetCurrentUserData.html
   */
  private getCurrentUserData(i: Input): unknown {
    const instanceId = str(i, 'InstanceId');
    this.instance(instanceId);
    const filters = obj(i, 'Filters');
    required(filters, 'Filters');
    const given = ['Queues', 'RoutingProfiles', 'Agents', 'UserHierarchyGroups'].filter((k) => (list(filters!, k)?.length ?? 0) > 0);
    if (given.length !== 1) {
      throw new ApiError(
        'InvalidParameter',
        `Filters must hold exactly one of Queues, RoutingProfiles, Agents, UserHierarchyGroups, got ${given.length}`,
      );
    }
    if (given[0] !== 'Queues') {
      throw new ApiError('InvalidParameter', `The simulator supports the Queues filter only, got ${given[0]}`);
    }
    const refs = list(filters!, 'Queues')!;
    if (refs.length > 100) throw new ApiError('InvalidParameter', `Filters.Queues accepts at most 100 queues, got ${refs.length}`);
    const queues = refs.map((ref) => this.queue(typeof ref === 'string' ? ref : undefined, 'Filters.Queues'));
    const now = this.ctx.metrics.snapshotAt();
    const users = queues.flatMap((q) => rosterOf(q, this.ctx.metrics, now).map((a, k) => userData(q, a, k, now)));
    const { items, NextToken } = this.page(users, i, 100);
    return { UserDataList: items, ApproximateTotalCount: users.length, ...(NextToken ? { NextToken } : {}) };
  }

  /**
   * The instance's agent statuses: Available (ROUTABLE), Offline (OFFLINE), Break and every other status a roster
   * names (CUSTOM). MaxResults 1–1000.
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_ListAgentStatuses.html
   */
  private listAgentStatuses(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const types = list(i, 'AgentStatusTypes');
    const names = new Set([ROUTABLE_STATUS, OFFLINE_STATUS, 'Break']);
    for (const q of this.ctx.state.queues) for (const a of q.agents ?? []) names.add(a.status);
    const statuses = [...names]
      .map((name) => ({ ...agentStatus(name), Type: statusType(name) }))
      .filter((st) => !types || types.includes(st.Type));
    const { items, NextToken } = this.page(statuses, i, 1000);
    return {
      AgentStatusSummaryList: items.map((st) => ({
        ...st,
        LastModifiedTime: epochSeconds(Date.UTC(2025, 0, 1)),
        LastModifiedRegion: REGION,
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  /**
   * Effective hours between two dates (`YYYY-MM-DD`, the API's pattern; InvalidParameterException otherwise), each date
   * with the spans its weekday's config gives, in the hours' time zone. A 24/7 day is one span 00:00–00:00.
   * @see https://docs.aws.amazon.com/connect/latest/APIReference/API_GetEffectiveHoursOfOperations.html
   */
  private getEffectiveHoursOfOperations(i: Input): unknown {
    this.instance(str(i, 'InstanceId'));
    const id = str(i, 'HoursOfOperationId');
    required(id, 'HoursOfOperationId');
    const hours = this.ctx.state.hoursById(id);
    if (!hours) throw new ApiError('NotFound', `Hours of operation not found: ${id}`);
    const from = dateParam(i, 'FromDate');
    const to = dateParam(i, 'ToDate');
    if (to < from) throw new ApiError('InvalidParameter', 'ToDate must not be before FromDate');
    const list: unknown[] = [];
    for (let t = from; t <= to; t += DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      const weekday = WEEKDAYS[new Date(t).getUTCDay()];
      const spans = hours.config === null ? [{ start: '00:00', end: '00:00' }] : hours.config.filter((c) => c.day === weekday);
      list.push({ Date: date, OperationalHours: spans.map((c) => ({ Start: timeSlice(c.start), End: timeSlice(c.end) })) });
    }
    return { EffectiveHoursOfOperationList: list, EffectiveOverrideHoursList: [], TimeZone: hours.timeZone };
  }

  /** What both metric APIs share: the filtered queues resolved, the metrics parsed, the groupings checked. */
  private metricRequest<M>(
    i: Input,
    queueRefs: readonly unknown[] | undefined,
    queueFilter: string,
    metricsMember: string,
    parseMetric: (m: unknown) => M,
  ): { requested: M[]; groupings: string[]; byQueue: boolean; groups: SimQueue[][] } {
    if (!queueRefs || queueRefs.length === 0) {
      throw new ApiError('InvalidParameter', `Filters must include ${queueFilter} (the simulator has no routing profile or agent filters)`);
    }
    // Both metric APIs take at most 100 queues per request (Filters.Queues; FilterV2 FilterValues).
    // @see https://docs.aws.amazon.com/connect/latest/APIReference/API_Filters.html
    // @see https://docs.aws.amazon.com/connect/latest/APIReference/API_FilterV2.html
    if (queueRefs.length > 100) {
      throw new ApiError('InvalidParameter', `${queueFilter} accepts at most 100 queues, got ${queueRefs.length}`);
    }
    const queues = queueRefs.map((ref) => this.queue(typeof ref === 'string' ? ref : undefined, queueFilter));
    const metrics = list(i, metricsMember);
    if (!metrics || metrics.length === 0) {
      throw new ApiError('InvalidParameter', `${metricsMember} is required`);
    }
    const requested = metrics.map(parseMetric);
    const groupings = (list(i, 'Groupings') ?? []).map(String);
    for (const g of groupings) {
      if (g !== 'QUEUE' && g !== 'CHANNEL') {
        throw new ApiError('InvalidParameter', `The simulator supports the QUEUE and CHANNEL groupings only, got ${g}`);
      }
    }
    const byQueue = groupings.includes('QUEUE');
    return { requested, groupings, byQueue, groups: byQueue ? queues.map((q) => [q]) : [queues] };
  }

  private page<T>(items: readonly T[], i: Input, max: number): { items: T[]; NextToken?: string } {
    const maxResults = num(i, 'MaxResults') ?? this.ctx.defaultPageSize;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
      throw new ApiError('InvalidParameter', `MaxResults must be between 1 and ${max}`);
    }
    const token = str(i, 'NextToken');
    let offset = 0;
    if (token !== undefined) {
      const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
      if (!m) {
        throw new ApiError('InvalidParameter', 'Invalid NextToken');
      }
      offset = Number(m[1]);
    }
    const next = offset + maxResults;
    return {
      items: items.slice(offset, next),
      ...(next < items.length ? { NextToken: Buffer.from(`offset:${next}`).toString('base64') } : {}),
    };
  }
}

const DAY_MS = 86_400_000;
const INTERVAL_MS: Readonly<Record<string, number>> = {
  TOTAL: 0,
  FIFTEEN_MIN: 15 * 60_000,
  THIRTY_MIN: 30 * 60_000,
  HOUR: 3_600_000,
  DAY: DAY_MS,
  WEEK: 7 * DAY_MS,
};

/** Real-time metrics and their documented units. */
const CURRENT_METRIC_UNITS: Readonly<Record<string, string>> = {
  AGENTS_ONLINE: 'COUNT',
  AGENTS_AVAILABLE: 'COUNT',
  AGENTS_STAFFED: 'COUNT',
  AGENTS_ON_CALL: 'COUNT',
  AGENTS_ON_CONTACT: 'COUNT',
  AGENTS_AFTER_CONTACT_WORK: 'COUNT',
  AGENTS_NON_PRODUCTIVE: 'COUNT',
  AGENTS_ERROR: 'COUNT',
  CONTACTS_IN_QUEUE: 'COUNT',
  CONTACTS_SCHEDULED: 'COUNT',
  OLDEST_CONTACT_AGE: 'SECONDS',
};

function currentMetric(m: unknown): { name: string; unit: string } {
  const metric = (m ?? {}) as Record<string, unknown>;
  const name = str(metric, 'Name');
  required(name, 'CurrentMetrics[].Name');
  const unit = CURRENT_METRIC_UNITS[name!];
  if (!unit) {
    throw new ApiError('InvalidParameter', `Unsupported current metric: ${name}`);
  }
  const given = str(metric, 'Unit');
  if (given !== undefined && given !== unit) {
    throw new ApiError('InvalidParameter', `Invalid Unit ${given} for metric ${name}: must be ${unit}`);
  }
  return { name: name!, unit };
}

function currentValue(metrics: MetricTimeline, name: string, queues: readonly SimQueue[], now: number): number {
  const total = (field: Parameters<MetricTimeline['instant']>[1]): number => sum(queues.map((q) => metrics.instant(q.name, field, now)));
  switch (name) {
    case 'AGENTS_ONLINE':
    case 'AGENTS_STAFFED':
      return total('agentsOnline');
    case 'AGENTS_AVAILABLE':
      return total('agentsAvailable');
    case 'AGENTS_ON_CALL':
    case 'AGENTS_ON_CONTACT':
      return Math.max(0, total('agentsOnline') - total('agentsAvailable'));
    case 'CONTACTS_IN_QUEUE':
      return total('contactsInQueue');
    case 'OLDEST_CONTACT_AGE':
      return Math.max(0, ...queues.map((q) => metrics.instant(q.name, 'oldestContactAgeSeconds', now)));
    default:
      return 0;
  }
}

interface HistoricalMetric {
  readonly name: string;
  /** The MetricV2 echoed in the result. */
  readonly echo: unknown;
  /** False when a metric filter excludes every simulated contact (they are all inbound voice). */
  readonly matches: boolean;
}

const HISTORICAL_METRICS = new Set(['ABANDONMENT_RATE', 'AVG_HANDLE_TIME', 'CONTACTS_HANDLED', 'CONTACTS_ABANDONED', 'CONTACTS_QUEUED']);
/** Every simulated contact is inbound: INBOUND (CONTACTS_HANDLED) or INCOMING (CONTACTS_ABANDONED's spelling). */
const INBOUND_METHODS = new Set(['INBOUND', 'INCOMING']);

function historicalMetric(m: unknown): HistoricalMetric {
  const metric = (m ?? {}) as Record<string, unknown>;
  const name = str(metric, 'Name');
  required(name, 'Metrics[].Name');
  if (!HISTORICAL_METRICS.has(name!)) {
    throw new ApiError('InvalidParameter', `Unsupported metric: ${name}`);
  }
  let matches = true;
  for (const f of list(metric, 'MetricFilters') ?? []) {
    const filter = (f ?? {}) as Record<string, unknown>;
    const key = str(filter, 'MetricFilterKey');
    if (key !== 'INITIATION_METHOD') {
      throw new ApiError('InvalidParameter', `The simulator supports the INITIATION_METHOD metric filter only, got ${key}`);
    }
    if (name !== 'CONTACTS_HANDLED' && name !== 'CONTACTS_ABANDONED' && name !== 'CONTACTS_QUEUED') {
      throw new ApiError('InvalidParameter', `Metric ${name} does not accept metric filters`);
    }
    const values = (list(filter, 'MetricFilterValues') ?? []).map(String);
    const hit = values.some((v) => INBOUND_METHODS.has(v));
    matches = matches && (filter.Negate === true ? !hit : hit);
  }
  return { name: name!, echo: metric, matches };
}

function historicalValue(m: HistoricalMetric, t: { handled: number; abandoned: number; handleSeconds: number }): number | null {
  const handled = m.matches ? t.handled : 0;
  const abandoned = m.matches ? t.abandoned : 0;
  switch (m.name) {
    case 'ABANDONMENT_RATE':
      return handled + abandoned > 0 ? (100 * abandoned) / (handled + abandoned) : null;
    case 'AVG_HANDLE_TIME':
      return handled > 0 ? t.handleSeconds / handled : null;
    case 'CONTACTS_HANDLED':
      return handled;
    case 'CONTACTS_ABANDONED':
      return abandoned;
    case 'CONTACTS_QUEUED':
      return handled + abandoned;
    default:
      return null;
  }
}

function tidyOrNull(value: number | null): number | null {
  return value === null ? null : tidy(value);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

type RosterAgent = { readonly status: string; readonly freeVoiceSlots: number };

/** One entry per agent of a queue (see getCurrentUserData). */
function rosterOf(q: SimQueue, metrics: MetricTimeline, now: number): RosterAgent[] {
  if (q.agents)
    return q.agents.flatMap((a) => Array.from({ length: a.count }, () => ({ status: a.status, freeVoiceSlots: a.freeVoiceSlots })));
  const online = metrics.instant(q.name, 'agentsOnline', now);
  const available = Math.min(online, metrics.instant(q.name, 'agentsAvailable', now));
  return [
    ...Array.from({ length: available }, () => ({ status: ROUTABLE_STATUS, freeVoiceSlots: 1 })),
    ...Array.from({ length: Math.max(0, online - available) }, () => ({ status: ROUTABLE_STATUS, freeVoiceSlots: 0 })),
  ];
}

function userData(q: SimQueue, a: RosterAgent, k: number, now: number): unknown {
  const userId = stableId('user', `${q.name}#${k}`);
  const profileId = stableId('routing-profile', q.name);
  const free = a.status === OFFLINE_STATUS ? 0 : a.freeVoiceSlots;
  const status = agentStatus(a.status);
  return {
    User: { Id: userId, Arn: `${INSTANCE_ARN}/agent/${userId}` },
    RoutingProfile: { Id: profileId, Arn: `${INSTANCE_ARN}/routing-profile/${profileId}` },
    HierarchyPath: {},
    Status: { StatusStartTimestamp: epochSeconds(now - 600_000), StatusArn: status.Arn, StatusName: status.Name },
    AvailableSlotsByChannel: { VOICE: free, CHAT: 0, TASK: 0 },
    MaxSlotsByChannel: { VOICE: 1, CHAT: 0, TASK: 0 },
    ActiveSlotsByChannel: { VOICE: a.status === OFFLINE_STATUS ? 0 : 1 - free, CHAT: 0, TASK: 0 },
    Contacts: [],
  };
}

function agentStatus(name: string): { Id: string; Arn: string; Name: string } {
  const id = stableId('agent-state', name);
  return { Id: id, Arn: `${INSTANCE_ARN}/agent-state/${id}`, Name: name };
}

function statusType(name: string): 'ROUTABLE' | 'OFFLINE' | 'CUSTOM' {
  return name === ROUTABLE_STATUS ? 'ROUTABLE' : name === OFFLINE_STATUS ? 'OFFLINE' : 'CUSTOM';
}

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;

function timeSlice(hhmm: string): { Hours: number; Minutes: number } {
  const [h, m] = hhmm.split(':').map(Number);
  return { Hours: h, Minutes: m };
}

/** A `YYYY-MM-DD` query parameter as epoch ms (UTC midnight); InvalidParameterException when absent or malformed. */
function dateParam(i: Input, member: string): number {
  const v = str(i, member);
  required(v, member);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v!) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== v) {
    throw new ApiError('InvalidParameter', `${member} must match ^\\d{4}-\\d{2}-\\d{2}$ and be a date, got ${v}`);
  }
  return ms;
}
