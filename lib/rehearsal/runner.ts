/**
 * The offline rehearsal: synthesizes the default app with a scenario's plan, takes the runbook definition from
 * the template, and executes it locally with the real handlers against the simulated endpoint and clock.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import type { RunbookConfig } from '../../lambda/core/types';
import { runWithCredentials, useEndpoint } from '../../lambda/shared/clients';
import { useClock } from '../../lambda/shared/clock';
import { logger } from '../../lambda/shared/logger';
import { createDefaultStack } from '../default-app';
import { packageRoot } from '../private/package-root';
import type { EvidenceMetric, EvidenceRecord } from '../report/evidence';
import { serviceLinesOf } from '../report/from-history';
import { renderEvidenceReport } from '../report/render';
import { HANDLERS } from './handlers';
import { iamModelFromTemplate } from './iam-model';
import { Handler, LocalRunResult, runLocally, StepRecord, TaskFault, TokenRequest } from './local-executor';
import { progressLine, summaryTable } from './progress';
import { DEFAULT_CARRIER_HOOK_TIMEOUT_SECONDS, loadScenario, Scenario } from './scenario';
import { INSTANCE_ARN, phoneNumberArn, Simulator, startSimulator, TraceRecord, WriteCall } from './simulator';
import type { CarrierCall } from './simulator';
import { warmUpIamEvaluator } from './simulator/iam';
import { FoldOptions, runbookFromTemplate, Template } from './template';

/** Where the simulated clock starts: a quiet hour, fixed so scenario files may name absolute `cutoverAt` times. */
export const REHEARSAL_START = new Date('2030-01-15T02:00:00Z');
export const REHEARSAL_STATE_MACHINE_NAME = 'GoLiveRunbook';
export const REHEARSAL_EXECUTION_PREFIX = `arn:aws:states:us-east-1:123456789012:execution:${REHEARSAL_STATE_MACHINE_NAME}:`;
export const REHEARSAL_DECOMMISSION_EXECUTION_PREFIX = 'arn:aws:states:us-east-1:123456789012:execution:GoLiveDecommission:';
/** The carrier hook the default app gets in a carrierHook rehearsal; the simulator answers it as the carrier. */
export const REHEARSAL_CARRIER_HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rehearsal-carrier-hook';
// The package root, from source or compiled (dist/) and installed: cdk.json and scenarios/ ship with the package.
const ROOT = packageRoot();
export const SCENARIOS_DIR = path.join(ROOT, 'scenarios');

/** One step of the run, on the simulated clock. */
export interface RehearsalStep {
  readonly name: string;
  readonly status: string;
  /** Simulated ISO time the state was entered. */
  readonly at: string;
  /** Simulated seconds since the execution started. */
  readonly atSeconds: number;
  readonly error?: string;
}

export interface RehearsalRun {
  readonly scenario: string;
  readonly outcome: string;
  /** The scenario's `expect.outcome`, when it has one. */
  readonly expected: string | null;
  readonly reason: string;
  /** E.164 → flow name after the run (from the simulator's state). */
  readonly finalAssociations: Record<string, string | null>;
  /** E.164 → flow name before the run (the rollback snapshot). */
  readonly snapshot: Record<string, string | null>;
  readonly steps: RehearsalStep[];
  /** Simulated seconds from the first breaching moment to the rollback completed; null without a breach. */
  readonly breachToRollbackSeconds: number | null;
  /** The Connect association writes, in order. */
  readonly writeCalls: WriteCall[];
  /** Step Functions state transitions (states entered). */
  readonly transitions: number;
  /** The largest state input or output of the run, in bytes (Step Functions fails a state over 262,144). */
  readonly largestStatePayloadBytes: number;
  /** Events in the execution history (Step Functions fails an execution at 25,000). */
  readonly historyEvents: number;
  readonly verdicts: Array<{ at: string; decision: string; reason: string }>;
  readonly approver: string | null;
  /** Simulated seconds from start to end. */
  readonly simulatedSeconds: number;
  /** The API calls the simulator answered, by operation. */
  readonly apiCalls: Record<string, number>;
  readonly evidence: EvidenceRecord;
  /**
   * cutoverMode carrierHook / manualConfirmation: what happened outside Connect (its associations do not move in
   * these modes). `routing`: E.164 → where the carrier sends callers now (`connect` or `legacy`; carrierHook only);
   * `calls`: each carrier hook call; `confirmations`: each operator answer (manualConfirmation).
   */
  readonly carrier?: {
    readonly mode: 'carrierHook' | 'manualConfirmation';
    readonly routing?: Record<string, 'connect' | 'legacy'>;
    readonly calls?: readonly CarrierCall[];
    readonly confirmations?: ReadonlyArray<{ readonly kind: string; readonly answer: string; readonly at: string }>;
  };
  /** The Decommission run after the go-live, when the scenario has `decommission`. */
  readonly decommission?: DecommissionRun;
  reportPath?: string;
}

