// The parser is checked against the server's own line builders, so a change of shape on either side fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseServerLine } from '../../src/client/server-line.ts';
import { errorLine } from '../../src/protocol/errors.ts';
import {
  actionLine,
  chatLine,
  currentRoomLine,
  currentRoomPattern,
  helloLine,
  helloPattern,
  historyHeaderLine,
  historyHeaderPattern,
  historyLine,
  infoLine,
  noticeLine,
  partedLine,
  partedPattern,
  privateEchoLine,
  privateLine,
  renamedLine,
  renamedPattern,
} from '../../src/protocol/server-lines.ts';

const withoutLf = (line: string) => line.slice(0, -1);
const nick = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,23}$/);
// "pm" is a valid room name, but `[pm] <nick> text` is the private-message shape, so such a room reads as private.
const room = fc.stringMatching(/^[a-z0-9_-]{1,32}$/).filter((name) => name !== 'pm');
const text = fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));

test('room chat, actions and notices come back as their parts', () => {
  fc.assert(
    fc.property(room, nick, text, (r, n, t) => {
      assert.deepEqual(parseServerLine(withoutLf(chatLine(r, n, t))), { kind: 'chat', room: r, nick: n, text: t });
      assert.deepEqual(parseServerLine(withoutLf(actionLine(r, n, t))), { kind: 'action', room: r, nick: n, text: t });
      assert.deepEqual(parseServerLine(withoutLf(noticeLine(r, t))), { kind: 'notice', room: r, text: t });
    }),
  );
});

test('private messages and their echoes', () => {
  fc.assert(
    fc.property(nick, nick, text, (from, to, t) => {
      assert.deepEqual(parseServerLine(withoutLf(privateLine(from, t))), { kind: 'private', from, text: t });
      assert.deepEqual(parseServerLine(withoutLf(privateEchoLine(to, from, t))), { kind: 'private-echo', to, from, text: t });
    }),
  );
});

test('information and errors', () => {
  assert.deepEqual(parseServerLine(withoutLf(infoLine('rooms: lobby (2)'))), { kind: 'info', text: 'rooms: lobby (2)' });
  assert.deepEqual(parseServerLine(withoutLf(errorLine('NICK_TAKEN', 'ann'))), {
    kind: 'error',
    code: 'NICK_TAKEN',
    sentence: 'The nickname "ann" is already in use.',
  });
});

test('text that merely looks like a prefix stays in the text', () => {
  assert.deepEqual(parseServerLine('[dev] <ann> [pm] <ben> -- !! X y'), {
    kind: 'chat',
    room: 'dev',
    nick: 'ann',
    text: '[pm] <ben> -- !! X y',
  });
  assert.deepEqual(parseServerLine('hello'), { kind: 'other', text: 'hello' });
  assert.deepEqual(parseServerLine(''), { kind: 'other', text: '' });
});

test('a replayed line comes back with the time it was first sent and the line as it was', () => {
  fc.assert(
    fc.property(room, nick, text, fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }), (r, n, t, sentAtMs) => {
      const wholeSeconds = Math.floor(sentAtMs / 1000) * 1000;
      assert.deepEqual(parseServerLine(withoutLf(historyLine(sentAtMs, chatLine(r, n, t)))), {
        kind: 'history',
        sentAtMs: wholeSeconds,
        raw: withoutLf(chatLine(r, n, t)),
        line: { kind: 'chat', room: r, nick: n, text: t },
      });
    }),
  );
  assert.deepEqual(parseServerLine('-- 2026-12-01 10:42:07Z [lobby] -- ann joined'), {
    kind: 'history',
    sentAtMs: Date.UTC(2026, 11, 1, 10, 42, 7),
    raw: '[lobby] -- ann joined',
    line: { kind: 'notice', room: 'lobby', text: 'ann joined' },
  });
});

test('only one level of replay, and only a real date, make a history line', () => {
  const nested = parseServerLine('-- 2026-12-01 10:42:07Z -- 2026-12-01 10:42:07Z [lobby] <a> b');
  assert.equal(nested.kind, 'history');
  assert.deepEqual(nested.kind === 'history' && nested.line, { kind: 'info', text: '2026-12-01 10:42:07Z [lobby] <a> b' });
  assert.deepEqual(parseServerLine('-- 2026-13-45 10:42:07Z [lobby] <a> b'), { kind: 'info', text: '2026-13-45 10:42:07Z [lobby] <a> b' });
  // Deep nesting costs one level of parsing, not a stack frame per level.
  const deep = `${'-- 2026-12-01 10:42:07Z '.repeat(50_000)}x`;
  assert.equal(parseServerLine(deep).kind, 'history');
});

test('each session sentence the client follows is matched by the pattern exported next to it', () => {
  const text = (line: string) => withoutLf(line).slice('-- '.length);
  fc.assert(
    fc.property(room, nick, (r, n) => {
      assert.deepEqual([...helloPattern.exec(text(helloLine(n, r)))!].slice(1), [n, r]);
      assert.deepEqual([...renamedPattern.exec(text(renamedLine(n)))!].slice(1), [n]);
      assert.deepEqual([...currentRoomPattern.exec(text(currentRoomLine(r)))!].slice(1), [r]);
      assert.deepEqual([...partedPattern.exec(text(partedLine(r, 'lobby')))!].slice(1), [r, 'lobby']);
      assert.deepEqual([...partedPattern.exec(text(partedLine(r, undefined)))!].slice(1), [r, undefined]);
      assert.deepEqual([...historyHeaderPattern.exec(text(historyHeaderLine(r, 7)))!].slice(1), [`the last 7 messages of ${r}`]);
      assert.deepEqual([...historyHeaderPattern.exec(text(historyHeaderLine(r, 1)))!].slice(1), [`the last message of ${r}`]);
      assert.equal(historyHeaderPattern.test(text(historyHeaderLine(r, 0))), false, 'no lines follow, nothing to convert');
    }),
  );
});
