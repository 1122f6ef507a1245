/**
 * Section 4: the toolchain, on the wall clock of this machine. `cdk synth` of the default app against a bare app
 * with one bucket, alternated in one run; `npm test` (tsc, then jest); and each handler's bundle as
 * scripts/build-handlers.ts prebuilds it, with what fills it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { build, Metafile } from 'esbuild';
import { HANDLERS } from '../lib/rehearsal/handlers';
import { ensureHandlers, HANDLER_BUILD_OPTIONS } from '../scripts/build-handlers';
import { Figure, kb, median, Print, SectionResult, secs, table } from './format';

const ROOT = path.join(__dirname, '..');
/** Gitignored scratch space for synth output and the bare app. */
const SCRATCH = path.join(ROOT, '.tmp', 'bench');
export const SYNTH_ROUNDS = 3;
export const TARGET_SYNTH_RATIO = 1.5;
export const TARGET_TEST_SECONDS = 60;
export const TARGET_BUNDLE_BYTES = 150 * 1024;

/** The options the prebuilt handler assets are bundled with (scripts/build-handlers.ts). */
const NODEJS_FUNCTION_OPTIONS = HANDLER_BUILD_OPTIONS;

// ---------------------------------------------------------------------------------------------------- synth

export interface SynthTiming {
  readonly defaultAppSeconds: number[];
  readonly bareAppSeconds: number[];
  readonly ratio: number;
}

export function benchSynth(print: Print): SynthTiming {
  // The handler assets are prebuilt: bring them up to date first, so no round pays for a rebuild.
  ensureHandlers();
  // Scratch apps run from their own directory, with the repository's node_modules found by walking up from .tmp/.
  const scratchApp = (name: string, fixture: string, cdkJson: Record<string, unknown>) => {
    const dir = path.join(SCRATCH, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'cdk.json'),
      JSON.stringify({ ...cdkJson, app: `npx tsx "${path.join(ROOT, 'bench', 'fixtures', fixture)}"` }, null, 2),
    );
    return dir;
  };
  const bareDir = scratchApp('bare-app', 'bare-app.ts', { notices: false, context: { 'cli-telemetry': false } });
  const defaultAppSeconds: number[] = [];
  const bareAppSeconds: number[] = [];
  try {
    for (let round = 1; round <= SYNTH_ROUNDS; round++) {
      defaultAppSeconds.push(synthOnce(ROOT, path.join(SCRATCH, `cdk.out.default-${round}`)));
      bareAppSeconds.push(synthOnce(bareDir, path.join(SCRATCH, `cdk.out.bare-${round}`)));
      print(`  round ${round}: default app ${secs(defaultAppSeconds[round - 1])}, bare app ${secs(bareAppSeconds[round - 1])}`);
    }
  } finally {
    fs.rmSync(SCRATCH, { recursive: true, force: true });
  }
  return { defaultAppSeconds, bareAppSeconds, ratio: median(defaultAppSeconds) / median(bareAppSeconds) };
}

function synthOnce(cwd: string, outDir: string): number {
  const started = performance.now();
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', outDir], {
    cwd,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`cdk synth in ${cwd} failed (exit ${r.status}): ${lastLines(r.stderr, 10)}`);
  return seconds;
}

// ---------------------------------------------------------------------------------------------------- tests

export interface TestTiming {
  readonly tscSeconds: number;
  readonly tscOk: boolean;
  readonly jestSeconds: number;
  readonly jestOk: boolean;
  /** Jest's "Tests:" summary line. */
  readonly jestSummary: string;
  /** The slowest suites as jest reports them (it prints a time only for slow ones). */
  readonly slowestSuites: Array<{ file: string; seconds: number }>;
}

