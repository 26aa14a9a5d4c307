// A client refused before its handoff is told why in its door's protocol.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doorRefusals, httpRefusal } from '../src/acceptor/door-refusals.ts';
import { defaultConfig } from '../src/config.ts';
import { errorSentence } from '../src/protocol/errors.ts';
import { parseIrcMessage } from '../src/protocol/irc/irc-message.ts';

const refusals = doorRefusals({ ...defaultConfig, maxConnectionsPerIp: 7, maxConnectsPerIpPerSecond: 3 });

test('the line door says `!! CODE sentence`, quoting the limit that refused it', () => {
  assert.equal(refusals.line.TOO_MANY_CONNECTIONS, `!! TOO_MANY_CONNECTIONS ${errorSentence('TOO_MANY_CONNECTIONS', 7)}\n`);
  assert.match(refusals.line.CONNECTING_TOO_FAST, /^!! CONNECTING_TOO_FAST .*3/);
});

test('the IRC door says ERROR :Closing link: with the same sentence, one parseable IRC line', () => {
  for (const text of Object.values(refusals.irc)) {
    assert.ok(text.endsWith('\r\n'));
    const parsed = parseIrcMessage(Buffer.from(text.slice(0, -2)));
    assert.ok(parsed.ok);
    assert.equal(parsed.message.command, 'ERROR');
    assert.match(parsed.message.params[0]!, /^Closing link: /);
  }
  assert.equal(refusals.irc.TOO_MANY_CONNECTIONS, `ERROR :Closing link: ${errorSentence('TOO_MANY_CONNECTIONS', 7)}\r\n`);
});

test('the browser door answers a plain HTTP 503 whose body is the sentence and whose length is right', () => {
  const response = refusals.http.SERVER_FULL;
  const [head, body] = response.split('\r\n\r\n') as [string, string];
  assert.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.match(head, /\r\nConnection: close(\r\n|$)/);
  assert.equal(Number(/Content-Length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  assert.equal(body, `${refusals.line.SERVER_FULL.replace(/^!! SERVER_FULL /, '')}`);
  assert.equal(
    httpRefusal('é'),
    'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\nConnection: close\r\n\r\né\n',
  );
});
