// The seed's Python client, unchanged, chats through roomcast; and its exact bytes, emulated over a raw
// socket, are understood: "NICK connection..." without a newline, then "NICK : text\n" lines.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2 });
});
after(() => server.close());

test('the seed hello and "NICK : text" lines, byte for byte', async () => {
  const seed = await LineClient.connect(server.port);
  seed.socket.write('zed connection...');
  await seed.waitFor((line) => line === '[lobby] -- zed joined');
  assert.ok(seed.lines.includes('-- Hello zed. You are in lobby; /help lists the commands.'));

  const other = await LineClient.joined(server.port, 'other');
  seed.socket.write('zed : hello everyone\n');
  // Like the seed server, everyone gets every message, the sender included; the nick shows once.
  await other.waitFor((line) => line === '[lobby] <zed> hello everyone');
  await seed.waitFor((line) => line === '[lobby] <zed> hello everyone');
  other.send('hi zed');
  await seed.waitFor((line) => line === '[lobby] <other> hi zed');

  // A second seed client with the same name cannot pick another one itself, so it gets one.
  const twin = await LineClient.connect(server.port);
  twin.socket.write('zed connection...');
  await twin.waitFor((line) => line === '[lobby] -- zed_2 joined');
  twin.socket.write('zed : me too\n');
  await other.waitFor((line) => line === '[lobby] <zed_2> me too');
  for (const client of [seed, other, twin]) client.close();
});

test("the seed's own client.py, run by python3, chats with a roomcast client", async () => {
  const folder = await mkdtemp(join(tmpdir(), 'roomcast-seed-'));
  const fixture = fileURLToPath(new URL('../fixtures/seed/', import.meta.url));
  await cp(join(fixture, 'client.py'), join(folder, 'client.py'));
  const setting = await readFile(join(fixture, 'setting.py'), 'utf8');
  await writeFile(join(folder, 'setting.py'), setting.replace("'127.0.0.1', 9999", `'127.0.0.1', ${server.port}`));

  const python = spawn('python3', ['-u', 'client.py'], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'] });
  let printed = '';
  python.stdout.setEncoding('utf8').on('data', (text: string) => (printed += text));
  python.stderr.setEncoding('utf8').on('data', (text: string) => (printed += text));
  const waitForPrinted = async (text: string) => {
    for (let waited = 0; !printed.includes(text); waited += 50) {
      if (waited > 10_000) throw new Error(`client.py never printed ${JSON.stringify(text)}; it printed:\n${printed}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    python.stdin.write('yan\n');
    await waitForPrinted('[lobby] -- yan joined');
    const friend = await LineClient.joined(server.port, 'friend');
    python.stdin.write('hello from 1999\n');
    await friend.waitFor((line) => line === '[lobby] <yan> hello from 1999');
    await waitForPrinted('[lobby] <yan> hello from 1999');
    friend.send('welcome back');
    await waitForPrinted('[lobby] <friend> welcome back');
    friend.close();
  } finally {
    python.kill();
    await rm(folder, { recursive: true, force: true });
  }
});
