// Splits a TCP byte stream into lines. A line ends at LF; a CR right before the LF is dropped too.
// Lines longer than maxLineBytes are reported once and discarded up to their end, so a client that
// sends an endless line costs at most maxLineBytes of memory and keeps its connection.
//
// Invariant: the events (lines and overflows, in order) depend only on the bytes, never on how the
// bytes were split into chunks. test/line-framer.test.ts checks this property.

export interface LineSink {
  line(bytes: Buffer): void;
  overflow(): void;
}

/** The first storage for an unfinished line; it doubles from here as the line grows. */
const initialPartialBytes = 64;
const noPartial = Buffer.alloc(0);

export class LineFramer {
  readonly maxLineBytes: number;
  // The unfinished line, copied out of the chunks it came in (so a few bytes never keep a whole 64 KiB
  // read buffer alive) into one Buffer that doubles as needed, up to maxLineBytes + 1: a line dripped
  // one byte per TCP segment costs a few reallocations, not one Buffer per byte. It is let go when the
  // line ends, so an idle connection holds none.
  #partial: Buffer = noPartial;
  #partialBytes = 0;
  #discardingToLineEnd = false;

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer, sink: LineSink): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1) {
        this.#keep(chunk.subarray(start), sink);
        return;
      }
      this.#finish(chunk.subarray(start, newline), sink);
      start = newline + 1;
    }
  }

  /** How many bytes of an unfinished line are held. */
  get pendingLength(): number {
    return this.#partialBytes;
  }

  /** The bytes of the line received so far without its end (the seed client's hello has no LF). A view: valid until the next push. */
  pendingBytes(): Buffer {
    return this.#partial.subarray(0, this.#partialBytes);
  }

  /** Bytes of storage held for the unfinished line: at most twice its length, and never more than maxLineBytes + 1. */
  heldBytes(): number {
    return this.#partial.length;
  }

  discardPending(): void {
    this.#partial = noPartial;
    this.#partialBytes = 0;
  }

  #keep(piece: Buffer, sink: LineSink): void {
    if (this.#discardingToLineEnd) return;
    const length = this.#partialBytes + piece.length;
    // +1: the last byte may still turn out to be the CR of a CRLF, which does not count.
    if (length > this.maxLineBytes + 1) {
      this.discardPending();
      this.#discardingToLineEnd = true;
      sink.overflow();
      return;
    }
    this.#append(piece, length);
  }

  #finish(tail: Buffer, sink: LineSink): void {
    if (this.#discardingToLineEnd) {
      this.#discardingToLineEnd = false;
      return;
    }
    let line = tail;
    if (this.#partialBytes > 0) {
      const length = this.#partialBytes + tail.length;
      if (length > this.maxLineBytes + 1) {
        this.discardPending();
        return sink.overflow();
      }
      this.#append(tail, length);
      line = this.pendingBytes();
      // Let go of the storage rather than reuse it: the sink may keep the line it was given.
      this.discardPending();
    }
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    if (line.length > this.maxLineBytes) sink.overflow();
    else sink.line(line);
  }

  /** Appends `piece`, making the unfinished line `length` bytes (at most maxLineBytes + 1) long. */
  #append(piece: Buffer, length: number): void {
    if (length > this.#partial.length) {
      const capacity = Math.min(Math.max(length, 2 * this.#partial.length, initialPartialBytes), this.maxLineBytes + 1);
      // Unpooled: a pooled slice would keep its whole 8 KiB pool slab alive for as long as the line waits.
      const grown = Buffer.allocUnsafeSlow(capacity);
      this.#partial.copy(grown, 0, 0, this.#partialBytes);
      this.#partial = grown;
    }
    piece.copy(this.#partial, this.#partialBytes);
    this.#partialBytes = length;
  }
}
