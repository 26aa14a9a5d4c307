// roomcast as a library: start a whole server (acceptor, coordinator, connection workers) in-process.
// src/main.ts is the command line around it; tests and benchmarks start it the same way.
import type { AddressInfo, Server } from 'node:net';
import { listen } from './acceptor/acceptor.ts';
import { Supervisor, type ServerStats } from './acceptor/supervisor.ts';
import type { ServerConfig } from './config.ts';
import { errorLine } from './protocol/errors.ts';

export interface RunningServer {
  readonly address: AddressInfo;
  stats(): Promise<ServerStats>;
  /** Stops accepting, tells every client, flushes, closes and ends every thread. */
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const supervisor = new Supervisor(config);
  let server: Server;
  try {
    server = await listen(config, supervisor);
  } catch (error) {
    await supervisor.stop(errorLine('SHUTTING_DOWN'));
    throw error;
  }
  return {
    address: server.address() as AddressInfo,
    stats: () => supervisor.stats(),
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await supervisor.stop(errorLine('SHUTTING_DOWN'));
      await stopped;
    },
  };
}
