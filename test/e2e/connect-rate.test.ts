// The per-address connect rate: an address may open a burst of connections at once, then no more than
// the rate; one over it gets exactly one CONNECTING_TOO_FAST line and is closed, while other addresses
// and the connections already in are unaffected.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { sleep, waitUntil } from '../helpers/wait-until.ts';

/** Connects from `localAddress` and chooses a nick: undefined if greeted, else what the server said before closing. */
async function refusalFrom(port: number, localAddress = '127.0.0.1'): Promise<string | undefined> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write('rate_probe\n');
  // Admitted: the server greets the nick. Refused: one line, then the close.
  await waitUntil(() => socket.destroyed || socket.readableEnded || text.includes('-- Hello '), 5000, 'a greeting or a close');
  socket.destroy();
  return text.includes('-- Hello ') ? undefined : text;
}

test('past its burst an address is refused with CONNECTING_TOO_FAST until its rate lets it in again', async (t) => {
  const server = await startTestServer({ maxConnectsPerIpPerSecond: 2, connectBurstPerIp: 3 });
  t.after(() => server.close());

  const burst = await Promise.all(['a', 'b', 'c'].map((nick) => LineClient.joined(server.port, nick)));
  assert.match((await refusalFrom(server.port)) ?? 'admitted', /^!! CONNECTING_TOO_FAST [^\n]*\b2 times a second\b[^\n]*\n$/);
  // Linux routes all of 127/8 to lo: another source address has its own bucket.
  assert.equal(await refusalFrom(server.port, '127.0.0.2'), undefined, 'another address is admitted');

  // Tokens flow back at 2 a second, and a refused attempt spends none: 127.0.0.1 is soon let in again.
  const deadline = Date.now() + 5000;
  let refusedRetries = 0;
  while ((await refusalFrom(server.port)) !== undefined) {
    assert.ok(Date.now() < deadline, '127.0.0.1 is let in again within 5 s');
    refusedRetries++;
    await sleep(50);
  }
  const { acceptor } = await server.server.stats();
  assert.equal(acceptor.refusedTooFast, 1 + refusedRetries);
  burst[0]!.send('still here');
  await burst[1]!.waitFor((line) => line === '[lobby] <a> still here');
  for (const client of burst) client.close();
});
