// Starting real roomcast servers for tests: in-process (for stats over comlink) or as a child process
// (for signals and the process's own file descriptors). Each listens on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { defaultConfig, type ServerConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';

export interface TestServer {
  port: number;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Tests connect many clients at once, all from 127.0.0.1: the per-address connect rate is lifted unless a
 * test sets it (test/e2e/connect-rate.test.ts tests the limit itself).
 */
// In-process servers log warnings and worse only: their threads' records go to the test's own stdout.
const testDefaults: Partial<ServerConfig> = { host: '127.0.0.1', port: 0, workers: 2, maxConnectsPerIpPerSecond: 0, logLevel: 'warn' };
const testDefaultArgs = ['--port', '0', '--max-connects-per-ip-per-second', '0'];

/** `log` receives the acceptor's records (see captureLog); by default they go to stdout. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, log?: Logger): Promise<TestServer> {
  const server = await startServer({ ...defaultConfig, ...testDefaults, ...overrides }, log);
  return { port: server.address.port, server, close: () => server.close() };
}

export interface ServerProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

const mainScript = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function spawnServer(args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [mainScript, ...testDefaultArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
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
