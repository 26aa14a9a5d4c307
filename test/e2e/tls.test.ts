// The TLS listener: the acceptor hands the raw TCP socket to a worker, which wraps it in a TLSSocket.
// Real clients: Node's tls.connect and the openssl s_client command, chatting with a plain client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { makeSelfSignedCertificate, type CertificateFiles } from '../helpers/self-signed-cert.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let certificate: CertificateFiles;
let server: TestServer;
let tlsPort: number;
before(async () => {
  certificate = makeSelfSignedCertificate();
  server = await startTestServer({ workers: 2, tlsPort: 0, tlsCertFile: certificate.certFile, tlsKeyFile: certificate.keyFile });
  tlsPort = server.server.tlsAddress!.port;
});
after(async () => {
  await server.close();
  certificate.remove();
});

test('a Node TLS client chats with a plain TCP client', async () => {
  const plain = await LineClient.joined(server.port, 'plain');
  const secure = tls.connect({ host: '127.0.0.1', port: tlsPort, ca: readFileSync(certificate.certFile) });
  await once(secure, 'secureConnect');
  assert.equal(secure.authorized, true, 'certificate verified against the CA');
  let received = '';
  secure.setEncoding('utf8').on('data', (text: string) => (received += text));
  secure.write('secure\n');
  await plain.waitFor((line) => line === '[lobby] -- secure joined');
  secure.write('hello over TLS\n');
  await plain.waitFor((line) => line === '[lobby] <secure> hello over TLS');
  plain.send('hello back');
  for (let waited = 0; !received.includes('[lobby] <plain> hello back'); waited += 20) {
    assert.ok(waited < 5000, `TLS client never got the reply; it got:\n${received}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  secure.end('/quit\n');
  await plain.waitFor((line) => line === '[lobby] -- secure quit');
  plain.close();
});

test('openssl s_client chats through the TLS listener', async () => {
  const watcher = await LineClient.joined(server.port, 'watcher');
  const openssl = spawn(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${tlsPort}`, '-CAfile', certificate.certFile, '-verify_return_error', '-quiet'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let printed = '';
  openssl.stdout.setEncoding('utf8').on('data', (text: string) => (printed += text));
  try {
    openssl.stdin.write('ossl\n');
    await watcher.waitFor((line) => line === '[lobby] -- ossl joined');
    openssl.stdin.write('from openssl\n');
    await watcher.waitFor((line) => line === '[lobby] <ossl> from openssl');
    // The watcher may see the line before openssl has passed its own output on through the pipe.
    await waitUntil(
      () => /-- Hello ossl\./.test(printed),
      10_000,
      () => `openssl to print its hello; it printed ${JSON.stringify(printed)}`,
    );
    openssl.stdin.write('/quit\n');
    const [code] = await once(openssl, 'exit');
    assert.equal(code, 0);
  } finally {
    openssl.kill();
    watcher.close();
  }
});

test('a client that speaks plain text to the TLS port is dropped without harm', async () => {
  const confused = await LineClient.connect(tlsPort);
  confused.send('not a TLS hello');
  await confused.waitForClose();
  const stats = await server.server.stats();
  assert.equal(stats.acceptor.workerRestarts, 0);
});
