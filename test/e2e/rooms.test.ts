// Joining, parting, listing rooms and members, history on join, plain lines going to the current room.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultConfig } from '../../src/config.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  // Tests here create rooms faster than a person would.
  server = await startTestServer({ workers: 2, historyOnJoin: 3, roomCreationsPerMinute: 1000 });
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

const replayTime = /^-- \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ /;
const withoutReplayTime = (line: string) => line.replace(replayTime, '');

test('a joiner gets recent history, and /history asks for more', async () => {
  const host = await LineClient.joined(server.port, 'host');
  host.send('/join talk');
  for (let i = 1; i <= 5; i++) host.send(`line ${i}`);
  await host.waitFor((line) => line === '[talk] <host> line 5');

  const guest = await LineClient.joined(server.port, 'guest');
  guest.send('/join talk');
  await guest.waitFor((line) => line === '[talk] -- guest joined');
  const start = guest.lines.indexOf('-- the last 3 messages of talk (earlier, times in UTC):');
  assert.ok(start !== -1, 'history header');
  // Replayed lines are marked as history, with the time each was sent; the live join notice is not.
  assert.deepEqual(guest.lines.slice(start + 1, start + 5).map(withoutReplayTime), [
    '[talk] <host> line 3',
    '[talk] <host> line 4',
    '[talk] <host> line 5',
    '[talk] -- guest joined',
  ]);
  assert.match(guest.lines[start + 1]!, replayTime);
  assert.doesNotMatch(guest.lines[start + 4]!, replayTime);

  const from = guest.lines.length;
  guest.send('/history 6');
  await guest.waitFor((line) => line.endsWith('Z [talk] -- guest joined'), 5000, from);
  const more = guest.lines.slice(guest.lines.indexOf('-- the last 6 messages of talk (earlier, times in UTC):', from) + 1);
  assert.ok(more.slice(0, 6).every((line) => replayTime.test(line)));
  assert.deepEqual(more.slice(0, 6).map(withoutReplayTime), [
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

test('room squatting: a client creates at most --room-creations-per-minute rooms; joining existing rooms is not limited', async () => {
  const small = await startTestServer({ workers: 2, roomCreationsPerMinute: 3 });
  try {
    const squatter = await LineClient.joined(small.port, 'squatter');
    const owner = await LineClient.joined(small.port, 'owner');
    owner.send('/join existing');
    await owner.waitFor((line) => line === '[existing] -- owner joined');
    for (const room of ['s1', 's2', 's3']) squatter.send(`/join ${room}`);
    await squatter.waitFor((line) => line === '[s3] -- squatter joined');
    squatter.send('/join s4');
    assert.match(await squatter.waitFor((line) => line.startsWith('!!')), /^!! ROOM_CREATION_LIMIT .*at most 3 new rooms a minute.*"s4"/);
    squatter.send('/join existing');
    await squatter.waitFor((line) => line === '[existing] -- squatter joined');
    // An emptied room is gone with its name: nobody holds it, so anyone can create it again.
    for (const room of ['s1', 's2', 's3', 'existing']) squatter.send(`/part ${room}`);
    await squatter.waitFor((line) => line.startsWith('-- You left existing.'));
    owner.send('/rooms');
    assert.equal(await owner.waitFor((line) => line.startsWith('-- rooms:')), '-- rooms: existing (1), lobby (2)');
    owner.send('/join s1');
    await owner.waitFor((line) => line === '[s1] -- owner joined');
    squatter.close();
    owner.close();
  } finally {
    await small.close();
  }
});

test('/part: the parting client still sees its own last line in that room, then leaves', async () => {
  // Regression: the worker dropped local membership at /part, before the coordinator had sequenced the
  // client's own last line, so that line never reached its sender.
  const parter = await LineClient.joined(server.port, 'parter');
  const stayer = await LineClient.joined(server.port, 'stayer');
  stayer.send('/join farewell');
  await stayer.waitFor((line) => line === '[farewell] -- stayer joined');
  parter.send('/join farewell');
  await stayer.waitFor((line) => line === '[farewell] -- parter joined');
  await parter.waitFor((line) => line === '[farewell] -- parter joined');
  const from = parter.lines.length;
  parter.socket.write('last words before leaving\n/part\n');
  await stayer.waitFor((line) => line === '[farewell] -- parter left');
  const left = await parter.waitFor((line) => line.startsWith('-- You left farewell.'), 5000, from);
  assert.equal(left, '-- You left farewell. Your current room is lobby.');
  const seen = parter.lines.slice(from);
  assert.ok(seen.indexOf('[farewell] <parter> last words before leaving') !== -1, `own last line arrives: ${seen.join(' | ')}`);
  assert.ok(seen.indexOf('[farewell] <parter> last words before leaving') < seen.indexOf(left), 'before the part is confirmed');
  assert.ok(!seen.includes('[farewell] -- parter left'), 'but not its own part notice');
  stayer.send('after the part');
  await stayer.waitFor((line) => line === '[farewell] <stayer> after the part');
  parter.send('/who farewell');
  await parter.waitFor((line) => line.startsWith('-- farewell (1)'));
  assert.ok(!parter.lines.includes('[farewell] <stayer> after the part'), 'nothing of the room after the part');
  parter.close();
  stayer.close();
});
