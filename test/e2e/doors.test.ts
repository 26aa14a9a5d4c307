// Every door listens on its own port of the same host, and a client refused before its handoff is told
// why in its door's protocol: `!! CODE` on the line door, IRC's ERROR, an HTTP 503 to a browser.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { spawnServer } from '../../harness/server-process.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { everythingUntilClose } from '../helpers/until-closed.ts';

/** Sends `request` and returns everything the server says until it closes. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close; it sent ${JSON.stringify(text)}`));
    }, 5000);
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

test('each door listens on its own port; a door turned off has no address', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const { address, ircAddress, httpAddress } = server.server;
  assert.ok(ircAddress !== undefined && httpAddress !== undefined);
  assert.equal(new Set([address.port, ircAddress.port, httpAddress.port]).size, 3);
  assert.equal(ircAddress.address, '127.0.0.1');

  const lineOnly = await startTestServer({ ircPort: undefined, httpPort: undefined });
  t.after(() => lineOnly.close());
  assert.deepEqual([lineOnly.server.ircAddress, lineOnly.server.httpAddress], [undefined, undefined]);
});

test('the browser door serves the chat page over HTTP from the worker', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const response = await exchange(server.server.httpAddress!.port, 'GET / HTTP/1.1\r\nHost: roomcast\r\nConnection: close\r\n\r\n');
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(response, /<html/i);
});

test("a refused client is told why in its own door's protocol", async (t) => {
  const server = await startTestServer({ maxConnectionsPerIp: 1 });
  t.after(() => server.close());
  const holder = await LineClient.joined(server.port, 'holder');
  t.after(() => holder.close());
  assert.match(await everythingUntilClose(server.port), /^!! TOO_MANY_CONNECTIONS .*1 connections/);
  assert.match(await everythingUntilClose(server.server.ircAddress!.port), /^ERROR :Closing link: .*1 connections.*\r\n$/);
  assert.match(await everythingUntilClose(server.server.httpAddress!.port), /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*1 connections/);
});

test("the start-up line names every door's address, the line protocol's first", async (t) => {
  const server = await spawnServer(['--workers', '1']);
  t.after(() => server.stop());
  const startLine = server
    .output()
    .split('\n')
    .find((line) => line.includes('listening on'))!;
  assert.match(
    startLine,
    new RegExp(
      `listening on 127\\.0\\.0\\.1:${server.port} \\(line protocol\\), IRC on 127\\.0\\.0\\.1:\\d+, HTTP on 127\\.0\\.0\\.1:\\d+ `,
    ),
  );
});
