// Every message that crosses a thread boundary, declared once. Each thread's receive loop switches on
// `type`, so the unions below list everything a thread can be told.
//
//   acceptor (main) ──adopt-socket──▶ connection worker        (worker.postMessage, socket transferred)
//   connection worker ──[worker-ready, socket-adopted, connection-closed…]──▶ acceptor  (parentPort, batched)
//   supervisor (main) ──attach/detach-worker──▶ coordinator      (coordinator's parentPort)
//   connection worker ◀──[ops…]──▶ coordinator                  (two rings and a MessageChannel per worker)
//   supervisor ◀──comlink──▶ every thread                       (control plane: control-api.ts)
//
// Hot-path ops are batched per event-loop turn: to the acceptor a BatchedPort posts one array per turn;
// between a worker and the coordinator each direction has a shared-memory ring (worker-rings.ts,
// ring-port.ts) that a turn's ops are written into and published at once, rare ops by the port in order.
// Both directions between a worker and the coordinator are credit flow controlled (flow-window.ts):
// each side acknowledges what it handled with an `ack` op, and what the sender has un-acknowledged is
// bounded — past the bound the workers stop reading their sockets.
import type { Socket } from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import type { ServerConfig } from './config.ts';
import type { ErrorCode } from './protocol/errors.ts';
import type { WorkerRings } from './worker-rings.ts';

/** Which protocol a listener speaks: the line protocol, IRC, or the browser's HTTP and WebSocket. */
export type Door = 'line' | 'irc' | 'http';

/** `door` is the protocol of the listener that accepted the socket; `tls` whether it is to be unwrapped first. */
export type AcceptorToConnectionWorker = { type: 'adopt-socket'; connectionId: number; socket: Socket; door: Door; tls: boolean };

export type ConnectionWorkerToAcceptor =
  /** Sent once, when the worker's module has loaded and its ports are wired: it may be handed sockets. */
  | { type: 'worker-ready' }
  /** The answer to adopt-socket: the worker owns the connection. A handoff never answered has failed. */
  | { type: 'socket-adopted'; connectionId: number }
  | { type: 'connection-closed'; connectionId: number };

export type SupervisorToCoordinator =
  | { type: 'attach-worker'; workerId: number; port: MessagePort; rings: WorkerRings }
  | { type: 'detach-worker'; workerId: number };

/**
 * What a connection worker asks of the coordinator. Ops name the connection, never a nick: the
 * coordinator knows who holds which nick and names the sender of every room line and private message.
 */
export type WorkerOp =
  /** `address` is the client's, for per-address limits and logs. */
  | { type: 'hello'; connectionId: number; nick: string; room: string; address: string }
  | { type: 'rename'; connectionId: number; nick: string }
  | { type: 'join'; connectionId: number; room: string }
  | { type: 'part'; connectionId: number; room: string }
  | { type: 'say'; connectionId: number; room: string; kind: 'say' | 'me'; text: string }
  | { type: 'private'; connectionId: number; toNick: string; text: string }
  /** Who holds `nick` (IRC's WHOIS): answered with a `whois` notice. */
  | { type: 'whois'; connectionId: number; nick: string }
  | { type: 'list-rooms'; connectionId: number }
  | { type: 'list-members'; connectionId: number; room: string }
  | { type: 'history'; connectionId: number; room: string; count: number }
  | { type: 'leave'; connectionId: number; reason: string }
  | { type: 'kick'; connectionId: number; nick: string; reason: string }
  | { type: 'oper'; connectionId: number; password: string }
  /** Shutdown barrier: this worker reads no more input; everything it accepted was sent before this. */
  | { type: 'drain' }
  /** Flow control: the worker has handled `units` more of the coordinator's ops (not counted itself). */
  | { type: 'ack'; units: number };

export type RoomEventKind = 'say' | 'me' | 'join' | 'part' | 'quit' | 'rename';

/**
 * Something that happened in a room, as data: each wire protocol's dialect renders it its own way, once
 * per run of events on each worker. One flat shape for every kind; across threads it travels packed.
 * `seq` is the room's sequence number (the room's first event is 1; a room emptied and made again starts
 * over), `timeMs` the coordinator's wall clock when it was sequenced, `nick` who did it. `text` by kind:
 * the message of a say or me, the reason of a quit ('' for none), the new nick of a rename, '' otherwise.
 */
