// Which live connection is on which worker and came from which address (its addressKey, so an IPv6 /64
// is one address): the acceptor's view for picking the least-loaded worker and for enforcing the
// server-wide and per-address connection caps.
export class ConnectionLedger {
  readonly #connections = new Map<number, { workerId: number; address: string }>();
  readonly #perAddress = new Map<string, number>();
  readonly #perWorker = new Map<number, number>();

  get size(): number {
    return this.#connections.size;
  }

  countOnWorker(workerId: number): number {
    return this.#perWorker.get(workerId) ?? 0;
  }

  countFrom(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  add(connectionId: number, workerId: number, address: string): void {
    this.#connections.set(connectionId, { workerId, address });
    bump(this.#perAddress, address, 1);
    bump(this.#perWorker, workerId, 1);
  }

  remove(connectionId: number): void {
    const connection = this.#connections.get(connectionId);
    if (connection === undefined) return;
    this.#connections.delete(connectionId);
    bump(this.#perAddress, connection.address, -1);
    bump(this.#perWorker, connection.workerId, -1);
  }

  /** A worker died: every connection it owned died with it. */
  removeWorker(workerId: number): void {
    for (const [connectionId, connection] of this.#connections) {
      if (connection.workerId === workerId) this.remove(connectionId);
    }
  }
}

function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
