// The periodic `stats: key=value ...` line that src/main.ts logs with --stats-interval-ms (the message of
// a log record), as numbers: how tests read the counters of a server that runs as a child process.
import { parseLogOutput } from './log-capture.ts';
import type { ServerProcess } from '../../harness/server-process.ts';
import { waitUntil } from './wait-until.ts';

export type StatsLine = Record<string, number>;

function statsLinesSince(output: string, from: number): StatsLine[] {
  return parseLogOutput(output.slice(from))
    .map((record) => record.msg)
    .filter((line) => line.startsWith('stats: '))
    .map((line) => Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key!, Number(value)])));
}

/**
 * Stats that reflect everything done before this call. The line printed first after the call may have
 * been gathered before it (main.ts awaits the threads, then prints), so this waits for the second.
 */
export async function nextStats(server: ServerProcess, timeoutMs = 5000): Promise<StatsLine> {
  const from = server.output().length;
  await waitUntil(() => statsLinesSince(server.output(), from).length >= 2, timeoutMs, 'two stats lines (is --stats-interval-ms set?)');
  return statsLinesSince(server.output(), from).at(-1)!;
}

/** Waits for a stats line printed after this call that satisfies `condition`; the error shows the last one. */
export async function statsWhere(server: ServerProcess, condition: (stats: StatsLine) => boolean, timeoutMs: number): Promise<StatsLine> {
  const from = server.output().length;
  let seen: StatsLine | undefined;
  await waitUntil(
    () => {
      seen = statsLinesSince(server.output(), from).at(-1);
      return seen !== undefined && condition(seen);
    },
    timeoutMs,
    () => `stats matching the condition; last: ${JSON.stringify(seen)}`,
  );
  return seen!;
}
