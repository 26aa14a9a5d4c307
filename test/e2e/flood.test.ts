// Flood control: a client that floods is warned, then disconnected, and one slightly over the rate is
// only throttled; clients chatting at a normal pace beside them lose nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyCost } from '../../src/protocol/command-cost.ts';
import { assertLossless, ChatPeer } from '../helpers/chat-peer.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { sleep } from '../helpers/wait-until.ts';

const floodMessagesPerSecond = 50;
// FloodGuard lets a client save up two seconds' worth of lines.
const burst = 2 * floodMessagesPerSecond;

/** Sends `perTick` numbered lines from each peer every `tickMs`, `ticks` times. */
async function chatAtPace(peers: ChatPeer[], perTick: number, tickMs: number, ticks: number): Promise<void> {
  for (let tick = 0; tick < ticks; tick++) {
    for (const peer of peers) for (let i = 0; i < perTick; i++) peer.sendNext();
    await sleep(tickMs);
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

test('a flooding client is warned and disconnected while clients at a normal pace lose nothing', async (t) => {
  const server = await startTestServer({ floodMessagesPerSecond });
  t.after(() => server.close());
  const normal = await Promise.all(['alice', 'bob', 'carol'].map((nick) => ChatPeer.join(server.port, nick)));
  const flooder = await ChatPeer.join(server.port, 'flooder');

  const floodLines = 5000;
  const flood = Array.from({ length: floodLines }, (_, seq) => `#${seq}\n`).join('');
  const talking = chatAtPace(normal, 1, 100, 20); // 10 lines/s each, for 2 s
  // As fast as possible: the whole flood in a handful of writes, during the normal chat.
  await sleep(300);
  flooder.socket.write(flood);
  await flooder.until(() => flooder.closed, 5000, 'the flood disconnect');
  await talking;
  const expected = normal[0]!.sent * normal.length;
  await Promise.all(
    normal.map((peer) =>
      peer.until(() => peer.received.filter((key) => !key.startsWith('flooder#')).length >= expected, 5000, 'the normal lines'),
    ),
  );

  assert.match(flooder.errors[0] ?? '', /^!! FLOODING /);
  assert.match(flooder.errors.at(-1) ?? '', /^!! FLOOD_DISCONNECT /);
  assert.equal(flooder.errors.length, 2, `one warning, then the disconnect: ${flooder.errors.join(' | ')}`);
  assertLossless(normal, normal);
  for (const peer of normal) assert.deepEqual(peer.errors, [], `${peer.nick} was not throttled`);
  // Only the saved-up burst got through, from the start of the flood, in order.
  const through = normal[0]!.countFrom('flooder');
  assert.ok(through > 0 && through <= burst + 1, `${through} flood lines got through`);
  assert.deepEqual(
    normal[0]!.received.filter((key) => key.startsWith('flooder#')),
    Array.from({ length: through }, (_, seq) => `flooder#${seq}`),
  );

  const { workers } = await server.server.stats();
  assert.equal(sum(workers.map((worker) => worker.floodDisconnects)), 1);
  // FloodGuard disconnects after 200 drops within one warning interval; later lines are not even read.
  const dropped = sum(workers.map((worker) => worker.linesDroppedForFlooding));
  assert.ok(dropped >= 200 && dropped < floodLines - burst, `${dropped} lines dropped: the rest were never read`);
  for (const peer of normal) peer.close();
});

test('a client slightly over the rate is throttled with a warning but stays connected', async (t) => {
  const server = await startTestServer({ floodMessagesPerSecond });
  t.after(() => server.close());
  const eager = await ChatPeer.join(server.port, 'eager');
  const watcher = await ChatPeer.join(server.port, 'watcher');

  // Spend the burst at once, then keep going at 1.5 times the rate for two seconds: ~50 lines too many.
  for (let i = 0; i < burst; i++) eager.sendNext();
  await chatAtPace([eager], 3, 40, 50);
  await sleep(1000);
  eager.sendNext(); // after a pause the bucket has refilled
  const last = `eager#${eager.sent - 1}`;
  await watcher.until(() => watcher.received.includes(last), 5000, 'the line sent after the pause');

  assert.equal(eager.closed, false);
  assert.ok(eager.errors.length >= 1 && eager.errors.length <= 3, `at most one warning a second: ${eager.errors.join(' | ')}`);
  for (const error of eager.errors) assert.match(error, /^!! FLOODING /);
  const seqs = watcher.received.filter((key) => key.startsWith('eager#')).map((key) => Number(key.slice('eager#'.length)));
  assert.ok(seqs.length < eager.sent && seqs.length > eager.sent - 100, `${seqs.length} of ${eager.sent} lines got through`);
  assert.ok(
    seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!),
    'what got through is in the order sent',
  );

  const { workers } = await server.server.stats();
  assert.equal(sum(workers.map((worker) => worker.floodDisconnects)), 0);
  assert.equal(sum(workers.map((worker) => worker.linesDroppedForFlooding)), eager.sent - seqs.length);
  eager.close();
  watcher.close();
});

test('a listing costs several lines: of a burst of /history 100 only a cost-th is answered', async (t) => {
  const server = await startTestServer({ floodMessagesPerSecond });
  t.after(() => server.close());
  const asker = await LineClient.joined(server.port, 'asker');
  const asked = 40;
  asker.socket.write('/history 100\n'.repeat(asked));
  await asker.waitFor((line) => line.startsWith('!! FLOODING '));
  // Once the debt is repaid a /who gets through; its answer comes after every earlier one.
  const retry = setInterval(() => asker.send('/who'), 100);
  try {
    await asker.waitFor((line) => line === '-- lobby (1): asker', 5000);
  } finally {
    clearInterval(retry);
  }
  const answered = asker.lines.filter((line) => line.startsWith('-- the last ')).length;
  // The burst holds 100 tokens and /history 100 costs 11: about 9 answers, not 40.
  const cost = historyCost(100);
  assert.ok(answered >= Math.floor(burst / cost) - 1 && answered <= Math.ceil(burst / cost) + 1, `${answered} of ${asked} answered`);
  asker.socket.destroy();
});
