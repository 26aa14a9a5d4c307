import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { sanitizeText } from '../src/protocol/text.ts';

const replacement = '\uFFFD';
const isControl = (code: number) => (code <= 0x1f && code !== 0x09) || (code >= 0x7f && code <= 0x9f);

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

  test('a terminal escape sequence loses its ESC, so it prints as text', () => {
    assert.equal(sanitizeText('\u001b[2Jhi\r\n'), `${replacement}[2Jhi${replacement}${replacement}`);
  });

  test('on any string: no control character survives and every other character is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 20 }), (ascii, unicode) => {
        const input = ascii + unicode;
        const output = sanitizeText(input);
        assert.equal(output.length, input.length);
        for (let i = 0; i < input.length; i++) {
          const code = input.charCodeAt(i);
          assert.equal(output[i], isControl(code) ? replacement : input[i]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
