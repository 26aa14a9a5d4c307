// Timeouts: a connection that never chooses a nickname is closed after handshakeTimeoutMs, and a joined
// client that says nothing for idleTimeoutMs is closed and seen to quit, while one that talks stays.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { sleep } from '../helpers/wait-until.ts';

const handshakeTimeoutMs = 300;
const idleTimeoutMs = 800;

let server: TestServer;
before(async () => {
  server = await startTestServer({ handshakeTimeoutMs, idleTimeoutMs });
});
after(() => server.close());

/** Sends a line every `everyMs` until stopped, so the client is never idle. */
function keepTalking(client: LineClient, everyMs: number): () => void {
  const timer = setInterval(() => client.send('still here'), everyMs);
  return () => clearInterval(timer);
}

const timeoutDisconnects = async () => (await server.server.stats()).workers.reduce((sum, worker) => sum + worker.timeoutDisconnects, 0);

for (const [what, firstBytes] of [
  ['sends nothing', ''],
  ['sends half a nickname', 'half-a-ni'],
] as const) {
  test(`a connection that ${what} is closed with HANDSHAKE_TIMEOUT`, async () => {
    const started = Date.now();
    const client = await LineClient.connect(server.port);
    client.socket.write(firstBytes);
    await client.waitForClose(5000);
    const elapsed = Date.now() - started;
    assert.match(client.lines[0] ?? '', /^-- Welcome to roomcast/);
    assert.match(client.lines.at(-1) ?? '', /^!! HANDSHAKE_TIMEOUT .*0\.3 s/);
    assert.ok(elapsed >= handshakeTimeoutMs - 20 && elapsed < handshakeTimeoutMs + 1500, `closed after ${elapsed} ms`);
  });
}

test('a silent joined client is closed with IDLE_TIMEOUT and its room sees it quit; a talker stays', async () => {
  const timeoutsBefore = await timeoutDisconnects();
  const talker = await LineClient.joined(server.port, 'talker');
  // The talker talks in a room of its own, so the silent client receives nothing either.
  talker.send('/join chatter');
  const stopTalking = keepTalking(talker, 200);
  try {
    const silent = await LineClient.joined(server.port, 'silent');
    const joinedAt = Date.now();
    await silent.waitForClose(5000);
    const elapsed = Date.now() - joinedAt;
    assert.match(silent.lines.at(-1) ?? '', /^!! IDLE_TIMEOUT .*0\.8 s/);
    assert.ok(elapsed >= idleTimeoutMs - 100 && elapsed < idleTimeoutMs + 1500, `closed after ${elapsed} ms`);
    await talker.waitFor((line) => line === '[lobby] -- silent quit (timed out)', 5000);
    // By now the talker has been connected for well over the idle timeout.
    await sleep(idleTimeoutMs);
    assert.equal(talker.closed, false);
    assert.deepEqual(
      talker.lines.filter((line) => line.startsWith('!!')),
      [],
    );
  } finally {
    stopTalking();
  }
  assert.equal(await timeoutDisconnects(), timeoutsBefore + 1, 'only the silent client timed out');
  talker.close();
});

// Regression: the idle timer once used socket.setTimeout, which Node also resets on writes, so the
// server's own output kept a silent client in a busy room alive.
test('a silent client is closed as idle even while its room is busy', async () => {
  const talker = await LineClient.joined(server.port, 'busybody');
  const stopTalking = keepTalking(talker, 100);
  try {
    // Everything the busybody says reaches the listener: only what it sends itself may count as activity.
    const listener = await LineClient.joined(server.port, 'listener');
    await listener.waitForClose(idleTimeoutMs + 2000);
    assert.match(listener.lines.at(-1) ?? '', /^!! IDLE_TIMEOUT /);
  } finally {
    stopTalking();
    talker.close();
  }
});
