import {
  DeploymentFacts,
  PhoneNumberFacts,
  QueueFacts,
  READINESS_CHECKS,
  assessGlobal,
  assessNumbers,
  assessReadiness,
  formatReadiness,
  formatReadinessState,
  planItem,
  ReadinessState,
} from '../../../lambda/core';

const INSTANCE_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function numberFacts(n: number, overrides: Partial<PhoneNumberFacts['number'] & object> = {}): PhoneNumberFacts {
  const phoneNumber = `+1800555010${n}`;
  return {
    entry: { phoneNumber, targetFlow: 'Main' },
    number: {
      phoneNumber,
      phoneNumberId: `pn-${n}`,
      phoneNumberArn: `arn:aws:connect:us-east-1:123456789012:phone-number/pn-${n}`,
      status: 'CLAIMED',
      onThisInstance: true,
      currentFlowId: 'legacy-bridge',
      ...overrides,
    },
    targetFlow: { flowId: 'flow-main', name: 'Main', status: 'PUBLISHED', state: 'ACTIVE' },
  };
}

function queue(overrides: Partial<QueueFacts> = {}): QueueFacts {
  return { ref: 'Support', queueId: 'q-support', name: 'Support', agentsOnline: 12, agentsAvailable: 8, ...overrides };
}

function facts(overrides: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return {
    instance: { instanceId: INSTANCE_ID, status: 'ACTIVE' },
    numbers: [numberFacts(0), numberFacts(1)],
    queues: [queue()],
    uatNumber: { phoneNumber: '+18005550199', found: true, status: 'CLAIMED', onThisInstance: true },
    minAgentsOnline: 2,
    ...overrides,
  };
}

const failing = (f: DeploymentFacts) =>
  assessReadiness(f)
    .items.filter((item) => !item.ok)
    .map(({ check, subject, detail }) => ({ check, subject, detail }));

