/**
 * Every message that crosses between the load tool's main thread and its client shards (piscina tasks),
 * declared once. The task is the shard's input; `ShardEvent`s flow shard → main on the task's control
 * port, `ControlMessage`s main → shard; `ShardResult` is the task's return value.
 */
import type { MessagePort } from 'node:worker_threads';

export type ProtocolName = 'roomcast' | 'seed' | 'nats' | 'redis' | 'irc' | 'ws';

/** A server address and the protocol spoken there (`irc://`, `ws://…/path`, or host:port with --protocol). */
export interface Target {
  host: string;
  port: number;
  protocol: ProtocolName;
  /** The WebSocket's path (ws targets). */
  path?: string;
}

/** One simulated client; `publisher` is its publisher id or -1 when it only receives. */
export interface ClientSpec {
  id: number;
  room: number;
  target: number;
  publisher: number;
}

export interface ShardTask {
  shard: number;
  protocol: ProtocolName;
  targets: Target[];
  clients: ClientSpec[];
  /** Room names as the protocol sees them (roomcast room, NATS subject, Redis channel). */
  roomNames: string[];
  nickPrefix: string;
  /** Indexed by publisher id: its room, and its index among that room's publishers. */
  publisherRoom: number[];
  publisherLocalIndex: number[];
  roomPublisherCount: number[];
  size: number;
  /** Publishers in the whole run: publisher i's sends are offset by i/publishers of its interval. */
  publishers: number;
  /** How a publisher's send times are spread at a fixed rate (see arrivals.ts). */
  arrivals: ArrivalKind;
  window: number;
  connectsPerSecond: number;
  readyTimeoutMs: number;
  drainMaxMs: number;
  drainQuietMs: number;
  /** process.hrtime.bigint() of the main thread at start: the origin of every *Ns field. */
  epochNs: bigint;
  control: MessagePort;
}

export type ArrivalKind = 'staggered' | 'poisson';

/**
 * One offered rate: published from startNs to endNs, measured from measureStartNs (after its warmup).
 * Stages follow each other; ratePerPublisher 0 is window mode (as fast as the window allows).
 */
export interface StageWindow {
  ratePerPublisher: number;
  startNs: number;
  measureStartNs: number;
  endNs: number;
}

export type ControlMessage = { type: 'start'; publishStartNs: number; stages: StageWindow[] } | { type: 'abort' };

export interface ShardProgress {
  connected: number;
  ready: number;
  failed: number;
  sent: number;
  delivered: number;
}

export type ShardEvent = { type: 'progress' | 'ready' } & ShardProgress;

/** One stage's measured window in one shard: sends by scheduled time, deliveries by arrival time. */
export interface StageResult {
  sent: number;
  deliveries: number;
  latencyHistogram: string;
}

/**
 * Per second since publishing started (index 0 = the first second), through warmup, stages and drain:
 * published by scheduled send time, deliveries and latency by arrival time. A second with no delivery
 * has an empty latency string.
 */
export interface SeriesResult {
  published: number[];
  deliveries: number[];
  latencyHistograms: string[];
}

export interface ReceiverResult {
  room: number;
  /** Still connected when the run ended (a disconnected member's shortfall is not counted as loss). */
  connected: boolean;
  /** First deliveries per room-local publisher index. */
  unique: number[];
  duplicates: number;
  reordered: number;
  checkpoints: number[];
}

export interface ShardResult {
  shard: number;
  clients: number;
  connected: number;
  ready: number;
  connectErrors: number;
  handshakeFailures: number;
  disconnects: number;
  protocolErrors: number;
  /** Error lines that say the server throttled a sender (roomcast FLOODING / FLOOD_DISCONNECT, on any door). */
  floodErrors: number;
  /** The first connect error's code (ECONNREFUSED…), or null. */
  connectErrorSample: string | null;
  errorSamples: string[];
  garbled: number;
  overlongLines: number;
  misrouted: number;
  foreign: number;
  untrackedGaps: number;
  windowStalls: number;
  /** Indexed by publisher id; only this shard's publishers are non-zero. */
  sentPerPublisher: number[];
  sentInWindow: number;
  deliveriesInWindow: number;
  deliveriesTotal: number;
  receivers: ReceiverResult[];
  /** hdr-histogram-js encodeIntoCompressedBase64, values in µs; the latency one covers every stage's window. */
  latencyHistogram: string;
  stages: StageResult[];
  series: SeriesResult;
  connectHistogram: string;
  readyHistogram: string;
  eventLoopUtilization: number;
  threadCpuSeconds: number;
}
