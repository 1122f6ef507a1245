/**
 * The rehearsal scenario file (contract, see DESIGN.md "Scenario file"): what the simulated contact center holds,
 * what the operator feeds the runbook, how the metrics move and which API calls fail.
 *
 * Every object is strict (an unknown field is an error, so a typo never silently falls back to a default) and
 * every error is one line naming the field path, e.g.
 * `scenario.faults[0].error: must be one of ThrottlingException, InternalServiceException, ...`.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_WAVE_SIZE } from '../../lambda/core/batches';
import { describeValue } from '../../lambda/core/text';
import { DEFAULT_RATE_LIMITS } from './simulator/rate-limit';

/** The operations the simulated endpoint answers: the only valid values of `faults[].api`. */
export const SIMULATED_APIS = [
  // Amazon Connect (restJson1)
  'DescribeInstance',
  'ListContactFlows',
  'DescribeContactFlow',
  'UpdateContactFlowContent',
  'ListPhoneNumbersV2',
  'DescribePhoneNumber',
  'ListQueues',
  'DescribeQueue',
  'AssociatePhoneNumberContactFlow',
  'DisassociatePhoneNumberContactFlow',
  'BatchGetFlowAssociation',
  'ListFlowAssociations',
  'GetCurrentMetricData',
  'GetMetricDataV2',
  'StartTestCaseExecution',
  'GetTestCaseExecutionSummary',
  'ListTestCaseExecutionRecords',
  'GetCurrentUserData',
  'ListAgentStatuses',
  'GetEffectiveHoursOfOperations',
  // Service Quotas (awsJson1_1)
  'GetServiceQuota',
  // CloudWatch (awsJson1_0)
  'GetMetricData',
  // SNS (awsQuery)
  'Publish',
  // DynamoDB (awsJson1_0)
  'PutItem',
  'GetItem',
  'UpdateItem',
  'DeleteItem',
  // AWS Step Functions (awsJson1_0)
  'DescribeExecution',
  // Amazon Connect: the decommission releases the UAT number
  'ReleasePhoneNumber',
  // AWS Lambda (restJson1): the carrier hook, answered as the simulated carrier (scenario key `carrier`)
  'Invoke',
] as const;
export type SimulatedApi = (typeof SIMULATED_APIS)[number];

export const FAULT_ERRORS = [
  'ThrottlingException',
  'InternalServiceException',
  'ResourceNotFoundException',
  'Timeout',
  'Crash',
  /** A metric API answers 200 with nothing in it: no results (Connect), no datapoints (CloudWatch). */
  'EmptyResult',
] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

/** The metric APIs: the only ones an `EmptyResult` fault applies to. */
export const METRIC_APIS: readonly SimulatedApi[] = ['GetCurrentMetricData', 'GetMetricDataV2', 'GetMetricData'];

export const OUTCOMES = ['LIVE', 'ROLLED_BACK', 'PARTIALLY_ROLLED_BACK', 'ABORTED', 'DRY_RUN_OK', 'ROLLBACK_FAILED'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The attestations an approver gives when the scenario does not list them (DESIGN.md "ApprovalGate"). */
export const DEFAULT_ATTESTATIONS: readonly string[] = ['uat', 'training', 'bau', 'support'];
export const DEFAULT_APPROVER = 'rehearsal-approver';
/** Staffing of a queue whose scenario entry gives none: enough for any sane DeployCheck minimum. */
export const DEFAULT_AGENTS_ONLINE = 10;
/** Connect's routable agent status and its offline one, by their default names. */
export const ROUTABLE_STATUS = 'Available';
export const OFFLINE_STATUS = 'Offline';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/** ITU-T E.164: a plus, a non-zero country digit, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/;

const name = z.string().min(1);
/**
 * A flow or queue name, as GoLiveRunbook accepts it in its plan and queues (its validateProps): no leading
 * space, no control characters (tab, newline), at most 512 characters. Checked here so a bad name fails at the
 * scenario field, not later as a construct prop.
 */
const resourceName = name.regex(/^[^\s\x00-\x1f][^\x00-\x1f]{0,511}$/, {
  error: 'must not start with a space, hold control characters (tab, newline) or exceed 512 characters',
});
/**
 * The most numbers one wave may hold: GoLiveRunbook's plan limit (lambda/core/batches.ts); a test builds the construct with it.
 */
export const MAX_WAVE_NUMBERS = MAX_WAVE_SIZE;
/** The largest scenario file read: the biggest shipped one is a few KB; this leaves room for a full wave. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;
const count = z.number().int().min(0);
const nonNegative = z.number().min(0);
const e164 = z.string().regex(E164, { error: 'must be an E.164 number like +18005550100' });

const flowSchema = z.strictObject({
  name: resourceName,
  /** A SAVED (unpublished) flow fails DeployCheck. */
  published: z.boolean().default(true),
  /** An ARCHIVED flow fails DeployCheck. */
  archived: z.boolean().default(false),
  /**
   * Whether the flow's content (DescribeContactFlow `Content`) turns call recording on for agent and customer
   * before queueing: DeployCheck reports a target flow without it (a warning, or a blocker with
   * `runbook.requireRecording`).
   */
  recording: z.boolean().default(true),
});

