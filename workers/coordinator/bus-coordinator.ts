// The coordinator of one node among several (--bus): the same ops and answers as Coordinator, but rooms,
// nicks and listings are the whole service's, kept on the bus (src/bus/). The node is the bus's only
// gateway for its workers.
//
// Ordering: a room line is published and delivered only when it comes back from the bus, in the bus's
// order (BusRoomFeed), to every node alike: the sender's own echo included. A join makes the joiner a
// member when its join event comes back, so its `joined` (with history) precedes every line after it; a
// part removes it when its part event comes back, so it gets every line sequenced before it.
//
// A connection's ops are handled in the order it sent them: an op that waits on the bus (a nick claim, a
// join's subscription, a lookup) holds that connection's later ops until it is done. Room lines do not
// wait for their own publish: publishes leave in order on one bus connection, which keeps them in order.
//
// Failure (docs/design/multi-node-bus.md §5): while the bus is down, members are told once, new lines and
// joins are refused with BUS_UNAVAILABLE, and parts and quits wait to be published on its return; a
// publish whose outcome is unknown is re-sent with its idempotency key, so it is appended at most once.
import { describeBusUrl } from '../../src/bus/bus-url.ts';
import type { Bus, BusHandlers, BusHealth, BusRoomEvent, NodeMember, NodeMessage, SequencedEvent } from '../../src/bus/bus.ts';
import type { ServerConfig } from '../../src/config.ts';
import type { CoordinatorFlowStats, CoordinatorStats } from '../../src/control-api.ts';
import type { Logger } from '../../src/log.ts';
import { errorNotice } from '../../src/protocol/errors.ts';
import { defaultRoom, maxNickLength, nickKey } from '../../src/protocol/names.ts';
import { TokenBucket } from '../../src/protocol/token-bucket.ts';
import type { ThreadLoad } from '../../src/thread-load.ts';
import type { CoordinatorOp, Listing, Notice, PackedRoomEvent, RoomEventKind, WorkerOp } from '../../src/thread-messages.ts';
import { BusRoomFeed, type FeedStep } from './bus-room-feed.ts';
import { checkOperatorPassword, maxListedMembers, maxListedRooms, type SendToWorker } from './coordinator.ts';
import { HistoryRing } from './history-ring.ts';
import { operatorAttemptLimits, PasswordAttemptLimiter } from './password-attempt-limiter.ts';

interface Member {
  connectionId: number;
  workerId: number;
  nick: string;
  address: string;
  /** Rooms it is a member of: its join came back from the bus. */
  rooms: Set<Room>;
  /** Rooms whose join it asked for, not yet back: its lines there are published after the join. */
  joining: Set<Room>;
  isOperator: boolean;
  roomCreations: TokenBucket;
}

interface Room {
  name: string;
  /** Undefined until the room's live feed is on and its history read. */
  feed: BusRoomFeed | undefined;
  /** Live events that came before the history read, for the feed to sort out. */
  early: SequencedEvent[];
  /** Resolves true once the room is fed, false if the bus could not be reached. */
  ready: Promise<boolean>;
  members: Map<number, Member>;
  joining: Map<number, Member>;
  membersPerWorker: Map<number, number>;
  history: HistoryRing<PackedRoomEvent>;
  filling: boolean;
  /** Publishes of this node in flight here: the room stays subscribed until they are back. */
  publishing: number;
  /** The highest sequence this node published here, and what it was at the last check (trailing loss). */
  ownTop: number;
  ownTopAtCheck: number;
  /** When the room last delivered an event, and when its position was last checked (see #checkFeeds). */
  lastEventAt: number;
  positionCheckedAt: number;
}

interface PendingPublish {
  room: string;
  event: BusRoomEvent;
  key: string;
  refused: (() => void) | undefined;
}

/** Events early to a room's feed, publishes waiting for the bus, ops waiting on a connection: all bounded. */
const maxEarlyEvents = 10_000;
const maxPendingPublishes = 10_000;
/** Publishes in flight past which this node stops taking its workers' ops (they then pause their sockets). */
const publishHighWater = 4_096;
const publishLowWater = 1_024;
/** How long an own event may be missing from the feed before it is read from the bus (a lost live message). */
const feedCheckMs = 1_000;
/** A room quiet this long (and active within the last minute) has its position checked every few seconds. */
const quietBeforeCheckMs = 1_500;
const quietChecksForMs = 60_000;
const positionCheckMs = 3_000;
const busDownText = 'The chat bus that joins the servers is unreachable: lines you send are refused until it returns.';
const busBackText = 'The chat bus is back.';
const resetText = (room: string) => `The chat bus lost the history of room ${room} (it restarted without its data).`;
const missedText = (room: string) => `Some lines of room ${room} were missed: this server fell too far behind the chat bus.`;

type RoutedOp = Exclude<WorkerOp, { type: 'drain' | 'ack' }>;

