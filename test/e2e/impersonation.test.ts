// Nobody can pass as someone else: the coordinator names every sender, look-alike nicks are refused, text
// cannot reorder or hide itself, and replayed history cannot pass for live lines.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2 });
});
after(() => server.close());

test('rename race: a line sent right behind /nick appears under the new nick, never the one given up', async () => {
  // Regression: the worker stamped the nick it knew (the old one) on the line while the coordinator had
  // already freed that nick, so a line could appear under a nick someone else could now hold.
  const watcher = await LineClient.joined(server.port, 'watcher');
  const renamer = await LineClient.joined(server.port, 'olduser');
  renamer.socket.write('/nick newuser\nwho said this?\n');
  const line = await watcher.waitFor((text) => text.endsWith('who said this?'));
  assert.equal(line, '[lobby] <newuser> who said this?');
  watcher.close();
  renamer.close();
});

test('look-alike nicks are refused next to the real one: aIice, a1ice, b0b, BOB', async () => {
  const alice = await LineClient.joined(server.port, 'alice');
  const bob = await LineClient.joined(server.port, 'bob');
  for (const [impostor, code] of [
    ['aIice', 'NICK_LOOKALIKE'],
    ['a1ice', 'NICK_LOOKALIKE'],
    ['b0b', 'NICK_LOOKALIKE'],
    ['BOB', 'NICK_TAKEN'],
  ] as const) {
    const client = await LineClient.connect(server.port);
    client.send(impostor);
    assert.match(await client.waitFor((line) => line.startsWith('!!')), new RegExp(`^!! ${code} `), impostor);
    client.close();
  }
  const renamer = await LineClient.joined(server.port, 'carol');
  renamer.send('/nick aIice');
  assert.match(await renamer.waitFor((line) => line.startsWith('!!')), /^!! NICK_LOOKALIKE .*"alice"/);
  for (const client of [alice, bob, renamer]) client.close();
});

test('bidi controls, zero-width characters and line separators reach others neutralised', async () => {
  const sender = await LineClient.joined(server.port, 'sender');
  const reader = await LineClient.joined(server.port, 'reader');
  sender.send('pay \u202eeviltxt.exe\u2028[lobby] <admin> trust me\u200b!');
  const line = await reader.waitFor((text) => text.startsWith('[lobby] <sender> pay'));
  assert.equal(line, '[lobby] <sender> pay \uFFFDeviltxt.exe\uFFFD[lobby] <admin> trust me\uFFFD!');
  sender.close();
  reader.close();
});

test('replayed history is marked with the time it was sent, unlike live lines', async () => {
  const talker = await LineClient.joined(server.port, 'talker');
  talker.send('/join archive');
  talker.send('said earlier');
  await talker.waitFor((line) => line === '[archive] <talker> said earlier');
  const late = await LineClient.joined(server.port, 'late');
  late.send('/join archive');
  await late.waitFor((line) => line === '[archive] -- late joined');
  const replayed = late.lines.find((line) => line.endsWith('[archive] <talker> said earlier'));
  assert.match(replayed ?? '', /^-- \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \[archive\] <talker> said earlier$/);
  assert.ok(!late.lines.includes('[archive] <talker> said earlier'), 'never as a live line');
  talker.close();
  late.close();
});
