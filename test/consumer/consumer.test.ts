/**
 * The package as a user gets it: `npm pack` (prepack builds dist/ and the handler assets), the tarball installed
 * into a fresh CDK TypeScript app this test writes itself (no tsx, no esbuild, no Docker there), compiled with
 * tsc and synthesized with node; then the installed `connect-golive` CLI: --help, and a rehearsal of a scenario
 * file the consumer owns. This is the test the README's quick start depends on.
 *
 * Dependencies come from the local npm cache where possible (`npm install --prefer-offline`), at the versions
 * this repository pins. Run it with `npm run test:consumer` (.ci/run does, after `npm test`).
 */
import { execFileSync, ExecFileSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** The version this repository resolves a dependency to (its lockfile's install). */
function pinned(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The README's quick start, with a new instance instead of an adopted one, and the operator grants. */
const CONSUMER_APP = `import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConnectInstance, GoLiveRunbook, UatPhoneNumber } from 'connect-golive';

const app = new App();
const stack = new Stack(app, 'ContactCenter');
const instance = new ConnectInstance(stack, 'Instance', { instanceAlias: 'acme-care' });
const uat = new UatPhoneNumber(stack, 'Uat', {
  instance,
  contactFlowArn: 'arn:aws:connect:us-east-1:111122223333:instance/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab/contact-flow/11111111-2222-3333-4444-555555555555',
});
const runbook = new GoLiveRunbook(stack, 'GoLive', {
  instance,
  plan: [
    { phoneNumber: '+18005550100', targetFlow: 'Main' },
    { phoneNumber: '+18005550101', targetFlow: 'Main' },
  ],
  queues: ['Support'],
  uatPhoneNumber: uat.phoneNumber,
});
const operators = new iam.Role(stack, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });
runbook.grantStartExecution(operators);
runbook.grantApprove(operators);
runbook.grantAbort(operators);
app.synth();
`;

describe('the packed package in a fresh CDK app', () => {
  // Outside the repository: module resolution must not find this repository's node_modules by walking up.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-golive-consumer-'));
  const app = path.join(work, 'app');
  // npm's own variables from the outer `npm run` (npm_package_*, npm_lifecycle_*) must not leak into the inner npm.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  Object.assign(env, { CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true', CONNECT_GOLIVE_HANDLER_LOGS: '0' });
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[k];
  const run = (cmd: string, args: string[], options: ExecFileSyncOptions = {}): string =>
    execFileSync(cmd, args, {
      cwd: app,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      ...options,
    }) as string;
  let tarball: string;

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('npm pack ships the build output, the handler assets, the scenarios, README and LICENSE only', () => {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info.filename);
    const files = info.files.map((f) => f.path);
    const outside = files.filter(
      (f) =>
        !/^(dist\/(lib|bin|lambda)\/.*\.(js|d\.ts)|assets\/handlers\/.*|scenarios\/[^/]+\.json|cdk\.json|package\.json|README\.md|LICENSE)$/.test(
          f,
        ),
    );
    expect(outside).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/bin/connect-golive.js',
        'assets/handlers/verify/index.js',
        'LICENSE',
        'README.md',
      ]),
    );
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('bench/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toBe(false);
  });

  test('installs into a fresh app without tsx, esbuild or Docker', () => {
    fs.mkdirSync(path.join(app, 'bin'), { recursive: true });
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'consumer-app',
          version: '0.0.0',
          private: true,
          dependencies: { 'connect-golive': `file:${tarball}`, 'aws-cdk-lib': pinned('aws-cdk-lib'), constructs: pinned('constructs') },
          devDependencies: { typescript: pinned('typescript'), '@types/node': pinned('@types/node') },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'commonjs',
            moduleResolution: 'node',
            lib: ['ES2023'],
            strict: true,
            // The package's declarations are checked too, as a consumer's tsc with default settings would.
            skipLibCheck: false,
            outDir: 'dist',
            rootDir: '.',
            types: ['node'],
          },
          include: ['bin/**/*.ts'],
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(path.join(app, 'bin', 'app.ts'), CONSUMER_APP);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
    for (const absent of ['tsx', 'esbuild', 'ts-node']) expect(fs.existsSync(path.join(app, 'node_modules', absent))).toBe(false);
  });

  test('compiles with tsc and synthesizes with node: the instance, the UAT number and the runbook state machine', () => {
    run(path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.']);
    run('node', ['dist/bin/app.js'], { env: { ...env, CDK_OUTDIR: path.join(app, 'cdk.out') } });
    const template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'ContactCenter.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: any }>;
    };
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
    expect(ofType('AWS::Connect::Instance')).toHaveLength(1);
    expect(ofType('AWS::Connect::Instance')[0].Properties.InstanceAlias).toBe('acme-care');
    expect(ofType('AWS::Connect::PhoneNumber')).toHaveLength(1);
    // The go-live runbook and its Decommission state machine (the gated point of no return).
    const machines = ofType('AWS::StepFunctions::StateMachine').map((m) => JSON.stringify(m.Properties.DefinitionString));
    expect(machines).toHaveLength(2);
    expect(machines.filter((d) => d.includes('ValidateInput'))).toHaveLength(1);
    expect(machines.filter((d) => d.includes('ValidateDecommission'))).toHaveLength(1);
    // The go-live dashboard is on by default.
    expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
    // Eleven handlers (the runbook's ten and the decommission's), each from a prebuilt asset folder (no bundling at
    // this synth).
    const functions = ofType('AWS::Lambda::Function').filter((f) => f.Properties.Environment?.Variables?.CONNECT_GOLIVE_HANDLER);
    expect(functions).toHaveLength(11);
    for (const f of functions) expect(f.Properties.Handler).toBe('index.handler');
  });

  test('connect-golive --help runs with node from the installed package', () => {
    const help = run(path.join(app, 'node_modules', '.bin', 'connect-golive'), ['--help']);
    expect(help).toMatch(/^Usage: connect-golive/);
    expect(help).toContain('rehearse [options]');
  });

  test("connect-golive rehearse runs a scenario file the consumer owns, against the package's default app", () => {
    const scenario = path.join(app, 'my-go-live.json');
    fs.copyFileSync(path.join(app, 'node_modules', 'connect-golive', 'scenarios', 'abandonment-spike.json'), scenario);
    const out = run(path.join(app, 'node_modules', '.bin', 'connect-golive'), ['rehearse', '--scenario', scenario, '--json']);
    const result = JSON.parse(out) as { outcome: string; expected: string | null };
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.expected).toBe('ROLLED_BACK');
  });
});
