// Output to a socket is written once per event-loop turn, not once per message: outputs that received
// bytes during the turn are remembered here and flushed together from setImmediate, after every
// coordinator batch and socket read of the turn has been handled. `beforeFlush` lets the worker hand
// out what it gathered during the turn (the open run of room lines) just before the writes.
export interface Flushable {
  flush(): void;
}

export class WriteBatcher {
  readonly #beforeFlush: () => void;
  #dirty: Flushable[] = [];
  #flushScheduled = false;

  constructor(beforeFlush: () => void = () => {}) {
    this.#beforeFlush = beforeFlush;
  }

  markDirty(output: Flushable): void {
    this.#dirty.push(output);
    this.scheduleFlush();
  }

  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    this.#beforeFlush();
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const output of dirty) output.flush();
  };
}
