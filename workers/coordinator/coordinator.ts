// The one place that knows the whole server: who is connected under which nick, who is in which room,
// and each room's sequence and history. Pure logic; the thread around it (coordinator-worker.ts) only
// moves ops in and out, so this can be tested and benchmarked without threads.
//
// Ordering: every room event (chat, action, join, part, quit, rename) passes through broadcast(), which
// numbers it and hands it to each interested worker's FIFO port in that order. Workers deliver in arrival order, so all
// members of a room, on any worker, see one sequence. A joiner's `joined` op (with history) is queued
// to its worker before the join notice, so it gets every room line from its own notice on; a leaver's
// `parted` / `left` is queued before its own notice, so it gets every line sequenced before it left.
//
// Identity: workers name connections, never nicks. The sender of every room line and private message is
// named here, from the nick this coordinator holds for the connection at the moment the line is
// sequenced, so a rename in flight cannot put a line under a nick that was already given up.
//
// Room events travel as data (RoomEvent, packed as a tuple), never as text: each worker renders them once per run for each
// wire protocol among its members, so nothing here knows how a client shows them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerConfig } from '../../src/config.ts';
import type { CoordinatorFlowStats, CoordinatorStats } from '../../src/control-api.ts';
import type { Logger } from '../../src/log.ts';
import type { ThreadLoad } from '../../src/thread-load.ts';
import { errorNotice } from '../../src/protocol/errors.ts';
import { defaultRoom, nickKey } from '../../src/protocol/names.ts';
import { TokenBucket } from '../../src/protocol/token-bucket.ts';
import type { CoordinatorOp, Listing, Notice, PackedRoomEvent, RoomEventKind, WorkerOp } from '../../src/thread-messages.ts';
import { HistoryRing } from './history-ring.ts';
import { operatorAttemptLimits, PasswordAttemptLimiter } from './password-attempt-limiter.ts';

interface Member {
  connectionId: number;
  workerId: number;
  nick: string;
  address: string;
  rooms: Set<Room>;
  isOperator: boolean;
  /** New rooms this member may still create (--room-creations-per-minute). */
  roomCreations: TokenBucket;
}

interface Room {
  name: string;
  sequence: number;
  members: Map<number, Member>;
  /** How many members each worker has here: the room's lines go once to each of these workers. */
  membersPerWorker: Map<number, number>;
  /** Kept packed, as they are sent: replaying history costs no conversion. */
  history: HistoryRing<PackedRoomEvent>;
  /** The cached /who answer; cleared when someone joins, leaves or is renamed here. */
  memberList: Listing | undefined;
}

export type SendToWorker = (workerId: number, op: CoordinatorOp) => void;

export const maxListedRooms = 100;
export const maxListedMembers = 200;

export class Coordinator {
  readonly #config: ServerConfig;
  readonly #send: SendToWorker;
  readonly #members = new Map<number, Member>();
  readonly #membersByNick = new Map<string, Member>();
  readonly #rooms = new Map<string, Room>();
  readonly #log: Logger;
  /** Wall-clock milliseconds: history times are shown to people, and limits are measured with it too. */
  readonly #clock: () => number;
  readonly #operatorAttempts = new PasswordAttemptLimiter(operatorAttemptLimits);
  #roomLines = 0;
  #forwards = 0;
  // Listings are answered from caches, cleared when what they show changes (a join, a leave, a rename),
  // never per room line: a storm of /rooms and /who costs a lookup each, not a rebuild and a sort.
  /** The cached /rooms answer; cleared when any room's membership changes (it shows member counts). */
  #roomList: Listing | undefined;

  constructor(config: ServerConfig, send: SendToWorker, log: Logger, clock: () => number = Date.now) {
    this.#config = config;
    this.#send = send;
    this.#log = log;
    this.#clock = clock;
  }

