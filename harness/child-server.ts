// A server under test or benchmark started as a child process: it is told to listen on port 0 and we read
// the port it prints ("listening on HOST:PORT"), so parallel runs never race for a port. Everything it
// writes to stdout and stderr is kept. Stopped by its own pid only.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ChildServer {
  host: string;
  port: number;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Whether the server is still running (a crash is part of what a benchmark reports). */
  alive(): boolean;
  /** Sends SIGTERM (SIGKILL if it has not exited stopGraceMs later) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const startTimeoutMs = 15_000;
const stopGraceMs = 8_000;

export async function startChildServer(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildServer> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const port = await new Promise<number>((resolve, reject) => {
    // A child that never says it listens is killed: nobody else holds its pid to stop it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not start within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    child.stdout!.on('data', () => {
      // The host may be IPv6 ("::1:9999"): the port follows the last colon.
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid!,
    child,
    output: () => output,
    alive: () => !exited(),
    async stop() {
      if (exited()) return child.exitCode;
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      const [code] = await exit;
      clearTimeout(timer);
      return code as number | null;
    },
  };
}
