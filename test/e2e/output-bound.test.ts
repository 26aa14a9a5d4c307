// The output bound judges whether a client keeps up, not how much one turn happened to bring: a burst
// that senders may legally send (inside their flood budgets) never drops a member that reads promptly,
// while a member that stops reading is dropped, by the byte bound or by the write-stall deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertLossless, ChatPeer } from '../helpers/chat-peer.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { sleep } from '../helpers/wait-until.ts';

/** `count` numbered lines of exactly `lineBytes` bytes (LF excluded), the text after the number made of `fill`. */
function numberedLines(count: number, lineBytes: number, fill: string): string {
  return Array.from({ length: count }, (_, seq) => {
    const head = `#${seq} `;
    return `${head}${fill.repeat(lineBytes - head.length)}\n`;
  }).join('');
}

/** Sends all of `lines` in one socket write and records them as sent (ChatPeer numbers from #0). */
function sendInOneWrite(peer: ChatPeer, count: number, lines: string): void {
  peer.socket.write(lines);
  peer.sent += count;
}

type Totals = Awaited<ReturnType<typeof workerTotals>>;

async function workerTotals(server: TestServer) {
  const { workers } = await server.server.stats();
  const sum = (pick: (w: (typeof workers)[number]) => number) => workers.reduce((total, w) => total + pick(w), 0);
  return {
    slowConsumers: sum((w) => w.slowConsumersDisconnected),
    writeStalls: sum((w) => w.writeStallDisconnects),
    connections: sum((w) => w.connections),
  };
}

/** Polls the workers' counters until `condition` holds (or timeoutMs passes), returning the last totals. */
async function totalsWhen(server: TestServer, condition: (totals: Totals) => boolean, timeoutMs: number): Promise<Totals> {
  const deadline = Date.now() + timeoutMs;
  let totals = await workerTotals(server);
  while (!condition(totals) && Date.now() < deadline) {
    await sleep(50);
    totals = await workerTotals(server);
  }
  return totals;
}

async function everyoneGetsEverything(server: TestServer, readers: ChatPeer[], senders: ChatPeer[], linesEach: number) {
  const total = senders.length * linesEach;
  await Promise.all(readers.map((reader) => reader.until(() => reader.received.length >= total, 30_000, `all ${total} lines`)));
  assertLossless(readers, senders);
  for (const reader of readers) assert.deepEqual(reader.errors, [], `${reader.nick} got no error`);
  const totals = await workerTotals(server);
  assert.equal(totals.slowConsumers, 0, 'nobody was dropped as a slow consumer');
  assert.equal(totals.writeStalls, 0, 'nobody was dropped for a write stall');
  assert.equal(totals.connections, readers.length, 'every connection is still open');
}

// The reproduction used control bytes, each of which left as three bytes of U+FFFD (~3 MiB owed to
// every member at once); a run of them now leaves as one marker. The same burst of plain text against
// a 64 KiB bound owes every member sixteen times its bound in one go.
for (const [what, fill, overrides] of [
  ['control bytes (default flags)', '\u0001', {}],
  ['plain text (maxOutputBytes 65536)', 'x', { maxOutputBytes: 65_536 }],
] as const) {
  test(`a legal burst of ${what} from 8 senders drops none of the members that read`, async () => {
    const server = await startTestServer(overrides);
    const peers: ChatPeer[] = [];
    try {
      const senders = await Promise.all(Array.from({ length: 8 }, (_, i) => ChatPeer.join(server.port, `sender${i}`)));
      const listeners = await Promise.all(Array.from({ length: 10 }, (_, i) => ChatPeer.join(server.port, `reader${i}`)));
      peers.push(...senders, ...listeners);
      // 32 lines of 4,000 bytes in one write is inside the default burst (100 lines, 128 KiB).
      const lines = numberedLines(32, 4000, fill);
      for (const sender of senders) sendInOneWrite(sender, 32, lines);
      await everyoneGetsEverything(server, peers, senders, 32);
    } finally {
      for (const peer of peers) peer.close();
      await server.close();
    }
  });
}