/** The Decommission state machine's run in a rehearsal (scenario key `decommission`). */
export interface DecommissionRun {
  /** `DECOMMISSIONED`, or the Fail state's error: `DECOMMISSION_REFUSED` / `DECOMMISSION_FAILED`. */
  readonly outcome: string;
  readonly expected: string | null;
  readonly reason: string;
  readonly steps: RehearsalStep[];
  /** Numbers released from the simulated instance (ReleasePhoneNumber), with when. */
  readonly released: ReadonlyArray<{ readonly number: string; readonly at: string }>;
  /** The execution's output (Decommissioned) or null. */
  readonly output: unknown;
}

export interface RehearseOptions {
  /** A synthesized template to use instead of synthesizing the default app with the scenario's plan. */
  readonly template?: Template;
  /** Called as each state is entered and left (for live progress). */
  readonly onStep?: (step: StepRecord, event: 'entered' | 'exited', run: { startedAt: Date; now: Date }) => void;
  /** Real milliseconds before the SDK gives up on an answer (Timeout faults). @default 1000 */
  readonly requestTimeoutMs?: number;
  /**
   * Requests signed by no role of the template (a test acting as the operator, outside any handler): `deny`
   * answers AccessDeniedException, `allow` lets them through unchecked. Handlers always call as their role.
   * @default 'deny'
   */
  readonly unknownCaller?: 'deny' | 'allow';
  /**
   * Every request the handlers send to the simulator, as it reached it, with the status answered (`rehearse
   * --trace FILE`): a file path (created or truncated, one JSON object per line) or a function called per request.
   * @default - no trace
   */
  readonly trace?: string | TraceSink;
}

/** Receives each traced request (see {@link RehearseOptions.trace}). */
export type TraceSink = (record: TraceRecord) => void;

/** A trace file as a sink: opened (created or truncated) now, one JSON line per request, closed by `close`. */
export function traceFile(file: string): { sink: TraceSink; close(): void } {
  const fd = fs.openSync(file, 'w');
  return {
    sink: (record) => fs.writeSync(fd, `${JSON.stringify(record)}\n`),
    close: () => fs.closeSync(fd),
  };
}

/** Synthesizes the default app (bundling skipped) with the scenario's numbers and queues as the plan. */
export function synthesizeForScenario(scenario: Scenario): Template {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      'connect-golive:plan': scenario.contactCenter.phoneNumbers.map((p) => ({
        phoneNumber: p.number,
        targetFlow: p.targetFlow,
        ...(p.serviceLine !== undefined ? { serviceLine: p.serviceLine } : {}),
        ...(p.queues !== undefined ? { queues: p.queues } : {}),
      })),
      'connect-golive:watchQueues': scenario.contactCenter.queues.map((q) => q.name),
      'connect-golive:runbook': scenario.runbook,
      // carrierHook needs a hook function: the simulated carrier answers this one (simulator/lambda.ts).
      ...(scenario.runbook.cutoverMode === 'carrierHook' ? { 'connect-golive:carrierHookArn': REHEARSAL_CARRIER_HOOK_ARN } : {}),
    },
  });
  const stack = createDefaultStack(app);
  return app.synth().getStackByName(stack.stackName).template as Template;
}

/** One execution of an open rehearsal. */
export interface ExecuteOptions {
  /** The execution input (default: the scenario's). */
  readonly input?: unknown;
  /** The execution's name (default: from the scenario name). */
  readonly name?: string;
  readonly onStep?: RehearseOptions['onStep'];
  /** Answers task tokens instead of the scenario's approver (e.g. an operator abort). */
  readonly answerToken?: (request: TokenRequest) => Promise<unknown>;
  /** Task failures to inject (a crashing handler, a task timeout). */
  readonly taskFaults?: readonly TaskFault[];
}

/** A simulator with the scenario's contact center, on which executions of the synthesized runbook run. */
export interface OpenRehearsal {
  readonly sim: Simulator;
  readonly startedAt: Date;
  /** The configuration embedded in the synthesized definition (intrinsics folded). */
  readonly config: RunbookConfig;
  /** The operator's answers to carrier confirmations so far (manualConfirmation). */
  readonly confirmations: ReadonlyArray<{ readonly kind: string; readonly answer: string; readonly at: string }>;
  /** Runs the Decommission state machine for a go-live execution of this rehearsal. */
  decommission(goLiveExecutionArn: string, request: { approver: string; attestations: readonly string[] }): Promise<LocalRunResult>;
  /** Runs one execution to its end; several may run at once (they share the contact center and the clock). */
  execute(options?: ExecuteOptions): Promise<{ result: LocalRunResult; executionArn: string; approver: string | null }>;
  close(): Promise<void>;
}

