// Output to a socket is written once per event-loop turn, not once per message: outputs that received
// bytes during the turn are remembered here and flushed together in the thread's 'outputs' phase
// (end-of-turn.ts), after every coordinator batch and socket read of the turn has been handled and the
// open run of room lines handed out ('room-lines' phase), before the turn's posts.
import { type EndOfTurn, endOfTurn } from '../../src/end-of-turn.ts';

export interface Flushable {
  flush(): void;
}

export class WriteBatcher {
  readonly #endOfTurn: EndOfTurn;
  #dirty: Flushable[] = [];

  constructor(turn: EndOfTurn = endOfTurn) {
    this.#endOfTurn = turn;
  }

  markDirty(output: Flushable): void {
    if (this.#dirty.length === 0) this.#endOfTurn.add('outputs', this.#flush);
    this.#dirty.push(output);
  }

  readonly #flush = (): void => {
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const output of dirty) output.flush();
  };
}
