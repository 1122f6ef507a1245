/**
 * The state document every task receives (docs/internals.md), parsed with zod so a malformed event fails with
 * a message naming the field. Only the keys a handler reads are checked; the rest pass through.
 *
 * The document stays small whatever the wave: the plan arrives only in the task parameters of ValidateInput and
 * DeployCheck (`{ state, plan }`), per-number data lives in the control table, and loops carry a cursor.
 */
import * as z from 'zod';
import type { TestCasesState } from '../core/test-cases';
import { BatchCursor, PlanEntry, ReadinessState, RunParameters, StateConfig, VerifyState } from '../core/types';

const planEntry = z.object({ phoneNumber: z.string(), targetFlow: z.string() }).loose();
const cursor = z.object({
  nextBatch: z.number().int().min(0),
  batches: z.number().int().min(0),
  total: z.number().int().min(0),
  done: z.boolean(),
});
const config = z
  .object({
    instanceArn: z.string().startsWith('arn:'),
    queues: z.array(z.string()).min(1),
    cutoverMode: z.enum(['repoint', 'switchFlow', 'carrierHook', 'manualConfirmation']),
    statusTopicArn: z.string(),
    controlTableName: z.string(),
    cutoverConcurrency: z.number().int().min(1),
    requireRecording: z.boolean().optional(),
    dashboardUrl: z.string().startsWith('https://').optional(),
  })
  .loose();

/** Parses the keys a handler needs; throws a TypeError naming the first bad field. */
export function parseState<K extends keyof StateDocument>(
  event: unknown,
  ...required: K[]
): Pick<StateDocument, K> & Partial<StateDocument> {
  const shape = z
    .object({
      executionArn: z.string().optional(),
      input: z.unknown().optional(),
      config,
      run: z
        .object({ changeId: z.string(), dryRun: z.boolean(), planSize: z.number().int().min(0), selection: z.array(z.string()).optional() })
        .loose()
        .optional(),
      readiness: z
        .object({
          ready: z.boolean(),
          cursor,
          queueIds: z.array(z.string()),
          targetFlowNames: z.array(z.string()),
          serviceLines: z.array(z.object({ serviceLine: z.string(), queues: z.array(z.string()), targetFlows: z.array(z.string()) })),
          numberCounts: z.object({ total: z.number().int().min(0), resolved: z.number().int().min(0), failing: z.number().int().min(0) }),
        })
        .loose()
        .optional(),
      cutover: z.object({ cursor }).loose().optional(),
      rollback: z.object({ cursor }).loose().optional(),
      verify: z.object({ decision: z.string() }).loose().optional(),
    })
    .loose();
  const parsed = shape.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`state.${issue.path.join('.')}: ${issue.message}`);
  }
  const doc = parsed.data as unknown as Partial<StateDocument>;
  for (const key of required) {
    if (doc[key] === undefined) throw new TypeError(`state.${String(key)}: is required by this step`);
  }
  return doc as Pick<StateDocument, K> & Partial<StateDocument>;
}

/**
 * The event of a task that needs the plan (ValidateInput, DeployCheck): `{ state: <document>, plan: [...] }`.
 * The plan comes from the definition's task parameters, never from the state.
 */
export function parsePlanEvent(event: unknown): { state: unknown; plan: PlanEntry[] } {
  const parsed = z.object({ state: z.unknown(), plan: z.array(planEntry) }).safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`event.${issue.path.join('.')}: ${issue.message}`);
  }
  return { state: parsed.data.state, plan: parsed.data.plan as PlanEntry[] };
}

/** The state document (docs/internals.md). */
export interface StateDocument {
  readonly executionArn: string;
  readonly input: unknown;
  readonly config: StateConfig;
  readonly run: RunParameters;
  readonly readiness: ReadinessState;
  readonly approval?: { decision?: string; approver?: string; attestations?: string[]; at?: string };
  readonly window?: { action: string; waitUntil: string; reason: string };
  readonly cutover?: CutoverRecord;
  readonly verify?: VerifyState;
  /** UAT test cases (StartUatTests / CheckUatTests), before the approval gate. */
  readonly uat?: TestCasesState;
  /** The routing proof (StartRoutingProof / CheckRoutingProof), right after the cutover. */
  readonly routingProof?: TestCasesState;
  readonly human?: { decision?: string; approver?: string };
  readonly rollback?: RollbackProgress;
  readonly error?: { Error?: string; Cause?: string };
  readonly outcome?: { outcome: string };
}

/** Where the batched cutover stands (the `cutover` key); per-number results go to the status topic and logs. */
export interface CutoverRecord {
  readonly startedAt: string;
  /** When the last batch finished (set once `cursor.done`). */
  readonly completedAt?: string;
  readonly mode: string;
  readonly cursor: BatchCursor;
  /** Numbers moved by this execution so far. */
  readonly moved: number;
  /** Numbers found already on their target (a retried batch, or a number that was there before). */
  readonly alreadyOnTarget: number;
  /** switchFlow: the step (0-based) of the run's canary steps now set (one step, 100 %, without canary steps). */
  readonly canaryStep?: number;
  /** switchFlow: the percent of callers the entry flows now send to the target. */
  readonly canaryPercent?: number;
  /** switchFlow: whether this is the last step (100 %): a LIVE verdict then ends the run LIVE. */
  readonly canaryDone?: boolean;
}

/** Where the batched rollback stands (the `rollback` key). */
export interface RollbackProgress {
  readonly startedAt: string;
  readonly completedAt?: string;
  readonly cursor: BatchCursor;
  /** Numbers put back on their snapshot flow by this execution so far. */
  readonly restored: number;
  /** Numbers found on their snapshot flow already (never moved, or moved back by an earlier try of the batch). */
  readonly alreadyOnSnapshot?: number;
  /** True when only some service lines went back (rollbackScope "serviceLine"): the run ends PARTIALLY_ROLLED_BACK. */
  readonly partial?: boolean;
  /** The service lines rolled back, when `partial`. */
  readonly serviceLines?: readonly string[];
  /** Metrics read right after the last batch, to show they recover. */
  readonly afterRollback?: unknown;
}
