// Repeated runs reduced to the report's figures: medians with their range, the worst run's max, per-round figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise } from '../../bench/macro/run-summary.ts';
import { median, spread } from '../../bench/macro/spread.ts';
import { loadReport } from './report-fixtures.ts';

test('median and range: odd and even counts, unsorted input, nothing', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.deepEqual(spread([5, 1, 3]), { median: 3, min: 1, max: 5 });
  assert.deepEqual(spread([]), { median: 0, min: 0, max: 0 });
});

test('max latency is the worst run, not the median of the maxima; percentiles keep their range', () => {
  const s = summarise(1, 'roomcast-w2', [
    { round: 1, report: loadReport({ p99Ms: 10, maxMs: 20 }) },
    { round: 2, report: loadReport({ p99Ms: 30, maxMs: 400 }) },
    { round: 3, report: loadReport({ p99Ms: 20, maxMs: 25 }) },
  ]);
  assert.equal(s.latencyMs.max, 400);
  assert.deepEqual(s.latencyMs.p99, { median: 20, min: 10, max: 30 });
  assert.deepEqual(
    s.perRun.map((r) => [r.round, r.p99Ms, r.maxMs]),
    [
      [1, 10, 20],
      [2, 30, 400],
      [3, 20, 25],
    ],
  );
});

test('loss and disorder are the worst case over runs', () => {
  const s = summarise(3, 'redis', [
    { round: 1, report: loadReport({ lost: 5 }) },
    { round: 2, report: loadReport({ consistent: false }) },
  ]);
  assert.equal(s.lost, 5);
  assert.equal(s.orderConsistent, false);
});
