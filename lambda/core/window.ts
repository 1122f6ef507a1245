/**
 * After the approval gate: is the approval complete, and is the approved window still open? Pure.
 */

export interface ApprovalAnswer {
  readonly decision?: string;
  readonly approver?: string;
  readonly attestations?: readonly string[];
}

export interface WindowVerdict {
  /** WAIT until `waitUntil`; NOW (waitUntil = now); MISSED the window; REJECTED an incomplete approval. */
  readonly action: 'WAIT' | 'NOW' | 'MISSED' | 'REJECTED';
  readonly waitUntil: string;
  readonly reason: string;
}

export function assessWindow(args: {
  approval: ApprovalAnswer | undefined;
  requiredAttestations: readonly string[];
  cutoverAt: string | undefined;
  allowedLatenessSeconds: number;
  now: Date;
}): WindowVerdict {
  const nowIso = args.now.toISOString();
  const a = args.approval;
  if (!a || a.decision !== 'approve') {
    return { action: 'REJECTED', waitUntil: nowIso, reason: `approval decision must be "approve", got: ${a?.decision ?? 'nothing'}` };
  }
  if (!a.approver || !a.approver.trim()) {
    return { action: 'REJECTED', waitUntil: nowIso, reason: 'approval must name the approver' };
  }
  const given = new Set(a.attestations ?? []);
  const missing = args.requiredAttestations.filter((x) => !given.has(x));
  if (missing.length > 0) {
    return { action: 'REJECTED', waitUntil: nowIso, reason: `approval by ${a.approver} lacks attestation(s): ${missing.join(', ')}` };
  }
  if (!args.cutoverAt) {
    return { action: 'NOW', waitUntil: nowIso, reason: `approved by ${a.approver}; no cutoverAt, cutting over now` };
  }
  const at = new Date(args.cutoverAt);
  const lateSeconds = (args.now.getTime() - at.getTime()) / 1000;
  if (lateSeconds > args.allowedLatenessSeconds) {
    return {
      action: 'MISSED',
      waitUntil: nowIso,
      reason: `approved window ${args.cutoverAt} missed by ${Math.round(lateSeconds)} s (allowed ${args.allowedLatenessSeconds} s)`,
    };
  }
  if (lateSeconds >= 0) {
    return {
      action: 'NOW',
      waitUntil: nowIso,
      reason: `approved by ${a.approver}; window ${args.cutoverAt} open (${Math.round(lateSeconds)} s late)`,
    };
  }
  return { action: 'WAIT', waitUntil: at.toISOString(), reason: `approved by ${a.approver}; waiting for ${args.cutoverAt}` };
}
