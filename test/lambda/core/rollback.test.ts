import { linesToRollBack } from '../../../lambda/core/rollback';
import {
  ResolvedNumber,
  checkConverged,
  flowIdOf,
  planCutover,
  planRollback,
  sameFlow,
  snapshotAssociations,
  targetAssociations,
} from '../../../lambda/core';

const FLOW_ARN_PREFIX = 'arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/';

function resolved(n: number, snapshotFlowId: string | null = 'legacy'): ResolvedNumber {
  return {
    phoneNumber: `+1800555010${n}`,
    phoneNumberId: `pn-${n}`,
    phoneNumberArn: `arn:aws:connect:us-east-1:123456789012:phone-number/pn-${n}`,
    targetFlowId: 'main',
    snapshotFlowId,
  };
}

const NUMBERS = [resolved(0), resolved(1), resolved(2, null)];

describe('flow references', () => {
  it.each([
    [`${FLOW_ARN_PREFIX}main`, 'main'],
    ['main', 'main'],
    ['arn:aws:connect:us-east-1:123456789012:instance/i-1', 'arn:aws:connect:us-east-1:123456789012:instance/i-1'],
  ])('flowIdOf(%p) is %p', (ref, id) => {
    expect(flowIdOf(ref)).toBe(id);
  });

  it.each<[string | null | undefined, string | null | undefined, boolean]>([
    ['main', 'main', true],
    [`${FLOW_ARN_PREFIX}main`, 'main', true],
    ['main', 'legacy', false],
    [null, null, true],
    [null, 'main', false],
    [undefined, 'main', false],
    [undefined, null, false],
  ])('sameFlow(%p, %p) is %p', (a, b, expected) => {
    expect(sameFlow(a, b)).toBe(expected);
  });
});

describe('planCutover', () => {
  it.each<[string, Record<string, string | null>, string[]]>([
    ['moves every number on a first run', { 'pn-0': 'legacy', 'pn-1': 'legacy', 'pn-2': null }, ['pn-0', 'pn-1', 'pn-2']],
    ['moves only the rest on a retry after a partial failure', { 'pn-0': 'main', 'pn-1': 'legacy', 'pn-2': null }, ['pn-1', 'pn-2']],
    ['moves nothing once converged', { 'pn-0': 'main', 'pn-1': 'main', 'pn-2': 'main' }, []],
    ['treats a flow ARN as its id', { 'pn-0': `${FLOW_ARN_PREFIX}main`, 'pn-1': 'main', 'pn-2': 'main' }, []],
    ['moves a number whose association was not read', { 'pn-0': 'main', 'pn-2': 'main' }, ['pn-1']],
  ])('%s', (_name, current, expected) => {
    expect(planCutover(NUMBERS, current).map((a) => a.phoneNumberId)).toEqual(expected);
  });

  it('says where each number goes and where it is now', () => {
    expect(planCutover([resolved(0), resolved(1)], { 'pn-0': 'legacy' })).toEqual([
      { phoneNumberId: 'pn-0', phoneNumber: '+18005550100', targetFlowId: 'main', currentFlowId: 'legacy' },
      { phoneNumberId: 'pn-1', phoneNumber: '+18005550101', targetFlowId: 'main' },
    ]);
  });

  it('converges: applying the plan leaves nothing to do', () => {
    const current: Record<string, string | null> = { 'pn-0': 'main', 'pn-1': 'legacy', 'pn-2': null };
    for (const action of planCutover(NUMBERS, current)) current[action.phoneNumberId] = action.targetFlowId;
    expect(planCutover(NUMBERS, current)).toEqual([]);
  });
});

