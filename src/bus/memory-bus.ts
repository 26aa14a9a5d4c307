// The Bus in one process: several MemoryBus nodes share a MemoryEngine as nodes share a Redis or NATS.
// It is the reference the conformance suite holds every bus to, and lets the coordinator's cluster logic
// be tested without a broker. Deliveries are asynchronous, as over a network; `setUp(false)` plays an
// outage (publishes refused, live events lost) and `crash()` a node killed without a goodbye.
import { randomUUID } from 'node:crypto';
import type {
  Bus,
  BusHandlers,
  BusOptions,
  BusPosition,
  BusRoomEvent,
  ClaimResult,
  NickHolder,
  NodeMember,
  NodeMessage,
  PublishResult,
  SequencedEvent,
} from './bus.ts';

interface EngineRoom {
  epoch: string;
  seq: number;
  events: SequencedEvent[];
}

/** What the engine (the broker) holds for all nodes. */
export class MemoryEngine {
  readonly rooms = new Map<string, EngineRoom>();
  readonly nicks = new Map<string, { holder: NickHolder; expiresAt: number }>();
  readonly nodes = new Map<string, { bus: MemoryBus; expiresAt: number; members: Map<number, NodeMember> }>();
  readonly published = new Map<string, { seq: number; epoch: string }>();
  readonly reaping = new Set<string>();
  up = true;

  /** Plays an outage (false) or the engine's return (true), for every node. */
  setUp(up: boolean): void {
    this.up = up;
    for (const { bus } of this.nodes.values()) bus.engineHealthChanged();
  }

  /** Plays a restart that lost its data: rooms start a new epoch and nicks must be claimed again. */
  forgetEverything(): void {
    this.rooms.clear();
    this.nicks.clear();
    this.published.clear();
  }
}

export class MemoryBus implements Bus {
  readonly nodeId = randomUUID();
  readonly #engine: MemoryEngine;
  readonly #options: BusOptions;
  #handlers: BusHandlers | undefined;
  readonly #subscribed = new Set<string>();
  /** The nicks this node holds, to renew them and to re-claim them after the engine lost them. */
  readonly #held = new Map<string, NickHolder>();
  #liveCount = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #wasUp = true;

