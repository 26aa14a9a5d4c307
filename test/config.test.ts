// The server's command line: defaults, validation, and where the operator password may come from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

test('the IRC and browser doors are on by default (6667, 8080), moved with --irc-port/--http-port, shut with --no-irc/--no-http', () => {
  const defaults = parseServerArgs([], {});
  assert.deepEqual([defaults.ircPort, defaults.httpPort], [6667, 8080]);
  const moved = parseServerArgs(['--irc-port', '0', '--http-port', '7000'], {});
  assert.deepEqual([moved.ircPort, moved.httpPort], [0, 7000]);
  const shut = parseServerArgs(['--no-irc', '--no-http'], {});
  assert.deepEqual([shut.ircPort, shut.httpPort], [undefined, undefined]);
  assert.ok(!('irc' in shut) && !('http' in shut), 'the negations do not leak into the config');
});

test('--http-origin lists other origins whose pages may open the WebSocket; anything but an origin is refused', () => {
  assert.deepEqual(parseServerArgs([], {}).httpOrigins, []);
  assert.deepEqual(parseServerArgs(['--http-origin', 'https://chat.example.org, http://10.0.0.5:8080'], {}).httpOrigins, [
    'https://chat.example.org',
    'http://10.0.0.5:8080',
  ]);
});

test('the write-stall deadline defaults to 20 s and is set with --write-stall-ms', () => {
  assert.equal(parseServerArgs([], {}).writeStallMs, 20_000);
  assert.equal(parseServerArgs(['--write-stall-ms', '5000'], {}).writeStallMs, 5000);
});

test('the per-address connect rate: on by default, lifted with 0', () => {
  const defaults = parseServerArgs([], {});
  assert.deepEqual([defaults.maxConnectsPerIpPerSecond, defaults.connectBurstPerIp], [10, 30]);
  const lifted = parseServerArgs(['--max-connects-per-ip-per-second', '0', '--connect-burst-per-ip', '5'], {});
  assert.deepEqual([lifted.maxConnectsPerIpPerSecond, lifted.connectBurstPerIp], [0, 5]);
});

test('metrics are off by default and served on loopback when a port is given', () => {
  assert.equal(parseServerArgs([], {}).metricsPort, undefined);
  const config = parseServerArgs(['--metrics-port', '9990'], {});
  assert.equal(config.metricsPort, 9990);
  assert.equal(config.metricsHost, '127.0.0.1');
  assert.equal(parseServerArgs(['--metrics-port', '0', '--metrics-host', '0.0.0.0'], {}).metricsHost, '0.0.0.0');
});

test('the operator password comes from the environment or a file, never from argv, never empty', (t) => {
  assert.equal(parseServerArgs([], { ROOMCAST_OPERATOR_PASSWORD: 's3cret' }).operatorPassword, 's3cret');
  assert.equal(parseServerArgs([], { ROOMCAST_OPERATOR_PASSWORD: '' }).operatorPassword, undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-config-'));
  t.after(() => rmSync(dir, { recursive: true }));
  const file = path.join(dir, 'operator-password');
  writeFileSync(file, 'from a file\n');
  const fromFile = parseServerArgs(['--operator-password-file', file], { ROOMCAST_OPERATOR_PASSWORD: 'env' });
  assert.equal(fromFile.operatorPassword, 'from a file');
  // A password on the command line is visible to every user through `ps`: the flag is gone.
  const result = spawnSync(process.execPath, [mainScript, '--operator-password', 'visible'], { encoding: 'utf8', timeout: 10_000 });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /unknown option '--operator-password'/);
});

for (const [args, message] of [
  [['--workers', 'many'], /--workers.*expected a whole number/],
  [['--port', '70000'], /--port.*expected a whole number from 0 to 65535/],
  [['--irc-port', 'six'], /--irc-port.*expected a whole number from 0 to 65535/],
  [['--metrics-port', 'on'], /--metrics-port.*expected a whole number from 0 to 65535/],
  [['--http-origin', 'https://chat.example.org/path'], /--http-origin.*not an origin like https:\/\/chat\.example\.org/],
  [['--colour'], /unknown option '--colour'/],
  [['--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
  [['--operator-password-file', '/nonexistent/roomcast-password'], /cannot read --operator-password-file/],
] as const) {
  test(`invalid flags ${args.join(' ')} fail with one error line, a pointer to --help, and a non-zero exit`, () => {
    const result = spawnSync(process.execPath, [mainScript, ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(result.status, 0);
    const [error, pointer, ...rest] = result.stderr.trim().split('\n');
    assert.match(error!, message);
    assert.match(pointer ?? '', /--help/);
    assert.deepEqual(rest, [], 'not the whole usage');
  });
}

test('--help documents the flags and exits 0', () => {
  const result = spawnSync(process.execPath, [mainScript, '--help'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(result.status, 0);
  for (const flag of [
    '--workers',
    '--host',
    '--port',
    '--irc-port',
    '--no-irc',
    '--http-port',
    '--no-http',
    '--history-size',
    '--max-output-bytes',
    '--tls-cert',
    '--metrics-port',
  ]) {
    assert.ok(result.stdout.includes(flag), `--help mentions ${flag}`);
  }
});
