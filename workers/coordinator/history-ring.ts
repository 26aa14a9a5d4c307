// The last entries of a room, at most `capacity` of them and at most `maxBytes` bytes in all, so a room's
// history costs bounded memory however long its lines are. A fixed array used as a ring:
//
//   entries: [ e4 | e5 | e2 | e3 ]      capacity 4, count 4
//                     ^ next: the oldest entry, overwritten by the next push
//
// A push that would pass maxBytes first drops the oldest entries until it fits. The caller says what an
// entry weighs (its UTF-8 bytes), so the bound is in bytes actually held, not in UTF-16 characters.
export class HistoryRing<Entry> {
  readonly #entries: ({ entry: Entry; bytes: number } | undefined)[];
  readonly #maxBytes: number;
  #next = 0;
  #count = 0;
  #bytes = 0;

  constructor(capacity: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#entries = new Array(capacity);
    this.#maxBytes = maxBytes;
  }

  push(entry: Entry, bytes: number): void {
    const capacity = this.#entries.length;
    if (capacity === 0 || bytes > this.#maxBytes) return;
    while (this.#count > 0 && (this.#count === capacity || this.#bytes + bytes > this.#maxBytes)) this.#dropOldest();
    this.#entries[this.#next] = { entry, bytes };
    this.#next = (this.#next + 1) % capacity;
    this.#count++;
    this.#bytes += bytes;
  }

  /** The newest `wanted` entries (fewer if there are fewer), oldest first. */
  last(wanted: number): Entry[] {
    const take = Math.min(Math.max(wanted, 0), this.#count);
    const result = new Array<Entry>(take);
    const capacity = this.#entries.length;
    for (let i = 0; i < take; i++) result[i] = this.#entries[(this.#next - take + i + capacity) % capacity]!.entry;
    return result;
  }

  #dropOldest(): void {
    const capacity = this.#entries.length;
    const oldest = (this.#next - this.#count + capacity) % capacity;
    this.#bytes -= this.#entries[oldest]!.bytes;
    this.#entries[oldest] = undefined;
    this.#count--;
  }
}
