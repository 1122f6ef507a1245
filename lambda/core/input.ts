/**
 * The one execution-input schema (DESIGN.md, "Execution input (contract)"). ValidateInput parses the raw
 * `$$.Execution.Input` with it before anything is read or changed; the operator CLI can run the same parse
 * before it starts an execution. Every problem becomes an {@link InputValidationError} whose message begins
 * with the field path: `phoneNumbers[1]: "+1 555" is not an E.164 number …`.
 */
import * as z from 'zod';
import { MAX_WAVE_SIZE, selectPlan } from './batches';
import { VERIFICATION_KEYS, validateVerificationSettings } from './defaults';
import { FieldProblem, InputValidationError } from './errors';
import { describeValue } from './text';
import { LineBaseline, PlanEntry, RunbookConfig, RunParameters, VerificationKey, VerificationSettings } from './types';
import { DEFAULT_SERVICE_LINE } from './verdict';

export const CHANGE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

/** The top-level fields of the execution input, in the order they are documented. */
export const EXECUTION_INPUT_FIELDS = [
  'changeId',
  'cutoverAt',
  'dryRun',
  'phoneNumbers',
  'verification',
  'baseline',
  'rollbackScope',
  'expectedPeakConcurrentCalls',
  'closedQueuesAllowed',
  'hypercareSeconds',
] as const;

/** The largest expected peak of concurrent calls one service line may state (far above any Connect instance's quota). */
export const MAX_EXPECTED_PEAK_CONCURRENT_CALLS = 100_000;

/** What a breach rolls back (contract): every number of the wave, or only the failing service lines' numbers. */
export const ROLLBACK_SCOPES = ['wave', 'serviceLine'] as const;

const MAX_CHANGE_ID_LENGTH = 64;
/** The longest ISO-8601 UTC form accepted: `2025-06-01T22:00:00.123456789Z` is 30 characters. */
const MAX_TIMESTAMP_LENGTH = 30;
/** `+` and at most 15 digits. */
const MAX_E164_LENGTH = 16;
/** A selection longer than this is rejected before each entry is checked, unless the plan itself is longer. */
const MAX_SELECTED_NUMBERS = MAX_WAVE_SIZE;
const DAY_MS = 86_400_000;

/** C0 and C1 control characters and the Unicode line/paragraph separators: none belongs in any field. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z$/;
/** Looks like an ISO-8601 date-time but with an offset, lower-case `z`, or no zone: not UTC. */
const ISO_NOT_UTC = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}(?::?\d{2})?|z)?$/;

/** The execution input after parsing, before it is merged with the config. */
export interface ExecutionInput {
  readonly changeId: string;
  readonly cutoverAt?: string;
  readonly dryRun?: boolean;
  readonly phoneNumbers?: readonly string[];
  readonly verification?: Partial<VerificationSettings>;
  readonly baseline?: Readonly<Record<string, LineBaseline>>;
  readonly rollbackScope?: (typeof ROLLBACK_SCOPES)[number];
  readonly expectedPeakConcurrentCalls?: Readonly<Record<string, number>>;
  readonly closedQueuesAllowed?: readonly string[];
  readonly hypercareSeconds?: number;
}

/**
 * Parses the raw execution input against the construct's configuration and merges it into the run's
 * parameters: the selection (the `phoneNumbers` subset, else the whole plan; see selectPlan) and its size, `dryRun`
 * (default false), `cutoverAt` normalised to `YYYY-MM-DDTHH:MM:SSZ` (fractions kept when non-zero), and the
 * verification settings (config defaults overridden field by field).
 *
 * @param now the moment `cutoverAt` must be after (the execution's start time)
 * @throws InputValidationError naming the first offending field; `problems` lists every one
 */
export function parseExecutionInput(raw: unknown, config: RunbookConfig, now: Date): RunParameters {
  const result = executionInputSchema(config, now).safeParse(raw);
  if (!result.success) {
    throw new InputValidationError(toFieldProblems(result.error.issues), { cause: result.error });
  }
  const input: ExecutionInput = result.data;
  const selection = input.phoneNumbers ? [...new Set(input.phoneNumbers)] : undefined;
  return {
    changeId: input.changeId,
    ...(input.cutoverAt !== undefined ? { cutoverAt: normaliseTimestamp(input.cutoverAt) } : {}),
    dryRun: input.dryRun ?? false,
    planSize: selectPlan(config.plan, selection).length,
    ...(selection ? { selection } : {}),
    verification: { ...config.verification, ...input.verification },
    ...(input.baseline !== undefined ? { baseline: input.baseline } : {}),
    rollbackScope: input.rollbackScope ?? 'wave',
    ...(input.expectedPeakConcurrentCalls !== undefined ? { expectedPeakConcurrentCalls: input.expectedPeakConcurrentCalls } : {}),
    ...(input.closedQueuesAllowed !== undefined ? { closedQueuesAllowed: [...new Set(input.closedQueuesAllowed)] } : {}),
    ...(input.hypercareSeconds !== undefined ? { hypercareSeconds: input.hypercareSeconds } : {}),
  };
}

