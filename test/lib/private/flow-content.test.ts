import { Fn, Stack } from 'aws-cdk-lib';
import {
  entryFlowContent,
  FlowAction,
  FlowDocument,
  legacyBridgeFlowContent,
  renderFlowContent,
  validateFlowContent,
  withCallRecording,
} from '../../../lib/private/flow-content';

const QUEUE_ARN =
  'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555/queue/66666666-7777-8888-9999-000000000000';
const GREETING = 'Thank you for calling Example Corp.';
const LEGACY_NUMBER = '+18005550100';

function parse(content: string): FlowDocument {
  return JSON.parse(content) as FlowDocument;
}

function actionOf(doc: FlowDocument, identifier: string): FlowAction {
  const action = doc.Actions.find((candidate) => candidate.Identifier === identifier);
  if (!action) {
    throw new Error(`no action "${identifier}" in ${JSON.stringify(doc)}`);
  }
  return action;
}

/** Replaces each CloudFormation intrinsic in a resolved Fn::Join with `value`, giving the deployed string. */
function joinWith(resolved: unknown, value: string): string {
  const parts = (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts.map((part) => (typeof part === 'string' ? part : value)).join('');
}

const generatedFlows: Array<[string, () => string]> = [
  ['entry flow', () => entryFlowContent({ greeting: GREETING, queueArn: QUEUE_ARN })],
  ['entry flow without recording', () => entryFlowContent({ greeting: GREETING, queueArn: QUEUE_ARN, callRecording: false })],
  ['legacy bridge with a greeting', () => legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER, greeting: GREETING })],
  ['legacy bridge without a greeting', () => legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER })],
];

describe('generated flows', () => {
  test.each(generatedFlows)('%s passes validateFlowContent', (_name, render) => {
    expect(validateFlowContent(parse(render()))).toEqual([]);
  });

  test.each(generatedFlows)('%s sends every error to the apology, and the apology to disconnect', (_name, render) => {
    // GIVEN
    const doc = parse(render());

    // THEN
    for (const action of doc.Actions) {
      const expected = action.Identifier === 'apologize' ? 'disconnect' : 'apologize';
      for (const error of action.Transitions.Errors ?? []) {
        expect({ action: action.Identifier, error: error.ErrorType, next: error.NextAction }).toEqual({
          action: action.Identifier,
          error: error.ErrorType,
          next: expected,
        });
      }
    }
    expect(actionOf(doc, 'apologize')).toMatchObject({ Type: 'MessageParticipant', Transitions: { NextAction: 'disconnect' } });
    expect(actionOf(doc, 'disconnect')).toEqual({
      Identifier: 'disconnect',
      Type: 'DisconnectParticipant',
      Parameters: {},
      Transitions: {},
    });
  });
});

