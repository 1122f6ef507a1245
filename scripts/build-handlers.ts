/**
 * Bundles the nine runbook handlers once, at build time, into assets/handlers/<name>/index.js, with esbuild's API
 * in-process. The GoLiveRunbook construct points `lambda.Code.fromAsset` at these folders, so no synth (here or in
 * a consumer's app) bundles anything, needs esbuild or Docker, or depends on where the package is installed.
 *
 * Staleness: assets/handlers/build-info.json records a SHA-256 over every file under lambda/ plus the esbuild
 * options and version. `ensureHandlers()` (run by `pretest`, `presynth`, jest's globalSetup and the cdk.json app
 * command) rebuilds only when that hash differs.
 *
 * Usage: `tsx scripts/build-handlers.ts` (always builds) or `tsx scripts/build-handlers.ts --if-stale`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync, BuildOptions, version as esbuildVersion } from 'esbuild';
import { HANDLER_NAMES } from '../lib/private/handler-names';

const ROOT = path.join(__dirname, '..');
const LAMBDA_DIR = path.join(ROOT, 'lambda');
export const HANDLERS_ASSET_DIR = path.join(ROOT, 'assets', 'handlers');
const BUILD_INFO = path.join(HANDLERS_ASSET_DIR, 'build-info.json');

/**
 * The options NodejsFunction gave esbuild before the assets were prebuilt (runtime NODEJS_24_X, `minify: true`,
 * `externalModules: ['@aws-sdk/*']`, no source maps): the AWS SDK v3 comes from the Lambda runtime.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html
 */
export const HANDLER_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: false,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
} satisfies BuildOptions;

/** The hash of what the assets are built from: lambda/ sources, the build options, the esbuild version. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ options: HANDLER_BUILD_OPTIONS, esbuild: esbuildVersion, handlers: HANDLER_NAMES }));
  for (const file of listFiles(LAMBDA_DIR)) {
    hash.update(path.relative(ROOT, file).split(path.sep).join('/'));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** The hash the current assets were built from, or undefined when they are missing or incomplete. */
function builtHash(): string | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(BUILD_INFO, 'utf8')) as { sourceHash?: string };
    const complete = HANDLER_NAMES.every((name) => fs.existsSync(path.join(HANDLERS_ASSET_DIR, name, 'index.js')));
    return complete ? info.sourceHash : undefined;
  } catch {
    return undefined;
  }
}

/** Bundles every handler; each folder holds only index.js, so the asset hash depends on the bundle alone. */
export function buildHandlers(): string {
  const hash = sourceHash();
  fs.rmSync(HANDLERS_ASSET_DIR, { recursive: true, force: true });
  for (const name of HANDLER_NAMES) {
    buildSync({
      ...HANDLER_BUILD_OPTIONS,
      entryPoints: [path.join(LAMBDA_DIR, name, 'index.ts')],
      outfile: path.join(HANDLERS_ASSET_DIR, name, 'index.js'),
    });
  }
  // Beside the handler folders, not inside them: it must not change the assets' hashes.
  fs.writeFileSync(
    BUILD_INFO,
    `${JSON.stringify({ sourceHash: hash, esbuild: esbuildVersion, options: HANDLER_BUILD_OPTIONS }, null, 2)}\n`,
  );
  return hash;
}

/** Builds the handler assets unless they are present and built from the current sources. Returns true if it built. */
export function ensureHandlers(): boolean {
  if (builtHash() === sourceHash()) return false;
  buildHandlers();
  return true;
}

if (require.main === module) {
  const started = Date.now();
  const built = process.argv.includes('--if-stale') ? ensureHandlers() : (buildHandlers(), true);
  if (built) process.stderr.write(`handler assets built in ${HANDLERS_ASSET_DIR} (${Date.now() - started} ms)\n`);
}
