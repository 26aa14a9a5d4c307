import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultClientOptions, defaultTlsPort, parseClientArgs } from '../../src/client/client-options.ts';

test('plain TCP on 9999 by default, giving up after four tries before a first session', () => {
  assert.deepEqual(parseClientArgs([]), defaultClientOptions);
  assert.equal(parseClientArgs(['--connect-tries', '9']).connectTries, 9);
});

test('--tls picks the server’s TLS port unless one is given; --ca reads the file and implies --tls', (t) => {
  assert.deepEqual(parseClientArgs(['--tls']).tls, { ca: undefined });
  assert.equal(parseClientArgs(['--tls']).port, defaultTlsPort);
  assert.equal(parseClientArgs(['--tls', '--port', '7000']).port, 7000);
  const folder = mkdtempSync(join(tmpdir(), 'roomcast-client-options-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const caFile = join(folder, 'ca.pem');
  writeFileSync(caFile, 'PEM');
  const options = parseClientArgs(['--ca', caFile]);
  assert.equal(options.tls?.ca?.toString(), 'PEM');
  assert.equal(options.port, defaultTlsPort);
});
