// What sends ops to another thread, batched per turn: a BatchedPort (structured-cloned arrays on a
// MessagePort) or a RingSender (a shared-memory ring). Code that only sends ops needs no more than this.
export interface OpSender<Op> {
  send(op: Op): void;
}
