// Connection caps: past the server-wide or the per-address limit a new connection gets exactly one error
// line and is closed, without disturbing the clients already in; a freed slot admits the next one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertLossless, ChatPeer } from '../helpers/chat-peer.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { everythingUntilClose } from '../helpers/until-closed.ts';
import { sleep } from '../helpers/wait-until.ts';

/** Each peer says one numbered line; every peer must get all of them. */
async function chatRound(peers: ChatPeer[]): Promise<void> {
  const targets = peers.map((peer) => peer.received.length + peers.length);
  for (const peer of peers) peer.sendNext();
  await Promise.all(peers.map((peer, i) => peer.until(() => peer.received.length >= targets[i]!, 5000, `${targets[i]} lines`)));
}

/** Waits until the acceptor counts `count` live connections (it hears of a close from the worker). */
async function untilLive(server: TestServer, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await server.server.stats()).acceptor.liveConnections !== count) {
    if (Date.now() > deadline) throw new Error(`live connections never reached ${count}`);
    await sleep(10);
  }
}

test('over maxConnections a newcomer gets one SERVER_FULL line; a freed slot admits the next', async (t) => {
  const maxConnections = 4;
  const server = await startTestServer({ maxConnections });
  t.after(() => server.close());
  const members = await Promise.all(Array.from({ length: maxConnections }, (_, i) => ChatPeer.join(server.port, `member${i}`)));
  await chatRound(members);

  assert.match(await everythingUntilClose(server.port), /^!! SERVER_FULL [^\n]*\n$/, 'exactly one line, then the close');
  await chatRound(members);
  assertLossless(members, members);

  members.pop()!.close();
  await untilLive(server, maxConnections - 1);
  const newcomer = await ChatPeer.join(server.port, 'newcomer');
  const everyone = [...members, newcomer];
  await chatRound(everyone);
  // Senders on different workers interleave freely: compare as sets.
  assert.deepEqual(newcomer.received.toSorted(), everyone.map((peer) => `${peer.nick}#${peer.sent - 1}`).toSorted());

  const { acceptor } = await server.server.stats();
  assert.deepEqual(
    {
      refusedServerFull: acceptor.refusedServerFull,
      refusedPerIpLimit: acceptor.refusedPerIpLimit,
      liveConnections: acceptor.liveConnections,
    },
    { refusedServerFull: 1, refusedPerIpLimit: 0, liveConnections: maxConnections },
  );
  for (const peer of everyone) peer.close();
});

test('over maxConnectionsPerIp one address gets TOO_MANY_CONNECTIONS while another is admitted', async (t) => {
  const maxConnectionsPerIp = 3;
  const server = await startTestServer({ maxConnectionsPerIp });
  t.after(() => server.close());
  const local = await Promise.all(Array.from({ length: maxConnectionsPerIp }, (_, i) => ChatPeer.join(server.port, `local${i}`)));

  const refusal = await everythingUntilClose(server.port);
  assert.match(refusal, /^!! TOO_MANY_CONNECTIONS [^\n]*\b3 connections\b[^\n]*\n$/, 'exactly one line naming the limit');
  // Linux routes all of 127/8 to lo: another source address is another client as far as the cap goes.
  const neighbour = await ChatPeer.join(server.port, 'neighbour', '127.0.0.2');
  const everyone = [...local, neighbour];
  await chatRound(everyone);
  assertLossless(everyone, everyone);

  local.pop()!.close();
  await untilLive(server, maxConnectionsPerIp);
  const returning = await ChatPeer.join(server.port, 'returning');
  await chatRound([...local, neighbour, returning]);

  const { acceptor } = await server.server.stats();
  assert.deepEqual(
    {
      refusedServerFull: acceptor.refusedServerFull,
      refusedPerIpLimit: acceptor.refusedPerIpLimit,
      liveConnections: acceptor.liveConnections,
    },
    { refusedServerFull: 0, refusedPerIpLimit: 1, liveConnections: maxConnectionsPerIp + 1 },
  );
  for (const peer of [...local, neighbour, returning]) peer.close();
});
