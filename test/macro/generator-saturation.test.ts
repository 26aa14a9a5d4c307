// Generator saturation decided from a run's figures (the load tool's rule), including the CPU-bound case its
// flag used to miss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSaturationReasons as saturationReasons } from '../../bench/macro/generator-saturation.ts';
import { loadReport } from './report-fixtures.ts';

test('a shard event loop over 90 % busy', () => {
  assert.deepEqual(saturationReasons(loadReport({ elu: [0.95, 0.5], generatorCores: 1, serverCores: 0.3 })), [
    'shard 0 event loop 95 % busy',
  ]);
});

test('Redis in scenario 1: a CPU-bound box where the generator burns ≥ 2× the server, shards below 90 %', () => {
  const reasons = saturationReasons(loadReport({ elu: [0.83, 0.87], generatorCores: 1.36, serverCores: 0.5 }));
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /CPU-bound box, generator 1\.36 cores ≥ 2× the server's 0\.50/);
});

test('not marked: a server at its own limit (naive, NATS), or a box with room to spare', () => {
  assert.deepEqual(saturationReasons(loadReport({ elu: [0.61, 0.6], generatorCores: 1.01, serverCores: 0.96 })), []);
  assert.deepEqual(saturationReasons(loadReport({ elu: [0.53, 0.5], generatorCores: 0.76, serverCores: 1.13 })), []);
  assert.deepEqual(saturationReasons(loadReport({ elu: [0.63, 0.6], generatorCores: 1.07, serverCores: 0.51 })), []);
});

test('the generator over 90 % of the cores', () => {
  assert.deepEqual(saturationReasons(loadReport({ generatorCores: 1.85, serverCores: 0.1 })), ['generator uses 1.85 of 2 cores']);
});
