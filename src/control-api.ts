// The control plane: comlink RPC between the supervisor and the other threads, on a dedicated port per
// thread so it never mixes with socket handoffs or hot-path batches.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';
import type { ThreadLoad } from './thread-load.ts';
import type { Notice } from './thread-messages.ts';

/** A connection worker's backpressure: how long it stopped reading its sockets, and how far behind it got. */
export interface WorkerFlowStats {
  /** Milliseconds reading was paused (its own backlog to the coordinator, or the coordinator's overload). */
  backpressureMs: number;
  /** Times reading was paused. */
  backpressurePauses: number;
  /** Units (flow-window.ts: ops, listings by their flood cost) sent to the coordinator and not yet acknowledged, now and at most. */
  coordinatorBacklogUnits: number;
  coordinatorBacklogPeakUnits: number;
}

export interface ConnectionWorkerStats extends ThreadLoad, WorkerFlowStats {
  workerId: number;
  connections: number;
  rooms: number;
  messagesIn: number;
  deliveriesOut: number;
  bytesOut: number;
  /** socket.write calls: deliveriesOut / socketWrites is how well output is coalesced. */
  socketWrites: number;
  /** Runs of room lines handed out to local members (room-line-run.ts). */
  roomRuns: number;
  /** Encodings of those runs: one per wire protocol among a run's members, so at most roomRuns × dialects. */
  roomRunEncodings: number;
  queuedBytes: number;
  /** Dropped because unsent output stayed over maxOutputBytes after a write. */
  slowConsumersDisconnected: number;
  /** Dropped because unsent output did not move for writeStallMs. */
  writeStallDisconnects: number;
  floodDisconnects: number;
  linesDroppedForFlooding: number;
  timeoutDisconnects: number;
  kicks: number;
  internalErrors: number;
}

export interface ConnectionWorkerControl {
  stats(): ConnectionWorkerStats;
  /**
   * Graceful shutdown: stop reading input, wait until the coordinator has delivered everything every
   * worker accepted, then tell each client `notice`, flush and close.
   */
  shutdown(notice: Notice): Promise<void>;
  /** Test hook: throws an uncaught exception on the worker's thread; refused unless config.testHooks. */
  crash(): void;
  /** Test hook: keeps the worker's thread busy for `ms` on its next turn (a long turn); refused unless config.testHooks. */
  block(ms: number): void;
}

export interface ServerStats {
  coordinator: CoordinatorStats;
  /** The ready workers that answered in time. */
  workers: ConnectionWorkerStats[];
  acceptor: AcceptorStats;
}

/** The main thread's figures; its ThreadLoad is the acceptor's (and the supervisor's) event loop. */
export interface AcceptorStats extends ThreadLoad {
  liveConnections: number;
  accepted: number;
  /** Refused because no connection worker was ready (SERVER_UNAVAILABLE). */
  refusedUnavailable: number;
  refusedServerFull: number;
  /** Refused by the per-address connect rate (CONNECTING_TOO_FAST). */
  refusedTooFast: number;
  refusedPerIpLimit: number;
  /** Connection workers ready to be handed sockets (the others are starting or restarting). */
  workersReady: number;
  workerRestarts: number;
  /** Sockets handed to a worker that died before acknowledging them: their clients saw only a close. */
  failedHandoffs: number;
}

/** What a connection worker may ask of the supervisor. */
export interface SupervisorControl {
  stats(): Promise<ServerStats>;
}

/** The coordinator's side of flow control: overload (workers told to stop reading) and its backlogs. */
export interface CoordinatorFlowStats {
  /** Milliseconds some worker was too far behind, so every worker stopped reading. */
  overloadMs: number;
  /** Times overload came on. */
  overloads: number;
  /** Units (flow-window.ts: ops, plus one per KiB of answers) sent to a worker and not yet acknowledged: the largest now, and the most ever. */
  workerBacklogUnits: number;
  workerBacklogPeakUnits: number;
}

export interface CoordinatorStats extends ThreadLoad, CoordinatorFlowStats {
  /** Nicks and rooms this node holds (with --bus, its own users and the rooms they are in). */
  nicks: number;
  rooms: number;
  roomMessages: number;
  forwards: number;
  workers: number;
  /** With --bus: this node's id on it and what its room feeds met. */
  bus?: BusStats;
}

export interface BusStats {
  node: string;
  up: boolean;
  /** Publishes in flight now. */
  publishing: number;
  /** Gaps in a room's live feed read back from the bus, rooms reset because the bus lost them, and gaps it no longer held. */
  gapFills: number;
  resets: number;
  missed: number;
}

export interface CoordinatorControl {
  /** Resolves once the coordinator can take connections (with --bus: joined it); rejects with why not. */
  started(): Promise<void>;
  stats(): CoordinatorStats;
  /** Before the threads end: with --bus, leaves it (this node's nicks and presence go). */
  stop(): Promise<void>;
}

export function exposeControl(api: object, port: MessagePort): void {
  Comlink.expose(api, nodeEndpoint(port));
}

export function wrapControl<Api>(port: MessagePort): Comlink.Remote<Api> {
  return Comlink.wrap<Api>(nodeEndpoint(port));
}
