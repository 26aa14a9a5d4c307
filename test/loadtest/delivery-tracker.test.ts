import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DeliveryTracker } from '../../bench/loadgen/delivery-tracker.ts';

test('in-order deliveries: all unique, no duplicates or reordering', () => {
  const t = new DeliveryTracker(2, 4);
  for (let s = 0; s < 10; s++) {
    t.accept(0, s);
    t.accept(1, s);
  }
  assert.deepEqual(Array.from(t.unique), [10, 10]);
  assert.equal(t.duplicates + t.reordered, 0);
  assert.equal(t.checkpoints.length, 5);
});

test('a late arrival filling a gap is reordered, a repeat is a duplicate, a missing seq is not counted', () => {
  const t = new DeliveryTracker(1, 100);
  for (const s of [0, 1, 4, 2, 2, 4, 5]) t.accept(0, s);
  assert.equal(t.unique[0], 5); // 0 1 4 2 5; 3 never came
  assert.equal(t.reordered, 1);
  assert.equal(t.duplicates, 2);
});

test('any permutation with repeats: unique = distinct seqs, duplicates = the rest', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (seqs) => {
      const t = new DeliveryTracker(1, 8);
      for (const s of seqs) t.accept(0, s);
      const distinct = new Set(seqs).size;
      assert.equal(t.unique[0], distinct);
      assert.equal(t.duplicates, seqs.length - distinct);
    }),
  );
});

test('members that saw the same sequence share checkpoints; a swap changes them', () => {
  const a = new DeliveryTracker(2, 2);
  const b = new DeliveryTracker(2, 2);
  const c = new DeliveryTracker(2, 2);
  const order: [number, number][] = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  for (const [p, s] of order) {
    a.accept(p, s);
    b.accept(p, s);
  }
  for (const [p, s] of [order[1], order[0], order[2], order[3]]) c.accept(p, s);
  assert.deepEqual(a.checkpoints, b.checkpoints);
  assert.notDeepEqual(a.checkpoints, c.checkpoints);
  assert.equal(c.reordered, 0); // per-sender order held: only the room order differs
});
