// 5,000 connections through the acceptor's socket handoff: every one is served by a worker, and the
// server process's open file descriptors return to their baseline once they are gone.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { spawnServer, type ServerProcess } from '../../harness/server-process.ts';

const connections = 5000;
const concurrency = 200;

let server: ServerProcess;
before(async () => {
  server = await spawnServer(['--workers', '2']);
});
after(() => server.stop());

const openFds = async (pid: number) => (await readdir(`/proc/${pid}/fd`)).length;

/** Connect, choose a nick, wait for the server's hello, leave. Resolves true if it was served. */
function chatOnce(port: number, nick: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${nick}\n`));
    socket.on('data', (text: string) => {
      received += text;
      if (received.includes(`-- Hello ${nick}.`) && !socket.writableEnded) socket.end('/quit\n');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received.includes(`-- Hello ${nick}.`));
    });
  });
}

/** Runs `count` chatOnce calls, `concurrency` at a time; returns how many were served. */
async function chatMany(port: number, prefix: string, count: number): Promise<number> {
  let next = 0;
  let served = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) if (await chatOnce(port, `${prefix}${next++}`)) served++;
    }),
  );
  return served;
}

test(`${connections} connections are handed off, served, and leave no descriptor behind`, async () => {
  // libuv opens a few descriptors once, on first use (e.g. the reserve fd it keeps for EMFILE on each
  // event loop that accepts): warm every thread up first so the baseline includes them.
  assert.equal(await chatMany(server.port, 'warm', 50), 50);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseline = await openFds(server.pid);

  assert.equal(await chatMany(server.port, 'u', connections), connections, 'every connection got its hello');

  let now = await openFds(server.pid);
  for (let waited = 0; now > baseline && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await openFds(server.pid);
  }
  assert.equal(now, baseline, `open fds back to the baseline of ${baseline}`);
  assert.match(server.output(), /listening on/);
  assert.doesNotMatch(server.output(), /failed|exited/);
});
