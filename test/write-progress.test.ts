// The keeping-up rule, tick by tick: no sockets and no wall time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriteProgress } from '../workers/connection/write-progress.ts';

const maxOutputBytes = 1000;
const stallTicks = 5;

test('the first tick after falling behind only sets the baseline, even far over the bound', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks);
  assert.equal(progress.tick(50_000, 0), undefined);
  assert.equal(progress.tick(50_000, 0), 'slow-consumer');
});

test('a backlog over the bound is never judged while the kernel keeps taking some of it', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks);
  for (let tick = 0; tick < 100; tick++) assert.equal(progress.tick(50_000, tick * 10), undefined);
});

test('under the bound, a client that takes nothing is dropped after stallTicks whole ticks', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks);
  assert.equal(progress.tick(10, 100), undefined);
  for (let tick = 1; tick < stallTicks; tick++) assert.equal(progress.tick(10, 100), undefined, `tick ${tick}`);
  assert.equal(progress.tick(10, 100), 'write-stall');
});

test('any progress restarts the stall count, and restart() gives a fresh baseline', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks);
  progress.tick(10, 0);
  for (let tick = 1; tick < stallTicks; tick++) progress.tick(10, 0);
  assert.equal(progress.tick(10, 1), undefined, 'took a byte just in time');
  for (let tick = 1; tick < stallTicks; tick++) assert.equal(progress.tick(10, 1), undefined);
  progress.restart();
  assert.equal(progress.tick(5000, 1), undefined, 'a new backlog gets its baseline tick');
  assert.equal(progress.tick(5000, 1), 'slow-consumer');
});
