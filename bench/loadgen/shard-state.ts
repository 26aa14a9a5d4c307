import { build, type Histogram } from 'hdr-histogram-js';
import { monoClock } from './mono-clock.ts';
import type { DecodedPayload } from './payload-codec.ts';
import type { ShardTask, StageWindow } from './types.ts';

export function microsecondHistogram(significantDigits: 2 | 3 = 3): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: significantDigits });
}

/** A per-second histogram: p50/p99 within 1% is plenty there, and it is ten times smaller. */
const seriesDigits = 2;

const maxErrorSamples = 5;

/** What every simulated client of one shard shares: the run's clock and window, and the counters. */
export class ShardState {
  readonly task: ShardTask;
  readonly now: () => number;
  readonly connectTime = microsecondHistogram();
  readonly readyTime = microsecondHistogram();
  /** Scratch for decodePayload: one object for the shard, not one per message. */
  readonly decoded: DecodedPayload = { publisher: 0, seq: 0, sentNs: 0 };
  /** Arrival time of the chunk being scanned: one clock read per chunk, not per message. */
  chunkNs = 0;
  /** The chunk's stage (index into stages, -1 outside every measured window) and second of the series. */
  chunkStage = -1;
  chunkSecond = -1;
  lastDataNs = 0;
  /** Until the main thread says start, nothing is inside a measured window. */
  publishStartNs = Number.POSITIVE_INFINITY;
  stages: StageWindow[] = [];
  stageLatency: Histogram[] = [];
  stageSent: number[] = [];
  stageDeliveries: number[] = [];
  readonly seriesPublished: number[] = [];
  readonly seriesDeliveries: number[] = [];
  readonly seriesLatency: Histogram[] = [];
  closing = false;
  #runUs = -1;
  #runCount = 0;
  #runStage = -1;
  #runSecond = -1;
  /** Window mode: called when a publisher's own message comes back (its window has room again). */
  afterAck: (() => void) | null = null;

  connected = 0;
  ready = 0;
  failed = 0;
  connectErrors = 0;
  handshakeFailures = 0;
  disconnects = 0;
  protocolErrors = 0;
  floodErrors = 0;
  connectErrorSample: string | null = null;
  garbled = 0;
  misrouted = 0;
  foreign = 0;
  windowStalls = 0;
  eventLoopUtilization = 0;
  threadCpuSeconds = 0;
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

  start(publishStartNs: number, stages: StageWindow[]): void {
    this.publishStartNs = publishStartNs;
    this.stages = stages;
    this.stageLatency = stages.map(() => microsecondHistogram());
    this.stageSent = stages.map(() => 0);
    this.stageDeliveries = stages.map(() => 0);
  }

  /** The stage whose measured window holds `ns`, or -1. */
  stageAt(ns: number): number {
    const stages = this.stages;
    for (let i = 0; i < stages.length; i++) if (ns >= stages[i].measureStartNs && ns < stages[i].endNs) return i;
    return -1;
  }

  /** The second of the series that holds `ns`, or -1 before publishing started. */
  secondAt(ns: number): number {
    return ns < this.publishStartNs ? -1 : Math.floor((ns - this.publishStartNs) / 1e9);
  }

  /** A chunk arrived: one clock read, one stage and second lookup for every line in it. */
  noteChunk(): void {
    const now = this.now();
    this.chunkNs = now;
    this.lastDataNs = now;
    this.chunkStage = this.stageAt(now);
    this.chunkSecond = this.secondAt(now);
  }

  /** One payload in the chunk being scanned, counted for its stage and its second. */
  noteDelivery(): void {
    this.deliveriesTotal++;
    if (this.chunkStage >= 0) {
      this.deliveriesInWindow++;
      this.stageDeliveries[this.chunkStage]++;
    }
    const second = this.chunkSecond;
    if (second >= 0) this.seriesDeliveries[second] = (this.seriesDeliveries[second] ?? 0) + 1;
  }

  /** `count` messages whose (scheduled) send time is `sentNs`. */
  notePublished(sentNs: number, count: number): void {
    this.sent += count;
    const stage = this.stageAt(sentNs);
    if (stage >= 0) {
      this.sentInWindow += count;
      this.stageSent[stage] += count;
    }
    const second = this.secondAt(sentNs);
    if (second >= 0) this.seriesPublished[second] = (this.seriesPublished[second] ?? 0) + count;
  }

  /**
   * Run-length front end to the latency histograms (the chunk's stage, its second): hdr's recordValue
   * costs a log2 and a pow, and in window mode a whole batch shares one send stamp and usually one arrival
   * chunk, so equal latencies come in runs. Call flushLatency() before reading the histograms.
   */
  recordLatency(us: number): void {
    if (us === this.#runUs && this.chunkStage === this.#runStage && this.chunkSecond === this.#runSecond) {
      this.#runCount++;
      return;
    }
    this.flushLatency();
    this.#runUs = us;
    this.#runStage = this.chunkStage;
    this.#runSecond = this.chunkSecond;
    this.#runCount = 1;
  }

  flushLatency(): void {
    if (this.#runCount > 0) {
      if (this.#runStage >= 0) this.stageLatency[this.#runStage].recordValueWithCount(this.#runUs, this.#runCount);
      const second = this.#runSecond;
      if (second >= 0) {
        this.seriesLatency[second] ??= microsecondHistogram(seriesDigits);
        this.seriesLatency[second].recordValueWithCount(this.#runUs, this.#runCount);
      }
    }
    this.#runCount = 0;
  }

  noteError(buf: Buffer, start: number, end: number): void {
    this.protocolErrors++;
    const text = buf.toString('latin1', start, Math.min(end, start + 200));
    // Every door names it: `!! FLOODING`, IRC's `FAIL PRIVMSG FLOODING` / `ERROR :… (flooding)`, JSON's code.
    if (text.toLowerCase().includes('flood')) this.floodErrors++;
    if (this.errorSamples.length < maxErrorSamples) this.errorSamples.push(text);
  }

  noteConnectError(error: Error): void {
    this.connectErrors++;
    this.connectErrorSample ??= (error as NodeJS.ErrnoException).code ?? error.message;
  }
}
