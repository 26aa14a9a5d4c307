/**
 * One receiver's view of one room: per-sender order, loss, duplicates, and a fingerprint of the order in
 * which it saw the room's messages, to compare with the other members.
 *
 * The hot path is `seq === next[pub]`. A gap (seq jumps ahead) records the skipped seqs in a set so a
 * late arrival can be told from a duplicate; that set exists only after something went wrong, and holds
 * at most `maxTrackedGap` seqs per sender (beyond it, late arrivals are counted as duplicates and
 * `untrackedGaps` says how many seqs were not tracked).
 *
 * Order fingerprint: a rolling FNV-style hash over the (publisher, seq) of every first delivery, saved
 * every `checkpointEvery` deliveries. Two members saw the same order up to message k·checkpointEvery iff
 * (up to hash collisions) their k-th checkpoints are equal, so members that saw different numbers of
 * messages are compared on their common prefix.
 */
export const maxTrackedGap = 100_000;

export class DeliveryTracker {
  /** First deliveries per publisher (room-local publisher index). */
  readonly unique: Float64Array;
  readonly checkpoints: number[] = [];
  duplicates = 0;
  reordered = 0;
  untrackedGaps = 0;
  total = 0;
  readonly #next: Float64Array;
  readonly #missing: Array<Set<number> | undefined>;
  readonly #checkpointEvery: number;
  #hash = 0x811c9dc5;

  constructor(publishers: number, checkpointEvery: number) {
    this.unique = new Float64Array(publishers);
    this.#next = new Float64Array(publishers);
    this.#missing = new Array<Set<number> | undefined>(publishers);
    this.#checkpointEvery = checkpointEvery;
  }

  accept(pub: number, seq: number): void {
    const next = this.#next[pub];
    if (seq === next) {
      this.#next[pub] = seq + 1;
      this.#record(pub, seq);
    } else if (seq > next) {
      this.#openGap(pub, next, seq);
      this.#next[pub] = seq + 1;
      this.#record(pub, seq);
    } else if (this.#missing[pub]?.delete(seq) === true) {
      this.reordered++;
      this.#record(pub, seq);
    } else {
      this.duplicates++;
    }
  }

  #openGap(pub: number, from: number, to: number): void {
    let gaps = this.#missing[pub];
    if (gaps === undefined) {
      gaps = new Set<number>();
      this.#missing[pub] = gaps;
    }
    for (let s = from; s < to; s++) {
      if (gaps.size >= maxTrackedGap) {
        this.untrackedGaps += to - s;
        return;
      }
      gaps.add(s);
    }
  }

  #record(pub: number, seq: number): void {
    this.unique[pub]++;
    this.total++;
    this.#hash = Math.imul(this.#hash ^ Math.imul(pub + 1, 0x9e3779b1) ^ seq, 0x01000193);
    if (this.total % this.#checkpointEvery === 0) this.checkpoints.push(this.#hash >>> 0);
  }
}
