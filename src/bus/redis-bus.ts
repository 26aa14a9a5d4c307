// The Bus over one Redis (--bus redis://…): docs/design/multi-node-bus.md §2. Two connections: `cmd` runs
// the scripts, reads and heartbeats; `sub` carries the live feed of the rooms this node has members in
// and this node's inbox. A room's events are numbered, kept and published by one script (redis-scripts.ts),
// so every node sees one order; nicks are keys with an expiry this node's heartbeat renews; each node
// keeps its users in its own hash, and its liveness in a zset that peers read to list users and to find
// dead nodes to reap.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { nickKey as nickKeyOf } from '../protocol/names.ts';
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
import { roomCounts, roomNicks } from './member-listings.ts';
import { type RedisKeys, redisKeys } from './redis-keys.ts';
import { busScripts, type ScriptedRedis } from './redis-scripts.ts';
import {
  decodeEvent,
  decodeLiveMessage,
  decodeMember,
  decodeNickHolder,
  encodeEvent,
  encodeMember,
  encodeNickHolder,
  seqOfStreamId,
  streamId,
} from './redis-wire.ts';

const startTimeoutMs = 5_000;
/** A room's keys outlive their last publish this long unless a node with members there renews them. */
const roomSafetyTtlMs = 3_600_000;
/** Renewing every room each heartbeat would be one command per room every few seconds for an hour's TTL. */
const roomRenewalEveryMs = 60_000;
/** Longer than any retry of a publish whose outcome was unknown (design §5). */
const idempotencyTtlMs = 120_000;
const reapLockTtlMs = 60_000;
/**
 * After an outage every node recovers at its own pace (a broker that lost its data makes each recreate its
 * buckets or keys): a node back judges no other dead for this many nick TTLs, so a slow recovery is not
 * taken for a death. A node really gone is reaped that much later.
 */
const recoveryGraceTtls = 2;
/** Listing storms (many `/rooms` at once) cost one read of the other nodes per this long. */
const listingCacheMs = 1_000;
/** A node's member hash outlives its liveness this many times over, so a reaper can still read it. */
const nodeHashTtlFactor = 8;
const nicksPerRenewal = 1_000;
const closeTimeoutMs = 2_000;
/** Heartbeats or a recovery unanswered this long (or a heartbeat period, if longer) mean dead connections. */
const minUnansweredMs = 3_000;

type BusState = 'new' | 'starting' | 'up' | 'down' | 'closing' | 'closed';

const unavailable: PublishResult = { ok: false, reason: 'unavailable' };

export class RedisBus implements Bus {
  readonly nodeId = randomBytes(6).toString('hex');
  readonly #where: string;
  readonly #options: BusOptions;
  readonly #keys: RedisKeys;
  readonly #cmd: ScriptedRedis;
  readonly #sub: ScriptedRedis;
  readonly #inbox: string;
  #handlers: BusHandlers | undefined;
  #state: BusState = 'new';
  #lastError = '';
  #recovering = false;
  /** Whether a peer reaped this node during the outage just ended (see BusHealth). */
  #reapedWhileAway = false;
  #beating = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #roomsRenewedAtMs = 0;
  /** Before this time, this node judges no other dead (see #reapDeadNodes). */
  #judgeAfterMs = 0;
  /** Rooms this node wants the live feed of, by channel. */
  readonly #rooms = new Map<string, string>();
  /** Channels left while down: ioredis re-subscribes them on reconnect, so they are dropped then. */
  readonly #staleChannels = new Set<string>();
  /** Nicks this node holds: nick key → its value in Redis. */
  readonly #nicks = new Map<string, string>();
  /** This node's users: the node hash is rewritten from here after an outage. */
  readonly #members = new Map<number, NodeMember>();
  readonly #reaping = new Set<string>();
  #liveEvents = 0;
  #othersCache: { atMs: number; members: Promise<NodeMember[]> } | undefined;