describe('entryFlowContent', () => {
  test('greets, sets the working queue, then transfers to it', () => {
    // WHEN (recording off: the flow without the recording action added in front)
    const doc = parse(entryFlowContent({ greeting: GREETING, queueArn: QUEUE_ARN, callRecording: false }));

    // THEN
    expect(doc.Version).toBe('2019-10-30');
    expect(doc.StartAction).toBe('greeting');
    expect(actionOf(doc, 'greeting')).toMatchObject({
      Type: 'MessageParticipant',
      Parameters: { Text: GREETING },
      Transitions: { NextAction: 'set-queue' },
    });
    expect(actionOf(doc, 'set-queue')).toMatchObject({
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: QUEUE_ARN },
      Transitions: { NextAction: 'transfer-to-queue' },
    });
    expect(actionOf(doc, 'transfer-to-queue')).toEqual({
      Identifier: 'transfer-to-queue',
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: {
        NextAction: 'apologize',
        Errors: [
          { NextAction: 'apologize', ErrorType: 'QueueAtCapacity' },
          { NextAction: 'apologize', ErrorType: 'NoMatchingError' },
        ],
      },
    });
  });

  test('turns recording on for agent and customer first, before the caller is queued (default)', () => {
    // WHEN
    const doc = parse(entryFlowContent({ greeting: GREETING, queueArn: QUEUE_ARN }));

    // THEN
    expect(doc.StartAction).toBe('set-recording');
    expect(actionOf(doc, 'set-recording')).toEqual({
      Identifier: 'set-recording',
      Type: 'UpdateContactRecordingBehavior',
      Parameters: { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } },
      Transitions: { NextAction: 'greeting' },
    });
    expect(doc.Actions.filter((a) => a.Type === 'UpdateContactRecordingBehavior')).toHaveLength(1);
    expect(validateFlowContent(doc)).toEqual([]);
  });

  test('callRecording false leaves the recording action out', () => {
    // WHEN
    const doc = parse(entryFlowContent({ greeting: GREETING, queueArn: QUEUE_ARN, callRecording: false }));

    // THEN
    expect(doc.StartAction).toBe('greeting');
    expect(doc.Actions.some((a) => a.Type === 'UpdateContactRecordingBehavior')).toBe(false);
  });

  test('a token queue ARN survives into the JSON and resolves at synth', () => {
    // GIVEN
    const stack = new Stack();
    const queueArn = Fn.importValue('ConnectQueueArn');

    // WHEN
    const content = entryFlowContent({ greeting: GREETING, queueArn });
    const resolved = stack.resolve(content);

    // THEN
    expect(content).toContain(queueArn);
    expect(JSON.stringify(resolved)).toContain('{"Fn::ImportValue":"ConnectQueueArn"}');
    const deployed = parse(joinWith(resolved, QUEUE_ARN));
    expect(actionOf(deployed, 'set-queue').Parameters).toEqual({ QueueId: QUEUE_ARN });
    expect(validateFlowContent(deployed)).toEqual([]);
  });

  test.each([
    ['an account-less ARN', 'arn:aws:connect:us-east-1::instance/abc/queue/def'],
    ['a queue ID', '66666666-7777-8888-9999-000000000000'],
    ['an instance ARN', 'arn:aws:connect:us-east-1:123456789012:instance/abc'],
    ['an empty string', ''],
  ])('throws when queueArn is %s', (_name, queueArn) => {
    expect(() => entryFlowContent({ greeting: GREETING, queueArn })).toThrow(
      `queueArn must be an Amazon Connect queue ARN like arn:aws:connect:us-east-1:123456789012:instance/<instance-id>/queue/<queue-id>, got: ${queueArn}`,
    );
  });
});

describe('legacyBridgeFlowContent', () => {
  test('transfers to the legacy number as a third party, continuing the flow to catch failures', () => {
    // WHEN
    const doc = parse(legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER }));

    // THEN
    expect(actionOf(doc, 'transfer-to-legacy')).toEqual({
      Identifier: 'transfer-to-legacy',
      Type: 'TransferParticipantToThirdParty',
      Parameters: {
        ThirdPartyPhoneNumber: LEGACY_NUMBER,
        ThirdPartyConnectionTimeLimitSeconds: '30',
        ContinueFlowExecution: 'True',
      },
      Transitions: {
        NextAction: 'disconnect',
        Errors: [
          { NextAction: 'apologize', ErrorType: 'CallFailed' },
          { NextAction: 'apologize', ErrorType: 'ConnectionTimeLimitExceeded' },
          { NextAction: 'apologize', ErrorType: 'NoMatchingError' },
        ],
      },
    });
  });

  test('without a greeting, starts at the transfer and has no greeting action', () => {
    const doc = parse(legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER }));

    expect(doc.StartAction).toBe('transfer-to-legacy');
    expect(doc.Actions.map((action) => action.Identifier)).toEqual(['transfer-to-legacy', 'apologize', 'disconnect']);
  });

  test('with a greeting, plays it before the transfer', () => {
    const doc = parse(legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER, greeting: GREETING }));

    expect(doc.StartAction).toBe('greeting');
    expect(actionOf(doc, 'greeting')).toMatchObject({
      Type: 'MessageParticipant',
      Parameters: { Text: GREETING },
      Transitions: { NextAction: 'transfer-to-legacy' },
    });
  });

  test('accepts a token legacy number and resolves it at synth', () => {
    // GIVEN
    const stack = new Stack();
    const legacyNumber = Fn.importValue('LegacyNumber');

    // WHEN
    const resolved = stack.resolve(legacyBridgeFlowContent({ legacyNumber }));

    // THEN
    const deployed = parse(joinWith(resolved, LEGACY_NUMBER));
    expect(actionOf(deployed, 'transfer-to-legacy').Parameters.ThirdPartyPhoneNumber).toBe(LEGACY_NUMBER);
  });

  test.each([
    ['no leading plus', '18005550100'],
    ['spaces', '+1 800 555 0100'],
    ['a leading zero country code', '+08005550100'],
    ['16 digits', '+1234567890123456'],
    ['only a country code digit', '+1'],
    ['an empty string', ''],
  ])('throws when legacyNumber has %s', (_name, legacyNumber) => {
    expect(() => legacyBridgeFlowContent({ legacyNumber })).toThrow(
      `legacyNumber must be an E.164 number like +18005550100, got: ${legacyNumber}`,
    );
  });
});

