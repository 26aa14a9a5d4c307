// The last lines of a room, at most `capacity` of them and at most `maxChars` characters in all, so a
// room's history costs bounded memory however long its lines are. A fixed array used as a ring:
//
//   lines: [ l4 | l5 | l2 | l3 ]      capacity 4, count 4
//                   ^ next: the oldest line, overwritten by the next push
//
// A push that would pass maxChars first drops the oldest lines until it fits.
export class HistoryRing {
  readonly #lines: (string | undefined)[];
  readonly #maxChars: number;
  #next = 0;
  #count = 0;
  #chars = 0;

  constructor(capacity: number, maxChars = Number.POSITIVE_INFINITY) {
    this.#lines = new Array<string | undefined>(capacity);
    this.#maxChars = maxChars;
  }

  push(line: string): void {
    const capacity = this.#lines.length;
    if (capacity === 0 || line.length > this.#maxChars) return;
    while (this.#count > 0 && (this.#count === capacity || this.#chars + line.length > this.#maxChars)) this.#dropOldest();
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % capacity;
    this.#count++;
    this.#chars += line.length;
  }

  /** The newest `wanted` lines (fewer if there are fewer), oldest first. */
  last(wanted: number): string[] {
    const take = Math.min(Math.max(wanted, 0), this.#count);
    const result = new Array<string>(take);
    const capacity = this.#lines.length;
    for (let i = 0; i < take; i++) result[i] = this.#lines[(this.#next - take + i + capacity) % capacity]!;
    return result;
  }

  #dropOldest(): void {
    const capacity = this.#lines.length;
    const oldest = (this.#next - this.#count + capacity) % capacity;
    this.#chars -= this.#lines[oldest]!.length;
    this.#lines[oldest] = undefined;
    this.#count--;
  }
}
