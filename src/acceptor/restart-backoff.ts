// How long to wait before restarting a connection worker that died. A worker that dies while starting
// (a bad deploy, a missing file) would otherwise be restarted in a tight loop, burning CPU and flooding
// the log: each consecutive early death doubles the delay, up to a cap. A worker that stayed up for
// `stableAfterMs` was healthy, so when it dies the delays start over from the shortest.
export class RestartBackoff {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #stableAfterMs: number;
  /** Deaths since the slot last had a worker that stayed up for stableAfterMs. */
  #consecutiveDeaths = 0;

  constructor(initialDelayMs: number, maxDelayMs: number, stableAfterMs: number) {
    this.#initialDelayMs = initialDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#stableAfterMs = stableAfterMs;
  }

  /** The delay before restarting a worker that died after being up (ready) for `upMs`; 0 if never ready. */
  nextDelayMs(upMs: number): number {
    if (upMs >= this.#stableAfterMs) this.#consecutiveDeaths = 0;
    const delayMs = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** this.#consecutiveDeaths);
    this.#consecutiveDeaths++;
    return delayMs;
  }
}
