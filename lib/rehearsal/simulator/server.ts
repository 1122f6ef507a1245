/**
 * The simulated AWS endpoint: one HTTP server on 127.0.0.1 that answers Amazon Connect, CloudWatch, SNS,
 * DynamoDB, Step Functions and Service Quotas in their real wire protocols, so the handlers' unmodified AWS SDK v3 clients work against it with only
 * their endpoint changed (`endpoint` in the client config, or `AWS_ENDPOINT_URL_CONNECT` / `_CLOUDWATCH` /
 * `_SNS` / `_DYNAMODB`). Requests are told apart the way the protocols differ: an `X-Amz-Target` header
 * (CloudWatch, DynamoDB), a form-encoded body (SNS), else a Connect REST path.
 *
 * Per request, in order: authorize it as its caller's IAM role when `iam` is given (simulator/iam.ts; a denied
 * call is logged and answered there and goes no further), count the call for its API, apply an injected fault, take
 * a rate-limit token, run the operation (an EmptyResult fault then takes the data out of its answer), log it,
 * advance the simulated clock by the configured latency.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultError, Scenario } from '../scenario';
import { SimulatedClock } from './clock';
import { CloudWatchProtocol } from './cloudwatch';
import { CONNECT_WRITE_OPERATIONS, ConnectProtocol } from './connect';
import { DynamoBackend, type Item } from './dynamodb';
import { ApiError, faultError } from './errors';
import { FaultInjector } from './faults';
import { accessDeniedResponse, IamEnforcer, type IamOptions } from './iam';
import { type CarrierCall, type CarrierOptions, LambdaProtocol } from './lambda';
import { MetricTimeline } from './metrics';
import {
  AWS_JSON_1_0,
  type ParsedCall,
  type ProtocolModule,
  type ServiceName,
  type SimRequest,
  type WireResponse,
  jsonResponse,
} from './protocol';
import { DEFAULT_RATE_LIMITS, type RateLimit, RateLimiter } from './rate-limit';
import { type SnsMessage, SnsProtocol } from './sns';
import { ServiceQuotasProtocol } from './servicequotas';
import { StepFunctionsProtocol } from './stepfunctions';
import { ContactCenterState } from './state';

export interface SimulatorOptions {
  /**
   * The simulated clock; pass one to share it with the runner.
   * @default - a new clock at `startAt`
   */
  readonly clock?: SimulatedClock;
  /**
   * Where a new clock starts.
   * @default - the real time, truncated to the second
   */
  readonly startAt?: Date;
  /**
   * Simulated time each API call takes (advances the clock after the call), so durations are never zero.
   * @default 50
   */
  readonly latencyMs?: number;
  /**
   * Token buckets per operation, merged over {@link DEFAULT_RATE_LIMITS}; `false` turns throttling off.
   * @default - DEFAULT_RATE_LIMITS
   */
  readonly rateLimits?: Readonly<Partial<Record<string, RateLimit>>> | false;
  /**
   * Real milliseconds a `Timeout` fault holds its answer: longer than the client's requestTimeout, so the SDK
   * gives up first. The call itself is processed (a write lands), as when a real answer is lost.
   * @default 2000
   */
  readonly timeoutDelayMs?: number;
  /**
   * Page size of the List operations when the caller gives no MaxResults.
   * @default 100
   */
  readonly defaultPageSize?: number;
  /**
   * Publish a zero CloudWatch datapoint for each quiet minute (real Connect publishes nothing).
   * @default false
   */
  readonly cloudWatchZeroFill?: boolean;
  /**
   * SNS topics that exist.
   * @default - any well-formed topic ARN
   */
  readonly snsTopics?: readonly string[];
  /**
   * DynamoDB tables and their key attribute names.
   * @default - any table, keyed by `pk`
   */
  readonly dynamoTables?: Readonly<Record<string, readonly string[]>>;
  /**
   * Authorize every request against these IAM policies before it runs (simulator/iam.ts); a denied request
   * answers AccessDeniedException and never reaches the operation, its fault counter or the rate limiter.
   * @default - no authorization (every request allowed)
   */
  readonly iam?: IamOptions;
  /**
   * Called once per request with the request as it reached the simulator and the status answered (`rehearse
   * --trace`).
   * @default - no trace
   */
  readonly onTrace?: (record: TraceRecord) => void;
  /**
   * The simulated carrier behind the user's carrier hook (Lambda Invoke, simulator/lambda.ts).
   * @default - no carrier: every Invoke answers ResourceNotFoundException
   */
  readonly carrier?: CarrierOptions;
}