  constructor(engine: MemoryEngine, options: BusOptions) {
    this.#engine = engine;
    this.#options = options;
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
    this.#engine.nodes.set(this.nodeId, { bus: this, expiresAt: this.#expiry(), members: new Map() });
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.timings.heartbeatMs);
    this.#heartbeat.unref();
  }

  async close(): Promise<void> {
    this.#stop();
    for (const key of [...this.#held.keys()]) this.#releaseHeld(key);
    this.#engine.nodes.delete(this.nodeId);
  }

  /** A node killed without a goodbye: no more heartbeats; its nicks and presence stay until they expire. */
  crash(): void {
    this.#stop();
  }

  async publish(room: string, event: BusRoomEvent, idempotencyKey: string): Promise<PublishResult> {
    if (!this.#engine.up) return { ok: false, reason: 'unavailable' };
    const done = this.#engine.published.get(idempotencyKey);
    if (done !== undefined) return { ok: true, ...done, duplicate: true };
    let state = this.#engine.rooms.get(room);
    if (state === undefined) {
      state = { epoch: randomUUID(), seq: 0, events: [] };
      this.#engine.rooms.set(room, state);
    }
    const sequenced: SequencedEvent = { ...event, room, epoch: state.epoch, seq: state.seq + 1, prevSeq: state.seq };
    state.seq = sequenced.seq;
    state.events.push(sequenced);
    if (state.events.length > Math.max(1, this.#options.historySize)) state.events.shift();
    this.#engine.published.set(idempotencyKey, { seq: sequenced.seq, epoch: sequenced.epoch });
    for (const { bus } of this.#engine.nodes.values()) bus.#live(sequenced);
    return { ok: true, seq: sequenced.seq, epoch: sequenced.epoch, duplicate: false };
  }

  async subscribe(room: string): Promise<void> {
    this.#subscribed.add(room);
  }

  async unsubscribe(room: string): Promise<void> {
    this.#subscribed.delete(room);
  }

  async readRange(room: string, fromSeq: number, toSeq: number): Promise<SequencedEvent[]> {
    this.#requireUp();
    return (this.#engine.rooms.get(room)?.events ?? []).filter((event) => event.seq >= fromSeq && event.seq <= toSeq);
  }

  async readLast(room: string, count: number): Promise<{ position: BusPosition | undefined; events: SequencedEvent[] }> {
    this.#requireUp();
    const state = this.#engine.rooms.get(room);
    if (state === undefined) return { position: undefined, events: [] };
    return { position: { epoch: state.epoch, seq: state.seq }, events: count > 0 ? state.events.slice(-count) : [] };
  }

  async claimNick(nickKey: string, holder: NickHolder): Promise<ClaimResult> {
    if (!this.#engine.up) return { ok: false, unavailable: true };
    const held = this.#engine.nicks.get(nickKey);
    if (held !== undefined && held.expiresAt > Date.now()) return { ok: false, heldBy: held.holder };
    this.#engine.nicks.set(nickKey, { holder, expiresAt: this.#expiry() });
    this.#held.set(nickKey, holder);
    return { ok: true };
  }

  async releaseNick(nickKey: string): Promise<void> {
    this.#releaseHeld(nickKey);
  }

  async lookupNick(nickKey: string): Promise<NickHolder | undefined> {
    this.#requireUp();
    const held = this.#engine.nicks.get(nickKey);
    return held !== undefined && held.expiresAt > Date.now() ? held.holder : undefined;
  }

  setMember(member: NodeMember): void {
    this.#engine.nodes.get(this.nodeId)?.members.set(member.connectionId, { ...member, rooms: [...member.rooms] });
  }

  removeMember(connectionId: number): void {
    this.#engine.nodes.get(this.nodeId)?.members.delete(connectionId);
  }

  async listRooms(): Promise<Map<string, number>> {
    this.#requireUp();
    const rooms = new Map<string, number>();
    for (const member of this.#liveMembers()) for (const room of member.rooms) rooms.set(room, (rooms.get(room) ?? 0) + 1);
    return rooms;
  }

  async listMembers(room: string): Promise<string[]> {
    this.#requireUp();
    return this.#liveMembers()
      .filter((member) => member.rooms.includes(room))
      .map((member) => member.nick);
  }

  async whois(nickKey: string): Promise<(NickHolder & { rooms: string[]; operator: boolean }) | undefined> {
    const holder = await this.lookupNick(nickKey);
    if (holder === undefined) return undefined;
    const member = this.#engine.nodes.get(holder.node)?.members.get(holder.connectionId);
    return { ...holder, rooms: member?.rooms ?? [], operator: member?.operator ?? false };
  }

  async sendToNode(node: string, message: NodeMessage): Promise<'delivered' | 'no-such-node' | 'unavailable'> {
    if (!this.#engine.up) return 'unavailable';
    const target = this.#engine.nodes.get(node);
    if (target === undefined || target.expiresAt <= Date.now()) return 'no-such-node';
    await Promise.resolve();
    target.bus.#handlers?.nodeMessage(message);
    return 'delivered';
  }

  /** The engine went down or came back: tell the coordinator, once per change. */
  engineHealthChanged(): void {
    if (this.#engine.up === this.#wasUp || this.#heartbeat === undefined) return;
    this.#wasUp = this.#engine.up;
    if (!this.#engine.up) {
      this.#handlers?.health({ state: 'down', error: 'memory engine down' });
      return;
    }
    this.#beat();
    this.#handlers?.health({ state: 'up' });
  }

  #live(event: SequencedEvent): void {
    if (!this.#subscribed.has(event.room) || this.#heartbeat === undefined) return;
    const drop = this.#options.dropLiveEvery;
    if (drop > 0 && ++this.#liveCount % drop === 0) return;
    // Asynchronous, like a network; each node's deliveries keep the order they were published in.
    queueMicrotask(() => this.#handlers?.event(event));
  }

  /** Renews this node's liveness and nicks (re-claiming any lost while the engine was away), then reaps. */
  #beat(): void {
    if (!this.#engine.up) return;
    const engine = this.#engine;
    const node = engine.nodes.get(this.nodeId);
    if (node !== undefined) node.expiresAt = this.#expiry();
    for (const [key, holder] of this.#held) {
      const held = engine.nicks.get(key);
      const takenByOther = held !== undefined && held.holder.node !== this.nodeId && held.expiresAt > Date.now();
      if (takenByOther) this.#lose(key);
      else engine.nicks.set(key, { holder, expiresAt: this.#expiry() });
    }
    for (const [deadId, dead] of engine.nodes) {
      if (dead.expiresAt > Date.now() || engine.reaping.has(deadId)) continue;
      engine.reaping.add(deadId);
      void this.#handlers?.reap(deadId, [...dead.members.values()]).then(() => {
        for (const [key, held] of engine.nicks) if (held.holder.node === deadId) engine.nicks.delete(key);
        engine.nodes.delete(deadId);
        engine.reaping.delete(deadId);
      });
    }
  }

  #lose(nickKey: string): void {
    this.#held.delete(nickKey);
    this.#handlers?.nickLost(nickKey);
  }

  #releaseHeld(nickKey: string): void {
    this.#held.delete(nickKey);
    if (this.#engine.nicks.get(nickKey)?.holder.node === this.nodeId) this.#engine.nicks.delete(nickKey);
  }

  #liveMembers(): NodeMember[] {
    const now = Date.now();
    return [...this.#engine.nodes.values()].filter((node) => node.expiresAt > now).flatMap((node) => [...node.members.values()]);
  }

  #expiry(): number {
    return Date.now() + this.#options.timings.nickTtlMs;
  }

  #requireUp(): void {
    if (!this.#engine.up) throw new Error('memory engine down');
  }

  #stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