describe('assessReadiness', () => {
  it('is ready when every rule holds, and records the snapshot', () => {
    const report = assessReadiness(facts());
    expect(report.ready).toBe(true);
    expect(report.items.every((item) => item.ok)).toBe(true);
    expect(report.items.map((item) => item.check)).toEqual([
      'instance-active',
      'plan-not-empty',
      'number-found',
      'number-claimed',
      'number-on-instance',
      'number-found',
      'number-claimed',
      'number-on-instance',
      'flow-found',
      'flow-published',
      'flow-active',
      'queue-found',
      'queue-staffed',
      'uat-number',
    ]);
    expect(report.numbers).toEqual([
      {
        phoneNumber: '+18005550100',
        phoneNumberId: 'pn-0',
        phoneNumberArn: 'arn:aws:connect:us-east-1:123456789012:phone-number/pn-0',
        targetFlowId: 'flow-main',
        snapshotFlowId: 'legacy-bridge',
      },
      expect.objectContaining({ phoneNumberId: 'pn-1', snapshotFlowId: 'legacy-bridge' }),
    ]);
    expect(report.snapshot).toEqual({ 'pn-0': 'legacy-bridge', 'pn-1': 'legacy-bridge' });
    expect(report.queueIds).toEqual(['q-support']);
  });

  it.each<[string, Partial<DeploymentFacts>, { check: string; subject: string; detail: string }]>([
    [
      'the instance is still being created',
      { instance: { instanceId: INSTANCE_ID, status: 'CREATION_IN_PROGRESS' } },
      { check: READINESS_CHECKS.instanceActive, subject: INSTANCE_ID, detail: 'status CREATION_IN_PROGRESS' },
    ],
    [
      'the instance is not found',
      { instance: { instanceId: INSTANCE_ID, status: null } },
      { check: 'instance-active', subject: INSTANCE_ID, detail: 'instance not found' },
    ],
    ['the plan is empty', { numbers: [] }, { check: 'plan-not-empty', subject: 'plan', detail: 'no numbers to cut over' }],
    [
      'a number is not found',
      { numbers: [numberFacts(0), { ...numberFacts(1), number: null }] },
      { check: 'number-found', subject: '+18005550101', detail: 'not found in this account' },
    ],
    [
      'a number is still being claimed',
      { numbers: [numberFacts(0, { status: 'IN_PROGRESS', statusMessage: 'porting' })] },
      { check: 'number-claimed', subject: '+18005550100', detail: 'status IN_PROGRESS: porting' },
    ],
    [
      'a number is claimed to another instance',
      { numbers: [numberFacts(0, { onThisInstance: false, targetArn: 'arn:other' })] },
      { check: 'number-on-instance', subject: '+18005550100', detail: 'claimed to another target (arn:other)' },
    ],
    [
      'the target flow is not found',
      { numbers: [{ ...numberFacts(0), targetFlow: null }] },
      { check: 'flow-found', subject: 'Main', detail: 'target flow not found on this instance' },
    ],
    [
      'the target flow is only saved',
      { numbers: [{ ...numberFacts(0), targetFlow: { flowId: 'f', name: 'Main', status: 'SAVED', state: 'ACTIVE' } }] },
      { check: 'flow-published', subject: 'Main', detail: 'status SAVED' },
    ],
    [
      'the target flow is archived',
      {
        numbers: [{ ...numberFacts(0), targetFlow: { flowId: 'f', name: 'Main', status: 'PUBLISHED', state: 'ARCHIVED' } }],
      },
      { check: 'flow-active', subject: 'Main', detail: 'state ARCHIVED' },
    ],
    [
      'a queue is not found',
      { queues: [queue(), queue({ ref: 'Billing', queueId: null, name: undefined })] },
      { check: 'queue-found', subject: 'Billing', detail: 'queue not found on this instance' },
    ],
    [
      'no queue is configured',
      { queues: [] },
      { check: 'queue-found', subject: 'queues', detail: 'no queues to watch: verification would have no data' },
    ],
    [
      'too few agents are online',
      { queues: [queue({ agentsOnline: 1, agentsAvailable: 1 })] },
      { check: 'queue-staffed', subject: 'Support', detail: '1 online, 1 available; needs at least 2 online' },
    ],
    [
      'no agent is available',
      { queues: [queue({ agentsOnline: 5, agentsAvailable: 0 })] },
      { check: 'queue-staffed', subject: 'Support', detail: '5 online, 0 available; nobody free to take the first call' },
    ],
    [
      'there is no staffing data',
      { queues: [queue({ agentsOnline: null, agentsAvailable: null })] },
      {
        check: 'queue-staffed',
        subject: 'Support',
        detail: 'no staffing data (AGENTS_ONLINE and AGENTS_AVAILABLE): no data is not success',
      },
    ],
    [
      'availability data is missing',
      { queues: [queue({ agentsAvailable: null })] },
      { check: 'queue-staffed', subject: 'Support', detail: 'no staffing data (AGENTS_AVAILABLE): no data is not success' },
    ],
    [
      'the UAT number is not found',
      { uatNumber: { phoneNumber: '+18005550199', found: false } },
      { check: 'uat-number', subject: '+18005550199', detail: 'not found in this account' },
    ],
    [
      'the UAT number is not claimed',
      { uatNumber: { phoneNumber: '+18005550199', found: true, status: 'FAILED' } },
      { check: 'uat-number', subject: '+18005550199', detail: 'status FAILED' },
    ],
    [
      'the UAT number is on another instance',
      { uatNumber: { phoneNumber: '+18005550199', found: true, status: 'CLAIMED', onThisInstance: false } },
      { check: 'uat-number', subject: '+18005550199', detail: 'claimed to another target' },
    ],
  ])('is not ready when %s', (_name, overrides, expected) => {
    const report = assessReadiness(facts(overrides));
    expect(report.ready).toBe(false);
    expect(failing(facts(overrides))).toEqual([expected]);
  });

  it('reports a missing number once, not as unclaimed and elsewhere too', () => {
    const report = assessReadiness(facts({ numbers: [{ ...numberFacts(0), number: null }] }));
    expect(report.items.filter((item) => item.subject === '+18005550100').map((item) => item.check)).toEqual(['number-found']);
    expect(report.numbers).toEqual([]);
    expect(report.snapshot).toEqual({});
  });

  it('judges a flow shared by several numbers once', () => {
    const report = assessReadiness(facts({ numbers: [numberFacts(0), numberFacts(1), numberFacts(2)] }));
    expect(report.items.filter((item) => item.check === 'flow-published')).toHaveLength(1);
  });

  it('does not require staffing when the minimum is 0, even without data', () => {
    const report = assessReadiness(facts({ minAgentsOnline: 0, queues: [queue({ agentsOnline: null, agentsAvailable: null })] }));
    expect(report.ready).toBe(true);
    expect(report.items.find((item) => item.check === 'queue-staffed')?.detail).toBe('no staffing minimum configured');
  });

  it('skips the UAT rule when no UAT number is configured', () => {
    const report = assessReadiness(facts({ uatNumber: undefined }));
    expect(report.ready).toBe(true);
    expect(report.items.some((item) => item.check === 'uat-number')).toBe(false);
  });

  it('records a null snapshot and says the rollback will disassociate', () => {
    const report = assessReadiness(facts({ numbers: [numberFacts(0, { currentFlowId: null })] }));
    expect(report.ready).toBe(true);
    expect(report.snapshot).toEqual({ 'pn-0': null });
    expect(report.numbers[0].snapshotFlowId).toBeNull();
    expect(report.items.find((item) => item.check === 'number-on-instance')?.detail).toBe(
      'on this instance, no flow associated now (rollback will disassociate it)',
    );
  });

  it('says when a number is already on its target flow', () => {
    const report = assessReadiness(facts({ numbers: [numberFacts(0, { currentFlowId: 'flow-main' })] }));
    expect(report.items.find((item) => item.check === 'number-on-instance')?.detail).toBe(
      'on this instance, already on the target flow flow-main',
    );
  });
});

