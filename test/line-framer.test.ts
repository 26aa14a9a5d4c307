import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineFramer, type LineSink } from '../src/protocol/line-framer.ts';

// A line is kept as latin1 text so any byte sequence compares exactly and failures print readably.
type FramerEvent = { line: string } | 'overflow';

class RecordingSink implements LineSink {
  readonly events: FramerEvent[] = [];
  line(bytes: Buffer): void {
    this.events.push({ line: bytes.toString('latin1') });
  }
  overflow(): void {
    this.events.push('overflow');
  }
}

function frame(maxLineBytes: number, chunks: readonly (string | Uint8Array)[]): FramerEvent[] {
  const framer = new LineFramer(maxLineBytes);
  const sink = new RecordingSink();
  for (const chunk of chunks) framer.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk), sink);
  return sink.events;
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  return pieces;
}

// What the framer must do, written the obvious way over the whole stream at once: complete lines lose
// their LF and one trailing CR and overflow past maxLineBytes; an unfinished tail only overflows once it
// is certain to be too long (more than maxLineBytes + 1, since its last byte may be a CR).
function referenceEvents(bytes: Uint8Array, maxLineBytes: number): FramerEvent[] {
  const pieces = Buffer.from(bytes).toString('latin1').split('\n');
  const tail = pieces.pop()!;
  const events: FramerEvent[] = pieces.map((piece) => {
    const line = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
    return line.length > maxLineBytes ? 'overflow' : { line };
  });
  if (tail.length > maxLineBytes + 1) events.push('overflow');
  return events;
}

