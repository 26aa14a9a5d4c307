// The two ends of a one-way channel between threads over an SpscRing (spsc-ring.ts), with the interface
// of BatchedPort: send() during a turn, and what a turn sent becomes visible to the reader at once at
// the end of it (the 'posts' phase of end-of-turn.ts), as one batch, with no message and, when the
// reader is busy, no wake-up.
//
// Order. Every op of a channel takes its place in the ring, in the order sent. An op the codec does not
// encode (a rare one) or one too big for a record crosses the channel's MessagePort instead, structured
// cloned, and leaves an empty record in its place; the reader, meeting an empty record, takes the port's
// next message synchronously (receiveMessageOnPort). The port's messages are in the order of the empty
// records, and each is posted before its record is published, so it is always there: a join can neither
// overtake nor lag the says around it.
//
// Bounds. A full ring does not block the writer: what does not fit is held, in order, and written when
// the reader has made room (the writer sleeps on the ring until then). Each channel is counted by the
// caller's FlowWindow (credited-port.ts), so what is held is bounded by the window, as the port's queue
// was before.
//
// Liveness. A pending Atomics.waitAsync does not keep a thread alive, so a reader refs its port until
// closed, as a port with a 'message' listener would (the port is never started, so its messages wait for
// receiveMessageOnPort), and a writer holding ops keeps a timer until they are written. (The writer
// leaves the port's ref alone: the port may be the reader's of the other direction.)
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { type EndOfTurn, endOfTurn } from './end-of-turn.ts';
import type { SpscRing } from './spsc-ring.ts';

export interface RingCodec<Op> {
  /** At most how many bytes `op` encodes to, or -1 for an op that crosses by the port. */
  maxBytes(op: Op): number;
  /** Writes `op` at byte `at` of the ring's records (8-aligned, with maxBytes(op) room); returns the bytes written, at least 1. */
  encode(op: Op, ring: SpscRing, at: number): number;
  decode(ring: SpscRing, at: number, length: number): Op;
}

export class RingSender<Op> {
  readonly #ring: SpscRing;
  readonly #port: MessagePort;
  readonly #codec: RingCodec<Op>;
  readonly #endOfTurn: EndOfTurn;
  /** Ops that found the ring full, oldest first: every later op waits behind them. */
  #held: Op[] = [];
  #publishScheduled = false;
  /** Set while ops are held: keeps the thread alive until they are written. */
  #keepAlive: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(ring: SpscRing, port: MessagePort, codec: RingCodec<Op>, turn: EndOfTurn = endOfTurn) {
    this.#ring = ring;
    this.#port = port;
    this.#codec = codec;
    this.#endOfTurn = turn;
  }

  /** Ops held because the ring was full. */
  get held(): number {
    return this.#held.length;
  }

  send(op: Op): void {
    if (this.#closed) return;
    if (this.#held.length > 0 || !this.#write(op)) this.#held.push(op);
    if (this.#publishScheduled) return;
    this.#publishScheduled = true;
    this.#endOfTurn.add('posts', this.#publish);
  }

  /** Publishes now what was sent so far, ending the batch before the turn does (the end of turn still publishes what follows). */
  flush(): void {
    this.#ring.publish();
  }

  /** Drops what is held and stops waiting: the reader is gone. */
  close(): void {
    this.#closed = true;
    this.#held = [];
    clearInterval(this.#keepAlive);
    this.#ring.wakeAll();
  }

  #write(op: Op): boolean {
    const ring = this.#ring;
    const maxBytes = this.#codec.maxBytes(op);
    if (maxBytes < 0 || maxBytes > ring.largestPayload) {
      if (ring.reserve(0) < 0) return false;
      this.#port.postMessage(op);
      ring.commit(0);
      return true;
    }
    const at = ring.reserve(maxBytes);
    if (at < 0) return false;
    ring.commit(this.#codec.encode(op, ring, at));
    return true;
  }

  readonly #publish = (): void => {
    this.#publishScheduled = false;
    this.#ring.publish();
    if (this.#held.length > 0) this.#waitForRoom();
  };

  #waitForRoom(): void {
    if (this.#keepAlive !== undefined) return;
    this.#keepAlive = setInterval(() => {}, 2 ** 31 - 1);
    void this.#ring.waitForRoom().then(this.#writeHeld);
  }

  readonly #writeHeld = (): void => {
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    if (this.#closed) return;
    const held = this.#held;
    let written = 0;
    while (written < held.length && this.#write(held[written]!)) written++;
    held.splice(0, written);
    this.#ring.publish();
    if (held.length > 0) this.#waitForRoom();
  };
}

export class RingReceiver<Op> {
  readonly #ring: SpscRing;
  readonly #port: MessagePort;
  readonly #codec: RingCodec<Op>;
  readonly #onBatch: (ops: Op[]) => void;
  #closed = false;

  /**
   * `onBatch` gets what each read found, in order. The first read comes once the code that made the
   * receiver has run (a microtask later), so its owner can finish wiring what onBatch uses.
   */
  constructor(ring: SpscRing, port: MessagePort, codec: RingCodec<Op>, onBatch: (ops: Op[]) => void) {
    this.#ring = ring;
    this.#port = port;
    this.#codec = codec;
    this.#onBatch = onBatch;
    this.#port.ref();
    queueMicrotask(this.#read);
  }

  close(): void {
    this.#closed = true;
    this.#ring.wakeAll();
  }

  // After a read that found records the reader looks again on its next turn rather than sleeping: a
  // writer that keeps it busy then never has to wake it. Only a read that finds nothing sleeps.
  readonly #read = (): void => {
    if (this.#closed) return;
    const batch: Op[] = [];
    this.#ring.read((at, length) => {
      batch.push(length === 0 ? (receiveMessageOnPort(this.#port)!.message as Op) : this.#codec.decode(this.#ring, at, length));
    });
    if (batch.length === 0) {
      void this.#ring.waitForRecords().then(this.#read);
      return;
    }
    setImmediate(this.#read);
    this.#onBatch(batch);
  };
}
