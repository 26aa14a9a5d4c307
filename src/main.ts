// `npm start -- [flags]`: run a roomcast server until SIGINT or SIGTERM. Started through src/start.js,
// which checks the Node version first (this file needs Node 26 to run TypeScript at all).
import { describeBusUrl } from './bus/bus-url.ts';
import { parseServerArgs } from './config.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';
import { loadWindowMs, msToNextRecord } from './thread-load.ts';

const config = parseServerArgs(process.argv.slice(2));
const log = createLogger(config, 'acceptor');

// Every promise here is handled where it is made; should one still reject unobserved, say so and stop
// rather than run on in an unknown state. (pino writes out what it buffers when the process exits.)
process.on('unhandledRejection', (reason) => {
  log.fatal({ err: reason }, 'roomcast: unhandled promise rejection; exiting with status 1');
  process.exit(1);
});

const server = await startServer(config, log).catch((error: Error) => {
  log.fatal({ err: error }, `roomcast: cannot start: ${error.message}`);
  process.exit(1);
});
const { address, port } = server.address;
// The line protocol's address comes first, followed by a space: tools read its port from "listening on HOST:PORT ".
const doors = (
  [
    ['TLS', server.tlsAddress],
    ['IRC', server.ircAddress],
    ['HTTP', server.httpAddress],
  ] as const
)
  .filter(([, door]) => door !== undefined)
  .map(([name, door]) => `, ${name} on ${door!.address}:${door!.port}`)
  .join('');
// Said either way, so an operator sees at a glance whether this node is alone or one of several.
const sharing =
  config.busUrl === undefined ? 'one node, no bus' : `rooms shared over ${describeBusUrl(config.busUrl)} as "${config.busPrefix}"`;
log.info(
  { address, port, ircPort: server.ircAddress?.port, httpPort: server.httpAddress?.port, workers: config.workers, node: process.version },
  `roomcast listening on ${address}:${port} (line protocol)${doors} with ${config.workers} connection workers, ${sharing} (pid ${process.pid}, Node ${process.version})`,
);

if (config.statsIntervalMs > 0) {
  // The figures cross as data, the record's `stats` field (ServerStats), for tools to read (harness/stats-records.ts)
  // and log pipelines to query; people ask /stats or /metrics.
  // One request at a time: stats wait up to a few seconds for a hung thread, longer than the interval may be.
  // Taken half a window after each thread cuts its load window (thread-load.ts), so each record holds the
  // event-loop figures of the interval just ended.
  const windowMs = loadWindowMs(config.statsIntervalMs);
  let asking = false;
  const record = () => {
    setTimeout(record, msToNextRecord(Date.now(), windowMs)).unref();
    if (asking) return;
    asking = true;
    server
      .stats()
      .then(
        (stats) => log.info({ stats }, 'stats'),
        (error: unknown) => log.error({ err: error }, 'roomcast: stats failed'),
      )
      .finally(() => (asking = false));
  };
  setTimeout(record, msToNextRecord(Date.now(), windowMs)).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `roomcast: ${signal} received; delivering what was accepted, then closing every connection`);
    const deadline = setTimeout(() => {
      log.error(
        { shutdownTimeoutMs: config.shutdownTimeoutMs },
        `roomcast: shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting with status 1`,
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    server.close().then(
      () => {
        clearTimeout(deadline);
        log.info('roomcast: stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'roomcast: shutdown failed; exiting with status 1');
        process.exit(1);
      },
    );
  });
}
