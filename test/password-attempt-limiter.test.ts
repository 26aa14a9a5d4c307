import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AttemptLimits, PasswordAttemptLimiter } from '../workers/coordinator/password-attempt-limiter.ts';

const limits: AttemptLimits = { attemptsPerWindow: 3, windowMs: 60_000, lockoutMs: 60_000, maxLockoutMs: 240_000, maxKeys: 3 };
const keys = ['connection 1', 'address 127.0.0.1'];

test('a few wrong tries are allowed, then the key is locked out for lockoutMs', () => {
  const limiter = new PasswordAttemptLimiter(limits);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.retryAfterMs(keys, 1000 * i), 0);
    limiter.failed(keys, 1000 * i);
  }
  assert.equal(limiter.retryAfterMs(keys, 2000), 60_000);
  assert.equal(limiter.retryAfterMs(['address 127.0.0.1'], 32_000), 30_000, 'the address is locked as well as the connection');
  assert.equal(limiter.retryAfterMs(['connection 2'], 32_000), 0, 'another key is not');
  assert.equal(limiter.retryAfterMs(keys, 62_000), 0);
});

test('each further lock-out doubles, up to maxLockoutMs', () => {
  const limiter = new PasswordAttemptLimiter(limits);
  let now = 0;
  const lockouts: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 3; i++) limiter.failed(keys, now);
    const wait = limiter.retryAfterMs(keys, now);
    lockouts.push(wait);
    now += wait;
  }
  assert.deepEqual(lockouts, [60_000, 120_000, 240_000, 240_000]);
});

test('wrong tries spread over more than a window never lock; a success forgets the key', () => {
  const limiter = new PasswordAttemptLimiter(limits);
  for (let i = 0; i < 10; i++) limiter.failed(keys, i * 30_000);
  assert.equal(limiter.retryAfterMs(keys, 300_000), 0, 'two tries per window');
  limiter.failed(keys, 400_000);
  limiter.succeeded(keys);
  limiter.failed(keys, 400_001);
  limiter.failed(keys, 400_002);
  assert.equal(limiter.retryAfterMs(keys, 400_003), 0, 'counting starts again after a success');
});

test('memory is bounded: at most maxKeys keys, the least recently used dropped first', () => {
  const limiter = new PasswordAttemptLimiter(limits);
  for (let i = 0; i < 10; i++) limiter.failed([`address 10.0.0.${i}`], 0);
  assert.equal(limiter.size, 3);
});
