/**
 * The rehearsal's side of DeployCheck's go-live readiness (issue 12 items 3–6): the simulated APIs answered with AWS's
 * wire shapes and rules by the real SDK clients, the scenario keys that configure them, and the shipped scenarios.
 */
import {
  ConnectClient,
  DescribeQueueCommand,
  GetCurrentUserDataCommand,
  GetEffectiveHoursOfOperationsCommand,
  InvalidParameterException,
  ListAgentStatusesCommand,
} from '@aws-sdk/client-connect';
import { GetServiceQuotaCommand, NoSuchResourceException, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import * as path from 'node:path';
import { loadScenario, parseScenario, ScenarioError, type Scenario } from '../../../lib/rehearsal/scenario';
import { rehearseScenario, synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { INSTANCE_ARN, INSTANCE_ID, phoneNumberIdFor, queueIdFor, type Simulator, startSimulator } from '../../../lib/rehearsal/simulator';
import { permissionsFor } from '../../../lib/rehearsal/simulator/iam';
import { T0, clientConfig } from './fixtures';

const SUPPORT = queueIdFor('Support');
const SALES = queueIdFor('Sales');

function scenario(queues: unknown[], extra: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'go-live readiness',
    contactCenter: {
      queues,
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: [
        { number: '+18005550100', flow: 'LegacyBridge', targetFlow: 'Main', queues: ['Sales'] },
        { number: '+18005550101', flow: 'LegacyBridge', targetFlow: 'Main' },
      ],
      uatPhoneNumber: { number: '+18005550150', flow: 'Main' },
      ...extra,
    },
    input: { changeId: 'CHG-1' },
  });
}

let sim: Simulator;
const clients: Array<{ destroy(): void }> = [];
async function start(s: Scenario) {
  sim = await startSimulator(s, { startAt: T0, rateLimits: false });
  const connect = new ConnectClient(clientConfig(sim.endpoint));
  const quotas = new ServiceQuotasClient(clientConfig(sim.endpoint));
  clients.push(connect, quotas);
  return { connect, quotas };
}
afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await sim?.close();
});

describe('GetCurrentUserData and ListAgentStatuses', () => {
  test("answer a queue's roster: statuses by reference, their types from ListAgentStatuses, free voice slots", async () => {
    const { connect } = await start(
      scenario([
        {
          name: 'Support',
          agents: [
            { status: 'Available', count: 2 },
            { status: 'Break', count: 1 },
            { status: 'Offline', count: 1 },
          ],
        },
        { name: 'Sales', agentsOnline: 3, agentsAvailable: 1 },
      ]),
    );
    const out = await connect.send(new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT, SALES] } }));
    const statuses = await connect.send(new ListAgentStatusesCommand({ InstanceId: INSTANCE_ID, MaxResults: 100 }));
    const typeOf = new Map(statuses.AgentStatusSummaryList!.map((s) => [s.Arn, s.Type]));
    const users = out.UserDataList!.map((u) => [u.Status!.StatusName, typeOf.get(u.Status!.StatusArn), u.AvailableSlotsByChannel!.VOICE]);
    expect(users).toEqual([
      ['Available', 'ROUTABLE', 1],
      ['Available', 'ROUTABLE', 1],
      ['Break', 'CUSTOM', 1],
      ['Offline', 'OFFLINE', 0],
      // Sales has no roster: its counts (1 available, 2 more online on a call).
      ['Available', 'ROUTABLE', 1],
      ['Available', 'ROUTABLE', 0],
      ['Available', 'ROUTABLE', 0],
    ]);
    expect(new Set(out.UserDataList!.map((u) => u.User!.Id)).size).toBe(7);
    expect(out.ApproximateTotalCount).toBe(7);
    // The roster and the real-time counts agree.
    expect(sim.state.queues[0]).toMatchObject({ agentsOnline: 3, agentsAvailable: 2 });
  });

  test('pages by MaxResults, and rejects what AWS rejects: two filter kinds, over 100 queues, MaxResults over 100', async () => {
    const { connect } = await start(scenario([{ name: 'Support', agentsOnline: 5, agentsAvailable: 5 }, { name: 'Sales' }]));
    const page1 = await connect.send(
      new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT] }, MaxResults: 3 }),
    );
    expect(page1.UserDataList).toHaveLength(3);
    const page2 = await connect.send(
      new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT] }, MaxResults: 3, NextToken: page1.NextToken }),
    );
    expect(page2.UserDataList).toHaveLength(2);
    expect(page2.NextToken).toBeUndefined();
    const bad = (input: object) =>
      connect.send(new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, ...input } as never)).catch((e: Error) => e);
    expect(await bad({ Filters: { Queues: [SUPPORT], RoutingProfiles: ['rp'] } })).toBeInstanceOf(InvalidParameterException);
    expect(await bad({ Filters: { Queues: Array.from({ length: 101 }, () => SUPPORT) } })).toBeInstanceOf(InvalidParameterException);
    expect(await bad({ Filters: { Queues: [SUPPORT] }, MaxResults: 101 })).toBeInstanceOf(InvalidParameterException);
  });
});

