import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { errorLine, errorNotice } from '../src/protocol/errors.ts';
import { isValidNick, normalizeRoomName } from '../src/protocol/names.ts';
import {
  type ClientMessage,
  closeCodeFor,
  encodeServerMessage,
  errorFromLine,
  errorMessage,
  maxFrameBytes,
  parseClientMessage,
  serverMessage,
} from '../src/protocol/websocket-messages.ts';

const maxLineBytes = 4096;
const parse = (value: unknown) => parseClientMessage(JSON.stringify(value), maxLineBytes);
const accepted = (value: unknown): ClientMessage => {
  const result = parse(value);
  assert.ok(result.ok, `refused ${JSON.stringify(value)}: ${result.ok ? '' : result.error.message}`);
  return result.message;
};
const refusedWith = (frame: string) => {
  const result = parseClientMessage(frame, maxLineBytes);
  assert.ok(!result.ok, `accepted ${frame}`);
  return result.error.code;
};

describe('parseClientMessage', () => {
  test('reads every client message of docs/websocket.md', () => {
    assert.deepEqual(accepted({ type: 'hello', nick: 'alice' }), { type: 'hello', nick: 'alice' });
    assert.deepEqual(accepted({ type: 'say', room: 'lobby', text: 'hi' }), { type: 'say', room: 'lobby', text: 'hi' });
    assert.deepEqual(accepted({ type: 'me', room: '#Lobby', text: 'waves' }), { type: 'me', room: 'lobby', text: 'waves' });
    assert.deepEqual(accepted({ type: 'join', room: '#Rust' }), { type: 'join', room: 'rust' });
    assert.deepEqual(accepted({ type: 'part', room: 'rust' }), { type: 'part', room: 'rust' });
    assert.deepEqual(accepted({ type: 'msg', to: 'bob', text: 'psst' }), { type: 'msg', to: 'bob', text: 'psst' });
    assert.deepEqual(accepted({ type: 'nick', nick: 'al' }), { type: 'nick', nick: 'al' });
    assert.deepEqual(accepted({ type: 'rooms' }), { type: 'rooms' });
    assert.deepEqual(accepted({ type: 'who', room: 'lobby' }), { type: 'who', room: 'lobby' });
    assert.deepEqual(accepted({ type: 'history', room: 'lobby' }), { type: 'history', room: 'lobby', count: undefined });
    assert.deepEqual(accepted({ type: 'history', room: 'lobby', count: 5 }), { type: 'history', room: 'lobby', count: 5 });
    assert.deepEqual(accepted({ type: 'quit' }), { type: 'quit', reason: undefined });
    assert.deepEqual(accepted({ type: 'quit', reason: 'bye' }), { type: 'quit', reason: 'bye' });
  });

  test('a typed line is parsed as the line protocol parses it, in the room the page shows', () => {
    assert.deepEqual(accepted({ type: 'command', line: '/join #Go', room: 'lobby' }), {
      type: 'command',
      room: 'lobby',
      command: { kind: 'join', room: 'go' },
    });
    assert.deepEqual(accepted({ type: 'command', line: '/who' }), {
      type: 'command',
      room: undefined,
      command: { kind: 'who', room: undefined },
    });
    assert.deepEqual(accepted({ type: 'command', line: '//slash', room: 'lobby' }), {
      type: 'command',
      room: 'lobby',
      command: { kind: 'say', text: '/slash' },
    });
    assert.equal(refusedWith(JSON.stringify({ type: 'command', line: '/frobnicate' })), 'UNKNOWN_COMMAND');
    assert.equal(refusedWith(JSON.stringify({ type: 'command', line: '/nick 9lives' })), 'NICK_INVALID');
    assert.equal(refusedWith(JSON.stringify({ type: 'command', line: '/msg bob' })), 'USAGE');
  });

  test('bad frames get a stable code, never an exception', () => {
    assert.equal(refusedWith('not json'), 'BAD_MESSAGE');
    assert.equal(refusedWith(''), 'BAD_MESSAGE');
    assert.equal(refusedWith('[1,2]'), 'BAD_MESSAGE');
    assert.equal(refusedWith('null'), 'BAD_MESSAGE');
    assert.equal(refusedWith('"hello"'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"nick":"alice"}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"oper","password":"x"}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"__proto__"}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"say","room":"lobby","text":42}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"say","room":"lobby","text":"   "}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"say","text":"hi"}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"history","room":"lobby","count":0}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"history","room":"lobby","count":"5"}'), 'BAD_MESSAGE');
    assert.equal(refusedWith('{"type":"history","room":"lobby","count":1.5}'), 'BAD_MESSAGE');
    assert.equal(refusedWith(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 'BAD_MESSAGE');
  });

  test('names are checked with the line protocol rules', () => {
    assert.equal(refusedWith('{"type":"hello","nick":"9lives"}'), 'NICK_INVALID');
    assert.equal(refusedWith('{"type":"msg","to":"no spaces","text":"x"}'), 'NICK_INVALID');
    assert.equal(refusedWith('{"type":"join","room":"pm"}'), 'ROOM_INVALID');
    assert.equal(refusedWith('{"type":"join","room":"a b"}'), 'ROOM_INVALID');
  });

  test('text is held to the line limit in UTF-8 bytes', () => {
    const atLimit = 'é'.repeat(maxLineBytes / 2);
    assert.equal((accepted({ type: 'say', room: 'lobby', text: atLimit }) as { text: string }).text, atLimit);
    const result = parse({ type: 'say', room: 'lobby', text: `${atLimit}x` });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'LINE_TOO_LONG');
    assert.match(result.error.message, new RegExp(`${maxLineBytes} bytes`));
  });

  test('any text within the line limit fits in a frame as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: maxLineBytes }), (raw) => {
        // The worst printable case is all quotes and backslashes; control characters are rare and sanitised anyway.
        const text = raw.replace(/[\u0000-\u001f]/g, '"');
        fc.pre(Buffer.byteLength(text) <= maxLineBytes && text.trim() !== '');
        const frame = JSON.stringify({ type: 'say', room: 'abcdefghijklmnopqrstuvwxyz012345', text });
        assert.ok(Buffer.byteLength(frame) <= maxFrameBytes(maxLineBytes));
        assert.ok(parseClientMessage(frame, maxLineBytes).ok);
      }),
    );
  });

  test('property: arbitrary frames and JSON values never throw, and what is accepted is well formed', () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double());
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          type: fc.constantFrom('hello', 'say', 'me', 'join', 'part', 'msg', 'nick', 'rooms', 'who', 'history', 'quit', 'command', 'x'),
          nick: field,
          room: fc.oneof(field, fc.constantFrom('lobby', '#Lobby', 'pm')),
          to: field,
          text: field,
          count: field,
          reason: field,
          line: fc.oneof(field, fc.constantFrom('/join x', '/who', '/me', 'hi')),
        })
        .map((record) => JSON.stringify(record)),
    );
    fc.assert(
      fc.property(frame, (text) => {
        const result = parseClientMessage(text, 64);
        if (!result.ok) {
          assert.equal(result.error.type, 'error');
          assert.match(result.error.code, /^[A-Z_]+$/);
          assert.doesNotMatch(result.error.message, /\n/);
          return;
        }
        const message = result.message;
        if ('room' in message && message.room !== undefined) assert.equal(normalizeRoomName(message.room), message.room);
        if ('nick' in message) assert.ok(isValidNick(message.nick));
        if ('to' in message) assert.ok(isValidNick(message.to));
        if ('text' in message) assert.ok(Buffer.byteLength(message.text) <= 64 && message.text.trim() !== '');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('server messages', () => {
  test('an error carries the catalogue code and sentence', () => {
    assert.deepEqual(errorMessage('NICK_TAKEN', 'alice'), {
      type: 'error',
      code: 'NICK_TAKEN',
      message: 'The nickname "alice" is already in use.',
    });
    assert.deepEqual(errorFromLine(errorLine('FLOODING')), errorMessage('FLOODING'));
  });

  test('closing errors say whether reconnecting can help', () => {
    assert.equal(closeCodeFor('SHUTTING_DOWN'), 1001);
    assert.equal(closeCodeFor('SERVER_FULL'), 1013);
    assert.equal(closeCodeFor('KICKED'), 1008);
    assert.equal(closeCodeFor('INTERNAL_ERROR'), 1011);
  });

  test("the chat core's data becomes the JSON of docs/websocket.md", () => {
    const time = Date.UTC(2026, 11, 1, 10, 42, 7);
    const event = { room: 'lobby', seq: 7, kind: 'say' as const, nick: 'alice', text: 'hi "you"', timeMs: time };
    const wire = { seq: 7, time, from: 'alice', kind: 'say', text: 'hi "you"' };
    assert.deepEqual(JSON.parse(encodeServerMessage(serverMessage.event(event))), { type: 'event', room: 'lobby', ...wire });
    assert.deepEqual(JSON.parse(encodeServerMessage(serverMessage.history('lobby', [event]))), {
      type: 'history',
      room: 'lobby',
      events: [wire],
    });
    assert.deepEqual(serverMessage.welcome('alice', 'lobby', 4096), {
      type: 'welcome',
      nick: 'alice',
      room: 'lobby',
      maxLineBytes: 4096,
      maxFrameBytes: maxFrameBytes(4096),
    });
    assert.deepEqual(JSON.parse(encodeServerMessage(serverMessage.parted('go', undefined))), { type: 'parted', room: 'go' });
    assert.deepEqual(
      serverMessage.listing({
        kind: 'rooms',
        rooms: [
          ['go', 2],
          ['lobby', 5],
        ],
        more: 0,
      }),
      {
        type: 'rooms',
        rooms: [
          { room: 'go', members: 2 },
          { room: 'lobby', members: 5 },
        ],
        more: 0,
      },
    );
    assert.deepEqual(serverMessage.listing({ kind: 'members', room: 'go', nicks: ['alice', 'bob'], more: 1 }), {
      type: 'members',
      room: 'go',
      nicks: ['alice', 'bob'],
      more: 1,
    });
    assert.deepEqual(serverMessage.notice(errorNotice('NO_SUCH_NICK', 'carol'), time), errorMessage('NO_SUCH_NICK', 'carol'));
    assert.deepEqual(serverMessage.notice({ kind: 'info', text: 'Bye.' }, time), { type: 'info', text: 'Bye.' });
    assert.deepEqual(serverMessage.notice({ kind: 'private', from: 'bob', to: 'alice', text: 'psst', echo: false }, time), {
      type: 'pm',
      from: 'bob',
      to: 'alice',
      text: 'psst',
      time,
    });
  });
});
