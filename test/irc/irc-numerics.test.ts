import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { maxNickLength, maxRoomNameLength } from '../../src/protocol/names.ts';
import { maxReasonLength } from '../../src/protocol/text.ts';
import { type IrcMessage, maxMessageBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';
import {
  failLine,
  isupportLines,
  isupportTokens,
  type NumericArgs,
  type NumericName,
  numericCode,
  numericLine,
  numericNames,
} from '../../src/protocol/irc/irc-numerics.ts';
import { ircServerName } from '../../src/protocol/irc/irc-server-identity.ts';

function parsedLine(line: string): IrcMessage {
  assert.ok(line.endsWith('\r\n'));
  assert.ok(Buffer.byteLength(line) <= maxMessageBytes);
  const result = parseIrcMessage(Buffer.from(line.slice(0, -2)));
  assert.ok(result.ok, `${JSON.stringify(line)} does not parse`);
  return result.message;
}

// One example for every numeric: the type makes a new numeric add its example here.
const examples: { [N in NumericName]: NumericArgs<N> } = {
  RPL_WELCOME: ['alice'],
  RPL_YOURHOST: ['roomcast-0.1.0'],
  RPL_CREATED: [Date.UTC(2026, 11, 1, 10, 42, 7)],
  RPL_MYINFO: ['roomcast-0.1.0'],
  RPL_ISUPPORT: ['CHANTYPES=#', 'NICKLEN=24'],
  RPL_UMODEIS: [true],
  RPL_WHOISUSER: ['bob'],
  RPL_WHOISSERVER: ['bob'],
  RPL_WHOISOPERATOR: ['bob'],
  RPL_ENDOFWHO: ['#dev'],
  RPL_ENDOFWHOIS: ['bob'],
  RPL_WHOISCHANNELS: ['bob', '#dev #lobby'],
  RPL_LIST: ['#dev', 3],
  RPL_LISTEND: [],
  RPL_CHANNELMODEIS: ['#dev'],
  RPL_NOTOPIC: ['#dev'],
  RPL_TOPIC: ['#dev', 'all about dev'],
  RPL_WHOREPLY: ['#dev', 'bob', false],
  RPL_NAMREPLY: ['#dev', 'alice bob'],
  RPL_ENDOFNAMES: ['#dev'],
  RPL_ENDOFBANLIST: ['#dev'],
  RPL_MOTD: ['hello'],
  RPL_MOTDSTART: [],
  RPL_ENDOFMOTD: [],
  RPL_YOUREOPER: [],
  ERR_NOSUCHNICK: ['carol'],
  ERR_NOSUCHCHANNEL: ['#nowhere'],
  ERR_CANNOTSENDTOCHAN: ['#dev', 'dev'],
  ERR_TOOMANYCHANNELS: ['#dev', 20],
  ERR_TOOMANYTARGETS: ['a,b'],
  ERR_NOORIGIN: [],
  ERR_INVALIDCAPCMD: ['FOO'],
  ERR_NORECIPIENT: ['PRIVMSG'],
  ERR_NOTEXTTOSEND: [],
  ERR_INPUTTOOLONG: [],
  ERR_UNKNOWNCOMMAND: ['FOO'],
  ERR_NOMOTD: [],
  ERR_NONICKNAMEGIVEN: [],
  ERR_ERRONEUSNICKNAME: ['1bad'],
  ERR_NICKNAMEINUSE: ['alice'],
  ERR_USERNOTINCHANNEL: ['bob', '#dev'],
  ERR_NOTONCHANNEL: ['#dev', 'dev'],
  ERR_NOTREGISTERED: [],
  ERR_NEEDMOREPARAMS: ['JOIN'],
  ERR_ALREADYREGISTERED: [],
  ERR_PASSWDMISMATCH: [],
  ERR_BADCHANNAME: ['#Bad!'],
  ERR_NOPRIVILEGES: [],
  ERR_CHANOPRIVSNEEDED: ['#dev'],
  ERR_NOOPERHOST: [],
  ERR_UMODEUNKNOWNFLAG: [],
  ERR_USERSDONTMATCH: [],
};

// The numbers the modern spec gives these names; a typo in the catalogue would show here.
const specCodes: Partial<Record<NumericName, string>> = {
  RPL_WELCOME: '001',
  RPL_ISUPPORT: '005',
  RPL_UMODEIS: '221',
  RPL_WHOISUSER: '311',
  RPL_ENDOFWHO: '315',
  RPL_LIST: '322',
  RPL_LISTEND: '323',
  RPL_CHANNELMODEIS: '324',
  RPL_NOTOPIC: '331',
  RPL_TOPIC: '332',
  RPL_WHOREPLY: '352',
  RPL_NAMREPLY: '353',
  RPL_ENDOFNAMES: '366',
  RPL_MOTDSTART: '375',
  RPL_MOTD: '372',
  RPL_ENDOFMOTD: '376',
  RPL_YOUREOPER: '381',
  ERR_NOSUCHNICK: '401',
  ERR_CANNOTSENDTOCHAN: '404',
  ERR_INPUTTOOLONG: '417',
  ERR_UNKNOWNCOMMAND: '421',
  ERR_NICKNAMEINUSE: '433',
  ERR_NOTREGISTERED: '451',
  ERR_NEEDMOREPARAMS: '461',
  ERR_PASSWDMISMATCH: '464',
  ERR_NOPRIVILEGES: '481',
  ERR_CHANOPRIVSNEEDED: '482',
};

describe('numerics', () => {
  test('codes are three digits, one name each, and the spec’s numbers', () => {
    const codes = numericNames.map(numericCode);
    for (const code of codes) assert.match(code, /^\d{3}$/);
    assert.equal(new Set(codes).size, codes.length);
    for (const [name, code] of Object.entries(specCodes)) assert.equal(numericCode(name as NumericName), code, name);
  });

  test('every numeric is a well-formed line from the server to its target', () => {
    for (const name of numericNames) {
      const args = examples[name] as unknown[];
      const message = parsedLine((numericLine as (n: NumericName, t: string, ...a: unknown[]) => string)(name, 'alice', ...args));
      assert.equal(message.source, ircServerName);
      assert.equal(message.command, numericCode(name));
      assert.equal(message.params[0], 'alice');
      assert.ok(message.params.length >= 2, name);
    }
  });

  test('the shape of the replies clients parse', () => {
    assert.equal(numericLine('RPL_NAMREPLY', 'alice', '#dev', 'alice bob'), ':irc.roomcast 353 alice = #dev :alice bob\r\n');
    assert.equal(numericLine('RPL_ENDOFNAMES', 'alice', '#dev'), ':irc.roomcast 366 alice #dev :End of /NAMES list\r\n');
    assert.equal(numericLine('RPL_LIST', 'alice', '#dev', 3), ':irc.roomcast 322 alice #dev 3 :\r\n');
    assert.equal(numericLine('RPL_UMODEIS', 'alice', false), ':irc.roomcast 221 alice +\r\n');
    assert.equal(
      numericLine('RPL_WHOREPLY', 'alice', '#dev', 'bob', true),
      ':irc.roomcast 352 alice #dev bob roomcast irc.roomcast bob H* :0 bob\r\n',
    );
    assert.equal(numericLine('ERR_NEEDMOREPARAMS', '*', 'USER'), ':irc.roomcast 461 * USER :Not enough parameters\r\n');
  });

  test('errors roomcast already explains say the same sentence, limits included', () => {
    assert.match(numericLine('ERR_NICKNAMEINUSE', '*', 'alice'), /:The nickname "alice" is already in use\.\r\n$/);
    assert.match(numericLine('ERR_NICKNAMEINUSE', '*', 'aIice', 'alice'), /looks too much like "alice"/);
    assert.match(numericLine('ERR_TOOMANYCHANNELS', 'bob', '#x', 7), /already in 7 rooms/);
    assert.match(numericLine('ERR_INPUTTOOLONG', 'bob'), new RegExp(`longer than ${maxMessageBytes} bytes`));
  });

  test('whatever a client sent, echoing it gives one well-formed line with the same parameters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (nick, channel) => {
        const message = parsedLine(numericLine('ERR_USERNOTINCHANNEL', nick, nick, channel));
        assert.equal(message.params.length, 4);
        for (const param of message.params.slice(0, 3)) assert.ok(param.length <= 64 && param !== '' && !param.includes(' '));
      }),
      { numRuns: 500 },
    );
  });

  test('a standard reply', () => {
    assert.equal(failLine('*', 'INVALID_UTF8', 'Not UTF-8'), ':irc.roomcast FAIL * INVALID_UTF8 :Not UTF-8\r\n');
  });
});

describe('ISUPPORT', () => {
  test('limits come from the constants that enforce them', () => {
    const tokens = isupportTokens(7);
    for (const token of [
      `NICKLEN=${maxNickLength}`,
      `CHANNELLEN=${maxRoomNameLength + 1}`,
      'CHANLIMIT=#:7',
      `KICKLEN=${maxReasonLength}`,
      'CASEMAPPING=ascii',
      'CHANTYPES=#',
      'NETWORK=roomcast',
      'UTF8ONLY',
    ]) {
      assert.ok(tokens.includes(token), token);
    }
  });

  test('at most 13 tokens a line, all of them sent', () => {
    const tokens = Array.from({ length: 30 }, (_, index) => `T${index}=${index}`);
    const lines = isupportLines('alice', tokens).map(parsedLine);
    assert.equal(lines.length, 3);
    for (const line of lines) {
      assert.ok(line.params.length <= 15);
      assert.equal(line.params.at(-1), 'are supported by this server');
    }
    assert.deepEqual(
      lines.flatMap((line) => line.params.slice(1, -1)),
      tokens,
    );
  });
});
