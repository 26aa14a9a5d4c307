import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { endThenDestroy } from '../src/end-then-destroy.ts';

let server: net.Server;
const accepted: net.Socket[] = [];
before(async () => {
  server = net.createServer((socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
after(() => server.close());

/**
 * A connected pair: `ours` is the server's side, `peer` the client's. A peer with allowHalfOpen keeps its
 * side open after our FIN, as a client that stopped caring would; everything it receives is kept.
 */
async function pair(peerHalfOpen: boolean): Promise<{ ours: net.Socket; peer: net.Socket; received: () => string }> {
  const count = accepted.length;
  const peer = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: peerHalfOpen });
  let text = '';
  peer.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  peer.on('error', () => {});
  await once(peer, 'connect');
  while (accepted.length === count) await once(server, 'connection');
  return { ours: accepted.at(-1)!, peer, received: () => text };
}

const timeout = () => ({ signal: AbortSignal.timeout(5000) });

test('a peer that closes its side gets the last chunk, and the socket is freed then, not at the grace period', async () => {
  const { ours, peer, received } = await pair(false);
  ours.resume(); // read, as a session does: the peer's FIN is only seen on a socket that reads
  const peerClosed = once(peer, 'close', timeout());
  endThenDestroy(ours, 60_000, 'bye\n');
  await Promise.all([once(ours, 'close', timeout()), peerClosed]);
  assert.equal(received(), 'bye\n');
});

test('a peer that never closes its side is cut off after the grace period, with the last chunk delivered', async () => {
  const { ours, peer, received } = await pair(true);
  const graceMs = 300;
  const started = performance.now();
  endThenDestroy(ours, graceMs, 'bye\n');
  await once(peer, 'end', timeout()); // well before graceMs on loopback
  assert.equal(ours.destroyed, false, 'still waiting for the peer');
  await once(ours, 'close', timeout());
  // Timers may fire a millisecond early by performance.now(); never much earlier.
  assert.ok(performance.now() - started >= graceMs - 5, `closed after ${performance.now() - started} ms`);
  assert.equal(received(), 'bye\n');
  peer.destroy();
});

test('destroyWhenFlushed frees the socket once the last chunk is written, without waiting for the peer', async () => {
  const { ours, peer, received } = await pair(true);
  const peerEnded = once(peer, 'end', timeout());
  endThenDestroy(ours, 60_000, 'refused\n', { destroyWhenFlushed: true });
  await Promise.all([once(ours, 'close', timeout()), peerEnded]);
  assert.equal(received(), 'refused\n');
  peer.destroy();
});