describe('DescribeQueue and GetEffectiveHoursOfOperations', () => {
  test("a queue's caller ID defaults to the first plan number landing in it, else the first plan number; null unsets it", async () => {
    const { connect } = await start(
      scenario([
        { name: 'Support' },
        { name: 'Sales' },
        { name: 'Billing', outboundCallerId: null },
        { name: 'Other', outboundCallerId: '+18005550150' },
      ]),
    );
    const callerId = async (name: string) =>
      (await connect.send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: queueIdFor(name) }))).Queue!.OutboundCallerConfig
        ?.OutboundCallerIdNumberId;
    expect(await callerId('Support')).toBe(phoneNumberIdFor('+18005550100'));
    expect(await callerId('Sales')).toBe(phoneNumberIdFor('+18005550100'));
    expect(await callerId('Billing')).toBeUndefined();
    expect(await callerId('Other')).toBe(phoneNumberIdFor('+18005550150'));
  });

  test('answers the weekly config per local date in the time zone; 24/7 without one; rejects a malformed date', async () => {
    const { connect } = await start(
      scenario([
        {
          name: 'Support',
          hoursOfOperation: { timeZone: 'Europe/Berlin', config: [{ day: 'MONDAY', start: '09:00', end: '17:30' }] },
        },
        { name: 'Sales' },
      ]),
    );
    const hoursOf = async (name: string) =>
      (await connect.send(new DescribeQueueCommand({ InstanceId: INSTANCE_ID, QueueId: queueIdFor(name) }))).Queue!.HoursOfOperationId!;
    const support = await connect.send(
      new GetEffectiveHoursOfOperationsCommand({
        InstanceId: INSTANCE_ID,
        HoursOfOperationId: await hoursOf('Support'),
        FromDate: '2026-03-01',
        ToDate: '2026-03-03',
      }),
    );
    expect(support.TimeZone).toBe('Europe/Berlin');
    expect(support.EffectiveHoursOfOperationList!.map((d) => [d.Date, d.OperationalHours])).toEqual([
      ['2026-03-01', []],
      ['2026-03-02', [{ Start: { Hours: 9, Minutes: 0 }, End: { Hours: 17, Minutes: 30 } }]],
      ['2026-03-03', []],
    ]);
    const sales = await connect.send(
      new GetEffectiveHoursOfOperationsCommand({
        InstanceId: INSTANCE_ID,
        HoursOfOperationId: await hoursOf('Sales'),
        FromDate: '2026-03-02',
        ToDate: '2026-03-02',
      }),
    );
    expect(sales.EffectiveHoursOfOperationList![0].OperationalHours).toEqual([
      { Start: { Hours: 0, Minutes: 0 }, End: { Hours: 0, Minutes: 0 } },
    ]);
    const bad = await connect
      .send(
        new GetEffectiveHoursOfOperationsCommand({
          InstanceId: INSTANCE_ID,
          HoursOfOperationId: await hoursOf('Sales'),
          FromDate: '2026-3-2',
          ToDate: '2026-03-02',
        }),
      )
      .catch((e: Error) => e);
    expect(bad).toBeInstanceOf(InvalidParameterException);
  });
});

