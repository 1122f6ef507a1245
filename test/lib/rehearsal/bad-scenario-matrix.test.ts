/**
 * Bad-scenario matrix (issue: "Bad-input matrix", "… and scenario files too"): scenario files that must be
 * rejected with ONE line naming the field path, by the parser and by `connect-golive rehearse --scenario FILE`.
 * scenario.test.ts holds the parser's own table; the cases here are the ones it does not have (an unknown field
 * at every level, each enum, each E.164 field, each cross reference, the per-minute counts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRehearsalRunner } from '../../../bin/cli/rehearse';
import { parseScenario, ScenarioError } from '../../../lib/rehearsal/scenario';
import { expectOneErrorLine, harness } from '../../bin/harness';

/** A scenario using every section, valid as given. */
function full(): Record<string, any> {
  return {
    name: 'bad scenario matrix',
    description: 'every section present',
    contactCenter: {
      instance: { status: 'ACTIVE', alias: 'rehearsal' },
      queues: [{ name: 'Support', agentsOnline: 12, agentsAvailable: 8 }],
      flows: [{ name: 'Main' }, { name: 'LegacyBridge' }],
      phoneNumbers: [
        { number: '+18005550100', flow: 'LegacyBridge', targetFlow: 'Main' },
        { number: '+18005550101', flow: 'LegacyBridge', targetFlow: 'Main' },
      ],
      uatPhoneNumber: { number: '+18005550150', flow: 'Main' },
    },
    input: { changeId: 'CHG-1' },
    approval: { decision: 'approve', approver: 'cab-chair', attestations: ['uat', 'training', 'bau', 'support'] },
    inconclusiveDecision: 'rollback',
    timeline: [
      { atMinute: -5, queue: 'Support', abandonmentRate: 0.04, avgHandleTimeSeconds: 310, contactsInQueue: 3, contactsHandled: 40 },
      { atMinute: 6, queue: 'Support', abandonmentRate: 0.35, missedCalls: 2 },
    ],
    faults: [{ api: 'AssociatePhoneNumberContactFlow', onCall: 1, error: 'ThrottlingException' }],
    expect: { outcome: 'ROLLED_BACK' },
  };
}

