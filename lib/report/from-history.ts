/**
 * Builds the evidence of a go-live from its Step Functions execution history: the states entered and exited,
 * the approver's answer, the rollback snapshot DeployCheck recorded, every Verify poll's sample and verdict,
 * and the moments of cutover and rollback. The state document's keys are those of docs/internals.md.
 */
import { canaryDetail, CANARY_STATES } from './canary';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { MetricSample, ReadinessReport, ResolvedNumber, VerificationSettings, VerifyState } from '../../lambda/core/types';
import type {
  EvidenceApproval,
  EvidenceMetric,
  EvidenceRecord,
  EvidenceServiceLine,
  EvidenceSnapshotEntry,
  EvidenceStep,
  EvidenceVerdict,
  MetricThreshold,
  StepStatus,
} from './evidence';
import {
  asRecord,
  errorDetailOf,
  ExecutionDescription,
  ExecutionHistory,
  outcomeOf,
  parseJson,
  RUNBOOK_STATES,
  StateVisit,
  tokenTaskOf,
} from './history';
import { latestLineVerdicts } from './verdicts';

const { cutover: CUTOVER_STATE, rollback: ROLLBACK_STATE, verify: VERIFY_STATE } = RUNBOOK_STATES;

const DETAIL_MAX_CHARS = 300;

interface WatchedMetric {
  readonly key: keyof MetricSample;
  readonly name: string;
  readonly unit: string;
  /** Multiplier from the sample's unit to the display unit (fractions are shown as percentages). */
  readonly scale: number;
  readonly threshold: (v: VerificationSettings) => MetricThreshold;
}

/** The metrics the Verify loop judges, with the setting that bounds each. */
const WATCHED_METRICS: readonly WatchedMetric[] = [
  {
    key: 'abandonmentRate',
    name: 'Abandonment rate',
    unit: '%',
    scale: 100,
    threshold: (v) => ({ kind: 'max', value: v.maxAbandonmentRate }),
  },
  // The chart carries one threshold: AHT is judged against both bounds, the upper one is the usual breach.
  {
    key: 'avgHandleTimeSeconds',
    name: 'Average handle time',
    unit: 's',
    scale: 1,
    threshold: (v) => ({ kind: 'max', value: v.maxAvgHandleTimeSeconds }),
  },
  {
    key: 'contactsInQueue',
    name: 'Contacts in queue',
    unit: 'contacts',
    scale: 1,
    threshold: (v) => ({ kind: 'max', value: v.maxContactsInQueue }),
  },
  {
    key: 'oldestContactAgeSeconds',
    name: 'Oldest contact age',
    unit: 's',
    scale: 1,
    threshold: (v) => ({ kind: 'max', value: v.maxOldestContactAgeSeconds }),
  },
  {
    key: 'agentsAvailable',
    name: 'Agents available',
    unit: 'agents',
    scale: 1,
    threshold: (v) => ({ kind: 'min', value: v.minAgentsAvailable }),
  },
  {
    key: 'contactFlowErrors',
    name: 'Contact flow errors',
    unit: 'errors',
    scale: 1,
    threshold: (v) => ({ kind: 'max', value: v.maxContactFlowErrors }),
  },
];

/**
 * The evidence record of one execution.
 *
 * @param events the full history, oldest first (GetExecutionHistory, every page)
 * @param describe the DescribeExecution output of the same execution
 */
