// Password hashes: scrypt, salted, self-describing, compared in constant time, and refusing absurd input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodePasswordHash,
  defaultScryptParams,
  hashPassword,
  maxPasswordBytes,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '../../src/accounts/password-hash.ts';

// Cheap parameters, so the tests time the logic rather than scrypt; one test uses the defaults.
const cheap = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };

test('a hash verifies its own password and no other', async () => {
  const encoded = await hashPassword('correct horse battery staple', cheap);
  assert.equal(await verifyPassword('correct horse battery staple', encoded), true);
  assert.equal(await verifyPassword('correct horse battery stapler', encoded), false);
  assert.equal(await verifyPassword('Correct horse battery staple', encoded), false);
});

test('the default parameters are N=2^15 r=8 p=1, written into the hash with a 16-byte salt and a 32-byte hash', async () => {
  const encoded = await hashPassword('hunter2');
  assert.match(encoded, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  const { params, salt, hash } = decodePasswordHash(encoded);
  assert.deepEqual(params, defaultScryptParams);
  assert.deepEqual([salt.length, hash.length], [16, 32]);
  assert.equal(await verifyPassword('hunter2', encoded), true);
});

test('every hash has a salt of its own, so equal passwords do not give equal hashes', async () => {
  const [a, b] = await Promise.all([hashPassword('same', cheap), hashPassword('same', cheap)]);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same', b), true);
});

test('a hash made with other parameters still verifies, and says it should be made again', async () => {
  const older = await hashPassword('pw', { cost: 2 ** 9, blockSize: 4, parallelization: 1 });
  assert.equal(await verifyPassword('pw', older), true);
  assert.equal(needsRehash(older, cheap), true);
  assert.equal(needsRehash(await hashPassword('pw', cheap), cheap), false);
});

test('a password is compared in Unicode normal form: a composed and a decomposed é are one password', async () => {
  const encoded = await hashPassword('caf\u00e9', cheap);
  assert.equal(await verifyPassword('cafe\u0301', encoded), true);
});

test('an empty password or one over 1 KiB is refused for a hash, and simply wrong for a check', async () => {
  assert.equal(passwordProblem(''), 'the password is empty');
  assert.equal(passwordProblem('x'.repeat(maxPasswordBytes)), undefined);
  assert.match(passwordProblem('é'.repeat(maxPasswordBytes / 2 + 1))!, /longer than 1024 bytes/, 'counted in UTF-8 bytes');
  await assert.rejects(hashPassword('', cheap), RangeError);
  await assert.rejects(hashPassword('x'.repeat(maxPasswordBytes + 1), cheap), RangeError);
  const encoded = await hashPassword('pw', cheap);
  assert.equal(await verifyPassword('', encoded), false);
  assert.equal(await verifyPassword('x'.repeat(100_000), encoded), false);
});

test('a damaged or foreign hash, or parameters that would cost too much, throw rather than verify', async () => {
  const encoded = await hashPassword('pw', cheap);
  const [, , r, p, salt, hash] = encoded.split('$');
  for (const damaged of [
    '',
    'plain-text-password',
    `bcrypt$1024$${r}$${p}$${salt}$${hash}`,
    `scrypt$1000$${r}$${p}$${salt}$${hash}`, // N not a power of two
    `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`, // 128 GiB of memory
    `scrypt$1024$${r}$${p}$${salt}`,
    `scrypt$1024$${r}$${p}$${salt}$not*base64`,
    `scrypt$1024$${r}$${p}$AAAA$${hash}`, // a 3-byte salt
  ]) {
    await assert.rejects(verifyPassword('pw', damaged), Error, damaged);
  }
  await assert.rejects(hashPassword('pw', { cost: 2 ** 21, blockSize: 8, parallelization: 1 }), RangeError);
});
