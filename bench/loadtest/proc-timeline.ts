/**
 * Samples the server's CPU (/proc, with --server-pid: every process named, summed) and the tool's own at
 * chosen instants of the run (every second of the series, every stage's window edges), so CPU can be read
 * per second and per stage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProcSample, sampleProcess, sumSamples } from '../../harness/proc-sampler.ts';

export interface TimelineSample {
  /** All server processes together; null without --server-pid or once one of them is gone. */
  server: ProcSample | null;
  /** Each server process, in --server-pid order. */
  processes: (ProcSample | null)[];
  generatorCpuSeconds: number;
}

export class ProcTimeline {
  readonly #pids: number[];
  readonly #now: () => number;
  readonly #samples = new Map<number, TimelineSample>();
  readonly #stop = new AbortController();

  constructor(pids: number[], now: () => number) {
    this.#pids = pids;
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
      const processes = this.#pids.map(sampleProcess);
      this.#samples.set(t, { server: sumSamples(processes), processes, generatorCpuSeconds: (cpu.user + cpu.system) / 1e6 });
    }
  }

  stop(): void {
    this.#stop.abort();
  }

  at(t: number): TimelineSample | undefined {
    return this.#samples.get(t);
  }

  /** Server CPU cores between two sampled instants, or null (no --server-pid, not sampled, a process gone). */
  serverCores(fromNs: number, toNs: number): number | null {
    const a = this.#samples.get(fromNs)?.server;
    const b = this.#samples.get(toNs)?.server;
    if (a == null || b == null) return null;
    return (b.cpuSeconds - a.cpuSeconds) / ((toNs - fromNs) / 1e9);
  }
}
