import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCliError } from '../../bin/cli/errors';
import { checkReportDir } from '../../bin/cli/report-dir';
import { exitQuietlyOnEpipe, quietSdkNodeWarning, wantsDebug } from '../../bin/cli/runtime';
import { expectOneErrorLine, harness } from './harness';

// Fixes for what an outside fuzz of the CLI found (issue 11, point 6).

describe('rehearse --report is checked before the rehearsal runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-dir-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rejects = async (report: string, pattern: RegExp) => {
    const runRehearsal = jest.fn();
    const h = harness({ loadRehearsal: async () => ({ runRehearsal }) });
    expect(await h.run('rehearse', '--scenario', 'x.json', '--report', report)).toBe(2);
    expectOneErrorLine(h, pattern);
    expect(runRehearsal).not.toHaveBeenCalled();
  };

  test('rejects a path that exists as a file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await rejects(file, /--report ".*a-file": exists and is not a directory$/);
  });

  test('rejects a path below a file', async () => {
    const file = join(dir, 'another-file');
    writeFileSync(file, 'x');
    await rejects(join(file, 'sub', 'dir'), /another-file" is not a directory$/);
  });

  test('rejects a path under procfs at once (mkdirSync would spin there)', async () => {
    await rejects(
      '/proc/connect-golive/reports',
      /--report "\/proc\/connect-golive\/reports": "\/proc" is on procfs, where no report can be written$/,
    );
  });

  // Root may write to a mode-0500 folder, so this case can only be shown as another user.
  const asNonRoot = process.getuid?.() === 0 ? test.skip : test;
  asNonRoot('rejects a read-only folder', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    await rejects(join(ro, 'reports'), /read-only" is not writable$/);
  });

  test('accepts a folder that does not exist yet below a writable one, and creates nothing', () => {
    const target = join(dir, 'new', 'reports');
    expect(() => checkReportDir(target)).not.toThrow();
    expect(() => checkReportDir(dir)).not.toThrow();
    expect(require('node:fs').existsSync(join(dir, 'new'))).toBe(false);
  });
});

describe('the real cause of a broken installation', () => {
  afterEach(() => jest.dontMock('../../lib/rehearsal/runner'));

  test('rehearse reports a module the runner cannot load, not "not available"', async () => {
    jest.resetModules();
    jest.doMock('../../lib/rehearsal/runner', () => {
      const error = Object.assign(
        new Error(
          "Cannot find module 'aws-local-stepfunctions'\nRequire stack:\n- /app/node_modules/connect-golive/dist/lib/rehearsal/runner.js",
        ),
        { code: 'MODULE_NOT_FOUND' },
      );
      throw error;
    });
    const { loadRehearsalRunner } = require('../../bin/cli/rehearse') as typeof import('../../bin/cli/rehearse');
    const h = harness({ loadRehearsal: loadRehearsalRunner });
    expect(await h.run('rehearse', '--scenario', 'x.json')).toBe(1);
    expectOneErrorLine(h, /^connect-golive: broken installation: Cannot find module 'aws-local-stepfunctions'$/);
  });

  test('a missing module is one line without the require stack', () => {
    const error = Object.assign(new Error("Cannot find module 'zod'\nRequire stack:\n- /a.js\n- /b.js"), { code: 'MODULE_NOT_FOUND' });
    expect(toCliError(error).message).toBe("broken installation: Cannot find module 'zod'");
  });
});

describe('--debug', () => {
  test('is read from the arguments before --, or from CONNECT_GOLIVE_DEBUG=1', () => {
    expect(wantsDebug(['status', 'arn', '--debug'], {})).toBe(true);
    expect(wantsDebug(['status', 'arn'], { CONNECT_GOLIVE_DEBUG: '1' })).toBe(true);
    expect(wantsDebug(['status', 'arn'], {})).toBe(false);
    expect(wantsDebug(['start', '--', '--debug'], {})).toBe(false);
  });

  test('is accepted by the program as an option', async () => {
    const h = harness({ loadRehearsal: async () => undefined });
    expect(await h.run('--debug', 'rehearse')).toBe(2);
    expectOneErrorLine(h, /rehearse: not available in this build$/);
  });
});

describe('the AWS SDK Node version warning', () => {
  test('is turned off on Node 20, with one line of our own instead', () => {
    const env: NodeJS.ProcessEnv = {};
    const note = quietSdkNodeWarning(env, 'v20.20.2');
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    expect(note).toBe('connect-golive: note: Node v20.20.2 works, but AWS SDK releases after January 2027 need Node 22 or later');
    expect(note).not.toContain('\n');
  });

  test('is left alone on Node 22, and when the user set the variable', () => {
    const env22: NodeJS.ProcessEnv = {};
    expect(quietSdkNodeWarning(env22, 'v22.11.0')).toBeUndefined();
    expect(env22.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    const chosen: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    expect(quietSdkNodeWarning(chosen, 'v20.1.0')).toBeUndefined();
    expect(chosen.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });
});

describe('a closed stdout (--json | head -c 5)', () => {
  test('EPIPE exits quietly with 0', () => {
    const stream = new EventEmitter();
    const exit = jest.fn();
    exitQuietlyOnEpipe(stream, exit);
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exit).toHaveBeenCalledWith(0);
  });

  test('any other stream error still throws', () => {
    const stream = new EventEmitter();
    const exit = jest.fn();
    exitQuietlyOnEpipe(stream, exit);
    expect(() => stream.emit('error', Object.assign(new Error('boom'), { code: 'EIO' }))).toThrow('boom');
    expect(exit).not.toHaveBeenCalled();
  });
});
