// The one place that knows the whole server: who is connected under which nick, who is in which room,
// and each room's sequence and history. Pure logic; the thread around it (coordinator-worker.ts) only
// moves ops in and out, so this can be tested and benchmarked without threads.
//
// Ordering: every room line (chat, action, notice) passes through broadcast(), which numbers it and hands
// it to each interested worker's FIFO port in that order. Workers deliver in arrival order, so all
// members of a room, on any worker, see one sequence. A joiner's `joined` op (with history) is queued
// to its worker before the join notice, so it gets every room line from its own notice on.
import type { ServerConfig } from '../../src/config.ts';
import type { CoordinatorFlowStats, CoordinatorStats } from '../../src/control-api.ts';
import type { ThreadLoad } from '../../src/thread-load.ts';
import { errorLine } from '../../src/protocol/errors.ts';
import { defaultRoom, nickKey } from '../../src/protocol/names.ts';
import {
  historyHeaderLine,
  infoLine,
  joinedNotice,
  leftNotice,
  privateEchoLine,
  privateLine,
  quitNotice,
  renamedNotice,
} from '../../src/protocol/server-lines.ts';
import type { CoordinatorOp, WorkerOp } from '../../src/thread-messages.ts';
import { HistoryRing } from './history-ring.ts';

interface Member {
  connectionId: number;
  workerId: number;
  nick: string;
  rooms: Set<Room>;
}

interface Room {
  name: string;
  sequence: number;
  members: Map<number, Member>;
  /** How many members each worker has here: the room's lines go once to each of these workers. */
  membersPerWorker: Map<number, number>;
  history: HistoryRing;
  /** The cached /who answer; cleared when someone joins, leaves or is renamed here. */
  memberList: string | undefined;
  /** The cached /history answer, good while no line has been added (same sequence) for the same count. */
  historyAnswer: { sequence: number; count: number; text: string } | undefined;
}

export type SendToWorker = (workerId: number, op: CoordinatorOp) => void;

const maxListedRooms = 100;
const maxListedMembers = 200;

export class Coordinator {
  readonly #config: ServerConfig;
  readonly #send: SendToWorker;
  readonly #members = new Map<number, Member>();
  readonly #membersByNick = new Map<string, Member>();
  readonly #rooms = new Map<string, Room>();
  #roomLines = 0;
  #forwards = 0;
  // Listings are answered from caches, cleared when what they show changes (a join, a leave, a rename),
  // never per room line: a storm of /rooms and /who costs a lookup each, not a rebuild and a sort.
  /** The cached /rooms answer; cleared when any room's membership changes (it shows member counts). */
  #roomList: string | undefined;

  constructor(config: ServerConfig, send: SendToWorker) {
    this.#config = config;
    this.#send = send;
  }

  handle(workerId: number, op: Exclude<WorkerOp, { type: 'drain' | 'ack' }>): void {
    switch (op.type) {
      case 'say':
        return this.#sayInRoom(op.room, op.line);
      case 'hello':
        return this.#hello(workerId, op.connectionId, op.nick, op.room);
      case 'join':
        return this.#withMember(op.connectionId, (member) => this.#join(member, op.room));
      case 'part':
        return this.#withMember(op.connectionId, (member) => this.#part(member, op.room));
      case 'rename':
        return this.#withMember(op.connectionId, (member) => this.#rename(member, op.nick));
      case 'private':
        return this.#withMember(op.connectionId, (member) => this.#private(member, op.toNick, op.text));
      case 'list-rooms':
        return this.#answer(workerId, op.connectionId, this.#roomListAnswer());
      case 'list-members':
        return this.#answer(workerId, op.connectionId, this.#memberListAnswer(op.room));
      case 'history':
        return this.#answer(workerId, op.connectionId, this.#historyAnswer(op.room, op.count));
      case 'leave':
        // `left` goes first: the leaver gets every room line sequenced before it, but not its own quit notice.
        this.#send(workerId, { type: 'left', connectionId: op.connectionId });
        return this.#withMember(op.connectionId, (member) => this.#leave(member, op.reason));
      case 'kick':
        return this.#withMember(op.connectionId, (member) => this.#kick(member, op.nick, op.reason));
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

  #hello(workerId: number, connectionId: number, nick: string, room: string): void {
    const accepted = !this.#membersByNick.has(nickKey(nick)) && !this.#members.has(connectionId);
    this.#send(workerId, { type: 'hello-result', connectionId, nick, accepted });
    if (!accepted) return;
    const member: Member = { connectionId, workerId, nick, rooms: new Set() };
    this.#members.set(connectionId, member);
    this.#membersByNick.set(nickKey(nick), member);
    this.#join(member, room);
  }

  #join(member: Member, roomName: string): void {
    let room = this.#rooms.get(roomName);
    if (room === undefined) {
      if (this.#rooms.size >= this.#config.maxRooms && roomName !== defaultRoom) {
        this.#send(member.workerId, { type: 'join-refused', connectionId: member.connectionId, room: roomName });
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
    this.#broadcast(room, joinedNotice(room.name, member.nick));
  }

  #part(member: Member, roomName: string): void {
    const room = this.#rooms.get(roomName);
    if (room === undefined || !room.members.has(member.connectionId)) return;
    this.#removeFromRoom(member, room);
    this.#broadcast(room, leftNotice(room.name, member.nick));
  }

  #leave(member: Member, reason: string): void {
    for (const room of member.rooms) {
      this.#removeFromRoom(member, room);
      this.#broadcast(room, quitNotice(room.name, member.nick, reason));
    }
    this.#members.delete(member.connectionId);
    this.#membersByNick.delete(nickKey(member.nick));
  }

