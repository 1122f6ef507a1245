/**
 * `--report DIR` is checked before a rehearsal runs, without writing anything: a rehearsal of many minutes must
 * not end in a report that cannot be written, and a path under procfs must not reach `mkdirSync({ recursive })`,
 * which spins for ever there (Node loops on the EEXIST/ENOENT answers procfs gives).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usageError } from './errors';

/**
 * Pseudo file systems where a report can never be written, by statfs type (linux/magic.h), although access(2)
 * lets root "write" there: procfs, sysfs, cgroup v1/v2, debugfs, securityfs, tracefs, devpts.
 */
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x74726163, 'tracefs'],
  [0x1cd1, 'devpts'],
]);

/**
 * Throws a usage error (one line) when `dir` exists and is not a writable directory, or when it does not exist
 * and cannot be created: an ancestor is a file, or the nearest existing ancestor is read-only or a pseudo file
 * system. Creates nothing.
 */
export function checkReportDir(dir: string): void {
  const shown = JSON.stringify(dir.length > 120 ? `${dir.slice(0, 120)}…` : dir);
  const target = path.resolve(dir);
  let existing = target;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        existing = path.dirname(existing);
        continue;
      }
      if (code !== 'ENOENT') throw usageError(`--report ${shown}: cannot use it (${code})`);
    }
    if (stat) {
      if (!stat.isDirectory()) {
        throw usageError(
          existing === target
            ? `--report ${shown}: exists and is not a directory`
            : `--report ${shown}: ${JSON.stringify(existing)} is not a directory`,
        );
      }
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const fsType = PSEUDO_FS.get(Number(fs.statfsSync(existing).type));
  if (fsType) throw usageError(`--report ${shown}: ${JSON.stringify(existing)} is on ${fsType}, where no report can be written`);
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw usageError(`--report ${shown}: ${JSON.stringify(existing)} ${why}`);
  }
}