/**
 * One line of a queue's agent roster (what GetCurrentUserData answers): `count` agents in agent status `status`.
 * `Available` is Connect's routable status and `Offline` its offline one; any other name is a custom (non-routable)
 * status such as `Break`. `freeVoiceSlots` 0 = on a call (a routing profile takes at most one voice contact).
 */
const agentSchema = z.strictObject({
  status: resourceName.default(ROUTABLE_STATUS),
  freeVoiceSlots: z.number().int().min(0).max(1).default(1),
  count: z.number().int().min(1).max(10_000).default(1),
});

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time HH:MM (00:00–23:59)' });

/**
 * A queue's hours of operation, as Connect configures them (HoursOfOperationConfig: day, start, end, local times in the
 * hours' time zone); a day not listed is closed, an end not after its start runs past midnight. Absent: open 24/7.
 */
const hoursOfOperationSchema = z.strictObject({
  timeZone: z
    .string()
    .refine((tz) => isTimeZone(tz), { error: 'must be an IANA time zone such as America/New_York' })
    .default('UTC'),
  config: z.array(z.strictObject({ day: z.enum(DAYS), start: timeOfDay, end: timeOfDay })),
});

const queueSchema = z.strictObject({
  name: resourceName,
  agentsOnline: count.optional(),
  agentsAvailable: count.optional(),
  /** The agents GetCurrentUserData reports on this queue; absent = derived from agentsOnline / agentsAvailable. */
  agents: z.array(agentSchema).optional(),
  hoursOfOperation: hoursOfOperationSchema.optional(),
  /**
   * The queue's outbound caller ID number (a number of contactCenter.phoneNumbers or the UAT number), or null for none.
   * Absent: the first plan number whose `queues` name this queue, else the first plan number.
   */
  outboundCallerId: e164.nullable().optional(),
});

const phoneNumberSchema = z.strictObject({
  number: e164,
  /** The flow the number points at now (the rollback snapshot); absent = not associated with any flow. */
  flow: name.optional(),
  /** The flow the cutover moves it to. */
  targetFlow: name,
  status: z.enum(['CLAIMED', 'IN_PROGRESS', 'FAILED']).default('CLAIMED'),
  /** The plan entry's service line (verdicts are per line). */
  serviceLine: name.optional(),
  /** The queues this number's calls land in (names from contactCenter.queues). */
  queues: z.array(name).min(1).optional(),
});

const uatPhoneNumberSchema = z.strictObject({
  number: e164,
  flow: name.optional(),
  status: z.enum(['CLAIMED', 'IN_PROGRESS', 'FAILED']).default('CLAIMED'),
});

const contactCenterSchema = z.strictObject({
  instance: z
    .strictObject({
      status: z.enum(['ACTIVE', 'CREATION_IN_PROGRESS', 'CREATION_FAILED']).default('ACTIVE'),
      alias: name.default('rehearsal'),
    })
    .default({ status: 'ACTIVE', alias: 'rehearsal' }),
  flows: z.array(flowSchema).min(1),
  queues: z.array(queueSchema).min(1),
  phoneNumbers: z.array(phoneNumberSchema).min(1).max(MAX_WAVE_NUMBERS),
  /**
   * The instance's concurrent active calls quota. Calls offered above it get a fast busy: CloudWatch's
   * CallsBreachingConcurrencyQuota counts them and ConcurrentCallsPercentage shows the quota in use. Absent: no
   * quota is modelled.
   */
  concurrentCallsQuota: z.number().int().min(1).optional(),
  /** The temporary number the service lines ran UAT against; DeployCheck verifies it exists. */
  uatPhoneNumber: uatPhoneNumberSchema.optional(),
  /**
   * Per API, the requests per second other callers in the account take from its shared quota (default 0 each);
   * checked against the API's quota in {@link checkOtherCallers}.
   */
  otherCallersRequestsPerSecond: z.record(z.string(), nonNegative).default({}),
});

