// Posting one message per op costs a structured clone and a cross-thread wake-up each time
// (ARCHITECTURE.md measured ~0.22 M/s that way against ~4.6 M/s batched). So ops for one destination
// are collected during an event-loop turn and posted as one array at the end of the turn, in the
// thread's 'posts' phase (end-of-turn.ts), after the turn's I/O callbacks, room lines and socket writes.
// A worker's notes to the acceptor go this way; its hot ops to the coordinator cross on a shared-memory
// ring with the same per-turn batching (ring-port.ts).
import type { MessagePort } from 'node:worker_threads';
import { type EndOfTurn, endOfTurn } from './end-of-turn.ts';

export class BatchedPort<Op> {
  readonly #port: MessagePort;
  readonly #endOfTurn: EndOfTurn;
  #pending: Op[] = [];

  constructor(port: MessagePort, turn: EndOfTurn = endOfTurn) {
    this.#port = port;
    this.#endOfTurn = turn;
  }

  send(op: Op): void {
    // The first op of the turn registers the post; the post empties #pending.
    if (this.#pending.length === 0) this.#endOfTurn.add('posts', this.#flush);
    this.#pending.push(op);
  }

  readonly #flush = (): void => {
    const batch = this.#pending;
    this.#pending = [];
    this.#port.postMessage(batch);
  };
}
