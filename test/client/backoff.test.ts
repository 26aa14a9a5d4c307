import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { retryDelayMs } from '../../src/client/backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 5000 };

test('the ceiling doubles per attempt and stops at the cap', () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 40, 10_000].map((attempt) => retryDelayMs(attempt, policy, () => 1));
  assert.deepEqual(ceilings, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
});

test('jitter keeps half the ceiling as a floor', () => {
  assert.equal(
    retryDelayMs(0, policy, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(9, policy, () => 0),
    2500,
  );
});

test('every delay lies in [ceiling/2, ceiling], whatever the attempt and the random draw', () => {
  fc.assert(
    fc.property(fc.nat(100_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, draw) => {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      const delay = retryDelayMs(attempt, policy, () => draw);
      assert.ok(Number.isFinite(delay));
      assert.ok(delay >= Math.floor(ceiling / 2) && delay <= ceiling, `${delay} outside [${ceiling / 2}, ${ceiling}]`);
    }),
  );
});

test('the default random source spreads delays out', () => {
  const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(6, policy)));
  assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
});
