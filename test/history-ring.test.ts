import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HistoryRing } from '../workers/coordinator/history-ring.ts';

function ringOf(capacity: number, lines: readonly string[]): HistoryRing {
  const ring = new HistoryRing(capacity);
  for (const line of lines) ring.push(line);
  return ring;
}

describe('HistoryRing', () => {
  test('returns the newest lines, oldest first', () => {
    const ring = ringOf(3, ['l1', 'l2', 'l3', 'l4', 'l5']);
    assert.deepEqual(ring.last(10), ['l3', 'l4', 'l5']);
    assert.deepEqual(ring.last(2), ['l4', 'l5']);
  });

  test('returns fewer lines than asked while not yet full', () => {
    assert.deepEqual(ringOf(5, ['a', 'b']).last(5), ['a', 'b']);
    assert.deepEqual(ringOf(5, []).last(5), []);
  });

  test('asking for zero or a negative count returns nothing', () => {
    const ring = ringOf(3, ['a', 'b']);
    assert.deepEqual(ring.last(0), []);
    assert.deepEqual(ring.last(-4), []);
  });

  test('a ring of capacity 0 keeps nothing', () => {
    assert.deepEqual(ringOf(0, ['a', 'b']).last(3), []);
  });

  test('last(n) equals the last min(n, capacity) lines pushed, for any pushes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 12 }),
        (capacity, lines, wanted) => {
          const take = Math.min(wanted, capacity, lines.length);
          assert.deepEqual(ringOf(capacity, lines).last(wanted), lines.slice(lines.length - take));
        },
      ),
    );
  });
});