  #rename(member: Member, nick: string): void {
    const holder = this.#membersByNick.get(nickKey(nick));
    const accepted = holder === undefined || holder === member;
    this.#send(member.workerId, { type: 'rename-result', connectionId: member.connectionId, nick, accepted });
    if (!accepted) return;
    const previous = member.nick;
    this.#membersByNick.delete(nickKey(previous));
    this.#membersByNick.set(nickKey(nick), member);
    member.nick = nick;
    for (const room of member.rooms) {
      room.memberList = undefined;
      this.#broadcast(room, renamedNotice(room.name, previous, nick));
    }
  }

  #private(sender: Member, toNick: string, text: string): void {
    const recipient = this.#membersByNick.get(nickKey(toNick));
    if (recipient === undefined) {
      this.#reply(sender.workerId, sender.connectionId, errorLine('NO_SUCH_NICK', toNick));
      return;
    }
    this.#reply(recipient.workerId, recipient.connectionId, privateLine(sender.nick, text));
    this.#reply(sender.workerId, sender.connectionId, privateEchoLine(recipient.nick, sender.nick, text));
  }

  /** The kicking operator was checked by its worker; the target's worker closes the connection. */
  #kick(operator: Member, nick: string, reason: string): void {
    const target = this.#membersByNick.get(nickKey(nick));
    if (target === undefined) {
      this.#reply(operator.workerId, operator.connectionId, errorLine('NO_SUCH_NICK', nick));
      return;
    }
    this.#send(target.workerId, { type: 'kicked', connectionId: target.connectionId, by: operator.nick, reason });
    this.#reply(operator.workerId, operator.connectionId, infoLine(`${target.nick} was kicked: ${reason}`));
  }

  #sayInRoom(roomName: string, line: string): void {
    const room = this.#rooms.get(roomName);
    if (room !== undefined) this.#broadcast(room, line);
  }

  #broadcast(room: Room, line: string): void {
    room.sequence++;
    room.history.push(line);
    this.#roomLines++;
    const deliver: CoordinatorOp = { type: 'deliver', room: room.name, line };
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
      history: new HistoryRing(this.#config.historySize, this.#config.historyMaxChars),
      memberList: undefined,
      historyAnswer: undefined,
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

  #reply(workerId: number, connectionId: number, text: string): void {
    this.#send(workerId, { type: 'reply', connectionId, text });
  }

  /** The answer to what this connection asked for: the worker charges its bytes to the asker. */
  #answer(workerId: number, connectionId: number, text: string): void {
    this.#send(workerId, { type: 'answer', connectionId, text });
  }

  #membershipChanged(room: Room): void {
    this.#roomList = undefined;
    room.memberList = undefined;
  }

  #roomListAnswer(): string {
    if (this.#roomList !== undefined) return this.#roomList;
    const rooms = [...this.#rooms.values()].sort((a, b) => a.name.localeCompare(b.name));
    const listed = rooms.slice(0, maxListedRooms).map((room) => `${room.name} (${room.members.size})`);
    const more = rooms.length > maxListedRooms ? `, and ${rooms.length - maxListedRooms} more` : '';
    this.#roomList = infoLine(rooms.length === 0 ? 'no rooms' : `rooms: ${listed.join(', ')}${more}`);
    return this.#roomList;
  }

  #memberListAnswer(roomName: string): string {
    const room = this.#rooms.get(roomName);
    if (room === undefined) return infoLine(`nobody is in ${roomName}`);
    if (room.memberList !== undefined) return room.memberList;
    const nicks = [...room.members.values()].map((member) => member.nick).sort();
    const more = nicks.length > maxListedMembers ? `, and ${nicks.length - maxListedMembers} more` : '';
    room.memberList = infoLine(`${roomName} (${nicks.length}): ${nicks.slice(0, maxListedMembers).join(', ')}${more}`);
    return room.memberList;
  }

  #historyAnswer(roomName: string, count: number): string {
    const room = this.#rooms.get(roomName);
    if (room === undefined) return historyHeaderLine(roomName, 0);
    const cached = room.historyAnswer;
    if (cached !== undefined && cached.sequence === room.sequence && cached.count === count) return cached.text;
    const lines = room.history.last(count);
    const text = historyHeaderLine(roomName, lines.length) + lines.join('');
    room.historyAnswer = { sequence: room.sequence, count, text };
    return text;
  }
}
