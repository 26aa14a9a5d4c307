import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineScanner } from '../../bench/loadgen/line-scanner.ts';

function scan(chunks: Buffer[], maxLineBytes = 1024): { lines: string[]; overlong: number } {
  const lines: string[] = [];
  const scanner = new LineScanner(maxLineBytes, (buf, start, end) => lines.push(buf.toString('latin1', start, end)));
  for (const c of chunks) scanner.push(c);
  return { lines, overlong: scanner.overlongLines };
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

test('the same lines come out however the stream is split into chunks', () => {
  const line = fc.string({ unit: fc.constantFrom('a', 'b', '~', ' ', '0', '9', '['), maxLength: 80 });
  fc.assert(
    fc.property(fc.array(fc.tuple(line, fc.boolean()), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 40 }), (ls, cuts) => {
      const text = ls.map(([l, crlf]) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
      const { lines } = scan(splitAt(Buffer.from(text, 'latin1'), cuts));
      assert.deepEqual(
        lines,
        ls.map(([l]) => l),
      );
    }),
  );
});

test('an unterminated tail is held until its newline arrives', () => {
  assert.deepEqual(scan([Buffer.from('abc\nde'), Buffer.from('f'), Buffer.from('g\r'), Buffer.from('\nh')]).lines, ['abc', 'defg']);
});

test('a line longer than the carry buffer is dropped and counted, and scanning recovers', () => {
  const { lines, overlong } = scan([Buffer.from('ok\n0123456'), Buffer.from('789abcdef'), Buffer.from('ghij\nnext\n')], 8);
  assert.deepEqual(lines, ['ok', 'next']);
  assert.equal(overlong, 1);
});
