/**
 * Issue 8's counter: how many times a room run (a batch of room events a worker fans out) was encoded,
 * per run. Each dialect present in a room renders a run once (IRC once per variant), so with the three
 * doors in one room encodings per run must stay ≤ the dialects present: more means a run was encoded
 * per member somewhere.
 *
 * HOOK: `roomRuns` and `roomRunEncodings` are being added to the connection workers' stats
 * (ConnectionWorkerStats in src/control-api.ts) on another branch. Until that lands they are absent and
 * this returns null, which the report prints as "not counted". The figures are read from the last
 * `stats` record the server logged (it runs with --stats-interval-ms in the mixed scenario).
 */
import { parseLogOutput } from '../../harness/log-records.ts';

export interface RunEncodings {
  roomRuns: number;
  roomRunEncodings: number;
  encodingsPerRun: number;
  /** The doors the scenario's clients used, each with its own encoding of a run. */
  dialectsPresent: number;
}

/** The counters a worker's stats record may carry (not yet in ConnectionWorkerStats: see HOOK above). */
type RunCounters = { roomRuns?: unknown; roomRunEncodings?: unknown };

export function runEncodings(serverOutput: string, dialectsPresent: number): RunEncodings | null {
  const records = parseLogOutput(serverOutput).filter((r) => r.msg === 'stats');
  const last = records.at(-1)?.stats as { workers?: RunCounters[] } | undefined;
  const workers = last?.workers ?? [];
  if (workers.length === 0 || !workers.every((w) => typeof w.roomRuns === 'number' && typeof w.roomRunEncodings === 'number')) return null;
  const roomRuns = workers.reduce((n, w) => n + (w.roomRuns as number), 0);
  const roomRunEncodings = workers.reduce((n, w) => n + (w.roomRunEncodings as number), 0);
  return { roomRuns, roomRunEncodings, encodingsPerRun: roomRuns === 0 ? 0 : roomRunEncodings / roomRuns, dialectsPresent };
}