describe('withCallRecording', () => {
  const doc: FlowDocument = {
    Version: '2019-10-30',
    StartAction: 'hello',
    Actions: [
      { Identifier: 'hello', Type: 'MessageParticipant', Parameters: { Text: 'Hi' }, Transitions: { NextAction: 'bye' } },
      { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };

  test('puts the recording action in front of any generated flow, which stays valid', () => {
    // WHEN
    const recorded = withCallRecording(doc);

    // THEN
    expect(recorded.StartAction).toBe('set-recording');
    expect(recorded.Actions[0]).toMatchObject({ Type: 'UpdateContactRecordingBehavior', Transitions: { NextAction: 'hello' } });
    expect(recorded.Actions.slice(1)).toEqual(doc.Actions);
    expect(validateFlowContent(JSON.parse(renderFlowContent(recorded)))).toEqual([]);
  });

  test('throws when the flow already has a set-recording action', () => {
    expect(() => withCallRecording(withCallRecording(doc))).toThrow('flow already has an action "set-recording"');
  });
});

describe('greeting validation', () => {
  const flows: Array<[string, (greeting: string) => string]> = [
    ['entryFlowContent', (greeting) => entryFlowContent({ greeting, queueArn: QUEUE_ARN })],
    ['legacyBridgeFlowContent', (greeting) => legacyBridgeFlowContent({ legacyNumber: LEGACY_NUMBER, greeting })],
  ];

  test.each(flows)('%s throws when the greeting is empty', (_name, render) => {
    expect(() => render('')).toThrow('greeting must not be empty, got: ""');
    expect(() => render('   ')).toThrow('greeting must not be empty, got: "   "');
  });

  test.each(flows)('%s throws when the greeting is over 1000 characters', (_name, render) => {
    expect(() => render('a'.repeat(1001))).toThrow('greeting must be at most 1000 characters, got: 1001');
  });

  test.each(flows)('%s accepts a 1000-character greeting', (_name, render) => {
    expect(() => render('a'.repeat(1000))).not.toThrow();
  });
});

describe('validateFlowContent', () => {
  /** A minimal valid flow: say hello (or fail), then hang up. */
  function validFlow(): any {
    return {
      Version: '2019-10-30',
      StartAction: 'hello',
      Actions: [
        {
          Identifier: 'hello',
          Type: 'MessageParticipant',
          Parameters: { Text: 'Hello' },
          Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
        },
        { Identifier: 'bye', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
      ],
    };
  }
  /** Renames the start action, keeping the flow otherwise intact. */
  const renameStart = (identifier: string) => (doc: any) => {
    doc.StartAction = identifier;
    doc.Actions[0].Identifier = identifier;
  };
  const orphan = { Identifier: 'orphan', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} };

  test('accepts the minimal valid flow', () => {
    expect(validateFlowContent(validFlow())).toEqual([]);
  });

  test.each<[string, (doc: any) => void, string[]]>([
    ['Version is missing', (doc) => delete doc.Version, ['Version must be "2019-10-30", got: undefined']],
    ['Version is another date', (doc) => (doc.Version = '2020-01-01'), ['Version must be "2019-10-30", got: "2020-01-01"']],
    ['StartAction is missing', (doc) => delete doc.StartAction, ['StartAction must be a non-empty string']],
    ['StartAction names no action', (doc) => (doc.StartAction = 'nowhere'), ['StartAction "nowhere" does not match any action Identifier']],
    [
      'a NextAction dangles',
      (doc) => (doc.Actions[0].Transitions.NextAction = 'nowhere'),
      ['action "hello": NextAction "nowhere" does not match any action Identifier'],
    ],
    [
      'an error target dangles',
      (doc) => (doc.Actions[0].Transitions.Errors[0].NextAction = 'nowhere'),
      ['action "hello": Errors[NoMatchingError].NextAction "nowhere" does not match any action Identifier'],
    ],
    [
      'a condition target dangles',
      (doc) => (doc.Actions[0].Transitions.Conditions = [{ NextAction: 'nowhere', Condition: { Operator: 'Equals', Operands: ['1'] } }]),
      ['action "hello": Conditions[0].NextAction "nowhere" does not match any action Identifier'],
    ],
    ['an Identifier is used twice', (doc) => doc.Actions.push({ ...orphan, Identifier: 'bye' }), ['Identifier "bye" is used by 2 actions']],
    ['an action is unreachable', (doc) => doc.Actions.push(orphan), ['action "orphan" is unreachable from StartAction "hello"']],
    [
      'a non-terminal action has no transitions',
      (doc) => (doc.Actions[0].Transitions = {}),
      [
        'action "hello" (MessageParticipant) has no NextAction, Errors or Conditions, but only DisconnectParticipant and EndFlowExecution may end a flow',
        'action "bye" is unreachable from StartAction "hello"',
      ],
    ],
    [
      'a terminal action has transitions',
      (doc) => (doc.Actions[1].Transitions = { NextAction: 'hello' }),
      ['action "bye" (DisconnectParticipant) is terminal, so its Transitions must be {}'],
    ],
    [
      'an Identifier has a character Connect rejects',
      renameStart('say/hello'),
      ['Identifier "say/hello" contains a character Connect rejects: % : ( \\ / ) = $ , ; [ ] { }'],
    ],
    ['an Identifier is over 50 characters', renameStart('h'.repeat(51)), [`Identifier "${'h'.repeat(51)}" is longer than 50 characters`]],
    ['an Identifier is a reserved name', renameStart('constructor'), ['Identifier "constructor" is a reserved name']],
    ['an action has no Transitions', (doc) => delete doc.Actions[1].Transitions, ['Actions[1] "bye" must have a Transitions object']],
    [
      'an error transition has no ErrorType',
      (doc) => delete doc.Actions[0].Transitions.Errors[0].ErrorType,
      ['Actions[0] "hello" must have Transitions.Errors as a list of { ErrorType, NextAction } strings'],
    ],
    ['Actions is empty', (doc) => (doc.Actions = []), ['Actions must be a non-empty array']],
    ['Actions is not an array', (doc) => (doc.Actions = {}), ['Actions must be a non-empty array']],
  ])('rejects a flow where %s', (_name, breakIt, expected) => {
    // GIVEN
    const doc = validFlow();
    breakIt(doc);

    // THEN
    expect(validateFlowContent(doc)).toEqual(expected);
  });

  test('rejects a flow with more than 250 actions', () => {
    // GIVEN: a chain of 251 messages ending in a disconnect
    const chain = Array.from({ length: 251 }, (_, i) => ({
      Identifier: `m${i}`,
      Type: 'MessageParticipant',
      Parameters: { Text: 'x' },
      Transitions: { NextAction: i === 250 ? 'bye' : `m${i + 1}` },
    }));
    const doc = { ...validFlow(), StartAction: 'm0', Actions: [...chain, validFlow().Actions[1]] };

    // THEN
    expect(validateFlowContent(doc)).toEqual(['a flow may have at most 250 Actions, got: 252']);
  });
});

describe('renderFlowContent', () => {
  test('throws when the document is invalid, listing every problem', () => {
    const doc = { Version: '2019-10-30', StartAction: 'nowhere', Actions: [] } as FlowDocument;

    expect(() => renderFlowContent(doc)).toThrow('flow content is invalid:\n- Actions must be a non-empty array');
  });
});