export class BusCoordinator {
  readonly #config: ServerConfig;
  readonly #send: SendToWorker;
  readonly #log: Logger;
  readonly #bus: Bus;
  readonly #clock: () => number;
  readonly #members = new Map<number, Member>();
  readonly #membersByNick = new Map<string, Member>();
  readonly #rooms = new Map<string, Room>();
  readonly #operatorAttempts = new PasswordAttemptLimiter(operatorAttemptLimits);
  /** Per connection, the op it is waiting on; its later ops run after it. Only while one waits. */
  readonly #queues = new Map<number, Promise<void>>();
  readonly #deferred: PendingPublish[] = [];
  readonly #unknown: PendingPublish[] = [];
  readonly #onUnsaturated: () => void;
  #publishing = 0;
  #nextKey = 0;
  #busUp = true;
  #feedCheckTimer: NodeJS.Timeout | undefined;
  readonly #counts = { roomMessages: 0, forwards: 0, gapFills: 0, positionFills: 0, resets: 0, missed: 0 };

  constructor(config: ServerConfig, send: SendToWorker, log: Logger, bus: Bus, onUnsaturated: () => void, clock: () => number = Date.now) {
    this.#config = config;
    this.#send = send;
    this.#log = log;
    this.#bus = bus;
    this.#onUnsaturated = onUnsaturated;
    this.#clock = clock;
  }

  /** Connects the bus; rejects with its reason if it cannot be reached. */
  async start(): Promise<void> {
    const handlers: BusHandlers = {
      event: (event) => this.#event(event),
      nodeMessage: (message) => this.#nodeMessage(message),
      health: (health) => this.#health(health),
      nickLost: (key) => void this.#nickLost(key),
      reap: (node, members) => this.#reap(node, members),
    };
    await this.#bus.start(handlers);
    this.#feedCheckTimer = setInterval(() => this.#checkFeeds(), feedCheckMs);
    this.#feedCheckTimer.unref();
    this.#log.info({ node: this.#bus.nodeId, bus: describeBusUrl(this.#config.busUrl!) }, 'joined the chat bus');
  }

