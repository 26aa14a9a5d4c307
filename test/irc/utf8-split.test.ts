import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { splitUtf8, truncateUtf8 } from '../../src/protocol/irc/utf8-split.ts';

describe('truncateUtf8', () => {
  test('cuts before a character that would not fit whole', () => {
    assert.equal(truncateUtf8('aé', 2), 'a');
    assert.equal(truncateUtf8('aé', 3), 'aé');
    assert.equal(truncateUtf8('😀x', 3), '');
    assert.equal(truncateUtf8('abc', 0), '');
  });
});

describe('splitUtf8', () => {
  test('prefers to cut after a space in the second half of a piece', () => {
    assert.deepEqual(splitUtf8('hello brave new world', 12), ['hello brave ', 'new world']);
    assert.deepEqual(splitUtf8('a bcdefghijklmn', 8), ['a bcdefg', 'hijklmn']);
    assert.deepEqual(splitUtf8('', 8), ['']);
  });

  test('pieces fit, are never empty when the text is not, and join to the text', () => {
    const text = fc.string({
      unit: fc.oneof(fc.constant(' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
      maxLength: 80,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 40 }), (original, maxBytes) => {
        const pieces = splitUtf8(original, maxBytes);
        assert.equal(pieces.join(''), original.toWellFormed());
        for (const piece of pieces) assert.ok(Buffer.byteLength(piece) <= maxBytes);
        if (original !== '') for (const piece of pieces) assert.notEqual(piece, '');
      }),
      { numRuns: 1000 },
    );
  });
});