/** Starts the simulator for a scenario and points the handlers at it. */
export async function openRehearsal(
  scenario: Scenario,
  options: Pick<RehearseOptions, 'template' | 'requestTimeoutMs' | 'trace' | 'unknownCaller'> = {},
): Promise<OpenRehearsal> {
  const template = options.template ?? synthesizeForScenario(scenario);
  const uat = scenario.contactCenter.uatPhoneNumber?.number;
  const fold: FoldOptions = {
    getAtt: (_id, attribute, type) => {
      if (type === 'AWS::Connect::Instance' && attribute === 'Arn') return INSTANCE_ARN;
      if (type === 'AWS::Connect::PhoneNumber' && attribute === 'Address') return uat ?? '';
      if (type === 'AWS::Connect::PhoneNumber' && attribute === 'PhoneNumberArn') return phoneNumberArn(uat ?? '+10000000000');
      // The runbook's own executions are named under REHEARSAL_EXECUTION_PREFIX (its IAM policies name them).
      if (type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return REHEARSAL_STATE_MACHINE_NAME;
      return undefined;
    },
  };
  const runbook = runbookFromTemplate(template, fold);
  // IAM as synthesized: each handler calls as its function's role, with that role's policies (simulator/iam.ts).
  const iam = iamModelFromTemplate(template, fold);
  const config = runbook.definition.States.Configure.Parameters.config;
  // A scenario without a UAT number rehearses without the UAT check.
  if (!uat) delete config.uatPhoneNumber;
  const approvalTimeout = runbook.definition.States.ApprovalGate.TimeoutSeconds as number;
  // A template from before the Decommission state machine existed still rehearses; only `decommission` needs it.
  const decommissionMachine = (() => {
    try {
      return runbookFromTemplate(template, fold, 'decommission');
    } catch {
      return undefined;
    }
  })();
  if (decommissionMachine && !uat) delete decommissionMachine.definition.States.Configure.Parameters.config.uatPhoneNumberArn;
  const confirmationTimeout = runbook.definition.States.ConfirmCarrierCutover?.TimeoutSeconds as number | undefined;
  const confirmations: Array<{ kind: string; answer: string; at: string }> = [];

  // The handlers' structured logs go to CloudWatch in AWS; in a rehearsal the progress lines tell the story.
  logger.setLogLevel(process.env.CONNECT_GOLIVE_HANDLER_LOGS === '1' ? 'DEBUG' : 'SILENT');
  // A Timeout fault holds its answer twice as long as the SDK waits: the SDK gives up first, as on a lost answer.
  const requestTimeoutMs = options.requestTimeoutMs ?? 1000;
  const iamEnforced = await warmUpIamEvaluator();
  if (!iamEnforced) warnIamUnchecked();
  const trace = typeof options.trace === 'string' ? traceFile(options.trace) : undefined;
  const onTrace = trace?.sink ?? (typeof options.trace === 'function' ? options.trace : undefined);
  const dynamoTables = dynamoTablesOf(template);
  const sim = await startSimulator(scenario, {
    startAt: REHEARSAL_START,
    timeoutDelayMs: 2 * requestTimeoutMs,
    ...(onTrace ? { onTrace } : {}),
    ...(dynamoTables ? { dynamoTables } : {}),
    ...(iamEnforced ? { iam: { model: iam, unknownCaller: options.unknownCaller } } : {}),
    ...(scenario.runbook.cutoverMode === 'carrierHook'
      ? {
          carrier: {
            functionArn: REHEARSAL_CARRIER_HOOK_ARN,
            calls: scenario.carrier?.calls ?? [],
            hookTimeoutSeconds: scenario.carrier?.hookTimeoutSeconds ?? DEFAULT_CARRIER_HOOK_TIMEOUT_SECONDS,
            numbers: scenario.contactCenter.phoneNumbers.map((p) => p.number),
          },
        }
      : {}),
  });
  const startedAt = sim.clock.now();
  useEndpoint(sim.endpoint, { requestTimeoutMs, onBackoff: (ms) => sim.clock.advance(ms / 1000) });
  // A wait moves the clock to its end time (not by its length): two handlers waiting side by side take as long
  // as the longer of them, as they would in real time.
  useClock(
    () => sim.clock.now(),
    async (ms) => {
      const target = sim.clock.nowMillis() + ms;
      if (sim.clock.nowMillis() < target) sim.clock.set(new Date(target));
    },
  );
  const handlers: Record<string, Handler> = {};
  for (const [arn, name] of Object.entries(runbook.handlers)) {
    const role = iam.byFunctionArn[arn];
    // Without a role in the template the handler's requests carry no known key and are denied.
    handlers[arn] = role
      ? (event) => runWithCredentials({ accessKeyId: role.accessKeyId, secretAccessKey: 'rehearsal' }, () => HANDLERS[name](event))
      : HANDLERS[name];
  }

  return {
    sim,
    startedAt,
    config,
    confirmations,
    async decommission(goLiveExecutionArn: string, request: { approver: string; attestations: readonly string[] }) {
      if (!decommissionMachine) throw new Error('the template has no connect-golive Decommission state machine');
      const executionArn = `${REHEARSAL_DECOMMISSION_EXECUTION_PREFIX}decommission-${slug(scenario.name)}`;
      return runLocally({
        definition: decommissionMachine.definition,
        handlers,
        input: { goLiveExecutionArn, approver: request.approver, attestations: request.attestations },
        executionArn,
        clock: sim.clock,
        functionTimeouts: decommissionMachine.functionTimeouts,
        answerToken: () => Promise.reject(new Error('the Decommission state machine has no task token')),
      });
    },
    async execute(opts: ExecuteOptions = {}) {
      const executionArn = `${REHEARSAL_EXECUTION_PREFIX}${opts.name ?? `rehearsal-${slug(scenario.name)}`}`;
      let approver: string | null = null;
      // DescribeExecution (AcquireLock asks it of the lock's holder) knows this execution while it runs and after.
      sim.executions.set(executionArn, { status: 'RUNNING', startedAtMs: sim.clock.nowMillis() });
      const result = await runLocally({
        definition: runbook.definition,
        handlers,
        // `'input' in opts`, not `??`: an explicit null input is a (malformed) input to run, not a missing one.
        input: 'input' in opts ? opts.input : scenario.input,
        executionArn,
        clock: sim.clock,
        taskFaults: opts.taskFaults,
        functionTimeouts: runbook.functionTimeouts,
        answerToken:
          opts.answerToken ??
          ((request) =>
            answer(
              request,
              scenario,
              sim.clock,
              { approval: approvalTimeout, carrierConfirmation: confirmationTimeout ?? 0 },
              (a) => {
                approver = a;
              },
              (c) => confirmations.push(c),
            )),
        onStep: (step, event) => {
          // carrierHook: callers reach Connect only once the carrier moved them (the simulated carrier marks it).
          if (
            event === 'entered' &&
            step.name === 'Cutover' &&
            scenario.runbook.cutoverMode !== 'carrierHook' &&
            sim.clock.cutoverAt === null
          )
            sim.clock.markCutover();
          opts.onStep?.(step, event, { startedAt, now: sim.clock.now() });
        },
      });
      sim.executions.set(executionArn, {
        ...sim.executions.get(executionArn)!,
        status: result.status,
        stoppedAtMs: sim.clock.nowMillis(),
        // DescribeExecution's `output` (the Decommission reads the outcome from it).
        ...(result.status === 'SUCCEEDED' ? { output: JSON.stringify(result.output ?? null) } : {}),
      });
      return { result, executionArn, approver };
    },
    close: async () => {
      await sim.close();
      trace?.close();
    },
  };
}

/**
 * One execution on a fresh simulator, closed afterwards: the simulator's state (associations, call log) stays
 * readable in the answer.
 */
export async function executeOnce(
  scenario: Scenario,
  options: Pick<RehearseOptions, 'template' | 'requestTimeoutMs' | 'trace' | 'unknownCaller'> & ExecuteOptions = {},
): Promise<
  Awaited<ReturnType<OpenRehearsal['execute']>> &
    Pick<OpenRehearsal, 'sim' | 'startedAt' | 'confirmations'> & { decommission?: LocalRunResult; decommissionStartedAt?: Date }
> {
  const rehearsal = await openRehearsal(scenario, options);
  try {
    const run = await rehearsal.execute(options);
    let decommission: LocalRunResult | undefined;
    let decommissionStartedAt: Date | undefined;
    if (scenario.decommission) {
      decommissionStartedAt = rehearsal.sim.clock.now();
      decommission = await rehearsal.decommission(run.executionArn, scenario.decommission);
    }
    return {
      ...run,
      sim: rehearsal.sim,
      startedAt: rehearsal.startedAt,
      confirmations: rehearsal.confirmations,
      ...(decommission ? { decommission, decommissionStartedAt } : {}),
    };
  } finally {
    await rehearsal.close();
  }
}

/** Rehearses one scenario: one execution on a fresh simulator. */
export async function rehearseScenario(scenario: Scenario, options: RehearseOptions = {}): Promise<RehearsalRun> {
  const { result, approver, sim, startedAt, confirmations, decommission, decommissionStartedAt } = await executeOnce(scenario, options);

  const at = (iso: string) => Math.round((new Date(iso).getTime() - startedAt.getTime()) / 1000);
  const steps = result.steps.map((s) => ({
    name: s.name,
    status: s.status,
    at: s.enteredAt,
    atSeconds: at(s.enteredAt),
    ...(s.error ? { error: s.error } : {}),
  }));
  const outcome = outcomeOf(result);
  const finalOutput = lastOutput(result.steps, 'Finalize')?.outcome ?? result.output;
  const verifies = result.steps.filter((s) => isPoll(s.name) && s.output);
  const verdicts = verifies.map((s) => {
    const v = (s.output as any).verify;
    return { at: s.exitedAt ?? s.enteredAt, decision: v.decision as string, reason: v.reason as string };
  });
  const rollbackDone = [...result.steps].reverse().find((s) => s.name === 'Rollback' && s.status === 'SUCCEEDED')?.exitedAt;
  const snapshot = Object.fromEntries(scenario.contactCenter.phoneNumbers.map((p) => [p.number, p.flow ?? null]));
  const apiCalls: Record<string, number> = {};
  for (const c of sim.callLog) apiCalls[c.operation] = (apiCalls[c.operation] ?? 0) + 1;

  const run: RehearsalRun = {
    scenario: scenario.name,
    outcome,
    expected: scenario.expect?.outcome ?? null,
    reason: finalOutput?.reason ?? result.cause ?? '',
    finalAssociations: pick(sim.associations(), Object.keys(snapshot)),
    snapshot,
    steps,
    breachToRollbackSeconds: breachToRollback(scenario, result, sim.clock.cutoverAt, rollbackDone),
    writeCalls: sim.writeCalls(),
    transitions: result.transitions,
    largestStatePayloadBytes: result.largestStatePayloadBytes,
    historyEvents: result.historyEvents,
    verdicts,
    approver,
    simulatedSeconds: Math.round((sim.clock.now().getTime() - startedAt.getTime()) / 1000),
    apiCalls,
    evidence: undefined as unknown as EvidenceRecord,
    ...(scenario.runbook.cutoverMode === 'carrierHook'
      ? { carrier: { mode: 'carrierHook' as const, routing: Object.fromEntries(sim.carrier.routing), calls: [...sim.carrier.calls] } }
      : scenario.runbook.cutoverMode === 'manualConfirmation'
        ? { carrier: { mode: 'manualConfirmation' as const, confirmations: [...confirmations] } }
        : {}),
    ...(decommission && decommissionStartedAt
      ? { decommission: decommissionRunOf(scenario, decommission, decommissionStartedAt, sim) }
      : {}),
  };
  (run as { evidence: EvidenceRecord }).evidence = evidenceOf(scenario, run, result, startedAt, sim.clock.now(), sim.clock.cutoverAt);
  return run;
}

/**
 * The synthesized DynamoDB tables as the simulator creates them: named as the folded `Ref` names them (the
 * logical id, or TableName when set), with their key schema (partition key first). Undefined without tables.
 */
export function dynamoTablesOf(template: Template): Record<string, string[]> | undefined {
  const tables: Record<string, string[]> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const keySchema = (resource.Properties?.KeySchema ?? []) as Array<{ AttributeName: string; KeyType: string }>;
    const name = typeof resource.Properties?.TableName === 'string' ? resource.Properties.TableName : id;
    tables[name] = [...keySchema].sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0)).map((k) => k.AttributeName);
  }
  return Object.keys(tables).length > 0 ? tables : undefined;
}