export function benchTests(print: Print): TestTiming {
  const tsc = timed('npx', ['tsc', '--noEmit']);
  print(`  tsc --noEmit ${secs(tsc.seconds)} (exit ${tsc.status})`);
  const jest = timed('npx', ['jest']);
  print(`  jest ${secs(jest.seconds)} (exit ${jest.status})`);
  const output = jest.stdout + jest.stderr;
  // A failing suite is listed twice (as it runs, and in the closing summary): keep one line per file.
  const suites = new Map([...output.matchAll(/^(?:PASS|FAIL) (\S+) \((\d+(?:\.\d+)?) s\)/gm)].map((m) => [m[1], Number(m[2])]));
  const slowestSuites = [...suites]
    .map(([file, seconds]) => ({ file, seconds }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 3);
  return {
    tscSeconds: tsc.seconds,
    tscOk: tsc.status === 0,
    jestSeconds: jest.seconds,
    jestOk: jest.status === 0,
    jestSummary: /^Tests:.*$/m.exec(output)?.[0].replace(/\s+/g, ' ') ?? '(no summary)',
    slowestSuites,
  };
}

function timed(command: string, args: string[]): { seconds: number; status: number | null; stdout: string; stderr: string } {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - started) / 1000, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------------- bundles

export interface BundleSize {
  readonly handler: string;
  readonly bytes: number;
  /** Bytes in the output by npm package (`(project)` for this repository's code), largest first. */
  readonly packages: Array<{ name: string; bytes: number }>;
  /** The three largest input files. */
  readonly topInputs: Array<{ file: string; bytes: number }>;
  /** `@aws-sdk/*` modules the bundle imports at run time (external). */
  readonly externalSdk: string[];
  /** Bytes of `@aws-sdk/*` code inside the bundle (0 when the SDK comes from the runtime). */
  readonly bundledSdkBytes: number;
}

export interface BundleReport {
  readonly bundles: BundleSize[];
  /** The same representative schema bundled three ways: `import { z } from 'zod'`, `import * as z`, zod/mini. */
  readonly zodProbe: { named: number; namespace: number; mini: number };
  /** How lambda/ imports zod: each distinct import line with the files that use it. */
  readonly zodImports: Array<{ line: string; files: string[] }>;
}

export async function benchBundles(print: Print): Promise<BundleReport> {
  const bundles: BundleSize[] = [];
  for (const handler of Object.keys(HANDLERS)) {
    const result = await build({
      ...NODEJS_FUNCTION_OPTIONS,
      entryPoints: [path.join(ROOT, 'lambda', handler, 'index.ts')],
      outfile: path.join(SCRATCH, 'bundles', handler, 'index.js'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const size = sizeOf(handler, result.metafile, result.outputFiles[0].contents.byteLength);
    bundles.push(size);
    print(
      `  ${handler}: ${kb(size.bytes)} (${size.packages
        .slice(0, 2)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', ')})`,
    );
  }
  const zodProbe = {
    named: await probe(`import { z } from 'zod';\n${ZOD_CLASSIC_SCHEMA}`),
    namespace: await probe(`import * as z from 'zod';\n${ZOD_CLASSIC_SCHEMA}`),
    mini: await probe(ZOD_MINI_PROBE),
  };
  return { bundles, zodProbe, zodImports: zodImports(path.join(ROOT, 'lambda')) };
}

function sizeOf(handler: string, metafile: Metafile, bytes: number): BundleSize {
  const output = Object.values(metafile.outputs)[0];
  const inputs = Object.entries(output.inputs).map(([file, i]) => ({ file, bytes: i.bytesInOutput }));
  const packages = new Map<string, number>();
  for (const i of inputs) {
    const name = packageOf(i.file);
    packages.set(name, (packages.get(name) ?? 0) + i.bytes);
  }
  return {
    handler,
    bytes,
    packages: [...packages].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes),
    topInputs: [...inputs].sort((a, b) => b.bytes - a.bytes).slice(0, 3),
    externalSdk: [...new Set(output.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))].sort(),
    bundledSdkBytes: inputs.filter((i) => packageOf(i.file).startsWith('@aws-sdk/')).reduce((sum, i) => sum + i.bytes, 0),
  };
}

function packageOf(file: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return m ? m[1] : '(project)';
}

/** A schema shaped like the state document's (lambda/shared/state.ts), in zod's classic API and in zod/mini. */
const ZOD_CLASSIC_SCHEMA = `const plan = z.object({ phoneNumber: z.string(), targetFlow: z.string() });
const state = z.object({
  config: z.object({ instanceArn: z.string().startsWith('arn:'), plan: z.array(plan).min(1), cutoverConcurrency: z.number().int().min(1),
    cutoverMode: z.enum(['repoint', 'carrierHook', 'manualConfirmation']) }).loose(),
  run: z.object({ changeId: z.string(), dryRun: z.boolean(), plan: z.array(plan) }).loose().optional(),
}).loose();
export const parse = (e: unknown) => state.safeParse(e);`;
const ZOD_MINI_PROBE = `import * as z from 'zod/mini';
const plan = z.object({ phoneNumber: z.string(), targetFlow: z.string() });
const state = z.looseObject({
  config: z.looseObject({ instanceArn: z.string().check(z.startsWith('arn:')), plan: z.array(plan).check(z.minLength(1)),
    cutoverConcurrency: z.number().check(z.int(), z.minimum(1)), cutoverMode: z.enum(['repoint', 'carrierHook', 'manualConfirmation']) }),
  run: z.optional(z.looseObject({ changeId: z.string(), dryRun: z.boolean(), plan: z.array(plan) })),
});
export const parse = (e: unknown) => state.safeParse(e);`;

/** Every line of `dir` (recursively) that imports zod, grouped by the line. */
function zodImports(dir: string): Array<{ line: string; files: string[] }> {
  const byLine = new Map<string, string[]>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        for (const line of fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => /^import .* from ['"]zod(\/[^'"]*)?['"]/.test(l))) {
          byLine.set(line.trim(), [...(byLine.get(line.trim()) ?? []), path.relative(ROOT, file)]);
        }
      }
    }
  };
  walk(dir);
  return [...byLine].map(([line, files]) => ({ line, files }));
}

