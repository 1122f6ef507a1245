/** The machine a benchmark ran on: wall-clock figures mean nothing without it. */
import * as fs from 'fs';
import * as os from 'os';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cores} CPU(s) (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}`;
}

/** The 1-, 5- and 15-minute load averages: other work on the machine inflates every wall-clock figure. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = os.loadavg();
  return [one, five, fifteen];
}

export function loadLine(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}

/**
 * Runs `fn` and reports how many cores, on average, processes other than this one and its children kept busy
 * meanwhile: the machine's busy CPU time minus our own (Linux /proc/self/stat counts waited-for children).
 * Null where that cannot be read.
 */
export function withContention<T>(fn: () => T): { result: T; otherCores: number | null } {
  const before = { machine: machineBusyMs(), own: ownCpuMs(), at: Date.now() };
  const result = fn();
  const wallMs = Date.now() - before.at;
  const own = ownCpuMs();
  if (own === null || before.own === null || wallMs <= 0) return { result, otherCores: null };
  const other = machineBusyMs() - before.machine - (own - before.own);
  return { result, otherCores: Math.max(0, other / wallMs) };
}

function machineBusyMs(): number {
  return os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

/** CPU time of this process and its waited-for children, in ms; null off Linux. */
function ownCpuMs(): number | null {
  try {
    // Fields after the command name start at field 3; utime, stime, cutime, cstime are fields 14–17, in clock
    // ticks of 10 ms (USER_HZ is 100 on Linux).
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (
      fields
        .slice(11, 15)
        .map(Number)
        .reduce((a, b) => a + b, 0) * 10
    );
  } catch {
    return null;
  }
}
