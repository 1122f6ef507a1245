/**
 * DynamoDB PutItem / GetItem / UpdateItem / DeleteItem, awsJson1_0 (POST /, `X-Amz-Target:
 * DynamoDB_20120810.<Op>`, typed AttributeValue JSON; errors as `__type`). Enough of the expression language for
 * the run's lock and abort flag: condition expressions with comparisons (= <> < <= > >=), BETWEEN, IN,
 * attribute_exists / attribute_not_exists / begins_with / contains, AND / OR / NOT and parentheses; update
 * expressions with SET (incl. `a + :n`, `a - :n`, if_not_exists, list_append), REMOVE and ADD on numbers;
 * `#name` and `:value` placeholders; ReturnValues and ReturnValuesOnConditionCheckFailure.
 */
import { ApiError, type ErrorKind } from './errors';
import { AWS_JSON_1_0, type ParsedCall, type ProtocolModule, type SimRequest, type WireResponse, jsonResponse } from './protocol';

export type AttributeValue = Readonly<Record<string, unknown>>;
export type Item = Record<string, AttributeValue>;

export interface DynamoContext {
  /** Table name → key attribute names; undefined = any table, keyed by `pk`. */
  readonly tables?: Readonly<Record<string, readonly string[]>>;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const OPERATIONS = new Set(['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem']);
const DEFAULT_KEY = ['pk'];

const NS = 'com.amazonaws.dynamodb.v20120810#';
const VALIDATION = { status: 400, type: 'com.amazon.coral.validate#ValidationException' };
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

type Input = Readonly<Record<string, unknown>>;

export class DynamoProtocol implements ProtocolModule {
  readonly service = 'dynamodb' as const;
  private readonly tables = new Map<string, Map<string, Item>>();

  constructor(private readonly ctx: DynamoContext) {}

  static accepts(req: SimRequest): boolean {
    return String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
  }

  /** The items of a table, for tests and the runner. */
  items(table: string): Item[] {
    return [...(this.tables.get(table)?.values() ?? [])].map((i) => structuredClone(i));
  }

  parse(req: SimRequest): ParsedCall {
    const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    if (!OPERATIONS.has(operation)) {
      throw new ApiError('UnknownOperation', `Operation ${operation} is not simulated`);
    }
    try {
      return { operation, input: JSON.parse(req.body || '{}') as Record<string, unknown> };
    } catch {
      throw new ApiError('InvalidRequest', 'The request body is not valid JSON');
    }
  }