describe('Service Quotas GetServiceQuota (awsJson1_1)', () => {
  test("answers the scenario's concurrent-calls quota for the instance, AWS's default 10 without one, and no other quota", async () => {
    const { quotas } = await start(scenario([{ name: 'Support' }, { name: 'Sales' }], { concurrentCallsQuota: 25 }));
    const out = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: 'L-12AB7C57', ContextId: INSTANCE_ARN }));
    expect(out.Quota).toMatchObject({
      Value: 25,
      QuotaName: 'Concurrent active calls per instance',
      QuotaContext: { ContextScope: 'RESOURCE', ContextId: INSTANCE_ARN },
    });
    const other = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: 'L-00000000' })).catch((e: Error) => e);
    expect(other).toBeInstanceOf(NoSuchResourceException);
    await sim.close();
    const fresh = await start(scenario([{ name: 'Support' }, { name: 'Sales' }]));
    expect((await fresh.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: 'L-12AB7C57' }))).Quota!.Value).toBe(
      10,
    );
  });

  test('IAM: each new operation maps to the resources the Service Authorization Reference names', () => {
    expect(
      permissionsFor('servicequotas', { operation: 'GetServiceQuota', input: { ServiceCode: 'connect', QuotaCode: 'L-12AB7C57' } }),
    ).toEqual([{ action: 'servicequotas:GetServiceQuota', resource: 'arn:aws:servicequotas:us-east-1:123456789012:connect/L-12AB7C57' }]);
    expect(
      permissionsFor('connect', { operation: 'GetCurrentUserData', input: { InstanceId: INSTANCE_ID, Filters: { Queues: [SUPPORT] } } }),
    ).toEqual([{ action: 'connect:GetCurrentUserData', resource: `${INSTANCE_ARN}/queue/${SUPPORT}` }]);
    expect(permissionsFor('connect', { operation: 'ListAgentStatuses', input: { InstanceId: INSTANCE_ID } })).toEqual([
      { action: 'connect:ListAgentStatuses', resource: `${INSTANCE_ARN}/agent-state/*` },
    ]);
    expect(
      permissionsFor('connect', {
        operation: 'GetEffectiveHoursOfOperations',
        input: { InstanceId: INSTANCE_ID, HoursOfOperationId: 'h-1' },
      }),
    ).toEqual([
      { action: 'connect:GetEffectiveHoursOfOperations', resource: `${INSTANCE_ARN}/operating-hours/h-1` },
      { action: 'connect:GetEffectiveHoursOfOperations', resource: INSTANCE_ARN },
    ]);
  });
});

