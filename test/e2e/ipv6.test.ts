// The server over IPv6 loopback (::1): clients are served, and the per-address cap counts them by their
// /64 (src/acceptor/address-key.ts; the grouping itself is unit-tested, as loopback has one address).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';

// Linux has ::1 unless IPv6 is switched off; there the test fails at listen() rather than being skipped.
test('over ::1 clients chat, and past the per-address cap one gets TOO_MANY_CONNECTIONS', async (t) => {
  const server = await startTestServer({ host: '::1', maxConnectionsPerIp: 2 });
  t.after(() => server.close());
  const joined = async (nick: string) => {
    const client = await LineClient.connect(server.port, '::1');
    client.send(nick);
    await client.waitFor((line) => line === `[lobby] -- ${nick} joined`);
    return client;
  };
  const [alice, bob] = [await joined('alice'), await joined('bob')];
  const refused = await LineClient.connect(server.port, '::1');
  await refused.waitForClose(5000);
  assert.equal(refused.lines.length, 1);
  assert.match(refused.lines[0]!, /^!! TOO_MANY_CONNECTIONS .*\b2 connections\b/);

  alice.send('hello over IPv6');
  await bob.waitFor((line) => line === '[lobby] <alice> hello over IPv6');
  const { acceptor } = await server.server.stats();
  assert.deepEqual({ live: acceptor.liveConnections, refused: acceptor.refusedPerIpLimit }, { live: 2, refused: 1 });
  for (const client of [alice, bob]) client.close();
});