async function probe(contents: string): Promise<number> {
  const result = await build({
    ...NODEJS_FUNCTION_OPTIONS,
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'zod-probe.ts' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents.byteLength;
}

// ---------------------------------------------------------------------------------------------------- section

export interface ToolchainResults {
  /** Absent with --quick. */
  readonly synth?: SynthTiming;
  /** Absent with --quick. */
  readonly tests?: TestTiming;
  readonly bundles: BundleReport;
  /** Cores other processes kept busy, on average, while synth and the tests ran (bench/machine.ts). */
  readonly contention?: { readonly synth: number | null; readonly tests: number | null };
}

/** Above this many cores of other work, a wall-clock figure says more about the neighbours than about us. */
export const BUSY_CORES = 0.25;

export function toolchainSection({ synth, tests, bundles, contention }: ToolchainResults): SectionResult {
  const figures: Figure[] = [];
  const md: string[] = [];
  const busyNote = (cores: number | null | undefined) =>
    cores === null || cores === undefined
      ? ''
      : ` Meanwhile other processes kept ${cores.toFixed(2)} of ${os.cpus().length} cores busy on average` +
        (cores > BUSY_CORES ? ': **the machine was busy, this figure is inflated**.' : ' (a quiet machine).');

  if (synth) {
    figures.push({
      name: `\`cdk synth\` default app ÷ bare app (median of ${SYNTH_ROUNDS}, alternated)`,
      value: `${synth.ratio.toFixed(2)}× (${secs(median(synth.defaultAppSeconds))} vs ${secs(median(synth.bareAppSeconds))})`,
      target: `≤ ${TARGET_SYNTH_RATIO}×`,
      met: synth.ratio <= TARGET_SYNTH_RATIO,
    });
    const [d, b] = [synth.defaultAppSeconds, synth.bareAppSeconds].map(median);
    md.push(
      '**`cdk synth`.** `CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --quiet -o <scratch>`, run alternately in the ' +
        'repository (the default app, `npx tsx bin/app.ts`) and in a scratch directory under `.tmp/` whose cdk.json ' +
        'runs `bench/fixtures/bare-app.ts` (one S3 bucket) the same way, so both pay the same CLI and `tsx` start-up. ' +
        'Wall seconds:',
      '',
      table(
        ['round', 'default app', 'bare app'],
        synth.defaultAppSeconds.map((x, i) => [String(i + 1), secs(x), secs(synth.bareAppSeconds[i])]),
      ),
      '',
      `Medians: default ${secs(d)}, bare ${secs(b)}, ratio ${synth.ratio.toFixed(2)}×. The ${bundles.bundles.length} handlers ` +
        "are prebuilt (`scripts/build-handlers.ts`, esbuild's API in-process, once per change of `lambda/`) and the " +
        'construct points `lambda.Code.fromAsset` at them, so a synth only hashes and copies nine small folders; ' +
        'the staleness check in `bin/app.ts` hashes `lambda/` (a few milliseconds).' +
        busyNote(contention?.synth),
      '',
    );
  } else {
    md.push('**`cdk synth`** and **`npm test`**: skipped (`--quick`).', '');
  }

  if (tests) {
    const total = tests.tscSeconds + tests.jestSeconds;
    figures.push({
      name: '`npm test` wall time (tsc --noEmit, then jest)',
      value: `${secs(total)} (tsc ${secs(tests.tscSeconds)} + jest ${secs(tests.jestSeconds)})`,
      target: `≤ ${TARGET_TEST_SECONDS} s`,
      met: total <= TARGET_TEST_SECONDS,
    });
    figures.push({ name: '`npx jest` alone', value: `${secs(tests.jestSeconds)}${tests.jestOk ? '' : ' (tests failing)'}` });
    md.push(
      `**\`npm test\`.** \`npm test\` is \`tsc --noEmit && jest\`; each was timed once, on ${os.cpus().length} ` +
        `core(s), jest with ${jestWorkers()}. tsc: ${secs(tests.tscSeconds)}` +
        `${tests.tscOk ? '' : ' (type errors)'}; jest: ${secs(tests.jestSeconds)}, ${tests.jestSummary}. ` +
        `Slowest suites: ${tests.slowestSuites.map((s) => `\`${s.file}\` ${secs(s.seconds)}`).join(', ') || '-'}.` +
        busyNote(contention?.tests),
      '',
    );
  }

  const { bundles: sizes, zodProbe } = bundles;
  const largest = Math.max(...sizes.map((b) => b.bytes));
  const sdkBundled = sizes.some((b) => b.bundledSdkBytes > 0);
  const zodBytes = (b: BundleSize) => b.packages.find((p) => p.name === 'zod')?.bytes ?? 0;
  const estimate = (b: BundleSize) => (zodBytes(b) > 0 ? b.bytes - zodBytes(b) + zodProbe.mini : b.bytes);
  figures.push({
    name: `Largest handler bundle (esbuild, minified, ${sizes.length} handlers)`,
    value: kb(largest),
    target: `≤ ${kb(TARGET_BUNDLE_BYTES)}`,
    met: largest <= TARGET_BUNDLE_BYTES,
  });
  md.push(
    '**Handler bundles.** Built with the esbuild API and the options of the prebuilt assets (scripts/build-handlers.ts: ' +
      'bundle, minify, platform node, target node24, format cjs, external `@aws-sdk/*`), one per `lambda/<name>`:',
    '',
    table(
      ['handler', 'bytes', 'size', 'target', 'by package', 'largest inputs', 'with zod/mini (est.)'],
      sizes.map((b) => [
        b.handler,
        String(b.bytes),
        kb(b.bytes),
        b.bytes <= TARGET_BUNDLE_BYTES ? 'met' : 'NOT met',
        b.packages
          .slice(0, 3)
          .map((p) => `${p.name} ${kb(p.bytes)}`)
          .join(', '),
        b.topInputs.map((i) => `${i.file.replace(/^node_modules\//, '')} ${kb(i.bytes)}`).join(', '),
        kb(estimate(b)),
      ]),
    ),
    '',
    zodExplanation(sizes, bundles, estimate),
    '',
    `**The AWS SDK is ${sdkBundled ? 'bundled' : 'taken from the runtime'}.** ` +
      (sdkBundled
        ? 'Some bundle contains `@aws-sdk/*` code: check `external` in scripts/build-handlers.ts.'
        : `Every \`@aws-sdk/*\` import is external (${[...new Set(sizes.flatMap((b) => b.externalSdk))].join(', ')}): ` +
          'the Node.js Lambda runtimes include the AWS SDK for JavaScript v3, so the bundles stay small and the SDK ' +
          "gets AWS's patches without a redeploy. The price: the SDK version in production is the runtime's, not " +
          'the one in package-lock.json that the tests ran against.'),
  );
  return { title: '4. Toolchain', figures, markdown: md.join('\n') };
}

function zodExplanation(sizes: readonly BundleSize[], report: BundleReport, estimate: (b: BundleSize) => number): string {
  const { zodProbe, zodImports: imports } = report;
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes)[0];
  const bytesOf = (b: BundleSize, match: (name: string) => boolean) =>
    b.packages.filter((p) => match(p.name)).reduce((sum, p) => sum + p.bytes, 0);
  const zod = bytesOf(largest, (n) => n === 'zod');
  const powertools = bytesOf(largest, (n) => n.startsWith('@aws-lambda-powertools/'));
  const project = sizes.map((b) => bytesOf(b, (n) => n === '(project)'));
  const top = largest.packages[0];
  const met = largest.bytes <= TARGET_BUNDLE_BYTES;
  const usesNamed = imports.some((i) => /import\s*\{\s*z\s*\}\s*from\s*['"]zod['"]/.test(i.line));
  const usesMini = imports.length > 0 && imports.every((i) => i.line.includes('zod/mini'));
  const maxEstimate = Math.max(...sizes.map(estimate));
  const fix = met
    ? usesMini
      ? ''
      : ` Met with ${kb(TARGET_BUNDLE_BYTES - largest.bytes)} to spare; \`zod/mini\` would take the largest ` +
        `bundle to about ${kb(maxEstimate)} (last column: bundle − zod + the zod/mini probe) if the margin is ever needed.`
    : usesNamed
      ? " **Fix:** import zod as a namespace (`import * as z from 'zod'`), or move to `zod/mini` for the smallest " +
        `bundles (last column: about ${kb(maxEstimate)} for the largest).`
      : ` **Fix:** \`zod/mini\` (schemas written as \`z.looseObject(...)\`, \`.check(z.minLength(1))\` instead of chained ` +
        `methods): the last column estimates each bundle with it, the largest at about ${kb(maxEstimate)}.`;
  const others = [
    ...(top.name === 'zod' ? [] : [`zod ${kb(zod)}`]),
    `Powertools (Logger and its commons) ${kb(powertools)}`,
    `the handlers' own code ${kb(Math.min(...project))}–${kb(Math.max(...project))}`,
  ];
  return (
    `**What dominates: ${top.name}**, ${kb(top.bytes)} of the largest bundle (${kb(largest.bytes)}); then ` +
    `${others.join(', ')}. The handlers import zod as ` +
    `${imports.map((i) => `\`${i.line}\` (${i.files.length} file(s))`).join(', ') || '(no zod import found)'}. How zod ` +
    'is imported decides how much of it esbuild can drop. The same representative schema (shaped like the state ' +
    `document) bundles to ${kb(zodProbe.named)} with \`import { z } from 'zod'\` (the \`z\` object reaches every API, so ` +
    `nothing can be dropped), ${kb(zodProbe.namespace)} with \`import * as z from 'zod'\` (unused exports dropped), and ` +
    `${kb(zodProbe.mini)} with \`zod/mini\`, the functional API in the same package (no new dependency).${fix}`
  );
}

/** The worker count jest.config.js sets, or jest's default. */
function jestWorkers(): string {
  const config = require(path.join(ROOT, 'jest.config.js')) as { maxWorkers?: number | string };
  return config.maxWorkers === undefined ? 'its default of cores − 1 workers' : `maxWorkers ${config.maxWorkers} (jest.config.js)`;
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
