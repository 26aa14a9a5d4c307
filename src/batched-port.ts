// Posting one message per op costs a structured clone and a cross-thread wake-up each time
// (ARCHITECTURE.md measured ~0.22 M/s that way against ~4.6 M/s batched). So ops for one destination
// are collected during an event-loop turn and posted as one array from setImmediate, which runs after
// the turn's I/O callbacks: everything read from every socket in this turn leaves in one message.
import type { MessagePort } from 'node:worker_threads';

export class BatchedPort<Op> {
  readonly #port: MessagePort;
  #pending: Op[] = [];
  #flushScheduled = false;

  constructor(port: MessagePort) {
    this.#port = port;
  }

  send(op: Op): void {
    this.#pending.push(op);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    this.#port.postMessage(batch);
  };
}
