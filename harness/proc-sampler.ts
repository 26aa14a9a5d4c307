// CPU and memory of a process from /proc: how benchmarks and tests measure a server they run as a child.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

let clockTicksPerSecond = 0;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === 0) clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return clockTicksPerSecond;
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]) * 1024;
}

/** CPU (user+system, all threads) and memory of another process, from /proc; null once it is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): state is field 3, so
    // utime (14) and stime (15) are at indices 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond(),
      rssBytes: statusKb(status, 'VmRSS'),
      peakRssBytes: statusKb(status, 'VmHWM'),
    };
  } catch {
    return null;
  }
}

/** Several processes as one (a cluster and its broker): CPU and RSS summed; null when any is missing. */
export function sumSamples(samples: (ProcSample | null)[]): ProcSample | null {
  if (samples.length === 0 || samples.some((s) => s === null)) return null;
  return (samples as ProcSample[]).reduce((a, s) => ({
    cpuSeconds: a.cpuSeconds + s.cpuSeconds,
    rssBytes: a.rssBytes + s.rssBytes,
    peakRssBytes: a.peakRssBytes + s.peakRssBytes,
  }));
}
