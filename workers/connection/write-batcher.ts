// Output to a socket is written once per event-loop turn, not once per message: outputs that received
// bytes during the turn are remembered here and flushed together in the thread's 'outputs' phase
// (end-of-turn.ts), after every coordinator batch and socket read of the turn has been handled and the
// open run of room lines handed out ('room-lines' phase), before the turn's posts.
import { type EndOfTurn, endOfTurn } from '../../src/end-of-turn.ts';

export interface Flushable {
  flush(): void;
}

// With a write delay (--write-delay-ms) the first output queued starts one timer for the whole worker,
// and everything queued until it fires goes out in that timer's turn, still in the 'outputs' phase.
export class WriteBatcher {
  readonly #endOfTurn: EndOfTurn;
  readonly #delayMs: number;
  #dirty: Flushable[] = [];

  constructor(turn: EndOfTurn = endOfTurn, delayMs = 0) {
    this.#endOfTurn = turn;
    this.#delayMs = delayMs;
  }

  markDirty(output: Flushable): void {
    if (this.#dirty.length === 0) {
      if (this.#delayMs === 0) this.#endOfTurn.add('outputs', this.#flush);
      else setTimeout(this.#flushAfterDelay, this.#delayMs);
    }
    this.#dirty.push(output);
  }

  readonly #flushAfterDelay = (): void => {
    this.#endOfTurn.add('outputs', this.#flush);
  };

  readonly #flush = (): void => {
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const output of dirty) output.flush();
  };
}
