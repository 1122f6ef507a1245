/**
 * Section 3: what one go-live costs, counted by the local runner on the healthy-go-live scenario with the default
 * settings (a 30-minute observation window): Step Functions state transitions and their price, Lambda
 * invocations, and the API calls each verification poll makes.
 */
import * as path from 'path';
import { DEFAULT_VERIFICATION, DEFAULT_VERIFICATION_BOUNDS } from '../lambda/core/defaults';
import { executeOnce, outcomeOf, SCENARIOS_DIR, synthesizeForScenario } from '../lib/rehearsal/runner';
import { loadScenario } from '../lib/rehearsal/scenario';
import { runbookFromTemplate } from '../lib/rehearsal/template';
import { Figure, Print, SectionResult, table } from './format';

export const TARGET_TRANSITIONS = 400;
/** Standard workflows, us-east-1, per state transition. @see https://aws.amazon.com/step-functions/pricing/ */
export const USD_PER_TRANSITION = 0.025 / 1000;
/** The states of the verification loop: one pass of it is one poll. */
const LOOP_STATES = ['Verify', 'VerifyDecision', 'WaitForNextPoll'];

export async function benchGoLiveCost(print: Print): Promise<SectionResult> {
  const scenario = loadScenario(path.join(SCENARIOS_DIR, 'healthy-go-live.json'));
  const template = synthesizeForScenario(scenario);
  const states: Record<string, { Type: string; Resource?: string }> = runbookFromTemplate(template).definition.States;
  // Lambda-backed: plain invokes and the .waitForTaskToken ones (their notify call); read from the definition so a
  // new task is counted without touching this file.
  const lambdaStates = new Set(
    Object.entries(states)
      .filter(([, s]) => s.Type === 'Task' && /^arn:aws:(lambda:|states:::lambda:invoke)/.test(s.Resource ?? ''))
      .map(([name]) => name),
  );

  const rehearsal = await executeOnce(scenario, { template });
  const { result } = rehearsal;
  const outcome = outcomeOf(result);
  const steps = result.steps;
  const transitions = result.transitions;
  const polls = steps.filter((s) => s.name === 'Verify');
  const loopTransitions = steps.filter((s) => LOOP_STATES.includes(s.name)).length;
  const invoked = steps.filter((s) => lambdaStates.has(s.name));
  const invocationsByState = countBy(invoked.map((s) => s.name));
  // Handlers run one at a time in this runbook, so a call belongs to the Verify poll whose time span holds it:
  // [entered, exited), as the next task's first call can arrive at the instant Verify was left (Choice and Pass
  // states take no simulated time).
  const pollCalls = rehearsal.sim.callLog.filter((c) => {
    const at = Date.parse(c.at);
    return polls.some((p) => at >= Date.parse(p.enteredAt) && p.exitedAt !== undefined && at < Date.parse(p.exitedAt));
  });
  const callsByOperation = countBy(pollCalls.map((c) => `${c.operation} (${c.service})`));
  const perPoll = (n: number) => n / polls.length;
  const connectPerPoll = perPoll(pollCalls.filter((c) => c.service === 'connect').length);
  const price = transitions * USD_PER_TRANSITION;
  print(
    `  ${outcome}: ${transitions} transitions, ${polls.length} polls, ${invoked.length} Lambda invocations, ` +
      `${connectPerPoll.toFixed(2)} Connect calls per poll`,
  );

  const figures: Figure[] = [
    {
      name: `State transitions, one go-live (healthy, ${DEFAULT_VERIFICATION.observationWindowSeconds / 60}-min window)`,
      value: `${transitions} (${outcome})`,
      target: `≤ ${TARGET_TRANSITIONS}`,
      met: transitions <= TARGET_TRANSITIONS,
    },
    { name: 'Step Functions price, one go-live (Standard, us-east-1, free tier ignored)', value: `$${price.toFixed(4)}` },
    { name: 'Lambda invocations, one go-live', value: String(invoked.length) },
    { name: 'Connect API calls per verification poll', value: connectPerPoll.toFixed(2) },
  ];

  const interval = DEFAULT_VERIFICATION.pollIntervalSeconds;
  const window = DEFAULT_VERIFICATION.observationWindowSeconds;
  const fastest = DEFAULT_VERIFICATION_BOUNDS.pollIntervalSeconds.min;
  const markdown = [
    '`scenarios/healthy-go-live.json` (3 numbers, metrics healthy throughout) with the default settings: a ' +
      `${window / 60}-minute observation window polled every ${interval} s. Transitions are the states entered, ` +
      'counted by the local runner, which is what Step Functions bills for a Standard workflow. Price at ' +
      `$0.025 per 1,000 state transitions (Standard workflows, us-east-1), ignoring the free tier (4,000 ` +
      'transitions a month); Lambda, CloudWatch and SNS charges are not included.',
    '',
    table(
      ['', 'count'],
      [
        ['outcome', outcome],
        ['state transitions', String(transitions)],
        [
          `  of which the verification loop (${LOOP_STATES.join(' + ')})`,
          `${loopTransitions} (${polls.length} polls × ${LOOP_STATES.length}, the last poll leaves the loop)`,
        ],
        ['  of which the rest of the run', String(transitions - loopTransitions)],
        ['price at Standard-workflow rates', `$${price.toFixed(4)}`],
        [
          'Lambda invocations',
          `${invoked.length}: ${Object.entries(invocationsByState)
            .map(([n, c]) => `${n} ${c}`)
            .join(', ')}`,
        ],
        ['verification polls', String(polls.length)],
      ],
    ),
    '',
    'API calls per verification poll (calls made while a Verify state ran, divided by the number of polls):',
    '',
    table(
      ['operation (service)', 'calls', 'per poll'],
      Object.entries(callsByOperation)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => [op, String(n), perPoll(n).toFixed(2)]),
    ),
    '',
    `Connect API calls per poll: ${connectPerPoll.toFixed(2)} (GetCurrentMetricData for queue size, oldest contact ` +
      'and free agents; GetMetricDataV2 twice, for the trailing-window rates and for the contacts since cutover); ' +
      'besides them each poll reads CloudWatch (GetMetricData, ' +
      'contact flow errors) and DynamoDB (GetItem, the operator-abort check), and publishes to SNS only when the ' +
      'decision changes. The loop dominates the bill: each poll costs ' +
      `${LOOP_STATES.length} transitions, so transitions ≈ ${transitions - loopTransitions} + ${LOOP_STATES.length} × ` +
      `window / poll interval; the fastest allowed interval (${fastest} s) would cost about ` +
      `${transitions - loopTransitions + LOOP_STATES.length * Math.ceil(window / fastest)} transitions.`,
  ].join('\n');
  return { title: '3. Cost of one go-live', figures, markdown };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
