/**
 * Cutover and Rollback in cutoverMode switchFlow: one UpdateContactFlowContent per line, read back with
 * DescribeContactFlow; canary steps; restore of the snapshot content.
 */
import { ConnectClient, DescribeContactFlowCommand, UpdateContactFlowContentCommand } from '@aws-sdk/client-connect';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler as cutover } from '../../../lambda/cutover';
import { handler as rollback } from '../../../lambda/rollback';
import { entryFlowsKey } from '../../../lambda/core/control';
import { EntryFlowSnapshot, entryFlowContent } from '../../../lambda/core/switch-flow';
import { config, cutoverRecord, EXECUTION_ARN, flowArn, INSTANCE_ID, pinClock, run, state } from './fixtures';

const connect = mockClient(ConnectClient);
const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const LEGACY = '+18005550199';
const LINES: EntryFlowSnapshot[] = [
  {
    serviceLine: 'Sales',
    entryFlowId: 'entry-sales',
    entryFlowArn: flowArn('entry-sales'),
    entryFlowName: 'golive-entry-Sales',
    targetFlowArn: flowArn('main'),
    content: entryFlowContent({ kind: 'legacy' }, LEGACY),
    numbers: 2,
  },
  {
    serviceLine: 'Care',
    entryFlowId: 'entry-care',
    entryFlowArn: flowArn('entry-care'),
    entryFlowName: 'golive-entry-Care',
    targetFlowArn: flowArn('care'),
    content: entryFlowContent({ kind: 'legacy' }, LEGACY),
    numbers: 1,
  },
];
const SWITCH = config({
  cutoverMode: 'switchFlow',
  switchFlow: { legacyNumber: LEGACY, lines: [] },
  canaryStepVerification: { observationWindowSeconds: 900, warmupSeconds: 60, minContactsForVerdict: 10 },
});
let restoreClock: () => void;
/** Each entry flow's content as the mocked Connect holds it: writes land, reads answer the last write. */
let contents: Record<string, string>;

beforeEach(() => {
  connect.reset();
  dynamodb.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetItemCommand).resolves({});
  dynamodb
    .on(GetItemCommand, { Key: { pk: { S: entryFlowsKey(EXECUTION_ARN) } } })
    .resolves({ Item: { lines: { S: JSON.stringify(LINES) } } });
  contents = Object.fromEntries(LINES.map((l) => [l.entryFlowId, l.content]));
  connect.on(DescribeContactFlowCommand).callsFake((input) => ({ ContactFlow: { Content: contents[input.ContactFlowId] } }));
  connect.on(UpdateContactFlowContentCommand).callsFake((input) => {
    contents[input.ContactFlowId] = input.Content;
    return {};
  });
  restoreClock = pinClock();
});
afterEach(() => restoreClock());

describe('Cutover (switchFlow)', () => {
  test('writes each line entry flow once to transfer to its target, reads each back, and moves no number', async () => {
    const record = await cutover(state({ config: SWITCH }));
    expect(connect).toHaveReceivedCommandTimes(UpdateContactFlowContentCommand, 2);
    expect(connect).toHaveReceivedCommandWith(UpdateContactFlowContentCommand, {
      InstanceId: INSTANCE_ID,
      ContactFlowId: 'entry-sales',
      Content: entryFlowContent({ kind: 'target', flow: flowArn('main') }, LEGACY),
    });
    expect(record).toMatchObject({
      moved: 3,
      alreadyOnTarget: 0,
      canaryStep: 0,
      canaryPercent: 100,
      canaryDone: true,
      cursor: { done: true },
    });
  });

  test('sets the first canary step, then SetCanaryStep (the same handler) the next', async () => {
    const first = await cutover(state({ config: SWITCH, run: run({ canarySteps: [10, 50, 100] }) }));
    expect(first).toMatchObject({ canaryStep: 0, canaryPercent: 10, canaryDone: false });
    expect(contents['entry-care']).toBe(entryFlowContent({ kind: 'split', flow: flowArn('care'), percent: 10 }, LEGACY));
    const second = await cutover(state({ config: SWITCH, run: run({ canarySteps: [10, 50, 100] }), cutover: first }));
    expect(second).toMatchObject({ canaryStep: 1, canaryPercent: 50, canaryDone: false, moved: 3 });
  });

  test('a retried step finds the content written and writes nothing', async () => {
    await cutover(state({ config: SWITCH }));
    connect.resetHistory();
    const again = await cutover(state({ config: SWITCH }));
    expect(connect).toHaveReceivedCommandTimes(UpdateContactFlowContentCommand, 0);
    expect(again).toMatchObject({ moved: 0, alreadyOnTarget: 3 });
  });

  test('throws CutoverError when an entry flow does not read back with the content written', async () => {
    connect.on(UpdateContactFlowContentCommand).resolves({}); // the write is lost
    await expect(cutover(state({ config: SWITCH }))).rejects.toMatchObject({
      name: 'CutoverError',
      message: expect.stringMatching(/entry flow\(s\) of Sales \(golive-entry-Sales\), Care \(golive-entry-Care\) did not read back/),
    });
  });
});

describe('Rollback (switchFlow)', () => {
  test('restores each entry flow snapshot content and reads it back; the run is done in one invocation', async () => {
    contents['entry-sales'] = entryFlowContent({ kind: 'target', flow: flowArn('main') }, LEGACY);
    contents['entry-care'] = entryFlowContent({ kind: 'target', flow: flowArn('care') }, LEGACY);
    const progress = await rollback(state({ config: SWITCH, cutover: cutoverRecord({ mode: 'switchFlow' }) }));
    expect(contents).toEqual({ 'entry-sales': LINES[0].content, 'entry-care': LINES[1].content });
    expect(progress).toMatchObject({ restored: 3, alreadyOnSnapshot: 0, cursor: { done: true }, partial: false });
  });

  test('rollbackScope "serviceLine": only the failing line goes back', async () => {
    const target = entryFlowContent({ kind: 'target', flow: flowArn('main') }, LEGACY);
    contents['entry-sales'] = target;
    contents['entry-care'] = entryFlowContent({ kind: 'target', flow: flowArn('care') }, LEGACY);
    const progress = await rollback(
      state({
        config: SWITCH,
        run: run({ rollbackScope: 'serviceLine' }),
        cutover: cutoverRecord({ mode: 'switchFlow' }),
        verify: { decision: 'ROLLBACK', failingLines: ['Care'] },
        readiness: {
          ...(state().readiness as object),
          serviceLines: [
            { serviceLine: 'Sales', queues: [], targetFlows: [] },
            { serviceLine: 'Care', queues: [], targetFlows: [] },
          ],
        },
      }),
    );
    expect(contents['entry-care']).toBe(LINES[1].content);
    expect(contents['entry-sales']).toBe(target);
    expect(progress).toMatchObject({ restored: 1, partial: true, serviceLines: ['Care'] });
  });

  test('throws RollbackError when the snapshot content will not come back', async () => {
    contents['entry-sales'] = entryFlowContent({ kind: 'target', flow: flowArn('main') }, LEGACY);
    connect.on(UpdateContactFlowContentCommand).resolves({});
    await expect(rollback(state({ config: SWITCH, cutover: cutoverRecord({ mode: 'switchFlow' }) }))).rejects.toMatchObject({
      name: 'RollbackError',
      message: expect.stringMatching(/^rollback incomplete: entry flow\(s\) of Sales \(golive-entry-Sales\) did not read back/),
    });
  });
});