export interface RoomEvent {
  room: string;
  seq: number;
  kind: RoomEventKind;
  nick: string;
  text: string;
  timeMs: number;
}

/**
 * A RoomEvent as it crosses threads (packed-room-event.ts): a tuple, whose structured clone is about half
 * an object's, since no property names are written or read. Room events are the hot path's messages.
 */
export type PackedRoomEvent = [room: string, seq: number, kind: RoomEventKind, nick: string, text: string, timeMs: number];

/**
 * What the coordinator tells one client, as data: its dialect renders it. An error is a catalogue code
 * and the arguments of its sentence (errors.ts: errorNotice); a private message names both ends, and
 * `echo` marks the copy its sender gets.
 */
export type Notice =
  | { kind: 'error'; code: ErrorCode; args: readonly (string | number)[] }
  | { kind: 'info'; text: string }
  | { kind: 'private'; from: string; to: string; text: string; echo: boolean }
  /** The answer to `whois`: the nick as held and the rooms it is in, sorted, when `online`. */
  | { kind: 'whois'; nick: string; online: boolean; rooms: readonly string[]; operator: boolean };

/**
 * The answer to /rooms or /who, as data: rooms by name with their member counts, or a room's nicks
 * (none: nobody is in it), sorted; `more` counts what was left out past the listing's limit. The
 * coordinator keeps each until what it shows changes, so a storm of listings costs no rebuilding.
 */
export type Listing =
  | { kind: 'rooms'; rooms: readonly (readonly [name: string, members: number])[]; more: number }
  | { kind: 'members'; room: string; nicks: readonly string[]; more: number };

/** What the coordinator tells a connection worker. */
export type CoordinatorOp =
  | { type: 'deliver'; event: PackedRoomEvent }
  /** `history`: the room's last events (--history-on-join), oldest first, to replay before its live ones. */
  | { type: 'joined'; connectionId: number; room: string; history: PackedRoomEvent[] }
  /** The room did not exist and may not be created now (--max-rooms, --room-creations-per-minute). */
  | { type: 'join-refused'; connectionId: number; room: string; error: Notice }
  /**
   * `heldBy`: when refused, the nick that holds it or one that looks like it; `error`: refused for another
   * reason (the chat bus is unreachable). A rename-result the client did not ask for is a forced rename.
   */
  | { type: 'hello-result'; connectionId: number; nick: string; accepted: boolean; heldBy: string | undefined; error?: Notice }
  | { type: 'rename-result'; connectionId: number; nick: string; accepted: boolean; heldBy: string | undefined; error?: Notice }
  /** The answer to `part`: every line of the room sequenced before the part was sent before it. */
  | { type: 'parted'; connectionId: number; room: string }
  | { type: 'oper-granted'; connectionId: number }
  | { type: 'reply'; connectionId: number; notice: Notice }
  /** The answer to a listing this connection asked for: its bytes are charged to the asker's flood budget. */
  | { type: 'answer'; connectionId: number; listing: Listing }
  /** The answer to /history: the room's last events, oldest first; charged to the asker like an answer. */
  | { type: 'history'; connectionId: number; room: string; events: PackedRoomEvent[] }
  /** The answer to `leave`: everything the coordinator had for this connection was sent before it. */
  | { type: 'left'; connectionId: number }
  | { type: 'kicked'; connectionId: number; by: string; reason: string }
  /** Every worker has drained, and every room line they sent was delivered before this. */
  | { type: 'drained' }
  /** Flow control: the coordinator has handled `units` more of this worker's ops (not counted itself). */
  | { type: 'ack'; units: number }
  /** Some worker is too far behind the coordinator: every worker stops reading its sockets until `on: false`. */
  | { type: 'overload'; on: boolean };

/** workerData of a connection worker. */
export interface ConnectionWorkerData {
  workerId: number;
  /** Which supervisor slot runs this worker, and how many workers that slot has started (1 for the first). */
  slot: number;
  generation: number;
  config: ServerConfig;
  coordinatorPort: MessagePort;
  coordinatorRings: WorkerRings;
  /** This worker answers the supervisor's control calls here. */
  controlPort: MessagePort;
  /** This worker calls the supervisor here (e.g. whole-server stats for /stats). */
  supervisorPort: MessagePort;
}

/** workerData of the coordinator. */
export interface CoordinatorData {
  config: ServerConfig;
  controlPort: MessagePort;
}