/**
 * One HTTP request as it reached the simulator and the status it was answered (contract: the lines of
 * `rehearse --trace FILE`, DESIGN.md). Anyone can check these against AWS's published API models.
 */
export interface TraceRecord {
  readonly service: ServiceName | 'unknown';
  /** The API operation, or the X-Amz-Target / `Unknown` when the request named none the simulator knows. */
  readonly operation: string;
  readonly method: string;
  /** Path without the query string, still percent-encoded, as sent. */
  readonly path: string;
  /** The query string as sent, without the `?` ('' when none). */
  readonly query: string;
  /** Header names lower-cased (as Node reads them), values as sent. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as sent (UTF-8). */
  readonly body: string;
  /** HTTP status answered; null when the connection was dropped (a Crash fault). */
  readonly status: number | null;
}

/** One request as the simulator saw it. */
export interface CallRecord {
  readonly seq: number;
  /** Arrival, ISO time on the simulated clock. */
  readonly at: string;
  readonly service: ServiceName | 'unknown';
  readonly operation: string;
  /** The request's input (path labels, query and body members); long strings cut. */
  readonly params: Readonly<Record<string, unknown>>;
  /** HTTP status answered; null when the connection was dropped (Crash). */
  readonly status: number | null;
  /** The error code answered, e.g. `ThrottlingException`. */
  readonly error?: string;
  readonly message?: string;
  /** The injected fault that hit this call. */
  readonly fault?: FaultError;
}

/** A Connect call that changes a number's flow, in the order received. */
export interface WriteCall {
  readonly at: string;
  readonly operation: 'AssociatePhoneNumberContactFlow' | 'DisassociatePhoneNumberContactFlow';
  /** E.164 of the number; null when the id named no number. */
  readonly phoneNumber: string | null;
  /** The flow asked for (Associate); null for Disassociate or an unknown flow id. */
  readonly flow: string | null;
  readonly ok: boolean;
  readonly error?: string;
  readonly fault?: FaultError;
}

export interface Simulator {
  /** `http://127.0.0.1:<port>`: the endpoint of every simulated service. */
  readonly endpoint: string;
  readonly clock: SimulatedClock;
  readonly state: ContactCenterState;
  readonly metrics: MetricTimeline;
  /** E.164 → associated flow name (null = none). */
  associations(): Record<string, string | null>;
  /** Every request, in order (live). */
  readonly callLog: readonly CallRecord[];
  /** The Connect association writes, in order. */
  writeCalls(): WriteCall[];
  /** Every message published (live). */
  readonly snsMessages: readonly SnsMessage[];
  /** The items of a DynamoDB table (copies, AttributeValue-typed). */
  dynamoItems(table: string): Item[];
  /** Step Functions executions DescribeExecution knows: the runner registers its own (executionArn → status). */
  readonly executions: StepFunctionsProtocol['executions'];
  /** The simulated carrier: where it routes each plan number's callers now, and every call of the hook. */
  readonly carrier: { readonly routing: ReadonlyMap<string, 'legacy' | 'connect'>; readonly calls: readonly CarrierCall[] };
  /** Stops the server, dropping held answers and open connections. */
  close(): Promise<void>;
}

const MAX_PARAM_STRING = 200;

/** Starts the simulated endpoint for a parsed scenario on an ephemeral port. */
export async function startSimulator(scenario: Scenario, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new SimulatorServer(scenario, options);
  await sim.listen();
  return sim;
}

