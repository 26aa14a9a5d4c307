// The keeping-up rule, tick by tick: no sockets and no wall time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hardLimitFactor, WriteProgress } from '../workers/connection/write-progress.ts';

const maxOutputBytes = 1000;
const stallTicks = 5;
const overBoundTicks = 10;

test('the first tick after falling behind only sets the baseline, even far over the bound', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  assert.equal(progress.tick(3000, 0), undefined);
  assert.equal(progress.tick(3000, 0), 'slow-consumer');
});

test('a backlog over the bound that the kernel keeps taking from is given overBoundTicks to come down', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  for (let tick = 1; tick <= overBoundTicks; tick++) assert.equal(progress.tick(3000, tick * 10), undefined, `tick ${tick}`);
  assert.equal(progress.tick(500, 1000), undefined, 'under the bound again: a reader that caught up');
  for (let tick = 1; tick <= overBoundTicks; tick++) assert.equal(progress.tick(3000, 1000 + tick), undefined, `tick ${tick}`);
});

test('a reader slower than its rooms (over the bound at every tick, though it takes some) is a slow consumer', () => {
  // Regression: judged only on progress, a trickle reader kept the server queueing for it without limit.
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  let verdict: string | undefined;
  let tick = 0;
  while (verdict === undefined && tick < 100) verdict = progress.tick(2000 + 10 * tick, ++tick);
  assert.equal(verdict, 'slow-consumer');
  assert.equal(tick, overBoundTicks + 1);
});

test('over the hard limit is a slow consumer at once, progress or baseline tick notwithstanding', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  assert.equal(progress.tick(hardLimitFactor * maxOutputBytes, 0), undefined);
  assert.equal(progress.tick(hardLimitFactor * maxOutputBytes + 1, 500), 'slow-consumer');
});

test('under the bound, a client that takes nothing is dropped after stallTicks whole ticks', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  assert.equal(progress.tick(10, 100), undefined);
  for (let tick = 1; tick < stallTicks; tick++) assert.equal(progress.tick(10, 100), undefined, `tick ${tick}`);
  assert.equal(progress.tick(10, 100), 'write-stall');
});

test('any progress restarts the stall count, and restart() gives a fresh baseline', () => {
  const progress = new WriteProgress(maxOutputBytes, stallTicks, overBoundTicks);
  progress.tick(10, 0);
  for (let tick = 1; tick < stallTicks; tick++) progress.tick(10, 0);
  assert.equal(progress.tick(10, 1), undefined, 'took a byte just in time');
  for (let tick = 1; tick < stallTicks; tick++) assert.equal(progress.tick(10, 1), undefined);
  progress.restart();
  assert.equal(progress.tick(3000, 1), undefined, 'a new backlog gets its baseline tick');
  assert.equal(progress.tick(3000, 1), 'slow-consumer');
});
