/**
 * Baseline: the single-thread coalescing broadcast server that ARCHITECTURE.md measured at ~16 M
 * deliveries per CPU-second. Each line is encoded once; each client's queued lines go out as one write
 * per event-loop turn. No rooms, no nicks, no limits: the bar for what coalescing alone achieves, which
 * roomcast must keep through its thread hops (issue 3: ≥ 0.5× its deliveries per CPU-second).
 *
 *   node bench/baselines/coalescing-server.ts --port 9997
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9997' }, host: { type: 'string', default: '127.0.0.1' } } });
const queued = new Map<net.Socket, Buffer[]>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const [socket, chunks] of queued) {
    if (chunks.length > 0) socket.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    queued.set(socket, []);
  }
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  queued.set(socket, []);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const end = data.lastIndexOf(10) + 1;
    pending = Buffer.from(data.subarray(end));
    if (end === 0) return;
    const lines = data.subarray(0, end); // every complete line of this read, encoded once for all
    for (const chunks of queued.values()) chunks.push(lines);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => queued.delete(socket));
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address() as net.AddressInfo;
  console.log(`coalescing server listening on ${address.address}:${address.port}`);
});