describe('planRollback', () => {
  it('restores every moved number to its snapshot, and disassociates one that had no flow', () => {
    expect(planRollback(NUMBERS, { 'pn-0': 'main', 'pn-1': 'main', 'pn-2': 'main' })).toEqual([
      { phoneNumberId: 'pn-0', phoneNumber: '+18005550100', restoreFlowId: 'legacy', action: 'ASSOCIATE', currentFlowId: 'main' },
      { phoneNumberId: 'pn-1', phoneNumber: '+18005550101', restoreFlowId: 'legacy', action: 'ASSOCIATE', currentFlowId: 'main' },
      { phoneNumberId: 'pn-2', phoneNumber: '+18005550102', restoreFlowId: null, action: 'DISASSOCIATE', currentFlowId: 'main' },
    ]);
  });

  it.each<[string, Record<string, string | null>, string[]]>([
    ['touches only the numbers that moved (partial cutover)', { 'pn-0': 'main', 'pn-1': 'legacy', 'pn-2': null }, ['pn-0']],
    ['does nothing when every number is on its snapshot', { 'pn-0': 'legacy', 'pn-1': 'legacy', 'pn-2': null }, []],
    ['treats a snapshot flow ARN as its id', { 'pn-0': `${FLOW_ARN_PREFIX}legacy`, 'pn-1': 'legacy', 'pn-2': null }, []],
    ['restores a number whose association was not read', { 'pn-0': 'legacy', 'pn-1': 'legacy' }, ['pn-2']],
    ['restores a number moved to a third flow', { 'pn-0': 'other', 'pn-1': 'legacy', 'pn-2': null }, ['pn-0']],
  ])('%s', (_name, current, expected) => {
    expect(planRollback(NUMBERS, current).map((a) => a.phoneNumberId)).toEqual(expected);
  });
});

describe('checkConverged', () => {
  it('finds nothing when the read-back matches', () => {
    expect(checkConverged(targetAssociations(NUMBERS), { 'pn-0': 'main', 'pn-1': `${FLOW_ARN_PREFIX}main`, 'pn-2': 'main' })).toEqual([]);
    expect(checkConverged(snapshotAssociations(NUMBERS), { 'pn-0': 'legacy', 'pn-1': 'legacy', 'pn-2': null })).toEqual([]);
  });

  it('reports each number that differs or was not read back', () => {
    const mismatches = checkConverged(snapshotAssociations(NUMBERS), { 'pn-0': 'main', 'pn-2': 'main' });
    expect(mismatches).toEqual([
      { phoneNumberId: 'pn-0', expectedFlowId: 'legacy', actualFlowId: 'main', detail: 'pn-0 is on flow main, expected flow legacy' },
      { phoneNumberId: 'pn-1', expectedFlowId: 'legacy', detail: 'pn-1 was not read back, expected flow legacy' },
      { phoneNumberId: 'pn-2', expectedFlowId: null, actualFlowId: 'main', detail: 'pn-2 is on flow main, expected no flow' },
    ]);
  });

  it('reports a number left with no flow', () => {
    expect(checkConverged({ 'pn-0': 'main' }, { 'pn-0': null })).toEqual([
      { phoneNumberId: 'pn-0', expectedFlowId: 'main', actualFlowId: null, detail: 'pn-0 has no flow, expected flow main' },
    ]);
  });

  it('ignores inherited properties of the read-back', () => {
    expect(checkConverged({ constructor: 'main' }, {})).toHaveLength(1);
  });
});

describe('association maps', () => {
  it('maps each number to its target and its snapshot', () => {
    expect(targetAssociations(NUMBERS)).toEqual({ 'pn-0': 'main', 'pn-1': 'main', 'pn-2': 'main' });
    expect(snapshotAssociations(NUMBERS)).toEqual({ 'pn-0': 'legacy', 'pn-1': 'legacy', 'pn-2': null });
  });
});

describe('linesToRollBack', () => {
  const all = ['Support', 'Sales', 'Billing'];
  const base = {
    rollbackScope: 'serviceLine' as const,
    verifyDecision: 'ROLLBACK',
    failingLines: ['Sales'],
    errorOrHuman: false,
    allLines: all,
  };
  test.each([
    ['serviceLine scope, one failing line: only that line', base, ['Sales']],
    ['wave scope (the default)', { ...base, rollbackScope: 'wave' as const }, undefined],
    ['no scope given (states before rollbackScope)', { ...base, rollbackScope: undefined }, undefined],
    ['a task failure or an abort put an error in the state', { ...base, errorOrHuman: true }, undefined],
    ['the verdict was not ROLLBACK (a human decided)', { ...base, verifyDecision: 'INCONCLUSIVE' }, undefined],
    ['no failing line named (an operator abort)', { ...base, failingLines: [] }, undefined],
    ['every line failing: the whole wave', { ...base, failingLines: all }, undefined],
    ['a line the wave does not have is ignored', { ...base, failingLines: ['Sales', 'Nope'] }, ['Sales']],
    ['two of three lines, each once', { ...base, failingLines: ['Sales', 'Billing', 'Sales'] }, ['Sales', 'Billing']],
  ])('%s', (_name, cause, expected) => {
    expect(linesToRollBack(cause)).toEqual(expected);
  });
});
