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

  test('a character budget drops the oldest lines to make room', () => {
    const ring = new HistoryRing(10, 10);
    for (const line of ['aaaa', 'bbbb', 'cccc']) ring.push(line);
    assert.deepEqual(ring.last(10), ['bbbb', 'cccc']);
    ring.push('dddddddd');
    assert.deepEqual(ring.last(10), ['dddddddd']);
    ring.push('x'.repeat(11));
    assert.deepEqual(ring.last(10), ['dddddddd'], 'a line over the whole budget is not kept');
  });

  test('with a budget, history is the longest suffix of the pushes that fits both limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 30 }),
        (capacity, maxChars, lines) => {
          const ring = new HistoryRing(capacity, maxChars);
          for (const line of lines) ring.push(line);
          // Model: walk back from the newest line kept (lines over the budget are never kept).
          const kept = lines.filter((line) => line.length <= maxChars);
          const expected: string[] = [];
          let chars = 0;
          for (let i = kept.length - 1; i >= 0 && expected.length < capacity && chars + kept[i]!.length <= maxChars; i--) {
            expected.unshift(kept[i]!);
            chars += kept[i]!.length;
          }
          assert.deepEqual(ring.last(capacity), expected);
        },
      ),
    );
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
