// A roomcast server as a child process, for whatever watches it from outside: tests (signals, exit codes,
// the process's own descriptors, its log records) and benchmarks (CPU and memory from /proc, the soak).
// It listens on a free loopback port, which it prints; everything it writes to stdout and stderr is kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** Many clients connect at once, all from 127.0.0.1: the per-address connect rate is lifted unless `args` set it. */
const defaultArgs = ['--port', '0', '--max-connects-per-ip-per-second', '0'];
const startTimeoutMs = 15_000;

export async function spawnServer(args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainScript, ...defaultArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), startTimeoutMs);
    child.stdout!.on('data', () => {
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    port,
    pid: child.pid!,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}