  constructor(url: string, options: BusOptions) {
    this.#where = describeUrl(url);
    this.#options = options;
    this.#keys = redisKeys(options.prefix);
    this.#inbox = this.#keys.nodeInbox(this.nodeId);
    this.#cmd = new Redis(url, {
      lazyConnect: true,
      scripts: busScripts,
      enableAutoPipelining: true,
      // Fail at once while disconnected, and never re-send a command whose reply was lost: a blind re-send
      // of an append is a second append. The coordinator retries with the idempotency key instead.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: startTimeoutMs,
      // Back within a second of Redis: the default backs off to 5 s.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    }) as ScriptedRedis;
    // Subscriber mode; autoResubscribe (the default) renews the subscriptions on reconnect.
    this.#sub = this.#cmd.duplicate() as ScriptedRedis;
    for (const connection of [this.#cmd, this.#sub]) {
      connection.on('error', (error: Error) => {
        this.#lastError = error.message;
        if (connection.status !== 'ready') this.#lost();
      });
      connection.on('close', () => this.#lost());
      connection.on('end', () => this.#lost());
      connection.on('ready', () => this.#ready());
    }
    this.#sub.on('message', (channel: string, message: string) => this.#message(channel, message));
  }

  async start(handlers: BusHandlers): Promise<void> {
    if (this.#state !== 'new') throw new Error('RedisBus: start() called twice');
    this.#handlers = handlers;
    this.#state = 'starting';
    // Readiness is awaited on the events below; connect() rejects at the first refusal, retries go on.
    this.#cmd.connect().catch(() => {});
    this.#sub.connect().catch(() => {});
    try {
      await withTimeout(
        (async () => {
          await Promise.all([whenReady(this.#cmd), whenReady(this.#sub)]);
          await this.#sub.subscribe(this.#inbox);
          await this.#assertLiveness();
        })(),
        startTimeoutMs,
      );
    } catch (error) {
      this.#state = 'closed';
      this.#cmd.disconnect();
      this.#sub.disconnect();
      const cause = this.#lastError || (error as Error).message;
      throw new Error(`cannot reach the Redis bus at ${this.#where} within ${startTimeoutMs / 1000} s: ${cause}`);
    }
    if (this.#state !== 'starting') throw new Error('RedisBus: closed while starting');
    this.#state = 'up';
    this.#judgeAfterMs = Date.now() + this.#options.timings.nickTtlMs;
    this.#heartbeat = setInterval(() => void this.#beat(), this.#options.timings.heartbeatMs);
    this.#heartbeat.unref();
  }

  async close(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const wasUp = this.#state === 'up';
    this.#state = 'closing';
    clearInterval(this.#heartbeat);
    if (wasUp) {
      await withTimeout(this.#withdraw(), closeTimeoutMs).catch((error: Error) =>
        this.#options.log.warn({ err: error }, 'bus: could not release this node’s nicks and presence; they expire'),
      );
    }
    await Promise.all([quit(this.#cmd), quit(this.#sub)]);
    this.#state = 'closed';
  }

  /** Test hook: a node killed without a goodbye (no more heartbeats, nothing released). */
  crash(): void {
    this.#state = 'closed';
    clearInterval(this.#heartbeat);
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }

  async publish(room: string, event: BusRoomEvent, idempotencyKey: string): Promise<PublishResult> {
    if (this.#state !== 'up') return unavailable;
    const keys = this.#keys;
    try {
      const [seq, epoch, duplicate] = await this.#cmd.busAppend(
        keys.roomStream(room),
        keys.roomMeta(room),
        keys.roomIdempotency(room, idempotencyKey),
        encodeEvent(event),
        Math.max(1, this.#options.historySize),
        freshEpoch(),
        keys.roomChannel(room),
        roomSafetyTtlMs,
        idempotencyTtlMs,
      );
      return { ok: true, seq, epoch, duplicate: duplicate === 1 };
    } catch (error) {
      this.#options.log.warn({ err: error, room }, 'bus: publish failed');
      return { ok: false, reason: wasSent(error as Error) ? 'unknown' : 'unavailable' };
    }
  }

  async subscribe(room: string): Promise<void> {
    this.#assertUp();
    const channel = this.#keys.roomChannel(room);
    // Known before the subscription is confirmed: the first message may follow the confirmation at once.
    this.#rooms.set(channel, room);
    this.#staleChannels.delete(channel);
    try {
      await this.#sub.subscribe(channel);
    } catch (error) {
      this.#rooms.delete(channel);
      throw error;
    }
  }

  async unsubscribe(room: string): Promise<void> {
    const channel = this.#keys.roomChannel(room);
    this.#rooms.delete(channel);
    try {
      await this.#sub.unsubscribe(channel);
    } catch {
      this.#staleChannels.add(channel);
    }
  }

  async readRange(room: string, fromSeq: number, toSeq: number): Promise<SequencedEvent[]> {
    const to = toSeq >= Number.MAX_SAFE_INTEGER ? '+' : streamId(toSeq);
    const [epoch, , entries] = await this.#cmd.busHistory(
      this.#keys.roomStream(room),
      this.#keys.roomMeta(room),
      'range',
      streamId(Math.max(0, fromSeq)),
      to,
    );
    if (epoch === '') return [];
    return entries.map(([id, fields]) => decodeEvent(room, epoch, seqOfStreamId(id), fields[1]!));
  }

  async readLast(room: string, count: number): Promise<{ position: BusPosition | undefined; events: SequencedEvent[] }> {
    const [epoch, top, entries] = await this.#cmd.busHistory(this.#keys.roomStream(room), this.#keys.roomMeta(room), 'last', String(count));
    if (epoch === '') return { position: undefined, events: [] };
    const events = entries.reverse().map(([id, fields]) => decodeEvent(room, epoch, seqOfStreamId(id), fields[1]!));
    return { position: { epoch, seq: top }, events };
  }

  async claimNick(nickKey: string, holder: NickHolder): Promise<ClaimResult> {
    if (this.#state !== 'up') return { ok: false, unavailable: true };
    const value = encodeNickHolder(holder);
    try {
      const heldBy = await this.#cmd.busClaimNick(this.#keys.nick(nickKey), value, this.#options.timings.nickTtlMs);
      if (heldBy !== '') return { ok: false, heldBy: decodeNickHolder(heldBy) };
      this.#nicks.set(nickKey, value);
      return { ok: true };
    } catch (error) {
      this.#options.log.warn({ err: error, nickKey }, 'bus: nick claim failed');
      return { ok: false, unavailable: true };
    }
  }

  async releaseNick(nickKey: string): Promise<void> {
    const value = this.#nicks.get(nickKey);
    if (value === undefined) return;
    this.#nicks.delete(nickKey);
    if (this.#cmd.status !== 'ready') return; // not renewed any more: it expires
    await this.#cmd
      .busReleaseNick(this.#keys.nick(nickKey), value)
      .catch((error: Error) => this.#options.log.warn({ err: error, nickKey }, 'bus: nick release failed; it expires'));
  }

  async lookupNick(nickKey: string): Promise<NickHolder | undefined> {
    const value = await this.#cmd.get(this.#keys.nick(nickKey));
    return value === null ? undefined : decodeNickHolder(value);
  }

  setMember(member: NodeMember): void {
    this.#members.set(member.connectionId, member);
    // Written whenever the connection is, recovery included: the node hash is rewritten from #members on
    // return, and a change made during the rewrite lands after it.
    if (this.#cmd.status !== 'ready') return;
    const key = this.#keys.node(this.nodeId);
    this.#cmd.hset(key, String(member.connectionId), encodeMember(member)).catch(this.#presenceFailed);
    this.#cmd.pexpire(key, this.#nodeHashTtlMs).catch(this.#presenceFailed);
  }

  removeMember(connectionId: number): void {
    this.#members.delete(connectionId);
    if (this.#cmd.status !== 'ready') return;
    this.#cmd.hdel(this.#keys.node(this.nodeId), String(connectionId)).catch(this.#presenceFailed);
  }

  async listRooms(): Promise<Map<string, number>> {
    return roomCounts([...(await this.#others()), ...this.#members.values()]);
  }

  async listMembers(room: string): Promise<string[]> {
    return roomNicks([...(await this.#others()), ...this.#members.values()], room);
  }

  async whois(nickKey: string): Promise<(NickHolder & { rooms: string[]; operator: boolean }) | undefined> {
    const holder = await this.lookupNick(nickKey);
    if (holder === undefined) return undefined;
    const member =
      holder.node === this.nodeId ? this.#members.get(holder.connectionId) : await this.#remoteMember(holder.node, holder.connectionId);
    return { ...holder, rooms: member?.rooms ?? [], operator: member?.operator ?? false };
  }

  async sendToNode(node: string, message: NodeMessage): Promise<'delivered' | 'no-such-node' | 'unavailable'> {
    if (this.#state !== 'up') return 'unavailable';
    try {
      const receivers = await this.#cmd.publish(this.#keys.nodeInbox(node), JSON.stringify(message));
      return receivers > 0 ? 'delivered' : 'no-such-node';
    } catch (error) {
      this.#options.log.warn({ err: error, node }, 'bus: node message failed');
      return 'unavailable';
    }
  }

  get #nodeHashTtlMs(): number {
    return nodeHashTtlFactor * this.#options.timings.nickTtlMs;
  }

  readonly #presenceFailed = (error: Error): void => {
    this.#options.log.warn({ err: error }, 'bus: presence update failed; rewritten on return');
  };

  #assertUp(): void {
    if (this.#state !== 'up') throw new Error(`the Redis bus at ${this.#where} is unavailable`);
  }

  #message(channel: string, message: string): void {
    const handlers = this.#handlers!;
    try {
      if (channel === this.#inbox) {
        handlers.nodeMessage(JSON.parse(message) as NodeMessage);
        return;
      }
      const room = this.#rooms.get(channel);
      if (room === undefined) return;
      const dropEvery = this.#options.dropLiveEvery;
      if (dropEvery > 0 && ++this.#liveEvents % dropEvery === 0) return;
      handlers.event(decodeLiveMessage(room, message));
    } catch (error) {
      this.#options.log.warn({ err: error, channel }, 'bus: a message could not be read or handled; dropped');
    }
  }

  // Outages. Either connection closing is an outage: without `sub` the feed has holes, without `cmd` nothing
  // can be published. Health goes down once, and up once both are ready and this node's state is back.

  #lost(): void {
    if (this.#state !== 'up') return;
    this.#state = 'down';
    const error = `Redis at ${this.#where}: ${this.#lastError || 'connection closed'}`;
    this.#options.log.warn({ error }, 'bus: down');
    this.#handlers!.health({ state: 'down', error });
  }

  #ready(): void {
    if (this.#state === 'down') void this.#recover();
  }

  async #recover(): Promise<void> {
    if (this.#recovering || this.#cmd.status !== 'ready' || this.#sub.status !== 'ready') return;
    this.#recovering = true;
    try {
      await this.#answered(this.#reassert());
      if (this.#state !== 'down' || this.#cmd.status !== 'ready' || this.#sub.status !== 'ready') return;
      this.#state = 'up';
      this.#judgeAfterMs = Date.now() + recoveryGraceTtls * this.#options.timings.nickTtlMs;
      this.#lastError = '';
      this.#options.log.info('bus: up');
      this.#handlers!.health({ state: 'up', reaped: this.#reapedWhileAway });
    } catch (error) {
      // Still down: the next `ready` or heartbeat tries again.
      this.#options.log.warn({ err: error }, 'bus: recovery failed');
    } finally {
      this.#recovering = false;
    }
  }

  /** This node's liveness, presence and nicks as before the outage, and its subscriptions live. */
  async #reassert(): Promise<void> {
    const reaper = await this.#cmd.get(this.#keys.reap(this.nodeId));
    this.#reapedWhileAway = reaper !== null && reaper !== this.nodeId;
    if (this.#reapedWhileAway) {
      this.#options.log.warn({ reaper }, 'bus: this node was reaped while away; re-asserting it');
      // Told once: a second outage within the lock's life must not look like a second reaping.
      await this.#cmd.del(this.#keys.reap(this.nodeId));
    }
    await this.#assertLiveness();
    await this.#rewriteMembers();
    await this.#renewNicks();
    await this.#dropStaleChannels();
    // Replies come in order: ioredis re-sent the subscriptions before emitting `ready`, so once this PING
    // answers they are live.
    await this.#sub.ping();
  }

  async #dropStaleChannels(): Promise<void> {
    const stale = [...this.#staleChannels];
    this.#staleChannels.clear();
    if (stale.length > 0) await this.#sub.unsubscribe(...stale);
  }

  // Heartbeats: liveness, the node hash's expiry, nicks, rooms' safety expiry, and reaping.

  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      if (this.#state === 'down') await this.#recover();
      if (this.#state !== 'up') return;
      await this.#answered(
        Promise.all([
          this.#assertLiveness(),
          this.#sub.ping(),
          this.#renewMembers(),
          this.#renewNicks(),
          this.#renewRooms(),
          this.#reapDeadNodes(),
        ]),
      );
    } catch (error) {
      this.#options.log.warn({ err: error }, 'bus: heartbeat failed');
    } finally {
      this.#beating = false;
    }
  }

  /**
   * `work`, watched: unanswered for long, the connections are taken for dead (a partition that no `close`
   * announced) and reconnected, which fails what is pending and turns the silence into an outage.
   */
  async #answered<T>(work: Promise<T>): Promise<T> {
    const boundMs = Math.max(minUnansweredMs, this.#options.timings.heartbeatMs);
    const watchdog = setTimeout(() => {
      if (this.#state === 'closing' || this.#state === 'closed') return;
      this.#lastError = `no answer for ${boundMs} ms`;
      this.#cmd.disconnect(true);
      this.#sub.disconnect(true);
    }, boundMs);
    try {
      return await work;
    } finally {
      clearTimeout(watchdog);
    }
  }

  async #assertLiveness(): Promise<void> {
    await this.#cmd.zadd(this.#keys.nodes, Date.now() + this.#options.timings.nickTtlMs, this.nodeId);
  }

  async #renewMembers(): Promise<void> {
    if (this.#members.size === 0) return;
    // Gone (a reaper deleted it while this node stalled, or Redis lost it): write it again.
    if ((await this.#cmd.pexpire(this.#keys.node(this.nodeId), this.#nodeHashTtlMs)) === 0) await this.#rewriteMembers();
  }

  async #rewriteMembers(): Promise<void> {
    const key = this.#keys.node(this.nodeId);
    const transaction = this.#cmd.multi().del(key);
    if (this.#members.size > 0) {
      const fields = Object.fromEntries([...this.#members].map(([connectionId, member]) => [connectionId, encodeMember(member)]));
      transaction.hset(key, fields).pexpire(key, this.#nodeHashTtlMs);
    }
    await transaction.exec();
  }

  /** Renews this node's nicks, re-claiming any that expired untaken; those someone else took are lost. */
  async #renewNicks(): Promise<void> {
    const nickKeys = [...this.#nicks.keys()];
    for (let start = 0; start < nickKeys.length; start += nicksPerRenewal) {
      // Values read now, as the batch is sent: a nick released meanwhile must not be re-claimed.
      const batch = nickKeys.slice(start, start + nicksPerRenewal).flatMap((key) => {
        const value = this.#nicks.get(key);
        return value === undefined ? [] : [[key, value] as const];
      });
      if (batch.length === 0) continue;
      const lost = await this.#cmd.busRenewNicks(
        batch.length,
        ...batch.map(([key]) => this.#keys.nick(key)),
        this.#options.timings.nickTtlMs,
        ...batch.map(([, value]) => value),
      );
      for (const index of lost) {
        const [key, value] = batch[index - 1]!;
        if (this.#nicks.get(key) !== value) continue;
        this.#nicks.delete(key);
        this.#handlers!.nickLost(key);
      }
    }
  }

  async #renewRooms(): Promise<void> {
    const now = Date.now();
    if (now - this.#roomsRenewedAtMs < roomRenewalEveryMs) return;
    this.#roomsRenewedAtMs = now;
    const rooms = new Set([...this.#members.values()].flatMap((member) => member.rooms));
    await Promise.all(
      [...rooms].flatMap((room) => [
        this.#cmd.pexpire(this.#keys.roomStream(room), roomSafetyTtlMs),
        this.#cmd.pexpire(this.#keys.roomMeta(room), roomSafetyTtlMs),
      ]),
    );
  }

  /**
   * Every node's liveness lapses during an outage longer than the nick TTL; the first node back would reap
   * the others before their own reconnects re-assert them, announcing their users' quits. So a node judges
   * others only once it has been up for a nick TTL: every live node has re-asserted by then.
   */
  async #reapDeadNodes(): Promise<void> {
    if (Date.now() < this.#judgeAfterMs) return;
    const dead = await this.#cmd.zrangebyscore(this.#keys.nodes, '-inf', Date.now());
    // Not awaited: the coordinator's quits for a dead node's users may take longer than a heartbeat.
    for (const node of dead) if (node !== this.nodeId && !this.#reaping.has(node)) void this.#reap(node);
  }

  /**
   * One reaper per dead node (the `P:reap:{D}` lock): it hands the node's members to the coordinator, which
   * publishes their quits, then frees the node's nicks and forgets it. A reaper that fails leaves the lock
   * to expire, and another node (or this one) tries again; the quits' idempotency keys add nothing twice.
   */
  async #reap(node: string): Promise<void> {
    this.#reaping.add(node);
    const keys = this.#keys;
    try {
      if ((await this.#cmd.set(keys.reap(node), this.nodeId, 'PX', reapLockTtlMs, 'NX')) !== 'OK') return;
      const members = (await this.#cmd.hvals(keys.node(node))).map(decodeMember);
      this.#options.log.info({ node, members: members.length }, 'bus: reaping a dead node');
      await this.#handlers!.reap(node, members);
      const nickKeys = [...new Set(members.map((member) => keys.nick(nickKeyOf(member.nick))))];
      if (nickKeys.length > 0) await this.#cmd.busReleaseNodeNicks(nickKeys.length, ...nickKeys, `${node}|`);
      await this.#cmd.multi().del(keys.node(node)).zrem(keys.nodes, node).exec();
    } catch (error) {
      this.#options.log.warn({ err: error, node }, 'bus: reaping failed; retried once the lock expires');
    } finally {
      this.#reaping.delete(node);
    }
  }

  // Listings: the other live nodes' members, read at most once per listingCacheMs, plus this node's own.

  #others(): Promise<NodeMember[]> {
    this.#assertUp();
    const now = Date.now();
    const cached = this.#othersCache;
    if (cached !== undefined && now - cached.atMs < listingCacheMs) return cached.members;
    const members = this.#readOthers(now);
    this.#othersCache = { atMs: now, members };
    members.catch(() => {
      if (this.#othersCache?.members === members) this.#othersCache = undefined;
    });
    return members;
  }

  async #readOthers(now: number): Promise<NodeMember[]> {
    const nodes = await this.#cmd.zrangebyscore(this.#keys.nodes, `(${now}`, '+inf');
    const hashes = await Promise.all(nodes.filter((node) => node !== this.nodeId).map((node) => this.#cmd.hvals(this.#keys.node(node))));
    return hashes.flat().map(decodeMember);
  }

  async #remoteMember(node: string, connectionId: number): Promise<NodeMember | undefined> {
    const value = await this.#cmd.hget(this.#keys.node(node), String(connectionId));
    return value === null ? undefined : decodeMember(value);
  }

  /** A graceful stop: other nodes need not wait for this node's nicks and liveness to expire. */
  async #withdraw(): Promise<void> {
    const keys = this.#keys;
    const nicks = [...this.#nicks];
    this.#nicks.clear();
    await Promise.all([
      ...nicks.map(([key, value]) => this.#cmd.busReleaseNick(keys.nick(key), value)),
      this.#cmd.del(keys.node(this.nodeId)),
      this.#cmd.zrem(keys.nodes, this.nodeId),
    ]);
  }
}

/**
 * Whether a failed command may have run. Refused before it was written (the connection was already gone:
 * no offline queue) or answered with an error by Redis: it did not append. Anything else (the connection
 * closed with it in flight, ioredis's MaxRetriesPerRequestError) leaves it unknown.
 */
function wasSent(error: Error): boolean {
  return !(error.message.startsWith("Stream isn't writeable") || error.name === 'ReplyError');
}

function freshEpoch(): string {
  return randomBytes(6).toString('hex');
}

/** The URL without its credentials, for messages and logs. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

function whenReady(connection: Redis): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => connection.once('ready', () => resolve()));
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  await withTimeout(connection.quit(), closeTimeoutMs).catch(() => connection.disconnect());
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
