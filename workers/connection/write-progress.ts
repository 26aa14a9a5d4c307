// Whether a client with unsent output keeps up, judged once per BacklogWatch tick from two numbers the
// socket gives: its unsent backlog and how many bytes the kernel has taken in all. Ticks are its clock,
// so the rule is tested without sockets or wall time (test/write-progress.test.ts).
//
//   - Over maxOutputBytes, and the kernel took nothing for a whole tick: a slow consumer.
//   - The kernel took nothing for stallTicks whole ticks, whatever the backlog: a write stall.
// The first tick after the output fell behind only sets the baseline, so a burst queued just before a
// tick is never judged before the client had a whole tick to take some of it.

/** Why a client that does not keep up is dropped: backlog over the bound, or no progress for writeStallMs. */
export type FallenBehind = 'slow-consumer' | 'write-stall';

export class WriteProgress {
  readonly #maxOutputBytes: number;
  readonly #stallTicks: number;
  #takenAtTick = 0;
  /** Whole ticks in which the kernel took nothing; -1 until the first tick sets the baseline. */
  #idleTicks = -1;

  constructor(maxOutputBytes: number, stallTicks: number) {
    this.#maxOutputBytes = maxOutputBytes;
    this.#stallTicks = stallTicks;
  }

  /** The output has just fallen behind (it had nothing unsent before): the next tick sets the baseline. */
  restart(): void {
    this.#idleTicks = -1;
  }

  /** One tick: `backlog` bytes unsent, `taken` bytes taken by the kernel since the output began. */
  tick(backlog: number, taken: number): FallenBehind | undefined {
    if (this.#idleTicks === -1 || taken > this.#takenAtTick) {
      this.#takenAtTick = taken;
      this.#idleTicks = 0;
      return undefined;
    }
    this.#idleTicks++;
    if (backlog > this.#maxOutputBytes) return 'slow-consumer';
    return this.#idleTicks >= this.#stallTicks ? 'write-stall' : undefined;
  }
}