  /** Leaves the bus: this node's nicks and presence go with it. */
  async close(): Promise<void> {
    clearInterval(this.#feedCheckTimer);
    await this.#bus.close();
  }

  /** Whether so many publishes are in flight that the workers' ops should wait (their windows then fill). */
  get saturated(): boolean {
    return this.#publishing >= publishHighWater;
  }

  /** Resolves once every line this node published is back from the bus (the shutdown barrier), or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const unsettled = () => this.#publishing > 0 || [...this.#rooms.values()].some((room) => room.ownTop > (room.feed?.lastDelivered ?? 0));
    while (unsettled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  handle(workerId: number, op: RoutedOp): void {
    const waiting = this.#queues.get(op.connectionId);
    if (waiting === undefined) return this.#queue(op.connectionId, this.#run(workerId, op));
    this.#queue(
      op.connectionId,
      waiting.then(() => this.#run(workerId, op)),
    );
  }

  forgetWorker(workerId: number, reason: string): void {
    for (const member of this.#members.values()) if (member.workerId === workerId) this.#leave(member, reason);
  }

  stats(): Omit<CoordinatorStats, keyof ThreadLoad | keyof CoordinatorFlowStats> {
    const workers = new Set<number>();
    for (const member of this.#members.values()) workers.add(member.workerId);
    return {
      nicks: this.#membersByNick.size,
      rooms: this.#rooms.size,
      roomMessages: this.#counts.roomMessages,
      forwards: this.#counts.forwards,
      workers: workers.size,
      bus: {
        node: this.#bus.nodeId,
        up: this.#busUp,
        publishing: this.#publishing,
        gapFills: this.#counts.gapFills + this.#counts.positionFills,
        resets: this.#counts.resets,
        missed: this.#counts.missed,
      },
    };
  }

  #queue(connectionId: number, work: void | Promise<void>): void {
    if (work === undefined) return;
    const settled = work.catch((error: unknown) => this.#log.error({ err: error, connectionId }, 'bus coordinator op failed; skipped'));
    this.#queues.set(connectionId, settled);
    void settled.then(() => {
      if (this.#queues.get(connectionId) === settled) this.#queues.delete(connectionId);
    });
  }

  #run(workerId: number, op: RoutedOp): void | Promise<void> {
    if (op.type === 'hello') return this.#hello(workerId, op.connectionId, op.nick, op.room, op.address);
    const member = this.#members.get(op.connectionId);
    if (op.type === 'leave') {
      this.#send(workerId, { type: 'left', connectionId: op.connectionId });
      if (member !== undefined) this.#leave(member, op.reason);
      return;
    }
    if (member === undefined) return;
    switch (op.type) {
      case 'say':
        return this.#say(member, op.room, op.kind, op.text);
      case 'join':
        return this.#join(member, op.room);
      case 'part':
        return this.#part(member, op.room);
      case 'rename':
        return this.#rename(member, op.nick);
      case 'private':
        return this.#private(member, op.toNick, op.text);
      case 'whois':
        return this.#whois(member, op.nick);
      case 'list-rooms':
        return this.#listRooms(member);
      case 'list-members':
        return this.#listMembers(member, op.room);
      case 'history':
        return this.#history(member, op.room, op.count);
      case 'kick':
        return this.#kick(member, op.nick, op.reason);
      case 'oper':
        return this.#oper(member, op.password);
    }
  }

  async #hello(workerId: number, connectionId: number, nick: string, room: string, address: string): Promise<void> {
    const result = (accepted: boolean, heldBy?: string, error?: Notice) =>
      this.#send(workerId, { type: 'hello-result', connectionId, nick, accepted, heldBy, error });
    const key = nickKey(nick);
    const local = this.#membersByNick.get(key);
    if (local !== undefined || this.#members.has(connectionId)) return result(false, local?.nick);
    const claim = await this.#bus.claimNick(key, { nick, node: this.#bus.nodeId, connectionId });
    if (!claim.ok) return 'heldBy' in claim ? result(false, claim.heldBy.nick) : result(false, undefined, errorNotice('BUS_UNAVAILABLE'));
    const { roomCreationsPerMinute } = this.#config;
    const member: Member = {
      connectionId,
      workerId,
      nick,
      address,
      rooms: new Set(),
      joining: new Set(),
      isOperator: false,
      roomCreations: new TokenBucket(roomCreationsPerMinute / 60, roomCreationsPerMinute, this.#clock()),
    };
    this.#members.set(connectionId, member);
    this.#membersByNick.set(key, member);
    result(true);
    this.#showPresence(member);
    return this.#join(member, room);
  }

  async #join(member: Member, roomName: string): Promise<void> {
    let room = this.#rooms.get(roomName);
    if (room !== undefined && (room.members.has(member.connectionId) || room.joining.has(member.connectionId))) return;
    const refuse = (error: Notice) =>
      this.#send(member.workerId, { type: 'join-refused', connectionId: member.connectionId, room: roomName, error });
    if (!this.#busUp) return refuse(errorNotice('BUS_UNAVAILABLE'));
    if (room === undefined) {
      // With a bus, --max-rooms bounds the rooms this node holds (its memory), and creating means opening here.
      if (roomName !== defaultRoom && this.#rooms.size >= this.#config.maxRooms) return refuse(errorNotice('ROOM_LIMIT', roomName));
      if (roomName !== defaultRoom && !member.roomCreations.tryTake(1, this.#clock())) {
        return refuse(errorNotice('ROOM_CREATION_LIMIT', roomName, this.#config.roomCreationsPerMinute));
      }
      room = this.#openRoom(roomName);
    }
    room.joining.set(member.connectionId, member);
    member.joining.add(room);
    const fed = room.feed !== undefined || (await room.ready);
    if (!this.#members.has(member.connectionId)) return;
    if (!fed) {
      this.#dropJoining(member, room);
      return refuse(errorNotice('BUS_UNAVAILABLE'));
    }
    this.#publish(room, this.#eventOf(member, 'join', ''), () => {
      this.#dropJoining(member, room);
      refuse(errorNotice('BUS_UNAVAILABLE'));
    });
  }

  #part(member: Member, roomName: string): void {
    const room = this.#rooms.get(roomName);
    const inRoom = room !== undefined && (room.members.has(member.connectionId) || room.joining.has(member.connectionId));
    if (!inRoom) {
      this.#send(member.workerId, { type: 'parted', connectionId: member.connectionId, room: roomName });
      return;
    }
    // Out when the part comes back (see #deliver); if the bus is away, out now, and the others hear it on its return.
    const partNow = () => {
      this.#send(member.workerId, { type: 'parted', connectionId: member.connectionId, room: roomName });
      this.#removeFromRoom(member, room);
    };
    this.#publish(room, this.#eventOf(member, 'part', ''), partNow, true);
  }

  #leave(member: Member, reason: string): void {
    for (const room of [...member.rooms, ...member.joining]) {
      this.#removeFromRoom(member, room);
      this.#publish(room, this.#eventOf(member, 'quit', reason), undefined, true);
    }
    this.#members.delete(member.connectionId);
    this.#membersByNick.delete(nickKey(member.nick));
    this.#bus.removeMember(member.connectionId);
    void this.#bus.releaseNick(nickKey(member.nick)).catch(() => {});
  }

  async #rename(member: Member, nick: string): Promise<void> {
    const result = (accepted: boolean, heldBy?: string, error?: Notice) =>
      this.#send(member.workerId, { type: 'rename-result', connectionId: member.connectionId, nick, accepted, heldBy, error });
    const key = nickKey(nick);
    const holder = this.#membersByNick.get(key);
    if (holder !== undefined && holder !== member) return result(false, holder.nick);
    if (holder === undefined) {
      const claim = await this.#bus.claimNick(key, { nick, node: this.#bus.nodeId, connectionId: member.connectionId });
      if (!claim.ok) return 'heldBy' in claim ? result(false, claim.heldBy.nick) : result(false, undefined, errorNotice('BUS_UNAVAILABLE'));
      if (!this.#members.has(member.connectionId)) return void this.#bus.releaseNick(key);
    }
    result(true);
    this.#renamed(member, nick);
  }

  /** `member` holds `nick` now (claimed on the bus): rooms hear it, the old nick is freed. */
  #renamed(member: Member, nick: string): void {
    const previous = member.nick;
    this.#membersByNick.delete(nickKey(previous));
    this.#membersByNick.set(nickKey(nick), member);
    member.nick = nick;
    if (nickKey(previous) !== nickKey(nick)) void this.#bus.releaseNick(nickKey(previous)).catch(() => {});
    for (const room of [...member.rooms, ...member.joining]) {
      const event = this.#eventOf(member, 'rename', nick);
      this.#publish(room, { ...event, nick: previous }, undefined, true);
    }
    this.#showPresence(member);
  }

