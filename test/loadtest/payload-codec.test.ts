import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodePayload,
  encodeFrames,
  makeFrameTemplate,
  maxPublisherId,
  payloadHeaderBytes,
  type DecodedPayload,
} from '../../bench/loadgen/payload-codec.ts';

const scratch = (): DecodedPayload => ({ publisher: -1, seq: -1, sentNs: -1 });

test('frames round-trip publisher, seq and send time, padded to size, ASCII only', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: maxPublisherId }),
      fc.integer({ min: 0, max: 9_999_999_000 }),
      fc.integer({ min: 0, max: 999_999_000_000_000 }),
      fc.integer({ min: payloadHeaderBytes, max: 300 }),
      (publisher, seq, sentNs, size) => {
        const template = makeFrameTemplate(Buffer.from('PUB s 1\r\n'), Buffer.from('\r\n'), size, publisher);
        const frames = encodeFrames(template, 3, seq, sentNs, 1000);
        assert.equal(frames.length, 3 * template.bytes.length);
        for (let i = 0; i < 3; i++) {
          const at = i * template.bytes.length + template.payloadOffset;
          const out = scratch();
          assert.ok(decodePayload(frames, at, out));
          assert.deepEqual(out, { publisher, seq: seq + i, sentNs: sentNs + i * 1000 });
          const payload = frames.subarray(at, at + size);
          assert.ok(payload.every((b) => b >= 0x20 && b < 0x7f));
          assert.equal(frames.subarray(at + size, at + size + 2).toString(), '\r\n');
        }
      },
    ),
  );
});

test('a payload with a non-digit anywhere in its fields does not decode', () => {
  const template = makeFrameTemplate(Buffer.alloc(0), Buffer.alloc(0), 64, 42);
  const good = encodeFrames(template, 1, 7, 123456789, 0);
  for (let i = 1; i < payloadHeaderBytes; i++) {
    for (const bad of [0x2f, 0x3a, 0x78, 0x20]) {
      const copy = Buffer.from(good);
      copy[i] = bad;
      assert.equal(decodePayload(copy, 0, scratch()), false, `byte ${i} = ${bad}`);
    }
  }
});

test('two frames spliced at any offset inside the header do not decode', () => {
  const a = encodeFrames(makeFrameTemplate(Buffer.alloc(0), Buffer.alloc(0), 64, 1), 1, 1234, 5_000_000, 0);
  const b = encodeFrames(makeFrameTemplate(Buffer.alloc(0), Buffer.alloc(0), 64, 2), 1, 98_765, 7_000_123, 0);
  let spliceable = 0;
  for (let k = 1; k < payloadHeaderBytes; k++) {
    const spliced = Buffer.concat([a.subarray(0, k), b.subarray(k)]);
    const header = spliced.subarray(0, payloadHeaderBytes);
    // Where the frames share their first k bytes the splice is just b: nothing to detect.
    if (header.equals(a.subarray(0, payloadHeaderBytes)) || header.equals(b.subarray(0, payloadHeaderBytes))) continue;
    spliceable++;
    assert.equal(decodePayload(spliced, 0, scratch()), false, `spliced at ${k}`);
  }
  assert.ok(spliceable > 25);
});

test('sizes below the header and publisher ids out of range are refused', () => {
  assert.throws(() => makeFrameTemplate(Buffer.alloc(0), Buffer.alloc(0), payloadHeaderBytes - 1, 0), RangeError);
  assert.throws(() => makeFrameTemplate(Buffer.alloc(0), Buffer.alloc(0), 64, maxPublisherId + 1), RangeError);
});