const approvalSchema = z.strictObject({
  decision: z.enum(['approve', 'reject', 'timeout']).default('approve'),
  approver: name.default(DEFAULT_APPROVER),
  attestations: z.array(name).default([...DEFAULT_ATTESTATIONS]),
  /** The reason sent with a rejection. */
  reason: z.string().optional(),
});

const timelineRowSchema = z.strictObject({
  atMinute: z.number(),
  queue: name.optional(),
  abandonmentRate: z.number().min(0).max(1).optional(),
  avgHandleTimeSeconds: nonNegative.optional(),
  contactsInQueue: count.optional(),
  oldestContactAgeSeconds: nonNegative.optional(),
  contactsHandled: nonNegative.optional(),
  agentsOnline: count.optional(),
  agentsAvailable: count.optional(),
  contactFlowErrors: nonNegative.optional(),
  missedCalls: nonNegative.optional(),
  /** Per minute, instance-wide: calls to numbers outside the plan (CloudWatch MisconfiguredPhoneNumbers). */
  misconfiguredCalls: nonNegative.optional(),
});

/**
 * When each metric source shows what happened (DESIGN.md "The rehearsal is as strict as AWS"). The defaults are
 * realistic, never zero:
 * - `cloudWatchLagSeconds` 120: Connect sends its AWS/Connect data to CloudWatch once a minute, one datapoint per
 *   minute and none for a quiet minute (Admin Guide, "Monitoring your instance using CloudWatch",
 *   https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html); field reports put one-minute
 *   datapoints 1–2 minutes late: the stricter end, 2 minutes.
 * - `historicalLagSeconds` 120: GetMetricDataV2's contact metrics come from contact records, so a contact counts
 *   once it has ended (Admin Guide, "Metrics, dashboards, and reports",
 *   https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-metrics.html); AWS documents no
 *   ingestion delay, so the rehearsal assumes the same 2 minutes as CloudWatch (the stricter assumption).
 * - `realTimeRefreshSeconds` 15: GetCurrentMetricData's values refresh about every 15 seconds (Admin Guide,
 *   "Real-time metrics reports", https://docs.aws.amazon.com/connect/latest/adminguide/real-time-metrics-reports.html).
 */
export const DEFAULT_TIMING = { cloudWatchLagSeconds: 120, historicalLagSeconds: 120, realTimeRefreshSeconds: 15 } as const;

const timingSchema = z.strictObject({
  cloudWatchLagSeconds: nonNegative.max(3600).default(DEFAULT_TIMING.cloudWatchLagSeconds),
  historicalLagSeconds: nonNegative.max(3600).default(DEFAULT_TIMING.historicalLagSeconds),
  // 0 would be a continuous feed, which no Connect API is; at least one second.
  realTimeRefreshSeconds: z.number().min(1).max(300).default(DEFAULT_TIMING.realTimeRefreshSeconds),
});

const faultSchema = z.strictObject({
  api: z.enum(SIMULATED_APIS),
  onCall: z.number().int().min(1).optional(),
  atMinute: z.number().optional(),
  times: z.number().int().min(1).default(1),
  error: z.enum(FAULT_ERRORS),
});

/**
 * Construct options a scenario rehearses (DESIGN.md "runbook"): they reach the default app through the
 * `connect-golive:runbook` context, so the rehearsal runs the state machine those options synthesize.
 */
