// The server's command line: defaults, validation, and where the operator password may come from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig, parseServerArgs } from '../src/config.ts';

const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('defaults follow the seed: 127.0.0.1:9999, one worker per CPU, no operator password', () => {
  const config = parseServerArgs([], {});
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 9999);
  assert.equal(config.workers, defaultConfig.workers);
  assert.equal(config.operatorPassword, undefined);
});

test('flags are parsed and history on join never exceeds the history size', () => {
  const config = parseServerArgs(['--workers', '4', '--port', '0', '--history-size', '5', '--history-on-join', '50'], {});
  assert.equal(config.workers, 4);
  assert.equal(config.port, 0);
  assert.equal(config.historyOnJoin, 5);
});

test('metrics are off by default and served on loopback when a port is given', () => {
  assert.equal(parseServerArgs([], {}).metricsPort, undefined);
  const config = parseServerArgs(['--metrics-port', '9990'], {});
  assert.equal(config.metricsPort, 9990);
  assert.equal(config.metricsHost, '127.0.0.1');
  assert.equal(parseServerArgs(['--metrics-port', '0', '--metrics-host', '0.0.0.0'], {}).metricsHost, '0.0.0.0');
});

test('the operator password comes from the flag or the environment, never empty', () => {
  assert.equal(parseServerArgs([], { ROOMCAST_OPERATOR_PASSWORD: 's3cret' }).operatorPassword, 's3cret');
  assert.equal(parseServerArgs([], { ROOMCAST_OPERATOR_PASSWORD: '' }).operatorPassword, undefined);
  assert.equal(parseServerArgs(['--operator-password', 'flag'], {}).operatorPassword, 'flag');
});

for (const [args, message] of [
  [['--workers', 'many'], /--workers.*expected a whole number/],
  [['--port', '70000'], /--port.*expected a whole number from 0 to 65535/],
  [['--metrics-port', 'on'], /--metrics-port.*expected a whole number from 0 to 65535/],
  [['--colour'], /unknown option '--colour'/],
  [['--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
] as const) {
  test(`invalid flags ${args.join(' ')} fail with a clear error and a non-zero exit`, () => {
    const result = spawnSync(process.execPath, [mainScript, ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, message);
  });
}

test('--help documents the flags and exits 0', () => {
  const result = spawnSync(process.execPath, [mainScript, '--help'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(result.status, 0);
  for (const flag of ['--workers', '--host', '--port', '--history-size', '--max-output-bytes', '--tls-cert', '--metrics-port']) {
    assert.ok(result.stdout.includes(flag), `--help mentions ${flag}`);
  }
});
