import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressesMe, mentionRanges } from '../../src/client/mention.ts';
import { parseServerLine } from '../../src/client/server-line.ts';

test('a mention is the nick as a whole word, in any case', () => {
  assert.deepEqual(mentionRanges('ann: hi', 'ann'), [[0, 3]]);
  assert.deepEqual(mentionRanges('hi ANN!', 'ann'), [[3, 6]]);
  assert.deepEqual(mentionRanges('ann and ann', 'ann'), [
    [0, 3],
    [8, 11],
  ]);
  for (const text of ['annual', 'joann', 'ann_2', 'ann-marie', 'hi']) assert.deepEqual(mentionRanges(text, 'ann'), [], text);
  assert.deepEqual(mentionRanges('a.b a+b', 'a.b'), [[0, 3]], 'a nick is matched literally, never as a pattern');
});

test('the bell rings for live lines of others that name you, and for private messages', () => {
  const rings = (raw: string) => addressesMe(parseServerLine(raw), 'ann');
  assert.equal(rings('[lobby] <ben> ann: lunch?'), true);
  assert.equal(rings('[lobby] * ben pokes Ann'), true);
  assert.equal(rings('[pm] <ben> psst'), true);
  assert.equal(rings('[lobby] <ann> I am ann'), false, 'not for your own line');
  assert.equal(rings('[lobby] <ben> annual report'), false);
  assert.equal(rings('[pm -> ben] <ann> hi ann'), false, 'not for the echo of your own private message');
  assert.equal(rings('-- 2026-12-01 10:42:07Z [lobby] <ben> ann?'), false, 'not for history');
  assert.equal(rings('[lobby] -- ann joined'), false);
  assert.equal(addressesMe(parseServerLine('[lobby] <ben> ann'), undefined), false);
});
