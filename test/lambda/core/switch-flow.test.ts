import {
  canaryStepProblems,
  defaultEntryFlowName,
  entryFlowContent,
  routingForPercent,
  routingOfContent,
  sameContent,
  switchFlowLinesOf,
} from '../../../lambda/core/switch-flow';
import { validateFlowContent } from '../../../lib/private/flow-content';

const TARGET = 'arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/main';
const LEGACY = '+18005550199';

describe('entryFlowContent', () => {
  it.each([
    ['legacy', { kind: 'legacy' as const }],
    ['target', { kind: 'target' as const, flow: TARGET }],
    ['split', { kind: 'split' as const, flow: TARGET, percent: 10 }],
  ])('writes a well-formed %s flow that reads back as the same routing', (_name, routing) => {
    const content = entryFlowContent(routing, LEGACY);
    expect(validateFlowContent(JSON.parse(content))).toEqual([]);
    expect(routingOfContent(content)).toEqual(routing);
  });

  it('bridges to the legacy number with TransferParticipantToThirdParty', () => {
    const doc = JSON.parse(entryFlowContent({ kind: 'legacy' }, LEGACY));
    expect(doc.Actions[0]).toMatchObject({ Type: 'TransferParticipantToThirdParty', Parameters: { ThirdPartyPhoneNumber: LEGACY } });
  });

  it('splits with DistributeByPercentage: NumericLessThan the percent to the target, NoMatchingCondition to legacy', () => {
    const doc = JSON.parse(entryFlowContent({ kind: 'split', flow: TARGET, percent: 25 }, LEGACY));
    const distribute = doc.Actions.find((a: { Type: string }) => a.Type === 'DistributeByPercentage');
    expect(doc.StartAction).toBe(distribute.Identifier);
    expect(distribute.Transitions.Conditions).toEqual([
      { NextAction: 'transfer-to-target', Condition: { Operator: 'NumericLessThan', Operands: ['25'] } },
    ]);
    expect(distribute.Transitions.Errors).toEqual([{ NextAction: 'transfer-to-legacy', ErrorType: 'NoMatchingCondition' }]);
  });

  it('falls back to the legacy bridge when the transfer to the target fails', () => {
    const doc = JSON.parse(entryFlowContent({ kind: 'target', flow: TARGET }, LEGACY));
    expect(doc.Actions[0]).toMatchObject({ Type: 'TransferToFlow', Parameters: { ContactFlowId: TARGET } });
    expect(doc.Actions[0].Transitions.Errors).toEqual([{ NextAction: 'transfer-to-legacy', ErrorType: 'NoMatchingError' }]);
  });

  it.each([0, 100, 12.5])('throws when a split percent is %p', (percent) => {
    expect(() => entryFlowContent({ kind: 'split', flow: TARGET, percent }, LEGACY)).toThrow(/1–99 percent/);
  });
});

describe('routingForPercent', () => {
  it.each([
    [0, { kind: 'legacy' }],
    [10, { kind: 'split', flow: TARGET, percent: 10 }],
    [100, { kind: 'target', flow: TARGET }],
  ])('%p %% is %j', (percent, routing) => expect(routingForPercent(percent, TARGET)).toEqual(routing));
});

describe('routingOfContent', () => {
  it('is undefined for a flow that handles callers itself, and for content that is not JSON', () => {
    const queueFlow = JSON.stringify({
      Version: '2019-10-30',
      StartAction: 'q',
      Actions: [{ Identifier: 'q', Type: 'TransferContactToQueue' }],
    });
    expect(routingOfContent(queueFlow)).toBeUndefined();
    expect(routingOfContent('{nope')).toBeUndefined();
  });
});

describe('sameContent', () => {
  it('compares JSON documents, not their whitespace', () => {
    const a = entryFlowContent({ kind: 'legacy' }, LEGACY);
    expect(sameContent(a, JSON.stringify(JSON.parse(a), null, 2))).toBe(true);
    expect(sameContent(a, entryFlowContent({ kind: 'target', flow: TARGET }, LEGACY))).toBe(false);
  });
});

describe('switchFlowLinesOf', () => {
  it('groups the plan by service line with one target flow each; entries without a line are on "all"', () => {
    const lines = switchFlowLinesOf(
      [
        { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Sales' },
        { phoneNumber: '+18005550101', targetFlow: 'Main', serviceLine: 'Sales' },
        { phoneNumber: '+18005550102', targetFlow: 'Care' },
      ],
      defaultEntryFlowName,
    );
    expect(lines).toEqual([
      { serviceLine: 'Sales', entryFlow: 'golive-entry-Sales', targetFlow: 'Main' },
      { serviceLine: 'all', entryFlow: 'golive-entry-all', targetFlow: 'Care' },
    ]);
  });

  it('throws when a service line names two target flows', () => {
    expect(() =>
      switchFlowLinesOf(
        [
          { phoneNumber: '+18005550100', targetFlow: 'Main', serviceLine: 'Sales' },
          { phoneNumber: '+18005550101', targetFlow: 'Other', serviceLine: 'Sales' },
        ],
        defaultEntryFlowName,
      ),
    ).toThrow(/plan\[1\]\.targetFlow must be the same for every number of service line Sales/);
  });
});

describe('canaryStepProblems', () => {
  it.each([[[10, 50, 100]], [[100]], [[1, 2, 3, 100]]])('accepts %j', (steps) => expect(canaryStepProblems(steps)).toEqual([]));
  it.each([
    [[], /1–10 steps/],
    [[10, 50], /must end at 100/],
    [[50, 10, 100], /\[1\] must be larger than the step before/],
    [[0, 100], /\[0\] must be a whole percent 1–100/],
    [[10.5, 100], /\[0\] must be a whole percent/],
    ['10,100', /must be a list of percentages/],
  ])('rejects %j', (steps, message) => expect(canaryStepProblems(steps).join('; ')).toMatch(message));
});
