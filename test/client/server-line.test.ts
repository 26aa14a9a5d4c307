// The parser is checked against the server's own line builders, so a change of shape on either side fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseServerLine } from '../../src/client/server-line.ts';
import { errorLine } from '../../src/protocol/errors.ts';
import { actionLine, chatLine, infoLine, noticeLine, privateEchoLine, privateLine } from '../../src/protocol/server-lines.ts';

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
