// The per-address connection rate: a burst, then the steady rate; addresses are independent; idle
// addresses are forgotten and the table never grows past its bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectRateLimiter } from '../src/acceptor/connect-rate-limiter.ts';

const attempts = (limiter: ConnectRateLimiter, key: string, count: number, nowMs: number) =>
  Array.from({ length: count }, () => limiter.tryConnect(key, nowMs)).filter(Boolean).length;

test('an address may connect a burst at once, then at the steady rate', () => {
  const limiter = new ConnectRateLimiter(2, 5, 100);
  assert.equal(attempts(limiter, 'a', 10, 0), 5);
  assert.equal(attempts(limiter, 'a', 10, 499), 0, 'less than one token has flowed in');
  assert.equal(attempts(limiter, 'a', 10, 500), 1);
  assert.equal(attempts(limiter, 'a', 10, 1500), 2);
  assert.equal(attempts(limiter, 'b', 10, 1500), 5, 'another address has its own bucket');
});

test('refused attempts spend nothing: retrying at the rate gets in', () => {
  const limiter = new ConnectRateLimiter(1, 1, 100);
  let admitted = 0;
  for (let nowMs = 0; nowMs < 10_000; nowMs += 100) if (limiter.tryConnect('a', nowMs)) admitted++;
  assert.equal(admitted, 10);
});

test('an address idle long enough to refill is forgotten', () => {
  const limiter = new ConnectRateLimiter(10, 20, 100);
  limiter.tryConnect('a', 0);
  limiter.tryConnect('b', 1000);
  assert.equal(limiter.size, 2);
  limiter.tryConnect('c', 2000); // 'a' has been idle for the 2 s a bucket takes to refill
  assert.equal(limiter.size, 2);
  limiter.tryConnect('c', 10_000);
  assert.equal(limiter.size, 1);
});

test('the table stays within its bound; the least recently seen address goes first', () => {
  const limiter = new ConnectRateLimiter(1, 3, 3);
  for (const key of ['a', 'b', 'c']) limiter.tryConnect(key, 0);
  assert.equal(attempts(limiter, 'a', 5, 0), 2, 'a spends its last two tokens and is now the most recent');
  limiter.tryConnect('d', 0); // evicts b, the least recently seen
  assert.equal(limiter.size, 3);
  assert.equal(attempts(limiter, 'b', 5, 0), 3, 'b was forgotten: a full bucket again');
  assert.equal(attempts(limiter, 'a', 5, 0), 0, 'a was kept');
});