  handle(call: ParsedCall): unknown {
    const i = call.input;
    const tableName = i.TableName;
    if (typeof tableName !== 'string' || tableName === '') {
      throw new ApiError('InvalidParameter', '1 validation error detected: Value null at \'tableName\' failed to satisfy constraint: Member must not be null');
    }
    const keySchema = this.keySchema(tableName);
    const table = this.table(tableName);
    const ex = new Expressions(i);
    switch (call.operation) {
      case 'GetItem': {
        const key = keyOf(i.Key, keySchema);
        const item = table.get(key);
        return item ? { Item: project(item, i, ex) } : {};
      }
      case 'PutItem': {
        const item = i.Item as Item | undefined;
        if (!item || typeof item !== 'object') throw new ApiError('InvalidParameter', 'Item is required');
        const key = keyOf(pick(item, keySchema), keySchema);
        const old = table.get(key);
        this.check(ex, i, old);
        table.set(key, structuredClone(item));
        return i.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'DeleteItem': {
        const key = keyOf(i.Key, keySchema);
        const old = table.get(key);
        this.check(ex, i, old);
        table.delete(key);
        return i.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'UpdateItem': {
        const keyAttrs = i.Key as Item;
        const key = keyOf(keyAttrs, keySchema);
        const old = table.get(key);
        this.check(ex, i, old);
        const next: Item = structuredClone(old ?? keyAttrs);
        const changed = typeof i.UpdateExpression === 'string' ? ex.update(i.UpdateExpression, next) : new Set<string>();
        for (const k of keySchema) {
          if (changed.has(k)) throw new ApiError('InvalidParameter', `Cannot update attribute ${k}. This attribute is part of the key`);
        }
        table.set(key, next);
        return returnValues(String(i.ReturnValues ?? 'NONE'), old, next, changed);
      }
      default:
        throw new ApiError('UnknownOperation', `Operation ${call.operation} is not simulated`);
    }
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    return jsonResponse(200, AWS_JSON_1_0, requestId, output);
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind];
    return jsonResponse(e.status, AWS_JSON_1_0, requestId, { __type: e.type, message: err.message, ...err.extra }, {
      errorCode: e.type.split('#')[1],
    });
  }

  private keySchema(tableName: string): readonly string[] {
    if (!this.ctx.tables) return DEFAULT_KEY;
    const schema = this.ctx.tables[tableName];
    if (!schema) throw new ApiError('NotFound', 'Requested resource not found');
    return schema;
  }

  private table(name: string): Map<string, Item> {
    let t = this.tables.get(name);
    if (!t) {
      t = new Map();
      this.tables.set(name, t);
    }
    return t;
  }

  private check(ex: Expressions, i: Input, current: Item | undefined): void {
    if (typeof i.ConditionExpression !== 'string') return;
    if (!ex.condition(i.ConditionExpression, current ?? {})) {
      const extra = i.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && current ? { Item: current } : {};
      throw new ApiError('ConditionalCheckFailed', 'The conditional request failed', extra);
    }
  }
}

function pick(item: Item, keys: readonly string[]): Item {
  return Object.fromEntries(keys.filter((k) => k in item).map((k) => [k, item[k]]));
}

function keyOf(key: unknown, schema: readonly string[]): string {
  const k = (key ?? {}) as Item;
  const names = Object.keys(k);
  if (names.length !== schema.length || !schema.every((s) => names.includes(s))) {
    throw new ApiError('InvalidParameter', 'The provided key element does not match the schema');
  }
  return JSON.stringify(schema.map((s) => k[s]));
}

function project(item: Item, i: Input, ex: Expressions): Item {
  if (typeof i.ProjectionExpression !== 'string') return item;
  const names = i.ProjectionExpression.split(',').map((p) => ex.name(p.trim()));
  return Object.fromEntries(names.filter((n) => n in item).map((n) => [n, item[n]]));
}

function returnValues(mode: string, old: Item | undefined, next: Item, changed: ReadonlySet<string>): unknown {
  switch (mode) {
    case 'ALL_NEW':
      return { Attributes: next };
    case 'ALL_OLD':
      return old ? { Attributes: old } : {};
    case 'UPDATED_NEW':
      return { Attributes: Object.fromEntries([...changed].filter((k) => k in next).map((k) => [k, next[k]])) };
    case 'UPDATED_OLD':
      return old ? { Attributes: Object.fromEntries([...changed].filter((k) => k in old).map((k) => [k, old[k]])) } : {};
    default:
      return {};
  }
}

// ---- expressions ------------------------------------------------------------------------------------------------

type Token = { kind: 'name' | 'value' | 'word' | 'op' | 'punct'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(#[\w]+)|(:[\w]+)|(<>|<=|>=|=|<|>|\+|-)|([(),])|([A-Za-z_][\w.]*))/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw new ApiError('InvalidParameter', `Invalid expression: syntax error near "${expr.slice(pos).trim()}"`);
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'name', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'value', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4] });
    else tokens.push({ kind: 'word', text: m[5] });
  }
  return tokens;
}

type Operand = (item: Item) => AttributeValue | undefined;

class Expressions {
  private tokens: Token[] = [];
  private pos = 0;

  constructor(private readonly input: Input) {}

