/** What the benchmark ran on, for the report's header: a figure without its machine means nothing. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  kernel: string;
  openFileLimit: string;
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

function fileLimit(): string {
  try {
    const m = /^Max open files\s+(\d+)\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? 'unknown' : `soft ${m[1]}, hard ${m[2]}`;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName(),
    kernel: os.release(),
    openFileLimit: fileLimit(),
  };
}

/** 1, 5 and 15 minute load averages: the box is shared, so a busy start is worth knowing. */
export const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);
