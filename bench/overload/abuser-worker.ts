// The abusers of the overload benchmark, on their own thread so their reading and writing never delays
// the bystanders' latency measurement. Each abuser chooses a nick, then spends exactly its default flood
// budget on listings: the saved-up burst at once, then the steady rate, cycling /rooms, /who, /history 100.
// It reads (and discards) every answer promptly, so it is never dropped as a slow consumer: the most it
// can cost the server while keeping to the rules it was given.
import { once } from 'node:events';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface AbuserData {
  port: number;
  count: number;
  /** Lines per second each abuser sends once its burst is spent (the server's default flood rate). */
  linesPerSecond: number;
  /** Lines each sends at once at the start (the default flood burst). */
  burstLines: number;
}

/** Abuser thread → main: `connected` once every abuser has its nick, `stopped` after `stop`. */
export type AbuserReport = { type: 'connected' } | { type: 'stopped'; closedByServer: number };

const { port, count, linesPerSecond, burstLines } = workerData as AbuserData;
const commands = ['/rooms', '/who', '/history 100'];
const tickMs = 100;
const sockets: net.Socket[] = [];
let closedByServer = 0;
let stopping = false;

async function connect(index: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  const hello = new Promise<void>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('Hello ')) {
        socket.off('data', onData);
        socket.on('data', () => {}); // keep reading, discard
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.on('close', () => {
    if (!stopping) closedByServer++;
  });
  socket.write(`abuser${index}\n`);
  await hello;
  return socket;
}

// Connect in small groups: a thousand simultaneous handshakes would only measure the accept queue.
for (let start = 0; start < count; start += 50) {
  const group = await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => connect(start + i)));
  sockets.push(...group);
}
parentPort!.postMessage({ type: 'connected' } satisfies AbuserReport);

let next = 0;
const lines = (n: number) => {
  let text = '';
  for (let i = 0; i < n; i++) text += `${commands[next++ % commands.length]}\n`;
  return text;
};
let timer: NodeJS.Timeout | undefined;
parentPort!.on('message', (message: 'start' | 'stop') => {
  if (message === 'start') {
    for (const socket of sockets) if (!socket.destroyed) socket.write(lines(burstLines));
    const perTick = (linesPerSecond * tickMs) / 1000;
    timer = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write(lines(perTick));
    }, tickMs);
    return;
  }
  stopping = true;
  clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  parentPort!.postMessage({ type: 'stopped', closedByServer } satisfies AbuserReport);
  parentPort!.close();
});