  /** A path's attribute name, with `#placeholders` resolved. */
  name(text: string): string {
    if (!text.startsWith('#')) return text;
    const names = (this.input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const n = names[text];
    if (n === undefined) {
      throw new ApiError('InvalidParameter', `An expression attribute name used in the document path is not defined; attribute name: ${text}`);
    }
    return n;
  }

  condition(expr: string, item: Item): boolean {
    this.start(expr);
    const pred = this.orExpr();
    this.end();
    return pred(item);
  }

  /** Applies an update expression to `item` in place; returns the top-level attributes it touched. */
  update(expr: string, item: Item): Set<string> {
    this.start(expr);
    const changed = new Set<string>();
    const actions: Array<(before: Item) => void> = [];
    while (this.pos < this.tokens.length) {
      const clause = this.next().text.toUpperCase();
      do {
        const path = this.path();
        changed.add(path.split('.')[0]);
        if (clause === 'SET') {
          this.expect('=');
          const value = this.setValue();
          actions.push((before) => setPath(item, path, required(value(before), 'SET')));
        } else if (clause === 'REMOVE') {
          actions.push(() => removePath(item, path));
        } else if (clause === 'ADD') {
          const value = this.operand();
          actions.push((before) => {
            const add = Number(required(value(before), 'ADD').N);
            const cur = getPath(before, path);
            setPath(item, path, { N: String((cur?.N !== undefined ? Number(cur.N) : 0) + add) });
          });
        } else {
          throw new ApiError('InvalidParameter', `Invalid UpdateExpression: the simulator supports SET, REMOVE and ADD, got ${clause}`);
        }
      } while (this.accept(','));
    }
    // Every operand reads the item as it was before the update, as DynamoDB does.
    const before = structuredClone(item);
    for (const act of actions) act(before);
    return changed;
  }

  private start(expr: string): void {
    this.tokens = tokenize(expr);
    this.pos = 0;
  }

  private end(): void {
    if (this.pos < this.tokens.length) {
      throw new ApiError('InvalidParameter', `Invalid expression: unexpected "${this.tokens[this.pos].text}"`);
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new ApiError('InvalidParameter', 'Invalid expression: unexpected end of input');
    return t;
  }

  private accept(text: string): boolean {
    const t = this.peek();
    if (t && t.text.toUpperCase() === text.toUpperCase() && t.kind !== 'name' && t.kind !== 'value') {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    if (!this.accept(text)) {
      throw new ApiError('InvalidParameter', `Invalid expression: expected "${text}" near "${this.peek()?.text ?? 'end'}"`);
    }
  }

  private orExpr(): (item: Item) => boolean {
    const parts = [this.andExpr()];
    while (this.accept('OR')) parts.push(this.andExpr());
    return (item) => parts.some((p) => p(item));
  }

  private andExpr(): (item: Item) => boolean {
    const parts = [this.notExpr()];
    while (this.accept('AND')) parts.push(this.notExpr());
    return (item) => parts.every((p) => p(item));
  }

  private notExpr(): (item: Item) => boolean {
    if (this.accept('NOT')) {
      const inner = this.notExpr();
      return (item) => !inner(item);
    }
    return this.primary();
  }

  private primary(): (item: Item) => boolean {
    if (this.accept('(')) {
      const inner = this.orExpr();
      this.expect(')');
      return inner;
    }
    const t = this.peek();
    const fn = t?.kind === 'word' ? t.text : '';
    if (['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains'].includes(fn)) {
      this.pos++;
      this.expect('(');
      const path = this.path();
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        this.expect(')');
        return fn === 'attribute_exists' ? (item) => getPath(item, path) !== undefined : (item) => getPath(item, path) === undefined;
      }
      this.expect(',');
      const arg = this.operand();
      this.expect(')');
      return (item) => {
        const a = getPath(item, path);
        const b = arg(item);
        if (!a || !b) return false;
        if (fn === 'begins_with') return typeof a.S === 'string' && typeof b.S === 'string' && a.S.startsWith(b.S);
        if (typeof a.S === 'string' && typeof b.S === 'string') return a.S.includes(b.S);
        if (Array.isArray(a.SS)) return a.SS.includes(b.S);
        if (Array.isArray(a.L)) return a.L.some((x) => compare(x as AttributeValue, b) === 0);
        return false;
      };
    }
    const left = this.operand();
    if (this.accept('BETWEEN')) {
      const lo = this.operand();
      this.expect('AND');
      const hi = this.operand();
      return (item) => {
        const v = left(item);
        const a = lo(item);
        const b = hi(item);
        return v !== undefined && a !== undefined && b !== undefined && (compare(v, a) ?? -1) >= 0 && (compare(v, b) ?? 1) <= 0;
      };
    }
    if (this.accept('IN')) {
      this.expect('(');
      const options = [this.operand()];
      while (this.accept(',')) options.push(this.operand());
      this.expect(')');
      return (item) => {
        const v = left(item);
        return v !== undefined && options.some((o) => {
          const w = o(item);
          return w !== undefined && compare(v, w) === 0;
        });
      };
    }
    const op = this.next();
    if (op.kind !== 'op' || op.text === '+' || op.text === '-') {
      throw new ApiError('InvalidParameter', `Invalid ConditionExpression: expected a comparator near "${op.text}"`);
    }
    const right = this.operand();
    return (item) => {
      const a = left(item);
      const b = right(item);
      if (a === undefined || b === undefined) return op.text === '<>' && (a !== undefined || b !== undefined);
      const c = compare(a, b);
      switch (op.text) {
        case '=':
          return c === 0;
        case '<>':
          return c !== 0;
        case '<':
          return c !== undefined && c < 0;
        case '<=':
          return c !== undefined && c <= 0;
        case '>':
          return c !== undefined && c > 0;
        default:
          return c !== undefined && c >= 0;
      }
    };
  }

  private path(): string {
    const t = this.next();
    if (t.kind !== 'name' && t.kind !== 'word') {
      throw new ApiError('InvalidParameter', `Invalid expression: expected an attribute name near "${t.text}"`);
    }
    return t.text
      .split('.')
      .map((part) => this.name(part))
      .join('.');
  }

  private operand(): Operand {
    const t = this.peek();
    if (t?.kind === 'value') {
      this.pos++;
      const values = (this.input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
      const v = values[t.text];
      if (v === undefined) {
        throw new ApiError('InvalidParameter', `An expression attribute value used in expression is not defined; attribute value: ${t.text}`);
      }
      return () => v;
    }
    if (t?.kind === 'word' && t.text === 'size') {
      this.pos++;
      this.expect('(');
      const path = this.path();
      this.expect(')');
      return (item) => {
        const v = getPath(item, path);
        if (!v) return undefined;
        const inner = v.S ?? v.B ?? v.L ?? v.SS ?? v.NS ?? (v.M ? Object.keys(v.M as object) : undefined);
        return inner === undefined ? undefined : { N: String((inner as string | unknown[]).length) };
      };
    }
    const path = this.path();
    return (item) => getPath(item, path);
  }

  private setValue(): Operand {
    const first = this.setOperand();
    if (this.accept('+')) {
      const second = this.setOperand();
      return (item) => arithmetic(first(item), second(item), 1);
    }
    if (this.accept('-')) {
      const second = this.setOperand();
      return (item) => arithmetic(first(item), second(item), -1);
    }
    return first;
  }

  private setOperand(): Operand {
    const t = this.peek();
    if (t?.kind === 'word' && (t.text === 'if_not_exists' || t.text === 'list_append')) {
      this.pos++;
      this.expect('(');
      const a = this.operand();
      this.expect(',');
      const b = this.operand();
      this.expect(')');
      if (t.text === 'if_not_exists') return (item) => a(item) ?? b(item);
      return (item) => ({ L: [...((a(item)?.L as unknown[]) ?? []), ...((b(item)?.L as unknown[]) ?? [])] });
    }
    return this.operand();
  }
}

function required(v: AttributeValue | undefined, clause: string): AttributeValue {
  if (v === undefined) {
    throw new ApiError('InvalidParameter', `The provided expression refers to an attribute that does not exist in the item (${clause})`);
  }
  return v;
}

function arithmetic(a: AttributeValue | undefined, b: AttributeValue | undefined, sign: 1 | -1): AttributeValue {
  if (a?.N === undefined || b?.N === undefined) {
    throw new ApiError('InvalidParameter', 'An operand in the update expression has an incorrect data type');
  }
  return { N: String(Number(a.N) + sign * Number(b.N)) };
}

/** -1, 0 or 1; undefined when the types differ or do not order (then only <> holds). */
function compare(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (typeof a.S === 'string' && typeof b.S === 'string') return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (typeof a.B === 'string' && typeof b.B === 'string') return a.B < b.B ? -1 : a.B > b.B ? 1 : 0;
  if (a.BOOL !== undefined && b.BOOL !== undefined) return a.BOOL === b.BOOL ? 0 : undefined;
  if (a.NULL !== undefined && b.NULL !== undefined) return 0;
  return JSON.stringify(a) === JSON.stringify(b) ? 0 : undefined;
}

function getPath(item: Item, path: string): AttributeValue | undefined {
  let cur: AttributeValue | undefined = { M: item };
  for (const part of path.split('.')) {
    const m = cur?.M as Item | undefined;
    cur = m?.[part];
  }
  return cur;
}

function setPath(item: Item, path: string, value: AttributeValue): void {
  const parts = path.split('.');
  let map: Item = item;
  for (const part of parts.slice(0, -1)) {
    const next = map[part]?.M as Item | undefined;
    if (!next) throw new ApiError('InvalidParameter', 'The document path provided in the update expression is invalid for update');
    map = next;
  }
  map[parts[parts.length - 1]] = value;
}

function removePath(item: Item, path: string): void {
  const parts = path.split('.');
  let map: Item | undefined = item;
  for (const part of parts.slice(0, -1)) map = map?.[part]?.M as Item | undefined;
  if (map) delete map[parts[parts.length - 1]];
}