  handle(workerId: number, op: Exclude<WorkerOp, { type: 'drain' | 'ack' }>): void {
    switch (op.type) {
      case 'say':
        return this.#withMember(op.connectionId, (member) => this.#say(member, op.room, op.kind, op.text));
      case 'hello':
        return this.#hello(workerId, op.connectionId, op.nick, op.room, op.address);
      case 'join':
        return this.#withMember(op.connectionId, (member) => this.#join(member, op.room));
      case 'part':
        return this.#withMember(op.connectionId, (member) => this.#part(member, op.room));
      case 'rename':
        return this.#withMember(op.connectionId, (member) => this.#rename(member, op.nick));
      case 'private':
        return this.#withMember(op.connectionId, (member) => this.#private(member, op.toNick, op.text));
      case 'whois':
        return this.#withMember(op.connectionId, (member) => this.#whois(member, op.nick));
      case 'list-rooms':
        return this.#answer(workerId, op.connectionId, this.#roomListAnswer());
      case 'list-members':
        return this.#answer(workerId, op.connectionId, this.#memberListAnswer(op.room));
      case 'history':
        return this.#send(workerId, {
          type: 'history',
          connectionId: op.connectionId,
          room: op.room,
          events: this.#history(op.room, op.count),
        });
      case 'leave':
        // `left` goes first: the leaver gets every room line sequenced before it, but not its own quit notice.
        this.#send(workerId, { type: 'left', connectionId: op.connectionId });
        return this.#withMember(op.connectionId, (member) => this.#leave(member, op.reason));
      case 'kick':
        return this.#withMember(op.connectionId, (member) => this.#kick(member, op.nick, op.reason));
      case 'oper':
        return this.#withMember(op.connectionId, (member) => this.#oper(member, op.password));
    }
  }

  /** A worker died: its users are gone. Rooms hear that they quit; their nicks become free. */
  forgetWorker(workerId: number, reason: string): void {
    for (const member of this.#members.values()) if (member.workerId === workerId) this.#leave(member, reason);
  }

  /** Routing figures; the coordinator thread adds its own load and flow control figures to them. */
  stats(): Omit<CoordinatorStats, keyof ThreadLoad | keyof CoordinatorFlowStats> {
    const workers = new Set<number>();
    for (const member of this.#members.values()) workers.add(member.workerId);
    return {
      nicks: this.#membersByNick.size,
      rooms: this.#rooms.size,
      roomMessages: this.#roomLines,
      forwards: this.#forwards,
      workers: workers.size,
    };
  }

  #withMember(connectionId: number, action: (member: Member) => void): void {
    const member = this.#members.get(connectionId);
    if (member !== undefined) action(member);
  }

  #hello(workerId: number, connectionId: number, nick: string, room: string, address: string): void {
    const holder = this.#membersByNick.get(nickKey(nick));
    const accepted = holder === undefined && !this.#members.has(connectionId);
    this.#send(workerId, { type: 'hello-result', connectionId, nick, accepted, heldBy: holder?.nick });
    if (!accepted) return;
    const { roomCreationsPerMinute } = this.#config;
    const member: Member = {
      connectionId,
      workerId,
      nick,
      address,
      rooms: new Set(),
      isOperator: false,
      roomCreations: new TokenBucket(roomCreationsPerMinute / 60, roomCreationsPerMinute, this.#clock()),
    };
    this.#members.set(connectionId, member);
    this.#membersByNick.set(nickKey(nick), member);
    this.#join(member, room);
  }

  #join(member: Member, roomName: string): void {
    let room = this.#rooms.get(roomName);
    if (room === undefined) {
      const refusal = this.#roomCreationRefusal(member, roomName);
      if (refusal !== undefined) {
        this.#send(member.workerId, { type: 'join-refused', connectionId: member.connectionId, room: roomName, error: refusal });
        return;
      }
      room = this.#createRoom(roomName);
    }
    if (room.members.has(member.connectionId)) return;
    room.members.set(member.connectionId, member);
    this.#membershipChanged(room);
    room.membersPerWorker.set(member.workerId, (room.membersPerWorker.get(member.workerId) ?? 0) + 1);
    member.rooms.add(room);
    const history = room.history.last(this.#config.historyOnJoin);
    this.#send(member.workerId, { type: 'joined', connectionId: member.connectionId, room: room.name, history });
    this.#broadcast(room, 'join', member.nick, '');
  }

  /** Why `member` may not create `roomName` now, or undefined if it may. The lobby always may. */
  #roomCreationRefusal(member: Member, roomName: string): Notice | undefined {
    if (roomName === defaultRoom) return undefined;
    if (this.#rooms.size >= this.#config.maxRooms) return errorNotice('ROOM_LIMIT', roomName);
    if (!member.roomCreations.tryTake(1, this.#clock())) {
      return errorNotice('ROOM_CREATION_LIMIT', roomName, this.#config.roomCreationsPerMinute);
    }
    return undefined;
  }

  #part(member: Member, roomName: string): void {
    const room = this.#rooms.get(roomName);
    // `parted` first: the leaver gets every line sequenced before it left, but not its own notice.
    this.#send(member.workerId, { type: 'parted', connectionId: member.connectionId, room: roomName });
    if (room === undefined || !room.members.has(member.connectionId)) return;
    this.#removeFromRoom(member, room);
    this.#broadcast(room, 'part', member.nick, '');
  }

  #leave(member: Member, reason: string): void {
    for (const room of member.rooms) {
      this.#removeFromRoom(member, room);
      this.#broadcast(room, 'quit', member.nick, reason);
    }
    this.#members.delete(member.connectionId);
    this.#membersByNick.delete(nickKey(member.nick));
  }

  #rename(member: Member, nick: string): void {
    const holder = this.#membersByNick.get(nickKey(nick));
    const accepted = holder === undefined || holder === member;
    this.#send(member.workerId, { type: 'rename-result', connectionId: member.connectionId, nick, accepted, heldBy: holder?.nick });
    if (!accepted) return;
    const previous = member.nick;
    this.#membersByNick.delete(nickKey(previous));
    this.#membersByNick.set(nickKey(nick), member);
    member.nick = nick;
    for (const room of member.rooms) {
      room.memberList = undefined;
      this.#broadcast(room, 'rename', previous, nick);
    }
  }

  /** Only the nick itself (up to ASCII case), not a look-alike: WHOIS asks about one user. */
  #whois(asker: Member, nick: string): void {
    const held = this.#membersByNick.get(nickKey(nick));
    const target = held?.nick.toLowerCase() === nick.toLowerCase() ? held : undefined;
    this.#reply(asker.workerId, asker.connectionId, {
      kind: 'whois',
      nick: target?.nick ?? nick,
      online: target !== undefined,
      rooms: target === undefined ? [] : [...target.rooms].map((room) => room.name).sort(),
      operator: target?.isOperator === true,
    });
  }

  #private(sender: Member, toNick: string, text: string): void {
    const recipient = this.#membersByNick.get(nickKey(toNick));
    if (recipient === undefined) {
      this.#reply(sender.workerId, sender.connectionId, errorNotice('NO_SUCH_NICK', toNick));
      return;
    }
    const message = { kind: 'private', from: sender.nick, to: recipient.nick, text } as const;
    this.#reply(recipient.workerId, recipient.connectionId, { ...message, echo: false });
    this.#reply(sender.workerId, sender.connectionId, { ...message, echo: true });
  }

  /** Operators may kick anyone but themselves and other operators; the target's worker closes the connection. */
  #kick(operator: Member, nick: string, reason: string): void {
    const refuse = (notice: Notice) => this.#reply(operator.workerId, operator.connectionId, notice);
    if (!operator.isOperator) return refuse(errorNotice(this.#config.operatorPassword === undefined ? 'OPER_DISABLED' : 'NOT_OPERATOR'));
    const target = this.#membersByNick.get(nickKey(nick));
    if (target === undefined) return refuse(errorNotice('NO_SUCH_NICK', nick));
    if (target === operator) return refuse(errorNotice('KICK_SELF'));
    if (target.isOperator) return refuse(errorNotice('KICK_OPERATOR', target.nick));
    this.#log.warn(
      { operator: operator.nick, operatorAddress: operator.address, target: target.nick, targetAddress: target.address, reason },
      'kick',
    );
    this.#send(target.workerId, { type: 'kicked', connectionId: target.connectionId, by: operator.nick, reason });
    this.#reply(operator.workerId, operator.connectionId, { kind: 'info', text: `${target.nick} was kicked: ${reason}` });
  }

  #oper(member: Member, password: string): void {
    const outcome = checkOperatorPassword(this.#config, this.#operatorAttempts, member, password, this.#clock(), this.#log);
    if (outcome.granted) {
      member.isOperator = true;
      this.#send(member.workerId, { type: 'oper-granted', connectionId: member.connectionId });
    }
    this.#reply(member.workerId, member.connectionId, outcome.notice);
  }

  /** A line in a room the sender is in, under the nick the sender holds now. */
  #say(member: Member, roomName: string, kind: 'say' | 'me', text: string): void {
    const room = this.#rooms.get(roomName);
    if (room === undefined || !room.members.has(member.connectionId)) return;
    this.#broadcast(room, kind, member.nick, text);
  }

  /** Numbers an event of the room, keeps it in the history and sends it once to each worker with members there. */
  #broadcast(room: Room, kind: RoomEventKind, nick: string, text: string): void {
    const event: PackedRoomEvent = [room.name, ++room.sequence, kind, nick, text, this.#clock()];
    // Weighed by the text it holds (nicks are ASCII), so --history-max-bytes bounds the bytes kept.
    room.history.push(event, Buffer.byteLength(text) + nick.length);
    this.#roomLines++;
    const deliver: CoordinatorOp = { type: 'deliver', event };
    for (const workerId of room.membersPerWorker.keys()) {
      this.#send(workerId, deliver);
      this.#forwards++;
    }
  }

  #createRoom(name: string): Room {
    const room: Room = {
      name,
      sequence: 0,
      members: new Map(),
      membersPerWorker: new Map(),
      history: new HistoryRing(this.#config.historySize, this.#config.historyMaxBytes),
      memberList: undefined,
    };
    this.#rooms.set(name, room);
    return room;
  }

  #removeFromRoom(member: Member, room: Room): void {
    room.members.delete(member.connectionId);
    member.rooms.delete(room);
    this.#membershipChanged(room);
    const left = (room.membersPerWorker.get(member.workerId) ?? 1) - 1;
    if (left > 0) room.membersPerWorker.set(member.workerId, left);
    else room.membersPerWorker.delete(member.workerId);
    // An empty room is forgotten with its history, so abandoned rooms cannot pile up.
    if (room.members.size === 0) this.#rooms.delete(room.name);
  }

  #reply(workerId: number, connectionId: number, notice: Notice): void {
    this.#send(workerId, { type: 'reply', connectionId, notice });
  }

  /** The answer to what this connection asked for: the worker charges its bytes to the asker. */
  #answer(workerId: number, connectionId: number, listing: Listing): void {
    this.#send(workerId, { type: 'answer', connectionId, listing });
  }

  #membershipChanged(room: Room): void {
    this.#roomList = undefined;
    room.memberList = undefined;
  }

  #roomListAnswer(): Listing {
    if (this.#roomList !== undefined) return this.#roomList;
    const rooms = [...this.#rooms.values()].sort((a, b) => a.name.localeCompare(b.name));
    const listed = rooms.slice(0, maxListedRooms).map((room) => [room.name, room.members.size] as const);
    this.#roomList = { kind: 'rooms', rooms: listed, more: rooms.length - listed.length };
    return this.#roomList;
  }

  #memberListAnswer(roomName: string): Listing {
    const room = this.#rooms.get(roomName);
    if (room === undefined) return { kind: 'members', room: roomName, nicks: [], more: 0 };
    if (room.memberList !== undefined) return room.memberList;
    const nicks = [...room.members.values()].map((member) => member.nick).sort();
    const listed = nicks.slice(0, maxListedMembers);
    room.memberList = { kind: 'members', room: roomName, nicks: listed, more: nicks.length - listed.length };
    return room.memberList;
  }

  /** The room's last `count` events, oldest first (none for a room that does not exist). */
  #history(roomName: string, count: number): PackedRoomEvent[] {
    return this.#rooms.get(roomName)?.history.last(count) ?? [];
  }
}

