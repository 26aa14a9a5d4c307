// Waiting for the stats a server running as a child process logs with --stats-interval-ms
// (harness/stats-records.ts reads them).
import type { ServerStats } from '../../src/control-api.ts';
import type { ServerProcess } from '../../harness/server-process.ts';
import { followStats } from '../../harness/stats-records.ts';
import { waitUntil } from './wait-until.ts';

/**
 * Stats that reflect everything done before this call. The record printed first after the call may have
 * been gathered before it (main.ts awaits the threads, then prints), so this waits for the second.
 */
export async function nextStats(server: ServerProcess, timeoutMs = 5000): Promise<ServerStats> {
  const fresh = followStats(server);
  const seen: ServerStats[] = [];
  await waitUntil(() => seen.push(...fresh()) >= 2, timeoutMs, 'two stats records (is --stats-interval-ms set?)');
  return seen.at(-1)!;
}

/** Waits for stats printed after this call that satisfy `condition`; the error shows the last ones. */
export async function statsWhere(
  server: ServerProcess,
  condition: (stats: ServerStats) => boolean,
  timeoutMs: number,
): Promise<ServerStats> {
  const fresh = followStats(server);
  let seen: ServerStats | undefined;
  await waitUntil(
    () => {
      seen = fresh().at(-1) ?? seen;
      return seen !== undefined && condition(seen);
    },
    timeoutMs,
    () => `stats matching the condition; last: ${JSON.stringify(seen)}`,
  );
  return seen!;
}
