export type LineHandler = (buf: Buffer, start: number, end: number) => void;

/**
 * Splits a byte stream into lines (LF, with an optional CR before it stripped) and hands each line to
 * `onLine` as a range of the chunk it arrived in: no string and no slice per line.
 *
 * Only a line split across two chunks is copied, into a carry buffer allocated once per connection.
 * Invariant: between pushes, carry[0, carryLength) holds the unterminated tail of the stream; a tail
 * longer than the carry buffer is dropped up to its next LF and counted in `overlongLines`.
 */
export class LineScanner {
  overlongLines = 0;
  readonly #carry: Buffer;
  readonly #onLine: LineHandler;
  #carryLength = 0;
  #overflowing = false;

  constructor(maxLineBytes: number, onLine: LineHandler) {
    this.#carry = Buffer.allocUnsafe(maxLineBytes);
    this.#onLine = onLine;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.#carryLength > 0 || this.#overflowing) {
      const lf = chunk.indexOf(10);
      if (lf === -1) {
        this.#appendCarry(chunk, 0, chunk.length);
        return;
      }
      this.#appendCarry(chunk, 0, lf);
      if (this.#overflowing) {
        this.#overflowing = false;
      } else {
        this.#emit(this.#carry, 0, this.#carryLength);
      }
      this.#carryLength = 0;
      pos = lf + 1;
    }
    let lf = chunk.indexOf(10, pos);
    while (lf !== -1) {
      this.#emit(chunk, pos, lf);
      pos = lf + 1;
      lf = chunk.indexOf(10, pos);
    }
    if (pos < chunk.length) this.#appendCarry(chunk, pos, chunk.length);
  }

  #emit(buf: Buffer, start: number, lf: number): void {
    const end = lf > start && buf[lf - 1] === 13 ? lf - 1 : lf;
    this.#onLine(buf, start, end);
  }

  #appendCarry(chunk: Buffer, start: number, end: number): void {
    if (this.#overflowing) return;
    if (this.#carryLength + end - start > this.#carry.length) {
      this.#overflowing = true;
      this.#carryLength = 0;
      this.overlongLines++;
      return;
    }
    chunk.copy(this.#carry, this.#carryLength, start, end);
    this.#carryLength += end - start;
  }
}
