// Whether a client with unsent output keeps up, judged once per BacklogWatch tick from two numbers the
// socket gives: its unsent backlog and how many bytes the kernel has taken in all. Ticks are its clock,
// so the rule is tested without sockets or wall time (test/write-progress.test.ts).
//
//   - Over maxOutputBytes, and the kernel took nothing for a whole tick: a slow consumer.
//   - Over maxOutputBytes at every tick for overBoundTicks, though it takes some: a slow consumer too. It
//     reads, but slower than its rooms talk, so its backlog would grow for as long as it stays.
//   - Over hardLimitFactor × maxOutputBytes at any tick: a slow consumer at once, so that what a client
//     can hold is bounded whatever it reads.
//   - The kernel took nothing for stallTicks whole ticks, whatever the backlog: a write stall.
// The first tick after the output fell behind only sets the baseline (but for the hard limit), so a burst
// queued just before a tick is never judged before the client had a whole tick to take some of it.

/** A backlog this many times the bound is dropped at the next tick, progress or not. */
export const hardLimitFactor = 4;

/** Why a client that does not keep up is dropped: backlog over the bound, or no progress for writeStallMs. */
export type FallenBehind = 'slow-consumer' | 'write-stall';

export class WriteProgress {
  readonly #maxOutputBytes: number;
  readonly #stallTicks: number;
  readonly #overBoundTicks: number;
  #takenAtTick = 0;
  /** Consecutive ticks that found the backlog over maxOutputBytes. */
  #ticksOverBound = 0;
  /** Whole ticks in which the kernel took nothing; -1 until the first tick sets the baseline. */
  #idleTicks = -1;

  constructor(maxOutputBytes: number, stallTicks: number, overBoundTicks: number) {
    this.#maxOutputBytes = maxOutputBytes;
    this.#stallTicks = stallTicks;
    this.#overBoundTicks = overBoundTicks;
  }

  /** The output has just fallen behind (it had nothing unsent before): the next tick sets the baseline. */
  restart(): void {
    this.#idleTicks = -1;
    this.#ticksOverBound = 0;
  }

  /** One tick: `backlog` bytes unsent, `taken` bytes taken by the kernel since the output began. */
  tick(backlog: number, taken: number): FallenBehind | undefined {
    if (backlog > hardLimitFactor * this.#maxOutputBytes) return 'slow-consumer';
    this.#ticksOverBound = backlog > this.#maxOutputBytes ? this.#ticksOverBound + 1 : 0;
    if (this.#ticksOverBound > this.#overBoundTicks) return 'slow-consumer';
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
