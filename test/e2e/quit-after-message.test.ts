// Regression: a client that sent a line and /quit in one go used to be dropped from its rooms at once,
// so everyone but the sender saw its last line. Now it gets every line sequenced before it left.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2 });
});
after(() => server.close());

test('a line sent right before /quit reaches the sender too, and then Bye', async () => {
  const stayer = await LineClient.joined(server.port, 'stayer');
  const leaver = await LineClient.joined(server.port, 'leaver');
  leaver.socket.write('last words\n/quit off to bed\n');
  await leaver.waitForClose();
  const tail = leaver.lines.slice(leaver.lines.indexOf('[lobby] -- leaver joined') + 1);
  assert.deepEqual(tail, ['[lobby] <leaver> last words', '-- Bye.']);
  await stayer.waitFor((line) => line === '[lobby] -- leaver quit (off to bed)');
  assert.equal(stayer.lines.at(-2), '[lobby] <leaver> last words');
  stayer.close();
});
