// roomcast as a library: start a whole server (acceptor, coordinator, connection workers) in-process.
// src/main.ts is the command line around it; tests and benchmarks start it the same way.
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { createSecureContext } from 'node:tls';
import { listen } from './acceptor/acceptor.ts';
import { Supervisor } from './acceptor/supervisor.ts';
import type { ServerConfig } from './config.ts';
import type { ServerStats } from './control-api.ts';
import { createLogger, type Logger } from './log.ts';
import type { MetricsHttpServer } from './metrics/metrics-http-server.ts';
import { errorNotice } from './protocol/errors.ts';
import type { Door } from './thread-messages.ts';

export interface RunningServer {
  /** The line protocol's address. */
  readonly address: AddressInfo;
  /** The TLS listener's address, when --tls-cert and --tls-key were given. */
  readonly tlsAddress: AddressInfo | undefined;
  /** The IRC door's address, unless --no-irc. */
  readonly ircAddress: AddressInfo | undefined;
  /** The browser door's address, unless --no-http. */
  readonly httpAddress: AddressInfo | undefined;
  /** Whole-server stats; a worker that dies or hangs meanwhile is left out (see Supervisor.stats). */
  /** The Prometheus endpoint's address, when --metrics-port was given. */
  readonly metricsAddress: AddressInfo | undefined;
  stats(): Promise<ServerStats>;
  /** Stops accepting, delivers what was accepted, tells every client, flushes, closes, ends every thread. */
  close(): Promise<void>;
  /** Test hook: crash connection worker `index`; refused unless config.testHooks. */
  crashWorkerForTest(index: number): Promise<void>;
  /** Test hook: keep connection worker `index` busy for `ms` in one turn; refused unless config.testHooks. */
  blockWorkerForTest(index: number, ms: number): Promise<void>;
}

/**
 * Starts the threads, waits until the connection workers are ready (rejecting if none can start), then
 * listens. `log` is the main thread's logger (main.ts creates it; by default one is made from `config`).
 */
export async function startServer(config: ServerConfig, log: Logger = createLogger(config, 'acceptor')): Promise<RunningServer> {
  if (config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined) {
    // Fail at start-up with the real reason (missing file, key does not match) rather than per client.
    createSecureContext({ cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) });
  }
  const supervisor = new Supervisor(config, log);
  const listeners: Server[] = [];
  let metrics: MetricsHttpServer | undefined;
  const open = async (port: number, door: Door, tls: boolean) => {
    const listener = await listen(config.host, port, supervisor, door, tls, log);
    listeners.push(listener);
    return listener.address() as AddressInfo;
  };
  let address: AddressInfo;
  let tlsAddress: AddressInfo | undefined;
  let ircAddress: AddressInfo | undefined;
  let httpAddress: AddressInfo | undefined;
  try {
    await supervisor.started();
    address = await open(config.port, 'line', false);
    if (config.tlsCertFile !== undefined) tlsAddress = await open(config.tlsPort, 'line', true);
    if (config.ircPort !== undefined) ircAddress = await open(config.ircPort, 'irc', false);
    if (config.httpPort !== undefined) httpAddress = await open(config.httpPort, 'http', false);
    if (config.metricsPort !== undefined) {
      // Loaded only when asked for: prom-client adds ~75 ms to every start otherwise.
      const { startMetricsHttpServer } = await import('./metrics/metrics-http-server.ts');
      metrics = await startMetricsHttpServer(config.metricsHost, config.metricsPort, () => supervisor.stats());
    }
  } catch (error) {
    for (const listener of listeners) listener.close();
    await supervisor.stop(errorNotice('SHUTTING_DOWN'));
    throw error;
  }
  return {
    address,
    tlsAddress,
    ircAddress,
    httpAddress,
    metricsAddress: metrics?.address,
    stats: () => supervisor.stats(),
    async close() {
      for (const listener of listeners) listener.close();
      await metrics?.close();
      await supervisor.stop(errorNotice('SHUTTING_DOWN'));
    },
    crashWorkerForTest: (index) => supervisor.crashWorkerForTest(index),
    blockWorkerForTest: (index, ms) => supervisor.blockWorkerForTest(index, ms),
  };
}