  #say(member: Member, roomName: string, kind: 'say' | 'me', text: string): void {
    const room = this.#rooms.get(roomName);
    if (room === undefined || !(room.members.has(member.connectionId) || room.joining.has(member.connectionId))) return;
    this.#publish(room, this.#eventOf(member, kind, text), () => this.#reply(member, errorNotice('BUS_UNAVAILABLE')));
  }

  async #private(sender: Member, toNick: string, text: string): Promise<void> {
    const local = this.#membersByNick.get(nickKey(toNick));
    if (local !== undefined) {
      const message = { kind: 'private', from: sender.nick, to: local.nick, text } as const;
      this.#reply(local, { ...message, echo: false });
      return this.#reply(sender, { ...message, echo: true });
    }
    const holder = await this.#ask(sender, () => this.#bus.lookupNick(nickKey(toNick)));
    if (holder === null) return;
    if (holder === undefined || holder.node === this.#bus.nodeId) return this.#reply(sender, errorNotice('NO_SUCH_NICK', toNick));
    const sent = await this.#bus.sendToNode(holder.node, {
      type: 'private',
      to: holder.connectionId,
      from: sender.nick,
      toNick: holder.nick,
      text,
    });
    if (sent === 'delivered') return this.#reply(sender, { kind: 'private', from: sender.nick, to: holder.nick, text, echo: true });
    this.#reply(sender, sent === 'unavailable' ? errorNotice('BUS_UNAVAILABLE') : errorNotice('NO_SUCH_NICK', toNick));
  }

  async #whois(asker: Member, nick: string): Promise<void> {
    const local = this.#membersByNick.get(nickKey(nick));
    let found: { nick: string; rooms: readonly string[]; operator: boolean } | undefined;
    if (local !== undefined) found = { nick: local.nick, rooms: [...local.rooms].map((room) => room.name), operator: local.isOperator };
    else {
      const remote = await this.#ask(asker, () => this.#bus.whois(nickKey(nick)));
      if (remote === null) return;
      found = remote;
    }
    // Only the nick itself (up to ASCII case), not a look-alike: WHOIS asks about one user.
    const target = found?.nick.toLowerCase() === nick.toLowerCase() ? found : undefined;
    this.#reply(asker, {
      kind: 'whois',
      nick: target?.nick ?? nick,
      online: target !== undefined,
      rooms: target === undefined ? [] : [...target.rooms].sort(),
      operator: target?.operator === true,
    });
  }

  async #listRooms(asker: Member): Promise<void> {
    const counts = await this.#ask(asker, () => this.#bus.listRooms());
    if (counts === null) return;
    const rooms = [...counts].sort(([a], [b]) => a.localeCompare(b));
    const listed = rooms.slice(0, maxListedRooms);
    this.#answer(asker, { kind: 'rooms', rooms: listed, more: rooms.length - listed.length });
  }

  async #listMembers(asker: Member, roomName: string): Promise<void> {
    const nicks = await this.#ask(asker, () => this.#bus.listMembers(roomName));
    if (nicks === null) return;
    const sorted = [...nicks].sort();
    const listed = sorted.slice(0, maxListedMembers);
    this.#answer(asker, { kind: 'members', room: roomName, nicks: listed, more: sorted.length - listed.length });
  }

  async #history(asker: Member, roomName: string, count: number): Promise<void> {
    const room = this.#rooms.get(roomName);
    let events: PackedRoomEvent[];
    if (room?.feed !== undefined) events = room.history.last(count);
    else {
      const read = await this.#ask(asker, () => this.#bus.readLast(roomName, Math.min(count, this.#config.historySize)));
      if (read === null) return;
      events = read.events.map(pack);
    }
    this.#send(asker.workerId, { type: 'history', connectionId: asker.connectionId, room: roomName, events });
  }

  async #kick(operator: Member, nick: string, reason: string): Promise<void> {
    const refuse = (notice: Notice) => this.#reply(operator, notice);
    if (!operator.isOperator) return refuse(errorNotice(this.#config.operatorPassword === undefined ? 'OPER_DISABLED' : 'NOT_OPERATOR'));
    const local = this.#membersByNick.get(nickKey(nick));
    if (local === operator) return refuse(errorNotice('KICK_SELF'));
    if (local !== undefined) {
      if (local.isOperator) return refuse(errorNotice('KICK_OPERATOR', local.nick));
      this.#log.warn(
        { operator: operator.nick, operatorAddress: operator.address, target: local.nick, targetAddress: local.address, reason },
        'kick',
      );
      this.#send(local.workerId, { type: 'kicked', connectionId: local.connectionId, by: operator.nick, reason });
      return refuse({ kind: 'info', text: `${local.nick} was kicked: ${reason}` });
    }
    const target = await this.#ask(operator, () => this.#bus.whois(nickKey(nick)));
    if (target === null) return;
    if (target === undefined) return refuse(errorNotice('NO_SUCH_NICK', nick));
    if (target.operator) return refuse(errorNotice('KICK_OPERATOR', target.nick));
    this.#log.warn(
      { operator: operator.nick, operatorAddress: operator.address, target: target.nick, targetNode: target.node, reason },
      'kick',
    );
    const sent = await this.#bus.sendToNode(target.node, { type: 'kick', to: target.connectionId, by: operator.nick, reason });
    if (sent === 'delivered') return refuse({ kind: 'info', text: `${target.nick} was kicked: ${reason}` });
    refuse(sent === 'unavailable' ? errorNotice('BUS_UNAVAILABLE') : errorNotice('NO_SUCH_NICK', nick));
  }

  #oper(member: Member, password: string): void {
    const outcome = checkOperatorPassword(this.#config, this.#operatorAttempts, member, password, this.#clock(), this.#log);
    if (outcome.granted) {
      member.isOperator = true;
      this.#send(member.workerId, { type: 'oper-granted', connectionId: member.connectionId });
      this.#showPresence(member);
    }
    this.#reply(member, outcome.notice);
  }

  /** A bus read for `asker`: its answer, or null once the asker was told the bus is unavailable. */
  async #ask<T>(asker: Member, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      this.#log.warn({ err: error }, 'bus read failed');
      this.#reply(asker, errorNotice('BUS_UNAVAILABLE'));
      return null;
    }
  }

  // ---- rooms on the bus ----

  #openRoom(name: string): Room {
    const room: Room = {
      name,
      feed: undefined,
      early: [],
      ready: Promise.resolve(false),
      members: new Map(),
      joining: new Map(),
      membersPerWorker: new Map(),
      history: new HistoryRing(this.#config.historySize, this.#config.historyMaxBytes),
      filling: false,
      publishing: 0,
      ownTop: 0,
      ownTopAtCheck: 0,
      lastEventAt: Date.now(),
      positionCheckedAt: 0,
    };
    this.#rooms.set(name, room);
    room.ready = this.#feed(room).then(
      () => true,
      (error: unknown) => {
        this.#log.warn({ err: error, room: name }, 'could not open the room on the bus');
        if (this.#rooms.get(name) === room) this.#rooms.delete(name);
        void this.#bus.unsubscribe(name).catch(() => {});
        return false;
      },
    );
    return room;
  }

  /** Subscribes first, then reads: an event published in between arrives live and the feed drops its repeat. */
  async #feed(room: Room): Promise<void> {
    await this.#bus.subscribe(room.name);
    await this.#seed(room);
  }

  /**
   * Starts the room's feed from what the bus holds now: its last events become the history, and the live
   * events that came meanwhile (kept in `early` while there is no feed) go through the new feed.
   */
  async #seed(room: Room, deliverAll = false): Promise<void> {
    const { position, events } = await this.#bus.readLast(room.name, this.#config.historySize);
    room.history = new HistoryRing(this.#config.historySize, this.#config.historyMaxBytes);
    if (deliverAll && position !== undefined) {
      room.feed = new BusRoomFeed({ epoch: position.epoch, seq: 0 }, this.#config.historySize + maxEarlyEvents);
      for (const event of events) this.#step(room, room.feed.accept(event));
    } else {
      room.feed = new BusRoomFeed(position, this.#config.historySize + maxEarlyEvents);
      for (const event of events) this.#keep(room, pack(event));
    }
    const early = room.early.splice(0);
    for (const event of early) this.#step(room, room.feed.accept(event));
  }

  #event(event: SequencedEvent): void {
    const room = this.#rooms.get(event.room);
    if (room === undefined) return;
    if (room.feed === undefined) {
      if (room.early.length < maxEarlyEvents) room.early.push(event);
      return;
    }
    this.#step(room, room.feed.accept(event));
  }

  #step(room: Room, step: FeedStep): void {
    if (step.kind === 'deliver') for (const event of step.events) this.#deliver(room, event);
    else if (step.kind === 'gap') void this.#fill(room);
    else void this.#reset(room, true);
  }

  /** Reads the room's open gap from the bus; what is no longer kept there is skipped, and members are told. */
  async #fill(room: Room): Promise<void> {
    if (room.filling || room.feed === undefined) return;
    room.filling = true;
    try {
      for (let gap = room.feed.nextGap(); gap !== undefined; gap = room.feed?.nextGap()) {
        this.#counts.gapFills++;
        const feed: BusRoomFeed | undefined = room.feed;
        const events = await this.#bus.readRange(room.name, gap.fromSeq, gap.toSeq);
        // A reset meanwhile started the room afresh: this fill is moot.
        if (room.feed !== feed || feed === undefined) return;
        const before = feed.lastDelivered;
        for (const event of events) this.#step(room, feed.accept(event));
        if (feed.lastDelivered === before) {
          this.#counts.missed++;
          this.#tellRoom(room, { kind: 'info', text: missedText(room.name) });
          for (const event of feed.skipGap()) this.#deliver(room, event);
        }
      }
    } catch (error) {
      // The bus went away mid-fill: the catch-up on its return fills the room again.
      this.#log.warn({ err: error, room: room.name }, 'gap fill failed');
    } finally {
      room.filling = false;
    }
  }

  /**
   * The bus lost the room's history: start again from what it has now. With a new epoch (`fromStart`)
   * every event of it is new to the members, so they get them all (those still kept); otherwise (an
   * older snapshot reusing sequences) what the bus holds becomes history and the room goes on from its top.
   */
  async #reset(room: Room, fromStart: boolean): Promise<void> {
    const previous = room.feed;
    // One reset at a time: until it is done, live events wait in `early` (a second reset started from an
    // older read could move the feed back and deliver lines twice).
    if (previous === undefined) return;
    room.feed = undefined;
    this.#counts.resets++;
    try {
      await this.#seed(room, fromStart);
      room.ownTop = room.ownTopAtCheck = 0;
      this.#tellRoom(room, { kind: 'info', text: resetText(room.name) });
    } catch (error) {
      this.#log.warn({ err: error, room: room.name }, 'room reset failed; tried again on the next event or when the bus is back');
      room.feed = previous;
      const early = room.early.splice(0);
      for (const event of early) this.#step(room, previous.accept(event));
    }
  }

  /** After an outage: what each room missed, in order, or a reset if the bus lost it. */
  async #catchUp(room: Room): Promise<void> {
    const feed = room.feed;
    if (feed === undefined) return;
    // Live events may be delivered while the read is out: only what was delivered before it was asked
    // for must be on the bus, so that is what a lower position is measured against.
    const deliveredBefore = feed.lastDelivered;
    try {
      const { position, events } = await this.#bus.readLast(room.name, this.#config.historySize);
      if (room.feed !== feed) return;
      if (position === undefined || (feed.epoch !== undefined && position.epoch !== feed.epoch))
        return void (await this.#reset(room, true));
      // Same epoch but fewer events than were delivered: restored from an older snapshot, sequences reused.
      if (position.seq < deliveredBefore) return void (await this.#reset(room, false));
      for (const event of events) this.#step(room, feed.accept(event));
      if (feed.nextGap() !== undefined) await this.#fill(room);
    } catch (error) {
      this.#log.warn({ err: error, room: room.name }, 'catch-up failed');
    }
  }

  /** A room event in the bus's order: membership effects of this node's own users, history, then fan-out. */
  #deliver(room: Room, event: SequencedEvent): void {
    if (event.node === this.#bus.nodeId) {
      if (event.kind === 'join') {
        const member = room.joining.get(event.connectionId);
        if (member !== undefined) this.#admit(member, room);
      } else if (event.kind === 'part') {
        const member = room.members.get(event.connectionId) ?? room.joining.get(event.connectionId);
        if (member !== undefined) {
          this.#send(member.workerId, { type: 'parted', connectionId: member.connectionId, room: room.name });
          this.#removeFromRoom(member, room);
        }
      }
    }
    const packed = pack(event);
    room.lastEventAt = Date.now();
    this.#keep(room, packed);
    this.#counts.roomMessages++;
    const deliver: CoordinatorOp = { type: 'deliver', event: packed };
    for (const workerId of room.membersPerWorker.keys()) {
      this.#send(workerId, deliver);
      this.#counts.forwards++;
    }
    this.#closeIfUnused(room);
  }

  /** The member's join came back: it gets the history before it, then every line after. */
  #admit(member: Member, room: Room): void {
    room.joining.delete(member.connectionId);
    member.joining.delete(room);
    room.members.set(member.connectionId, member);
    member.rooms.add(room);
    room.membersPerWorker.set(member.workerId, (room.membersPerWorker.get(member.workerId) ?? 0) + 1);
    const history = room.history.last(this.#config.historyOnJoin);
    this.#send(member.workerId, { type: 'joined', connectionId: member.connectionId, room: room.name, history });
    this.#showPresence(member);
  }

  #keep(room: Room, event: PackedRoomEvent): void {
    // Weighed by the text it holds (nicks are ASCII), so --history-max-bytes bounds the bytes kept.
    room.history.push(event, Buffer.byteLength(event[4]) + event[3].length);
  }

  #dropJoining(member: Member, room: Room): void {
    room.joining.delete(member.connectionId);
    member.joining.delete(room);
    this.#closeIfUnused(room);
  }

  #removeFromRoom(member: Member, room: Room): void {
    const wasMember = room.members.delete(member.connectionId);
    room.joining.delete(member.connectionId);
    member.rooms.delete(room);
    member.joining.delete(room);
    if (wasMember) {
      const left = (room.membersPerWorker.get(member.workerId) ?? 1) - 1;
      if (left > 0) room.membersPerWorker.set(member.workerId, left);
      else room.membersPerWorker.delete(member.workerId);
    }
    if (this.#members.has(member.connectionId)) this.#showPresence(member);
    this.#closeIfUnused(room);
  }

  /** A room nobody here is in or publishing to is unsubscribed; its history stays on the bus. */
  #closeIfUnused(room: Room): void {
    if (room.members.size > 0 || room.joining.size > 0 || room.publishing > 0 || room.filling) return;
    if (this.#rooms.get(room.name) !== room) return;
    this.#rooms.delete(room.name);
    void this.#bus.unsubscribe(room.name).catch(() => {});
  }

  // ---- publishing ----

  #eventOf(member: Member, kind: RoomEventKind, text: string): BusRoomEvent {
    return { kind, nick: member.nick, text, timeMs: this.#clock(), node: this.#bus.nodeId, connectionId: member.connectionId };
  }

  /**
   * Publishes a room event. `refused` runs if the bus certainly did not take it; with `deferrable` the
   * event is kept instead and published when the bus is back (parts and quits: they happened regardless).
   */
  #publish(room: Room, event: BusRoomEvent, refused: (() => void) | undefined, deferrable = false): void {
    const pending: PendingPublish = { room: room.name, event, key: `${this.#bus.nodeId}:${this.#nextKey++}`, refused };
    if (!this.#busUp) return this.#notPublished(pending, deferrable);
    this.#sendToBus(room, pending, deferrable);
  }

  #sendToBus(room: Room | undefined, pending: PendingPublish, deferrable: boolean): void {
    this.#publishing++;
    if (room !== undefined) room.publishing++;
    const done = () => {
      this.#publishing--;
      if (this.#publishing === publishLowWater) this.#onUnsaturated();
      if (room !== undefined) {
        room.publishing--;
        this.#closeIfUnused(room);
      }
    };
    this.#bus.publish(pending.room, pending.event, pending.key).then(
      (result) => {
        done();
        if (result.ok) {
          if (room !== undefined && this.#rooms.get(room.name) === room && result.epoch === room.feed?.epoch) {
            room.ownTop = Math.max(room.ownTop, result.seq);
          }
        } else if (result.reason === 'unknown') this.#keepFor(this.#unknown, pending);
        else this.#notPublished(pending, deferrable);
      },
      (error: unknown) => {
        done();
        this.#log.warn({ err: error, room: pending.room }, 'publish failed; its outcome is unknown');
        this.#keepFor(this.#unknown, pending);
      },
    );
  }

  #notPublished(pending: PendingPublish, deferrable: boolean): void {
    if (deferrable) {
      pending.refused?.();
      pending.refused = undefined;
      this.#keepFor(this.#deferred, pending);
    } else pending.refused?.();
  }

  #keepFor(list: PendingPublish[], pending: PendingPublish): void {
    if (list.length < maxPendingPublishes) list.push(pending);
    else {
      this.#log.warn({ room: pending.room, kind: pending.event.kind }, 'too many publishes waiting for the bus; dropped');
      pending.refused?.();
    }
  }

  /**
   * The live feed can lose a room's last events with nothing after them to show the gap (a lost pub/sub
   * message, a reconnect race). Own events missing a check after their publish are read back; and a room
   * gone quiet is asked for its position now and then (Centrifugo's periodic position check,
   * channel_medium.go), so any such loss is filled within seconds.
   */
  #checkFeeds(): void {
    const now = Date.now();
    for (const room of this.#rooms.values()) {
      const feed = room.feed;
      if (feed === undefined || room.filling || !this.#busUp) continue;
      if (room.ownTop > feed.lastDelivered && room.ownTopAtCheck === room.ownTop) void this.#fillTo(room, room.ownTop);
      else if (
        now - room.lastEventAt >= quietBeforeCheckMs &&
        now - room.lastEventAt <= quietChecksForMs &&
        now - room.positionCheckedAt >= positionCheckMs
      ) {
        room.positionCheckedAt = now;
        void this.#checkPosition(room, feed);
      }
      room.ownTopAtCheck = room.ownTop;
    }
  }

  async #checkPosition(room: Room, feed: BusRoomFeed): Promise<void> {
    try {
      const { position } = await this.#bus.readLast(room.name, 0);
      if (room.feed !== feed || position === undefined) return;
      if (feed.epoch !== undefined && position.epoch !== feed.epoch) return void (await this.#reset(room, true));
      if (position.seq > feed.lastDelivered) {
        this.#counts.positionFills++;
        await this.#fillTo(room, position.seq);
      }
    } catch (error) {
      this.#log.warn({ err: error, room: room.name }, 'position check failed');
    }
  }

  async #fillTo(room: Room, seq: number): Promise<void> {
    const feed = room.feed!;
    try {
      const events = await this.#bus.readRange(room.name, feed.lastDelivered + 1, seq);
      if (room.feed !== feed) return;
      for (const event of events) this.#step(room, feed.accept(event));
    } catch (error) {
      this.#log.warn({ err: error, room: room.name }, 'reading missed events failed');
    }
  }

  // ---- what the bus tells this node ----

  #health(health: BusHealth): void {
    const up = health.state === 'up';
    if (up === this.#busUp) return;
    this.#busUp = up;
    if (!up) {
      this.#log.warn({ error: health.state === 'down' ? health.error : '' }, 'the chat bus is unreachable');
      for (const member of this.#members.values()) this.#reply(member, { kind: 'info', text: busDownText });
      return;
    }
    this.#log.info('the chat bus is back');
    for (const member of this.#members.values()) this.#reply(member, { kind: 'info', text: busBackText });
    if (health.state === 'up' && health.reaped === true) this.#rejoinAll();
    // Unknown outcomes first, with their keys: those the bus took are not appended again.
    for (const pending of [...this.#unknown.splice(0), ...this.#deferred.splice(0)]) {
      this.#sendToBus(this.#rooms.get(pending.room), pending, true);
    }
    for (const room of this.#rooms.values()) void this.#catchUp(room);
  }

  /** Peers announced this node's users quit while it was cut off: they are still here, so they join again. */
  #rejoinAll(): void {
    this.#log.warn({ users: this.#members.size }, 'this node was reaped while cut off from the bus; its users join their rooms again');
    for (const member of this.#members.values()) {
      for (const room of member.rooms) this.#publish(room, this.#eventOf(member, 'join', ''), undefined, true);
      this.#showPresence(member);
    }
  }

  #nodeMessage(message: NodeMessage): void {
    const member = this.#members.get(message.to);
    if (member === undefined) return;
    if (message.type === 'private') {
      if (nickKey(member.nick) !== nickKey(message.toNick)) return;
      this.#reply(member, { kind: 'private', from: message.from, to: member.nick, text: message.text, echo: false });
    } else {
      this.#log.warn({ operator: message.by, target: member.nick, targetAddress: member.address, reason: message.reason }, 'kick');
      this.#send(member.workerId, { type: 'kicked', connectionId: member.connectionId, by: message.by, reason: message.reason });
    }
  }

  /** A nick of this node was taken elsewhere while it was cut off: its user gets a free one. */
  async #nickLost(key: string): Promise<void> {
    const member = this.#membersByNick.get(key);
    if (member === undefined) return;
    const base = member.nick.slice(0, maxNickLength - 4);
    for (let n = 2; n < 100; n++) {
      const nick = `${base}-${n}`;
      if (this.#membersByNick.has(nickKey(nick))) continue;
      const claim = await this.#bus.claimNick(nickKey(nick), { nick, node: this.#bus.nodeId, connectionId: member.connectionId });
      if (!claim.ok) continue;
      this.#reply(member, errorNotice('NICK_LOST', member.nick, nick));
      this.#send(member.workerId, { type: 'rename-result', connectionId: member.connectionId, nick, accepted: true, heldBy: undefined });
      this.#membersByNick.delete(key);
      return this.#renamed(member, nick);
    }
    this.#log.warn({ nick: member.nick }, 'lost nick: no free replacement found');
  }

  /** Node `node` died: its users quit every room they were in, once whoever reaps (idempotency keys name them). */
  async #reap(node: string, members: NodeMember[]): Promise<void> {
    this.#log.warn({ node, users: members.length }, 'a node stopped heartbeating; announcing its users quit');
    const results = await Promise.all(
      members.flatMap((member) =>
        member.rooms.map((room) =>
          this.#bus.publish(
            room,
            {
              kind: 'quit',
              nick: member.nick,
              text: 'connection lost: server unreachable',
              timeMs: this.#clock(),
              node,
              connectionId: member.connectionId,
            },
            `reap:${node}:${member.connectionId}:${room}`,
          ),
        ),
      ),
    );
    if (results.some((result) => !result.ok)) throw new Error('the bus refused some quits of a dead node');
  }

  // ---- answers ----

  #showPresence(member: Member): void {
    this.#bus.setMember({
      connectionId: member.connectionId,
      nick: member.nick,
      rooms: [...member.rooms].map((room) => room.name),
      operator: member.isOperator,
    });
  }

  #reply(member: Member, notice: Notice): void {
    this.#send(member.workerId, { type: 'reply', connectionId: member.connectionId, notice });
  }

  #answer(member: Member, listing: Listing): void {
    this.#send(member.workerId, { type: 'answer', connectionId: member.connectionId, listing });
  }

  #tellRoom(room: Room, notice: Notice): void {
    for (const member of room.members.values()) this.#reply(member, notice);
  }
}

function pack(event: SequencedEvent): PackedRoomEvent {
  return [event.room, event.seq, event.kind, event.nick, event.text, event.timeMs];
}
