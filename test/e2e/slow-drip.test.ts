// A client that drips its input one byte per TCP segment (Nagle off, one write per byte) is served like
// any other: its nick, its seed hello and its long lines arrive whole, and other clients get answers
// while it drips. What a drip costs the server is bounded per byte (test/line-framer.test.ts checks the
// framer holds one Buffer at most twice the unfinished line).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  // No flood limits: the watcher's round trips go back to back.
  server = await startTestServer({ workers: 2, floodMessagesPerSecond: 0, floodBytesPerSecond: 0 });
});
after(() => server.close());

async function dripper(): Promise<LineClient> {
  const client = await LineClient.connect(server.port);
  client.socket.setNoDelay(true);
  return client;
}

/** Writes `text` one byte per write, yielding between writes so each byte leaves as its own segment. */
async function drip(client: LineClient, text: string): Promise<void> {
  for (const byte of Buffer.from(text)) {
    client.socket.write(Buffer.of(byte));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Round trips of `client`, in the lobby as `nick` (its own room line coming back), while `during` runs: the slowest, in ms. */
async function slowestRoundTrip(client: LineClient, nick: string, during: Promise<void>): Promise<number> {
  let done = false;
  void during.finally(() => (done = true));
  let slowest = 0;
  for (let i = 0; !done; i++) {
    const started = performance.now();
    client.send(`ping ${i}`);
    await client.waitFor((line) => line === `[lobby] <${nick}> ping ${i}`, 5000);
    slowest = Math.max(slowest, performance.now() - started);
  }
  await during;
  return slowest;
}

test('a nick and a 4,000-byte line dripped a byte at a time arrive whole, and others are served meanwhile', async () => {
  const watcher = await LineClient.joined(server.port, 'watcher');
  const slow = await dripper();
  // Thousands of bytes before the nick (leading blanks are trimmed), while the server looks for a seed hello.
  const beforeNick = drip(slow, `${' '.repeat(3000)}dripper\n`);
  const slowestBefore = await slowestRoundTrip(watcher, 'watcher', beforeNick);
  await watcher.waitFor((line) => line === '[lobby] -- dripper joined');

  const text = 'z'.repeat(4000);
  const afterNick = drip(slow, `${text}\n`);
  const slowestAfter = await slowestRoundTrip(watcher, 'watcher', afterNick);
  await watcher.waitFor((line) => line === `[lobby] <dripper> ${text}`);
  await slow.waitFor((line) => line === `[lobby] <dripper> ${text}`);

  assert.deepEqual(
    [...watcher.lines, ...slow.lines].filter((line) => line.startsWith('!!')),
    [],
    'no error line for anyone',
  );
  // Generous for a shared machine: a drip must never hold the worker for long.
  assert.ok(Math.max(slowestBefore, slowestAfter) < 1000, `round trips took up to ${slowestBefore} / ${slowestAfter} ms`);
  watcher.close();
  slow.close();
});

test('a seed hello dripped a byte at a time is still recognised', async () => {
  const seed = await dripper();
  await drip(seed, 'dz connection...');
  await seed.waitFor((line) => line === '[lobby] -- dz joined');
  await drip(seed, 'dz : drip drop\n');
  await seed.waitFor((line) => line === '[lobby] <dz> drip drop');
  seed.close();
});

test('an endless line dripped before the nick is reported once and the client can still choose a nick', async () => {
  const slow = await dripper();
  await drip(slow, `${'q'.repeat(4200)}\nlater\n`);
  await slow.waitFor((line) => line === '[lobby] -- later joined');
  assert.equal(slow.lines.filter((line) => line.startsWith('!! LINE_TOO_LONG')).length, 1);
  slow.close();
});
