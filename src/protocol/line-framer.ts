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

export class LineFramer {
  readonly maxLineBytes: number;
  // The unfinished line. Copied out of the chunk it came in, so a few bytes of a partial line never
  // keep a whole 64 KiB read buffer alive.
  #partial: Buffer[] = [];
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

  /** The bytes of the line received so far without its end (the seed client's hello has no LF). */
  pendingBytes(): Buffer {
    return Buffer.concat(this.#partial, this.#partialBytes);
  }

  discardPending(): void {
    this.#partial = [];
    this.#partialBytes = 0;
  }

  #keep(piece: Buffer, sink: LineSink): void {
    if (this.#discardingToLineEnd) return;
    this.#partial.push(Buffer.from(piece));
    this.#partialBytes += piece.length;
    // +1: the last byte may still turn out to be the CR of a CRLF, which does not count.
    if (this.#partialBytes > this.maxLineBytes + 1) {
      this.discardPending();
      this.#discardingToLineEnd = true;
      sink.overflow();
    }
  }

  #finish(tail: Buffer, sink: LineSink): void {
    if (this.#discardingToLineEnd) {
      this.#discardingToLineEnd = false;
      return;
    }
    let line = tail;
    if (this.#partialBytes > 0) {
      this.#partial.push(tail);
      line = Buffer.concat(this.#partial, this.#partialBytes + tail.length);
      this.discardPending();
    }
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    if (line.length > this.maxLineBytes) sink.overflow();
    else sink.line(line);
  }
}
