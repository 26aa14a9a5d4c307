// The timing of load windows and stats records (thread-load.ts): windows are cut at wall-clock multiples
// of their length in every thread, and a record is taken half a window after a cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadWindowMs, msToNextCut, msToNextRecord } from '../src/thread-load.ts';

test('the window is the stats interval, not under 100 ms, or a second without records', () => {
  assert.equal(loadWindowMs(500), 500);
  assert.equal(loadWindowMs(20), 100);
  assert.equal(loadWindowMs(0), 1000);
});

test('a record falls half a window after the next cut', () => {
  assert.equal(msToNextRecord(10_000, 500), 250, 'at a cut');
  assert.equal(msToNextRecord(10_100, 500), 150, 'before the half');
  assert.equal(msToNextRecord(10_250, 500), 500, 'exactly at the half: the next one');
  assert.equal(msToNextRecord(10_400, 500), 350, 'after the half');
  assert.equal(msToNextRecord(10_249, 500), 501, 'a timer that fired 1 ms early does not record twice');
});

test('a window is cut on the clock, and a timer that fired just early does not cut a sliver', () => {
  assert.equal(msToNextCut(10_000, 500), 500);
  assert.equal(msToNextCut(10_030, 500), 470, 'fired late: the next cut is on the clock');
  assert.equal(msToNextCut(9_998, 500), 502, 'fired 2 ms early: not a 2 ms window');
});
