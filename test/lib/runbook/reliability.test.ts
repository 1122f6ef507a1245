/**
 * One go-live at a time, and the operator abort, on the synthesized runbook with the real handlers against the
 * simulated contact center (issue: reliability and security).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { abortKey, snapshotKey } from '../../../lambda/core/control';
import { dynamodb } from '../../../lambda/shared/clients';
import { openRehearsal, OpenRehearsal, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { parseScenario, Scenario } from '../../../lib/rehearsal/scenario';
import { Template } from '../../../lib/rehearsal/template';

const NUMBERS = ['+18005550100', '+18005550101', '+18005550102'];
const STEADY = {
  atMinute: 0,
  queue: 'Support',
  abandonmentRate: 0.04,
  avgHandleTimeSeconds: 310,
  contactsInQueue: 3,
  oldestContactAgeSeconds: 25,
  contactsHandled: 40,
};
// A 5-minute window keeps these runs short; the behaviour under test does not depend on its length.
const INPUT = { changeId: 'CHG-77', verification: { observationWindowSeconds: 300 } };

function scenario(): Scenario {
  return parseScenario({
    name: 'reliability',
    contactCenter: {
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: NUMBERS.map((number) => ({ number, flow: 'LegacyBridge', targetFlow: 'Main' })),
    },
    input: INPUT,
    timeline: [STEADY],
  });
}

let template: Template;
let rehearsal: OpenRehearsal;
beforeAll(() => {
  template = synthesizeForScenario(scenario());
});
beforeEach(async () => {
  // requestAbort writes as the operator, whose credentials are not part of the synthesized template.
  rehearsal = await openRehearsal(scenario(), { template, unknownCaller: 'allow' });
});
afterEach(async () => {
  await rehearsal.close();
});
const names = (r: { result: { steps: { name: string }[] } }) => r.result.steps.map((s) => s.name);
const flows = () => rehearsal.sim.associations();
const requestAbort = (executionArn: string) =>
  dynamodb.send(
    new PutItemCommand({
      TableName: rehearsal.config.controlTableName,
      Item: { pk: { S: abortKey(executionArn) }, requestedBy: { S: 'ops' } },
    }),
  );

describe('one go-live at a time', () => {
  test('20 simultaneous starts: exactly one reaches Cutover; the others end ABORTED before reading the instance', async () => {
    // The winner's approver answers only once the 19 others have ended, so none can start after the winner ended
    // (on a loaded machine, a late start would otherwise find the lock free again and rightly run).
    let ended = 0;
    let othersEnded!: () => void;
    const allOthersEnded = new Promise<void>((resolve) => {
      othersEnded = resolve;
    });
    const approveLate = async () => {
      await allOthersEnded;
      return {
        decision: 'approve',
        approver: 'cab-chair',
        attestations: ['uat', 'training', 'bau', 'support'],
        at: new Date().toISOString(),
      };
    };
    const start = async (i: number) => {
      const run = await rehearsal.execute({ name: `start-${i}`, answerToken: approveLate });
      if (!names(run).includes('Cutover') && ++ended === 19) othersEnded();
      return run;
    };
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => start(i)));
    const cutover = runs.filter((r) => names(r).includes('Cutover'));
    expect(cutover).toHaveLength(1);
    expect(cutover[0].result.output.outcome).toBe('LIVE');
    const others = runs.filter((r) => r !== cutover[0]);
    for (const r of others) {
      expect(r.result.error).toBe('ABORTED');
      expect(names(r)).not.toContain('DeployCheck');
      expect(r.result.cause).toContain('another go-live is running on this runbook');
    }
    // One execution's worth of reads: the losers made no Connect call at all.
    expect(rehearsal.sim.callLog.filter((c) => c.operation === 'DescribeInstance')).toHaveLength(1);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'Main'])));
  });

  test('the lock is released at the end, so the next go-live can start', async () => {
    const first = await rehearsal.execute({ name: 'first' });
    expect(first.result.output.outcome).toBe('LIVE');
    const second = await rehearsal.execute({ name: 'second', input: { ...INPUT, changeId: 'CHG-78' } });
    expect(names(second)).toContain('Cutover');
    expect(rehearsal.sim.dynamoItems(rehearsal.config.controlTableName).filter((i) => i.pk.S === 'LOCK')).toEqual([]);
  });
});

describe('the lock never outlives its holder', () => {
  const DEAD = 'arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:died-uncatchably';
  const holdLock = (executionArn: string) =>
    dynamodb.send(
      new PutItemCommand({
        TableName: rehearsal.config.controlTableName,
        Item: {
          pk: { S: 'LOCK' },
          executionArn: { S: executionArn },
          changeId: { S: 'CHG-OLD' },
          acquiredAt: { S: '2030-01-15T01:00:00.000Z' },
          expiresAt: { N: String(Math.floor(Date.UTC(2030, 1, 1) / 1000)) },
        },
      }),
    );
  const lockOutput = (r: { result: { steps: Array<{ name: string; output?: unknown }> } }) =>
    (r.result.steps.find((s) => s.name === 'AcquireLock')?.output as { lock?: Record<string, unknown> } | undefined)?.lock;

  test('a holder that ended without releasing it (e.g. States.DataLimitExceeded): the next go-live takes it over', async () => {
    rehearsal.sim.executions.set(DEAD, { status: 'FAILED', startedAtMs: 0, stoppedAtMs: 1 });
    await holdLock(DEAD);
    const next = await rehearsal.execute({ name: 'next' });
    expect(next.result.output.outcome).toBe('LIVE');
    expect(lockOutput(next)).toMatchObject({ takenOverFrom: DEAD });
    expect(rehearsal.sim.callLog.filter((c) => c.operation === 'DescribeExecution')).toHaveLength(1);
  });

  test('a holder Step Functions does not know (ExecutionDoesNotExist) is taken over too', async () => {
    await holdLock(DEAD);
    const next = await rehearsal.execute({ name: 'next' });
    expect(next.result.output.outcome).toBe('LIVE');
    expect(lockOutput(next)).toMatchObject({ takenOverFrom: DEAD });
  });

  test('a holder that still runs keeps it: the newcomer ends ABORTED before reading the instance', async () => {
    rehearsal.sim.executions.set(DEAD, { status: 'RUNNING', startedAtMs: 0 });
    await holdLock(DEAD);
    const next = await rehearsal.execute({ name: 'next' });
    expect(next.result.error).toBe('ABORTED');
    expect(next.result.cause).toContain('another go-live is running on this runbook: CHG-OLD');
    expect(names(next)).not.toContain('DeployCheck');
    expect(rehearsal.sim.dynamoItems(rehearsal.config.controlTableName).find((i) => i.pk.S === 'LOCK')?.executionArn.S).toBe(DEAD);
  });
});

describe('abort', () => {
  test('during Verify: rolls back within one poll interval, every number back on its snapshot flow', async () => {
    let abortedAt: Date | undefined;
    let polls = 0;
    const run = await rehearsal.execute({
      name: 'abort-verify',
      onStep: (step, event, clock) => {
        if (step.name === 'Verify' && event === 'exited' && ++polls === 6 && !abortedAt) {
          abortedAt = clock.now;
          void requestAbort(`arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:abort-verify`);
        }
      },
    });
    expect(run.result.error).toBe('ROLLED_BACK');
    expect(run.result.cause).toContain('operator abort requested');
    const rollback = run.result.steps.find((s) => s.name === 'Rollback')!;
    const seconds = (new Date(rollback.enteredAt).getTime() - abortedAt!.getTime()) / 1000;
    // The next poll sees the request: one poll interval (15 s) plus that poll's API calls (simulated latency).
    expect(seconds).toBeLessThanOrEqual(15 + 1);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'LegacyBridge'])));
  });

  test('a second abort is harmless: one rollback, same result', async () => {
    let sent = 0;
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:abort-twice';
    const run = await rehearsal.execute({
      name: 'abort-twice',
      onStep: (step, event) => {
        if (step.name === 'Verify' && event === 'exited' && sent < 2) {
          sent++;
          void requestAbort(arn);
        }
      },
    });
    expect(run.result.error).toBe('ROLLED_BACK');
    expect(run.result.steps.filter((s) => s.name === 'Rollback')).toHaveLength(1);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'LegacyBridge'])));
  });

  test('before cutover (pending approval answered with OperatorAbort): ABORTED, nothing changed', async () => {
    const run = await rehearsal.execute({
      name: 'abort-approval',
      answerToken: async () => {
        const e = new Error('operator abort by ops');
        e.name = 'OperatorAbort';
        throw e;
      },
    });
    expect(run.result.error).toBe('ABORTED');
    expect(rehearsal.sim.writeCalls()).toEqual([]);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'LegacyBridge'])));
  });

  test('an abort requested before Cutover starts moves no number', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:abort-early';
    await requestAbort(arn);
    const run = await rehearsal.execute({ name: 'abort-early' });
    expect(run.result.error).toBe('ROLLED_BACK');
    expect(rehearsal.sim.writeCalls()).toEqual([]);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'LegacyBridge'])));
  });

  test('re-running a rolled-back change (same changeId) starts cleanly from the recorded state', async () => {
    const first = await rehearsal.execute({
      name: 'rerun-1',
      onStep: (step, event) => {
        if (step.name === 'Verify' && event === 'exited')
          void requestAbort('arn:aws:states:us-east-1:123456789012:execution:GoLiveRunbook:rerun-1');
      },
    });
    expect(first.result.error).toBe('ROLLED_BACK');
    rehearsal.sim.clock.cutoverAt = null;
    const second = await rehearsal.execute({ name: 'rerun-2' });
    expect(second.result.output.outcome).toBe('LIVE');
    // The snapshot lives in the control table, one item per execution and batch: the re-run recorded the same flows.
    const snapshotOf = (executionArn: string) =>
      JSON.parse(
        String(
          rehearsal.sim.dynamoItems(rehearsal.config.controlTableName).find((i) => i.pk.S === snapshotKey(executionArn, 0))!.numbers.S,
        ),
      ) as Array<{ snapshotFlowId: string | null }>;
    const second1 = snapshotOf(second.executionArn).map((n) => n.snapshotFlowId);
    expect(second1).toEqual(snapshotOf(first.executionArn).map((n) => n.snapshotFlowId));
    expect(new Set(second1).size).toBe(1);
    expect(flows()).toEqual(Object.fromEntries(NUMBERS.map((n) => [n, 'Main'])));
  });
});
