/**
 * The state document every task receives (docs/internals.md), parsed with zod so a malformed event fails with
 * a message naming the field. Only the keys a handler reads are checked; the rest pass through.
 */
import * as z from 'zod';
import { ReadinessReport, RunbookConfig, RunParameters, VerifyState } from '../core/types';

const planEntry = z.object({ phoneNumber: z.string(), targetFlow: z.string() });
const config = z.object({
  instanceArn: z.string().startsWith('arn:'),
  plan: z.array(planEntry).min(1),
  queues: z.array(z.string()).min(1),
  cutoverMode: z.enum(['repoint', 'carrierHook', 'manualConfirmation']),
  statusTopicArn: z.string(),
  controlTableName: z.string(),
  cutoverConcurrency: z.number().int().min(1),
}).loose();

/** Parses the keys a handler needs; throws a TypeError naming the first bad field. */
export function parseState<K extends keyof StateDocument>(event: unknown, ...required: K[]): Pick<StateDocument, K> & Partial<StateDocument> {
  const shape = z.object({
    executionArn: z.string().optional(),
    input: z.unknown().optional(),
    config,
    run: z.object({ changeId: z.string(), dryRun: z.boolean(), plan: z.array(planEntry) }).loose().optional(),
    readiness: z.object({ ready: z.boolean(), numbers: z.array(z.object({ phoneNumberId: z.string() }).loose()) }).loose().optional(),
    verify: z.object({ decision: z.string() }).loose().optional(),
  }).loose();
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

/** The state document (docs/internals.md). */
export interface StateDocument {
  readonly executionArn: string;
  readonly input: unknown;
  readonly config: RunbookConfig;
  readonly run: RunParameters;
  readonly readiness: ReadinessReport;
  readonly approval?: { decision?: string; approver?: string; attestations?: string[]; at?: string };
  readonly window?: { action: string; waitUntil: string; reason: string };
  readonly cutover?: CutoverRecord;
  readonly verify?: VerifyState;
  readonly human?: { decision?: string; approver?: string };
  readonly rollback?: unknown;
  readonly error?: { Error?: string; Cause?: string };
  readonly outcome?: { outcome: string };
}

export interface CutoverRecord {
  readonly startedAt: string;
  readonly completedAt: string;
  readonly mode: string;
  readonly moved: ReadonlyArray<{ phoneNumber: string; flowId: string | null; ok: boolean; error?: string }>;
}
