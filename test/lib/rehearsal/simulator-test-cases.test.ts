/**
 * The simulated test-case APIs answer as Connect documents them, driven by the real SDK client: 5 executions run at
 * once and the rest wait INITIATED, the queue holds 100 (then ServiceQuotaExceededException, HTTP 402), a failing
 * observation times out after 5 minutes, and a routing proof passes only when its number reaches its target flow.
 */
import {
  AccessDeniedException,
  AssociatePhoneNumberContactFlowCommand,
  ConnectClient,
  GetTestCaseExecutionSummaryCommand,
  InvalidRequestException,
  ListTestCaseExecutionRecordsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartTestCaseExecutionCommand,
} from '@aws-sdk/client-connect';
import type { Scenario } from '../../../lib/rehearsal/scenario';
import {
  flowIdFor,
  INSTANCE_ID,
  phoneNumberIdFor,
  type SimTestCase,
  type Simulator,
  startSimulator,
  testCaseArn,
  testCaseIdFor,
} from '../../../lib/rehearsal/simulator';
import { baseScenario, clientConfig, T0 } from './fixtures';

let sim: Simulator;
let connect: ConnectClient;

const testCase = (logicalId: string, kind: SimTestCase['kind'], destination: string, extra: Partial<SimTestCase> = {}): SimTestCase => ({
  id: testCaseIdFor(logicalId),
  arn: testCaseArn(logicalId),
  name: logicalId,
  kind,
  serviceLine: 'all',
  destination,
  status: 'PUBLISHED',
  ...extra,
});
const UAT = testCase('Uat', 'uat', '+14155550199');
const PROOF = testCase('Proof', 'routingProof', '+18005550100');

async function start(testCases: SimTestCase[], scenario: Scenario = baseScenario()): Promise<void> {
  sim = await startSimulator(scenario, { startAt: T0, rateLimits: false, latencyMs: 0, testCases });
  connect = new ConnectClient(clientConfig(sim.endpoint));
}
const run = (t: SimTestCase, token?: string) =>
  connect.send(new StartTestCaseExecutionCommand({ InstanceId: INSTANCE_ID, TestCaseId: t.id, ...(token ? { ClientToken: token } : {}) }));
const summary = (t: SimTestCase, id: string) =>
  connect.send(new GetTestCaseExecutionSummaryCommand({ InstanceId: INSTANCE_ID, TestCaseId: t.id, TestCaseExecutionId: id }));
const later = (seconds: number) => sim.clock.advance(seconds);

afterEach(async () => {
  connect?.destroy();
  await sim?.close();
});

describe('StartTestCaseExecution and GetTestCaseExecutionSummary', () => {
  test('a passing UAT execution runs 60 simulated seconds, then reports PASSED with its observations', async () => {
    await start([UAT]);
    const started = await run(UAT);
    expect(started.Status).toBe('IN_PROGRESS');
    later(59);
    expect((await summary(UAT, started.TestCaseExecutionId!)).Status).toBe('IN_PROGRESS');
    later(1);
    const done = await summary(UAT, started.TestCaseExecutionId!);
    expect(done).toMatchObject({
      Status: 'PASSED',
      ObservationSummary: { TotalObservations: 2, ObservationsPassed: 2, ObservationsFailed: 0 },
    });
    expect(done.EndTime!.getTime() - done.StartTime!.getTime()).toBe(60_000);
  });

  test('the same ClientToken returns the same execution', async () => {
    await start([UAT]);
    const a = await run(UAT, 'token-1');
    const b = await run(UAT, 'token-1');
    expect(b.TestCaseExecutionId).toBe(a.TestCaseExecutionId);
  });

  test('at most 5 run at once: the sixth waits INITIATED until a slot frees', async () => {
    await start([UAT]);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await run(UAT)).TestCaseExecutionId!);
    expect((await summary(UAT, ids[4])).Status).toBe('IN_PROGRESS');
    expect((await summary(UAT, ids[5])).Status).toBe('INITIATED');
    later(60);
    expect((await summary(UAT, ids[5])).Status).toBe('IN_PROGRESS');
    later(60);
    expect((await summary(UAT, ids[5])).Status).toBe('PASSED');
  });

  test('the queue holds 100 executions, running ones included: the 101st is ServiceQuotaExceededException (402)', async () => {
    await start([UAT]);
    for (let i = 0; i < 100; i++) await run(UAT);
    const err = await run(UAT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceQuotaExceededException);
    expect((err as ServiceQuotaExceededException).$metadata.httpStatusCode).toBe(402);
  });

  test('a routing proof to a number still on its old flow fails after the 5-minute timeout, with a failed observation', async () => {
    await start([PROOF]);
    const started = await run(PROOF);
    later(60);
    expect((await summary(PROOF, started.TestCaseExecutionId!)).Status).toBe('IN_PROGRESS');
    later(240);
    expect((await summary(PROOF, started.TestCaseExecutionId!)).Status).toBe('FAILED');
    const records = await connect.send(
      new ListTestCaseExecutionRecordsCommand({
        InstanceId: INSTANCE_ID,
        TestCaseId: PROOF.id,
        TestCaseExecutionId: started.TestCaseExecutionId!,
        Status: 'FAILED',
      }),
    );
    expect(records.ExecutionRecords?.map((r) => r.ObservationId)).toEqual(['Greeting']);
    expect(records.ExecutionRecords?.[0].Record).toContain('reaches LegacyBridge, not its target flow Main');
  });

  test('a routing proof passes once the number is associated with its target flow', async () => {
    await start([PROOF]);
    await connect.send(
      new AssociatePhoneNumberContactFlowCommand({
        InstanceId: INSTANCE_ID,
        PhoneNumberId: phoneNumberIdFor('+18005550100'),
        ContactFlowId: flowIdFor('Main'),
      }),
    );
    const started = await run(PROOF);
    later(60);
    expect((await summary(PROOF, started.TestCaseExecutionId!)).Status).toBe('PASSED');
  });

  test('scenario testCases.uat "fail" makes the line fail even when the number is fine', async () => {
    await start([UAT], baseScenario({ testCases: { uat: { all: 'fail' } } }));
    const started = await run(UAT);
    later(300);
    expect((await summary(UAT, started.TestCaseExecutionId!)).Status).toBe('FAILED');
  });

  test('testCases.available false answers AccessDeniedException (403)', async () => {
    await start([UAT], baseScenario({ testCases: { available: false } }));
    const err = await run(UAT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect((err as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
  });

  test('rejects an unknown test case (404) and one that is only SAVED (InvalidRequestException)', async () => {
    const saved = testCase('Saved', 'uat', '+14155550199', { status: 'SAVED' });
    await start([saved]);
    await expect(run(UAT)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(run(saved)).rejects.toBeInstanceOf(InvalidRequestException);
  });
});