test('one sender writing twice maxOutputBytes in one write drops none of the members that read', async () => {
  const server = await startTestServer({ maxOutputBytes: 32_768 });
  const peers: ChatPeer[] = [];
  try {
    const sender = await ChatPeer.join(server.port, 'sender');
    peers.push(sender, ...(await Promise.all(Array.from({ length: 4 }, (_, i) => ChatPeer.join(server.port, `reader${i}`)))));
    sendInOneWrite(sender, 16, numberedLines(16, 4000, 'x'));
    await everyoneGetsEverything(server, peers, [sender], 16);
  } finally {
    for (const peer of peers) peer.close();
    await server.close();
  }
});

test('a client that reads a little and then stops is dropped after the write-stall deadline', async () => {
  const writeStallMs = 500;
  // A bound far above what is sent: only the stall deadline can drop the client here.
  const server = await startTestServer({
    writeStallMs,
    maxOutputBytes: 256 * 1024 * 1024,
    floodMessagesPerSecond: 0,
    floodBytesPerSecond: 0,
  });
  const peers: ChatPeer[] = [];
  try {
    const sender = await ChatPeer.join(server.port, 'sender');
    const stalled = await ChatPeer.join(server.port, 'stalled');
    peers.push(sender, stalled);
    sender.sendNext('first');
    await stalled.until(() => stalled.received.length === 1, 5000, 'the first line');
    stalled.socket.pause();
    const stoppedReading = Date.now();
    // Batches of ~256 KiB until the server gives up on it: soon more than loopback's socket buffers
    // hold, so its output stays unsent; 64 batches (16 MiB) is far more than that takes.
    const padding = 'y'.repeat(1000);
    let totals = await workerTotals(server);
    for (let batch = 0; batch < 64 && totals.writeStalls === 0; batch++) {
      for (let i = 0; i < 256; i++) sender.sendNext(padding);
      await sender.until(() => sender.received.length === sender.sent, 10_000, 'its own lines');
      totals = await workerTotals(server);
    }
    totals = await totalsWhen(server, (now) => now.writeStalls > 0, 10_000);
    assert.equal(totals.writeStalls, 1, 'the stalled client was dropped for its write stall');
    assert.equal(totals.slowConsumers, 0, 'not by the byte bound');
    assert.ok(Date.now() - stoppedReading >= writeStallMs, 'not before the deadline');
    // The sender, which read all along, is still there and still served.
    sender.sendNext('still here');
    await sender.until(() => sender.received.length === sender.sent, 5000, 'its last line');
    assert.deepEqual(sender.errors, []);
  } finally {
    for (const peer of peers) peer.close();
    await server.close();
  }
});

test('a client that keeps reading, but far slower than its room talks, is dropped', async () => {
  // Here each of the server's writes takes the reader longer than a tick, so the no-progress rule drops
  // it; a reader whose small writes each complete but whose backlog still grows is dropped by the
  // over-the-bound-for-a-second rule, which test/write-progress.test.ts checks tick by tick (loopback's
  // multi-MiB socket buffers would take minutes to fill at such a rate).
  const maxOutputBytes = 64 * 1024;
  const server = await startTestServer({ maxOutputBytes, floodMessagesPerSecond: 0, floodBytesPerSecond: 0 });
  const peers: ChatPeer[] = [];
  let trickle: NodeJS.Timeout | undefined;
  try {
    const sender = await ChatPeer.join(server.port, 'sender');
    const slow = await ChatPeer.join(server.port, 'slow');
    peers.push(sender, slow);
    // About 20 KiB/s taken from the socket, while the room sends about 2 MB/s: loopback's socket buffers
    // (several MiB) fill within seconds, then the backlog stays in the server.
    slow.socket.pause();
    trickle = setInterval(() => slow.socket.read(1024), 50);
    const padding = 'z'.repeat(1000);
    let totals = await workerTotals(server);
    const started = Date.now();
    while (totals.slowConsumers === 0 && Date.now() - started < 20_000) {
      for (let i = 0; i < 200; i++) sender.sendNext(padding);
      await sender.until(() => sender.received.length === sender.sent, 10_000, 'its own lines');
      await sleep(100);
      totals = await workerTotals(server);
    }
    assert.equal(totals.slowConsumers, 1, 'the trickle reader was dropped as a slow consumer');
    assert.deepEqual(sender.errors, [], 'the prompt reader was not');
  } finally {
    clearInterval(trickle);
    for (const peer of peers) peer.close();
    await server.close();
  }
});
