// An op sender whose ops are counted against a FlowWindow until the far side acknowledges them
// (flow-window.ts), each by its weight. Counting is a weighing and an addition per op: no timer, no
// extra post. Control ops (acks, overload signals) go through sendUncounted, so they never need
// acknowledging themselves.
import type { FlowWindow } from './flow-window.ts';
import type { OpSender } from './op-sender.ts';

export class CreditedPort<Op> implements OpSender<Op> {
  readonly window: FlowWindow;
  readonly #sender: OpSender<Op>;
  readonly #weigh: (op: Op) => number;

  constructor(sender: OpSender<Op>, window: FlowWindow, weigh: (op: Op) => number) {
    this.#sender = sender;
    this.window = window;
    this.#weigh = weigh;
  }

  send(op: Op): void {
    this.#sender.send(op);
    this.window.sent(this.#weigh(op));
  }

  sendUncounted(op: Op): void {
    this.#sender.send(op);
  }
}
