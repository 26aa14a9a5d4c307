/**
 * Baseline: the naive single-thread broadcast server. Splits input into lines and relays each line to
 * every client with one socket.write per recipient per message — no encode-once, no batching. This is
 * the shape roomcast's fan-out is measured against.
 *
 *   node bench/baselines/naive-server.ts --port 9998
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9998' }, host: { type: 'string', default: '127.0.0.1' } } });
const clients = new Set<net.Socket>();

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  clients.add(socket);
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      for (const client of clients) client.write(`${line}\n`);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => clients.delete(socket));
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address() as net.AddressInfo;
  console.log(`naive server listening on ${address.address}:${address.port}`);
});
