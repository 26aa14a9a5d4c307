/**
 * The load generator's chat payload: ASCII only (it travels through text protocols), with fixed-offset
 * decimal fields so the receive path reads them straight from the socket buffer without slicing strings.
 *
 *   0   1          6             16                 31          36          size
 *   | ~ | pub (5)  | seq (10)    | sentNs (15)      | check (5) | x x x … padding  |
 *
 * Every field is a whole number of 5-digit groups: a group fits an int32, so decoding is int32
 * arithmetic with one range check per group (this is the receive path's hottest code).
 * The check group is a weighted sum of the others: a relay that splices two senders' bytes together
 * at the same offset (the seed server does, since every frame has the same length) yields digits that
 * parse but do not check, so the line is counted as garbled instead of as a bogus seq.
 * sentNs is nanoseconds since the run's epoch (process.hrtime.bigint() taken once by the main thread;
 * the monotonic clock is process-wide, so every shard thread compares against the same origin).
 * 15 digits cover 11 days, and every value stays an exact integer in a double.
 */
export const payloadMagic = 0x7e; // '~'
const publisherOffset = 1;
const publisherDigits = 5;
const seqOffset = 6;
const seqDigits = 10;
const sentOffset = 16;
const sentDigits = 15;
const checkOffset = 31;
export const payloadHeaderBytes = 36;
export const maxPublisherId = 99_999;
const paddingByte = 0x78; // 'x'

export interface DecodedPayload {
  publisher: number;
  seq: number;
  sentNs: number;
}

function writeDigits(buf: Buffer, at: number, digits: number, value: number): void {
  let v = value;
  for (let i = at + digits - 1; i >= at; i--) {
    const d = v % 10;
    buf[i] = 0x30 + d;
    v = (v - d) / 10;
  }
}

/** Five ASCII digits as an int32, or -1 when one of them is not a digit (a garbled line). */
function readGroup(buf: Buffer, at: number): number {
  const a = buf[at] - 0x30;
  const b = buf[at + 1] - 0x30;
  const c = buf[at + 2] - 0x30;
  const d = buf[at + 3] - 0x30;
  const e = buf[at + 4] - 0x30;
  // Negative iff some digit is below 0 or above 9.
  if ((a | b | c | d | e | (9 - a) | (9 - b) | (9 - c) | (9 - d) | (9 - e)) < 0) return -1;
  return a * 10000 + b * 1000 + c * 100 + d * 10 + e;
}

/** Writes a payload for `publisher` with seq and time zeroed; stampPayload fills those per message. */
export function writePayloadTemplate(buf: Buffer, at: number, size: number, publisher: number): void {
  if (size < payloadHeaderBytes) throw new RangeError(`payload size ${size} < ${payloadHeaderBytes} bytes`);
  if (!Number.isInteger(publisher) || publisher < 0 || publisher > maxPublisherId) {
    throw new RangeError(`publisher id ${publisher} out of range`);
  }
  buf[at] = payloadMagic;
  writeDigits(buf, at + publisherOffset, publisherDigits, publisher);
  buf.fill(paddingByte, at + seqOffset, at + size);
  stampPayload(buf, at, 0, 0);
}

function checkGroup(publisher: number, seqHigh: number, seqLow: number, sentHigh: number, sentMid: number, sentLow: number): number {
  return (publisher * 7 + seqHigh * 13 + seqLow * 17 + sentHigh * 19 + sentMid * 23 + sentLow * 29) % 99_991;
}

export function stampPayload(buf: Buffer, at: number, seq: number, sentNs: number): void {
  writeDigits(buf, at + seqOffset, seqDigits, seq);
  writeDigits(buf, at + sentOffset, sentDigits, sentNs);
  const group = (offset: number): number => readGroup(buf, at + offset);
  const check = checkGroup(
    group(publisherOffset),
    group(seqOffset),
    group(seqOffset + 5),
    group(sentOffset),
    group(sentOffset + 5),
    group(sentOffset + 10),
  );
  writeDigits(buf, at + checkOffset, 5, check);
}

/** Fills `out` (reused by the caller: no allocation per message); false when the fields are not digits or do not check. */
export function decodePayload(buf: Buffer, at: number, out: DecodedPayload): boolean {
  const publisher = readGroup(buf, at + publisherOffset);
  const seqHigh = readGroup(buf, at + seqOffset);
  const seqLow = readGroup(buf, at + seqOffset + 5);
  const sentHigh = readGroup(buf, at + sentOffset);
  const sentMid = readGroup(buf, at + sentOffset + 5);
  const sentLow = readGroup(buf, at + sentOffset + 10);
  if ((publisher | seqHigh | seqLow | sentHigh | sentMid | sentLow) < 0) return false;
  if (readGroup(buf, at + checkOffset) !== checkGroup(publisher, seqHigh, seqLow, sentHigh, sentMid, sentLow)) return false;
  out.publisher = publisher;
  out.seq = seqHigh * 1e5 + seqLow;
  out.sentNs = (sentHigh * 1e5 + sentMid) * 1e5 + sentLow;
  return true;
}

/**
 * A publisher's wire frame (protocol prefix + payload + suffix) with its fields zeroed; encodeFrames copies
 * it once per message, so encoding costs one allocation per batch, not per message.
 */
export interface FrameTemplate {
  readonly bytes: Buffer;
  readonly payloadOffset: number;
}

export function makeFrameTemplate(prefix: Buffer, suffix: Buffer, size: number, publisher: number): FrameTemplate {
  const bytes = Buffer.alloc(prefix.length + size + suffix.length);
  prefix.copy(bytes, 0);
  writePayloadTemplate(bytes, prefix.length, size, publisher);
  suffix.copy(bytes, prefix.length + size);
  return { bytes, payloadOffset: prefix.length };
}

/** `count` consecutive frames, seq firstSeq.., sent times firstSentNs + i * stepNs. */
export function encodeFrames(template: FrameTemplate, count: number, firstSeq: number, firstSentNs: number, stepNs: number): Buffer {
  const frameBytes = template.bytes.length;
  const out = Buffer.allocUnsafe(frameBytes * count);
  for (let i = 0; i < count; i++) {
    const at = i * frameBytes;
    template.bytes.copy(out, at);
    stampPayload(out, at + template.payloadOffset, firstSeq + i, Math.round(firstSentNs + i * stepNs));
  }
  return out;
}

/** `count` consecutive frames, seq firstSeq.., the i-th stamped with sentNs[i] (a schedule that is not evenly spaced). */
export function encodeFramesAt(template: FrameTemplate, count: number, firstSeq: number, sentNs: Float64Array): Buffer {
  const frameBytes = template.bytes.length;
  const out = Buffer.allocUnsafe(frameBytes * count);
  for (let i = 0; i < count; i++) {
    const at = i * frameBytes;
    template.bytes.copy(out, at);
    stampPayload(out, at + template.payloadOffset, firstSeq + i, Math.round(sentNs[i]));
  }
  return out;
}
