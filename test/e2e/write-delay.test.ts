// --write-delay-ms on a real server: a room line is held that long before it is written (that the lines
// held meanwhile go out together is test/write-batcher.test.ts's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';

const delayMs = 250;

test('a line is written no sooner than --write-delay-ms after it was sent', async (t) => {
  const { port, close } = await startTestServer({ workers: 1, writeDelayMs: delayMs });
  t.after(close);
  const alice = await LineClient.joined(port, 'alice');
  t.after(() => alice.socket.destroy());
  const sentAt = performance.now();
  alice.send('held for a moment');
  await alice.waitFor((line) => line === '[lobby] <alice> held for a moment');
  // A timer never fires before its time; a millisecond of slack for the clock's rounding.
  assert.ok(performance.now() - sentAt >= delayMs - 1, `arrived after ${(performance.now() - sentAt).toFixed(0)} ms`);
});
