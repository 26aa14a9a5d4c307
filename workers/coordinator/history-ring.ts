// The last `capacity` lines of a room. A fixed array used as a ring, so a busy room costs the same
// memory forever and pushing never allocates:
//
//   lines: [ l4 | l5 | l2 | l3 ]      capacity 4, count 4
//                   ^ next: the oldest line, overwritten by the next push
export class HistoryRing {
  readonly #lines: string[];
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#lines = new Array<string>(capacity);
  }

  push(line: string): void {
    if (this.#lines.length === 0) return;
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.#lines.length;
    this.#count = Math.min(this.#count + 1, this.#lines.length);
  }

  /** The newest `wanted` lines (fewer if there are fewer), oldest first. */
  last(wanted: number): string[] {
    const take = Math.min(Math.max(wanted, 0), this.#count);
    const result = new Array<string>(take);
    const capacity = this.#lines.length;
    for (let i = 0; i < take; i++) result[i] = this.#lines[(this.#next - take + i + capacity) % capacity]!;
    return result;
  }
}