/**
 * The zod schema of the execution input for one configuration at one moment (the plan, the override bounds and
 * the schedule limit come from the config; "in the future" from `now`). Prefer {@link parseExecutionInput},
 * which also formats the problems and merges the result.
 */
export function executionInputSchema(config: RunbookConfig, now: Date) {
  const verificationShape = Object.fromEntries(
    VERIFICATION_KEYS.map((key) => [key, z.number({ error: typeError('a number') }).optional()]),
  ) as Record<VerificationKey, z.ZodOptional<z.ZodNumber>>;

  return z.strictObject(
    {
      changeId: z.string({ error: typeError('a string') }).superRefine(refineWith(changeIdProblem)),
      cutoverAt: z
        .string({ error: typeError('an ISO-8601 UTC timestamp string') })
        .superRefine(refineWith((value) => cutoverAtProblem(value, now, config.maxScheduleDays)))
        .optional(),
      dryRun: z.boolean({ error: typeError('true or false') }).optional(),
      phoneNumbers: z
        .array(z.string({ error: typeError('a string') }), { error: typeError('an array of E.164 numbers') })
        .superRefine(phoneNumbersRefinement(config.plan))
        .optional(),
      verification: z
        .strictObject(verificationShape, { error: typeError('an object') })
        .superRefine((overrides, ctx) => {
          const setByCaller = VERIFICATION_KEYS.filter((key) => overrides[key] !== undefined);
          const merged = { ...config.verification, ...definedOnly(overrides) };
          for (const problem of validateVerificationSettings(merged, config.verificationBounds, '', { setByCaller })) {
            ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
          }
        })
        .optional(),
      // The legacy platform's normal per service line, as the change board states it (the relative thresholds).
      baseline: z
        .record(
          z.string().regex(/^[^\s\x00-\x1f][^\x00-\x1f]{0,63}$/, { error: 'must be a service line name of 1–64 characters' }),
          z.strictObject(
            {
              abandonmentRate: z
                .number({ error: typeError('a number') })
                .min(0, { error: 'must be between 0 and 1' })
                .max(1, { error: 'must be between 0 and 1' }),
              avgHandleTimeSeconds: z
                .number({ error: typeError('a number') })
                .min(1, { error: 'must be between 1 and 7200' })
                .max(7200, { error: 'must be between 1 and 7200' }),
            },
            { error: typeError('an object { abandonmentRate, avgHandleTimeSeconds }') },
          ),
          { error: typeError('an object keyed by service line') },
        )
        .superRefine((baseline, ctx) => {
          const lines = new Set(config.plan.map((e) => e.serviceLine ?? DEFAULT_SERVICE_LINE));
          for (const line of Object.keys(baseline)) {
            if (!lines.has(line))
              ctx.addIssue({ code: 'custom', message: `is not a service line of the plan (${[...lines].join(', ')})`, path: [line] });
          }
        })
        .optional(),
      // Shorter hypercare for this execution, within the construct's: the Hypercare states exist only when the
      // construct has hypercare, so an execution can shorten it (0: end after the first hypercare poll), not add it.
      hypercareSeconds: z
        .number({ error: typeError('a number') })
        .int({ error: 'must be a whole number of seconds' })
        .superRefine((value, ctx) => {
          const max = config.hypercareSeconds ?? 0;
          if (value < 0 || value > max) {
            ctx.addIssue({
              code: 'custom',
              message:
                max > 0
                  ? `must be between 0 and ${max} (the runbook's hypercare), got ${value}`
                  : `the runbook has no hypercare (GoLiveRunbook hypercare), got ${value}`,
            });
          }
        })
        .optional(),
      rollbackScope: z
        .string({ error: typeError('"wave" or "serviceLine"') })
        .refine((v) => (ROLLBACK_SCOPES as readonly string[]).includes(v), {
          error: (issue) => `must be "wave" or "serviceLine", got ${describeValue(issue.input)}`,
        })
        .optional() as unknown as z.ZodOptional<z.ZodType<(typeof ROLLBACK_SCOPES)[number]>>,
      // Per service line, the peak of concurrent calls expected after the cutover: DeployCheck's capacity check.
      expectedPeakConcurrentCalls: z
        .record(
          z.string(),
          z
            .number({ error: typeError('a whole number of calls') })
            .int({ error: 'must be a whole number of calls' })
            .min(0, { error: `must be between 0 and ${MAX_EXPECTED_PEAK_CONCURRENT_CALLS}` })
            .max(MAX_EXPECTED_PEAK_CONCURRENT_CALLS, { error: `must be between 0 and ${MAX_EXPECTED_PEAK_CONCURRENT_CALLS}` }),
          { error: typeError('an object keyed by service line, e.g. { "Sales": 40 }') },
        )
        .superRefine((peaks, ctx) => {
          const lines = new Set(config.plan.map((e) => e.serviceLine ?? DEFAULT_SERVICE_LINE));
          for (const line of Object.keys(peaks)) {
            if (!lines.has(line))
              ctx.addIssue({ code: 'custom', message: `is not a service line of the plan (${[...lines].join(', ')})`, path: [line] });
          }
        })
        .optional(),
      // Watched queues whose closure by hours of operation during the cutover window is intended.
      closedQueuesAllowed: z
        .array(z.string({ error: typeError('a queue name') }), { error: typeError('an array of watched queue names') })
        .superRefine((queues, ctx) => {
          queues.forEach((q, i) => {
            if (!config.queues.includes(q)) {
              const known = config.queues.length > 5 ? `${config.queues.slice(0, 5).join(', ')}, …` : config.queues.join(', ');
              ctx.addIssue({ code: 'custom', message: `${describeValue(q)} is not a watched queue (${known})`, path: [i] });
            }
          });
        })
        .optional(),
    },
    {
      error: (issue) => (issue.code === 'invalid_type' ? `must be a JSON object, got ${describeValue(issue.input)}` : undefined),
    },
  );
}