class SimulatorServer implements Simulator {
  endpoint = '';
  readonly clock: SimulatedClock;
  readonly state: ContactCenterState;
  readonly metrics: MetricTimeline;
  readonly callLog: CallRecord[] = [];
  readonly snsMessages: SnsMessage[] = [];
  private readonly writes: WriteCall[] = [];
  private readonly server: Server;
  private readonly connect: ConnectProtocol;
  private readonly cloudwatch: CloudWatchProtocol;
  private readonly sns: SnsProtocol;
  private readonly dynamo: DynamoBackend;
  private readonly stepfunctions = new StepFunctionsProtocol();
  private readonly serviceQuotas: ServiceQuotasProtocol;
  readonly executions = this.stepfunctions.executions;
  private readonly lambda: LambdaProtocol;
  private readonly faults: FaultInjector;
  private readonly limiter: RateLimiter;
  private readonly callCounts = new Map<string, number>();
  /** Requests received; numbers them in arrival order (a DynamoDB answer may be logged after a later request's). */
  private seq = 0;
  private readonly held = new Set<NodeJS.Timeout>();
  private readonly latencySeconds: number;
  private readonly timeoutDelayMs: number;
  private readonly onTrace?: (record: TraceRecord) => void;
  private readonly iam?: IamEnforcer;

  constructor(scenario: Scenario, options: SimulatorOptions) {
    this.clock = options.clock ?? new SimulatedClock(options.startAt);
    this.state = new ContactCenterState(scenario);
    this.metrics = new MetricTimeline(
      scenario.timeline,
      this.state.queues,
      this.clock,
      scenario.timing,
      scenario.contactCenter.concurrentCallsQuota,
    );
    this.latencySeconds = (options.latencyMs ?? 50) / 1000;
    this.timeoutDelayMs = options.timeoutDelayMs ?? 2000;
    this.onTrace = options.onTrace;
    if (this.latencySeconds < 0 || this.timeoutDelayMs < 0) {
      throw new Error('latencyMs and timeoutDelayMs must be ≥ 0');
    }
    this.connect = new ConnectProtocol({
      state: this.state,
      metrics: this.metrics,
      clock: this.clock,
      defaultPageSize: options.defaultPageSize ?? 100,
    });
    this.cloudwatch = new CloudWatchProtocol({
      state: this.state,
      metrics: this.metrics,
      clock: this.clock,
      zeroFill: options.cloudWatchZeroFill ?? false,
    });
    this.lambda = new LambdaProtocol(this.clock, options.carrier);
    this.sns = new SnsProtocol({ clock: this.clock, messages: this.snsMessages, topics: options.snsTopics });
    this.dynamo = new DynamoBackend({ tables: options.dynamoTables });
    this.serviceQuotas = new ServiceQuotasProtocol({ concurrentCallsQuota: scenario.contactCenter.concurrentCallsQuota });
    this.faults = new FaultInjector(scenario.faults, this.clock);
    this.limiter = new RateLimiter(
      options.rateLimits === false ? {} : { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      scenario.contactCenter.otherCallersRequestsPerSecond,
    );
    this.iam = options.iam ? new IamEnforcer(options.iam) : undefined;
    this.server = createServer((req, res) => this.receive(req, res));
    // The SDK keeps connections alive; nothing here should hold the process open.
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(): Promise<void> {
    await this.dynamo.listen();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as AddressInfo;
        this.endpoint = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  }

  associations(): Record<string, string | null> {
    return this.state.associations();
  }

  get carrier(): Simulator['carrier'] {
    return { routing: this.lambda.routing, calls: this.lambda.calls };
  }

  writeCalls(): WriteCall[] {
    return [...this.writes];
  }

  dynamoItems(table: string): Item[] {
    return this.dynamo.items(table);
  }

  async close(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.dynamo.close();
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const sreq: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const rawQuery = url.search.replace(/^\?/, '');
      if (!this.iam) return this.dispatch(sreq, req, res, rawQuery);
      void this.authorize(this.iam, sreq, res, rawQuery).then((denied) => denied || this.dispatch(sreq, req, res, rawQuery));
    });
  }

