import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseCommand, type Command } from '../src/protocol/command-parser.ts';
import { isValidNick, normalizeRoomName } from '../src/protocol/names.ts';

/** The error code of an `invalid` command, so tests match the stable code rather than the sentence. */
function errorCode(command: Command): string | undefined {
  return command.kind === 'invalid' ? /^!! ([A-Z_]+) /.exec(command.errorLine)?.[1] : undefined;
}

/** Everything a session may rely on without re-checking: names valid, counts positive, errors one line. */
function assertWellFormed(command: Command): void {
  switch (command.kind) {
    case 'nick':
    case 'msg':
    case 'kick':
      assert.ok(isValidNick(command.nick), `invalid nick ${command.nick}`);
      break;
    case 'join':
    case 'switch':
      assert.equal(normalizeRoomName(command.room), command.room);
      break;
    case 'part':
    case 'who':
      if (command.room !== undefined) assert.equal(normalizeRoomName(command.room), command.room);
      break;
    case 'history':
      if (command.count !== undefined) assert.ok(Number.isInteger(command.count) && command.count >= 1);
      break;
    case 'me':
      assert.notEqual(command.text, '');
      break;
    case 'oper':
      assert.notEqual(command.password, '');
      break;
    case 'invalid':
      assert.match(command.errorLine, /^!! [A-Z_]+ [^\n]*\n$/);
      break;
    case 'say':
    case 'rooms':
    case 'quit':
    case 'help':
    case 'stats':
      break;
    default: {
      // A new command kind must say here what a session may rely on.
      const unchecked: never = command;
      assert.fail(`unchecked command ${JSON.stringify(unchecked)}`);
    }
  }
}

describe('parseCommand', () => {
  test('a plain line is a chat message, unchanged', () => {
    assert.deepEqual(parseCommand('hello  there '), { kind: 'say', text: 'hello  there ' });
    assert.deepEqual(parseCommand(''), { kind: 'say', text: '' });
  });

  test('// escapes a leading slash', () => {
    assert.deepEqual(parseCommand('//join is a command'), { kind: 'say', text: '/join is a command' });
    assert.deepEqual(parseCommand('//'), { kind: 'say', text: '/' });
  });

  test('command names are case-insensitive', () => {
    assert.deepEqual(parseCommand('/JOIN dev'), { kind: 'join', room: 'dev' });
    assert.deepEqual(parseCommand('/Help'), { kind: 'help' });
  });

  test('/me', () => {
    assert.deepEqual(parseCommand('/me waves  at all '), { kind: 'me', text: 'waves  at all' });
    assert.equal(errorCode(parseCommand('/me')), 'USAGE');
    assert.equal(errorCode(parseCommand('/me    ')), 'USAGE');
  });

  test('/nick', () => {
    assert.deepEqual(parseCommand('/nick Bob_2'), { kind: 'nick', nick: 'Bob_2' });
    assert.deepEqual(parseCommand('/nick   bob  '), { kind: 'nick', nick: 'bob' });
    assert.equal(errorCode(parseCommand('/nick')), 'USAGE');
    assert.equal(errorCode(parseCommand('/nick two words')), 'USAGE');
    assert.equal(errorCode(parseCommand('/nick 2bob')), 'NICK_INVALID');
    assert.equal(errorCode(parseCommand(`/nick ${'a'.repeat(25)}`)), 'NICK_INVALID');
  });

  test('/join and /switch normalise the room name', () => {
    assert.deepEqual(parseCommand('/join #Dev-Ops'), { kind: 'join', room: 'dev-ops' });
    assert.deepEqual(parseCommand('/switch LOBBY'), { kind: 'switch', room: 'lobby' });
    for (const name of ['join', 'switch']) {
      assert.equal(errorCode(parseCommand(`/${name}`)), 'USAGE');
      assert.equal(errorCode(parseCommand(`/${name} a b`)), 'USAGE');
      assert.equal(errorCode(parseCommand(`/${name} no.dots`)), 'ROOM_INVALID');
      assert.equal(errorCode(parseCommand(`/${name} #`)), 'ROOM_INVALID');
      assert.equal(errorCode(parseCommand(`/${name} ${'r'.repeat(33)}`)), 'ROOM_INVALID');
    }
  });

  test('/part and /who take an optional room', () => {
    assert.deepEqual(parseCommand('/part'), { kind: 'part', room: undefined });
    assert.deepEqual(parseCommand('/who'), { kind: 'who', room: undefined });
    assert.deepEqual(parseCommand('/part #Dev'), { kind: 'part', room: 'dev' });
    assert.deepEqual(parseCommand('/who dev'), { kind: 'who', room: 'dev' });
    assert.equal(errorCode(parseCommand('/part a b')), 'USAGE');
    assert.equal(errorCode(parseCommand('/who bad!')), 'ROOM_INVALID');
  });

  test('/rooms and /help ignore arguments', () => {
    assert.deepEqual(parseCommand('/rooms'), { kind: 'rooms' });
    assert.deepEqual(parseCommand('/rooms please'), { kind: 'rooms' });
    assert.deepEqual(parseCommand('/help'), { kind: 'help' });
  });

  test('/msg keeps the text after the nick, trimmed', () => {
    assert.deepEqual(parseCommand('/msg bob  hi  there '), { kind: 'msg', nick: 'bob', text: 'hi  there' });
    assert.equal(errorCode(parseCommand('/msg')), 'USAGE');
    assert.equal(errorCode(parseCommand('/msg bob')), 'USAGE');
    assert.equal(errorCode(parseCommand('/msg bob   ')), 'USAGE');
    assert.equal(errorCode(parseCommand('/msg -bob hi')), 'NICK_INVALID');
  });

  test('/history takes an optional positive whole number', () => {
    assert.deepEqual(parseCommand('/history'), { kind: 'history', count: undefined });
    assert.deepEqual(parseCommand('/history 25'), { kind: 'history', count: 25 });
    for (const bad of ['0', '-3', '2.5', 'ten', '5 6']) assert.equal(errorCode(parseCommand(`/history ${bad}`)), 'USAGE', bad);
  });

  test('/quit takes an optional reason', () => {
    assert.deepEqual(parseCommand('/quit'), { kind: 'quit', reason: undefined });
    assert.deepEqual(parseCommand('/quit  gone fishing '), { kind: 'quit', reason: 'gone fishing' });
  });

  test('an unknown command names itself in the error, cut to 64 characters', () => {
    const command = parseCommand(`/${'x'.repeat(100)} arg`);
    assert.equal(errorCode(command), 'UNKNOWN_COMMAND');
    assert.ok(command.kind === 'invalid' && command.errorLine.includes(`"/${'x'.repeat(64)}"`));
    assert.equal(errorCode(parseCommand('/')), 'UNKNOWN_COMMAND');
  });
});

