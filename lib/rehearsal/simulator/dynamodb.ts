/**
 * DynamoDB, awsJson1_0 (POST /, `X-Amz-Target: DynamoDB_20120810.<Op>`), answered by dynalite: an in-memory
 * DynamoDB in Node that implements DynamoDB's request validation, expression semantics (conditions, updates,
 * projections, ReturnValues, ReturnValuesOnConditionCheckFailure) and its 400 KB item size limit, rather than a
 * hand-written subset of them. The simulator keeps what is its own — call counting, injected faults, rate limits,
 * the call log and the trace — and forwards each request, as it arrived, to a dynalite server on 127.0.0.1.
 *
 * Tables are created in dynalite on first use: with the key attributes given in SimulatorOptions.dynamoTables
 * (a request naming another table answers ResourceNotFoundException, as DynamoDB does), or, without them, any
 * table, keyed by a string `pk` (the runbook's control table, lib/runbook/go-live-runbook.ts).
 * @see https://github.com/architect/dynalite
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html (item size 400 KB)
 */
import { type Server, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { ApiError, type ErrorKind } from './errors';
import { AWS_JSON_1_0, type ParsedCall, type SimRequest, type WireResponse, jsonResponse } from './protocol';

export type AttributeValue = Readonly<Record<string, unknown>>;
export type Item = Record<string, AttributeValue>;

export interface DynamoContext {
  /** Table name → key attribute names (strings: partition key, then sort key); undefined = any table, keyed by `pk`. */
  readonly tables?: Readonly<Record<string, readonly string[]>>;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const DEFAULT_KEY = ['pk'];
/** The writes after which the simulator reads the item back, so {@link DynamoBackend.items} stays synchronous. */
const ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

const NS = 'com.amazonaws.dynamodb.v20120810#';
const VALIDATION = { status: 400, type: 'com.amazon.coral.validate#ValidationException' };
/** How the simulator's own answers (injected faults, throttling) look on DynamoDB's wire. */
const ERRORS: Readonly<Record<ErrorKind, { status: number; type: string }>> = {
  Throttling: { status: 400, type: `${NS}ThrottlingException` },
  Internal: { status: 500, type: `${NS}InternalServerError` },
  NotFound: { status: 400, type: `${NS}ResourceNotFoundException` },
  ConditionalCheckFailed: { status: 400, type: `${NS}ConditionalCheckFailedException` },
  InvalidParameter: VALIDATION,
  MissingParameter: VALIDATION,
  InvalidRequest: VALIDATION,
  UnknownOperation: { status: 400, type: 'com.amazon.coral.service#UnknownOperationException' },
};

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export class DynamoBackend {
  readonly service = 'dynamodb' as const;
  private readonly server: Server;
  private port = 0;
  /** Tables created in dynalite (or being created), by name. */
  private readonly created = new Map<string, Promise<void>>();
  /** A synchronous copy of every item written through the simulator, read back from dynalite after each write. */
  private readonly mirror = new Map<string, Map<string, Item>>();

  constructor(private readonly ctx: DynamoContext) {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  }

  static accepts(req: SimRequest): boolean {
    return String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The items of a table, for tests and the runner (copies, AttributeValue-typed). */
  items(table: string): Item[] {
    return [...(this.mirror.get(table)?.values() ?? [])].map((i) => structuredClone(i));
  }

  /** The operation and its input, for the call log and fault matching; dynalite judges the request itself. */
  parse(req: SimRequest): ParsedCall {
    const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    let input: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(req.body || '{}');
      if (parsed !== null && typeof parsed === 'object') input = parsed as Record<string, unknown>;
    } catch {
      // dynalite answers the malformed body as DynamoDB does (SerializationException).
    }
    return { operation, input };
  }

  /** Forwards the request as it arrived; answers dynalite's response as is. */
  async forward(req: SimRequest, call: ParsedCall): Promise<WireResponse> {
    const tableName = call.input.TableName;
    if (typeof tableName === 'string' && tableName !== '') await this.ensureTable(tableName);
    const res = await this.send(req.path, req.headers as Record<string, string | string[] | undefined>, req.body);
    if (res.status === 200 && typeof tableName === 'string' && ITEM_WRITES.has(call.operation)) {
      await this.readBack(tableName, call);
    }
    const errorType = res.status === 200 ? undefined : errorTypeOf(res.body);
    const body =
      errorType === 'ConditionalCheckFailedException' &&
      typeof tableName === 'string' &&
      call.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
        ? await this.withOldItem(res.body, tableName, call)
        : res.body;
    return { status: res.status, headers: res.headers, body, ...(errorType ? { errorCode: errorType } : {}) };
  }

  /**
   * dynalite 4.0 predates `ReturnValuesOnConditionCheckFailure` (2023): DynamoDB then returns the item as it was
   * in the ConditionalCheckFailedException's `Item` (nothing when there was no item), which the lock relies on to
   * name its holder (lambda/shared/control.ts). The simulator adds it, read back right after the failed write.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-ReturnValuesOnConditionCheckFailure
   */
  private async withOldItem(body: string, tableName: string, call: ParsedCall): Promise<string> {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (parsed.Item !== undefined) return body;
    const key = this.keyOf(tableName, call);
    if (!key) return body;
    const res = await this.call('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
    const item = res.status === 200 ? (JSON.parse(res.body) as { Item?: Item }).Item : undefined;
    return item ? JSON.stringify({ ...parsed, Item: item }) : body;
  }

  /** The key of the item a single-item write names (PutItem: from its Item). */
  private keyOf(tableName: string, call: ParsedCall): Item | undefined {
    const keyNames = this.keySchema(tableName) ?? DEFAULT_KEY;
    const source = (call.operation === 'PutItem' ? call.input.Item : call.input.Key) as Item | undefined;
    if (!source || typeof source !== 'object') return undefined;
    return Object.fromEntries(keyNames.filter((k) => k in source).map((k) => [k, source[k]]));
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind];
    return jsonResponse(
      e.status,
      AWS_JSON_1_0,
      requestId,
      { __type: e.type, message: err.message, ...err.extra },
      {
        errorCode: e.type.split('#')[1],
      },
    );
  }

  private keySchema(tableName: string): readonly string[] | undefined {
    return this.ctx.tables ? this.ctx.tables[tableName] : DEFAULT_KEY;
  }

  private ensureTable(name: string): Promise<void> {
    let pending = this.created.get(name);
    if (!pending) {
      const key = this.keySchema(name);
      // An unknown table is left uncreated: dynalite answers ResourceNotFoundException for it.
      pending = key ? this.createTable(name, key) : Promise.resolve();
      this.created.set(name, pending);
    }
    return pending;
  }

  private async createTable(name: string, key: readonly string[]): Promise<void> {
    const res = await this.call('CreateTable', {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: key.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: key.map((a, i) => ({ AttributeName: a, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    });
    if (res.status !== 200) throw new ApiError('Internal', `dynalite could not create table ${name}: ${res.body}`);
    // A new table is CREATING (not yet usable: ResourceNotFoundException) until a timer of dynalite's marks it ACTIVE.
    for (let attempt = 0; attempt < 100; attempt++) {
      const described = await this.call('DescribeTable', { TableName: name });
      if (described.status === 200 && (JSON.parse(described.body) as { Table?: { TableStatus?: string } }).Table?.TableStatus === 'ACTIVE')
        return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new ApiError('Internal', `dynalite table ${name} did not become ACTIVE`);
  }

  /** Keeps {@link mirror} in step with dynalite after a successful single-item write. */
  private async readBack(tableName: string, call: ParsedCall): Promise<void> {
    const keyNames = this.keySchema(tableName) ?? DEFAULT_KEY;
    const key = this.keyOf(tableName, call);
    if (!key) return;
    const res = await this.call('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
    if (res.status !== 200) return;
    const item = (JSON.parse(res.body) as { Item?: Item }).Item;
    let table = this.mirror.get(tableName);
    if (!table) {
      table = new Map();
      this.mirror.set(tableName, table);
    }
    const id = JSON.stringify(keyNames.map((k) => key[k]));
    if (item) table.set(id, item);
    else table.delete(id);
  }

  /** A request of the simulator's own (table creation, read-back): never counted, faulted, throttled or logged. */
  private call(operation: string, body: unknown): Promise<RawResponse> {
    return this.send(
      '/',
      {
        'content-type': AWS_JSON_1_0,
        'x-amz-target': `${TARGET_PREFIX}${operation}`,
        // dynalite checks that a request is signed, not the signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=rehearsal/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20300101T000000Z',
      },
      JSON.stringify(body),
    );
  }

  private send(path: string, headers: Record<string, string | string[] | undefined>, body: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const forwarded: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined && name !== 'host' && name !== 'connection' && name !== 'content-length') forwarded[name] = value;
      }
      forwarded['content-length'] = String(Buffer.byteLength(body));
      const req = httpRequest({ host: '127.0.0.1', port: this.port, method: 'POST', path, headers: forwarded }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined && name !== 'content-length' && name !== 'connection' && name !== 'date') out[name] = String(value);
          }
          resolve({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
function errorTypeOf(body: string): string | undefined {
  try {
    const type = (JSON.parse(body) as { __type?: unknown }).__type;
    return typeof type === 'string' ? type.split('#').pop() : undefined;
  } catch {
    return undefined;
  }
}
