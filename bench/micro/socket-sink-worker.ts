// The reading end of socket-write.bench.ts, on its own thread so reading does not share the writer's
// event loop. It listens on a loopback port, counts the bytes of its one connection and acknowledges
// every `bytesPerAck`.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface SocketSinkData {
  bytesPerAck: number;
}

export type SocketSinkMessage = { type: 'listening'; port: number } | { type: 'ack' };

const { bytesPerAck } = workerData as SocketSinkData;
const server = net.createServer((socket) => {
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    while (received >= bytesPerAck) {
      received -= bytesPerAck;
      parentPort!.postMessage({ type: 'ack' } satisfies SocketSinkMessage);
    }
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo;
  parentPort!.postMessage({ type: 'listening', port } satisfies SocketSinkMessage);
});
