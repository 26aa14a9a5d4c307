// What a node's coordinator needs from the engine that joins several roomcast nodes into one chat service
// (--bus redis://… or nats://…). One implementation per engine: RedisBus, NatsBus, and MemoryBus (one
// process, the reference the conformance suite checks the others against). The coordinator thread is a
// node's only gateway to its bus; workers never see it. docs/design/multi-node-bus.md explains the design.
//
// Rules every implementation keeps, and the coordinator relies on:
// - The bus numbers a room's events. `publish` never delivers: events reach `handlers.event` in the bus's
//   order (possibly with gaps or repeats after a lost connection); the coordinator delivers by (epoch,
//   seq) and fills gaps with `readRange`, so every member of a room on every node sees one order.
// - `publish` fails at once with `unavailable` while the bus is down (no offline queue), and a retry with
//   the same idempotency key returns the first result instead of appending twice.
// - Nicks are claimed with an expiry the bus renews while this node lives (heartbeats), so a node that
//   dies frees its nicks within `nickTtlMs`; peers notice it and one of them reaps it (`handlers.reap`).
import type { Logger } from '../log.ts';
import type { RoomEventKind } from '../thread-messages.ts';

/** Names a room's history; it changes when the bus lost the room's events (restart without data, flush). */
export type BusEpoch = string;

export interface BusPosition {
  epoch: BusEpoch;
  /** The room's last event; 0 when it has none yet. */
  seq: number;
}

/** A room event as published: the bus assigns its sequence. `node`/`connectionId` say who caused it. */
export interface BusRoomEvent {
  kind: RoomEventKind;
  nick: string;
  text: string;
  timeMs: number;
  node: string;
  connectionId: number;
}

export interface SequencedEvent extends BusRoomEvent {
  room: string;
  epoch: BusEpoch;
  /** Increasing per room; not necessarily contiguous (NATS numbers all rooms in one stream). */
  seq: number;
  /** The sequence of the room's previous event, 0 for its first: a `prevSeq` not yet delivered is a gap. */
  prevSeq: number;
}

/**
 * `unavailable`: certainly not appended (the bus was down; the sender is told). `unknown`: the connection
 * went away with the publish in flight, so it may have been appended; the coordinator re-publishes it with
 * the same idempotency key when the bus is back, which appends it at most once.
 */
export type PublishResult =
  | { ok: true; seq: number; epoch: BusEpoch; duplicate: boolean }
  | { ok: false; reason: 'unavailable' | 'unknown' };

/** Who holds a nick: the node and its connection, and the nick as typed. */
export interface NickHolder {
  nick: string;
  node: string;
  connectionId: number;
}

export type ClaimResult = { ok: true } | { ok: false; heldBy: NickHolder } | { ok: false; unavailable: true };

/** One of this node's users, as other nodes see it in listings and as a reaper needs it. */
export interface NodeMember {
  connectionId: number;
  nick: string;
  rooms: string[];
  operator: boolean;
}

/** What one node asks another to do for a user there: a private message, or a kick. */
export type NodeMessage =
  | { type: 'private'; to: number; from: string; toNick: string; text: string }
  | { type: 'kick'; to: number; by: string; reason: string };

/**
 * `up`: connected and subscribed; after a `down`, the coordinator catches every room up. `reaped`: this
 * node was away longer than its nicks' TTL and a peer announced its users' quits meanwhile, so the
 * coordinator announces them again (they never left).
 */
export type BusHealth = { state: 'up'; reaped?: boolean } | { state: 'down'; error: string };

/** How a bus reports to its coordinator; set once, by `start`. */
export interface BusHandlers {
  event(event: SequencedEvent): void;
  nodeMessage(message: NodeMessage): void;
  health(health: BusHealth): void;
  /** A nick this node held expired and someone else took it (a stall or an outage longer than the TTL). */
  nickLost(nickKey: string): void;
  /**
   * Node `deadNode` stopped heartbeating and this node won the right to reap it: resolve once its users'
   * quits are published (with idempotency keys naming the dead node, so a second reaper adds nothing);
   * the bus then frees its nicks and forgets its presence.
   */
  reap(deadNode: string, members: NodeMember[]): Promise<void>;
}

export interface BusTimings {
  /** How often this node renews its liveness, nicks and presence. */
  heartbeatMs: number;
  /** How long a nick or a node's liveness lasts without a heartbeat. */
  nickTtlMs: number;
}

/** What every implementation is built with, besides its URL. */
export interface BusOptions {
  /** Namespaces every key, channel, subject and stream: several services (or tests) share one engine. */
  prefix: string;
  /** Events kept per room (--history-size): the bus trims older ones. */
  historySize: number;
  timings: BusTimings;
  log: Logger;
  /** Test hook: drop every Nth live event before it reaches `handlers.event` (0: never), to exercise gap fills. */
  dropLiveEvery: number;
}

export interface Bus {
  /** Random per process start: a restarted node is a new node. */
  readonly nodeId: string;
  /** Connects; resolves once rooms can be subscribed and nicks claimed, rejects with a clear error if not. */
  start(handlers: BusHandlers): Promise<void>;
  /** Releases this node's nicks and presence (a graceful stop), then disconnects. */
  close(): Promise<void>;

  /** Appends an event to the room; `idempotencyKey` makes a retry after an unknown outcome harmless. */
  publish(room: string, event: BusRoomEvent, idempotencyKey: string): Promise<PublishResult>;
  /** Starts the room's live feed into `handlers.event`; resolves once it is live. */
  subscribe(room: string): Promise<void>;
  unsubscribe(room: string): Promise<void>;
  /** The kept events with fromSeq <= seq <= toSeq, oldest first (fewer when trimmed by the history bound). */
  readRange(room: string, fromSeq: number, toSeq: number): Promise<SequencedEvent[]>;
  /** The room's last `count` events, oldest first, and its position (undefined: the room has no history). */
  readLast(room: string, count: number): Promise<{ position: BusPosition | undefined; events: SequencedEvent[] }>;

  claimNick(nickKey: string, holder: NickHolder): Promise<ClaimResult>;
  /** Frees a nick this node holds; never one another node took meanwhile. */
  releaseNick(nickKey: string): Promise<void>;
  lookupNick(nickKey: string): Promise<NickHolder | undefined>;

  /** This node's user joined, left a room, was renamed or became an operator: listings across nodes show it. */
  setMember(member: NodeMember): void;
  /** This node's user is gone. */
  removeMember(connectionId: number): void;
  /** Rooms of every live node with their member counts. */
  listRooms(): Promise<Map<string, number>>;
  /** The nicks in a room across every live node. */
  listMembers(room: string): Promise<string[]>;
  /** Where a nick is and what it is in (undefined: nobody holds it). */
  whois(nickKey: string): Promise<(NickHolder & { rooms: string[]; operator: boolean }) | undefined>;

  sendToNode(node: string, message: NodeMessage): Promise<'delivered' | 'no-such-node' | 'unavailable'>;
}
