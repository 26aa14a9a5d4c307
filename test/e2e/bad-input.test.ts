// Invalid UTF-8, over-long lines and control bytes get a clear error line; the connection and its
// worker keep going and nobody else loses a message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 1, maxLineBytes: 1024 });
});
after(() => server.close());

test('invalid UTF-8 is refused with BAD_ENCODING and the connection keeps working', async () => {
  const sender = await LineClient.joined(server.port, 'sender');
  const watcher = await LineClient.joined(server.port, 'watcher');
  sender.socket.write(Buffer.from([0x68, 0x69, 0xff, 0xfe, 0xc3, 0x28, 0x0a]));
  assert.match(await sender.waitFor((line) => line.startsWith('!!')), /^!! BAD_ENCODING /);
  sender.send('still here: ünïcödé ✓');
  await watcher.waitFor((line) => line === '[lobby] <sender> still here: ünïcödé ✓');
  assert.ok(!watcher.lines.some((line) => line.includes('hi')), 'the bad line was not relayed');
  sender.close();
  watcher.close();
});

test('an over-long line is reported once, discarded to its end, and the next line goes through', async () => {
  const sender = await LineClient.joined(server.port, 'longwinded');
  const watcher = await LineClient.joined(server.port, 'listener');
  // 200 KiB without a newline, in many writes, then the end of the line and a normal line.
  const chunk = Buffer.alloc(8192, 0x61);
  for (let i = 0; i < 25; i++) sender.socket.write(chunk);
  sender.socket.write('tail of the long line\nshort one\n');
  assert.match(await sender.waitFor((line) => line.startsWith('!!')), /^!! LINE_TOO_LONG .*1024 bytes/);
  await watcher.waitFor((line) => line === '[lobby] <longwinded> short one');
  assert.equal(sender.lines.filter((line) => line.startsWith('!! LINE_TOO_LONG')).length, 1);
  assert.ok(!watcher.lines.some((line) => line.includes('tail of the long line')));
  sender.close();
  watcher.close();
});

test('control characters cannot reach other terminals', async () => {
  const sender = await LineClient.joined(server.port, 'escaper');
  const watcher = await LineClient.joined(server.port, 'victim');
  sender.socket.write('\u001b[2J\u0000bell\u0007 cr\rend\n');
  const line = await watcher.waitFor((text) => text.startsWith('[lobby] <escaper>'));
  assert.equal(line, '[lobby] <escaper> \uFFFD[2J\uFFFDbell\uFFFD cr\uFFFDend');
  sender.close();
  watcher.close();
});

test('garbage never crashes the worker', async () => {
  const garbage = await LineClient.connect(server.port);
  const random = Buffer.alloc(64 * 1024);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  garbage.socket.write(random);
  garbage.socket.write('\n\0\0\0\n');
  const bystander = await LineClient.joined(server.port, 'bystander');
  garbage.socket.destroy();
  bystander.send('fine');
  await bystander.waitFor((line) => line === '[lobby] <bystander> fine');
  const stats = await server.server.stats();
  assert.equal(stats.acceptor.workerRestarts, 0);
  assert.equal(
    stats.workers.reduce((sum, worker) => sum + worker.internalErrors, 0),
    0,
  );
  bystander.close();
});
