/**
 * The simulated AWS endpoint: one HTTP server on 127.0.0.1 that answers Amazon Connect, CloudWatch, SNS and
 * DynamoDB in their real wire protocols, so the handlers' unmodified AWS SDK v3 clients work against it with only
 * their endpoint changed (`endpoint` in the client config, or `AWS_ENDPOINT_URL_CONNECT` / `_CLOUDWATCH` /
 * `_SNS` / `_DYNAMODB`). Requests are told apart the way the protocols differ: an `X-Amz-Target` header
 * (CloudWatch, DynamoDB), a form-encoded body (SNS), else a Connect REST path.
 *
 * Per request, in order: count the call for its API, apply an injected fault, take a rate-limit token, run the
 * operation (an EmptyResult fault then takes the data out of its answer), log it, advance the simulated clock by
 * the configured latency.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultError, Scenario } from '../scenario';
import { SimulatedClock } from './clock';
import { CloudWatchProtocol } from './cloudwatch';
import { CONNECT_WRITE_OPERATIONS, ConnectProtocol } from './connect';
import { DynamoProtocol, type Item } from './dynamodb';
import { ApiError, faultError } from './errors';
import { FaultInjector } from './faults';
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
  private readonly dynamo: DynamoProtocol;
  private readonly faults: FaultInjector;
  private readonly limiter: RateLimiter;
  private readonly callCounts = new Map<string, number>();
  private readonly held = new Set<NodeJS.Timeout>();
  private readonly latencySeconds: number;
  private readonly timeoutDelayMs: number;

  constructor(scenario: Scenario, options: SimulatorOptions) {
    this.clock = options.clock ?? new SimulatedClock(options.startAt);
    this.state = new ContactCenterState(scenario);
    this.metrics = new MetricTimeline(scenario.timeline, this.state.queues, this.clock, scenario.timing, scenario.contactCenter.concurrentCallsQuota);
    this.latencySeconds = (options.latencyMs ?? 50) / 1000;
    this.timeoutDelayMs = options.timeoutDelayMs ?? 2000;
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
    this.sns = new SnsProtocol({ clock: this.clock, messages: this.snsMessages, topics: options.snsTopics });
    this.dynamo = new DynamoProtocol({ tables: options.dynamoTables });
    this.faults = new FaultInjector(scenario.faults, this.clock);
    this.limiter = new RateLimiter(options.rateLimits === false ? {} : { ...DEFAULT_RATE_LIMITS, ...options.rateLimits });
    this.server = createServer((req, res) => this.receive(req, res));
    // The SDK keeps connections alive; nothing here should hold the process open.
    this.server.keepAliveTimeout = 5_000;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
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

  writeCalls(): WriteCall[] {
    return [...this.writes];
  }

  dynamoItems(table: string): Item[] {
    return this.dynamo.items(table);
  }

  close(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.dispatch(
        { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') },
        req,
        res,
      );
    });
  }

  private route(req: SimRequest): ProtocolModule | undefined {
    if (CloudWatchProtocol.accepts(req)) return this.cloudwatch;
    if (DynamoProtocol.accepts(req)) return this.dynamo;
    if (req.headers['x-amz-target'] !== undefined) return undefined;
    if (SnsProtocol.accepts(req)) return this.sns;
    return this.connect;
  }

  private dispatch(sreq: SimRequest, req: IncomingMessage, res: ServerResponse): void {
    const seq = this.callLog.length + 1;
    const requestId = randomUUID();
    const at = this.clock.now().toISOString();
    const module = this.route(sreq);
    if (!module) {
      const target = String(sreq.headers['x-amz-target']);
      this.log({ seq, at, service: 'unknown', operation: target, params: {}, status: 400, error: 'UnknownOperationException' });
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
      this.log({ seq, at, service: module.service, operation: 'Unknown', params: {}, status: wire.status, error: wire.errorCode, message: (err as Error).message });
      this.send(res, wire);
      return;
    }

    const callNumber = (this.callCounts.get(call.operation) ?? 0) + 1;
    this.callCounts.set(call.operation, callNumber);
    const fault = this.faults.take(call.operation, callNumber)?.error;
    const base = { seq, at, service: module.service, operation: call.operation, params: summarize(call.input) };

    if (fault === 'Crash') {
      this.log({ ...base, status: null, fault });
      this.recordWrite(call, at, 'connection dropped', fault);
      this.advance();
      req.socket.destroy();
      return;
    }

    let wire: WireResponse;
    let message: string | undefined;
    if (fault !== undefined && fault !== 'Timeout' && fault !== 'EmptyResult') {
      const err = faultError(fault, call.operation);
      wire = module.error(err, requestId);
      message = err.message;
    } else if (!this.limiter.tryAcquire(call.operation, this.clock.nowMillis())) {
      message = 'Rate exceeded';
      wire = module.error(new ApiError('Throttling', message), requestId);
    } else {
      try {
        const output = module.handle(call);
        wire = module.ok(call, fault === 'EmptyResult' ? emptied(module, call, output) : output, requestId);
      } catch (err) {
        const e = asApiError(err);
        message = e.message;
        wire = module.error(e, requestId);
      }
    }
    this.log({ ...base, status: wire.status, ...(wire.errorCode ? { error: wire.errorCode, message } : {}), ...(fault ? { fault } : {}) });
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

  private log(record: CallRecord): void {
    this.callLog.push(record);
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
