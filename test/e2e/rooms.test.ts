// Joining, parting, listing rooms and members, history on join, plain lines going to the current room.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2, historyOnJoin: 3 });
});
after(() => server.close());

test('join, part, rooms and who', async () => {
  const ann = await LineClient.joined(server.port, 'ann');
  const ben = await LineClient.joined(server.port, 'ben');

  ann.send('/join #Dev');
  await ann.waitFor((line) => line === '[dev] -- ann joined');
  ann.send('in dev');
  await ann.waitFor((line) => line === '[dev] <ann> in dev');
  assert.ok(!ben.lines.some((line) => line.startsWith('[dev]')), 'ben is not in dev and reads nothing of it');

  ben.send('/rooms');
  assert.equal(await ben.waitFor((line) => line.startsWith('-- rooms:')), '-- rooms: dev (1), lobby (2)');
  ben.send('/who dev');
  assert.equal(await ben.waitFor((line) => line.startsWith('-- dev')), '-- dev (1): ann');
  ben.send('/join dev');
  await ann.waitFor((line) => line === '[dev] -- ben joined');
  ben.send('/who');
  assert.equal(await ben.waitFor((line) => line.startsWith('-- dev (2)')), '-- dev (2): ann, ben');

  ann.send('/switch lobby');
  ann.send('back in lobby');
  await ben.waitFor((line) => line === '[lobby] <ann> back in lobby');

  ann.send('/part dev');
  await ben.waitFor((line) => line === '[dev] -- ann left');
  assert.match(await ann.waitFor((line) => line.startsWith('-- You left dev')), /current room is lobby/);
  ann.send('/part dev');
  assert.match(await ann.waitFor((line) => line.startsWith('!!')), /^!! NOT_IN_ROOM /);
  ann.send('/join bad room!');
  assert.match(await ann.waitFor((line) => line.startsWith('!! USAGE')), /\/join ROOM/);
  ann.send('/join b@d');
  assert.match(await ann.waitFor((line) => line.startsWith('!! ROOM_INVALID')), /"b@d"/);
  ann.send('/frobnicate');
  assert.match(await ann.waitFor((line) => line.startsWith('!! UNKNOWN_COMMAND')), /frobnicate/);
  ann.send('/me waves');
  await ben.waitFor((line) => line === '[lobby] * ann waves');
  assert.ok(!ann.closed && !ben.closed);
  ann.close();
  ben.close();
});

test('a joiner gets recent history, and /history asks for more', async () => {
  const host = await LineClient.joined(server.port, 'host');
  host.send('/join talk');
  for (let i = 1; i <= 5; i++) host.send(`line ${i}`);
  await host.waitFor((line) => line === '[talk] <host> line 5');

  const guest = await LineClient.joined(server.port, 'guest');
  guest.send('/join talk');
  await guest.waitFor((line) => line === '[talk] -- guest joined');
  const start = guest.lines.indexOf('-- last 3 messages of talk:');
  assert.ok(start !== -1, 'history header');
  assert.deepEqual(guest.lines.slice(start + 1, start + 5), [
    '[talk] <host> line 3',
    '[talk] <host> line 4',
    '[talk] <host> line 5',
    '[talk] -- guest joined',
  ]);

  const from = guest.lines.length;
  guest.send('/history 6');
  await guest.waitFor((line) => line === '[talk] -- guest joined', 5000, from);
  const more = guest.lines.slice(guest.lines.indexOf('-- last 6 messages of talk:', from) + 1);
  assert.deepEqual(more.slice(0, 6), [
    '[talk] <host> line 1',
    '[talk] <host> line 2',
    '[talk] <host> line 3',
    '[talk] <host> line 4',
    '[talk] <host> line 5',
    '[talk] -- guest joined',
  ]);
  host.close();
  guest.close();
});

test('too many rooms is refused with an error, not a disconnect', async () => {
  const busy = await LineClient.joined(server.port, 'busy');
  const { maxRoomsPerClient } = defaultConfig;
  for (let i = 1; i < maxRoomsPerClient; i++) busy.send(`/join r${i}`);
  await busy.waitFor((line) => line === `[r${maxRoomsPerClient - 1}] -- busy joined`);
  busy.send('/join one-too-many');
  assert.match(await busy.waitFor((line) => line.startsWith('!!')), /^!! TOO_MANY_ROOMS /);
  busy.close();
});

test('past --max-rooms a new room is refused and the current room stays what it was', async () => {
  const small = await startTestServer({ workers: 1, maxRooms: 2 });
  try {
    const maker = await LineClient.joined(small.port, 'maker');
    maker.send('/join first');
    await maker.waitFor((line) => line === '[first] -- maker joined');
    maker.send('/join second');
    assert.match(await maker.waitFor((line) => line.startsWith('!!')), /^!! ROOM_LIMIT .*"second"/);
    maker.send('still in first');
    await maker.waitFor((line) => line === '[first] <maker> still in first');
    maker.send('/rooms');
    assert.equal(await maker.waitFor((line) => line.startsWith('-- rooms:')), '-- rooms: first (1), lobby (1)');
    maker.close();
  } finally {
    await small.close();
  }
});