export const CUTOVER_MODES = ['repoint', 'switchFlow', 'carrierHook', 'manualConfirmation'] as const;
const runbookSchema = z.strictObject({
  cutoverMode: z.enum(CUTOVER_MODES).default('repoint'),
  /** switchFlow only: the construct's canary steps, e.g. [10, 50, 100] (GoLiveRunbook validates them). */
  canarySteps: z.array(z.number().int().min(1).max(100)).min(1).optional(),
  /** GoLiveRunbook `hypercare`, in minutes (0 = none). */
  hypercareMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
  /** GoLiveRunbook `hypercarePollInterval`, in seconds. */
  hypercarePollIntervalSeconds: z.number().int().min(10).max(3600).optional(),
  /** GoLiveRunbook `decommissionAttestations`. */
  decommissionAttestations: z.array(name).optional(),
  /** GoLiveRunbook `minAgentsAvailable` (ready agents per service line). */
  minAgentsAvailable: z.number().int().min(0).optional(),
  /** GoLiveRunbook `concurrentCallsQuota` (the figure DeployCheck uses instead of Service Quotas). */
  concurrentCallsQuota: z.number().int().min(1).optional(),
  /** GoLiveRunbook `expectedCallerIdNumbers`. */
  expectedCallerIdNumbers: z.array(z.string()).optional(),
  /** GoLiveRunbook `requireRecording`: a target flow that does not record fails DeployCheck (default false: a warning). */
  requireRecording: z.boolean().optional(),
});

/** What the simulated carrier does on each call of the carrier hook (simulator/lambda.ts). */
export const CARRIER_BEHAVIOURS = ['succeed', 'fail', 'timeout'] as const;
/** How long the simulated carrier hook runs before Lambda times it out (a `timeout` call), unless the scenario says. */
export const DEFAULT_CARRIER_HOOK_TIMEOUT_SECONDS = 30;
const carrierSchema = z.strictObject({
  /** Per call of the hook, in order (cutover batches, then rollback batches); calls past the list succeed. */
  calls: z.array(z.enum(CARRIER_BEHAVIOURS)).default([]),
  /** The hook function's own timeout (Lambda allows 1–900 s). */
  hookTimeoutSeconds: z.number().int().min(1).max(900).default(DEFAULT_CARRIER_HOOK_TIMEOUT_SECONDS),
});

/** What the operator answers to the carrier confirmations of cutoverMode manualConfirmation. */
const manualConfirmationSchema = z.strictObject({
  cutover: z.enum(['confirm', 'timeout']).default('confirm'),
  rollback: z.enum(['confirm', 'timeout']).default('confirm'),
});

/** The attestations a decommission approver gives when the scenario does not list them. */
export const DEFAULT_DECOMMISSION_ATTESTATIONS: readonly string[] = ['porting-complete', 'legacy-off'];
/** Run the Decommission state machine after the go-live (whatever its outcome: it refuses anything but LIVE). */
const decommissionSchema = z.strictObject({
  approver: name.default(DEFAULT_APPROVER),
  attestations: z.array(name).default([...DEFAULT_DECOMMISSION_ATTESTATIONS]),
  expect: z.strictObject({ outcome: z.enum(['DECOMMISSIONED', 'DECOMMISSION_REFUSED', 'DECOMMISSION_FAILED']) }).optional(),
});

/**
 * How the simulated test cases behave (lib/rehearsal/simulator/test-cases.ts). Per service line, `fail` makes the
 * line's flow misbehave (its test fails); `pass` (the default) lets the test pass when the call really reaches the
 * flow: a routing proof still fails when its number is not on its target flow.
 */
const testOutcome = z.enum(['pass', 'fail']);
export const DEFAULT_TEST_CASES = { available: true, durationSeconds: 60, uat: {}, routingProof: {} } as const;
const testCasesSchema = z.strictObject({
  /** false: the account or Region has no test cases (StartTestCaseExecution answers AccessDeniedException). */
  available: z.boolean().default(true),
  /** Simulated seconds a passing execution takes (a failing one times out after 300, as in AWS). */
  durationSeconds: z.number().int().min(1).max(300).default(DEFAULT_TEST_CASES.durationSeconds),
  uat: z.record(name, testOutcome).default({}),
  routingProof: z.record(name, testOutcome).default({}),
});

const scenarioSchema = z.strictObject({
  name,
  description: z.string().optional(),
  contactCenter: contactCenterSchema,
  /** The execution input, passed as is (a malformed one exercises ValidateInput). */
  input: z.unknown().default({}),
  approval: approvalSchema.default({
    decision: 'approve',
    approver: DEFAULT_APPROVER,
    attestations: [...DEFAULT_ATTESTATIONS],
  }),
  inconclusiveDecision: z.enum(['live', 'rollback', 'timeout']).default('timeout'),
  timeline: z.array(timelineRowSchema).default([]),
  timing: timingSchema.default({ ...DEFAULT_TIMING }),
  faults: z.array(faultSchema).default([]),
  runbook: runbookSchema.default({ cutoverMode: 'repoint' }),
  /** cutoverMode carrierHook: what the simulated carrier does per call. */
  carrier: carrierSchema.optional(),
  /** cutoverMode manualConfirmation: what the operator answers. */
  manualConfirmation: manualConfirmationSchema.optional(),
  decommission: decommissionSchema.optional(),
  testCases: testCasesSchema.default({ ...DEFAULT_TEST_CASES, uat: {}, routingProof: {} }),
  expect: z.strictObject({ outcome: z.enum(OUTCOMES) }).optional(),
});