  /** IAM first, as in AWS: a denied request is answered here and is not dispatched. True when denied. */
  private async authorize(iam: IamEnforcer, sreq: SimRequest, res: ServerResponse, rawQuery: string): Promise<boolean> {
    const module = this.route(sreq);
    let call: ParsedCall;
    try {
      if (!module) return false;
      call = module.parse(sreq);
    } catch {
      return false; // dispatch answers the unknown operation or unreadable body
    }
    const denial = await iam.authorize(sreq.headers, module.service, call).catch((err: Error) => ({
      action: `${module.service}:${call.operation}`,
      resource: '*',
      caller: '',
      kms: false,
      message: `IAM evaluation failed: ${err.message}`,
    }));
    if (!denial) return false;
    const wire = accessDeniedResponse(module.service, denial, randomUUID());
    const at = this.clock.now().toISOString();
    this.log(
      {
        seq: this.callLog.length + 1,
        at,
        service: module.service,
        operation: call.operation,
        params: summarize(call.input),
        status: wire.status,
        error: wire.errorCode,
        message: denial.message,
      },
      sreq,
      rawQuery,
    );
    this.recordWrite(call, at, wire.errorCode, undefined);
    this.advance();
    this.send(res, wire);
    return true;
  }

  private route(req: SimRequest): ProtocolModule | DynamoBackend | undefined {
    if (CloudWatchProtocol.accepts(req)) return this.cloudwatch;
    if (DynamoBackend.accepts(req)) return this.dynamo;
    if (StepFunctionsProtocol.accepts(req)) return this.stepfunctions;
    if (ServiceQuotasProtocol.accepts(req)) return this.serviceQuotas;
    if (LambdaProtocol.accepts(req)) return this.lambda;
    if (req.headers['x-amz-target'] !== undefined) return undefined;
    if (SnsProtocol.accepts(req)) return this.sns;
    return this.connect;
  }

  private dispatch(sreq: SimRequest, req: IncomingMessage, res: ServerResponse, rawQuery: string): void {
    // Every request is logged exactly once, so its trace line is written there.
    const log = (record: CallRecord) => this.log(record, sreq, rawQuery);
    const seq = ++this.seq;
    const requestId = randomUUID();
    const at = this.clock.now().toISOString();
    const module = this.route(sreq);
    if (!module) {
      const target = String(sreq.headers['x-amz-target']);
      log({ seq, at, service: 'unknown', operation: target, params: {}, status: 400, error: 'UnknownOperationException' });
      this.send(
        res,
        jsonResponse(400, AWS_JSON_1_0, requestId, {
          __type: 'com.amazon.coral.service#UnknownOperationException',
          message: `${target} is not simulated`,
        }),
      );
      return;
    }

    let call: ParsedCall;
    try {
      call = module.parse(sreq);
    } catch (err) {
      const wire = module.error(asApiError(err), requestId);
      log({
        seq,
        at,
        service: module.service,
        operation: 'Unknown',
        params: {},
        status: wire.status,
        error: wire.errorCode,
        message: (err as Error).message,
      });
      this.send(res, wire);
      return;
    }

    const callNumber = (this.callCounts.get(call.operation) ?? 0) + 1;
    this.callCounts.set(call.operation, callNumber);
    const fault = this.faults.take(call.operation, callNumber)?.error;
    const base = { seq, at, service: module.service, operation: call.operation, params: summarize(call.input) };

    if (fault === 'Crash') {
      log({ ...base, status: null, fault });
      this.recordWrite(call, at, 'connection dropped', fault);
      this.advance();
      req.socket.destroy();
      return;
    }

    let answered: Answer | Promise<Answer>;
    if (fault !== undefined && fault !== 'Timeout' && fault !== 'EmptyResult') {
      const err = faultError(fault, call.operation);
      answered = { wire: module.error(err, requestId), message: err.message };
    } else if (!this.limiter.tryAcquire(call.operation, this.clock.nowMillis())) {
      answered = { wire: module.error(new ApiError('Throttling', 'Rate exceeded'), requestId), message: 'Rate exceeded' };
    } else if (module instanceof DynamoBackend) {
      // dynalite runs the operation; its answer goes back as it came.
      answered = module.forward(sreq, call).then(
        (wire) => ({ wire, message: wire.status === 200 ? undefined : messageOf(wire.body) }),
        (err: unknown) => {
          const e = asApiError(err);
          return { wire: module.error(e, requestId), message: e.message };
        },
      );
    } else {
      try {
        const output = module.handle(call);
        answered = { wire: module.ok(call, fault === 'EmptyResult' ? emptied(module, call, output) : output, requestId) };
      } catch (err) {
        const e = asApiError(err);
        answered = { wire: module.error(e, requestId), message: e.message };
      }
    }
    if (answered instanceof Promise) {
      void answered.then((a) => this.finish(a, { base, call, at, fault, res, log }));
    } else {
      this.finish(answered, { base, call, at, fault, res, log });
    }
  }

