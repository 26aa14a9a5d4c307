/** One run of the load tool (`bench/loadtest/main.ts`) as a child process; returns its JSON report. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  args: string[];
  jsonFile: string;
  /** Ends a hung run; the tool itself is bounded by its ready timeout, window and drain. */
  timeoutMs: number;
}

/** The tool's exit code when a check failed (loss, order…): the report is written and says which; a baseline may lose. */
const checkFailedExitCode = 1;

export async function runLoad(o: LoadRunOptions): Promise<LoadReport> {
  await run(
    process.execPath,
    [
      loadtestMain,
      ...(o.targets ?? [`${o.server.host}:${o.server.port}`]).flatMap((target) => ['--target', target]),
      '--protocol',
      o.protocol,
      '--server-pid',
      String(o.server.pid),
      ...o.args,
      '--json',
      o.jsonFile,
      '--quiet',
    ],
    { timeout: o.timeoutMs, killSignal: 'SIGKILL' },
  ).catch((error: { code?: unknown }) => {
    if (error.code !== checkFailedExitCode) throw error;
  });
  return JSON.parse(readFileSync(o.jsonFile, 'utf8')) as LoadReport;
}