type Parsed = z.output<typeof scenarioSchema>;
type ParsedFault = Parsed['faults'][number];
type ParsedQueue = Parsed['contactCenter']['queues'][number];

/** A queue with its staffing defaults resolved. */
export interface ScenarioQueue extends ParsedQueue {
  readonly agentsOnline: number;
  readonly agentsAvailable: number;
}

/** A fault with its trigger resolved: exactly one of `onCall` and `atMinute` is set. */
export type ScenarioFault = ParsedFault;

/** A parsed scenario: every default applied, every cross reference checked. */
export interface Scenario extends Omit<Parsed, 'contactCenter'> {
  readonly contactCenter: Omit<Parsed['contactCenter'], 'queues'> & { readonly queues: ScenarioQueue[] };
}
export type ScenarioPhoneNumber = Scenario['contactCenter']['phoneNumbers'][number];
export type ScenarioFlow = Scenario['contactCenter']['flows'][number];
export type TimelineRow = Scenario['timeline'][number];
export type ScenarioApproval = Scenario['approval'];
export type ScenarioTiming = Scenario['timing'];

/** A scenario that does not parse; `message` is one line naming the field. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    /** The field path, e.g. `scenario.faults[0].error`. */
    public readonly path: string,
    public readonly source?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScenarioError';
  }
}

/**
 * Validates a scenario (already JSON-parsed) and applies its defaults.
 * @param source where it came from (a file name), prefixed to the message
 * @throws ScenarioError with a one-line message naming the first bad field
 */
export function parseScenario(raw: unknown, source?: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = pickIssue(result.error.issues);
    const { path, message } = describeIssue(issue, raw);
    throw fail(path, message, source);
  }
  const problem = crossCheck(result.data);
  if (problem) {
    throw fail(problem.path, problem.message, source);
  }
  return resolveDefaults(result.data);
}

/**
 * Reads and validates a scenario file.
 * @throws ScenarioError when the file cannot be read, is not JSON, or does not validate
 */