/** A zod error function for a type mismatch: `is required` or `must be <expected>, got <value>`. */
function typeError(expected: string) {
  return (issue: { readonly code?: string; readonly input?: unknown }): string | undefined => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined ? 'is required' : `must be ${expected}, got ${describeValue(issue.input)}`;
  };
}

/** Turns a "problem or undefined" check into a zod refinement that reports exactly one issue. */
function refineWith(problemOf: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const message = problemOf(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };
}

/** Length and control characters first, so an oversized or binary string is never echoed back whole. */
function stringProblem(value: string, maxLength: number): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > maxLength) return `must be at most ${maxLength} characters, got ${value.length}`;
  if (CONTROL_CHARACTERS.test(value)) return `must not contain control characters, got ${describeValue(value)}`;
  return undefined;
}

function changeIdProblem(value: string): string | undefined {
  return (
    stringProblem(value, MAX_CHANGE_ID_LENGTH) ??
    (CHANGE_ID_PATTERN.test(value) ? undefined : `must use only letters, digits, '.', '_' and '-', got ${describeValue(value)}`)
  );
}

function cutoverAtProblem(value: string, now: Date, maxScheduleDays: number): string | undefined {
  const basic = stringProblem(value, MAX_TIMESTAMP_LENGTH);
  if (basic) return basic;
  const match = ISO_UTC.exec(value);
  if (!match) {
    return ISO_NOT_UTC.test(value)
      ? `must be in UTC, ending in Z (e.g. 2025-06-01T22:00:00Z), got ${describeValue(value)}`
      : `${describeValue(value)} is not an ISO-8601 UTC timestamp (e.g. 2025-06-01T22:00:00Z)`;
  }
  const at = timestampMs(match);
  if (at === undefined) return `${describeValue(value)} is not a valid date and time`;
  if (at <= now.getTime()) return `must be in the future, got ${value} (now ${formatTimestamp(now.getTime())})`;
  const latest = now.getTime() + maxScheduleDays * DAY_MS;
  if (at > latest) {
    return `must be at most ${maxScheduleDays} days ahead (by ${formatTimestamp(latest)}), got ${value}`;
  }
  return undefined;
}

/** Milliseconds since the epoch, or undefined when a component is out of range (Feb 30, 24:00, :60). */
function timestampMs(match: RegExpExecArray): number | undefined {
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((part) => Number(part ?? '0'));
  const whole = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(whole);
  const roundTrips =
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    check.getUTCHours() === h &&
    check.getUTCMinutes() === mi &&
    check.getUTCSeconds() === s;
  return roundTrips ? whole + Number(`0.${match[7] ?? '0'}`) * 1000 : undefined;
}

