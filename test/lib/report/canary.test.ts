import { canaryDetail } from '../../../lib/report/canary';

describe('canaryDetail', () => {
  it.each([
    [{ canaryStep: 0, canaryPercent: 10, canaryDone: false }, 'canary step 1: 10 % of callers to the target flow'],
    [{ canaryStep: 2, canaryPercent: 100, canaryDone: true }, 'canary step 3: 100 % of callers to the target flow (last step)'],
    [{ canaryStep: 0, canaryPercent: 100, canaryDone: true }, 'switchFlow: 100 % of callers to the target flow'],
    [{ moved: 3 }, undefined],
    [undefined, undefined],
  ])('%j → %p', (cutover, detail) => expect(canaryDetail(cutover)).toBe(detail));
});