let iamWarningPrinted = false;
/** Once per process: a rehearsal without IAM evaluation is kinder than AWS, and must say so. */
function warnIamUnchecked(): void {
  if (iamWarningPrinted) return;
  iamWarningPrinted = true;
  process.stderr.write(
    'connect-golive: IAM is NOT checked in this rehearsal: the optional peer dependency @cloud-copilot/iam-simulate' +
      ' (AGPL-3.0-or-later) is not installed; `npm install --save-dev @cloud-copilot/iam-simulate` to evaluate every call against' +
      ' the synthesized policies\n',
  );
}

/** Answers a task token the way the scenario says the human does. */
async function answer(
  request: TokenRequest,
  scenario: Scenario,
  clock: { advance(s: number): void; now(): Date },
  timeouts: { approval: number; carrierConfirmation: number },
  setApprover: (a: string) => void,
  confirmed: (c: { kind: string; answer: string; at: string }) => void,
): Promise<unknown> {
  const approvalTimeout = timeouts.approval;
  const kind = request.payload?.kind as string;
  const at = () => new Date().toISOString();
  if (kind === 'approval') {
    const a = scenario.approval;
    if (a.decision === 'timeout') {
      clock.advance(approvalTimeout);
      throw named('States.Timeout', 'no approval before the approval timeout');
    }
    clock.advance(120); // the approver reads the readiness report
    setApprover(a.approver);
    if (a.decision === 'reject') throw named('ApprovalRejected', a.reason ?? `rejected by ${a.approver}`);
    return { decision: 'approve', approver: a.approver, attestations: a.attestations, at: at() };
  }
  if (kind === 'inconclusive') {
    const decision = scenario.inconclusiveDecision;
    if (decision === 'timeout') {
      clock.advance(1800);
      throw named('States.Timeout', 'no human decision before the timeout: rolling back');
    }
    clock.advance(60);
    return { decision, approver: scenario.approval.approver, at: at() };
  }
  // Carrier confirmations (manualConfirmation): the operator confirms the carrier ticket, or does not in time.
  const which = kind === 'carrier-rollback' ? 'rollback' : 'cutover';
  const reply = scenario.manualConfirmation?.[which] ?? 'confirm';
  if (reply === 'timeout') {
    clock.advance(timeouts.carrierConfirmation);
    confirmed({ kind, answer: 'timeout', at: clock.now().toISOString() });
    throw named('States.Timeout', `no carrier ${which} confirmation before the timeout`);
  }
  clock.advance(60); // the operator checks the carrier ticket
  confirmed({ kind, answer: 'confirmed', at: clock.now().toISOString() });
  return { decision: 'confirmed', approver: scenario.approval.approver, at: at() };
}

