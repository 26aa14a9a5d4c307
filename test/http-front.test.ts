// The worker's HTTP front on real loopback sockets: a plain net server hands each accepted socket to it,
// as the connection worker does with the sockets the acceptor passes over.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { defaultConfig } from '../src/config.ts';
import { maxFrameBytes } from '../src/protocol/websocket-messages.ts';
import { HttpFront } from '../workers/connection/http-front.ts';

const front = new HttpFront(defaultConfig, ['https://chat.example.org']);
const upgraded: WebSocket[] = [];
const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  front.serve(socket, (webSocket) => {
    upgraded.push(webSocket);
    webSocket.on('error', () => {});
  });
});
let base: string;
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  for (const socket of sockets) socket.destroy();
  server.close();
});

/** Opens a WebSocket: 'open', or the status the server refused it with. */
async function connect(path: string, origin?: string): Promise<{ outcome: string; socket: WebSocket }> {
  const socket = new WebSocket(`ws://${base}${path}`, origin === undefined ? {} : { origin });
  socket.on('error', () => {});
  const outcome = await new Promise<string>((resolve) => {
    socket.on('open', () => resolve('open'));
    socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
  });
  return { outcome, socket };
}

test('serves the chat page and its files, and 404 for anything else', async () => {
  const page = await fetch(`http://${base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<html/i);
  const missing = await fetch(`http://${base}/../../etc/passwd`);
  assert.equal(missing.status, 404);
  await missing.text();
});

test('upgrades /ws from the page itself, an allowed origin or a program; refuses other origins and paths', async () => {
  const before = upgraded.length;
  for (const [path, origin, outcome] of [
    ['/ws', `http://${base}`, 'open'],
    ['/ws', 'https://chat.example.org', 'open'],
    ['/ws', undefined, 'open'],
    ['/ws', 'http://evil.example', '403'],
    ['/elsewhere', `http://${base}`, '403'],
  ] as const) {
    const { outcome: got, socket } = await connect(path, origin);
    assert.equal(got, outcome, `${path} from ${origin}`);
    socket.terminate();
  }
  assert.equal(upgraded.length - before, 3);
});

test('permessage-deflate is off, and a frame over the bound closes with 1009', async () => {
  const { socket } = await connect('/ws');
  assert.equal(socket.extensions, '');
  socket.send('x'.repeat(maxFrameBytes(defaultConfig.maxLineBytes) + 1));
  const [code] = await once(socket, 'close', { signal: AbortSignal.timeout(5000) });
  assert.equal(code, 1009);
});

test('a request head over the bound is refused with 431 before it is buffered', async () => {
  const response = await fetch(`http://${base}/`, { headers: { 'x-padding': 'x'.repeat(16 * 1024) } });
  assert.equal(response.status, 431);
  await response.text();
});
