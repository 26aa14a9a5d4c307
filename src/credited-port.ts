// A BatchedPort whose ops are counted against a FlowWindow until the far side acknowledges them
// (flow-window.ts), each by its weight. Counting is a weighing and an addition per op: no timer, no
// extra post. Control ops (acks, overload signals) go through sendUncounted, so they never need
// acknowledging themselves.
import type { MessagePort } from 'node:worker_threads';
import { BatchedPort } from './batched-port.ts';
import type { FlowWindow } from './flow-window.ts';

export class CreditedPort<Op> extends BatchedPort<Op> {
  readonly window: FlowWindow;
  readonly #weigh: (op: Op) => number;

  constructor(port: MessagePort, window: FlowWindow, weigh: (op: Op) => number) {
    super(port);
    this.window = window;
    this.#weigh = weigh;
  }

  override send(op: Op): void {
    super.send(op);
    this.window.sent(this.#weigh(op));
  }

  sendUncounted(op: Op): void {
    super.send(op);
  }
}
