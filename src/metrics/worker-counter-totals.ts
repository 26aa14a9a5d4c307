// Whole-server sums of connection-worker counters that never go backwards. A replacement worker starts
// its counters at 0 and a dead worker drops out of ServerStats, so a plain sum over the live workers
// would fall at every restart (Prometheus takes a fall for a counter reset and rate() would report a
// spike). Each worker's last-seen counts are kept; once a worker is missing from a snapshot (it died:
// stats list every live worker) its last counts move into the retired totals.
//
// What a worker counted after it was last seen and before it died is lost with its thread: the totals
// can undercount by that, never overcount. Worker ids are never reused, so a replacement is never taken
// for the worker it replaces.

export type WorkerCounts<Key extends string> = { readonly workerId: number } & Readonly<Record<Key, number>>;

export class WorkerCounterTotals<Key extends string> {
  readonly #keys: readonly Key[];
  readonly #retired: Record<Key, number>;
  readonly #lastSeen = new Map<number, WorkerCounts<Key>>();

  constructor(keys: readonly Key[]) {
    this.#keys = keys;
    this.#retired = Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;
  }

  /** Takes the workers of one snapshot (snapshots in the order they were taken) and returns the totals. */
  update(workers: readonly WorkerCounts<Key>[]): Record<Key, number> {
    const live = new Set(workers.map((worker) => worker.workerId));
    for (const [workerId, counts] of this.#lastSeen) {
      if (live.has(workerId)) continue;
      for (const key of this.#keys) this.#retired[key] += counts[key];
      this.#lastSeen.delete(workerId);
    }
    const totals = { ...this.#retired };
    for (const worker of workers) {
      this.#lastSeen.set(worker.workerId, worker);
      for (const key of this.#keys) totals[key] += worker[key];
    }
    return totals;
  }
}