describe('formatReadiness', () => {
  it('summarises a ready report in one line', () => {
    expect(formatReadiness(assessReadiness(facts()))).toBe('READY: all 14 checks passed (2 number(s), 1 queue(s))');
  });

  it('lists the failing items of a report that is not ready', () => {
    const report = assessReadiness(
      facts({
        instance: { instanceId: INSTANCE_ID, status: 'CREATION_FAILED' },
        queues: [queue({ agentsOnline: null, agentsAvailable: null })],
      }),
    );
    expect(formatReadiness(report)).toBe(
      [
        'NOT READY: 2 of 14 checks failed',
        `- instance-active ${INSTANCE_ID}: status CREATION_FAILED`,
        '- queue-staffed Support: no staffing data (AGENTS_ONLINE and AGENTS_AVAILABLE): no data is not success',
      ].join('\n'),
    );
  });

  it('caps a long list', () => {
    const numbers = Array.from({ length: 30 }, (_, i) => ({ ...numberFacts(i), number: null }));
    const text = formatReadiness(assessReadiness(facts({ numbers })));
    expect(text.split('\n')).toHaveLength(1 + 15 + 1);
    expect(text).toMatch(/- … and 15 more$/);
  });
});

describe('assessReadiness split for batches: assessGlobal + planItem + assessNumbers', () => {
  it.each<[string, Partial<DeploymentFacts>]>([
    ['a ready instance', {}],
    ['a missing number', { numbers: [numberFacts(0), { ...numberFacts(1), number: null }] }],
    ['an unstaffed queue', { queues: [queue({ agentsOnline: 0 })] }],
    ['a number on another instance', { numbers: [numberFacts(0, { onThisInstance: false })] }],
    ['no queues', { queues: [] }],
    ['an empty plan', { numbers: [] }],
  ])('gives the same items, in the same order, as assessReadiness for %s', (_, overrides) => {
    const f = facts(overrides);
    const global = assessGlobal(f);
    const numbers = assessNumbers(f.numbers);
    const whole = assessReadiness(f);

    expect([global.items[0], planItem(f.numbers.length), ...numbers.items, ...global.items.slice(1)]).toEqual(whole.items);
    expect(numbers.numbers).toEqual(whole.numbers);
    expect(numbers.snapshot).toEqual(whole.snapshot);
    expect(global.queueIds).toEqual(whole.queueIds);
  });

  it('assessGlobal judges no number: only instance, queues and the UAT number', () => {
    expect(new Set(assessGlobal(facts()).items.map((i) => i.check))).toEqual(
      new Set([READINESS_CHECKS.instanceActive, READINESS_CHECKS.queueFound, READINESS_CHECKS.queueStaffed, READINESS_CHECKS.uatNumber]),
    );
  });

  it.each([
    [0, false, 'no numbers to cut over'],
    [1, true, '1 number(s) to cut over'],
    [1000, true, '1000 number(s) to cut over'],
  ])('planItem(%p) is ok=%p: %p', (count, ok, detail) => {
    expect(planItem(count)).toEqual({ check: READINESS_CHECKS.planNotEmpty, subject: 'plan', ok, detail });
  });
});

describe('formatReadinessState', () => {
  const state = (overrides: Partial<ReadinessState> = {}): ReadinessState => ({
    serviceLines: [],
    ready: true,
    items: [
      { check: READINESS_CHECKS.instanceActive, subject: INSTANCE_ID, ok: true, detail: 'status ACTIVE' },
      { check: READINESS_CHECKS.numbersReady, subject: 'wave', ok: true, detail: '250 of 250 number(s) ready' },
    ],
    queueIds: ['q-support', 'q-billing'],
    targetFlowNames: ['Main'],
    numberCounts: { total: 250, resolved: 250, failing: 0 },
    cursor: { nextBatch: 3, batches: 3, total: 250, done: true },
    ...overrides,
  });

  it('counts the resolved numbers, not the items, when ready', () => {
    expect(formatReadinessState(state())).toBe('READY: all 2 checks passed (250 number(s), 2 queue(s))');
  });

  it('lists the failing items when not ready', () => {
    const notReady = state({
      ready: false,
      items: [
        { check: READINESS_CHECKS.numberFound, subject: '+18007770001', ok: false, detail: 'not found in this account' },
        { check: READINESS_CHECKS.numbersReady, subject: 'wave', ok: false, detail: '249 of 250 number(s) ready' },
      ],
      numberCounts: { total: 250, resolved: 249, failing: 1 },
    });

    expect(formatReadinessState(notReady)).toBe(
      [
        'NOT READY: 2 of 2 checks failed',
        '- number-found +18007770001: not found in this account',
        '- numbers-ready wave: 249 of 250 number(s) ready',
      ].join('\n'),
    );
  });
});
