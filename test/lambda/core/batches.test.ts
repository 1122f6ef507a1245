import { BATCH_SIZE, batchCount, batchRange, cursorAfter, MAX_WAVE_SIZE, selectPlan } from '../../../lambda/core/batches';
import { PlanEntry } from '../../../lambda/core/types';

const entry = (i: number): PlanEntry => ({
  phoneNumber: `+1800555${String(i).padStart(4, '0')}`,
  targetFlow: i % 2 === 0 ? 'Main' : 'Sales',
});
const PLAN = Array.from({ length: 5 }, (_, i) => entry(i));

describe('batch constants', () => {
  // BatchGetFlowAssociation takes 1–100 ResourceIds:
  // https://docs.aws.amazon.com/connect/latest/APIReference/API_BatchGetFlowAssociation.html
  it('a batch is at most what one BatchGetFlowAssociation call reads (100)', () => {
    expect(BATCH_SIZE).toBe(100);
  });

  it('the largest wave is 1,000 numbers: 10 batches', () => {
    expect(MAX_WAVE_SIZE).toBe(1000);
    expect(batchCount(MAX_WAVE_SIZE)).toBe(10);
  });
});

describe('batchCount', () => {
  it.each([
    [0, 0],
    [1, 1],
    [3, 1],
    [99, 1],
    [100, 1],
    [101, 2],
    [200, 2],
    [250, 3],
    [999, 10],
    [1000, 10],
  ])('a wave of %p number(s) takes %p batch(es)', (total, batches) => {
    expect(batchCount(total)).toBe(batches);
  });
});

describe('batchRange', () => {
  it.each([
    [0, 3, 0, 3],
    [0, 100, 0, 100],
    [0, 250, 0, 100],
    [1, 250, 100, 200],
    [2, 250, 200, 250],
    [9, 1000, 900, 1000],
    [0, 0, 0, 0],
    // Past the end: an empty range, never a negative one.
    [3, 250, 300, 250],
  ])('batch %p of %p numbers is [%p, %p)', (index, total, start, end) => {
    expect(batchRange(index, total)).toEqual({ start, end });
  });

  it('the batches of a wave cover every index once, in order', () => {
    for (const total of [1, 99, 100, 101, 250, 1000]) {
      const seen: number[] = [];
      for (let b = 0; b < batchCount(total); b++) {
        const { start, end } = batchRange(b, total);
        for (let i = start; i < end; i++) seen.push(i);
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
    }
  });
});

describe('cursorAfter', () => {
  it.each([
    ['the only batch of a small wave', 0, 3, undefined, { nextBatch: 1, batches: 1, total: 3, done: true }],
    ['the first of three batches', 0, 250, undefined, { nextBatch: 1, batches: 3, total: 250, done: false }],
    ['the second of three batches', 1, 250, undefined, { nextBatch: 2, batches: 3, total: 250, done: false }],
    ['the last of three batches', 2, 250, undefined, { nextBatch: 3, batches: 3, total: 250, done: true }],
    ['the last batch of a 1,000-number wave', 9, 1000, undefined, { nextBatch: 10, batches: 10, total: 1000, done: true }],
    // Cutover and Rollback count the resolved numbers but keep DeployCheck's batches (a batch may resolve fewer).
    ['batch 1 of 3 given batches when fewer numbers resolved', 1, 120, 3, { nextBatch: 2, batches: 3, total: 120, done: false }],
    ['batch 2 of 3 given batches', 2, 120, 3, { nextBatch: 3, batches: 3, total: 120, done: true }],
    ['an empty wave', 0, 0, undefined, { nextBatch: 1, batches: 0, total: 0, done: true }],
  ])('after %s', (_, index, total, batches, expected) => {
    expect(cursorAfter(index as number, total as number, batches as number | undefined)).toEqual(expected);
  });
});

describe('selectPlan', () => {
  it.each<[string, string[] | undefined, number[]]>([
    ['no selection: the whole plan', undefined, [0, 1, 2, 3, 4]],
    ['a selection in plan order', [entry(1).phoneNumber, entry(3).phoneNumber], [1, 3]],
    ['a selection given out of order, returned in plan order', [entry(4).phoneNumber, entry(0).phoneNumber], [0, 4]],
    ['a selection naming a number twice, returned once', [entry(2).phoneNumber, entry(2).phoneNumber], [2]],
    ['an empty selection: nothing', [], []],
    ['a number outside the plan is ignored (ValidateInput rejects it first)', ['+19995550000', entry(0).phoneNumber], [0]],
  ])('%s', (_, selection, indexes) => {
    expect(selectPlan(PLAN, selection)).toEqual(indexes.map((i) => PLAN[i]));
  });

  it('returns a copy: the caller may not change the plan through it', () => {
    const selected = selectPlan(PLAN, undefined);

    expect(selected).toEqual(PLAN);
    expect(selected).not.toBe(PLAN);
  });
});