describe('parseCommand properties', () => {
  // Input lines never contain LF: the framer splits on it.
  const anyLine = fc.string({ unit: 'binary', maxLength: 80 }).map((text) => text.replaceAll('\n', ''));
  const slashLine = anyLine.map((text) => `/${text}`);
  const knownCommand = fc
    .tuple(fc.constantFrom('me', 'nick', 'join', 'switch', 'part', 'who', 'msg', 'history', 'quit', 'oper', 'kick'), anyLine)
    .map(([name, rest]) => `/${name} ${rest}`);
  const validNick = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,23}$/);
  const validRoom = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
  const blanks = fc.stringMatching(/^[ \t]{0,3}$/);

  test('never throws and always yields a well-formed Command', () => {
    fc.assert(
      fc.property(fc.oneof(anyLine, slashLine, knownCommand), (line) => {
        assertWellFormed(parseCommand(line));
      }),
      { numRuns: 1000 },
    );
  });

  // Regression: the parser used to echo the offending word raw (NICK_INVALID, ROOM_INVALID,
  // UNKNOWN_COMMAND), so `/nick \x1b[2J` sent an escape sequence back to the sender's terminal.
  test('error lines never carry control characters from the input', () => {
    fc.assert(
      fc.property(fc.oneof(slashLine, knownCommand), (line) => {
        const command = parseCommand(line);
        if (command.kind === 'invalid') assert.doesNotMatch(command.errorLine.slice(0, -1), /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      }),
    );
  });

  test('any valid nick round-trips through /nick', () => {
    fc.assert(
      fc.property(validNick, blanks, (nick, padding) => {
        assert.deepEqual(parseCommand(`/nick ${padding}${nick}${padding}`), { kind: 'nick', nick });
      }),
    );
  });

  test('any valid room round-trips through /join, with or without #, in any case', () => {
    fc.assert(
      fc.property(validRoom, fc.boolean(), blanks, (room, hash, padding) => {
        const written = `${hash ? '#' : ''}${room}`;
        assert.deepEqual(parseCommand(`/join ${padding}${written}${padding}`), { kind: 'join', room: room.toLowerCase() });
      }),
    );
  });
});
