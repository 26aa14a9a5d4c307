/**
 * Samples the server's CPU (/proc, with --server-pid) and the tool's own at chosen instants of the run
 * (every second of the series, every stage's window edges), so CPU can be read per second and per stage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProcSample, sampleProcess } from '../../harness/proc-sampler.ts';

export interface TimelineSample {
  server: ProcSample | null;
  generatorCpuSeconds: number;
}

export class ProcTimeline {
  readonly #pid: number | undefined;
  readonly #now: () => number;
  readonly #samples = new Map<number, TimelineSample>();
  readonly #stop = new AbortController();

  constructor(pid: number | undefined, now: () => number) {
    this.#pid = pid;
    this.#now = now;
  }

  /** Samples at each instant of `atNs` (ascending, ns on the run's clock) until stop(). */
  async run(atNs: number[]): Promise<void> {
    const signal = this.#stop.signal;
    for (const t of atNs) {
      try {
        await sleep(Math.max(0, (t - this.#now()) / 1e6), undefined, { signal });
      } catch {
        return;
      }
      const cpu = process.cpuUsage();
      this.#samples.set(t, {
        server: this.#pid === undefined ? null : sampleProcess(this.#pid),
        generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    }
  }

  stop(): void {
    this.#stop.abort();
  }

  at(t: number): TimelineSample | undefined {
    return this.#samples.get(t);
  }

  /** Server CPU cores between two sampled instants, or null (no --server-pid, not sampled, process gone). */
  serverCores(fromNs: number, toNs: number): number | null {
    const a = this.#samples.get(fromNs)?.server;
    const b = this.#samples.get(toNs)?.server;
    if (a == null || b == null) return null;
    return (b.cpuSeconds - a.cpuSeconds) / ((toNs - fromNs) / 1e9);
  }
}
