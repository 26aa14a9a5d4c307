// Waiting for a condition that only an arrival (a line, a frame) can make true: checked on each arrival
// rather than polled, failing at once when the connection closes and after a timeout otherwise.

export class ArrivalWaiters {
  readonly #checks = new Set<() => void>();

  /**
   * Resolves when `condition()` holds; rejects with `closedError()` once `closed()` is true, or with
   * `timeoutError()` after timeoutMs.
   */
  until(
    condition: () => boolean,
    timeoutMs: number,
    failure: { closed: () => boolean; closedError: () => Error; timeoutError: () => Error },
  ): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.#checks.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = () => {
        if (condition()) finish();
        else if (failure.closed()) finish(failure.closedError());
      };
      const timer = setTimeout(() => finish(failure.timeoutError()), timeoutMs);
      this.#checks.add(check);
    });
  }

  /** Something arrived (or the connection closed): every waiter checks its condition again. */
  wake(): void {
    for (const check of [...this.#checks]) check();
  }
}
