// Ratios taken within a round: only rounds where both servers ran with a figure count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPaired, pairedRatio } from '../../bench/macro/paired-ratio.ts';
import { summary } from './report-fixtures.ts';

const perCpu = (r: { deliveriesPerCpuSecond: number }): number => r.deliveriesPerCpuSecond;

test('one ratio per round, the median of them, not the ratio of the medians', () => {
  // Medians 4 and 4 would give 1×; round by round roomcast is 2×, 0.5× and 1.5× the other.
  const mine = summary(1, 'roomcast-w2', [{ deliveriesPerCpuSecond: 2 }, { deliveriesPerCpuSecond: 4 }, { deliveriesPerCpuSecond: 6 }]);
  const theirs = summary(1, 'coalescing', [{ deliveriesPerCpuSecond: 1 }, { deliveriesPerCpuSecond: 8 }, { deliveriesPerCpuSecond: 4 }]);
  const p = pairedRatio(mine.perRun, theirs.perRun, perCpu);
  assert.deepEqual(p, {
    median: 1.5,
    rounds: [
      { round: 1, ratio: 2 },
      { round: 2, ratio: 0.5 },
      { round: 3, ratio: 1.5 },
    ],
  });
  assert.equal(formatPaired(p), '1.50× (2.00, 0.50, 1.50)');
});

test('a round one side missed or could not measure is left out; none in common is null', () => {
  const mine = summary(1, 'roomcast-w2', [{ deliveriesPerCpuSecond: 2 }, { deliveriesPerCpuSecond: 0 }, { deliveriesPerCpuSecond: 3 }]);
  const theirs = summary(1, 'redis', [{ deliveriesPerCpuSecond: 1 }, { deliveriesPerCpuSecond: 1 }]);
  assert.deepEqual(pairedRatio(mine.perRun, theirs.perRun, perCpu)?.rounds, [{ round: 1, ratio: 2 }]);
  assert.equal(formatPaired(pairedRatio(mine.perRun, theirs.perRun, perCpu)), '2.00×');
  assert.equal(pairedRatio(mine.perRun.slice(1), theirs.perRun.slice(1), perCpu), null);
  assert.equal(formatPaired(null), '–');
});
