// A roomcast server as a child process, for whatever watches it from outside: tests (signals, exit codes,
// the process's own descriptors, its log records) and benchmarks (CPU and memory from /proc, the soak).
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from './child-server.ts';

export type ServerProcess = ChildServer;

const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/**
 * Many clients connect at once, all from 127.0.0.1: the per-address connect rate is lifted unless `args` set it.
 * Every door listens on a free port, so servers started in parallel never collide.
 */
const defaultArgs = ['--port', '0', '--irc-port', '0', '--http-port', '0', '--max-connects-per-ip-per-second', '0'];

/** Starts `src/main.ts` with `args` on a free loopback port; the child inherits this process's environment. */
export function spawnServer(args: string[] = []): Promise<ServerProcess> {
  return startChildServer(process.execPath, [mainScript, ...defaultArgs, ...args]);
}
