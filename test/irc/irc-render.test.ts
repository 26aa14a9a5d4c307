import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type IrcMessage, maxMessageBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';
import type { IrcCapability } from '../../src/protocol/irc/irc-registration.ts';
import {
  type IrcRoomEvent,
  RepeatedAnnouncementFilter,
  renderHistory,
  renderNames,
  renderPrivateEvent,
  renderRoomEvent,
  seesOwnMessage,
} from '../../src/protocol/irc/irc-render.ts';

const timeMs = Date.UTC(2026, 11, 1, 10, 42, 7, 123);
const none: ReadonlySet<IrcCapability> = new Set();
const withTime: ReadonlySet<IrcCapability> = new Set(['server-time']);
const all: ReadonlySet<IrcCapability> = new Set(['server-time', 'batch', 'message-tags', 'echo-message']);

const event = (kind: IrcRoomEvent['kind'], text = '', sender = 'bob'): IrcRoomEvent => ({ kind, room: 'dev', sender, text, timeMs });

function parsedLine(line: string): IrcMessage {
  assert.ok(line.endsWith('\r\n'), JSON.stringify(line));
  const result = parseIrcMessage(Buffer.from(line.slice(0, -2)));
  assert.ok(result.ok, JSON.stringify(line));
  return result.message;
}

describe('renderRoomEvent', () => {
  test('a chat line is a PRIVMSG to the channel from nick!nick@roomcast', () => {
    assert.deepEqual(renderRoomEvent(event('say', 'hello there'), none), [':bob!bob@roomcast PRIVMSG #dev :hello there\r\n']);
  });

  test('with server-time, the time it was sequenced rides in @time', () => {
    assert.deepEqual(renderRoomEvent(event('say', 'hi'), withTime), [
      '@time=2026-12-01T10:42:07.123Z :bob!bob@roomcast PRIVMSG #dev hi\r\n',
    ]);
  });

  test('/me is a CTCP ACTION', () => {
    assert.deepEqual(renderRoomEvent(event('me', 'waves'), none), [':bob!bob@roomcast PRIVMSG #dev :\x01ACTION waves\x01\r\n']);
  });

  test('joins, parts, quits and renames', () => {
    assert.deepEqual(renderRoomEvent(event('join'), none), [':bob!bob@roomcast JOIN #dev\r\n']);
    assert.deepEqual(renderRoomEvent(event('part'), none), [':bob!bob@roomcast PART #dev\r\n']);
    assert.deepEqual(renderRoomEvent(event('part', 'lunch time'), none), [':bob!bob@roomcast PART #dev :lunch time\r\n']);
    assert.deepEqual(renderRoomEvent(event('quit', 'bye all'), none), [':bob!bob@roomcast QUIT :bye all\r\n']);
    assert.deepEqual(renderRoomEvent(event('quit'), none), [':bob!bob@roomcast QUIT Quit\r\n']);
    assert.deepEqual(renderRoomEvent(event('nick', 'robert'), none), [':bob!bob@roomcast NICK robert\r\n']);
  });

  test('a line too long for IRC becomes several, each within 512 bytes, that together say it all', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(fc.constant(' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
          minLength: 1,
          maxLength: 1500,
        }),
        fc.boolean(),
        fc.boolean(),
        (text, me, tagged) => {
          const lines = renderRoomEvent(event(me ? 'me' : 'say', text, 'n'.repeat(24)), tagged ? all : none);
          const pieces = lines.map((line) => {
            const message = parsedLine(line);
            assert.ok(Buffer.byteLength(line) - (tagged ? line.indexOf(' ') + 1 : 0) <= maxMessageBytes);
            const body = message.params[1]!;
            return me ? body.slice('\x01ACTION '.length, -1) : body;
          });
          assert.equal(pieces.join(''), text.toWellFormed());
        },
      ),
      { numRuns: 300 },
    );
  });

  test('free text cannot break the line', () => {
    const [line] = renderRoomEvent(event('say', 'a\r\nQUIT :x'), none);
    assert.equal(line, ':bob!bob@roomcast PRIVMSG #dev :a\uFFFDQUIT :x\r\n');
  });
});

describe('private messages and echo', () => {
  test('a private message is addressed to the recipient; the same line serves as the sender’s echo', () => {
    assert.deepEqual(renderPrivateEvent({ sender: 'bob', recipient: 'alice', text: 'psst', action: false, timeMs }, none), [
      ':bob!bob@roomcast PRIVMSG alice psst\r\n',
    ]);
    assert.deepEqual(renderPrivateEvent({ sender: 'bob', recipient: 'alice', text: 'nods', action: true, timeMs }, withTime), [
      '@time=2026-12-01T10:42:07.123Z :bob!bob@roomcast PRIVMSG alice :\x01ACTION nods\x01\r\n',
    ]);
  });

  test('a client sees its own messages only with echo-message', () => {
    assert.equal(seesOwnMessage(none), false);
    assert.equal(seesOwnMessage(new Set(['echo-message'])), true);
  });
});

