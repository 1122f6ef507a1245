import { ApprovalAnswer, assessWindow, WindowVerdict } from '../../../lambda/core';

const NOW = new Date('2025-06-01T22:00:00.000Z');
const NOW_ISO = NOW.toISOString();
const REQUIRED = ['uat', 'training', 'bau', 'support'];
const APPROVED: ApprovalAnswer = { decision: 'approve', approver: 'cab-chair', attestations: REQUIRED };

const assess = (approval: ApprovalAnswer | undefined, cutoverAt?: string, allowedLatenessSeconds = 900) =>
  assessWindow({ approval, requiredAttestations: REQUIRED, cutoverAt, allowedLatenessSeconds, now: NOW });

describe('assessWindow: the approval', () => {
  it.each<[string, ApprovalAnswer | undefined, string]>([
    ['no approval at all', undefined, 'approval decision must be "approve", got: nothing'],
    ['a reject decision', { ...APPROVED, decision: 'reject' }, 'approval decision must be "approve", got: reject'],
    [
      'an approval without decision',
      { approver: 'cab-chair', attestations: REQUIRED },
      'approval decision must be "approve", got: nothing',
    ],
    [
      'a live decision (the inconclusive answer) at the approval gate',
      { ...APPROVED, decision: 'live' },
      'approval decision must be "approve", got: live',
    ],
    ['no approver', { ...APPROVED, approver: undefined }, 'approval must name the approver'],
    ['a blank approver', { ...APPROVED, approver: '   ' }, 'approval must name the approver'],
    [
      'one missing attestation',
      { ...APPROVED, attestations: ['uat', 'training', 'bau'] },
      'approval by cab-chair lacks attestation(s): support',
    ],
    [
      'no attestations',
      { decision: 'approve', approver: 'cab-chair' },
      'approval by cab-chair lacks attestation(s): uat, training, bau, support',
    ],
    [
      'attestations that differ only in case',
      { ...APPROVED, attestations: ['UAT', 'training', 'bau', 'support'] },
      'approval by cab-chair lacks attestation(s): uat',
    ],
  ])('rejects %s', (_, approval, reason) => {
    expect(assess(approval, '2025-06-01T22:30:00.000Z')).toEqual<WindowVerdict>({ action: 'REJECTED', waitUntil: NOW_ISO, reason });
  });

  it('accepts extra attestations beyond the required ones', () => {
    expect(assess({ ...APPROVED, attestations: [...REQUIRED, 'security'] }).action).toBe('NOW');
  });

  it('needs no attestation when none is required', () => {
    const verdict = assessWindow({
      approval: { decision: 'approve', approver: 'cab-chair' },
      requiredAttestations: [],
      cutoverAt: undefined,
      allowedLatenessSeconds: 0,
      now: NOW,
    });
    expect(verdict.action).toBe('NOW');
  });
});

describe('assessWindow: the window', () => {
  it.each<[string, string | undefined, number, WindowVerdict]>([
    [
      'no cutoverAt',
      undefined,
      900,
      { action: 'NOW', waitUntil: NOW_ISO, reason: 'approved by cab-chair; no cutoverAt, cutting over now' },
    ],
    [
      'a cutoverAt in the future',
      '2025-06-01T22:30:00.000Z',
      900,
      { action: 'WAIT', waitUntil: '2025-06-01T22:30:00.000Z', reason: 'approved by cab-chair; waiting for 2025-06-01T22:30:00.000Z' },
    ],
    [
      'a cutoverAt one millisecond ahead',
      '2025-06-01T22:00:00.001Z',
      900,
      { action: 'WAIT', waitUntil: '2025-06-01T22:00:00.001Z', reason: 'approved by cab-chair; waiting for 2025-06-01T22:00:00.001Z' },
    ],
    [
      'a cutoverAt of exactly now',
      NOW_ISO,
      0,
      { action: 'NOW', waitUntil: NOW_ISO, reason: `approved by cab-chair; window ${NOW_ISO} open (0 s late)` },
    ],
    [
      'a late cutoverAt within the allowed lateness',
      '2025-06-01T21:50:00.000Z',
      900,
      { action: 'NOW', waitUntil: NOW_ISO, reason: 'approved by cab-chair; window 2025-06-01T21:50:00.000Z open (600 s late)' },
    ],
    [
      'a cutoverAt late by exactly the allowed lateness',
      '2025-06-01T21:45:00.000Z',
      900,
      { action: 'NOW', waitUntil: NOW_ISO, reason: 'approved by cab-chair; window 2025-06-01T21:45:00.000Z open (900 s late)' },
    ],
    [
      'a cutoverAt one second beyond the allowed lateness',
      '2025-06-01T21:44:59.000Z',
      900,
      { action: 'MISSED', waitUntil: NOW_ISO, reason: 'approved window 2025-06-01T21:44:59.000Z missed by 901 s (allowed 900 s)' },
    ],
    [
      'a cutoverAt long past',
      '2025-06-01T12:00:00.000Z',
      900,
      { action: 'MISSED', waitUntil: NOW_ISO, reason: 'approved window 2025-06-01T12:00:00.000Z missed by 36000 s (allowed 900 s)' },
    ],
    [
      'any lateness when none is allowed',
      '2025-06-01T21:59:59.000Z',
      0,
      { action: 'MISSED', waitUntil: NOW_ISO, reason: 'approved window 2025-06-01T21:59:59.000Z missed by 1 s (allowed 0 s)' },
    ],
  ])('%s', (_, cutoverAt, allowedLatenessSeconds, verdict) => {
    expect(assess(APPROVED, cutoverAt, allowedLatenessSeconds)).toEqual(verdict);
  });

  it('normalises a cutoverAt without milliseconds in waitUntil (the Wait state reads it)', () => {
    expect(assess(APPROVED, '2025-06-01T22:30:00Z').waitUntil).toBe('2025-06-01T22:30:00.000Z');
  });

  it('rejects an incomplete approval even when the window is missed', () => {
    expect(assess({ ...APPROVED, decision: 'reject' }, '2025-06-01T12:00:00.000Z').action).toBe('REJECTED');
  });
});
