// Clients on different workers all receive every room message, in one and the same order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 3, floodMessagesPerSecond: 0 });
});
after(() => server.close());

test('every member on every worker sees every message of the room in the same order', async () => {
  const clients = await Promise.all(Array.from({ length: 9 }, (_, i) => LineClient.joined(server.port, `member${i}`)));
  const { workers } = await server.server.stats();
  assert.deepEqual(
    workers.map((worker) => worker.connections),
    [3, 3, 3],
    'the acceptor spreads connections evenly over the workers',
  );

  const publishers = clients.slice(0, 4);
  const perPublisher = 250;
  // Publishers on different workers interleave freely; only the coordinator decides the order.
  await Promise.all(
    publishers.map(async (publisher, p) => {
      for (let i = 0; i < perPublisher; i++) {
        publisher.send(`p${p} m${i}`);
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );

  const isChat = (line: string) => /^\[lobby\] <member\d> p\d m\d+$/.test(line);
  const total = publishers.length * perPublisher;
  const seen = await Promise.all(clients.map((client) => client.waitForCount(isChat, total, 20_000)));
  for (const [index, lines] of seen.entries()) {
    assert.equal(lines.length, total, `client ${index} got every message exactly once`);
    assert.deepEqual(lines, seen[0], `client ${index} saw the same order as client 0`);
  }
  // Each sender's own messages keep the order it sent them in.
  for (let p = 0; p < publishers.length; p++) {
    const own = seen[0]!.filter((line) => line.includes(` p${p} `)).map((line) => Number(line.split(' m')[1]));
    assert.deepEqual(
      own,
      Array.from({ length: perPublisher }, (_, i) => i),
    );
  }
  const stats = await server.server.stats();
  assert.equal(stats.coordinator.nicks, clients.length);
  for (const client of clients) client.close();
});
