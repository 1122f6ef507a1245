import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ConnectInstance } from '../../../lib/connect-instance';
import { GoLiveRunbook } from '../../../lib/runbook/go-live-runbook';
import { loadScenario, MAX_SCENARIO_BYTES, MAX_WAVE_NUMBERS, parseScenario, ScenarioError } from '../../../lib/rehearsal/scenario';

// What an outside fuzz of `rehearse --scenario` found: files that hang the reader, values echoed whole or with
// raw escapes, 1e400 shown as null, and names the scenario accepted but the construct rejected.

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

function messageOf(raw: unknown): string {
  try {
    parseScenario(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('loadScenario reads regular files only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-safety-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('rejects a character device (the zero device) without reading it', () => {
    expect(() => loadScenario('/dev/zero')).toThrow('/dev/zero: the scenario must be a regular file, got a character device');
  });

  test('rejects a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadScenario(fifo)).toThrow(`${fifo}: the scenario must be a regular file, got a FIFO`);
  });

  test('rejects a directory', () => {
    expect(() => loadScenario(dir)).toThrow(`${dir}: the scenario must be a regular file, got a directory`);
  });

  test('rejects a file over the size cap before parsing it', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, Buffer.alloc(MAX_SCENARIO_BYTES + 1, 0x20));
    expect(() => loadScenario(file)).toThrow(
      `the scenario file is ${MAX_SCENARIO_BYTES + 1} bytes, more than the ${MAX_SCENARIO_BYTES} allowed`,
    );
  });

  test('escapes control characters in the file name', () => {
    const file = join(dir, 'bad\u001b[31mname.json');
    writeFileSync(file, '{');
    const message = (() => {
      try {
        loadScenario(file);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toContain('bad\\u001b[31mname.json: scenario is not valid JSON');
    expect(message).not.toContain('\u001b');
  });
});

describe('parseScenario echoes values safely', () => {
  test('truncates a long value and keeps the message on one line', () => {
    const s = minimal();
    s.contactCenter.phoneNumbers[0].number = `+1${'9'.repeat(1_000_000)}`;
    const message = messageOf(s);
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(
      /^scenario\.contactCenter\.phoneNumbers\[0\]\.number: must be an E\.164 number like \+18005550100, got "\+19{38}…"$/,
    );
  });

  test('escapes ANSI escapes and newlines in an unknown key', () => {
    const s = { ...minimal(), ['\u001b[2J\nboom']: 1 };
    const message = messageOf(s);
    expect(message).toBe('scenario["\\u001b[2J\\nboom"]: unknown field');
  });

  test('shortens a 1 MB unknown key', () => {
    const message = messageOf({ ...minimal(), ['k'.repeat(1_000_000)]: 1 });
    expect(message.length).toBeLessThan(100);
    expect(message).toMatch(/^scenario\["k{40}…"\]: unknown field$/);
  });

  test('escapes control characters in an echoed string value', () => {
    const s = minimal();
    s.approval = { decision: '\u001b[31mapprove' };
    expect(messageOf(s)).toBe('scenario.approval.decision: must be one of approve, reject, timeout, got "\\u001b[31mapprove"');
  });

  test('reports 1e400 as not a finite number, not as null', () => {
    const raw = JSON.parse(
      '{"name":"x","contactCenter":{"queues":[{"name":"Support","agentsOnline":1e400}],"flows":[{"name":"Main"}],' +
        '"phoneNumbers":[{"number":"+18005550100","targetFlow":"Main"}]}}',
    );
    expect(messageOf(raw)).toBe(
      'scenario.contactCenter.queues[0].agentsOnline: must be a finite number, got a number too large (Infinity)',
    );
  });
});

describe('parseScenario rejects what the construct would reject, at the scenario field', () => {
  test.each([
    ['a tab', 'Main\tFlow'],
    ['a newline', 'Main\nFlow'],
    ['a leading space', ' Main'],
  ])('rejects a flow name with %s', (_what, flow) => {
    const s = minimal();
    s.contactCenter.flows[0].name = flow;
    s.contactCenter.phoneNumbers[0].targetFlow = flow;
    expect(messageOf(s)).toMatch(
      /^scenario\.contactCenter\.flows\[0\]\.name: must not start with a space, hold control characters \(tab, newline\) or exceed 512 characters, got "/,
    );
  });

  test('rejects a queue name with a newline', () => {
    const s = minimal();
    s.contactCenter.queues[0].name = 'Sup\nport';
    expect(messageOf(s)).toMatch(/^scenario\.contactCenter\.queues\[0\]\.name: must not start with a space/);
  });

  test('rejects a plan larger than one wave', () => {
    const s = minimal();
    s.contactCenter.phoneNumbers = Array.from({ length: MAX_WAVE_NUMBERS + 1 }, (_, i) => ({
      number: `+1800555${String(i).padStart(4, '0')}`,
      targetFlow: 'Main',
    }));
    expect(messageOf(s)).toBe(
      `scenario.contactCenter.phoneNumbers: must list at most ${MAX_WAVE_NUMBERS} item(s) (one wave), got ${MAX_WAVE_NUMBERS + 1}`,
    );
  });

  test('accepts a plan of exactly one wave', () => {
    const s = minimal();
    s.contactCenter.phoneNumbers = Array.from({ length: MAX_WAVE_NUMBERS }, (_, i) => ({
      number: `+1800555${String(i).padStart(4, '0')}`,
      targetFlow: 'Main',
    }));
    expect(parseScenario(s).contactCenter.phoneNumbers).toHaveLength(MAX_WAVE_NUMBERS);
  });

  // The scenario's limit is the construct's: if GoLiveRunbook's plan limit moves, this fails until both agree.
  test('MAX_WAVE_NUMBERS is the largest plan GoLiveRunbook accepts', () => {
    const plan = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ phoneNumber: `+1800555${String(i).padStart(4, '0')}`, targetFlow: 'Main' }));
    const build = (n: number) => {
      const stack = new Stack(new App(), 'S');
      const instance = ConnectInstance.fromInstanceAttributes(stack, 'Instance', {
        instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      });
      new GoLiveRunbook(stack, 'Runbook', { instance, plan: plan(n), queues: ['Support'] });
    };
    expect(() => build(MAX_WAVE_NUMBERS)).not.toThrow();
    expect(() => build(MAX_WAVE_NUMBERS + 1)).toThrow(/plan must list at most/);
  });
});
