import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeArrivals } from '../../bench/loadgen/arrivals.ts';

const take = (a: ReturnType<typeof makeArrivals>, count: number): number[] =>
  Array.from({ length: count }, () => {
    const t = a.nextNs;
    a.advance();
    return t;
  });

test('staggered: publisher i of P starts i/P of an interval late, then keeps the interval exactly', () => {
  const interval = 1_000_000;
  const firsts = [0, 1, 2, 3].map((i) => makeArrivals('staggered', 5e9, interval, i, 4).nextNs);
  assert.deepEqual(firsts, [5e9, 5e9 + 250_000, 5e9 + 500_000, 5e9 + 750_000]);
  const times = take(makeArrivals('staggered', 0, interval / 3, 1, 2), 3_000_001);
  assert.equal(times[3_000_000], interval / 6 + 1_000_000 * interval, 'no drift after millions of sends');
  // No two publishers ever send at the same instant.
  const all = [0, 1, 2, 3].flatMap((i) => take(makeArrivals('staggered', 0, interval, i, 4), 100));
  assert.equal(new Set(all).size, all.length);
});

test('poisson: gaps are exponential with the interval as mean (mean ≈ standard deviation)', () => {
  let seed = 42;
  const random = (): number => {
    // A small LCG: the test must not depend on Math.random's luck.
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  const interval = 1_000;
  const times = take(makeArrivals('poisson', 0, interval, 0, 1, random), 100_001);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  assert.ok(Math.abs(mean - interval) < 0.02 * interval, `mean gap ${mean}`);
  assert.ok(Math.abs(sd / mean - 1) < 0.03, `coefficient of variation ${sd / mean}`);
  assert.ok(
    gaps.every((g) => g >= 0 && Number.isFinite(g)),
    'gaps are finite and never negative',
  );
});