/** Verify polls and hypercare polls: the same handler, the same verdict shape. */
function isPoll(stateName: string): boolean {
  return stateName === 'Verify' || stateName === 'Hypercare';
}

function decommissionRunOf(scenario: Scenario, result: LocalRunResult, startedAt: Date, sim: Simulator): DecommissionRun {
  const outcome = result.status === 'SUCCEEDED' ? String(result.output?.outcome ?? 'UNKNOWN') : (result.error ?? 'UNKNOWN');
  const at = (iso: string) => Math.round((new Date(iso).getTime() - startedAt.getTime()) / 1000);
  const released = sim.state.released.map((r) => ({ number: r.number, at: r.at }));
  const output = result.status === 'SUCCEEDED' ? (result.output ?? null) : null;
  return {
    outcome,
    expected: scenario.decommission?.expect?.outcome ?? null,
    reason:
      result.status === 'SUCCEEDED'
        ? released.length > 0
          ? `point of no return recorded; UAT number ${released.map((r) => r.number).join(', ')} released`
          : `point of no return recorded; ${String(output?.uatNumber?.reason ?? 'no UAT number released')}`
        : (result.cause ?? ''),
    steps: result.steps.map((s) => ({
      name: s.name,
      status: s.status,
      at: s.enteredAt,
      atSeconds: at(s.enteredAt),
      ...(s.error ? { error: s.error } : {}),
    })),
    released,
    output,
  };
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** LIVE / DRY_RUN_OK from a Succeed output, or the Fail state's error. */
export function outcomeOf(result: LocalRunResult): string {
  if (result.status === 'SUCCEEDED') return String(result.output?.outcome ?? 'UNKNOWN');
  return result.error ?? 'UNKNOWN';
}

function lastOutput(steps: StepRecord[], name: string): any {
  return [...steps].reverse().find((s) => s.name === name && s.output)?.output;
}

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'scenario'
  );
}

