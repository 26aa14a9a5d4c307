import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isValidNick, normalizeRoomName } from '../../src/protocol/names.ts';
import { type IrcAction, parseErrorReplies, stripFormatting, translateIrcCommand } from '../../src/protocol/irc/irc-commands.ts';
import { type IrcMessage, maxMessageBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';

function message(line: string): IrcMessage {
  const result = parseIrcMessage(Buffer.from(line));
  assert.ok(result.ok, line);
  return result.message;
}

const translate = (line: string) => translateIrcCommand(message(line), 'alice');

/** The numeric codes of the replies, so tests match codes rather than sentences. */
function replyCodes(actions: readonly IrcAction[]): string[] {
  return actions.map((action) => {
    assert.equal(action.kind, 'reply', JSON.stringify(action));
    return action.kind === 'reply' ? message(action.line.slice(0, -2)).command : '';
  });
}

describe('translateIrcCommand', () => {
  test('PRIVMSG to a channel says in its room; NOTICE too, marked', () => {
    assert.deepEqual(translate('PRIVMSG #dev :hello  there'), [{ kind: 'say', room: 'dev', text: 'hello  there', notice: false }]);
    assert.deepEqual(translate('PRIVMSG #Dev hi'), [{ kind: 'say', room: 'dev', text: 'hi', notice: false }]);
    assert.deepEqual(translate('NOTICE #dev :build passed'), [{ kind: 'say', room: 'dev', text: 'build passed', notice: true }]);
  });

  test('CTCP ACTION is /me, in a room or to a nick; the closing \\x01 may be missing', () => {
    assert.deepEqual(translate('PRIVMSG #dev :\x01ACTION waves\x01'), [{ kind: 'me', room: 'dev', text: 'waves' }]);
    assert.deepEqual(translate('PRIVMSG #dev :\x01ACTION waves'), [{ kind: 'me', room: 'dev', text: 'waves' }]);
    assert.deepEqual(translate('PRIVMSG bob :\x01ACTION nods\x01'), [
      { kind: 'msg', nick: 'bob', text: 'nods', notice: false, action: true },
    ]);
    assert.deepEqual(replyCodes(translate('PRIVMSG #dev :\x01ACTION\x01')), ['412']);
  });

  test('other CTCP, and CTCP in a notice, go unanswered', () => {
    assert.deepEqual(translate('PRIVMSG bob :\x01VERSION\x01'), []);
    assert.deepEqual(translate('NOTICE bob :\x01VERSION roomcast\x01'), []);
  });

  test('PRIVMSG to a nick is a private message', () => {
    assert.deepEqual(translate('PRIVMSG Bob :psst'), [{ kind: 'msg', nick: 'Bob', text: 'psst', notice: false, action: false }]);
    assert.deepEqual(translate('NOTICE bob :psst'), [{ kind: 'msg', nick: 'bob', text: 'psst', notice: true, action: false }]);
  });

  test('formatting codes are removed, the text kept', () => {
    assert.deepEqual(translate('PRIVMSG #dev :\x02bold\x02 \x0304,12red\x03 \x1ditalic\x0f'), [
      { kind: 'say', room: 'dev', text: 'bold red italic', notice: false },
    ]);
    assert.equal(stripFormatting('\x04ff0000hex\x04 \x0399x'), 'hex x');
    assert.deepEqual(replyCodes(translate('PRIVMSG #dev :\x02\x02')), ['412']);
  });

  test('PRIVMSG errors: no recipient, no text, several targets, bad channel or nick', () => {
    assert.deepEqual(replyCodes(translate('PRIVMSG')), ['411']);
    assert.deepEqual(replyCodes(translate('PRIVMSG #dev')), ['412']);
    assert.deepEqual(replyCodes(translate('PRIVMSG #dev :')), ['412']);
    assert.deepEqual(replyCodes(translate('PRIVMSG #a,#b :hi')), ['407']);
    assert.deepEqual(replyCodes(translate('PRIVMSG #pm :hi')), ['403']);
    assert.deepEqual(replyCodes(translate('PRIVMSG #bad! :hi')), ['403']);
    assert.deepEqual(replyCodes(translate('PRIVMSG 1bob :hi')), ['401']);
  });

  test('NOTICE is never answered with an error', () => {
    for (const line of ['NOTICE', 'NOTICE #dev', 'NOTICE #a,#b :x', 'NOTICE #bad! :x', 'NOTICE 1bob :x'])
      assert.deepEqual(translate(line), []);
  });

  test('JOIN: each channel in order, a bad one answered where it stands', () => {
    assert.deepEqual(translate('JOIN #a,#B,,#a'), [
      { kind: 'join', room: 'a' },
      { kind: 'join', room: 'b' },
    ]);
    const actions = translate('JOIN #a,#no!,dev,#c key');
    assert.deepEqual(actions[0], { kind: 'join', room: 'a' });
    assert.deepEqual(replyCodes(actions.slice(1, 3)), ['479', '403']);
    assert.deepEqual(actions[3], { kind: 'join', room: 'c' });
    assert.deepEqual(replyCodes(translate('JOIN')), ['461']);
  });

  test('PART with and without a reason', () => {
    assert.deepEqual(translate('PART #a,#b :see you'), [
      { kind: 'part', room: 'a', reason: 'see you' },
      { kind: 'part', room: 'b', reason: 'see you' },
    ]);
    assert.deepEqual(translate('PART #a'), [{ kind: 'part', room: 'a', reason: undefined }]);
    assert.deepEqual(replyCodes(translate('PART')), ['461']);
    assert.deepEqual(replyCodes(translate('PART dev')), ['403']);
  });

  test('NICK and QUIT', () => {
    assert.deepEqual(translate('NICK bob'), [{ kind: 'nick', nick: 'bob' }]);
    assert.deepEqual(replyCodes(translate('NICK')), ['431']);
    assert.deepEqual(replyCodes(translate('NICK b.o.b')), ['432']);
    assert.deepEqual(translate('QUIT :gone home'), [{ kind: 'quit', reason: 'gone home' }]);
    assert.deepEqual(translate('QUIT'), [{ kind: 'quit', reason: undefined }]);
  });

  test('NAMES, LIST, WHO, WHOIS', () => {
    assert.deepEqual(translate('NAMES #dev'), [{ kind: 'names', room: 'dev' }]);
    assert.deepEqual(replyCodes(translate('NAMES')), ['366']);
    assert.deepEqual(replyCodes(translate('NAMES #no!')), ['366']);
    assert.deepEqual(translate('LIST'), [{ kind: 'list' }]);
    assert.deepEqual(translate('LIST >3'), [{ kind: 'list' }]);
    assert.deepEqual(translate('WHO #dev'), [{ kind: 'who', room: 'dev' }]);
    assert.deepEqual(replyCodes(translate('WHO bob')), ['315']);
    assert.deepEqual(replyCodes(translate('WHO')), ['315']);
    assert.deepEqual(translate('WHOIS bob'), [{ kind: 'whois', nick: 'bob' }]);
    assert.deepEqual(translate('WHOIS irc.roomcast bob'), [{ kind: 'whois', nick: 'bob' }]);
    assert.deepEqual(replyCodes(translate('WHOIS')), ['431']);
    assert.deepEqual(replyCodes(translate('WHOIS a,b')), ['407']);
    assert.deepEqual(replyCodes(translate('WHOIS 9')), ['401']);
  });

  test('TOPIC can be asked, not set', () => {
    assert.deepEqual(translate('TOPIC #dev'), [{ kind: 'topic', room: 'dev' }]);
    assert.deepEqual(replyCodes(translate('TOPIC #dev :new topic')), ['482']);
    assert.deepEqual(replyCodes(translate('TOPIC')), ['461']);
    assert.deepEqual(replyCodes(translate('TOPIC dev')), ['403']);
  });

  test('KICK and OPER', () => {
    assert.deepEqual(translate('KICK #dev bob :spam'), [{ kind: 'kick', room: 'dev', nick: 'bob', reason: 'spam' }]);
    assert.deepEqual(translate('KICK #dev bob'), [{ kind: 'kick', room: 'dev', nick: 'bob', reason: undefined }]);
    assert.deepEqual(replyCodes(translate('KICK #dev')), ['461']);
    assert.deepEqual(replyCodes(translate('KICK dev bob')), ['403']);
    assert.deepEqual(replyCodes(translate('KICK #dev b,c')), ['407']);
    assert.deepEqual(translate('OPER admin s3cret pass'), [{ kind: 'oper', password: 's3cret' }]);
    assert.deepEqual(translate('OPER admin :two words'), [{ kind: 'oper', password: 'two words' }]);
    assert.deepEqual(replyCodes(translate('OPER s3cret')), ['461']);
  });

  test('MODE: queries go to the session; the empty ban list is answered; changes are refused', () => {
    assert.deepEqual(translate('MODE #dev'), [{ kind: 'channel-mode', room: 'dev' }]);
    assert.deepEqual(replyCodes(translate('MODE #dev b')), ['368']);
    assert.deepEqual(replyCodes(translate('MODE #dev +b')), ['368']);
    assert.deepEqual(replyCodes(translate('MODE #dev +b bob!*@*')), ['482']);
    assert.deepEqual(replyCodes(translate('MODE #dev +m')), ['482']);
    assert.deepEqual(translate('MODE alice'), [{ kind: 'user-mode' }]);
    assert.deepEqual(translate('MODE ALICE +i'), [{ kind: 'user-mode' }]);
    assert.deepEqual(replyCodes(translate('MODE bob')), ['502']);
    assert.deepEqual(replyCodes(translate('MODE')), ['461']);
  });

  test('PING is answered, PONG and TAGMSG are not, an unknown command is', () => {
    assert.deepEqual(translate('PING :x y'), [{ kind: 'reply', line: ':irc.roomcast PONG irc.roomcast :x y\r\n' }]);
    assert.deepEqual(translate('PONG irc.roomcast'), []);
    assert.deepEqual(translate('@+typing=active TAGMSG #dev'), []);
    assert.deepEqual(translate('FROB x'), [{ kind: 'reply', line: ':irc.roomcast 421 alice FROB :Unknown command\r\n' }]);
  });

  test('whatever is sent: intents carry valid names and non-empty text, replies are well-formed lines', () => {
    const command = fc.constantFrom(
      'PRIVMSG',
      'NOTICE',
      'JOIN',
      'PART',
      'NICK',
      'NAMES',
      'WHO',
      'WHOIS',
      'TOPIC',
      'KICK',
      'MODE',
      'OPER',
      'QUIT',
      'X',
    );
    const param = fc.string({ unit: fc.constantFrom('#', 'a', 'B', '1', '_', ',', '!', '\x01', '\x02', ' ', 'é', '-'), maxLength: 12 });
    fc.assert(
      fc.property(command, fc.array(param, { maxLength: 4 }), (name, params) => {
        const safe = params.map((p) => p.replaceAll(' ', '') || 'x');
        const line = safe.length === 0 ? name : `${name} ${[...safe.slice(0, -1), `:${params.at(-1)}`].join(' ')}`;
        for (const action of translateIrcCommand(message(line), 'alice')) {
          switch (action.kind) {
            case 'reply':
              assert.ok(action.line.endsWith('\r\n') && Buffer.byteLength(action.line) <= maxMessageBytes);
              assert.ok(parseIrcMessage(Buffer.from(action.line.slice(0, -2))).ok);
              break;
            case 'say':
            case 'me':
              assert.notEqual(action.text, '');
              assert.equal(normalizeRoomName(action.room), action.room);
              break;
            case 'msg':
              assert.notEqual(action.text, '');
              assert.ok(isValidNick(action.nick) && !(action.notice && action.action));
              break;
            case 'nick':
            case 'whois':
            case 'kick':
              assert.ok(isValidNick(action.nick));
              break;
            default:
              if ('room' in action) assert.equal(normalizeRoomName(action.room), action.room);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseErrorReplies', () => {
  test('an empty line is ignored; others are answered', () => {
    assert.deepEqual(parseErrorReplies('empty', 'alice'), []);
    assert.match(parseErrorReplies('too-long', 'alice')[0]!, /^:irc\.roomcast 417 alice :/);
    assert.match(parseErrorReplies('tags-too-long', '*')[0]!, /^:irc\.roomcast 417 \* :/);
    assert.match(parseErrorReplies('bad-encoding', 'alice')[0]!, /^:irc\.roomcast FAIL \* INVALID_UTF8 :/);
    assert.match(parseErrorReplies('bad-command', 'alice')[0]!, /^:irc\.roomcast 421 alice \* :/);
    for (const error of ['bad-tag', 'forbidden-character'] as const)
      assert.match(parseErrorReplies(error, 'alice')[0]!, / FAIL \* INVALID_/);
  });
});
