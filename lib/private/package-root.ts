import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

/**
 * The folder of this package's package.json: the repository root when run from source (lib/…), and the same
 * folder when run compiled (dist/lib/…) or installed (node_modules/connect-golive). Prebuilt handler assets,
 * cdk.json and the shipped scenarios are found from here, never from the current directory.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`connect-golive: no package.json above ${__dirname}; is the package installed completely?`);
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** The prebuilt asset folder of one runbook handler (scripts/build-handlers.ts writes it). */
export function handlerAssetDir(name: string): string {
  const dir = path.join(packageRoot(), 'assets', 'handlers', name);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`connect-golive: the prebuilt handler ${name} is missing at ${dir}; in a clone, run \`npm run build:handlers\``);
  }
  return dir;
}