// Bytes rich in LF and CR, so short random streams still contain empty lines, CRLFs and lone CRs.
const streamBytes = fc
  .array(fc.oneof(fc.constantFrom(10, 13, 10, 13, 0x61), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
  .map((values) => Uint8Array.from(values));
const smallLimit = fc.integer({ min: 0, max: 16 });
const cuts = fc.array(fc.nat(), { maxLength: 20 });

describe('LineFramer examples', () => {
  test('splits at LF', () => {
    assert.deepEqual(frame(64, ['alpha\nbeta\n']), [{ line: 'alpha' }, { line: 'beta' }]);
  });

  test('drops the CR of a CRLF, also when the CR and LF arrive in different chunks', () => {
    assert.deepEqual(frame(64, ['alpha\r\nbeta\r', '\n']), [{ line: 'alpha' }, { line: 'beta' }]);
  });

  test('reports empty lines, with LF or CRLF', () => {
    assert.deepEqual(frame(64, ['\n\r\n\n']), [{ line: '' }, { line: '' }, { line: '' }]);
  });

  test('keeps a lone CR inside a line and drops only one CR before LF', () => {
    assert.deepEqual(frame(64, ['a\rb\n', 'c\r\r\n']), [{ line: 'a\rb' }, { line: 'c\r' }]);
  });

  test('emits nothing for a line without its LF yet, and keeps it pending', () => {
    const framer = new LineFramer(64);
    const sink = new RecordingSink();
    framer.push(Buffer.from('done\nhalf'), sink);
    framer.push(Buffer.from(' a line'), sink);
    assert.deepEqual(sink.events, [{ line: 'done' }]);
    assert.equal(framer.pendingBytes().toString(), 'half a line');
    framer.discardPending();
    framer.push(Buffer.from('next\n'), sink);
    assert.deepEqual(sink.events, [{ line: 'done' }, { line: 'next' }]);
  });

  test('accepts a line of exactly maxLineBytes, with LF or CRLF, in one chunk or byte by byte', () => {
    const line = 'x'.repeat(8);
    assert.deepEqual(frame(8, [`${line}\n${line}\r\n`]), [{ line }, { line }]);
    assert.deepEqual(frame(8, [...`${line}\r\n`]), [{ line }]);
  });

  test('reports a line of maxLineBytes + 1 as an overflow, not a line', () => {
    const line = 'x'.repeat(9);
    assert.deepEqual(frame(8, [`${line}\n`]), ['overflow']);
    assert.deepEqual(frame(8, [`${line}\r\n`]), ['overflow']);
    assert.deepEqual(frame(8, [...`${line}\n`]), ['overflow']);
  });

  test('reports an over-long line once and then frames the following lines normally', () => {
    const long = 'y'.repeat(100);
    const expected: FramerEvent[] = ['overflow', { line: 'after' }, { line: 'again' }];
    assert.deepEqual(frame(8, [`${long}\nafter\nagain\n`]), expected);
    assert.deepEqual(frame(8, [long.slice(0, 50), long.slice(50), '\nafter\nag', 'ain\n']), expected);
  });

  test('an endless line costs at most maxLineBytes + 1 bytes and one overflow', () => {
    const framer = new LineFramer(8);
    const sink = new RecordingSink();
    for (let i = 0; i < 1000; i++) {
      framer.push(Buffer.from('zzzzzzz'), sink);
      assert.ok(framer.pendingBytes().length <= 9);
    }
    framer.push(Buffer.from('\nok\n'), sink);
    assert.deepEqual(sink.events, ['overflow', { line: 'ok' }]);
  });
});

describe('LineFramer memory', () => {
  test('a line of maxLineBytes dripped one byte per chunk is held in one Buffer at most twice its size', () => {
    const maxLineBytes = 4096;
    const framer = new LineFramer(maxLineBytes);
    const sink = new RecordingSink();
    const byte = Buffer.from('d');
    const sizes = new Set<number>();
    for (let i = 1; i <= maxLineBytes; i++) {
      framer.push(byte, sink);
      assert.equal(framer.pendingLength, i);
      assert.ok(framer.heldBytes() <= Math.max(64, 2 * i) && framer.heldBytes() <= maxLineBytes + 1, `${framer.heldBytes()} held for ${i}`);
      sizes.add(framer.heldBytes());
    }
    // Doubling from 64: a handful of reallocations for the whole line, not one Buffer per byte.
    assert.ok(sizes.size <= 8, `storage was reallocated ${sizes.size} times`);
    framer.push(Buffer.from('\n'), sink);
    assert.deepEqual(sink.events, [{ line: 'd'.repeat(maxLineBytes) }]);
    assert.equal(framer.heldBytes(), 0, 'a finished line lets its storage go');
  });

  test('an endless line dripped one byte per chunk never holds more than maxLineBytes + 1 bytes', () => {
    const framer = new LineFramer(100);
    const sink = new RecordingSink();
    for (let i = 0; i < 1000; i++) {
      framer.push(Buffer.from('e'), sink);
      assert.ok(framer.heldBytes() <= 101);
    }
    assert.deepEqual(sink.events, ['overflow']);
  });
});

describe('LineFramer properties', () => {
  test('matches the reference model on any bytes', () => {
    fc.assert(
      fc.property(streamBytes, smallLimit, (bytes, max) => {
        assert.deepEqual(frame(max, [bytes]), referenceEvents(bytes, max));
      }),
    );
  });

  test('any split of any bytes yields the same events as the unsplit bytes', () => {
    fc.assert(
      fc.property(streamBytes, smallLimit, cuts, (bytes, max, cutPoints) => {
        assert.deepEqual(frame(max, splitAt(bytes, cutPoints)), frame(max, [bytes]));
      }),
    );
  });

  test('never throws on any chunks, including empty ones', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), smallLimit, (chunks, max) => {
        frame(max, chunks);
      }),
    );
  });

  test('never emits a line longer than maxLineBytes', () => {
    fc.assert(
      fc.property(streamBytes, smallLimit, cuts, (bytes, max, cutPoints) => {
        for (const event of frame(max, splitAt(bytes, cutPoints))) {
          if (event !== 'overflow') assert.ok(event.line.length <= max, `line of ${event.line.length} > ${max}`);
        }
      }),
    );
  });

  test('never holds more than maxLineBytes + 1 pending bytes', () => {
    fc.assert(
      fc.property(streamBytes, smallLimit, cuts, (bytes, max, cutPoints) => {
        const framer = new LineFramer(max);
        const sink = new RecordingSink();
        for (const piece of splitAt(bytes, cutPoints)) {
          framer.push(Buffer.from(piece), sink);
          assert.ok(framer.pendingBytes().length <= max + 1);
          assert.ok(framer.heldBytes() <= max + 1);
        }
      }),
    );
  });
});
