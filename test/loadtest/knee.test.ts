import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKnee } from '../../bench/loadtest/knee.ts';

test('the knee is the first stage that falls under 95% of its offered rate', () => {
  const knee = findKnee([
    { offeredRate: 1000, achievedRate: 1000, p99Us: 900 },
    { offeredRate: 2000, achievedRate: 1960, p99Us: 1000 },
    { offeredRate: 4000, achievedRate: 3000, p99Us: 1200 },
    { offeredRate: 8000, achievedRate: 3100, p99Us: 90_000 },
  ]);
  assert.equal(knee?.stage, 2);
  assert.equal(knee?.offeredRate, 4000);
  assert.match(knee?.reason ?? '', /75\.0% of offered/);
});

test("or the first whose p99 is more than 3× the previous stage's", () => {
  const knee = findKnee([
    { offeredRate: 1000, achievedRate: 1000, p99Us: 1000 },
    { offeredRate: 2000, achievedRate: 2000, p99Us: 3000 },
    { offeredRate: 4000, achievedRate: 4000, p99Us: 9001 },
  ]);
  assert.deepEqual(knee, { stage: 2, offeredRate: 4000, reason: "p99 3.0× the previous stage's" });
});

test('no knee while every stage keeps up', () => {
  assert.equal(
    findKnee([
      { offeredRate: 1000, achievedRate: 990, p99Us: 1000 },
      { offeredRate: 2000, achievedRate: 1990, p99Us: 2900 },
    ]),
    null,
  );
});