/** RFC 3339 with seconds, as Step Functions' Wait `TimestampPath` requires; milliseconds only when non-zero. */
function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function normaliseTimestamp(value: string): string {
  const match = ISO_UTC.exec(value);
  const ms = match ? timestampMs(match) : undefined;
  // parseExecutionInput only calls this on a value the schema accepted.
  return ms === undefined ? value : formatTimestamp(ms);
}

function phoneNumbersRefinement(plan: readonly PlanEntry[]) {
  const inPlan = new Set(plan.map((entry) => entry.phoneNumber).filter((n) => E164_PATTERN.test(n)));
  const hasArnEntries = plan.some((entry) => !E164_PATTERN.test(entry.phoneNumber));
  const maxSelected = Math.max(MAX_SELECTED_NUMBERS, plan.length);

  return (numbers: string[], ctx: z.RefinementCtx): void => {
    if (numbers.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must list at least one number (omit it to cut over the whole plan)' });
      return;
    }
    if (numbers.length > maxSelected) {
      ctx.addIssue({ code: 'custom', message: `must list at most ${maxSelected} numbers, got ${numbers.length}` });
      return;
    }
    const firstIndex = new Map<string, number>();
    numbers.forEach((value, index) => {
      const message = phoneNumberProblem(value, inPlan, hasArnEntries, firstIndex.get(value));
      if (message !== undefined) ctx.addIssue({ code: 'custom', message, path: [index] });
      if (!firstIndex.has(value)) firstIndex.set(value, index);
    });
  };
}

function phoneNumberProblem(
  value: string,
  inPlan: ReadonlySet<string>,
  hasArnEntries: boolean,
  seenAt: number | undefined,
): string | undefined {
  const basic = stringProblem(value, MAX_E164_LENGTH);
  if (basic) return basic;
  if (!E164_PATTERN.test(value)) {
    return `${describeValue(value)} is not an E.164 number ('+', country code and number, e.g. +18005550100)`;
  }
  if (seenAt !== undefined) return `${value} is listed twice (first at phoneNumbers[${seenAt}])`;
  if (!inPlan.has(value)) {
    const known = [...inPlan];
    const shown = known.length > 5 ? `${known.slice(0, 5).join(', ')}, …` : known.join(', ');
    const listed = known.length > 0 ? ` (plan numbers: ${shown})` : ' (the plan lists no E.164 numbers)';
    const arnHint = hasArnEntries ? '; plan entries given as ARNs can only be cut over with the whole plan' : '';
    return `${value} is not in the cutover plan${listed}${arnHint}`;
  }
  return undefined;
}

function definedOnly(overrides: Partial<Record<VerificationKey, number | undefined>>): Partial<VerificationSettings> {
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
}

/** The field names accepted at each object path, for "is not a known field" messages. */
const KNOWN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '': EXECUTION_INPUT_FIELDS,
  verification: VERIFICATION_KEYS,
};

/** zod issues → `{ field, message }`, one per offending field; unknown keys are reported one by one. */
function toFieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = KNOWN_FIELDS[fieldPath(issue.path)] ?? [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        problems.push({
          field: fieldPath([...issue.path, key]) || 'input',
          message:
            `is not a known field${suggestion ? ` (did you mean ${suggestion}?)` : ''}` +
            (known.length > 0 ? `; known fields: ${known.join(', ')}` : ''),
        });
      }
    } else {
      problems.push({ field: fieldPath(issue.path) || 'input', message: issue.message });
    }
  }
  return problems;
}

const MAX_KEY_SHOWN = 40;

/** `['phoneNumbers', 1]` → `phoneNumbers[1]`; odd keys are quoted and long ones cut so the path stays one safe line. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      // A key is echoed into the error, the status topic and the history: long ones are cut.
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) {
        const shown = key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key;
        return index === 0 ? shown : `.${shown}`;
      }
      return `[${describeValue(key)}]`;
    })
    .join('');
}

/** The known field a mistyped key most likely meant (case-insensitive, within two edits or a prefix), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    // A truncated name (`maxAbandonment` for `maxAbandonmentRate`) is as likely a slip as a typo.
    const truncated = lower.length >= 4 && name.toLowerCase().startsWith(lower);
    const distance = truncated ? 1 : editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
