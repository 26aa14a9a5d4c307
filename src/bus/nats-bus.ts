// The bus over NATS JetStream (nats-server 2.9.10 and nats.js 3.4 as probed in docs/design/multi-node-bus.md
// §3 and §8). Rooms are subjects of one stream, `ROOMCAST_<prefix>`: the stream numbers every room's events
// and keeps the last `historySize` of each (max_msgs_per_subject). Centrifugo's NATS broker has no history
// (centrifugal/centrifugo internal/natsbroker/broker.go), so the live feed is JetStream's RePublish: every
// stored event is re-sent on core NATS with its stream sequence and the sequence of the room's previous
// event (nats-server v2.9.10 server/stream.go 3959–3966), the pair the coordinator's gap check needs; two
// events stored at once may go out swapped, and live-reorder.ts puts them back.
//
// Nicks, liveness and members are KV buckets. 2.9.10 has no per-key TTL, so the nick and liveness buckets
// expire every key after `nickTtlMs` (their max_age) and this node rewrites its keys every `heartbeatMs`.
// Every node watches liveness and members into a PresenceMirror and answers listings from it. Node-to-node
// messages are core request/reply on `roomcast.<prefix>.node.<node>`.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StoredMsg,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm, type KvWatchEntry } from '@nats-io/kv';
import { connect, errors, type Msg, type NatsConnection, type QueuedIterator, type Subscription } from '@nats-io/transport-node';
import { decodeBusEvent, encodeBusEvent } from './nats-wire.ts';
import type {
  Bus,
  BusEpoch,
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
import { LiveReorder } from './live-reorder.ts';
import { roomCounts, roomNicks } from './member-listings.ts';
import { PresenceMirror } from './presence-mirror.ts';

const connectTimeoutMs = 5_000;
const requestTimeoutMs = 2_000;
const duplicateWindowMs = 120_000;
const reapLockTtlMs = 60_000;
/**
 * After an outage every node recovers at its own pace (a broker that lost its data makes each recreate its
 * buckets or keys): a node back judges no other dead for this many nick TTLs, so a slow recovery is not
 * taken for a death. A node really gone is reaped that much later.
 */
const recoveryGraceTtls = 2;
/**
 * Member keys expire after an hour unless rewritten (every quarter of it): a delete leaves a marker on
 * 2.9, and without a max_age every connection that ever was would stay in the bucket as one.
 */
const memberKeysMaxAgeMs = 3_600_000;
const reconnectTimeWaitMs = 250;
/** A connection whose server stops answering pings is dropped (and health goes down) within about 3 s. */
const pingIntervalMs = 1_000;
const nanosPerMs = 1_000_000;
/** How long a live event may wait for its predecessor (live-reorder.ts); a swap resolves within microseconds. */
const reorderWindowMs = 50;

interface LiveRoom {
  subscription: Subscription;
  reorder: LiveReorder;
  releaseTimer: NodeJS.Timeout | undefined;
}

interface HeldNick {
  holder: NickHolder;
  revision: number;
  /** The renewal or release under way, so the next one starts from its revision. */
  busy: Promise<void>;
}

/** A stored room event, from a direct get or a consumer. */
type StoredEvent = Pick<StoredMsg, 'seq' | 'string'>;

const unavailable: PublishResult = { ok: false, reason: 'unavailable' };

function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class NatsBus implements Bus {
  readonly nodeId = randomBytes(8).toString('hex');
  readonly #url: string;
  readonly #options: BusOptions;
  readonly #stream: string;
  readonly #subjects: { room: string; live: string; node: string };
  readonly #mirror: PresenceMirror;

  #handlers: BusHandlers | undefined;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #jsm: JetStreamManager | undefined;
  #buckets: { nicks: KV; nodes: KV; members: KV; locks: KV } | undefined;
  #watches: QueuedIterator<KvWatchEntry>[] = [];
  #epoch: BusEpoch = '';
  /** Connected, the stream's epoch read and this node's keys asserted: publishes and claims go through. */
  #up = false;
  #downReported = false;
  /** Counts losses of the connection, so a recovery that outlived its connection stops. */
  #connectionGeneration = 0;
  #closing = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatRunning = false;
  readonly #rooms = new Map<string, LiveRoom>();
  readonly #heldNicks = new Map<string, HeldNick>();
  readonly #members = new Map<number, NodeMember>();
  /** Member keys this node wrote and has not yet deleted: an outage may have swallowed a delete. */
  readonly #writtenMemberKeys = new Set<string>();
  readonly #reaping = new Set<string>();
  /** Before this time, this node judges no other dead (see #beat). */
  #judgeAfterMs = 0;
  #liveEventsSeen = 0;
  #membersWrittenAtMs = 0;

  constructor(url: string, options: BusOptions) {
    this.#url = url;
    this.#options = options;
    this.#stream = `ROOMCAST_${options.prefix}`;
    const base = `roomcast.${options.prefix}`;
    this.#subjects = { room: `${base}.room`, live: `${base}.live`, node: `${base}.node` };
    this.#mirror = new PresenceMirror(options.timings.nickTtlMs);
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
    try {
      this.#nc = await connect({
        servers: this.#url,
        name: `roomcast-${this.#options.prefix}-${this.nodeId}`,
        timeout: connectTimeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: reconnectTimeWaitMs,
        pingInterval: pingIntervalMs,
        maxPingOut: 2,
      });
    } catch (error) {
      throw new Error(`NATS bus: cannot connect to ${this.#url}: ${errorMessage(error)}`, { cause: error });
    }
    try {
      this.#jsm = await jetstreamManager(this.#nc, { timeout: requestTimeoutMs });
    } catch (error) {
      await this.#nc.close();
      throw new Error(`NATS bus: ${this.#url} has no JetStream (start nats-server with -js): ${errorMessage(error)}`, { cause: error });
    }
    this.#js = jetstream(this.#nc, { timeout: requestTimeoutMs });
    try {
      await this.#establish();
    } catch (error) {
      await this.#nc.close();
      throw new Error(`NATS bus at ${this.#url}: ${errorMessage(error)}`, { cause: error });
    }
    this.#nc.subscribe(`${this.#subjects.node}.${this.nodeId}`, { callback: (error, msg) => this.#onNodeMessage(error, msg) });
    await this.#nc.flush();
    this.#up = true;
    this.#judgeAfterMs = Date.now() + this.#options.timings.nickTtlMs;
    void this.#followStatus(this.#nc);
    this.#heartbeat = setInterval(() => void this.#beat(), this.#options.timings.heartbeatMs);
  }

  /** For tests: ends like `kill -9` — no more heartbeats, nothing released, the connection just gone. */
  async crash(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    this.#forgetLiveOrder();
    for (const watch of this.#watches) watch.stop();
    await this.#nc?.close();
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed()) return;
    if (this.#up && this.#buckets !== undefined) {
      const { members, nodes } = this.#buckets;
      await Promise.allSettled([
        ...[...this.#heldNicks.keys()].map((nickKey) => this.releaseNick(nickKey)),
        ...[...this.#writtenMemberKeys].map((key) => members.delete(key)),
      ]);
      await nodes.delete(this.nodeId).catch(() => undefined);
    }
    this.#up = false;
    this.#forgetLiveOrder();
    for (const watch of this.#watches) watch.stop();
    // drain() waits for the server; a bus that is down has nothing to flush.
    await (nc.isClosed() ? Promise.resolve() : this.#downReported ? nc.close() : nc.drain().catch(() => nc.close()));
  }

  // Rooms

  async publish(room: string, event: BusRoomEvent, idempotencyKey: string): Promise<PublishResult> {
    // nats.js would buffer the request while reconnecting and time out later (§8): refuse at once instead.
    if (!this.#up) return unavailable;
    try {
      const ack = await this.#js!.publish(`${this.#subjects.room}.${room}`, encodeBusEvent(event), {
        msgID: idempotencyKey,
        timeout: requestTimeoutMs,
      });
      return { ok: true, seq: ack.seq, epoch: this.#epoch, duplicate: ack.duplicate };
    } catch (error) {
      this.#options.log.warn({ room, err: errorMessage(error) }, 'bus publish failed');
      // The server's refusal, or nobody to store it, leaves nothing stored. Anything else (a timeout, a lost
      // connection) may have: the coordinator retries with the same key, which Nats-Msg-Id deduplicates.
      const refused = error instanceof JetStreamApiError || (error instanceof errors.RequestError && error.isNoResponders());
      return refused ? unavailable : { ok: false, reason: 'unknown' };
    }
  }

  async subscribe(room: string): Promise<void> {
    if (this.#rooms.has(room)) return;
    // Read before the subscription is live: every event after it arrives live, so the first can be put in
    // order too. Down, it is not known; the first events then pass as they come.
    const last = this.#up
      ? await this.#jsm!.direct.getMessage(this.#stream, { last_by_subj: `${this.#subjects.room}.${room}` }).then(
          (stored) => stored?.seq ?? 0,
          () => undefined,
        )
      : undefined;
    if (this.#rooms.has(room)) return;
    const subscription = this.#nc!.subscribe(`${this.#subjects.live}.${room}`, {
      callback: (error, msg) => this.#onLive(room, error, msg),
    });
    this.#rooms.set(room, { subscription, reorder: new LiveReorder(last), releaseTimer: undefined });
    // Live at the server once it answered a ping sent after the SUB; while down, the client re-sends the
    // SUB on reconnect, before health is up again.
    if (this.#up) await this.#nc!.flush();
  }

  async unsubscribe(room: string): Promise<void> {
    const live = this.#rooms.get(room);
    if (live === undefined) return;
    live.subscription.unsubscribe();
    clearTimeout(live.releaseTimer);
    this.#rooms.delete(room);
  }

  async readRange(room: string, fromSeq: number, toSeq: number): Promise<SequencedEvent[]> {
    this.#requireUp();
    const subject = `${this.#subjects.room}.${room}`;
    const events: SequencedEvent[] = [];
    // Direct gets walk the room's kept events (next_by_subj exists on 2.9.10; a batch get is 2.11): a gap
    // is usually one or two events, and a range never holds more than historySize of them.
    let next = Math.max(1, fromSeq);
    while (next <= toSeq) {
      const stored = await this.#jsm!.direct.getMessage(this.#stream, { seq: next, next_by_subj: subject });
      if (stored === null || stored.seq > toSeq) break;
      const prevSeq = events.length > 0 ? events[events.length - 1]!.seq : await this.#previousSeq(subject, stored, fromSeq);
      events.push(this.#sequenced(room, stored, prevSeq));
      next = stored.seq + 1;
    }
    return events;
  }

  async readLast(room: string, count: number): Promise<{ position: BusPosition | undefined; events: SequencedEvent[] }> {
    this.#requireUp();
    const subject = `${this.#subjects.room}.${room}`;
    const last = await this.#jsm!.direct.getMessage(this.#stream, { last_by_subj: subject });
    if (last === null) return { position: undefined, events: [] };
    if (count <= 0) return { position: { epoch: this.#epoch, seq: last.seq }, events: [] };
    const kept = await this.#readKept(subject, last.seq);
    const events = kept.map((stored, i) =>
      this.#sequenced(room, stored, i > 0 ? kept[i - 1]!.seq : this.#oldestKeptPrevSeq(stored, kept.length)),
    );
    const top = events.at(-1)?.seq ?? last.seq;
    return { position: { epoch: this.#epoch, seq: top }, events: events.slice(-count) };
  }

  // Nicks

  async claimNick(nickKey: string, holder: NickHolder): Promise<ClaimResult> {
    if (!this.#up) return { ok: false, unavailable: true };
    try {
      const revision = await this.#buckets!.nicks.create(nickKey, JSON.stringify(holder));
      this.#heldNicks.set(nickKey, { holder, revision, busy: Promise.resolve() });
      return { ok: true };
    } catch (error) {
      if (!isWrongLastSequence(error)) return { ok: false, unavailable: true };
    }
    const heldBy = await this.lookupNick(nickKey).catch(() => undefined);
    // Gone between the create and the read (released or expired): the caller may simply try again.
    return heldBy === undefined ? { ok: false, unavailable: true } : { ok: false, heldBy };
  }

  async releaseNick(nickKey: string): Promise<void> {
    const held = this.#heldNicks.get(nickKey);
    if (held === undefined) return;
    this.#heldNicks.delete(nickKey);
    await held.busy;
    // A compare-and-delete: a nick that expired and was taken by another node meanwhile stays theirs.
    await this.#buckets!.nicks.delete(nickKey, { previousSeq: held.revision }).catch(() => undefined);
  }

  async lookupNick(nickKey: string): Promise<NickHolder | undefined> {
    this.#requireUp();
    return this.#holderIn(await this.#buckets!.nicks.get(nickKey));
  }

  // Presence

  setMember(member: NodeMember): void {
    this.#members.set(member.connectionId, member);
    this.#writtenMemberKeys.add(this.#memberKey(member.connectionId));
    // While down it is written when the bus is back (#assertOwnKeys).
    if (this.#up) void this.#putMember(member);
  }

  removeMember(connectionId: number): void {
    this.#members.delete(connectionId);
    if (this.#up) void this.#deleteMemberKey(this.#memberKey(connectionId));
  }

  async listRooms(): Promise<Map<string, number>> {
    this.#requireUp();
    return roomCounts(this.#everyLiveMember());
  }

  async listMembers(room: string): Promise<string[]> {
    this.#requireUp();
    return roomNicks(this.#everyLiveMember(), room);
  }

  async whois(nickKey: string): Promise<(NickHolder & { rooms: string[]; operator: boolean }) | undefined> {
    const holder = await this.lookupNick(nickKey);
    if (holder === undefined) return undefined;
    const self = holder.node === this.nodeId;
    if (!self && !this.#mirror.isLive(holder.node, Date.now())) return undefined;
    const member = self ? this.#members.get(holder.connectionId) : this.#mirror.member(holder.node, holder.connectionId);
    return { ...holder, rooms: member?.rooms ?? [], operator: member?.operator ?? false };
  }

  async sendToNode(node: string, message: NodeMessage): Promise<'delivered' | 'no-such-node' | 'unavailable'> {
    if (!this.#up) return 'unavailable';
    try {
      await this.#nc!.request(`${this.#subjects.node}.${node}`, JSON.stringify(message), { timeout: requestTimeoutMs });
      return 'delivered';
    } catch (error) {
      return error instanceof errors.RequestError && error.isNoResponders() ? 'no-such-node' : 'unavailable';
    }
  }

  // Connecting and reconnecting

  /** The stream, the buckets, the watches and this node's keys: at start and after every reconnect. */
  async #establish(generation = this.#connectionGeneration): Promise<void> {
    this.#epoch = await this.#ensureStream();
    this.#buckets = await this.#openBuckets();
    await this.#watchPresence(this.#buckets, generation);
    await this.#assertOwnKeys(this.#buckets);
  }

  async #ensureStream(): Promise<BusEpoch> {
    const jsm = this.#jsm!;
    const republish = { src: `${this.#subjects.room}.>`, dest: `${this.#subjects.live}.>` };
    const existing = await jsm.streams.info(this.#stream).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw error;
    });
    if (existing !== undefined) {
      const current = existing.config.republish;
      // RePublish cannot be changed on an existing stream (nats-server v2.9.10 server/stream.go 1351–1353).
      if (current?.src !== republish.src || current.dest !== republish.dest || current.headers_only === true) {
        throw new Error(
          `stream ${this.#stream} republishes ${JSON.stringify(current ?? null)}, not ${JSON.stringify(republish)}: delete the stream or use another --bus-prefix`,
        );
      }
      if (existing.config.max_msgs_per_subject !== this.#historyPerRoom()) {
        this.#options.log.warn(
          { stream: this.#stream, kept: existing.config.max_msgs_per_subject, historySize: this.#historyPerRoom() },
          'the bus stream keeps another history size per room than this node was given; the stream is left as it is',
        );
      }
      return existing.created;
    }
    const config: Partial<StreamConfig> & { name: string } = {
      name: this.#stream,
      subjects: [`${this.#subjects.room}.*`],
      max_msgs_per_subject: this.#historyPerRoom(),
      discard: DiscardPolicy.Old,
      storage: StorageType.File,
      duplicate_window: duplicateWindowMs * nanosPerMs,
      allow_direct: true,
      republish,
    };
    return (await jsm.streams.add(config)).created;
  }

  #historyPerRoom(): number {
    return Math.max(1, this.#options.historySize);
  }

  async #openBuckets(): Promise<{ nicks: KV; nodes: KV; members: KV; locks: KV }> {
    const kvm = new Kvm(this.#js!);
    const name = (what: string) => `roomcast_${this.#options.prefix}_${what}`;
    const { nickTtlMs } = this.#options.timings;
    // The nick and liveness TTL is the bucket's max_age: 2.9.10 has no per-key TTL (§3.2).
    const [nicks, nodes, members, locks] = await Promise.all([
      kvm.create(name('nicks'), { history: 1, ttl: nickTtlMs }),
      kvm.create(name('nodes'), { history: 1, ttl: nickTtlMs }),
      kvm.create(name('members'), { history: 1, ttl: memberKeysMaxAgeMs }),
      kvm.create(name('locks'), { history: 1, ttl: reapLockTtlMs }),
    ]);
    return { nicks, nodes, members, locks };
  }

  /**
   * (Re)starts the watches of liveness and members. After a reconnect they start over: the ordered consumer
   * behind a watch would otherwise notice a restarted server only after missing heartbeats, and resume at
   * a revision a recreated bucket does not have.
   */
  async #watchPresence(buckets: { nodes: KV; members: KV }, generation: number): Promise<void> {
    for (const watch of this.#watches) watch.stop();
    this.#mirror.heardEveryoneAt(Date.now());
    const nodes = await buckets.nodes.watch();
    const members = await buckets.members.watch();
    if (generation !== this.#connectionGeneration) {
      // A recovery overtaken by another loss of the connection: the next one watches.
      nodes.stop();
      members.stop();
      return;
    }
    this.#watches = [nodes, members];
    void this.#follow(nodes, (entry) => {
      if (entry.operation === 'PUT') this.#mirror.nodeHeard(entry.key, Date.now());
      else this.#mirror.nodeGone(entry.key);
    });
    void this.#follow(members, (entry) => {
      const dot = entry.key.indexOf('.');
      const node = entry.key.slice(0, dot);
      const connectionId = Number(entry.key.slice(dot + 1));
      if (entry.operation === 'PUT') this.#mirror.memberSet(node, entry.json<NodeMember>(), Date.now());
      else this.#mirror.memberGone(node, connectionId);
    });
  }

  async #follow(watch: QueuedIterator<KvWatchEntry>, apply: (entry: KvWatchEntry) => void): Promise<void> {
    try {
      for await (const entry of watch) apply(entry);
    } catch (error) {
      if (!this.#closing) this.#options.log.warn({ err: errorMessage(error) }, 'bus presence watch ended');
    }
  }

  /** Liveness, members (and deletes an outage swallowed), nicks: what this node holds, written again. */
  async #assertOwnKeys(buckets: { nodes: KV; members: KV }): Promise<void> {
    await buckets.nodes.put(this.nodeId, JSON.stringify({ startedAt: Date.now() }));
    this.#membersWrittenAtMs = Date.now();
    const current = new Set([...this.#members.keys()].map((connectionId) => this.#memberKey(connectionId)));
    await Promise.all([
      ...[...this.#members.values()].map((member) => this.#putMember(member)),
      ...[...this.#writtenMemberKeys].filter((key) => !current.has(key)).map((key) => this.#deleteMemberKey(key)),
      ...[...this.#heldNicks.keys()].map((nickKey) => this.#renewNick(nickKey)),
    ]);
  }

  async #followStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.#wentDown(`disconnected from ${status.server}`);
      else if (status.type === 'reconnect') void this.#recover();
    }
  }

  #wentDown(error: string): void {
    this.#connectionGeneration++;
    this.#up = false;
    this.#forgetLiveOrder();
    if (this.#downReported || this.#closing) return;
    this.#downReported = true;
    this.#options.log.warn({ url: this.#url, error }, 'bus down');
    this.#handlers!.health({ state: 'down', error });
  }

  async #recover(): Promise<void> {
    const generation = ++this.#connectionGeneration;
    const previousEpoch = this.#epoch;
    // Right after a restart JetStream may still be loading its streams: try until it answers or the
    // connection is lost again (the next reconnect starts over).
    while (generation === this.#connectionGeneration && !this.#closing) {
      try {
        await this.#establish(generation);
        if (generation !== this.#connectionGeneration) return;
        if (this.#epoch !== previousEpoch)
          this.#options.log.warn({ previousEpoch, epoch: this.#epoch }, 'bus stream was recreated: every room was reset');
        const reaped = await this.#reapedWhileAway();
        this.#forgetLiveOrder();
        this.#up = true;
        this.#judgeAfterMs = Date.now() + recoveryGraceTtls * this.#options.timings.nickTtlMs;
        this.#downReported = false;
        this.#options.log.info({ url: this.#url, reaped }, 'bus up');
        this.#handlers!.health({ state: 'up', reaped });
        return;
      } catch (error) {
        this.#options.log.warn({ err: errorMessage(error) }, 'bus recovery failed; retrying');
        await sleep(reconnectTimeWaitMs);
      }
    }
  }

  // Heartbeats: liveness, nicks, reaping

  async #beat(): Promise<void> {
    if (!this.#up || this.#heartbeatRunning) return;
    this.#heartbeatRunning = true;
    try {
      const { nodes } = this.#buckets!;
      const rewriteMembers = Date.now() - this.#membersWrittenAtMs > memberKeysMaxAgeMs / 4;
      if (rewriteMembers) this.#membersWrittenAtMs = Date.now();
      await Promise.allSettled([
        nodes.put(this.nodeId, JSON.stringify({ startedAt: Date.now() })),
        ...[...this.#heldNicks.keys()].map((nickKey) => this.#renewNick(nickKey)),
        ...(rewriteMembers ? [...this.#members.values()].map((member) => this.#putMember(member)) : []),
      ]);
      // Every node's liveness lapses during an outage longer than the nick TTL, and a store that lost its
      // data replays none of it to the watch: the first node back would reap the others before their own
      // recoveries re-put them. So a node judges others only once it has been up for a nick TTL.
      if (Date.now() < this.#judgeAfterMs) return;
      for (const dead of this.#mirror.deadNodes(this.nodeId, Date.now())) {
        if (!this.#reaping.has(dead) && this.#up) void this.#reap(dead);
      }
    } finally {
      this.#heartbeatRunning = false;
    }
  }

  /**
   * Rewrites a held nick if it is still this node's revision (a CAS: `update`); if it expired meanwhile,
   * takes it again unless someone else did, in which case it is lost.
   */
  #renewNick(nickKey: string): Promise<void> {
    const held = this.#heldNicks.get(nickKey);
    if (held === undefined) return Promise.resolve();
    const { nicks } = this.#buckets!;
    const value = JSON.stringify(held.holder);
    const renewal = held.busy.then(async () => {
      if (this.#heldNicks.get(nickKey) !== held) return;
      try {
        held.revision = await nicks.update(nickKey, value, held.revision, requestTimeoutMs);
        return;
      } catch (error) {
        if (!isWrongLastSequence(error)) return; // Down or slow: the next heartbeat tries again.
      }
      try {
        held.revision = await nicks.create(nickKey, value);
      } catch (error) {
        if (!isWrongLastSequence(error) || this.#heldNicks.get(nickKey) !== held) return;
        this.#heldNicks.delete(nickKey);
        this.#options.log.warn({ nickKey }, 'bus nick lost: it expired and another node took it');
        this.#handlers!.nickLost(nickKey);
      }
    });
    held.busy = renewal;
    return renewal;
  }

  /** Whether a peer took the lock to reap this node while it was away (see BusHealth). */
  async #reapedWhileAway(): Promise<boolean> {
    const locks = this.#buckets!.locks;
    const lock = await locks.get(`reap.${this.nodeId}`).catch(() => null);
    if (lock === null || lock.operation !== 'PUT') return false;
    // Told once: a second outage within the lock's life must not look like a second reaping.
    await locks.delete(`reap.${this.nodeId}`).catch(() => {});
    return true;
  }

  async #reap(dead: string): Promise<void> {
    this.#reaping.add(dead);
    try {
      const { locks, members, nicks, nodes } = this.#buckets!;
      // One reaper per dead node: the lock's create fails for the others (and expires after 60 s).
      const won = await locks.create(`reap.${dead}`, this.nodeId).then(
        () => true,
        () => false,
      );
      if (!won) return;
      const deadMembers = this.#mirror.membersOf(dead);
      this.#options.log.info({ dead, members: deadMembers.length }, 'bus reaping a dead node');
      await this.#handlers!.reap(dead, deadMembers);
      await Promise.allSettled(deadMembers.map((member) => members.delete(`${dead}.${member.connectionId}`)));
      await this.#deleteNicksOf(nicks, dead);
      await nodes.delete(dead);
      this.#mirror.nodeGone(dead);
    } catch (error) {
      this.#options.log.warn({ dead, err: errorMessage(error) }, 'bus reap failed');
    } finally {
      this.#reaping.delete(dead);
    }
  }

  async #deleteNicksOf(nicks: KV, dead: string): Promise<void> {
    for await (const nickKey of await nicks.keys()) {
      const entry = await nicks.get(nickKey);
      // Compare-and-delete: a nick that changed hands since the read is left alone.
      if (this.#holderIn(entry)?.node === dead) await nicks.delete(nickKey, { previousSeq: entry!.revision }).catch(() => undefined);
    }
  }

  // Receiving

  #onLive(room: string, error: Error | null, msg: Msg): void {
    if (error !== null || !this.#up) return; // While recovering the epoch may be stale; the catch-up after `up` covers it.
    if (this.#options.dropLiveEvery > 0 && ++this.#liveEventsSeen % this.#options.dropLiveEvery === 0) return;
    const live = this.#rooms.get(room);
    const seq = Number(msg.headers?.get('Nats-Sequence'));
    const prevSeq = Number(msg.headers?.get('Nats-Last-Sequence') || 0);
    if (live === undefined || !(seq > 0)) return;
    for (const event of live.reorder.accept({ ...decodeBusEvent(msg.string()), room, epoch: this.#epoch, seq, prevSeq })) {
      this.#handlers!.event(event);
    }
    if (live.reorder.holding && live.releaseTimer === undefined) {
      live.releaseTimer = setTimeout(() => {
        live.releaseTimer = undefined;
        for (const event of live.reorder.release()) this.#handlers!.event(event);
      }, reorderWindowMs);
    }
  }

  /** Events held across an outage are dropped: the coordinator's catch-up after `up` reads them. */
  #forgetLiveOrder(): void {
    for (const live of this.#rooms.values()) {
      clearTimeout(live.releaseTimer);
      live.releaseTimer = undefined;
      live.reorder = new LiveReorder();
    }
  }

  #onNodeMessage(error: Error | null, msg: Msg): void {
    if (error !== null) return;
    try {
      this.#handlers!.nodeMessage(msg.json<NodeMessage>());
    } catch (handlerError) {
      this.#options.log.warn({ err: errorMessage(handlerError) }, 'bus node message not handled');
    }
    msg.respond();
  }

  // Helpers

  #sequenced(room: string, stored: StoredEvent, prevSeq: number): SequencedEvent {
    return { ...decodeBusEvent(stored.string()), room, epoch: this.#epoch, seq: stored.seq, prevSeq };
  }

  /**
   * The room's event before `first`, the first kept event at or after `fromSeq`. Stored messages do not
   * carry it (only the republished copy does), so: the event at `fromSeq - 1` if it is this room's
   * (nothing of the room lies between), else the walk from the room's oldest kept event.
   */
  async #previousSeq(subject: string, first: StoredMsg, fromSeq: number): Promise<number> {
    if (fromSeq > 1) {
      const before = await this.#jsm!.direct.getMessage(this.#stream, { seq: fromSeq - 1 });
      if (before?.subject === subject) return before.seq;
    }
    let previous: StoredMsg | undefined;
    for (let next = 1; ; ) {
      const stored = await this.#jsm!.direct.getMessage(this.#stream, { seq: next, next_by_subj: subject });
      if (stored === null || stored.seq >= first.seq) break;
      previous = stored;
      next = stored.seq + 1;
    }
    if (previous !== undefined) return previous.seq;
    const info = await this.#jsm!.streams.info(this.#stream, { subjects_filter: subject });
    return this.#oldestKeptPrevSeq(first, info.state.subjects?.[subject] ?? 0);
  }

  /**
   * What came before a room's oldest kept event. A room with fewer than historySize events kept was never
   * trimmed, so there was nothing. A full room may have been: the predecessor is unknown, and `seq - 1`
   * says so to a gap check (it is never a delivered event of the room unless nothing lies between).
   */
  #oldestKeptPrevSeq(oldest: StoredEvent, keptCount: number): number {
    return keptCount < this.#historyPerRoom() ? 0 : oldest.seq - 1;
  }

  /** Every kept event of the room up to at least `lastSeq`, through an ordered consumer (one filter: 2.9). */
  async #readKept(subject: string, lastSeq: number): Promise<StoredEvent[]> {
    const consumer = await this.#js!.consumers.get(this.#stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.All });
    const kept: StoredEvent[] = [];
    try {
      const messages = await consumer.fetch({ max_messages: this.#historyPerRoom(), expires: requestTimeoutMs });
      for await (const message of messages) {
        kept.push(message);
        if (message.seq >= lastSeq) {
          messages.stop();
          break;
        }
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return kept;
  }

  /** Reads fail at once while the bus is down, as publishes do, rather than wait for a reconnect. */
  #requireUp(): void {
    if (!this.#up) throw new Error(`NATS bus at ${this.#url} is down`);
  }

  #holderIn(entry: KvEntry | null): NickHolder | undefined {
    return entry !== null && entry.operation === 'PUT' ? entry.json<NickHolder>() : undefined;
  }

  #memberKey(connectionId: number): string {
    return `${this.nodeId}.${connectionId}`;
  }

  *#everyLiveMember(): Iterable<NodeMember> {
    yield* this.#members.values();
    yield* this.#mirror.liveMembers(this.nodeId, Date.now());
  }

  async #putMember(member: NodeMember): Promise<void> {
    const key = this.#memberKey(member.connectionId);
    await this.#buckets!.members.put(key, JSON.stringify(member)).catch((error: unknown) => {
      this.#options.log.warn({ key, err: errorMessage(error) }, 'bus member not written');
    });
  }

  async #deleteMemberKey(key: string): Promise<void> {
    try {
      await this.#buckets!.members.delete(key);
      this.#writtenMemberKeys.delete(key);
    } catch (error) {
      this.#options.log.warn({ key, err: errorMessage(error) }, 'bus member not deleted');
    }
  }
}
