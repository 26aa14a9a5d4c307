import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isValidNick, maxNickLength, maxRoomNameLength, nickKey, normalizeRoomName } from '../src/protocol/names.ts';

const printableAscii = /^[\x21-\x7e]+$/;
// Mostly name characters, plus characters whose case mapping leaves or enters ASCII (Kelvin sign, dotted
// I, long s), so random strings are often valid and the Unicode traps are tried.
const nameChar = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '_', '-', '#', ' ', '\u212A', '\u0130', '\u017F'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const nameLike = fc.string({ unit: nameChar, maxLength: 34 });

describe('isValidNick', () => {
  test('accepts 1 to 24 letters, digits, _ and -, starting with a letter or _', () => {
    for (const nick of ['a', 'Z', '_', '_x-1', 'Alice_Bob-42', 'n'.repeat(maxNickLength)]) assert.ok(isValidNick(nick), nick);
  });

  test('rejects empty, too long, a leading digit or -, and anything outside the charset', () => {
    const bad = ['', 'n'.repeat(maxNickLength + 1), '1abc', '-abc', 'a b', 'a.b', '#a', 'José', 'a\n', 'a\u0000', '\u212Aelvin'];
    for (const nick of bad) assert.ok(!isValidNick(nick), JSON.stringify(nick));
  });

  test('every valid nick is printable ASCII, so it cannot carry terminal escapes or look-alikes', () => {
    fc.assert(
      fc.property(nameLike, (text) => {
        if (isValidNick(text)) assert.match(text, printableAscii);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('nickKey', () => {
  test('folds case, so Alice and alice are the same nick', () => {
    assert.equal(nickKey('Alice'), nickKey('aLICE'));
    assert.notEqual(nickKey('alice'), nickKey('alice_'));
  });
});

describe('normalizeRoomName', () => {
  test('lower-cases and drops one leading #', () => {
    assert.equal(normalizeRoomName('#Dev-Ops_2'), 'dev-ops_2');
    assert.equal(normalizeRoomName('lobby'), 'lobby');
    assert.equal(normalizeRoomName('r'.repeat(maxRoomNameLength)), 'r'.repeat(maxRoomNameLength));
  });

  test('rejects empty, too long, a second #, and anything outside the charset', () => {
    const bad = ['', '#', '##dev', 'r'.repeat(maxRoomNameLength + 1), 'a b', 'a.b', 'café', 'a\r'];
    for (const room of bad) assert.equal(normalizeRoomName(room), undefined, JSON.stringify(room));
  });

  test('any name it returns is printable ASCII and already normal', () => {
    fc.assert(
      fc.property(nameLike, (text) => {
        const room = normalizeRoomName(text);
        if (room === undefined) return;
        assert.match(room, printableAscii);
        assert.equal(normalizeRoomName(room), room);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('nickKey', () => {
  test('one key for a nick whatever its case', () => {
    assert.equal(nickKey('Alice'), nickKey('aLiCe'));
    assert.equal(nickKey('ALICE'), nickKey('alice'));
  });

  test('look-alikes share a key (UTS #39 confusables 0/O, 1/l/I, m/rn, closed under case)', () => {
    for (const [real, impostor] of [
      ['alice', 'aIice'],
      ['alice', 'a1ice'],
      ['bob', 'b0b'],
      ['bob', 'B0B'],
      ['mallory', 'rnallory'],
      ['Mallory', 'rnaIlory'],
    ]) {
      assert.equal(nickKey(impostor!), nickKey(real!), `${impostor} ~ ${real}`);
    }
  });

  test('different names keep different keys', () => {
    for (const [a, b] of [
      ['alice', 'alicia'],
      ['bob', 'rob'],
      ['ann', 'anne'],
      ['x_1', 'x-1'],
    ]) {
      assert.notEqual(nickKey(a!), nickKey(b!), `${a} vs ${b}`);
    }
  });

  test('the key is stable: applying it twice changes nothing, so it can be used as a map key', () => {
    fc.assert(fc.property(nameLike, (text) => assert.equal(nickKey(nickKey(text)), nickKey(text))));
  });
});
