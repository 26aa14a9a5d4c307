import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRoomOrder } from '../../bench/loadtest/order-check.ts';

test('members agreeing on their common prefix are consistent, even when one saw fewer messages', () => {
  const v = checkRoomOrder([
    { checkpoints: [1, 2, 3], lossless: true },
    { checkpoints: [1, 2], lossless: false },
    { checkpoints: [1, 2, 3], lossless: true },
  ]);
  assert.deepEqual(v, { members: 3, consistent: 3, divergent: 0, unverifiable: 0 });
});

test('two lossless members that disagree are divergent; a lossy one that disagrees is unverifiable', () => {
  const v = checkRoomOrder([
    { checkpoints: [1, 2, 3], lossless: true },
    { checkpoints: [1, 9, 3], lossless: true },
    { checkpoints: [1, 7], lossless: false },
  ]);
  assert.deepEqual(v, { members: 3, consistent: 1, divergent: 1, unverifiable: 1 });
});

test('an empty room has nothing to compare', () => {
  assert.deepEqual(checkRoomOrder([]), { members: 0, consistent: 0, divergent: 0, unverifiable: 0 });
});
