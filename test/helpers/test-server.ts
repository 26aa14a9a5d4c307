// Starting real roomcast servers in the test process (for stats over comlink and captured logs); a server
// as a child process (for signals and the process's own file descriptors) is harness/server-process.ts.
// Each listens on a free loopback port.
import type { Logger } from 'pino';
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
// Every door listens on a free port, so tests running in parallel never collide.
const testDefaults: Partial<ServerConfig> = {
  host: '127.0.0.1',
  port: 0,
  ircPort: 0,
  httpPort: 0,
  workers: 2,
  maxConnectsPerIpPerSecond: 0,
  logLevel: 'warn',
};

/** `log` receives the acceptor's records (see captureLog); by default they go to stdout. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, log?: Logger): Promise<TestServer> {
  const server = await startServer({ ...defaultConfig, ...testDefaults, ...overrides }, log);
  return { port: server.address.port, server, close: () => server.close() };
}
