// Private messages and nick uniqueness hold across workers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2 });
});
after(() => server.close());

test('a private message crosses workers and reaches only its recipient', async () => {
  const alice = await LineClient.joined(server.port, 'alice');
  const bob = await LineClient.joined(server.port, 'bob');
  const carol = await LineClient.joined(server.port, 'carol');
  const { workers } = await server.server.stats();
  assert.ok(
    workers.every((worker) => worker.connections >= 1),
    'alice and bob are on different workers',
  );

  alice.send('/msg Bob psst, over here');
  assert.equal(await bob.waitFor((line) => line.startsWith('[pm]')), '[pm] <alice> psst, over here');
  assert.equal(await alice.waitFor((line) => line.startsWith('[pm ->')), '[pm -> bob] <alice> psst, over here');

  alice.send('/msg nobody hello?');
  assert.match(await alice.waitFor((line) => line.startsWith('!!')), /^!! NO_SUCH_NICK /);
  // carol hears nothing private; a later room line proves her stream is up to date.
  alice.send('done');
  await carol.waitFor((line) => line === '[lobby] <alice> done');
  assert.ok(!carol.lines.some((line) => line.includes('psst')));
  for (const client of [alice, bob, carol]) client.close();
});

test('nicks are unique server-wide regardless of case and worker', async () => {
  const first = await LineClient.joined(server.port, 'Dana');
  const second = await LineClient.connect(server.port);
  second.send('dana');
  assert.match(await second.waitFor((line) => line.startsWith('!!')), /^!! NICK_TAKEN /);
  second.send('dana2');
  await second.waitFor((line) => line === '[lobby] -- dana2 joined');

  second.send('/nick DANA');
  assert.match(await second.waitFor((line) => line.startsWith('!! NICK_TAKEN') && line.includes('"DANA"')), /already in use/);
  first.send('/nick Dana_away');
  await second.waitFor((line) => line === '[lobby] -- Dana is now known as Dana_away');
  second.send('/nick dana');
  await first.waitFor((line) => line === '[lobby] -- dana2 is now known as dana');
  assert.ok(!second.closed && !first.closed, 'a refused nick never disconnects');
  first.close();
  second.close();
});

test('a nick is free again once its owner has gone', async () => {
  const eve = await LineClient.joined(server.port, 'eve');
  eve.send('/quit see you');
  await eve.waitForClose();
  const again = await LineClient.joined(server.port, 'eve');
  again.close();
});
