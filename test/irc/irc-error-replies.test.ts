import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorArgs, ErrorCode } from '../../src/protocol/errors.ts';
import { ircErrorReply } from '../../src/protocol/irc/irc-error-replies.ts';
import { maxMessageBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';

// One example for every roomcast error: the type makes a new code add its example (and its IRC form) here.
const examples: { [C in ErrorCode]: ErrorArgs<C> } = {
  NICK_INVALID: ['1bad'],
  NICK_TAKEN: ['bob'],
  NICK_LOOKALIKE: ['b0b', 'bob'],
  ROOM_INVALID: ['#Bad!'],
  NOT_IN_ROOM: ['dev'],
  NO_CURRENT_ROOM: [],
  ROOM_LIMIT: ['dev'],
  ROOM_CREATION_LIMIT: ['dev', 10],
  TOO_MANY_ROOMS: [20],
  NO_SUCH_NICK: ['carol'],
  UNKNOWN_COMMAND: ['frob'],
  USAGE: ['/join ROOM'],
  BAD_MESSAGE: ['not JSON'],
  BAD_ENCODING: [],
  LINE_TOO_LONG: [4096],
  TOO_EARLY: [],
  FLOODING: [],
  FLOOD_DISCONNECT: [],
  HANDSHAKE_TIMEOUT: [30],
  IDLE_TIMEOUT: [60],
  SERVER_FULL: [],
  TOO_MANY_CONNECTIONS: [1000],
  CONNECTING_TOO_FAST: [10],
  SERVER_UNAVAILABLE: [],
  OPER_DISABLED: [],
  OPER_FAILED: [],
  OPER_LOCKED: [60],
  NOT_OPERATOR: [],
  KICK_SELF: [],
  KICK_OPERATOR: ['root'],
  KICKED: ['root', 'spam'],
  INTERNAL_ERROR: [],
  SLOW_CONSUMER: [],
  SHUTTING_DOWN: [],
  BUS_UNAVAILABLE: [],
  NICK_LOST: ['alice', 'alice-2'],
};

const context = { target: 'alice', command: 'JOIN', channel: '#dev' };
const reply = (code: ErrorCode, replyContext = context) =>
  (ircErrorReply as (c: typeof context, code: ErrorCode, ...a: unknown[]) => string)(replyContext, code, ...examples[code]);

/** The command of a reply line: a numeric, FAIL or ERROR. */
function commandOf(line: string): string {
  assert.ok(line.endsWith('\r\n') && Buffer.byteLength(line) <= maxMessageBytes, JSON.stringify(line));
  const result = parseIrcMessage(Buffer.from(line.slice(0, -2)));
  assert.ok(result.ok, line);
  return result.message.command;
}

describe('ircErrorReply', () => {
  test('every roomcast error becomes one well-formed IRC line', () => {
    for (const code of Object.keys(examples) as ErrorCode[]) assert.match(commandOf(reply(code)), /^(\d{3}|FAIL|ERROR)$/, code);
  });

  test('errors IRC has numerics for use them', () => {
    const numerics: Partial<Record<ErrorCode, string>> = {
      NICK_INVALID: '432',
      NICK_TAKEN: '433',
      NICK_LOOKALIKE: '433',
      ROOM_INVALID: '479',
      NOT_IN_ROOM: '442',
      TOO_MANY_ROOMS: '405',
      NO_SUCH_NICK: '401',
      USAGE: '461',
      LINE_TOO_LONG: '417',
      OPER_DISABLED: '491',
      OPER_FAILED: '464',
      NOT_OPERATOR: '481',
    };
    for (const [code, numeric] of Object.entries(numerics)) assert.equal(commandOf(reply(code as ErrorCode)), numeric, code);
    assert.equal(
      reply('TOO_MANY_ROOMS'),
      ':irc.roomcast 405 alice #dev :You are already in 20 rooms, the most allowed; /part one first.\r\n',
    );
  });

  test('speaking in a room one is not in is 404, not 442', () => {
    assert.equal(commandOf(reply('NOT_IN_ROOM', { target: 'alice', command: 'PRIVMSG', channel: '#dev' })), '404');
  });

  test('errors that close the connection are ERROR lines; the rest without a numeric are FAIL with roomcast’s code', () => {
    for (const code of ['KICKED', 'SLOW_CONSUMER', 'HANDSHAKE_TIMEOUT', 'SHUTTING_DOWN', 'FLOOD_DISCONNECT'] as const) {
      assert.equal(commandOf(reply(code)), 'ERROR', code);
    }
    assert.equal(reply('KICKED'), 'ERROR :Closing link: You were kicked by root: spam. Closing.\r\n');
    assert.equal(
      reply('ROOM_CREATION_LIMIT'),
      ':irc.roomcast FAIL JOIN ROOM_CREATION_LIMIT :You may create at most 10 new rooms a minute, so "dev" was not created; join an existing room or wait.\r\n',
    );
  });
});
