/** One run of the load tool (`bench/loadtest/main.ts`) as a child process; returns its JSON report. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadReport } from '../loadtest/report.ts';
import type { RunningServer } from './servers.ts';

const run = promisify(execFile);
const loadtestMain = fileURLToPath(new URL('../loadtest/main.ts', import.meta.url));

export interface LoadRunOptions {
  server: RunningServer;
  protocol: string;
  /** Load-tool targets (irc://, ws://, host:port); default the server's line address. */
  targets?: string[];
  /** The processes measured together as the server (a cluster's nodes and its broker); default the server's own. */
  pids?: number[];
  args: string[];
  jsonFile: string;
  /** Ends a hung run; the tool itself is bounded by its ready timeout, window and drain. */
  timeoutMs: number;
  /** Ends the run at once (the report was interrupted). */
  signal?: AbortSignal;
}

/**
 * The tool exits 1 when one of its own checks failed (loss, disconnects…) but still writes its report:
 * the benchmark reports those figures itself (the seed baseline garbles lines by design), so only a run
 * without a report is a failure.
 */
const checksFailedExit = 1;

export async function runLoad(o: LoadRunOptions): Promise<LoadReport> {
  rmSync(o.jsonFile, { force: true });
  try {
    await tool(o);
  } catch (error) {
    if ((error as { code?: unknown }).code !== checksFailedExit || !existsSync(o.jsonFile)) throw error;
  }
  return JSON.parse(readFileSync(o.jsonFile, 'utf8')) as LoadReport;
}

async function tool(o: LoadRunOptions): Promise<void> {
  await run(
    process.execPath,
    [
      loadtestMain,
      ...(o.targets ?? [`${o.server.host}:${o.server.port}`]).flatMap((target) => ['--target', target]),
      '--protocol',
      o.protocol,
      ...(o.pids ?? [o.server.pid]).flatMap((pid) => ['--server-pid', String(pid)]),
      ...o.args,
      '--json',
      o.jsonFile,
      '--quiet',
    ],
    { timeout: o.timeoutMs, killSignal: 'SIGKILL', signal: o.signal },
  );
}