/**
 * Checks an operator password, at most a few times a minute per connection and per address (see
 * PasswordAttemptLimiter); a try past that is refused unchecked. Every try is logged with its address.
 * `granted`: the member is an operator now; `notice` is the answer either way.
 */
export function checkOperatorPassword(
  config: ServerConfig,
  attempts: PasswordAttemptLimiter,
  member: { nick: string; address: string; connectionId: number; isOperator: boolean },
  password: string,
  now: number,
  log: Logger,
): { granted: boolean; notice: Notice } {
  const refused = (notice: Notice) => ({ granted: false, notice });
  const { operatorPassword } = config;
  if (operatorPassword === undefined) return refused(errorNotice('OPER_DISABLED'));
  const attempt = { nick: member.nick, address: member.address, connectionId: member.connectionId };
  if (member.isOperator) return refused({ kind: 'info', text: 'You are already an operator.' });
  const keys = [`connection ${member.connectionId}`, `address ${member.address}`];
  const retryAfterMs = attempts.retryAfterMs(keys, now);
  if (retryAfterMs > 0) {
    log.warn({ ...attempt, retryAfterMs }, 'operator login refused unchecked: locked out');
    return refused(errorNotice('OPER_LOCKED', Math.ceil(retryAfterMs / 1000)));
  }
  if (!samePassword(password, operatorPassword)) {
    attempts.failed(keys, now);
    log.warn(attempt, 'operator login failed: wrong password');
    return refused(errorNotice('OPER_FAILED'));
  }
  attempts.succeeded(keys);
  log.info(attempt, 'operator login');
  return { granted: true, notice: { kind: 'info', text: 'You are now an operator.' } };
}

/** Compares digests so the time taken does not reveal how much of the password was right. */
function samePassword(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
