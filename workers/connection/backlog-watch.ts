// One timer per worker looks at the outputs that still had unsent bytes after a flush, so that judging
// whether a client keeps up costs nothing per write: the timer runs only while some output is behind,
// and each tick visits only those outputs. Ticks are the watched outputs' clock: a rule such as "took
// nothing for a whole tick" or "for writeStallMs" counts ticks, never reads the time.
export interface BacklogWatched {
  /** Called once per tick; false when the output has nothing unsent any more (or is closed). */
  checkBacklog(): boolean;
}

/** How often outputs with unsent bytes are looked at; a non-reader over the bound goes within two ticks. */
export const backlogTickMs = 100;

export class BacklogWatch {
  readonly #watched = new Set<BacklogWatched>();
  #timer: NodeJS.Timeout | undefined;

  add(output: BacklogWatched): void {
    this.#watched.add(output);
    this.#timer ??= setInterval(this.#tick, backlogTickMs).unref();
  }

  readonly #tick = (): void => {
    for (const output of this.#watched) if (!output.checkBacklog()) this.#watched.delete(output);
    if (this.#watched.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  };
}