export function evidenceFromHistory(events: readonly HistoryEvent[], describe: ExecutionDescription): EvidenceRecord {
  const history = new ExecutionHistory(events);
  const visits = history.visits();
  const outcome = outcomeOf(describe);
  const started = history.events.find((e) => e.type === 'ExecutionStarted');
  const input = asRecord(parseJson(describe.input ?? started?.executionStartedEventDetails?.input));
  const changeId = typeof input?.changeId === 'string' ? input.changeId : '(unknown)';
  const endEvent = outcome.ended
    ? [...history.events].reverse().find((e) => /^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(e.type ?? ''))
    : undefined;

  const documents = visits.map((v) => asRecord(parseJson(v.output)));
  const firstWith = (key: string): unknown => documents.find((d) => d?.[key] !== undefined)?.[key];
  const readiness = asRecord(firstWith('readiness')) as Partial<ReadinessReport> | undefined;
  const numbers = Array.isArray(readiness?.numbers) ? readiness.numbers : [];
  const numberById = new Map(numbers.map((n) => [n.phoneNumberId, n.phoneNumber]));
  const settings = (asRecord(firstWith('run'))?.verification ?? asRecord(firstWith('config'))?.verification) as
    VerificationSettings | undefined;

  const cutoverVisit = visits.find((v) => v.name === CUTOVER_STATE);
  const rollbackVisit = visits.find((v) => v.name === ROLLBACK_STATE);
  const verifyPolls = visits.flatMap((visit, i) => {
    const verify = asRecord(documents[i]?.verify) as Partial<VerifyState> | undefined;
    return visit.name === VERIFY_STATE && visit.exitedAt && verify ? [{ at: visit.exitedAt, verify }] : [];
  });

  // Finalize's output (the `outcome` key) holds the snapshot and the final flows of waves of up to 100 numbers;
  // executions of runbooks before the compact state kept them under `readiness` instead.
  const final = asRecord([...documents].reverse().find((d) => asRecord(d?.outcome)?.snapshot !== undefined)?.outcome);
  const finalSnapshot = asRecord(final?.snapshot) as Record<string, string | null> | undefined;
  const snapshot: EvidenceSnapshotEntry[] = finalSnapshot
    ? Object.entries(finalSnapshot).map(([phoneNumber, flow]) => ({ phoneNumber, flow: flow ?? null }))
    : Object.entries(readiness?.snapshot ?? {}).map(([id, flow]) => ({ phoneNumber: numberById.get(id) ?? id, flow: flow ?? null }));
  const finalRead = asRecord(final?.finalAssociations) as Record<string, string | null> | undefined;

  return {
    title: `Amazon Connect go-live ${changeId}`,
    changeId,
    outcome: outcome.label,
    startedAt: iso(describe.startDate ?? started?.timestamp ?? history.events[0]?.timestamp ?? new Date(0)),
    endedAt: outcome.ended ? iso(describe.stopDate ?? endEvent?.timestamp ?? new Date(0)) : undefined,
    steps: visits.map((visit, i) => stepOf(visit, documents[i], outcome.status, describe)),
    approval: approvalOf(history),
    snapshot,
    finalAssociations:
      finalRead && Object.keys(finalRead).length > 0
        ? { ...finalRead }
        : finalAssociations({
            snapshot,
            numbers,
            cutoverEntered: cutoverVisit !== undefined,
            rollbackEntered: rollbackVisit !== undefined,
            outcome: outcome.outcome,
            cutoverResults: perNumberResults(firstWith('cutover'), numberById, [
              'flowId',
              'currentFlowId',
              'associatedFlowId',
              'targetFlowId',
            ]),
            rollbackResults: perNumberResults(firstWith('rollback'), numberById, [
              'flowId',
              'currentFlowId',
              'restoredFlowId',
              'snapshotFlowId',
            ]),
          }),
    cutoverAt: cutoverVisit ? iso(cutoverVisit.enteredAt) : undefined,
    rollbackAt: rollbackVisit ? iso(rollbackVisit.enteredAt) : undefined,
    metrics: verifyPolls.length > 0 && settings ? metricsOf(verifyPolls, settings) : [],
    lines: settings ? serviceLinesOf(verifyPolls, settings) : [],
    verdicts: [
      ...verifyPolls.map(({ at, verify }) => ({
        at: iso(at),
        decision: String(verify.decision ?? 'UNKNOWN'),
        reason: String(verify.reason ?? ''),
      })),
      ...humanVerdicts(history),
    ].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

function stepOf(
  visit: StateVisit,
  document: Record<string, unknown> | undefined,
  executionStatus: string,
  describe: ExecutionDescription,
): EvidenceStep {
  let status: StepStatus;
  let detail: string | undefined;
  if (visit.failure) {
    status = visit.exitedAt || executionStatus !== 'RUNNING' ? 'failed' : 'running';
    detail = errorText(visit.failure.error, visit.failure.cause);
  } else if (visit.exitedAt || visit.type === 'Succeed') {
    status = 'succeeded';
  } else if (visit.type === 'Fail') {
    status = 'failed';
    detail = describe.error ? errorText(describe.error, describe.cause) : undefined;
  } else if (executionStatus === 'RUNNING') {
    status = 'running';
  } else {
    status = executionStatus === 'FAILED' ? 'failed' : 'stopped';
    detail = describe.error ? errorText(describe.error, describe.cause) : undefined;
  }
  const verify = visit.name === VERIFY_STATE ? (asRecord(document?.verify) as Partial<VerifyState> | undefined) : undefined;
  if (!detail && verify?.decision) detail = truncate(`${verify.decision}: ${verify.reason ?? ''}`);
  if (!detail && CANARY_STATES.has(visit.name)) detail = canaryDetail(document?.cutover);
  return { name: visit.name, status, at: iso(visit.enteredAt), ...(detail ? { detail } : {}) };
}

/** The answer to the first `approval` decision task (ApprovalGate). */
function approvalOf(history: ExecutionHistory): EvidenceApproval | undefined {
  const answers = history.taskAnswers();
  const task = history.events.find((e) => tokenTaskOf(e)?.kind === 'approval' && e.id !== undefined && answers.has(e.id));
  const answer = task?.id !== undefined ? answers.get(task.id) : undefined;
  if (!answer) return undefined;
  const at = iso(answer.timestamp ?? new Date(0));
  if (answer.type === 'TaskSucceeded') {
    const output = asRecord(parseJson(answer.taskSucceededEventDetails?.output)) ?? {};
    return {
      approver: typeof output.approver === 'string' ? output.approver : '',
      attestations: Array.isArray(output.attestations) ? output.attestations.map(String) : [],
      at: typeof output.at === 'string' ? output.at : at,
      decision: typeof output.decision === 'string' ? output.decision : 'approve',
    };
  }
  return { approver: '', attestations: [], at, decision: failureDecision(answer) };
}

/** The answers a human gave on inconclusive verification windows (HumanDecision). */
function humanVerdicts(history: ExecutionHistory): EvidenceVerdict[] {
  const answers = history.taskAnswers();
  return history.events.flatMap((event) => {
    const answer = tokenTaskOf(event)?.kind === 'inconclusive' && event.id !== undefined ? answers.get(event.id) : undefined;
    if (!answer) return [];
    const at = iso(answer.timestamp ?? new Date(0));
    if (answer.type !== 'TaskSucceeded') {
      return [{ at, decision: failureDecision(answer).toUpperCase(), reason: 'inconclusive verification not decided by a human' }];
    }
    const output = asRecord(parseJson(answer.taskSucceededEventDetails?.output)) ?? {};
    const by = typeof output.approver === 'string' ? ` by ${output.approver}` : '';
    return [{ at, decision: String(output.decision ?? 'unknown').toUpperCase(), reason: `inconclusive verification decided${by}` }];
  });
}

function failureDecision(answer: HistoryEvent): string {
  if (answer.type === 'TaskTimedOut') return 'timeout';
  const { error } = errorDetailOf(answer);
  if (error === 'ApprovalRejected') return 'reject';
  if (error === 'OperatorAbort') return 'abort';
  return `failed (${error})`;
}

/** One Verify poll: when it ended and its `verify` key. */
export interface VerifyPoll {
  readonly at: Date;
  readonly verify: Partial<VerifyState>;
}

function metricsOf(
  polls: readonly VerifyPoll[],
  settings: VerificationSettings,
  sampleOf: (verify: Partial<VerifyState>) => Partial<MetricSample> | null | undefined = (verify) => verify.sample,
): EvidenceMetric[] {
  return WATCHED_METRICS.map((metric) => {
    const threshold = metric.threshold(settings);
    return {
      name: metric.name,
      unit: metric.unit,
      threshold: { kind: threshold.kind, value: scaled(threshold.value, metric.scale) ?? 0 },
      points: polls.map(({ at, verify }) => ({ at: iso(at), value: scaled(sampleOf(verify)?.[metric.key], metric.scale) })),
    };
  });
}

/**
 * Each service line's latest verdict and its metrics from its own sample of every poll (a gap where a poll did
 * not judge the line). Empty when no poll carried lines (states written before service lines).
 */
export function serviceLinesOf(polls: readonly VerifyPoll[], settings: VerificationSettings): EvidenceServiceLine[] {
  return latestLineVerdicts(polls.map((p) => p.verify)).map((verdict) => ({
    ...verdict,
    metrics: metricsOf(polls, settings, (verify) => verify.lines?.find((l) => l?.serviceLine === verdict.serviceLine)?.sample),
  }));
}

function scaled(value: unknown, scale: number): number | null {
  // Rounded so 0.07 * 100 shows as 7, not 7.000000000000001.
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * scale * 1e6) / 1e6 : null;
}

/**
 * Phone number → flow id after the execution. Per-number results, when the Cutover / Rollback output carries
 * them, win; otherwise the outcome says it: nothing moved (no cutover, dry run), all moved (LIVE), all
 * restored (ROLLED_BACK). A number no source vouches for is left out: the report calls it unknown.
 */
function finalAssociations(facts: {
  snapshot: readonly EvidenceSnapshotEntry[];
  numbers: readonly ResolvedNumber[];
  cutoverEntered: boolean;
  rollbackEntered: boolean;
  outcome: string | undefined;
  cutoverResults: ReadonlyMap<string, string | null>;
  rollbackResults: ReadonlyMap<string, string | null>;
}): Record<string, string | null> {
  const before = Object.fromEntries(facts.snapshot.map((s) => [s.phoneNumber, s.flow]));
  if (!facts.cutoverEntered) return before;
  if (facts.rollbackEntered) {
    const base = facts.outcome === 'ROLLED_BACK' ? before : {};
    return { ...base, ...Object.fromEntries(facts.rollbackResults) };
  }
  const base = facts.outcome === 'LIVE' ? Object.fromEntries(facts.numbers.map((n) => [n.phoneNumber, n.targetFlowId])) : {};
  return { ...base, ...Object.fromEntries(facts.cutoverResults) };
}

/**
 * Reads per-number results from a Cutover or Rollback output: an array, or an object holding one under
 * `results`, `numbers` or `associations`; each item names its number (`phoneNumber` or `phoneNumberId`) and
 * its flow under one of `flowKeys`. Items marked failed (`ok: false`, or a status saying FAIL/ERROR) are skipped.
 */
function perNumberResults(
  value: unknown,
  numberById: ReadonlyMap<string, string>,
  flowKeys: readonly string[],
): Map<string, string | null> {
  const record = asRecord(value);
  const list = Array.isArray(value) ? value : ([record?.results, record?.numbers, record?.associations].find(Array.isArray) ?? []);
  const results = new Map<string, string | null>();
  for (const raw of list) {
    const item = asRecord(raw);
    if (!item || item.ok === false || /FAIL|ERROR/i.test(String(item.status ?? ''))) continue;
    const phoneNumber = typeof item.phoneNumber === 'string' ? item.phoneNumber : numberById.get(String(item.phoneNumberId));
    const flowKey = flowKeys.find((key) => key in item);
    if (!phoneNumber || !flowKey) continue;
    const flow = item[flowKey];
    results.set(phoneNumber, typeof flow === 'string' ? flow : null);
  }
  return results;
}

function errorText(error: string, cause: string | undefined): string {
  return truncate(cause ? `${error}: ${cause}` : error);
}

function truncate(text: string): string {
  return text.length > DETAIL_MAX_CHARS ? `${text.slice(0, DETAIL_MAX_CHARS - 1)}…` : text;
}

function iso(date: Date): string {
  return date.toISOString();
}
