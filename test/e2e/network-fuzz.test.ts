// Network fuzz: hundreds of broken or hostile connections (random bytes, invalid UTF-8, NULs, over-long
// lines, half handshakes, random commands, abrupt resets) beside clients chatting normally. No thread may
// crash or log an error, no connection may linger, and the normal clients lose nothing.
// The connections come from a fast-check seed, printed in the test name: FUZZ_SEED=n reruns one.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { assertLossless, ChatPeer } from '../helpers/chat-peer.ts';
import { parseLogOutput } from '../../harness/log-records.ts';
import { nextStats, statsWhere } from '../helpers/stats-records.ts';
import { workerTotal } from '../../harness/stats-records.ts';
import { spawnServer, type ServerProcess } from '../../harness/server-process.ts';
import { sleep } from '../helpers/wait-until.ts';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const connections = 500;
const concurrency = 30;
const maxLineBytes = 1024;
/** pino's level for warnings: records at it or above report something wrong. */
const warn = 40;

interface FuzzConnection {
  /** Choose a (valid) nickname first, so the garbage reaches a joined session, not just the handshake. */
  joins: boolean;
  chunks: Uint8Array[];
  ending: 'end' | 'reset' | 'linger-then-reset';
  lingerMs: number;
}

const text = (value: string) => new Uint8Array(Buffer.from(value));
const invalidUtf8Pieces = [
  [0xff],
  [0xfe],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x61],
  [0x0a],
];
const commands = [
  '/join',
  '/part',
  '/switch',
  '/nick',
  '/msg',
  '/me',
  '/who',
  '/rooms',
  '/history',
  '/quit',
  '/oper',
  '/kick',
  '/stats',
  '/help',
  '//',
  '/',
];

const chunk: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 4096 }),
  fc.array(fc.constantFrom(...invalidUtf8Pieces), { minLength: 1, maxLength: 300 }).map((pieces) => Uint8Array.from(pieces.flat())),
  fc.integer({ min: 1, max: 8192 }).map((length) => new Uint8Array(length)), // NULs
  fc.integer({ min: maxLineBytes + 1, max: 64 * 1024 }).map((length) => text(`${'a'.repeat(length)}\n`)),
  fc
    .tuple(fc.constantFrom(...commands), fc.string({ unit: 'binary', maxLength: 80 }))
    .map(([command, args]) => text(`${command} ${args}\n`)),
  fc.stringMatching(/^[A-Za-z_][\w-]{0,30}$/).map(text), // the start of a nickname, never finished
  fc.constantFrom('\r', '\r\n', '\n\n\n', ' \t \n', 'Fz connection...', '#1 looks numbered\n').map(text),
);

const fuzzConnection: fc.Arbitrary<FuzzConnection> = fc.record({
  joins: fc.boolean(),
  chunks: fc.array(chunk, { maxLength: 6 }),
  ending: fc.constantFrom('end', 'reset', 'linger-then-reset'),
  lingerMs: fc.integer({ min: 0, max: 200 }),
});

let server: ServerProcess;
before(async () => {
  server = await spawnServer(['--workers', '2', '--max-line-bytes', String(maxLineBytes), '--stats-interval-ms', '200']);
});
after(() => server.stop());

/** Plays one fuzz connection to its end; resolves once its socket is closed, whatever happened. */
async function play(port: number, index: number, plan: FuzzConnection): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.resume(); // read and discard what the server says, so it never waits on us
  const giveUp = setTimeout(() => socket.destroy(), 5000);
  try {
    await new Promise<void>((resolve) => socket.once('connect', resolve).once('close', resolve));
    if (plan.joins) socket.write(`fz${index}\n`);
    for (const bytes of plan.chunks) {
      if (socket.destroyed) break;
      socket.write(bytes);
      await new Promise((resolve) => setImmediate(resolve)); // separate writes, so lines split anywhere
    }
    if (plan.ending === 'end') socket.end();
    else {
      if (plan.ending === 'linger-then-reset') await sleep(plan.lingerMs);
      if (!socket.destroyed) socket.resetAndDestroy();
    }
    await closed;
  } finally {
    clearTimeout(giveUp);
  }
}

test(`${connections} fuzz connections (seed ${seed}) crash nothing, leave nothing behind, and cost normal chat nothing`, async () => {
  const normal = await Promise.all(['alice', 'bob', 'carol'].map((nick) => ChatPeer.join(server.port, nick)));
  const plans = fc.sample(fuzzConnection, { seed, numRuns: connections });

  let fuzzing = true;
  const chatting = (async () => {
    while (fuzzing) {
      for (const peer of normal) peer.sendNext(`said while fuzzing ✓ ünïcödé`);
      await sleep(50); // 20 lines/s each, well under the flood limit
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plans.length) {
        const index = next++;
        await play(server.port, index, plans[index]!);
      }
    }),
  );
  fuzzing = false;
  await chatting;

  const total = normal.reduce((sum, peer) => sum + peer.sent, 0);
  await Promise.all(
    normal.map((peer) =>
      peer.until(() => peer.countFrom('alice') + peer.countFrom('bob') + peer.countFrom('carol') >= total, 10_000, 'every normal line'),
    ),
  );
  assertLossless(normal, normal);
  for (const peer of normal) assert.deepEqual(peer.errors, [], `${peer.nick} saw no error`);

  // Every fuzz connection is gone from the server's books, and no thread restarted or reported a bug.
  const stats = await statsWhere(server, (s) => s.acceptor.liveConnections === normal.length, 5000);
  assert.equal(stats.acceptor.workerRestarts, 0);
  assert.equal(stats.coordinator.nicks, normal.length);
  const linesIn = workerTotal(stats, 'messagesIn');
  assert.ok(linesIn > total + connections, `the fuzz lines were read (${linesIn} lines in)`);
  assert.equal(server.child.exitCode, null, 'the server is still running');
  const fresh = await ChatPeer.join(server.port, 'fresh');
  fresh.sendNext();
  await fresh.until(() => fresh.received.includes('fresh#0'), 5000, 'its own line');
  const unexpected = parseLogOutput(server.output()).filter((record) => record.level >= warn);
  assert.deepEqual(unexpected, [], 'nothing logged as a warning or worse: no internal error, no worker failure');
  assert.equal((await nextStats(server)).acceptor.workerRestarts, 0);
  for (const peer of [...normal, fresh]) peer.close();
});
