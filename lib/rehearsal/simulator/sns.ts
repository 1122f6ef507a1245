/**
 * SNS Publish, awsQuery: a form-encoded POST (`Action=Publish&Version=2010-03-31&...`, message attributes as
 * `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`) answered with XML; errors as an
 * `<ErrorResponse>` whose `<Code>` is the awsQueryError code of the modelled exception (`NotFound` →
 * NotFoundException).
 */
import { randomUUID } from 'node:crypto';
import type { SimulatedClock } from './clock';
import { ApiError, type ErrorKind } from './errors';
import type { ParsedCall, ProtocolModule, SimRequest, WireResponse } from './protocol';

export interface SnsMessage {
  /** ISO time on the simulated clock. */
  readonly at: string;
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SnsContext {
  readonly clock: SimulatedClock;
  readonly messages: SnsMessage[];
  /** Topics that exist; undefined = any well-formed topic ARN. */
  readonly topics?: readonly string[];
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 256 * 1024;

const ERRORS: Readonly<Record<ErrorKind, { status: number; code: string; type: 'Sender' | 'Receiver' }>> = {
  Throttling: { status: 400, code: 'Throttling', type: 'Sender' },
  Internal: { status: 500, code: 'InternalError', type: 'Receiver' },
  NotFound: { status: 404, code: 'NotFound', type: 'Sender' },
  InvalidParameter: { status: 400, code: 'InvalidParameter', type: 'Sender' },
  MissingParameter: { status: 400, code: 'InvalidParameter', type: 'Sender' },
  InvalidRequest: { status: 400, code: 'InvalidParameter', type: 'Sender' },
  ConditionalCheckFailed: { status: 400, code: 'InvalidParameter', type: 'Sender' },
  UnknownOperation: { status: 400, code: 'InvalidAction', type: 'Sender' },
};

export class SnsProtocol implements ProtocolModule {
  readonly service = 'sns' as const;

  constructor(private readonly ctx: SnsContext) {}

  static accepts(req: SimRequest): boolean {
    return String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  }

  parse(req: SimRequest): ParsedCall {
    const form = new URLSearchParams(req.body);
    const action = form.get('Action') ?? '';
    if (action !== 'Publish') {
      throw new ApiError('UnknownOperation', `The action ${action || '(none)'} is not valid for this endpoint.`);
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of form) {
      const m = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
      if (m) {
        const v = form.get(`MessageAttributes.entry.${m[1]}.Value.StringValue`);
        attributes[value] = v ?? form.get(`MessageAttributes.entry.${m[1]}.Value.BinaryValue`) ?? '';
      }
    }
    const input: Record<string, unknown> = {};
    for (const key of ['TopicArn', 'TargetArn', 'PhoneNumber', 'Message', 'Subject', 'MessageStructure', 'MessageGroupId']) {
      const v = form.get(key);
      if (v !== null) input[key] = v;
    }
    if (Object.keys(attributes).length > 0) input.MessageAttributes = attributes;
    return { operation: action, input };
  }

  handle(call: ParsedCall): unknown {
    const i = call.input;
    const topicArn = (i.TopicArn ?? i.TargetArn) as string | undefined;
    if (topicArn === undefined) {
      throw new ApiError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    }
    if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/.test(topicArn)) {
      throw new ApiError('InvalidParameter', 'Invalid parameter: TopicArn');
    }
    if (this.ctx.topics && !this.ctx.topics.includes(topicArn)) {
      throw new ApiError('NotFound', 'Topic does not exist');
    }
    const message = i.Message as string | undefined;
    if (message === undefined || message === '') {
      throw new ApiError('InvalidParameter', 'Invalid parameter: Empty message');
    }
    if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
      throw new ApiError('InvalidParameter', 'Invalid parameter: Message too long');
    }
    const messageId = randomUUID();
    this.ctx.messages.push({
      at: this.ctx.clock.now().toISOString(),
      messageId,
      topicArn,
      ...(typeof i.Subject === 'string' ? { subject: i.Subject } : {}),
      message,
      attributes: (i.MessageAttributes ?? {}) as Record<string, string>,
    });
    return { MessageId: messageId };
  }

  ok(_call: ParsedCall, output: unknown, requestId: string): WireResponse {
    const { MessageId } = output as { MessageId: string };
    return xml(
      200,
      requestId,
      `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${escapeXml(MessageId)}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  error(err: ApiError, requestId: string): WireResponse {
    const e = ERRORS[err.kind];
    return xmlError(
      e.code,
      xml(
        e.status,
        requestId,
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${e.code}</Code>` +
          `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      ),
    );
  }
}

function xml(status: number, requestId: string, body: string): WireResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

function xmlError(code: string, wire: WireResponse): WireResponse {
  return { ...wire, errorCode: code };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
