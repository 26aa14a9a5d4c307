import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type IrcMessage,
  maxMessageBytes,
  maxTagSectionBytes,
  parseIrcMessage,
  serializeIrcMessage,
} from '../../src/protocol/irc/irc-message.ts';

const parse = (line: string) => parseIrcMessage(Buffer.from(line));

function parsed(line: string): IrcMessage {
  const result = parse(line);
  assert.ok(result.ok, `${JSON.stringify(line)} did not parse: ${result.ok ? '' : result.error}`);
  return result.message;
}

describe('parseIrcMessage', () => {
  test('command and parameters, the last one trailing', () => {
    assert.deepEqual(parsed('privmsg #dev :hello  there '), {
      tags: new Map(),
      source: undefined,
      command: 'PRIVMSG',
      params: ['#dev', 'hello  there '],
    });
    assert.deepEqual(parsed('NICK alice').params, ['alice']);
    assert.deepEqual(parsed('CAP LS 302').params, ['LS', '302']);
    assert.deepEqual(parsed('QUIT').params, []);
  });

  test('a trailing parameter may be empty, hold colons, or be the only one', () => {
    assert.deepEqual(parsed('TOPIC #dev :').params, ['#dev', '']);
    assert.deepEqual(parsed('PRIVMSG #dev ::-) a:b').params, ['#dev', ':-) a:b']);
    assert.deepEqual(parsed('QUIT :bye now').params, ['bye now']);
  });

  test('runs of spaces separate parameters like one space', () => {
    assert.deepEqual(parsed('  USER   a  0   * :Real  Name').params, ['a', '0', '*', 'Real  Name']);
    assert.deepEqual(parsed('JOIN #a   ').params, ['#a']);
  });

  test('a source is read and kept apart from the parameters', () => {
    const message = parsed(':alice!alice@roomcast PRIVMSG #dev :hi');
    assert.equal(message.source, 'alice!alice@roomcast');
    assert.equal(message.command, 'PRIVMSG');
    assert.deepEqual(message.params, ['#dev', 'hi']);
  });

  test('numerics are commands', () => {
    assert.equal(parsed(':irc.example 001 alice :Welcome').command, '001');
  });

  test('tags: values unescaped, missing and empty values alike, last duplicate wins', () => {
    const message = parsed('@time=2026-12-01T10:00:00.000Z;+draft/reply=a\\sb\\:c\\\\d\\r\\n;flag;empty=;k=1;k=2 :src PING x');
    assert.deepEqual(
      message.tags,
      new Map([
        ['time', '2026-12-01T10:00:00.000Z'],
        ['+draft/reply', 'a b;c\\d\r\n'],
        ['flag', ''],
        ['empty', ''],
        ['k', '2'],
      ]),
    );
    assert.equal(message.source, 'src');
  });

  test('tags: an unknown escape stands for its character and a final lone backslash is dropped', () => {
    assert.equal(parsed('@a=\\x\\ PING').tags.get('a'), 'x');
  });

  test('tags: a malformed key fails the message', () => {
    assert.deepEqual(parse('@a_b=1 PING'), { ok: false, error: 'bad-tag' });
    assert.deepEqual(parse('@=1 PING'), { ok: false, error: 'bad-tag' });
  });

  test('errors are values', () => {
    assert.deepEqual(parse(''), { ok: false, error: 'empty' });
    assert.deepEqual(parse('   '), { ok: false, error: 'empty' });
    assert.deepEqual(parse('PRIVMSG #a :x\0y'), { ok: false, error: 'forbidden-character' });
    assert.deepEqual(parse('PRIVMSG #a :x\ry'), { ok: false, error: 'forbidden-character' });
    assert.deepEqual(parse(':onlysource'), { ok: false, error: 'bad-command' });
    assert.deepEqual(parse('@a=1'), { ok: false, error: 'bad-command' });
    assert.deepEqual(parse('PRIV-MSG x'), { ok: false, error: 'bad-command' });
    assert.deepEqual(parse('12 x'), { ok: false, error: 'bad-command' });
    assert.deepEqual(parseIrcMessage(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xff])), { ok: false, error: 'bad-encoding' });
  });

  test('the body may be 510 bytes (512 with the CR LF the framer removed), tags 8191 with their @ and space', () => {
    const body = (bytes: number) => `PRIVMSG #a :${'x'.repeat(bytes - 'PRIVMSG #a :'.length)}`;
    assert.ok(parse(body(maxMessageBytes - 2)).ok);
    assert.deepEqual(parse(body(maxMessageBytes - 1)), { ok: false, error: 'too-long' });
    const tags = (bytes: number) => `@a=${'v'.repeat(bytes - '@a= '.length)} `;
    assert.ok(parse(tags(maxTagSectionBytes) + body(maxMessageBytes - 2)).ok);
    assert.deepEqual(parse(tags(maxTagSectionBytes + 1) + body(20)), { ok: false, error: 'tags-too-long' });
  });

  test('the byte limit counts bytes, not characters', () => {
    const prefix = 'PRIVMSG #a :';
    const fits = prefix + 'é'.repeat((maxMessageBytes - 2 - prefix.length) / 2);
    assert.ok(parse(fits).ok);
    assert.deepEqual(parse(`${fits}é`), { ok: false, error: 'too-long' });
  });

  test('never throws, whatever the bytes', () => {
    const ircish = fc.constantFrom(...Buffer.from('@:; =\\#aZ09 \r\0\xff'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.array(ircish, { maxLength: 40 }).map((b) => Uint8Array.from(b)),
        ),
        (bytes) => {
          const result = parseIrcMessage(bytes);
          assert.equal(typeof result.ok, 'boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('serializeIrcMessage', () => {
  test('a trailing parameter gets its colon only when it needs one', () => {
    assert.equal(serializeIrcMessage({ command: 'JOIN', source: 'a!a@h', params: ['#dev'] }), ':a!a@h JOIN #dev\r\n');
    assert.equal(serializeIrcMessage({ command: 'PRIVMSG', params: ['#dev', 'two words'] }), 'PRIVMSG #dev :two words\r\n');
    assert.equal(serializeIrcMessage({ command: 'PRIVMSG', params: ['#dev', ':)'] }), 'PRIVMSG #dev ::)\r\n');
    assert.equal(serializeIrcMessage({ command: 'TOPIC', params: ['#dev', ''] }), 'TOPIC #dev :\r\n');
    assert.equal(serializeIrcMessage({ command: 'QUIT' }), 'QUIT\r\n');
  });

  test('tags are escaped, and a tag without a value has no =', () => {
    const tags = new Map([
      ['time', '2026-12-01T10:00:00.000Z'],
      ['x', 'a b;c\\d\r\n'],
      ['flag', ''],
    ]);
    assert.equal(
      serializeIrcMessage({ tags, command: 'PING', params: ['t'] }),
      '@time=2026-12-01T10:00:00.000Z;x=a\\sb\\:c\\\\d\\r\\n;flag PING t\r\n',
    );
  });

  test('CR, LF and NUL never reach the wire: free text shows them as U+FFFD, a tag value drops NUL', () => {
    const line = serializeIrcMessage({ tags: new Map([['a', 'x\0y']]), command: 'PRIVMSG', params: ['#a', 'hi\r\nQUIT :owned\0'] });
    assert.equal(line, '@a=xy PRIVMSG #a :hi\uFFFDQUIT :owned\uFFFD\r\n');
    assert.equal(line.indexOf('\r'), line.length - 2);
  });

  test('whatever the text in tag values and the last parameter, the only CR, LF and NUL are the final CR LF', () => {
    const anyText = fc.string({
      unit: fc.oneof(fc.constantFrom('\r', '\n', '\0', ' ', ':', ';', '\\'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      maxLength: 80,
    });
    fc.assert(
      fc.property(anyText, anyText, (tagValue, text) => {
        const line = serializeIrcMessage({
          tags: new Map([['a', tagValue]]),
          source: 'bob!bob@roomcast',
          command: 'PRIVMSG',
          params: ['#dev', text],
        });
        assert.ok(line.endsWith('\r\n'));
        assert.doesNotMatch(line.slice(0, -2), /[\r\n\0]/);
        assert.ok(parse(line.slice(0, -2)).ok);
      }),
      { numRuns: 1000 },
    );
  });

  test('the server’s own structural mistakes throw', () => {
    assert.throws(() => serializeIrcMessage({ command: 'PRIV MSG' }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PING', source: 'a b' }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PRIVMSG', params: ['a b', 'x'] }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PRIVMSG', params: [':a', 'x'] }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PRIVMSG', params: ['', 'x'] }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PRIVMSG', params: ['a\r', 'x'] }), TypeError);
    assert.throws(() => serializeIrcMessage({ tags: new Map([['a_b', '']]), command: 'PING' }), TypeError);
    assert.throws(() => serializeIrcMessage({ command: 'PRIVMSG', params: ['x'.repeat(600), 'y'] }), RangeError);
  });

  test('an over-long last parameter is cut on a character boundary to fit 512 bytes', () => {
    for (const text of ['é'.repeat(400), 'x'.repeat(600), `${'y'.repeat(300)} ${'z'.repeat(300)}`]) {
      const line = serializeIrcMessage({ source: 'alice!alice@roomcast', command: 'PRIVMSG', params: ['#dev', text] });
      assert.ok(Buffer.byteLength(line) <= maxMessageBytes, `${Buffer.byteLength(line)} bytes`);
      assert.ok(Buffer.byteLength(line) >= maxMessageBytes - 1, 'cut no more than a character short');
      const message = parsed(line.slice(0, -2));
      assert.ok(text.startsWith(message.params[1]!));
      assert.ok(!message.params[1]!.includes('\uFFFD'));
    }
  });
});

// Messages as a server might send them: well-formed text (a lone surrogate cannot be UTF-8), names
// without spaces, anything at all in tag values and the last parameter except NUL, CR and LF.
const wellFormed = (arbitrary: fc.Arbitrary<string>) => arbitrary.filter((text) => text.isWellFormed());
const word = wellFormed(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })).filter((text) => !/[\s\0:]/.test(text));
const tagKey = fc
  .tuple(fc.boolean(), fc.option(fc.stringMatching(/^[a-z0-9.-]{1,8}$/)), fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/))
  .map(([clientOnly, vendor, name]) => `${clientOnly ? '+' : ''}${vendor === null ? '' : `${vendor}/`}${name}`);
const freeText = wellFormed(
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(' ', ':', ';', '\\', '='),
      fc.constant('\t'),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 40,
  }),
).map((text) => text.replace(/[\r\n\0]/g, ''));
const message: fc.Arbitrary<IrcMessage> = fc.record(
  {
    tags: fc.uniqueArray(fc.tuple(tagKey, freeText), { selector: ([key]) => key, maxLength: 4 }).map((pairs) => new Map(pairs)),
    source: fc.option(word, { nil: undefined }),
    command: fc.oneof(fc.stringMatching(/^[A-Z]{1,10}$/), fc.stringMatching(/^[0-9]{3}$/)),
    params: fc
      .tuple(fc.array(word, { maxLength: 6 }), fc.option(freeText))
      .map(([middle, last]) => (last === null ? middle : [...middle, last])),
  },
  { noNullPrototype: true },
);

describe('serialise then parse', () => {
  test('gives the message back', () => {
    fc.assert(
      fc.property(message, (original) => {
        const line = serializeIrcMessage(original);
        assert.ok(line.endsWith('\r\n'));
        assert.deepEqual(parsed(line.slice(0, -2)), original);
      }),
      { numRuns: 2000 },
    );
  });

  test('parse then serialise then parse is stable for whatever parses', () => {
    const ircish = fc.string({ unit: fc.constantFrom('@', ':', ';', '=', '\\', ' ', '#', 'a', 'B', '1', 'é', 's'), maxLength: 60 });
    fc.assert(
      fc.property(ircish, (line) => {
        const first = parse(line);
        if (!first.ok) return;
        let again: string;
        try {
          again = serializeIrcMessage(first.message);
        } catch {
          // A client may send what a server never would (an empty source, say): nothing to compare.
          return;
        }
        assert.deepEqual(parsed(again.slice(0, -2)), first.message);
      }),
      { numRuns: 2000 },
    );
  });
});
