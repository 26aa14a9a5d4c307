// A client may name the room it starts in when it gives its nick (`NICK #ROOM`, a WebSocket hello with
// `room`): it never passes through the lobby, so the lobby sees neither its join nor its part. Load tests
// on a shared server use this to stay out of the lobby.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2 });
});
after(() => server.close());

/** Something `watcher` says in the lobby and sees come back: every lobby line sequenced before it has arrived. */
async function lobbyBarrier(watcher: LineClient, nick: string, text: string): Promise<void> {
  watcher.send(text);
  await watcher.waitFor((line) => line === `[lobby] <${nick}> ${text}`);
}

test('NICK #ROOM starts in ROOM; the lobby never sees the client', async () => {
  const watcher = await LineClient.joined(server.port, 'watcher');
  const bot = await LineClient.connect(server.port);
  bot.send('bot1 #Load-Test');
  assert.equal(await bot.waitFor((line) => line.startsWith('-- Hello')), '-- Hello bot1. You are in load-test; /help lists the commands.');
  await bot.waitFor((line) => line === '[load-test] -- bot1 joined');
  bot.send('hello room');
  await bot.waitFor((line) => line === '[load-test] <bot1> hello room');
  bot.send('/rooms');
  assert.equal(await bot.waitFor((line) => line.startsWith('-- rooms:')), '-- rooms: load-test (1), lobby (1)');
  bot.close();
  await lobbyBarrier(watcher, 'watcher', 'after the bot');
  assert.deepEqual(
    watcher.lines.filter((line) => line.includes('bot1')),
    [],
    'no join, part or quit of bot1 in the lobby',
  );
});

test('a bad first room is refused and the nick asked again; a plain nick still lands in the lobby', async () => {
  const client = await LineClient.connect(server.port);
  client.send('carol #no!room');
  assert.match(await client.waitFor((line) => line.startsWith('!!')), /^!! ROOM_INVALID "#no!room"/);
  client.send('carol');
  await client.waitFor((line) => line === '[lobby] -- carol joined');
  client.close();
});

test('a WebSocket hello with a room starts there', async () => {
  const watcher = await LineClient.joined(server.port, 'watcher2');
  const browser = new WebSocket(`ws://127.0.0.1:${server.server.httpAddress!.port}/ws`);
  const messages: string[] = [];
  browser.on('message', (data) => messages.push(String(data)));
  await once(browser, 'open');
  browser.send(JSON.stringify({ type: 'hello', nick: 'page1', room: 'bench' }));
  await waitUntil(
    () => messages.some((m) => m.includes('"room":"bench"') && m.includes('"from":"page1","kind":"join"')),
    10_000,
    () => `its join event in bench; got ${messages.join(' ')}`,
  );
  browser.close();
  await once(browser, 'close');
  await lobbyBarrier(watcher, 'watcher2', 'after the page');
  assert.deepEqual(
    watcher.lines.filter((line) => line.includes('page1')),
    [],
  );
});