export function loadScenario(file: string): Scenario {
  const shown = safeText(file);
  let text: string;
  let fd: number | undefined;
  try {
    // Non-blocking open: opening a FIFO for reading would otherwise wait for a writer for ever. A character
    // device (/dev/zero) never ends. So: regular files only, checked on the open descriptor, with a size cap.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new ScenarioError(`${shown}: the scenario must be a regular file, got ${kindOf(stat)}`, 'scenario', file);
    }
    if (stat.size > MAX_SCENARIO_BYTES) {
      throw new ScenarioError(
        `${shown}: the scenario file is ${stat.size} bytes, more than the ${MAX_SCENARIO_BYTES} allowed`,
        'scenario',
        file,
      );
    }
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError(`${shown}: cannot read the scenario file (${safeText((err as Error).message, 200)})`, 'scenario', file, {
      cause: err,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${shown}: scenario is not valid JSON (${safeText((err as Error).message, 200)})`, 'scenario', file, {
      cause: err,
    });
  }
  return parseScenario(raw, file);
}

function fail(path: string, message: string, source?: string): ScenarioError {
  const line = `${path}: ${message}`;
  return new ScenarioError(source ? `${safeText(source)}: ${line}` : line, path, source);
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Text from the user (a file name, a key, a parser message) made safe for one terminal line: control characters
 * (newlines, ANSI escapes) escaped as JSON does, and at most `max` characters.
 */
function safeText(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).slice(1, -1);
}

type Issue = z.core.$ZodIssue;

/** A misspelt field is the likeliest root cause of the other issues, so it is reported first. */
function pickIssue(issues: readonly Issue[]): Issue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = 'scenario';
  for (const key of path) {
    // Keys come from the file: an odd one (ANSI escapes, spaces, 1 MB long) is quoted, escaped and shortened.
    const k = String(key);
    out += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]{0,63}$/.test(k) ? `.${k}` : `[${describeValue(k)}]`;
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The value a message quotes: shortened and escaped (lambda/core/text.ts, as the execution-input validator does). */
function show(value: unknown): string {
  return describeValue(value);
}

function describeIssue(issue: Issue, raw: unknown): { path: string; message: string } {
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const [first, ...others] = issue.keys;
      const field = formatPath([...issue.path, first]);
      const more =
        others.length > 0
          ? ` (also: ${others
              .slice(0, 5)
              .map((k) => safeText(k, 40))
              .join(', ')}${others.length > 5 ? ', …' : ''})`
          : '';
      return { path: field, message: `unknown field${more}` };
    }
    case 'invalid_type':
      if (value === undefined) {
        return { path: formatPath(issue.path), message: 'required' };
      }
      // JSON.parse reads 1e400 as Infinity, which JSON cannot even print back (it would show as null).
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return {
          path: formatPath(issue.path),
          message: `must be a finite number, got ${value > 0 ? 'a number too large' : 'a number too small'} (${value})`,
        };
      }
      return {
        path: formatPath(issue.path),
        message: `must be ${article(issue.expected)}, got ${show(value)}`,
      };
    case 'invalid_value':
      return {
        path: formatPath(issue.path),
        message: `must be one of ${issue.values.map(String).join(', ')}, got ${show(value)}`,
      };
    case 'too_small':
      if (issue.origin === 'array') {
        return { path: formatPath(issue.path), message: `must list at least ${issue.minimum} item(s)` };
      }
      if (issue.origin === 'string') {
        return { path: formatPath(issue.path), message: 'must not be empty' };
      }
      return { path: formatPath(issue.path), message: `must be ≥ ${issue.minimum}, got ${show(value)}` };
    case 'too_big':
      if (issue.origin === 'array') {
        return {
          path: formatPath(issue.path),
          message: `must list at most ${issue.maximum} item(s) (one wave), got ${Array.isArray(value) ? value.length : show(value)}`,
        };
      }
      return { path: formatPath(issue.path), message: `must be ≤ ${issue.maximum}, got ${show(value)}` };
    case 'invalid_format':
      return { path: formatPath(issue.path), message: `${issue.message}, got ${show(value)}` };
    default:
      return { path: formatPath(issue.path), message: issue.message };
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

interface Problem {
  readonly path: string;
  readonly message: string;
}

function crossCheck(s: Parsed): Problem | undefined {
  const cc = s.contactCenter;
  return (
    duplicate(
      cc.flows.map((f) => f.name),
      'contactCenter.flows',
      'name',
      'flow name',
    ) ??
    duplicate(
      cc.queues.map((q) => q.name),
      'contactCenter.queues',
      'name',
      'queue name',
    ) ??
    duplicate(
      [...cc.phoneNumbers.map((p) => p.number), ...(cc.uatPhoneNumber ? [cc.uatPhoneNumber.number] : [])],
      'contactCenter.phoneNumbers',
      'number',
      'phone number',
      cc.phoneNumbers.length,
    ) ??
    checkStaffing(cc.queues) ??
    checkAgents(s) ??
    checkCallerIds(s) ??
    checkFlowRefs(s) ??
    checkTimeline(s) ??
    checkFaults(s.faults) ??
    checkTestCaseLines(s) ??
    checkOtherCallers(cc.otherCallersRequestsPerSecond) ??
    checkModeKeys(s)
  );
}

/** `carrier` and `manualConfirmation` rehearse their own cutover mode only: elsewhere they would be silently unused. */
function checkModeKeys(s: Parsed): Problem | undefined {
  if (s.carrier !== undefined && s.runbook.cutoverMode !== 'carrierHook') {
    return { path: 'scenario.carrier', message: `applies to runbook.cutoverMode carrierHook only, got ${s.runbook.cutoverMode}` };
  }
  if (s.manualConfirmation !== undefined && s.runbook.cutoverMode !== 'manualConfirmation') {
    return {
      path: 'scenario.manualConfirmation',
      message: `applies to runbook.cutoverMode manualConfirmation only, got ${s.runbook.cutoverMode}`,
    };
  }
  return undefined;
}

/**
 * Other callers can only take from an API that has a simulated quota, and at most all of it (quotas are per
 * account and Region, shared with every caller).
 * @see https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
 */
function checkOtherCallers(rates: Readonly<Record<string, number>>): Problem | undefined {
  for (const [api, rate] of Object.entries(rates)) {
    const path = `scenario.contactCenter.otherCallersRequestsPerSecond.${api}`;
    if (!(SIMULATED_APIS as readonly string[]).includes(api)) {
      return {
        path,
        message: `unknown API ${JSON.stringify(api)}: must be one of the simulated APIs with a quota (${Object.keys(DEFAULT_RATE_LIMITS).join(', ')})`,
      };
    }
    const limit = DEFAULT_RATE_LIMITS[api as SimulatedApi];
    if (!limit) {
      return { path, message: `${api} has no simulated quota: other callers apply to ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')}` };
    }
    if (rate > limit.ratePerSecond) {
      return { path, message: `must be ≤ the API's quota of ${limit.ratePerSecond} requests/s, got ${rate}` };
    }
  }
  return undefined;
}

