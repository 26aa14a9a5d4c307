import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { maxReasonLength, sanitizeText, shortenReason } from '../src/protocol/text.ts';

const replacement = '\uFFFD';
/** Bidi controls, zero-width characters and the Unicode line/paragraph separators. */
const deceptive = [
  0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068,
  0x2069, 0xfeff,
];
const isControl = (code: number) => (code <= 0x1f && code !== 0x09) || (code >= 0x7f && code <= 0x9f) || deceptive.includes(code);

/** The obvious model: walk the characters, emitting one replacement where a run of controls starts. */
function modelSanitize(input: string): string {
  let output = '';
  let inRun = false;
  for (const char of input) {
    const control = isControl(char.charCodeAt(0));
    if (!control) output += char;
    else if (!inRun) output += replacement;
    inRun = control;
  }
  return output;
}

describe('sanitizeText', () => {
  test('replaces every C0 and C1 control character and DEL, but not TAB', () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (!isControl(code)) continue;
      const char = String.fromCharCode(code);
      assert.equal(sanitizeText(`a${char}b`), `a${replacement}b`, `U+${code.toString(16).padStart(4, '0')}`);
    }
  });

  test('keeps TAB, printable ASCII and non-control Unicode as they are', () => {
    const kept = 'tab\there ~!@#$%^&*() Ünïcödé \u00a0 \u00ff 漢字 😀';
    assert.equal(sanitizeText(kept), kept);
  });

  test('spoofing: bidi controls, zero-width characters and U+2028/2029 are neutralised too', () => {
    for (const code of deceptive) {
      const char = String.fromCharCode(code);
      assert.equal(sanitizeText(`a${char}b`), `a${replacement}b`, `U+${code.toString(16).padStart(4, '0')}`);
    }
    // "Trojan Source": a right-to-left override makes "txt.exe" show as "exe.txt".
    assert.equal(sanitizeText('see \u202etxt.exe'), `see ${replacement}txt.exe`);
  });

  test('quit and kick reasons are sanitised and cut to the limit', () => {
    assert.equal(shortenReason('  gone\u001b[2J  '), `gone${replacement}[2J`);
    const long = shortenReason('x'.repeat(4096));
    assert.equal(long.length, maxReasonLength);
    assert.ok(long.endsWith('…'));
  });

  test('a terminal escape sequence loses its ESC, so it prints as text; a run of controls is one marker', () => {
    assert.equal(sanitizeText('\u001b[2Jhi\r\n'), `${replacement}[2Jhi${replacement}`);
  });

  test('a line of 4,000 control bytes leaves as one marker, not 12,000 bytes', () => {
    assert.equal(sanitizeText('\u0001'.repeat(4000)), replacement);
    assert.equal(sanitizeText(`a${'\u0085\u0007'.repeat(100)}b`), `a${replacement}b`);
  });

  test('on any string: each run of control characters becomes one U+FFFD, every other character is unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', maxLength: 60 }),
        fc.string({
          unit: fc.oneof(
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            fc.constantFrom(...deceptive.map((code) => String.fromCharCode(code))),
          ),
          maxLength: 20,
        }),
        (ascii, unicode) => {
          const input = ascii + unicode;
          const output = sanitizeText(input);
          assert.equal(output, modelSanitize(input));
          assert.ok(Buffer.byteLength(output) <= 2 * Buffer.byteLength(input) + 1, 'amplifies at most twice plus one byte');
        },
      ),
      { numRuns: 500 },
    );
  });
});
