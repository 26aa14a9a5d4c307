// ClientOutput on a real loopback socket pair: how it closes a client.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { BacklogWatch } from '../workers/connection/backlog-watch.ts';
import { ClientOutput, type OutputContext } from '../workers/connection/client-output.ts';
import { WriteBatcher } from '../workers/connection/write-batcher.ts';

/** The server's end of a fresh connection, and the peer's; the peer keeps its side open when told so. */
async function socketPair(t: TestContext, allowHalfOpen: boolean): Promise<{ server: net.Socket; peer: net.Socket }> {
  const listener = net.createServer().listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const peer = net.connect({ port: (listener.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen });
  const [server] = await accepted;
  t.after(() => {
    peer.destroy();
    server.destroy();
    listener.close();
  });
  return { server, peer };
}

function outputContext(): OutputContext {
  return {
    config: { maxOutputBytes: 1 << 20, writeStallMs: 10_000 },
    batcher: new WriteBatcher(),
    backlogWatch: new BacklogWatch(),
    counters: { deliveriesOut: 0, bytesOut: 0, socketWrites: 0 },
  };
}

async function readAll(peer: net.Socket): Promise<string> {
  let text = '';
  peer.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  await once(peer, 'end', { signal: AbortSignal.timeout(5000) });
  return text;
}

test('a slow consumer’s end drops what is queued, writes the reason line alone, and frees the socket when the peer closes', async (t) => {
  const { server, peer } = await socketPair(t, false);
  const context = outputContext();
  const output = new ClientOutput(server, context, () => {});
  output.write(Buffer.from('queued line\n'));
  const closed = once(server, 'close', { signal: AbortSignal.timeout(5000) });
  // A grace far longer than the test: only the peer's close can free the socket in time.
  output.end(Buffer.from('!! SLOW_CONSUMER reason\n'), 60_000, true);
  output.write(Buffer.from('after the end\n'));
  assert.equal(await readAll(peer), '!! SLOW_CONSUMER reason\n');
  await closed;
  assert.equal(context.counters.socketWrites, 1);
});

test('a peer that never closes its side is cut off after the grace', async (t) => {
  const { server, peer } = await socketPair(t, true);
  const output = new ClientOutput(server, outputContext(), () => {});
  output.write(Buffer.from('queued line\n'));
  const closed = once(server, 'close', { signal: AbortSignal.timeout(5000) });
  output.end(Buffer.from('-- bye\n'), 50);
  assert.equal(await readAll(peer), 'queued line\n-- bye\n');
  await closed;
  assert.equal(server.destroyed, true);
});
