// `npm start -- [flags]`: run a roomcast server until SIGINT or SIGTERM.
import { parseServerArgs } from './config.ts';
import { startServer } from './server.ts';

const config = parseServerArgs(process.argv.slice(2));
const server = await startServer(config);
const { address, port } = server.address;
console.log(`roomcast listening on ${address}:${port} with ${config.workers} connection workers (Node ${process.version})`);

if (config.statsIntervalMs > 0) {
  setInterval(async () => {
    const { coordinator, workers, workerRestarts } = await server.stats();
    const sum = (key: 'connections' | 'messagesIn' | 'deliveriesOut' | 'queuedBytes') =>
      workers.reduce((total, worker) => total + worker[key], 0);
    console.log(
      `stats: connections=${sum('connections')} nicks=${coordinator.nicks} rooms=${coordinator.rooms} ` +
        `messagesIn=${sum('messagesIn')} roomMessages=${coordinator.roomMessages} deliveriesOut=${sum('deliveriesOut')} ` +
        `queuedBytes=${sum('queuedBytes')} workerRestarts=${workerRestarts}`,
    );
  }, config.statsIntervalMs).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`roomcast: ${signal} received, closing connections`);
    server.close().then(() => process.exit(0));
  });
}
