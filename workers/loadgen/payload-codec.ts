/**
 * The load generator's chat payload: ASCII only (it travels through text protocols), with fixed-offset
 * decimal fields so the receive path reads them straight from the socket buffer without slicing strings.
 *
 *   0   1           7             17                 32                 size
 *   | ~ | pub (6)   | seq (10)    | sentNs (15)      | x x x … padding  |
 *
 * sentNs is nanoseconds since the run's epoch (process.hrtime.bigint() taken once by the main thread;
 * the monotonic clock is process-wide, so every shard thread compares against the same origin).
 * 15 digits cover 11 days, and every value stays an exact integer in a double.
 */
export const payloadMagic = 0x7e; // '~'
const publisherOffset = 1;
const publisherDigits = 6;
const seqOffset = 7;
const seqDigits = 10;
const sentOffset = 17;
const sentDigits = 15;
export const payloadHeaderBytes = 32;
export const maxPublisherId = 999_999;
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

/** Returns -1 when a byte is not a digit (a garbled line). */
function readDigits(buf: Buffer, at: number, digits: number): number {
  let v = 0;
  for (let i = at; i < at + digits; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
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

export function stampPayload(buf: Buffer, at: number, seq: number, sentNs: number): void {
  writeDigits(buf, at + seqOffset, seqDigits, seq);
  writeDigits(buf, at + sentOffset, sentDigits, sentNs);
}

/** Fills `out` (reused by the caller: no allocation per message); false when the fields are not digits. */
export function decodePayload(buf: Buffer, at: number, out: DecodedPayload): boolean {
  const publisher = readDigits(buf, at + publisherOffset, publisherDigits);
  const seq = readDigits(buf, at + seqOffset, seqDigits);
  const sentNs = readDigits(buf, at + sentOffset, sentDigits);
  if (publisher < 0 || seq < 0 || sentNs < 0) return false;
  out.publisher = publisher;
  out.seq = seq;
  out.sentNs = sentNs;
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
export function encodeFrames(
  template: FrameTemplate,
  count: number,
  firstSeq: number,
  firstSentNs: number,
  stepNs: number,
): Buffer {
  const frameBytes = template.bytes.length;
  const out = Buffer.allocUnsafe(frameBytes * count);
  for (let i = 0; i < count; i++) {
    const at = i * frameBytes;
    template.bytes.copy(out, at);
    stampPayload(out, at + template.payloadOffset, firstSeq + i, Math.round(firstSentNs + i * stepNs));
  }
  return out;
}
