// Clients that stop reading while others send as fast as the server takes it are dropped as slow
// consumers once their backlog passes maxOutputBytes: the server's memory stays bounded, and the clients
// that do read still get every line, in order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sampleProcess } from '../../harness/proc-sampler.ts';
import { assertLossless, assertSameSequence, ChatPeer } from '../helpers/chat-peer.ts';
import { statsWhere } from '../helpers/stats-records.ts';
import { workerTotal } from '../../harness/stats-records.ts';
import { spawnServer, type ServerProcess } from '../../harness/server-process.ts';
import { sleep } from '../helpers/wait-until.ts';

const MiB = 1024 * 1024;
const maxOutputBytes = 256 * 1024;
const padding = 'x'.repeat(1000); // ~1 KiB per room line
const warmUpMessages = 2048;
const messages = 64 * 1024; // ~64 MiB of room traffic after the slow clients stop reading
const slowClients = 3;
const linesPerBatch = 64;
// Without the bound, each slow client would pin ~64 MiB (all but the few MiB the kernel buffers), so
// ~180 MiB in all; with it, each holds at most maxOutputBytes. The budget leaves room for V8's young
// generation and allocator slack across four threads, measured at well under half of it.
const rssGrowthBudgetBytes = 64 * MiB;
// The server gives a dropped client this long to take its last bytes before destroying the socket.
const closeGraceMs = 2000;

let server: ServerProcess;
before(async () => {
  server = await spawnServer([
    '--workers',
    '2',
    '--flood-messages-per-second',
    '0',
    '--flood-bytes-per-second',
    '0',
    '--max-output-bytes',
    String(maxOutputBytes),
    '--stats-interval-ms',
    '200',
  ]);
});
after(() => server.stop());

/** Sends `count` numbered lines round-robin, keeping at most two batches in flight to `readers`. */
async function pump(senders: ChatPeer[], readers: ChatPeer[], count: number): Promise<void> {
  const start = readers[0]!.received.length;
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < linesPerBatch && sent < count; i++, sent++) senders[sent % senders.length]!.sendNext(padding);
    // Readers that read never hold more than ~128 KiB, well under the bound: only the slow ones overflow.
    const target = start + Math.max(0, sent - 2 * linesPerBatch);
    await Promise.all(readers.map((reader) => reader.until(() => reader.received.length >= target, 20_000, `${target} lines`)));
  }
  const total = start + count;
  await Promise.all(readers.map((reader) => reader.until(() => reader.received.length >= total, 20_000, `all ${total} lines`)));
}

test('clients that stop reading are dropped as slow consumers; memory stays bounded and readers lose nothing', async (t) => {
  const senders = [await ChatPeer.join(server.port, 'sender0'), await ChatPeer.join(server.port, 'sender1')];
  const readers = [...senders, await ChatPeer.join(server.port, 'reader')];
  // Warm every thread up (JIT, buffers) before the baseline, so growth measures the backlog alone.
  await pump(senders, readers, warmUpMessages);

  const slow = await Promise.all(Array.from({ length: slowClients }, (_, i) => ChatPeer.join(server.port, `slow${i}`)));
  for (const peer of slow) peer.socket.pause();
  await sleep(300);
  const baselineRss = sampleProcess(server.pid)!.rssBytes;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, sampleProcess(server.pid)?.rssBytes ?? 0)), 25);
  const started = Date.now();
  try {
    await pump(senders, readers, messages);
  } finally {
    clearInterval(sampler);
  }
  const pumpMs = Date.now() - started;

  const stats = await statsWhere(server, (s) => workerTotal(s, 'slowConsumersDisconnected') >= slowClients, 5000);
  assert.equal(workerTotal(stats, 'slowConsumersDisconnected'), slowClients, 'each non-reading client was dropped once, and no reader was');
  const growth = peakRss - baselineRss;
  t.diagnostic(
    `RSS ${(baselineRss / MiB).toFixed(1)} MiB + ${(growth / MiB).toFixed(1)} MiB peak growth; ${messages} lines pumped in ${pumpMs} ms`,
  );
  assert.ok(
    growth < rssGrowthBudgetBytes,
    `RSS grew ${(growth / MiB).toFixed(1)} MiB (from ${(baselineRss / MiB).toFixed(1)} MiB) while ${(messages * 1024) / MiB} MiB went to each of ${slowClients} non-readers`,
  );
  assertLossless(readers, senders);
  for (const reader of readers) assert.deepEqual(reader.errors, [], `${reader.nick} got no error`);

  // Resume reading only once the server has given up on the slow clients (dropped early in the pump).
  await sleep(Math.max(0, closeGraceMs + 500 - pumpMs));
  for (const peer of slow) peer.socket.resume();
  await Promise.all(slow.map((peer) => peer.until(() => peer.closed, 10_000, 'the server to close it')));
  await statsWhere(server, (s) => s.acceptor.liveConnections === readers.length, 5000);
  for (const peer of slow) {
    // What it still gets is what the kernel had buffered: an in-order, gap-free run of the room's lines.
    const start = readers[0]!.received.indexOf(peer.received[0]!);
    assert.ok(start >= 0 && peer.received.length > 0, `${peer.nick} got some room lines before it stopped reading`);
    assertSameSequence(peer.received, readers[0]!.received.slice(start, start + peer.received.length), `${peer.nick}'s lines`);
    assert.ok(peer.received.length < messages / 2, `${peer.nick} was cut off long before the end (${peer.received.length} lines)`);
    // The SLOW_CONSUMER reason line was queued behind the backlog the client never read, so it went
    // with the socket: a client that comes back late sees the stream stop at a room line, then the close.
    assert.deepEqual(peer.errors, [], `${peer.nick} never sees the reason line`);
    assert.match(peer.lastLine, /^\[lobby\] <sender\d> #\d+ x+$/);
  }
  for (const peer of [...readers, ...slow]) peer.close();
});