function duplicate(
  values: readonly string[],
  listPath: string,
  field: string,
  what: string,
  listLength = values.length,
): Problem | undefined {
  const seen = new Set<string>();
  for (const [i, value] of values.entries()) {
    if (seen.has(value)) {
      const path = i < listLength ? `scenario.${listPath}[${i}].${field}` : 'scenario.contactCenter.uatPhoneNumber.number';
      return { path, message: `duplicate ${what} ${describeValue(value)}` };
    }
    seen.add(value);
  }
  return undefined;
}

function checkStaffing(queues: readonly ParsedQueue[]): Problem | undefined {
  for (const [i, q] of queues.entries()) {
    const online = q.agentsOnline ?? DEFAULT_AGENTS_ONLINE;
    if (q.agentsAvailable !== undefined && q.agentsAvailable > online) {
      return {
        path: `scenario.contactCenter.queues[${i}].agentsAvailable`,
        message: `must be ≤ agentsOnline (${online}), got ${q.agentsAvailable}`,
      };
    }
  }
  return undefined;
}

/** The roster and the counts say the same; a timeline row must not move the counts of a queue with a roster. */
function checkAgents(s: Parsed): Problem | undefined {
  for (const [i, q] of s.contactCenter.queues.entries()) {
    if (!q.agents) continue;
    const roster = rosterCounts(q.agents);
    for (const field of ['agentsOnline', 'agentsAvailable'] as const) {
      if (q[field] !== undefined && q[field] !== roster[field]) {
        return {
          path: `scenario.contactCenter.queues[${i}].${field}`,
          message: `must match the agents roster (${roster[field]}), got ${q[field]}; give one or the other`,
        };
      }
    }
    const row = s.timeline.findIndex(
      (r) => (r.queue === undefined || r.queue === q.name) && (r.agentsOnline !== undefined || r.agentsAvailable !== undefined),
    );
    if (row !== -1) {
      return {
        path: `scenario.timeline[${row}]`,
        message: `sets agent counts of queue ${describeValue(q.name)}, whose agents roster is fixed (contactCenter.queues[${i}].agents)`,
      };
    }
  }
  return undefined;
}

/** Agents online (any status but Offline) and available (routable with a free voice slot) in a roster. */
export function rosterCounts(agents: ReadonlyArray<{ status: string; freeVoiceSlots: number; count: number }>): {
  agentsOnline: number;
  agentsAvailable: number;
} {
  let agentsOnline = 0;
  let agentsAvailable = 0;
  for (const a of agents) {
    if (a.status !== OFFLINE_STATUS) agentsOnline += a.count;
    if (a.status === ROUTABLE_STATUS && a.freeVoiceSlots >= 1) agentsAvailable += a.count;
  }
  return { agentsOnline, agentsAvailable };
}

/** A queue's outbound caller ID must be a number claimed to the instance (Connect accepts no other). */
function checkCallerIds(s: Parsed): Problem | undefined {
  const claimed = new Set([...s.contactCenter.phoneNumbers.map((p) => p.number), s.contactCenter.uatPhoneNumber?.number]);
  for (const [i, q] of s.contactCenter.queues.entries()) {
    if (q.outboundCallerId && !claimed.has(q.outboundCallerId)) {
      return {
        path: `scenario.contactCenter.queues[${i}].outboundCallerId`,
        message: `${q.outboundCallerId} is not a number of contactCenter.phoneNumbers or the UAT number`,
      };
    }
  }
  return undefined;
}

