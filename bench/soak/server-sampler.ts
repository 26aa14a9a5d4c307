// What the soak watches in the server process from outside: memory and descriptors from /proc/PID, CPU
// per thread from /proc/PID/task/*/stat. (The server's own figures come from its stats records.)
import { readdirSync, readFileSync } from 'node:fs';
import { sampleProcess } from '../../harness/proc-sampler.ts';

export interface ProcessFigures {
  rssBytes: number;
  openFds: number;
  /** CPU seconds used so far by each thread, by label: main, then the worker threads in start order. */
  threadCpuSeconds: Map<string, number>;
}

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux Node supports

/** Reads /proc/PID; undefined once the process is gone. */
export function sampleServerProcess(pid: number): ProcessFigures | undefined {
  const memory = sampleProcess(pid);
  if (memory === null) return undefined;
  try {
    const threads = readdirSync(`/proc/${pid}/task`)
      .map((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return { tid: Number(tid), name, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
      })
      .sort((a, b) => a.tid - b.tid);
    const threadCpuSeconds = new Map<string, number>();
    // Node names its JS threads: the main thread, then one WorkerThread per worker, coordinator first.
    for (const thread of threads.filter((t) => t.name === 'node-MainThread')) threadCpuSeconds.set('main', thread.cpuSeconds);
    threads
      .filter((t) => t.name === 'WorkerThread')
      .forEach((thread, index) => {
        threadCpuSeconds.set(index === 0 ? 'coord' : `w${index}`, thread.cpuSeconds);
      });
    return { rssBytes: memory.rssBytes, openFds: readdirSync(`/proc/${pid}/fd`).length, threadCpuSeconds };
  } catch {
    return undefined;
  }
}
