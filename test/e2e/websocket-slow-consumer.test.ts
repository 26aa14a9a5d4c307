// A browser that stops reading is a slow consumer like any client: its frames go through the same
// bounded output as lines (never ws.send), so it is dropped once its backlog passes maxOutputBytes,
// and the line client talking in its room loses nothing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';

const maxOutputBytes = 64 * 1024;
const padding = 'x'.repeat(1000);
const linesPerBatch = 256;
// Enough to fill the loopback socket's kernel buffers on both sides and the bound many times over.
const maxLines = 64 * 1024;

test('a WebSocket client that stops reading is dropped as a slow consumer; the line client loses nothing', {
  timeout: 120_000,
}, async (t) => {
  const server = await startTestServer({ maxOutputBytes, floodMessagesPerSecond: 0, floodBytesPerSecond: 0 });
  t.after(() => server.close());
  const talker = await LineClient.joined(server.port, 'talker');
  t.after(() => talker.close());

  const browser = new WebSocket(`ws://127.0.0.1:${server.server.httpAddress!.port}/ws`);
  browser.on('error', () => {});
  t.after(() => browser.terminate());
  await once(browser, 'open');
  browser.send(JSON.stringify({ type: 'hello', nick: 'sleepy' }));
  await talker.waitFor((line) => line === '[lobby] -- sleepy joined');
  // The page's tab is frozen: nothing more is read from its socket.
  (browser as unknown as { _socket: Socket })._socket.pause();

  const slowConsumers = async () =>
    (await server.server.stats()).workers.reduce((sum, worker) => sum + worker.slowConsumersDisconnected, 0);
  let sent = 0;
  while ((await slowConsumers()) === 0) {
    assert.ok(sent < maxLines, `still not dropped after ${sent} lines`);
    for (let i = 0; i < linesPerBatch; i++) talker.send(`${sent++} ${padding}`);
    await talker.waitFor((line) => line === `[lobby] <talker> ${sent - 1} ${padding}`, 20_000, talker.lines.length - 1);
  }
  await talker.waitFor((line) => line.startsWith('[lobby] -- sleepy quit'));
  const echoed = talker.lines.filter((line) => line.startsWith('[lobby] <talker> ')).map((line) => Number(line.split(' ')[2]));
  assert.deepEqual(
    echoed,
    Array.from({ length: sent }, (_, i) => i),
    'the reader got every line, in order',
  );
});
