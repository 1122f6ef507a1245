/**
 * `rehearse --trace FILE`: the CLI checks FILE can be written before anything is rehearsed, and hands it to the
 * runner. (The file's content is tested against the real runner in test/lib/rehearsal/rehearsal-aws-rules.test.ts.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RehearsalModule, RehearsalResult } from '../../bin/cli/rehearse';
import { expectOneErrorLine, harness } from './harness';

const RESULT: RehearsalResult = { outcome: 'LIVE', finalAssociations: {}, steps: [], breachToRollbackSeconds: null, writeCalls: [] };
const dir = mkdtempSync(join(tmpdir(), 'rehearse-trace-'));

describe('rehearse --trace', () => {
  test('passes the trace file to the runner, created (or truncated) before the run', async () => {
    const file = join(dir, 'calls.jsonl');
    writeFileSync(file, 'stale content');
    const runRehearsal = jest
      .fn<ReturnType<RehearsalModule['runRehearsal']>, Parameters<RehearsalModule['runRehearsal']>>()
      .mockResolvedValue(RESULT);
    const h = harness({ loadRehearsal: async () => ({ runRehearsal }) });

    expect(await h.run('rehearse', '--scenario', 'spike.json', '--json', '--trace', file)).toBe(0);

    expect(runRehearsal).toHaveBeenCalledWith({ scenario: 'spike.json', json: true, report: undefined, trace: file });
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  test('passes it to every scenario of a full rehearsal', async () => {
    const file = join(dir, 'all.jsonl');
    const rehearseAll = jest
      .fn<ReturnType<NonNullable<RehearsalModule['rehearseAll']>>, Parameters<NonNullable<RehearsalModule['rehearseAll']>>>()
      .mockResolvedValue({ results: [], table: '', unexpected: [] });
    const h = harness({ loadRehearsal: async () => ({ runRehearsal: jest.fn(), rehearseAll }) });

    expect(await h.run('rehearse', '--trace', file, '--json')).toBe(0);

    expect(rehearseAll).toHaveBeenCalledWith(expect.objectContaining({ trace: file }));
  });

  test.each([
    [
      'a missing directory',
      () => join(dir, 'no-such-dir', 'calls.jsonl'),
      /--trace .*no-such-dir\/calls\.jsonl: cannot write the file \(ENOENT\)$/,
    ],
    ['a directory', () => dir, /--trace .*: cannot write the file \(EISDIR\)$/],
  ])('fails with one line, exit 2, before rehearsing, for %s', async (_what, target, line) => {
    const runRehearsal = jest.fn();
    const h = harness({ loadRehearsal: async () => ({ runRehearsal }) });

    const code = await h.run('rehearse', '--scenario', 'spike.json', '--trace', target());

    expect(code).toBe(2);
    expectOneErrorLine(h, line);
    expect(runRehearsal).not.toHaveBeenCalled();
    expect(h.stdout()).toBe('');
  });
});
