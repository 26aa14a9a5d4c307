// A connection worker dies: the supervisor starts a new one, the coordinator forgets the dead worker's
// users (their rooms see them quit, their nicks are free), and everyone elsewhere keeps chatting
// without losing a message. New connections go to live workers only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2, testHooks: true, floodMessagesPerSecond: 0 });
});
after(() => server.close());

test('a crashed worker is replaced and nobody on the other worker loses a message', async () => {
  const clients = await Promise.all(['a0', 'b0', 'a1', 'b1'].map((nick) => LineClient.joined(server.port, nick)));
  const before = await server.server.stats();
  const [first] = before.workers;
  assert.equal(first!.connections, 2);

  // Which clients live on worker 0 shows when it crashes: exactly its connections close.
  const survivors: LineClient[] = [];
  const victims: LineClient[] = [];
  await server.server.crashWorkerForTest(0);
  await Promise.all(
    clients.map(async (client) => {
      try {
        await client.waitForClose(3000);
        victims.push(client);
      } catch {
        survivors.push(client);
      }
    }),
  );
  assert.equal(victims.length, 2, 'the crashed worker took its own two connections');
  assert.equal(survivors.length, 2);

  const victimNicks = victims.map((client) => /^-- Hello (\S+)\./.exec(client.lines.find((line) => line.startsWith('-- Hello'))!)![1]!);
  for (const nick of victimNicks) {
    await survivors[0]!.waitFor((line) => line === `[lobby] -- ${nick} quit (connection lost: server worker restarted)`);
  }

  // Survivors chat on without loss while the replacement starts.
  const [s0, s1] = survivors as [LineClient, LineClient];
  for (let i = 0; i < 100; i++) s0.send(`after crash ${i}`);
  const got = await s1.waitForCount((line) => line.startsWith(`[lobby] <`) && line.includes('after crash'), 100);
  assert.deepEqual(
    got.map((line) => Number(line.split('after crash ')[1])),
    Array.from({ length: 100 }, (_, i) => i),
  );

  // The dead users' nicks are free again, and new connections are served (by live workers only).
  for (let waited = 0; (await server.server.stats()).workers.length < 2 && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stats = await server.server.stats();
  assert.equal(stats.acceptor.workerRestarts, 1);
  assert.equal(stats.workers.length, 2, 'the replacement worker is up');
  const returning = await Promise.all(victimNicks.map((nick) => LineClient.joined(server.port, nick)));
  for (const client of [...survivors, ...returning]) client.close();
});

test('the crash hook is refused without testHooks', async () => {
  const plain = await startTestServer({ workers: 1 });
  try {
    await assert.rejects(plain.server.crashWorkerForTest(0), /test hooks are off/);
    const client = await LineClient.joined(plain.port, 'still_alive');
    client.close();
  } finally {
    await plain.close();
  }
});
