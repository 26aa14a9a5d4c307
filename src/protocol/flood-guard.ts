// Per-connection flood control: a message-rate bucket and a byte-rate bucket. A line over either rate
// is dropped and the client warned (at most once per warning interval); a client that keeps flooding
// after `maxDroppedLines` drops within one warning interval is disconnected.
//
// Every line costs one message token and its length in bytes when it is read. What a line turns out to
// cost beyond that is charged once it is known, and may put the buckets into debt, so the client's next
// lines wait until the debt is repaid: an expensive command's extra tokens (command-cost.ts), charged
// when it is dispatched, and the bytes the server sends back in answer to it — amplification counts
// against the sender.
import { TokenBucket } from './token-bucket.ts';

export interface FloodLimits {
  /** 0 turns flood control off. */
  floodMessagesPerSecond: number;
  floodBytesPerSecond: number;
}

export type FloodVerdict = 'accept' | 'drop-and-warn' | 'drop' | 'disconnect';

const burstSeconds = 2;
const warningIntervalMs = 1000;
const maxDroppedLines = 200;

export class FloodGuard {
  readonly #messages: TokenBucket | undefined;
  readonly #bytes: TokenBucket | undefined;
  #windowStartMs = -Infinity;
  #droppedInWindow = 0;

  constructor(limits: FloodLimits, nowMs: number) {
    const { floodMessagesPerSecond: messages, floodBytesPerSecond: bytes } = limits;
    this.#messages = messages > 0 ? new TokenBucket(messages, messages * burstSeconds, nowMs) : undefined;
    this.#bytes = bytes > 0 ? new TokenBucket(bytes, bytes * burstSeconds, nowMs) : undefined;
  }

  check(lineBytes: number, nowMs: number): FloodVerdict {
    const withinMessages = this.#messages?.tryTake(1, nowMs) ?? true;
    const withinBytes = withinMessages && (this.#bytes?.tryTake(lineBytes, nowMs) ?? true);
    if (withinMessages && withinBytes) return 'accept';
    if (nowMs - this.#windowStartMs >= warningIntervalMs) {
      this.#windowStartMs = nowMs;
      this.#droppedInWindow = 1;
      return 'drop-and-warn';
    }
    return ++this.#droppedInWindow > maxDroppedLines ? 'disconnect' : 'drop';
  }

  /** Charges an accepted line's further cost: `messages` extra tokens and `bytes` sent back for it. */
  charge(messages: number, bytes: number, nowMs: number): void {
    if (messages > 0) this.#messages?.charge(messages, nowMs);
    if (bytes > 0) this.#bytes?.charge(bytes, nowMs);
  }
}
