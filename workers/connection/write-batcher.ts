// Output to a socket is written once per event-loop turn, not once per message: outputs that received
// bytes during the turn are remembered here and flushed together from setImmediate, after every
// coordinator batch and socket read of the turn has been handled.
export interface Flushable {
  flush(): void;
}

export class WriteBatcher {
  #dirty: Flushable[] = [];
  #flushScheduled = false;

  markDirty(output: Flushable): void {
    this.#dirty.push(output);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const output of dirty) output.flush();
  };
}
