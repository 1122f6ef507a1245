import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeForScenario } from '../../../lib/rehearsal/runner';
import { ScenarioError, loadScenario, parseScenario } from '../../../lib/rehearsal/scenario';
import { runbookFromTemplate } from '../../../lib/rehearsal/template';

function minimal(): Record<string, any> {
  return {
    name: 'minimal',
    contactCenter: {
      queues: [{ name: 'Support' }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: [{ number: '+18005550100', flow: 'LegacyBridge', targetFlow: 'Main' }],
    },
  };
}

function messageOf(raw: unknown, source?: string): string {
  try {
    parseScenario(raw, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('parseScenario', () => {
  test('applies the documented defaults', () => {
    const s = parseScenario(minimal());

    expect(s.contactCenter.instance).toEqual({ status: 'ACTIVE', alias: 'rehearsal' });
    expect(s.contactCenter.flows[0]).toEqual({ name: 'Main', published: true, archived: false, recording: true });
    expect(s.contactCenter.queues[0]).toEqual({ name: 'Support', agentsOnline: 10, agentsAvailable: 10 });
    expect(s.contactCenter.phoneNumbers[0].status).toBe('CLAIMED');
    expect(s.input).toEqual({});
    expect(s.approval).toEqual({
      decision: 'approve',
      approver: 'rehearsal-approver',
      attestations: ['uat', 'training', 'bau', 'support'],
    });
    expect(s.inconclusiveDecision).toBe('timeout');
    expect(s.timeline).toEqual([]);
    expect(s.faults).toEqual([]);
    expect(s.expect).toBeUndefined();
    expect(s.contactCenter.otherCallersRequestsPerSecond).toEqual({});
    expect(s.runbook).toEqual({ cutoverMode: 'repoint' });
  });

  test('accepts other callers on APIs with a quota, up to the quota', () => {
    const s = minimal();
    s.contactCenter.otherCallersRequestsPerSecond = { AssociatePhoneNumberContactFlow: 2, GetMetricDataV2: 9.5 };

    expect(parseScenario(s).contactCenter.otherCallersRequestsPerSecond).toEqual({
      AssociatePhoneNumberContactFlow: 2,
      GetMetricDataV2: 9.5,
    });
  });

  test('a fault without a trigger fires on the first call, with times 1', () => {
    const s = parseScenario({ ...minimal(), faults: [{ api: 'AssociatePhoneNumberContactFlow', error: 'Crash' }] });

    expect(s.faults[0]).toEqual({ api: 'AssociatePhoneNumberContactFlow', error: 'Crash', onCall: 1, times: 1 });
  });

  test('keeps the input as given, even malformed', () => {
    expect(parseScenario({ ...minimal(), input: 'not an object' }).input).toBe('not an object');
  });

  test('accepts expect and description', () => {
    const s = parseScenario({ ...minimal(), description: 'd', expect: { outcome: 'ROLLED_BACK' } });

    expect(s.expect).toEqual({ outcome: 'ROLLED_BACK' });
    expect(s.description).toBe('d');
  });

  test.each([
    ['an unknown top-level field', (s: any) => (s.timelines = []), 'scenario.timelines: unknown field'],
    [
      'an unknown runbook cutover mode',
      (s: any) => (s.runbook = { cutoverMode: 'bigBang' }),
      'scenario.runbook.cutoverMode: must be one of repoint, switchFlow, carrierHook, manualConfirmation, got "bigBang"',
    ],
    ['an unknown runbook option', (s: any) => (s.runbook = { cutovermode: 'repoint' }), 'scenario.runbook.cutovermode: unknown field'],
    [
      'an unknown nested field',
      (s: any) => (s.contactCenter.queues[0].agentsOnlin = 3),
      'scenario.contactCenter.queues[0].agentsOnlin: unknown field',
    ],
    [
      'a bad fault error',
      (s: any) => (s.faults = [{ api: 'AssociatePhoneNumberContactFlow', onCall: 1, error: 'Boom' }]),
      'scenario.faults[0].error: must be one of ThrottlingException, InternalServiceException, ResourceNotFoundException, Timeout, Crash, EmptyResult, got "Boom"',
    ],
    [
      'an EmptyResult fault on an API that is not a metric API',
      (s: any) => (s.faults = [{ api: 'AssociatePhoneNumberContactFlow', onCall: 1, error: 'EmptyResult' }]),
      'scenario.faults[0].error: EmptyResult applies to the metric APIs only (GetCurrentMetricData, GetMetricDataV2, GetMetricData), got api "AssociatePhoneNumberContactFlow"',
    ],
    [
      'an unknown fault api',
      (s: any) => (s.faults = [{ api: 'AssociatePhoneNumber', error: 'Crash' }]),
      /^scenario\.faults\[0\]\.api: must be one of DescribeInstance, .*, DeleteItem, DescribeExecution, ReleasePhoneNumber, Invoke, got "AssociatePhoneNumber"$/,
    ],
    [
      'a bad approval decision',
      (s: any) => (s.approval = { decision: 'yes' }),
      'scenario.approval.decision: must be one of approve, reject, timeout, got "yes"',
    ],
    [
      'a bad expected outcome',
      (s: any) => (s.expect = { outcome: 'GREEN' }),
      'scenario.expect.outcome: must be one of LIVE, ROLLED_BACK, PARTIALLY_ROLLED_BACK, ABORTED, DRY_RUN_OK, ROLLBACK_FAILED, got "GREEN"',
    ],
    [
      'a number that is not E.164',
      (s: any) => (s.contactCenter.phoneNumbers[0].number = '800-555-0100'),
      'scenario.contactCenter.phoneNumbers[0].number: must be an E.164 number like +18005550100, got "800-555-0100"',
    ],
    [
      'a number naming an undefined flow',
      (s: any) => (s.contactCenter.phoneNumbers[0].targetFlow = 'Mian'),
      'scenario.contactCenter.phoneNumbers[0].targetFlow: flow "Mian" is not defined in contactCenter.flows',
    ],
    [
      'a UAT number naming an undefined flow',
      (s: any) => (s.contactCenter.uatPhoneNumber = { number: '+14155550199', flow: 'Nope' }),
      'scenario.contactCenter.uatPhoneNumber.flow: flow "Nope" is not defined in contactCenter.flows',
    ],
    [
      'a timeline row naming an undefined queue',
      (s: any) => (s.timeline = [{ atMinute: 0, queue: 'Sales', contactsHandled: 3 }]),
      'scenario.timeline[0].queue: queue "Sales" is not defined in contactCenter.queues',
    ],
    [
      'a duplicate flow name',
      (s: any) => s.contactCenter.flows.push({ name: 'Main' }),
      'scenario.contactCenter.flows[2].name: duplicate flow name "Main"',
    ],
    [
      'a duplicate phone number',
      (s: any) => s.contactCenter.phoneNumbers.push({ number: '+18005550100', targetFlow: 'Main' }),
      'scenario.contactCenter.phoneNumbers[1].number: duplicate phone number "+18005550100"',
    ],
    ['a missing required field', (s: any) => delete s.name, 'scenario.name: required'],
    ['a wrong type', (s: any) => (s.timeline = [{ atMinute: 'six' }]), 'scenario.timeline[0].atMinute: must be a number, got "six"'],
    [
      'an abandonment rate above 1',
      (s: any) => (s.timeline = [{ atMinute: 0, abandonmentRate: 35 }]),
      'scenario.timeline[0].abandonmentRate: must be ≤ 1, got 35',
    ],
    [
      'more available agents than online ones',
      (s: any) => (s.contactCenter.queues[0] = { name: 'Support', agentsOnline: 2, agentsAvailable: 3 }),
      'scenario.contactCenter.queues[0].agentsAvailable: must be ≤ agentsOnline (2), got 3',
    ],
    [
      'a fault with both triggers',
      (s: any) => (s.faults = [{ api: 'Publish', onCall: 1, atMinute: 2, error: 'Crash' }]),
      'scenario.faults[0]: give either onCall or atMinute, not both',
    ],
    ['an empty flow list', (s: any) => (s.contactCenter.flows = []), 'scenario.contactCenter.flows: must list at least 1 item(s)'],
    [
      'other callers on an unknown API',
      (s: any) => (s.contactCenter.otherCallersRequestsPerSecond = { AssociatePhoneNumber: 1 }),
      /^scenario\.contactCenter\.otherCallersRequestsPerSecond\.AssociatePhoneNumber: unknown API "AssociatePhoneNumber": must be one of the simulated APIs with a quota \(AssociatePhoneNumberContactFlow, /,
    ],
    [
      'other callers on an API without a simulated quota',
      (s: any) => (s.contactCenter.otherCallersRequestsPerSecond = { Publish: 1 }),
      /^scenario\.contactCenter\.otherCallersRequestsPerSecond\.Publish: Publish has no simulated quota/,
    ],
    [
      'a negative rate of other callers',
      (s: any) => (s.contactCenter.otherCallersRequestsPerSecond = { DescribeInstance: -0.5 }),
      'scenario.contactCenter.otherCallersRequestsPerSecond.DescribeInstance: must be ≥ 0, got -0.5',
    ],
    [
      "other callers above the API's own rate",
      (s: any) => (s.contactCenter.otherCallersRequestsPerSecond = { AssociatePhoneNumberContactFlow: 2.5 }),
      "scenario.contactCenter.otherCallersRequestsPerSecond.AssociatePhoneNumberContactFlow: must be ≤ the API's quota of 2 requests/s, got 2.5",
    ],
    [
      'a rate that is not a number',
      (s: any) => (s.contactCenter.otherCallersRequestsPerSecond = { GetCurrentMetricData: '3' }),
      'scenario.contactCenter.otherCallersRequestsPerSecond.GetCurrentMetricData: must be a number, got "3"',
    ],
  ])('rejects %s', (_what, mutate, expected) => {
    const s = minimal();
    mutate(s);

    const message = messageOf(s);

    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  test('reports a misspelt field before the errors it causes', () => {
    const s = minimal();
    s.contactCenter.phoneNumbers[0] = { number: '+18005550100', flow: 'LegacyBridge', targetflow: 'Main' };

    expect(messageOf(s)).toBe('scenario.contactCenter.phoneNumbers[0].targetflow: unknown field');
  });

  test('prefixes the source and keeps the path on the error', () => {
    const s = minimal();
    s.faults = [{ api: 'Publish', onCall: 0, error: 'Crash' }];

    try {
      parseScenario(s, 'scenarios/x.json');
      throw new Error('expected a ScenarioError');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).message).toBe('scenarios/x.json: scenario.faults[0].onCall: must be ≥ 1, got 0');
      expect((err as ScenarioError).path).toBe('scenario.faults[0].onCall');
      expect((err as ScenarioError).source).toBe('scenarios/x.json');
    }
  });

  test('rejects a scenario that is not an object', () => {
    expect(messageOf([])).toBe('scenario: must be an object, got an array');
  });
});

describe('loadScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-'));

  test('reads and validates a file', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(minimal()));

    expect(loadScenario(file).name).toBe('minimal');
  });

  test('throws when the file is not JSON', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "name": ');

    expect(() => loadScenario(file)).toThrow(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}: scenario is not valid JSON`));
  });

  test('throws when the file is missing', () => {
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(/cannot read the scenario file/);
  });

  test('names the file in a validation error', () => {
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ ...minimal(), extra: 1 }));

    expect(() => loadScenario(file)).toThrow(`${file}: scenario.extra: unknown field`);
  });
});

describe('the scenario runbook options reach the synthesized state machine', () => {
  // The rehearsal runs the definition the scenario's construct options synthesize, not the default one.
  test.each([
    ['repoint', false],
    ['manualConfirmation', true],
  ] as const)('cutoverMode %s', (cutoverMode, waitsForCarrier) => {
    const template = synthesizeForScenario(parseScenario({ ...minimal(), runbook: { cutoverMode } }));
    const states = Object.keys(runbookFromTemplate(template).definition.States);
    expect(states).toContain('Cutover');
    expect(states.includes('ConfirmCarrierCutover')).toBe(waitsForCarrier);
  });
});
