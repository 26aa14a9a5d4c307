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
  /** Messages/s per publisher; 0 = window mode. */
  ratePerPublisher: number;
  window: number;
  connectsPerSecond: number;
  readyTimeoutMs: number;
  drainMaxMs: number;
  drainQuietMs: number;
  /** process.hrtime.bigint() of the main thread at start: the origin of every *Ns field. */
  epochNs: bigint;
  control: MessagePort;
}

export type ControlMessage = {
  type: 'start';
  publishStartNs: number;
  measureStartNs: number;
  measureEndNs: number;
};

export interface ShardProgress {
  connected: number;
  ready: number;
  failed: number;
  sent: number;
  delivered: number;
}

export type ShardEvent = ({ type: 'progress' } & ShardProgress) | { type: 'ready'; ready: number; failed: number };

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
  /** hdr-histogram-js encodeIntoCompressedBase64, values in µs. */
  latencyHistogram: string;
  connectHistogram: string;
  readyHistogram: string;
  eventLoopUtilization: number;
  threadCpuSeconds: number;
}
