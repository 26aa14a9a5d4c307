// The `stats` records a roomcast child process logs with --stats-interval-ms (src/main.ts): each carries
// the whole server's figures as data, in its `stats` field, for tests and benchmarks to read.
import type { ConnectionWorkerStats, ServerStats } from '../src/control-api.ts';
import { parseLogOutput } from './log-records.ts';

/**
 * Follows a server's output: each call returns the stats records printed since the previous call (the
 * first call: since followStats was called), oldest first.
 */
export function followStats(server: { output(): string }): () => ServerStats[] {
  let read = server.output().length;
  return () => {
    const output = server.output();
    const end = Math.max(read, output.lastIndexOf('\n') + 1);
    const records = parseLogOutput(output.slice(read, end));
    read = end;
    return records.filter((record) => record.msg === 'stats').map((record) => record.stats as ServerStats);
  };
}

type WorkerCounter = {
  [K in keyof ConnectionWorkerStats]: ConnectionWorkerStats[K] extends number ? K : never;
}[keyof ConnectionWorkerStats];

/** A connection-worker figure summed over the workers that answered. */
export function workerTotal(stats: ServerStats, key: WorkerCounter): number {
  return stats.workers.reduce((total, worker) => total + worker[key], 0);
}
