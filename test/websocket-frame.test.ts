import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { closeFrame, textFrame } from '../src/protocol/websocket-frame.ts';

/** Reads one server frame as RFC 6455 §5.2 lays it out: FIN, opcode, no mask, the three length forms. */
function readFrame(frame: Buffer): { fin: boolean; opcode: number; payload: string } {
  assert.equal(frame[1]! & 0x80, 0, 'a server frame is not masked');
  const short = frame[1]! & 0x7f;
  const [length, offset] = short === 126 ? [frame.readUInt16BE(2), 4] : short === 127 ? [Number(frame.readBigUInt64BE(2)), 10] : [short, 2];
  assert.equal(frame.length, offset + length, 'the frame holds exactly its payload');
  if (short === 126) assert.ok(length > 125, 'the shortest length form is used');
  if (short === 127) assert.ok(length > 0xffff, 'the shortest length form is used');
  return { fin: (frame[0]! & 0x80) !== 0, opcode: frame[0]! & 0x0f, payload: frame.subarray(offset).toString('utf8') };
}

test('each length form at its edges', () => {
  for (const length of [0, 1, 125, 126, 0xffff, 0x10000, 100_000]) {
    const payload = 'x'.repeat(length);
    assert.deepEqual(readFrame(textFrame(payload)), { fin: true, opcode: 1, payload }, `${length} bytes`);
  }
  assert.deepEqual([...textFrame('hi')], [0x81, 2, 0x68, 0x69]);
});

test('property: any text comes back whole, its length counted in UTF-8 bytes', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (payload) => {
      assert.deepEqual(readFrame(textFrame(payload)), { fin: true, opcode: 1, payload });
    }),
  );
});

test('a close frame carries its code and reason, the reason cut to fit a control frame', () => {
  assert.deepEqual([...closeFrame(1008, 'KICKED')], [0x88, 8, 0x03, 0xf0, ...Buffer.from('KICKED')]);
  const long = closeFrame(1000, 'x'.repeat(500));
  assert.equal(long[1], 125);
  assert.equal(long.length, 2 + 125);
});