describe('renderHistory', () => {
  const history = [event('say', 'first'), event('join', '', 'carol'), { ...event('me', 'waves'), timeMs: timeMs + 60_000 }];

  test('with batch and server-time: one chathistory batch of tagged lines, said things only', () => {
    assert.deepEqual(renderHistory('dev', history, all, 'h1'), [
      ':irc.roomcast BATCH +h1 chathistory #dev\r\n',
      '@batch=h1;time=2026-12-01T10:42:07.123Z :bob!bob@roomcast PRIVMSG #dev first\r\n',
      '@batch=h1;time=2026-12-01T10:43:07.123Z :bob!bob@roomcast PRIVMSG #dev :\x01ACTION waves\x01\r\n',
      ':irc.roomcast BATCH -h1\r\n',
    ]);
  });

  test('without either: plain lines, each starting with its [HH:MM] in UTC', () => {
    assert.deepEqual(renderHistory('dev', history, none, 'h1'), [
      ':bob!bob@roomcast PRIVMSG #dev :[10:42] first\r\n',
      ':bob!bob@roomcast PRIVMSG #dev :\x01ACTION [10:43] waves\x01\r\n',
    ]);
  });

  test('server-time alone: tagged lines, no prefix; batch alone: a batch with prefixes', () => {
    assert.deepEqual(renderHistory('dev', history.slice(0, 1), withTime, 'h1'), [
      '@time=2026-12-01T10:42:07.123Z :bob!bob@roomcast PRIVMSG #dev first\r\n',
    ]);
    assert.deepEqual(renderHistory('dev', history.slice(0, 1), new Set(['batch']), 'h2'), [
      ':irc.roomcast BATCH +h2 chathistory #dev\r\n',
      '@batch=h2 :bob!bob@roomcast PRIVMSG #dev :[10:42] first\r\n',
      ':irc.roomcast BATCH -h2\r\n',
    ]);
  });

  test('no history, no batch', () => {
    assert.deepEqual(renderHistory('dev', [event('join')], all, 'h1'), []);
  });
});

describe('renderNames', () => {
  test('members on as many 353 lines as fit, then 366', () => {
    const members = Array.from({ length: 60 }, (_, index) => `member_${String(index).padStart(2, '0')}_${'x'.repeat(12)}`);
    const lines = renderNames('alice', 'dev', members);
    const messages = lines.map(parsedLine);
    assert.ok(lines.length > 2);
    for (const line of lines) assert.ok(Buffer.byteLength(line) <= maxMessageBytes);
    assert.deepEqual(messages.at(-1)!.params, ['alice', '#dev', 'End of /NAMES list']);
    const named = messages.slice(0, -1).flatMap((message) => {
      assert.equal(message.command, '353');
      assert.deepEqual(message.params.slice(0, 3), ['alice', '=', '#dev']);
      return message.params[3]!.split(' ');
    });
    assert.deepEqual(named, members);
  });

  test('one member', () => {
    assert.deepEqual(renderNames('alice', 'dev', ['alice']), [
      ':irc.roomcast 353 alice = #dev alice\r\n',
      ':irc.roomcast 366 alice #dev :End of /NAMES list\r\n',
    ]);
  });
});

describe('RepeatedAnnouncementFilter', () => {
  test('a quit or rename announced in several shared rooms is rendered once', () => {
    const filter = new RepeatedAnnouncementFilter();
    const quits = ['dev', 'lobby', 'ops'].map((room) => ({ ...event('quit', 'bye'), room }));
    assert.deepEqual(
      quits.map((quit) => filter.admit(quit)),
      [true, false, false],
    );
    const renames = ['dev', 'lobby'].map((room) => ({ ...event('nick', 'rob', 'carol'), room }));
    assert.deepEqual(
      renames.map((rename) => filter.admit(rename)),
      [true, false],
    );
  });

  test('only back-to-back copies are dropped; room events always pass', () => {
    const filter = new RepeatedAnnouncementFilter();
    assert.ok(filter.admit(event('nick', 'rob')));
    assert.ok(filter.admit(event('say', 'hi', 'rob')));
    assert.ok(filter.admit(event('say', 'hi', 'rob')));
    // bob took the name back and changed again: a new rename, rendered.
    assert.ok(filter.admit(event('nick', 'rob')));
  });
});