function messageOf(raw: unknown): string {
  try {
    parseScenario(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

/** [what, how the file is broken, the field path, what the line says about it]. */
const CASES: Array<[string, (s: any) => void, string, RegExp]> = [
  // an unknown field at every level
  ['an unknown field in contactCenter', (s) => (s.contactCenter.queue = []), 'scenario.contactCenter.queue', /^unknown field$/],
  [
    'an unknown field in contactCenter.instance',
    (s) => (s.contactCenter.instance.region = 'us-east-1'),
    'scenario.contactCenter.instance.region',
    /^unknown field$/,
  ],
  [
    'an unknown field in a flow',
    (s) => (s.contactCenter.flows[1].publish = false),
    'scenario.contactCenter.flows[1].publish',
    /^unknown field$/,
  ],
  [
    'an unknown field in a phone number',
    (s) => (s.contactCenter.phoneNumbers[1].carrier = 'acme'),
    'scenario.contactCenter.phoneNumbers[1].carrier',
    /^unknown field$/,
  ],
  [
    'a targetFlow on the UAT number',
    (s) => (s.contactCenter.uatPhoneNumber.targetFlow = 'Main'),
    'scenario.contactCenter.uatPhoneNumber.targetFlow',
    /^unknown field$/,
  ],
  ['an unknown field in approval', (s) => (s.approval.attestation = ['uat']), 'scenario.approval.attestation', /^unknown field$/],
  ['an unknown field in a timeline row', (s) => (s.timeline[1].abandonRate = 0.35), 'scenario.timeline[1].abandonRate', /^unknown field$/],
  ['an unknown field in a fault', (s) => (s.faults[0].count = 2), 'scenario.faults[0].count', /^unknown field$/],
  ['an unknown field in expect', (s) => (s.expect.reason = 'spike'), 'scenario.expect.reason', /^unknown field$/],
  // each enum
  [
    'an unknown instance status',
    (s) => (s.contactCenter.instance.status = 'RUNNING'),
    'scenario.contactCenter.instance.status',
    /^must be one of ACTIVE, CREATION_IN_PROGRESS, CREATION_FAILED, got "RUNNING"$/,
  ],
  [
    'an unknown phone number status',
    (s) => (s.contactCenter.phoneNumbers[0].status = 'RELEASED'),
    'scenario.contactCenter.phoneNumbers[0].status',
    /^must be one of CLAIMED, IN_PROGRESS, FAILED, got "RELEASED"$/,
  ],
  [
    'an unknown inconclusiveDecision',
    (s) => (s.inconclusiveDecision = 'rollback-now'),
    'scenario.inconclusiveDecision',
    /^must be one of live, rollback, timeout, got "rollback-now"$/,
  ],
  [
    'a fault error in lower case',
    (s) => (s.faults[0].error = 'throttling'),
    'scenario.faults[0].error',
    /^must be one of ThrottlingException, .*, got "throttling"$/,
  ],
  // each E.164 field
  [
    'a plan number with spaces',
    (s) => (s.contactCenter.phoneNumbers[1].number = '+1 800 555 0101'),
    'scenario.contactCenter.phoneNumbers[1].number',
    /^must be an E.164 number like \+18005550100, got "\+1 800 555 0101"$/,
  ],
  [
    'a plan number with country code 0',
    (s) => (s.contactCenter.phoneNumbers[0].number = '+08005550100'),
    'scenario.contactCenter.phoneNumbers[0].number',
    /^must be an E.164 number .*got "\+08005550100"$/,
  ],
  [
    'a UAT number without the plus',
    (s) => (s.contactCenter.uatPhoneNumber.number = '18005550150'),
    'scenario.contactCenter.uatPhoneNumber.number',
    /^must be an E.164 number .*got "18005550150"$/,
  ],
  [
    'a UAT number that is also a plan number',
    (s) => (s.contactCenter.uatPhoneNumber.number = '+18005550101'),
    'scenario.contactCenter.uatPhoneNumber.number',
    /^duplicate phone number "\+18005550101"$/,
  ],
  // each cross reference
  [
    'a current flow that is not defined',
    (s) => (s.contactCenter.phoneNumbers[1].flow = 'Legacy'),
    'scenario.contactCenter.phoneNumbers[1].flow',
    /^flow "Legacy" is not defined in contactCenter.flows$/,
  ],
  [
    'a timeline queue in the wrong case',
    (s) => (s.timeline[0].queue = 'support'),
    'scenario.timeline[0].queue',
    /^queue "support" is not defined in contactCenter.queues$/,
  ],
  [
    'a plan entry queue that is not defined',
    (s) => (s.contactCenter.phoneNumbers[0].queues = ['Sales']),
    'scenario.contactCenter.phoneNumbers[0].queues[0]',
    /^queue "Sales" is not defined in contactCenter.queues$/,
  ],
  [
    'a negative CloudWatch lag',
    (s) => (s.timing = { cloudWatchLagSeconds: -1 }),
    'scenario.timing.cloudWatchLagSeconds',
    /^must be ≥ 0, got -1$/,
  ],
  [
    'a zero real-time refresh',
    (s) => (s.timing = { realTimeRefreshSeconds: 0 }),
    'scenario.timing.realTimeRefreshSeconds',
    /^must be ≥ 1, got 0$/,
  ],
  [
    'a duplicate queue name',
    (s) => s.contactCenter.queues.push({ name: 'Support' }),
    'scenario.contactCenter.queues[1].name',
    /^duplicate queue name "Support"$/,
  ],
  // counts and minutes
  [
    'a negative per-minute contactsHandled',
    (s) => (s.timeline[1].contactsHandled = -5),
    'scenario.timeline[1].contactsHandled',
    /^must be ≥ 0, got -5$/,
  ],
  [
    'a negative per-minute missedCalls',
    (s) => (s.timeline[1].missedCalls = -1),
    'scenario.timeline[1].missedCalls',
    /^must be ≥ 0, got -1$/,
  ],
  [
    'a negative oldestContactAgeSeconds',
    (s) => (s.timeline[1].oldestContactAgeSeconds = -1),
    'scenario.timeline[1].oldestContactAgeSeconds',
    /^must be ≥ 0, got -1$/,
  ],
  [
    'a negative agentsOnline',
    (s) => (s.contactCenter.queues[0].agentsOnline = -1),
    'scenario.contactCenter.queues[0].agentsOnline',
    /^must be ≥ 0, got -1$/,
  ],
  [
    'half a contact in queue',
    (s) => (s.timeline[1].contactsInQueue = 2.5),
    'scenario.timeline[1].contactsInQueue',
    /^must be an integer, got 2.5$/,
  ],
  ['a timeline row without atMinute', (s) => delete s.timeline[1].atMinute, 'scenario.timeline[1].atMinute', /^required$/],
  // faults
  [
    'a fault with both onCall and atMinute',
    (s) => (s.faults[0].atMinute = 3),
    'scenario.faults[0]',
    /^give either onCall or atMinute, not both$/,
  ],
  ['a fault firing 0 times', (s) => (s.faults[0].times = 0), 'scenario.faults[0].times', /^must be ≥ 1, got 0$/],
  ['a fractional onCall', (s) => (s.faults[0].onCall = 1.5), 'scenario.faults[0].onCall', /^must be an integer, got 1.5$/],
  ['a fault without an api', (s) => delete s.faults[0].api, 'scenario.faults[0].api', /^must be one of DescribeInstance, /],
  // types and presence
  ['no contactCenter', (s) => delete s.contactCenter, 'scenario.contactCenter', /^required$/],
  ['an empty plan', (s) => (s.contactCenter.phoneNumbers = []), 'scenario.contactCenter.phoneNumbers', /^must list at least 1 item\(s\)$/],
  ['an empty name', (s) => (s.name = ''), 'scenario.name', /^must not be empty$/],
  ['a timeline that is one row, not a list', (s) => (s.timeline = s.timeline[0]), 'scenario.timeline', /^must be an array, got an object$/],
  [
    'attestations as one string',
    (s) => (s.approval.attestations = 'uat,training'),
    'scenario.approval.attestations',
    /^must be an array, got "uat,training"$/,
  ],
  [
    'published as a string',
    (s) => (s.contactCenter.flows[0].published = 'true'),
    'scenario.contactCenter.flows[0].published',
    /^must be a boolean, got "true"$/,
  ],
  [
    'recording as a string',
    (s) => (s.contactCenter.flows[0].recording = 'no'),
    'scenario.contactCenter.flows[0].recording',
    /^must be a boolean, got "no"$/,
  ],
  [
    'runbook.requireRecording as a string',
    (s) => (s.runbook = { requireRecording: 'yes' }),
    'scenario.runbook.requireRecording',
    /^must be a boolean, got "yes"$/,
  ],
  ['approval null', (s) => (s.approval = null), 'scenario.approval', /^must be an object, got null$/],
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad scenario files: rejected with one line naming the field path', () => {
  test('the base scenario is valid, and the matrix holds at least 15 cases', () => {
    expect(() => parseScenario(full())).not.toThrow();
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  test.each(CASES)('rejects %s', (_what, breakIt, path, problem) => {
    // GIVEN
    const scenario = full();
    breakIt(scenario);

    // WHEN
    const message = messageOf(scenario);

    // THEN
    expect(message).toMatch(new RegExp(`^${escape(path)}: `));
    expect(message.slice(path.length + 2)).toMatch(problem);
    expect(message).not.toMatch(/[\n\r]/);
  });

  // Found by this matrix: agentsAvailable ≤ agentsOnline was checked on queues only, not on timeline rows.
  test('rejects a timeline row with more agents available than online', () => {
    const scenario = full();
    scenario.timeline[1] = { atMinute: 6, queue: 'Support', agentsOnline: 2, agentsAvailable: 5 };
    expect(messageOf(scenario)).toBe('scenario.timeline[1].agentsAvailable: must be ≤ agentsOnline (2), got 5');
  });
});

describe('connect-golive rehearse --scenario <bad file>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bad-scenario-'));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const broken = (breakIt: (s: any) => void): string => {
    const s = full();
    breakIt(s);
    return JSON.stringify(s, null, 2);
  };

  test.each([
    ['an unknown field', 'unknown-field.json', () => broken((s) => (s.timelines = [])), 'scenario.timelines: unknown field'],
    [
      'a bad E.164 number',
      'bad-number.json',
      () => broken((s) => (s.contactCenter.phoneNumbers[0].number = '800-555-0100')),
      'scenario.contactCenter.phoneNumbers[0].number: must be an E.164 number like +18005550100, got "800-555-0100"',
    ],
    [
      'an undefined flow',
      'undefined-flow.json',
      () => broken((s) => (s.contactCenter.phoneNumbers[0].targetFlow = 'Mian')),
      'scenario.contactCenter.phoneNumbers[0].targetFlow: flow "Mian" is not defined in contactCenter.flows',
    ],
    [
      'a fault with both triggers',
      'both-triggers.json',
      () => broken((s) => (s.faults[0].atMinute = 2)),
      'scenario.faults[0]: give either onCall or atMinute, not both',
    ],
    ['a file that is not JSON', 'not-json.json', () => '{ "name": "half a file", ', 'scenario is not valid JSON'],
  ])('exits non-zero with one line for %s', async (_what, name, content, line) => {
    // GIVEN the real runner behind the CLI, and the file on disk
    const path = file(name, content());
    const h = harness({ loadRehearsal: loadRehearsalRunner });

    // WHEN
    const code = await h.run('rehearse', '--scenario', path);

    // THEN one line naming the file and the field; nothing was rehearsed
    expect(code).toBe(2); // bad input, like a bad argument
    expectOneErrorLine(h, new RegExp(`${escape(path)}: ${escape(line)}`));
    expect(h.stdout()).toBe('');
  });

  test('exits non-zero with one line for a file that does not exist', async () => {
    const h = harness({ loadRehearsal: loadRehearsalRunner });
    const missing = join(dir, 'missing.json');

    const code = await h.run('rehearse', '--scenario', missing, '--json');

    expect(code).toBe(2);
    expectOneErrorLine(h, new RegExp(`${escape(missing)}: cannot read the scenario file`));
    expect(h.stdout()).toBe('');
  });
});