/**
 * From the first moment the timeline breaches a threshold after cutover (what callers start to feel) to the
 * rollback completed. Null when nothing breached or nothing was rolled back.
 */
function breachToRollback(
  scenario: Scenario,
  result: LocalRunResult,
  cutoverAt: Date | null,
  rollbackDone: string | undefined,
): number | null {
  if (!cutoverAt || !rollbackDone) return null;
  const verifyOut: any = [...result.steps].reverse().find((s) => isPoll(s.name) && s.output)?.output;
  const settings = verifyOut?.run?.verification;
  if (!settings || verifyOut.verify?.decision !== 'ROLLBACK' || verifyOut.verify?.breachAtSeconds == null) return null;
  // MisconfiguredPhoneNumbers is judged against its own level before the cutover.
  const misconfiguredBefore = Math.max(0, ...scenario.timeline.filter((r) => r.atMinute < 0).map((r) => r.misconfiguredCalls ?? 0));
  const breaches = (row: Scenario['timeline'][number]) =>
    (row.misconfiguredCalls !== undefined && row.misconfiguredCalls > misconfiguredBefore) ||
    (row.abandonmentRate !== undefined && row.abandonmentRate > settings.maxAbandonmentRate) ||
    (row.contactsInQueue !== undefined && row.contactsInQueue > settings.maxContactsInQueue) ||
    (row.oldestContactAgeSeconds !== undefined && row.oldestContactAgeSeconds > settings.maxOldestContactAgeSeconds) ||
    (row.contactFlowErrors !== undefined && row.contactFlowErrors > settings.maxContactFlowErrors) ||
    (row.agentsAvailable !== undefined && row.agentsAvailable < settings.minAgentsAvailable) ||
    (row.avgHandleTimeSeconds !== undefined &&
      (row.avgHandleTimeSeconds > settings.maxAvgHandleTimeSeconds || row.avgHandleTimeSeconds < settings.minAvgHandleTimeSeconds));
  const row = [...scenario.timeline].sort((a, b) => a.atMinute - b.atMinute).find((r) => r.atMinute >= 0 && breaches(r));
  const breachMs = cutoverAt.getTime() + (row ? row.atMinute * 60 : verifyOut.verify.breachAtSeconds) * 1000;
  return Math.round((new Date(rollbackDone).getTime() - breachMs) / 1000);
}

