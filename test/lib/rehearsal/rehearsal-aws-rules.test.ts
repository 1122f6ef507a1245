/**
 * The whole rehearsal (synthesized runbook, real handlers, simulator) under the AWS rules of issue 9, part 3: a
 * never-published flow, API quotas shared with other callers, and the request trace of `rehearse --trace`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario, type Scenario } from '../../../lib/rehearsal/scenario';
import {
  dynamoTablesOf,
  executeOnce,
  openRehearsal,
  outcomeOf,
  rehearseScenario,
  SCENARIOS_DIR,
  synthesizeForScenario,
} from '../../../lib/rehearsal/runner';
import type { TraceRecord } from '../../../lib/rehearsal/simulator';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig } from './fixtures';

jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-aws-rules-'));

function readTrace(file: string): TraceRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TraceRecord);
}

test('a never-published target flow: DescribeContactFlow answers 404 ContactFlowNotPublishedException, the run ends ABORTED naming the flow', async () => {
  const file = join(dir, 'flow-not-published.jsonl');

  const run = await rehearseScenario(loadScenario(join(SCENARIOS_DIR, 'flow-not-published.json')), { trace: file });

  expect(run.outcome).toBe('ABORTED');
  expect(run.reason).toContain('flow Main not published');
  expect(run.writeCalls).toEqual([]);
  const describes = readTrace(file).filter((r) => r.operation === 'DescribeContactFlow');
  expect(describes).toEqual([expect.objectContaining({ service: 'connect', method: 'GET', status: 404 })]);
});

describe('API quotas shared with other callers', () => {
  /** A 12-number wave: more than AssociatePhoneNumberContactFlow's burst of 5, so the steady rate matters. */
  function wave(otherCallers?: Record<string, number>): Scenario {
    const raw = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'healthy-go-live.json'), 'utf8'));
    raw.name = `wave of 12, other callers ${JSON.stringify(otherCallers ?? {})}`;
    raw.contactCenter.phoneNumbers = Array.from({ length: 12 }, (_, i) => ({
      number: `+1800555${String(200 + i).padStart(4, '0')}`,
      flow: 'LegacyBridge',
      targetFlow: 'Main',
    }));
    if (otherCallers) raw.contactCenter.otherCallersRequestsPerSecond = otherCallers;
    delete raw.expect;
    return parseScenario(raw);
  }
  const associateCalls = (log: ReadonlyArray<{ operation: string; status: number | null }>) =>
    log.filter((c) => c.operation === 'AssociatePhoneNumberContactFlow');

  test('alone, the paced cutover never meets a throttle and goes LIVE', async () => {
    const { result, sim } = await executeOnce(wave());

    expect(outcomeOf(result)).toBe('LIVE');
    expect(associateCalls(sim.callLog).filter((c) => c.status === 429)).toEqual([]);
    expect(Object.values(sim.associations()).filter((f) => f === 'Main')).toHaveLength(13); // 12 + the UAT number
  });

  test('with other callers taking 1.5 of its 2 requests/s, the cutover is throttled, backs off and still converges: LIVE', async () => {
    const file = join(dir, 'quota.jsonl');
    const { result, sim } = await executeOnce(wave({ AssociatePhoneNumberContactFlow: 1.5 }), { trace: file });

    const calls = associateCalls(sim.callLog);
    const throttled = calls.filter((c) => c.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // Throttled calls back off and try again (lambda/shared/connect.ts): the wave converges on the smaller budget.
    expect(outcomeOf(result)).toBe('LIVE');
    const scenario = wave();
    for (const p of scenario.contactCenter.phoneNumbers) expect(sim.associations()[p.number]).toBe('Main');
    // The trace shows the throttled requests with the status they were answered.
    const traced = readTrace(file).filter((r) => r.operation === 'AssociatePhoneNumberContactFlow');
    expect(traced.map((r) => r.status)).toEqual(calls.map((c) => c.status));
    expect(traced.filter((r) => r.status === 429)).toHaveLength(throttled.length);
    expect(traced[0]).toMatchObject({ method: 'PUT', path: expect.stringMatching(/^\/phone-number\/[^/]+\/contact-flow$/) });
    expect(JSON.parse(traced[0].body)).toEqual({ InstanceId: expect.any(String), ContactFlowId: expect.any(String) });
  });
});

test("the simulator's DynamoDB holds exactly the synthesized tables, with their key schema", async () => {
  const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-go-live.json'));
  const template = synthesizeForScenario(scenario);

  const rehearsal = await openRehearsal(scenario, { template, unknownCaller: 'allow' });
  const ddb = new DynamoDBClient(clientConfig(rehearsal.sim.endpoint));
  try {
    expect(dynamoTablesOf(template)).toEqual({ [rehearsal.config.controlTableName]: ['pk'] });
    const get = (table: string) => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'LOCK' } } }));
    await expect(get(rehearsal.config.controlTableName)).resolves.toBeDefined();
    await expect(get('SomeOtherTable')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  } finally {
    ddb.destroy();
    await rehearsal.close();
  }
});
