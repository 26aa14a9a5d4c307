// `npm start -- [flags]`: run a roomcast server until SIGINT or SIGTERM.
import { parseServerArgs } from './config.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';
import { statsLogLine } from './stats-log-line.ts';

const config = parseServerArgs(process.argv.slice(2));
const log = createLogger(config, 'acceptor');
const server = await startServer(config).catch((error: Error) => {
  console.error(`roomcast: cannot start: ${error.message}`);
  process.exit(1);
});
const { address, port } = server.address;
const tls = server.tlsAddress === undefined ? '' : `, TLS on ${server.tlsAddress.address}:${server.tlsAddress.port}`;
log.info(
  { address, port, workers: config.workers, node: process.version },
  `roomcast listening on ${address}:${port}${tls} with ${config.workers} connection workers (pid ${process.pid}, Node ${process.version})`,
);

if (config.statsIntervalMs > 0) {
  setInterval(async () => console.log(statsLogLine(await server.stats())), config.statsIntervalMs).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`roomcast: ${signal} received; delivering what was accepted, then closing every connection`);
    const deadline = setTimeout(() => {
      console.error(`roomcast: shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting anyway`);
      process.exit(0);
    }, config.shutdownTimeoutMs);
    server.close().then(() => {
      clearTimeout(deadline);
      console.log('roomcast: stopped');
      process.exit(0);
    });
  });
}