function checkFlowRefs(s: Parsed): Problem | undefined {
  const flows = new Set(s.contactCenter.flows.map((f) => f.name));
  const undefinedFlow = (path: string, flow: string | undefined): Problem | undefined =>
    flow === undefined || flows.has(flow)
      ? undefined
      : { path, message: `flow ${describeValue(flow)} is not defined in contactCenter.flows` };
  const queues = new Set(s.contactCenter.queues.map((q) => q.name));
  for (const [i, p] of s.contactCenter.phoneNumbers.entries()) {
    for (const [j, q] of (p.queues ?? []).entries()) {
      if (!queues.has(q)) {
        return {
          path: `scenario.contactCenter.phoneNumbers[${i}].queues[${j}]`,
          message: `queue ${JSON.stringify(q)} is not defined in contactCenter.queues`,
        };
      }
    }
    const problem =
      undefinedFlow(`scenario.contactCenter.phoneNumbers[${i}].flow`, p.flow) ??
      undefinedFlow(`scenario.contactCenter.phoneNumbers[${i}].targetFlow`, p.targetFlow);
    if (problem) return problem;
  }
  return undefinedFlow('scenario.contactCenter.uatPhoneNumber.flow', s.contactCenter.uatPhoneNumber?.flow);
}

function checkTimeline(s: Parsed): Problem | undefined {
  const queues = new Set(s.contactCenter.queues.map((q) => q.name));
  for (const [i, row] of s.timeline.entries()) {
    if (row.queue !== undefined && !queues.has(row.queue)) {
      return {
        path: `scenario.timeline[${i}].queue`,
        message: `queue ${describeValue(row.queue)} is not defined in contactCenter.queues`,
      };
    }
    // A row that sets both must be consistent; a row setting one carries the other forward from earlier rows.
    if (row.agentsOnline !== undefined && row.agentsAvailable !== undefined && row.agentsAvailable > row.agentsOnline) {
      return {
        path: `scenario.timeline[${i}].agentsAvailable`,
        message: `must be ≤ agentsOnline (${row.agentsOnline}), got ${row.agentsAvailable}`,
      };
    }
  }
  return undefined;
}

/** `testCases.uat` / `testCases.routingProof` name service lines of `contactCenter.phoneNumbers` (`all` for none). */
function checkTestCaseLines(s: Parsed): Problem | undefined {
  const lines = new Set(s.contactCenter.phoneNumbers.map((p) => p.serviceLine ?? 'all'));
  for (const kind of ['uat', 'routingProof'] as const) {
    for (const line of Object.keys(s.testCases[kind])) {
      if (!lines.has(line)) {
        return {
          path: `scenario.testCases.${kind}[${describeValue(line)}]`,
          message: `service line ${describeValue(line)} is not a serviceLine of contactCenter.phoneNumbers (${[...lines].join(', ')})`,
        };
      }
    }
  }
  return undefined;
}

function checkFaults(faults: readonly ParsedFault[]): Problem | undefined {
  for (const [i, f] of faults.entries()) {
    if (f.onCall !== undefined && f.atMinute !== undefined) {
      return { path: `scenario.faults[${i}]`, message: 'give either onCall or atMinute, not both' };
    }
    if (f.error === 'EmptyResult' && !METRIC_APIS.includes(f.api)) {
      return {
        path: `scenario.faults[${i}].error`,
        message: `EmptyResult applies to the metric APIs only (${METRIC_APIS.join(', ')}), got api ${JSON.stringify(f.api)}`,
      };
    }
  }
  return undefined;
}

function resolveDefaults(s: Parsed): Scenario {
  return {
    ...s,
    contactCenter: {
      ...s.contactCenter,
      queues: s.contactCenter.queues.map((q) => {
        if (q.agents) return { ...q, ...rosterCounts(q.agents) };
        const agentsOnline = q.agentsOnline ?? DEFAULT_AGENTS_ONLINE;
        return { ...q, agentsOnline, agentsAvailable: q.agentsAvailable ?? agentsOnline };
      }),
    },
    // A fault with neither trigger fires on the API's first call.
    faults: s.faults.map((f) => (f.onCall === undefined && f.atMinute === undefined ? { ...f, onCall: 1 } : f)),
  };
}
