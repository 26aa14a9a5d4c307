// SIGTERM while messages are in flight: the server stops accepting, delivers every line it had
// accepted to every member, tells each client it is shutting down, and exits 0 in bounded time.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { spawnServer } from '../../harness/server-process.ts';

test('nothing accepted before SIGTERM is lost, and everyone is told', async (t) => {
  const server = await spawnServer([
    '--workers',
    '2',
    '--flood-messages-per-second',
    '0',
    '--flood-bytes-per-second',
    '0',
    '--max-output-bytes',
    String(64 * 1024 * 1024),
  ]);
  const receivers = await Promise.all(Array.from({ length: 8 }, (_, i) => LineClient.joined(server.port, `r${i}`)));
  const publishers = await Promise.all(Array.from({ length: 6 }, (_, i) => LineClient.joined(server.port, `p${i}`)));
  const perPublisher = 4000;
  const filler = 'x'.repeat(100);
  for (const [p, publisher] of publishers.entries()) {
    publisher.socket.write(Array.from({ length: perPublisher }, (_, i) => `p${p}-${i} ${filler}\n`).join(''));
  }
  // Signal while the burst is still being fanned out: without the drain barrier, lines one worker had
  // accepted but the coordinator had not yet routed would miss the other worker's clients.
  await receivers[0]!.waitFor((line) => line.startsWith('[lobby] <p'));
  const signalledAt = Date.now();
  const exitCode = server.stop();

  assert.equal(await exitCode, 0, 'exit code');
  assert.ok(Date.now() - signalledAt < 5000, 'within the default shutdown timeout');
  const clients = [...receivers, ...publishers];
  await Promise.all(clients.map((client) => client.waitForClose()));

  const chat = (client: LineClient) => client.lines.filter((line) => line.startsWith('[lobby] <p'));
  const reference = chat(receivers[0]!);
  for (const client of clients) {
    assert.match(client.lines.at(-1)!, /^!! SHUTTING_DOWN /, `the last line is the shutdown notice: ${client.lines.at(-1)}`);
    assert.deepEqual(chat(client), reference, 'every member got every accepted line, in one order');
  }
  // The server reads each client's bytes in order, so what it accepted from a publisher is a prefix of
  // what was sent: a gap would be an accepted line lost.
  for (let p = 0; p < publishers.length; p++) {
    const numbers = reference.filter((line) => line.startsWith(`[lobby] <p${p}>`)).map((line) => Number(line.split(' ')[2]!.split('-')[1]));
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => i),
      `p${p}'s lines have no gap`,
    );
  }
  t.diagnostic(`${reference.length} of ${publishers.length * perPublisher} lines were accepted before the signal`);
  assert.match(server.output(), /SIGTERM received/);
  assert.match(server.output(), /roomcast: stopped/);

  // Nothing listens any more.
  await assert.rejects(
    new Promise((resolve, reject) => net.connect(server.port, '127.0.0.1').on('connect', resolve).on('error', reject)),
    /ECONNREFUSED/,
  );
});
