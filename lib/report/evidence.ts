/**
 * The evidence of one go-live: what the HTML report shows. Built from a Step Functions execution history
 * (`evidenceFromHistory`) or by the rehearsal. All times are ISO-8601 UTC strings.
 */

/** How one state visit ended. `stopped`: the execution was stopped or timed out while in it. */
export type StepStatus = 'succeeded' | 'failed' | 'running' | 'stopped';

/** One visit of one state of the runbook, in order. */
export interface EvidenceStep {
  readonly name: string;
  readonly status: StepStatus;
  /** When the state was entered. */
  readonly at: string;
  /** The error of a failed step, the verdict of a Verify poll, … */
  readonly detail?: string;
}

/** The approver's answer at ApprovalGate. */
export interface EvidenceApproval {
  /** Empty when the answer did not carry one (a reject carries only its reason). */
  readonly approver: string;
  readonly attestations: readonly string[];
  readonly at: string;
  /** `approve`, `reject`, `abort` or `timeout`. */
  readonly decision: string;
}

/** One number's flow before the cutover, as recorded by DeployCheck. */
export interface EvidenceSnapshotEntry {
  readonly phoneNumber: string;
  /** Flow id (or name, in a rehearsal); null when the number had no flow. */
  readonly flow: string | null;
}

export interface MetricThreshold {
  /** `max`: values above `value` breach; `min`: values below `value` breach. */
  readonly kind: 'max' | 'min';
  readonly value: number;
}

export interface MetricPoint {
  readonly at: string;
  /** Null when the poll had no data for this metric (no data is not success). */
  readonly value: number | null;
}

/** One watched metric over the verification window. */
export interface EvidenceMetric {
  readonly name: string;
  /** Display unit: `%`, `s`, `contacts`, … */
  readonly unit: string;
  readonly threshold: MetricThreshold;
  readonly points: readonly MetricPoint[];
}

/** One decision of the verification loop (or of a human on an inconclusive window). */
export interface EvidenceVerdict {
  readonly at: string;
  readonly decision: string;
  readonly reason: string;
}

export interface EvidenceRecord {
  readonly title: string;
  readonly changeId: string;
  /** `LIVE`, `DRY_RUN_OK`, `ROLLED_BACK`, `ABORTED`, `ROLLBACK_FAILED`, or the execution status while none. */
  readonly outcome: string;
  readonly startedAt: string;
  /** Absent while the execution runs. */
  readonly endedAt?: string;
  readonly steps: readonly EvidenceStep[];
  readonly approval?: EvidenceApproval;
  readonly snapshot: readonly EvidenceSnapshotEntry[];
  /**
   * Phone number → flow after the execution. A snapshot number missing here is unknown
   * (e.g. a rollback that failed without per-number results): the report says to check the instance.
   */
  readonly finalAssociations: Readonly<Record<string, string | null>>;
  /** When the Cutover state started. */
  readonly cutoverAt?: string;
  /** When the Rollback state started. */
  readonly rollbackAt?: string;
  readonly metrics: readonly EvidenceMetric[];
  readonly verdicts: readonly EvidenceVerdict[];
  /**
   * Per service line: its latest verdict and the metrics of its own samples. Absent or empty for executions
   * whose Verify output predates service lines.
   */
  readonly lines?: readonly EvidenceServiceLine[];
}

/** One service line of the wave: its latest verdict and its own metrics over the verification window. */
export interface EvidenceServiceLine {
  readonly serviceLine: string;
  readonly decision: string;
  readonly reason: string;
  /** Whether the latest poll named it failing (the line a service-line rollback moves back). */
  readonly failing: boolean;
  readonly metrics: readonly EvidenceMetric[];
}
