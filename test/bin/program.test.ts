import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadRehearsalRunner, RehearsalModule, RehearsalResult } from '../../bin/cli/rehearse';
import { EXECUTION_ARN } from '../lib/report/fixtures/history';
import { expectOneErrorLine, harness } from './harness';

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
});

const RESULT: RehearsalResult = {
  outcome: 'ROLLED_BACK',
  finalAssociations: { '+18005550100': 'LegacyBridge' },
  steps: [{ name: 'Cutover', status: 'succeeded', at: '2025-06-01T22:00:00Z' }],
  breachToRollbackSeconds: 95,
  writeCalls: [{ api: 'AssociatePhoneNumberContactFlow' }, { api: 'AssociatePhoneNumberContactFlow' }],
};

describe('the program', () => {
  test.each([[[]], [['start']], [['status']], [['approve']], [['reject']], [['abort']], [['report']], [['rehearse']]])(
    '%p --help prints usage and exits 0',
    async (args) => {
      const h = harness();
      expect(await h.run(...args, '--help')).toBe(0);
      expect(h.stdout()).toMatch(/^Usage: connect-golive/);
      expect(sfn.calls()).toHaveLength(0);
    },
  );

  test('the top-level help lists every command and the exit codes', async () => {
    const h = harness();
    await h.run('--help');
    for (const command of ['start', 'status', 'approve', 'reject', 'abort', 'report', 'rehearse'])
      expect(h.stdout()).toContain(`  ${command} `);
    expect(h.stdout()).toContain('Exit codes:');
  });

  test('rehearse --help documents --json', async () => {
    const h = harness();
    await h.run('rehearse', '--help');
    expect(h.stdout()).toMatch(/--json\s+print only the result JSON on stdout/);
  });

  test('rejects an unknown command with one line and exit 2', async () => {
    const h = harness();
    expect(await h.run('statsu')).toBe(2);
    expectOneErrorLine(h, /unknown command 'statsu' \(Did you mean status\?\)/);
  });

  test('prints no stack trace for an unexpected error, unless debugging', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new TypeError('boom'));
    const quiet = harness();
    expect(await quiet.run('status', EXECUTION_ARN)).toBe(1);
    expectOneErrorLine(quiet, /^connect-golive: TypeError: boom$/);

    const loud = harness({ debug: true });
    await loud.run('status', EXECUTION_ARN);
    expect(loud.stderr()).toMatch(/\n\s+at /);
  });

  test('tells a missing region apart', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new Error('Region is missing'));
    const h = harness();
    expect(await h.run('status', EXECUTION_ARN)).toBe(1);
    expectOneErrorLine(h, /no AWS region: pass --region or set AWS_REGION/);
  });
});

describe('rehearse', () => {
  test('says it is not available in a build without the runner, exit 2', async () => {
    const h = harness({ loadRehearsal: async () => undefined });
    expect(await h.run('rehearse')).toBe(2);
    expectOneErrorLine(h, /rehearse: not available in this build$/);
  });

  test('--json prints only the result JSON, and passes the options through', async () => {
    const runRehearsal = jest
      .fn<ReturnType<RehearsalModule['runRehearsal']>, Parameters<RehearsalModule['runRehearsal']>>()
      .mockResolvedValue(RESULT);
    const h = harness({ loadRehearsal: async () => ({ runRehearsal }) });

    expect(await h.run('rehearse', '--scenario', 'spike.json', '--json', '--report', 'out')).toBe(0);

    expect(runRehearsal).toHaveBeenCalledWith({ scenario: 'spike.json', json: true, report: 'out' });
    expect(JSON.parse(h.stdout())).toEqual(RESULT);
  });

  test('prints a summary without --json', async () => {
    const h = harness({ loadRehearsal: async () => ({ runRehearsal: async () => RESULT }) });
    expect(await h.run('rehearse', '--scenario', 'spike.json')).toBe(0);
    expect(h.stdout()).toContain('outcome: ROLLED_BACK');
    expect(h.stdout()).toContain('  +18005550100 → LegacyBridge');
    expect(h.stdout()).toContain('breach to rollback: 95 s (simulated)');
    expect(h.stdout()).toContain('connect write calls: 2');
  });

  test('the default loader finds the runner exactly when lib/rehearsal/runner exists', async () => {
    const present = ['ts', 'js'].some((ext) => existsSync(join(__dirname, '../../lib/rehearsal', `runner.${ext}`)));
    const runner = await loadRehearsalRunner();
    if (present) {
      expect(typeof runner?.runRehearsal).toBe('function');
    } else {
      expect(runner).toBeUndefined();
    }
  });
});
