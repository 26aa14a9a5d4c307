// Guessing the operator password: a few wrong tries a minute per connection and per address, then tries are
// refused unchecked (OPER_LOCKED) — the right password included — and every try is logged with its address.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { operatorAttemptLimits } from '../../workers/coordinator/password-attempt-limiter.ts';
import { LineClient } from '../helpers/line-client.ts';
import { parseLogOutput } from '../../harness/log-records.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const password = 'correct horse battery staple';
const guesses = 1000;

test('1,000 wrong /oper guesses from one address: a few are checked, the rest refused unchecked, all logged; the right password is refused while locked', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-oper-'));
  const file = path.join(dir, 'operator-password');
  writeFileSync(file, `${password}\n`);
  // Guessing fast would also trip the flood guard; the limit under test is the password's own.
  const server = await spawnServer([
    '--workers',
    '2',
    '--operator-password-file',
    file,
    '--flood-messages-per-second',
    '0',
    '--flood-bytes-per-second',
    '0',
  ]);
  t.after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true });
  });
  assert.ok(!server.output().includes(password), 'the password is never printed');

  const guesser = await LineClient.joined(server.port, 'guesser');
  guesser.socket.write(Array.from({ length: guesses }, (_, i) => `/oper guess-${i}\n`).join(''));
  const answers = () => guesser.lines.filter((line) => line.startsWith('!! OPER_'));
  await waitUntil(
    () => answers().length === guesses,
    20_000,
    () => `${answers().length} of ${guesses} answers`,
  );
  const failed = answers().filter((line) => line.startsWith('!! OPER_FAILED'));
  const locked = answers().filter((line) => line.startsWith('!! OPER_LOCKED'));
  assert.equal(failed.length, operatorAttemptLimits.attemptsPerWindow, 'only the first few guesses were checked');
  assert.equal(locked.length, guesses - operatorAttemptLimits.attemptsPerWindow);
  assert.match(locked[0]!, /try again in (5\d|60) s/);

  const from = guesser.lines.length;
  guesser.send(`/oper ${password}`);
  assert.match(await guesser.waitFor((line) => line.startsWith('!! ') || line.startsWith('-- You are'), 5000, from), /^!! OPER_LOCKED /);
  // Another connection from the same address is locked out too: the limit is per address as well.
  const accomplice = await LineClient.joined(server.port, 'accomplice');
  accomplice.send(`/oper ${password}`);
  assert.match(await accomplice.waitFor((line) => line.startsWith('!! OPER_')), /^!! OPER_LOCKED /);
  accomplice.send('/stats');
  assert.match(await accomplice.waitFor((line) => line.startsWith('!! NOT_OPERATOR')), /see \/oper/);

  const logged = () => parseLogOutput(server.output()).filter((record) => String(record.msg).startsWith('operator login'));
  await waitUntil(
    () => logged().length === guesses + 2,
    10_000,
    () => `${logged().length} logged tries`,
  );
  assert.ok(
    logged().every((record) => record.address === '127.0.0.1' && typeof record.nick === 'string'),
    'each with its address',
  );
  assert.equal(
    logged().filter((record) => record.msg === 'operator login failed: wrong password').length,
    operatorAttemptLimits.attemptsPerWindow,
  );
  guesser.close();
  accomplice.close();
});

test('the right password from a fresh address is accepted, and logged', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-oper-'));
  const file = path.join(dir, 'operator-password');
  writeFileSync(file, password);
  const server = await spawnServer(['--workers', '1', '--operator-password-file', file]);
  t.after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true });
  });
  const admin = await LineClient.joined(server.port, 'admin');
  admin.send('/oper wrong');
  await admin.waitFor((line) => line.startsWith('!! OPER_FAILED'));
  admin.send(`/oper ${password}`);
  await admin.waitFor((line) => line === '-- You are now an operator.');
  await waitUntil(
    () => parseLogOutput(server.output()).some((record) => record.msg === 'operator login' && record.nick === 'admin'),
    5000,
    'the login record',
  );
  admin.close();
});
