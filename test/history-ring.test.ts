import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HistoryRing } from '../workers/coordinator/history-ring.ts';

const bytesOf = (line: string) => Buffer.byteLength(line);

function ringOf(capacity: number, lines: readonly string[], maxBytes?: number): HistoryRing<string> {
  const ring = new HistoryRing<string>(capacity, maxBytes);
  for (const line of lines) ring.push(line, bytesOf(line));
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

  test('a byte budget drops the oldest lines to make room', () => {
    const ring = ringOf(10, ['aaaa', 'bbbb', 'cccc'], 10);
    assert.deepEqual(ring.last(10), ['bbbb', 'cccc']);
    ring.push('dddddddd', 8);
    assert.deepEqual(ring.last(10), ['dddddddd']);
    ring.push('x'.repeat(11), 11);
    assert.deepEqual(ring.last(10), ['dddddddd'], 'a line over the whole budget is not kept');
  });

  test('the budget counts UTF-8 bytes, not UTF-16 characters', () => {
    // Five characters, but ten bytes each: two of them fill a 20-byte budget.
    assert.deepEqual(ringOf(10, ['ééééé', 'ààààà', 'ööööö'], 20).last(10), ['ààààà', 'ööööö']);
    assert.deepEqual(ringOf(10, ['漢字漢字'], 11).last(10), [], 'twelve bytes do not fit in eleven');
  });

  test('with a budget, history is the longest suffix of the pushes that fits both limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 5 }), { maxLength: 30 }),
        (capacity, maxBytes, lines) => {
          const ring = ringOf(capacity, lines, maxBytes);
          // Model: walk back from the newest line kept (lines over the budget are never kept).
          const kept = lines.filter((line) => bytesOf(line) <= maxBytes);
          const expected: string[] = [];
          let bytes = 0;
          for (let i = kept.length - 1; i >= 0 && expected.length < capacity && bytes + bytesOf(kept[i]!) <= maxBytes; i--) {
            expected.unshift(kept[i]!);
            bytes += bytesOf(kept[i]!);
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