const CHARTS: Array<{
  key: string;
  name: string;
  unit: string;
  scale?: number;
  threshold: (s: any) => { kind: 'max' | 'min'; value: number };
}> = [
  {
    key: 'abandonmentRate',
    name: 'Abandonment rate',
    unit: '%',
    scale: 100,
    threshold: (s) => ({ kind: 'max', value: s.maxAbandonmentRate * 100 }),
  },
  {
    key: 'avgHandleTimeSeconds',
    name: 'Average handle time',
    unit: 's',
    threshold: (s) => ({ kind: 'max', value: s.maxAvgHandleTimeSeconds }),
  },
  { key: 'contactsInQueue', name: 'Contacts in queue', unit: 'contacts', threshold: (s) => ({ kind: 'max', value: s.maxContactsInQueue }) },
  {
    key: 'oldestContactAgeSeconds',
    name: 'Oldest contact age',
    unit: 's',
    threshold: (s) => ({ kind: 'max', value: s.maxOldestContactAgeSeconds }),
  },
  { key: 'agentsAvailable', name: 'Agents available', unit: 'agents', threshold: (s) => ({ kind: 'min', value: s.minAgentsAvailable }) },
  {
    key: 'contactFlowErrors',
    name: 'Contact flow errors',
    unit: 'errors',
    threshold: (s) => ({ kind: 'max', value: s.maxContactFlowErrors }),
  },
];

function evidenceOf(
  scenario: Scenario,
  run: RehearsalRun,
  result: LocalRunResult,
  startedAt: Date,
  endedAt: Date,
  cutoverAt: Date | null,
): EvidenceRecord {
  const verifies = result.steps.filter((s) => isPoll(s.name) && s.output);
  const settings = (verifies[0]?.output as any)?.run?.verification;
  const metrics: EvidenceMetric[] = settings
    ? CHARTS.map((c) => ({
        name: c.name,
        unit: c.unit,
        threshold: c.threshold(settings),
        points: verifies.map((s) => {
          const v = (s.output as any).verify?.sample?.[c.key];
          return { at: s.exitedAt ?? s.enteredAt, value: typeof v === 'number' ? v * (c.scale ?? 1) : null };
        }),
      }))
    : [];
  const rollbackAt = result.steps.find((s) => s.name === 'Rollback')?.enteredAt;
  const approvalStep = result.steps.find((s) => s.name === 'ApprovalGate');
  return {
    title: `Rehearsal: ${scenario.name}`,
    changeId: typeof (scenario.input as any)?.changeId === 'string' ? (scenario.input as any).changeId : '(none)',
    outcome: run.outcome,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    // The loop's plumbing (VerifyDecision, WaitForNextPoll) adds nothing to the evidence: each Verify poll and its
    // verdict stays.
    steps: result.steps
      .filter((s) => !['VerifyDecision', 'WaitForNextPoll', 'HypercareDecision', 'WaitForHypercarePoll'].includes(s.name))
      .map((s) => ({
        name: s.name,
        status: s.status === 'SUCCEEDED' ? 'succeeded' : s.status === 'RUNNING' ? 'running' : 'failed',
        at: s.enteredAt,
        ...(s.error
          ? { detail: s.error }
          : isPoll(s.name) && s.output
            ? { detail: `${(s.output as any).verify.decision}: ${(s.output as any).verify.reason}` }
            : {}),
      })),
    ...(approvalStep
      ? {
          approval: {
            approver: run.approver ?? '',
            attestations: scenario.approval.decision === 'approve' ? scenario.approval.attestations : [],
            at: approvalStep.exitedAt ?? approvalStep.enteredAt,
            decision: scenario.approval.decision,
          },
        }
      : {}),
    snapshot: Object.entries(run.snapshot).map(([phoneNumber, flow]) => ({ phoneNumber, flow })),
    finalAssociations: run.finalAssociations,
    ...(cutoverAt ? { cutoverAt: cutoverAt.toISOString() } : {}),
    ...(rollbackAt ? { rollbackAt } : {}),
    metrics,
    verdicts: run.verdicts,
    lines: settings
      ? serviceLinesOf(
          verifies.map((s) => ({ at: new Date(s.exitedAt ?? s.enteredAt), verify: (s.output as any).verify ?? {} })),
          settings,
        )
      : [],
  };
}

