import { build, type Histogram } from 'hdr-histogram-js';
import { monoClock } from './mono-clock.ts';
import type { DecodedPayload } from './payload-codec.ts';
import type { ShardTask } from './types.ts';

export function microsecondHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

const maxErrorSamples = 5;

/** What every simulated client of one shard shares: the run's clock and window, and the counters. */
export class ShardState {
  readonly task: ShardTask;
  readonly now: () => number;
  readonly latency = microsecondHistogram();
  readonly connectTime = microsecondHistogram();
  readonly readyTime = microsecondHistogram();
  /** Scratch for decodePayload: one object for the shard, not one per message. */
  readonly decoded: DecodedPayload = { publisher: 0, seq: 0, sentNs: 0 };
  /** Arrival time of the chunk being scanned: one clock read per chunk, not per message. */
  chunkNs = 0;
  lastDataNs = 0;
  /** Until the main thread says start, nothing is inside the measured window. */
  measureStartNs = Number.POSITIVE_INFINITY;
  measureEndNs = Number.POSITIVE_INFINITY;
  closing = false;
  #runUs = -1;
  #runCount = 0;
  /** Window mode: called when a publisher's own message comes back (its window has room again). */
  afterAck: (() => void) | null = null;

  connected = 0;
  ready = 0;
  failed = 0;
  connectErrors = 0;
  handshakeFailures = 0;
  disconnects = 0;
  protocolErrors = 0;
  garbled = 0;
  misrouted = 0;
  foreign = 0;
  windowStalls = 0;
  sent = 0;
  sentInWindow = 0;
  deliveriesInWindow = 0;
  deliveriesTotal = 0;
  readonly sentPerPublisher: number[];
  /** The first few error lines the server sent, verbatim, to say why a run went wrong. */
  readonly errorSamples: string[] = [];

  constructor(task: ShardTask) {
    this.task = task;
    this.now = monoClock(task.epochNs);
    this.sentPerPublisher = new Array<number>(task.publisherRoom.length).fill(0);
  }

  /**
   * Run-length front end to the latency histogram: hdr's recordValue costs a log2 and a pow, and in
   * window mode a whole batch shares one send stamp and usually one arrival chunk, so equal latencies
   * come in runs. Call flushLatency() before reading the histogram.
   */
  recordLatency(us: number): void {
    if (us === this.#runUs) {
      this.#runCount++;
      return;
    }
    this.flushLatency();
    this.#runUs = us;
    this.#runCount = 1;
  }

  flushLatency(): void {
    if (this.#runCount > 0) this.latency.recordValueWithCount(this.#runUs, this.#runCount);
    this.#runCount = 0;
  }

  noteError(buf: Buffer, start: number, end: number): void {
    this.protocolErrors++;
    if (this.errorSamples.length < maxErrorSamples) this.errorSamples.push(buf.toString('latin1', start, Math.min(end, start + 200)));
  }

  inWindow(ns: number): boolean {
    return ns >= this.measureStartNs && ns < this.measureEndNs;
  }
}
