// Per-connection flood control: a message-rate bucket and a byte-rate bucket. A line over either rate
// is dropped and the client warned (at most once per warning interval); a client that keeps flooding
// after `maxDroppedLines` drops within one warning interval is disconnected.
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
}