describe('scenario keys', () => {
  const fails = (queues: unknown[], extra: Record<string, unknown> = {}, timeline: unknown[] = []) => {
    try {
      parseScenario({
        ...JSON.parse(
          JSON.stringify({
            name: 'x',
            contactCenter: { queues, flows: [{ name: 'Main' }], phoneNumbers: [{ number: '+18005550100', targetFlow: 'Main' }], ...extra },
            timeline,
          }),
        ),
      });
    } catch (e) {
      return (e as ScenarioError).message;
    }
    return 'parsed';
  };
  test('rejects counts that contradict the roster, a timeline moving a roster, a caller ID not claimed, a bad time zone', () => {
    expect(fails([{ name: 'Support', agentsOnline: 4, agents: [{ count: 2 }] }])).toBe(
      'scenario.contactCenter.queues[0].agentsOnline: must match the agents roster (2), got 4; give one or the other',
    );
    expect(fails([{ name: 'Support', agents: [{ count: 2 }] }], {}, [{ atMinute: 3, agentsAvailable: 0 }])).toBe(
      'scenario.timeline[0]: sets agent counts of queue "Support", whose agents roster is fixed (contactCenter.queues[0].agents)',
    );
    expect(fails([{ name: 'Support', outboundCallerId: '+18005550999' }])).toBe(
      'scenario.contactCenter.queues[0].outboundCallerId: +18005550999 is not a number of contactCenter.phoneNumbers or the UAT number',
    );
    expect(fails([{ name: 'Support', hoursOfOperation: { timeZone: 'Mars/Olympus', config: [] } }])).toMatch(
      /^scenario\.contactCenter\.queues\[0\]\.hoursOfOperation\.timeZone: must be an IANA time zone/,
    );
    expect(fails([{ name: 'Support', hoursOfOperation: { config: [{ day: 'MONDAY', start: '24:00', end: '17:00' }] } }])).toMatch(
      /hoursOfOperation\.config\[0\]\.start: must be a time HH:MM/,
    );
  });
});

describe('shipped scenarios', () => {
  jest.setTimeout(240_000);
  test.each([
    [
      'agents-not-routable.json',
      'ABORTED',
      'agents-ready Support: 1 of 6 agent(s) ready, needs at least 3; not ready: 1 offline, 3 in status "Break", 1 with no free voice slot',
    ],
    [
      'capacity-quota-too-small.json',
      'ABORTED',
      'expected peak 14 concurrent call(s) (Support 8, Sales 6) exceeds the concurrent active calls quota of 10 (from Service Quotas connect/L-12AB7C57)',
    ],
    [
      'caller-id-not-in-plan.json',
      'ABORTED',
      'caller-id Support: +18005550150 is neither a number this plan moves nor one of expectedCallerIdNumbers',
    ],
    [
      'queue-closed-at-cutover.json',
      'ABORTED',
      'queue-open Support: closed 2030-01-15 03:00Z–2030-01-15 03:30Z of 2030-01-15 03:00Z–2030-01-15 03:30Z; hours: America/New_York 2030-01-14 08:00–18:00',
    ],
    ['queue-closed-intended.json', 'LIVE', 'verification passed'],
  ])('%s ends %s: %s', async (file, outcome, reason) => {
    const s = loadScenario(path.join(__dirname, '../../../scenarios', file));
    expect(s.expect?.outcome).toBe(outcome);
    const run = await rehearseScenario(s);
    expect(run.outcome).toBe(outcome);
    expect(run.reason).toContain(reason);
    // The reason quotes what was read, so each read was answered (an IAM denial would show as "no data"); the
    // quota is read once, and only when the input gives expected peaks.
    expect(run.apiCalls.GetServiceQuota ?? 0).toBe(file === 'capacity-quota-too-small.json' ? 1 : 0);
  });
});

describe('IAM: the synthesized DeployCheck role is what the new reads are authorized against', () => {
  jest.setTimeout(240_000);
  test('without servicequotas:GetServiceQuota the quota read is denied and the capacity item fails naming it', async () => {
    const s = loadScenario(path.join(__dirname, '../../../scenarios/capacity-quota-too-small.json'));
    const template = synthesizeForScenario(s);
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::IAM::Policy' || !JSON.stringify(r.Properties?.Roles).includes('RunbookDeployCheckRole')) continue;
      const doc = r.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[] }> };
      doc.Statement = doc.Statement.filter((st) => ![st.Action].flat().includes('servicequotas:GetServiceQuota'));
    }
    const run = await rehearseScenario(s, { template });
    expect(run.outcome).toBe('ABORTED');
    expect(run.reason).toContain('quota unknown (GetServiceQuota: AccessDeniedException, from Service Quotas connect/L-12AB7C57)');
  });
});
