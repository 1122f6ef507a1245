import { assessRecording, recordingOf, RECORDING_CHECK } from '../../../lambda/core/recording';
import { entryFlowContent, legacyBridgeFlowContent } from '../../../lib/private/flow-content';

const QUEUE_ARN =
  'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555/queue/66666666-7777-8888-9999-000000000000';

const record = (id: string, next: string, participants: unknown = ['Agent', 'Customer']) => ({
  Identifier: id,
  Type: 'UpdateContactRecordingBehavior',
  Parameters: { RecordingBehavior: { RecordedParticipants: participants } },
  Transitions: { NextAction: next },
});
const queue = (id: string) => ({ Identifier: id, Type: 'TransferContactToQueue', Parameters: {}, Transitions: { NextAction: 'end' } });
const end = { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} };
const flow = (start: string, ...actions: object[]) =>
  JSON.stringify({ Version: '2019-10-30', StartAction: start, Actions: [...actions, end] });
const choice = (id: string, a: string, b: string) => ({
  Identifier: id,
  Type: 'Compare',
  Parameters: { ComparisonValue: '$.Channel' },
  Transitions: { NextAction: a, Conditions: [{ NextAction: b, Condition: { Operator: 'Equals', Operands: ['VOICE'] } }] },
});

describe('recordingOf', () => {
  test.each([
    ['the generated entry flow', entryFlowContent({ greeting: 'Hi', queueArn: QUEUE_ARN }), 'RECORDED'],
    [
      'the generated entry flow with callRecording false',
      entryFlowContent({ greeting: 'Hi', queueArn: QUEUE_ARN, callRecording: false }),
      'NOT_RECORDED',
    ],
    ['the legacy bridge (a transfer to an outside number)', legacyBridgeFlowContent({ legacyNumber: '+18005550100' }), 'NO_AGENT_PATH'],
    ['recording on, then queue', flow('r', record('r', 'q'), queue('q')), 'RECORDED'],
    [
      'recording on, then a transfer to another flow',
      flow('r', record('r', 't'), {
        Identifier: 't',
        Type: 'TransferToFlow',
        Parameters: { ContactFlowId: 'x' },
        Transitions: { NextAction: 'end' },
      }),
      'RECORDED',
    ],
    [
      'queue, recording only after it (never runs)',
      flow('q', { ...queue('q'), Transitions: { NextAction: 'r' } }, record('r', 'end')),
      'NOT_RECORDED',
    ],
    ['only the agent recorded', flow('r', record('r', 'q', ['Agent']), queue('q')), 'PARTIAL'],
    ['one branch skips the recording', flow('c', choice('c', 'r', 'q'), record('r', 'q'), queue('q')), 'PARTIAL'],
    ['recording turned on then off again', flow('r', record('r', 'off'), record('off', 'q', []), queue('q')), 'NOT_RECORDED'],
    ['no content', undefined, 'UNREADABLE'],
    ['not JSON', '{nope', 'UNREADABLE'],
    ['JSON without Actions', '{"Version":"2019-10-30","StartAction":"a"}', 'UNREADABLE'],
  ])('%s', (_name, content, status) => {
    expect(recordingOf(content).status).toBe(status);
  });

  test('a loop in the flow ends the walk', () => {
    const looping = flow(
      'a',
      {
        Identifier: 'a',
        Type: 'MessageParticipant',
        Parameters: {},
        Transitions: { NextAction: 'a', Errors: [{ NextAction: 'q', ErrorType: 'NoMatchingError' }] },
      },
      queue('q'),
    );
    expect(recordingOf(looping).status).toBe('NOT_RECORDED');
  });
});

describe('assessRecording', () => {
  const recorded = entryFlowContent({ greeting: 'Hi', queueArn: QUEUE_ARN });
  const silent = entryFlowContent({ greeting: 'Hi', queueArn: QUEUE_ARN, callRecording: false });

  test('a recording flow passes with no warning', () => {
    expect(assessRecording([{ name: 'Main', content: recorded }], false)).toEqual([
      { check: RECORDING_CHECK, subject: 'Main', ok: true, detail: 'records agent and customer before the caller is handed on' },
    ]);
  });

  test('a flow that does not record is a passing warning by default', () => {
    const [item] = assessRecording([{ name: 'Main', content: silent }], false);
    expect(item).toMatchObject({ check: RECORDING_CHECK, subject: 'Main', ok: true, warning: true });
    expect(item.detail).toMatch(/^warning: no UpdateContactRecordingBehavior turns recording on .*calls to it are not recorded$/);
  });

  test('a flow that does not record fails when requireRecording', () => {
    const [item] = assessRecording([{ name: 'Main', content: silent }], true);
    expect(item).toMatchObject({ check: RECORDING_CHECK, subject: 'Main', ok: false });
    expect(item.warning).toBeUndefined();
    expect(item.detail).toMatch(/\(requireRecording is on\)$/);
  });

  test('unreadable content fails when requireRecording (no content is not success)', () => {
    expect(assessRecording([{ name: 'Main', content: undefined }], true)[0].ok).toBe(false);
  });
});