/** Writes the run's HTML evidence report into `dir`; returns its path. */
export function writeReport(run: RehearsalRun, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug(run.scenario)}.html`);
  fs.writeFileSync(file, renderEvidenceReport(run.evidence), 'utf8');
  run.reportPath = file;
  return file;
}

/** The shipped scenario files, in name order. */
export function shippedScenarios(dir = SCENARIOS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** One finished scenario of {@link rehearseFiles}. */
export interface FileResult {
  readonly file: string;
  readonly run: RehearsalRun;
  readonly wallMs: number;
}

/**
 * Rehearses scenario files one after another (each with a fresh simulator), printing progress through `print`
 * and writing an HTML report per scenario into `reportDir` when given.
 */
export async function rehearseFiles(
  files: readonly string[],
  options: { reportDir?: string; print?: (line: string) => void; trace?: string } = {},
): Promise<FileResult[]> {
  const print = options.print ?? (() => undefined);
  // One trace file for the whole series: the scenarios' requests follow each other in the order they ran.
  const trace = options.trace !== undefined ? traceFile(options.trace) : undefined;
  try {
    return await rehearseEach(files, print, options.reportDir, trace?.sink);
  } finally {
    trace?.close();
  }
}

async function rehearseEach(
  files: readonly string[],
  print: (line: string) => void,
  reportDir: string | undefined,
  trace: TraceSink | undefined,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const file of files) {
    const scenario = loadScenario(file);
    print(`\n▶ ${scenario.name}  (${path.basename(file)})${scenario.expect ? `  expect ${scenario.expect.outcome}` : ''}`);
    const verdict: { value?: string } = {};
    const t0 = Date.now();
    const run = await rehearseScenario(scenario, {
      ...(trace ? { trace } : {}),
      onStep: (step, event, clock) => {
        if (event !== 'exited') return;
        const line = progressLine(step, clock.startedAt, verdict);
        if (line) print(line);
      },
    });
    const wallMs = Date.now() - t0;
    if (reportDir) writeReport(run, reportDir);
    print(`  = ${run.outcome}: ${run.reason}`);
    if (run.decommission) print(`  = decommission ${run.decommission.outcome}: ${run.decommission.reason}`);
    results.push({ file, run, wallMs });
  }
  return results;
}

/** The CLI's `rehearse --scenario FILE`: one scenario (default: the healthy go-live). */
export async function runRehearsal(options: {
  scenario?: string;
  report?: string;
  print?: (line: string) => void;
  trace?: string;
}): Promise<Omit<RehearsalRun, 'evidence'>> {
  const file = options.scenario ?? path.join(SCENARIOS_DIR, 'healthy-go-live.json');
  const [{ run }] = await rehearseFiles([file], { reportDir: options.report, print: options.print, trace: options.trace });
  return withoutEvidence(run);
}

/** The CLI's `rehearse` without --scenario (`npm run rehearse`): every shipped scenario, then the summary. */
export async function rehearseAll(options: { report?: string; print?: (line: string) => void; files?: readonly string[]; trace?: string }) {
  const results = await rehearseFiles(options.files ?? shippedScenarios(), {
    reportDir: options.report,
    print: options.print,
    trace: options.trace,
  });
  const table = summaryTable(
    results.map(({ run, wallMs }) => ({
      scenario: run.scenario,
      outcome: run.outcome,
      expected: run.expected,
      breachToRollbackSeconds: run.breachToRollbackSeconds,
      simulatedSeconds: run.simulatedSeconds,
      wallMs,
    })),
  );
  const unexpected = results
    .filter(
      ({ run }) =>
        (run.expected !== null && run.expected !== run.outcome) ||
        (run.decommission?.expected != null && run.decommission.expected !== run.decommission.outcome),
    )
    .map(({ run }) => run.scenario);
  return { results: results.map(({ run }) => withoutEvidence(run)), table, unexpected };
}

function withoutEvidence(run: RehearsalRun): Omit<RehearsalRun, 'evidence'> {
  const { evidence: _evidence, ...rest } = run;
  return rest;
}