  /** Logs, records and sends an answer (held back for a Timeout fault). */
  private finish(
    { wire, message }: Answer,
    ctx: {
      base: Omit<CallRecord, 'status'>;
      call: ParsedCall;
      at: string;
      fault: FaultError | undefined;
      res: ServerResponse;
      log: (r: CallRecord) => void;
    },
  ): void {
    const { base, call, at, fault, res, log } = ctx;
    log({ ...base, status: wire.status, ...(wire.errorCode ? { error: wire.errorCode, message } : {}), ...(fault ? { fault } : {}) });
    this.recordWrite(call, at, wire.status === 200 ? undefined : (wire.errorCode ?? String(wire.status)), fault);
    this.advance();

    if (fault === 'Timeout') {
      const timer = setTimeout(() => {
        this.held.delete(timer);
        this.send(res, wire);
      }, this.timeoutDelayMs);
      this.held.add(timer);
      return;
    }
    this.send(res, wire);
  }

  /** @param failure the error answered; undefined when the write succeeded */
  private recordWrite(call: ParsedCall, at: string, failure: string | undefined, fault: FaultError | undefined): void {
    if (!CONNECT_WRITE_OPERATIONS.has(call.operation)) return;
    const number = this.state.numberByRef(call.input.PhoneNumberId as string | undefined);
    const flow =
      call.operation === 'AssociatePhoneNumberContactFlow'
        ? (this.state.flowByRef(call.input.ContactFlowId as string | undefined)?.name ?? null)
        : null;
    this.writes.push({
      at,
      operation: call.operation as WriteCall['operation'],
      phoneNumber: number?.number ?? null,
      flow,
      ok: failure === undefined,
      ...(failure !== undefined ? { error: failure } : {}),
      ...(fault ? { fault } : {}),
    });
  }

  private log(record: CallRecord, sreq: SimRequest, rawQuery: string): void {
    this.callLog.push(record);
    if (this.onTrace) {
      this.onTrace({
        service: record.service,
        operation: record.operation,
        method: sreq.method,
        path: sreq.path,
        query: rawQuery,
        headers: { ...sreq.headers },
        body: sreq.body,
        status: record.status,
      });
    }
  }

  private advance(): void {
    if (this.latencySeconds > 0) this.clock.advance(this.latencySeconds);
  }

  private send(res: ServerResponse, wire: WireResponse): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(wire.status, { ...wire.headers, 'content-length': String(Buffer.byteLength(wire.body)) });
    res.end(wire.body);
  }
}

/** The output with its data taken out (an EmptyResult fault); the scenario allows it on metric APIs only. */
function emptied(module: ProtocolModule, call: ParsedCall, output: unknown): unknown {
  if (!module.empty) throw new Error(`EmptyResult does not apply to ${call.operation}`);
  return module.empty(call, output);
}

/** One answer of the simulator, with the error message for the call log. */
interface Answer {
  readonly wire: WireResponse;
  readonly message?: string;
}

/** The `message` of a JSON error body (DynamoDB spells it `message`, some services `Message`). */
function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const m = parsed.message ?? parsed.Message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('Internal', `Simulator error: ${(err as Error)?.message ?? String(err)}`);
}

function summarize(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(input, (_k, v: unknown) =>
      typeof v === 'string' && v.length > MAX_PARAM_STRING ? `${v.slice(0, MAX_PARAM_STRING)}…` : v,
    ),
  ) as Record<string, unknown>;
}
