// One client's chat state, from choosing a nick to goodbye, whatever wire protocol it speaks: its nick,
// its rooms and current room, its commands turned into ops for the coordinator, and the coordinator's
// answers turned into chat events for its dialect. Pure: no socket, no bytes, no timers — the
// connection around it (connection.ts) provides those through ChatSessionHost.
//
//   naming ──chooseNick──▶ claiming ──hello accepted──▶ chatting ──/quit, kick──▶ leaving ──left──▶ closed
//      ▲                     │                             │      shutdown, timeout            ▲
//      └───nick taken────────┘                             └──peer gone, slow consumer─────────┘
//
// A client that is leaving keeps its rooms until the coordinator answers `left`: every room event
// sequenced before it left, and every answer to what it sent before, reaches it first.
import type { ServerConfig } from '../../src/config.ts';
import type { ServerStats } from '../../src/control-api.ts';
import { unpackRoomEvent } from '../../src/packed-room-event.ts';
import { historyCost, listMembersCost, listRoomsCost } from '../../src/protocol/command-cost.ts';
import type { Command } from '../../src/protocol/command-parser.ts';
import { defaultRoom, isValidNick, maxNickLength, nickKey } from '../../src/protocol/names.ts';
import { sanitizeText, shortenReason } from '../../src/protocol/text.ts';
import type { CoordinatorOp, WorkerOp } from '../../src/thread-messages.ts';
import type { ChatEvent } from './chat-event.ts';
import { errorNotice } from '../../src/protocol/errors.ts';

export type ChatPhase = 'naming' | 'claiming' | 'chatting' | 'leaving' | 'closed';

/**
 * What a session can be asked to do: every command but those a dialect answers itself (help, bad input).
 * Say, me and history may name their `room` (a browser page, IRC's PRIVMSG #room): used instead of the
 * current room when present, and refused with NOT_IN_ROOM unless the client is in it.
 */
export type ChatCommand =
  | Exclude<Command, { kind: 'invalid' | 'help' | 'say' | 'me' | 'history' }>
  | (Extract<Command, { kind: 'say' | 'me' | 'history' }> & { room?: string });

/** An op from the coordinator addressed to one connection. */
export type ConnectionOp = Exclude<CoordinatorOp, { type: 'deliver' | 'drained' | 'ack' | 'overload' }>;

/** What a session needs from the connection it runs in. */
export interface ChatSessionHost {
  readonly connectionId: number;
  /** The client's address, for per-address limits. */
  readonly address: string;
  readonly config: Pick<ServerConfig, 'maxRoomsPerClient' | 'historySize' | 'operatorPassword'>;
  /** An op for the coordinator. */
  send(op: WorkerOp): void;
  /** Shows the client an event; an `answer` (to a listing it asked for) is charged to its flood budget. */
  show(event: ChatEvent, answer?: boolean): void;
  /** Charges a command's cost in flood-guard tokens beyond the one its line took when read. */
  chargeCommand(cost: number): void;
  /** Makes this connection a local member of a room (its runs of room events reach it), or not. */
  joinLocal(room: string): void;
  leaveLocal(room: string): void;
  isLocalMember(room: string): boolean;
  /** Whole-server figures, for an operator's /stats. */
  serverStats(): Promise<ServerStats>;
  /** The claim is settled: accepted (the handshake is over) or refused (the client may choose again). */
  nickSettled(accepted: boolean): void;
  /** Shows `last` after everything queued, then closes the connection. */
  end(last: ChatEvent): void;
}

const maxUntilFreeAttempts = 99;
const historyDefault = 10;

export class ChatSession {
  readonly #host: ChatSessionHost;
  #phase: ChatPhase = 'naming';
  #nick = '';
  /** Rooms this client asked to be in, oldest first; the last is where /part falls back to. */
  #rooms: string[] = [];
  #currentRoom: string | undefined;
  /** A client that cannot answer a question (the seed client) is given the first free NICK_2, NICK_3, ... */
  #untilFree: { baseNick: string; attempt: number } | undefined;
  /** The room the hello joins: the lobby unless the client named another. */
  #firstRoom = defaultRoom;
  #last: ChatEvent = { kind: 'info', text: '' };
  #isOperator = false;
  /** Why this session ended, for the disconnect record; unset while it runs or when the client went away. */
  #closeReason: string | undefined;

  constructor(host: ChatSessionHost) {
    this.#host = host;
  }

  get phase(): ChatPhase {
    return this.#phase;
  }

  /** The nick, once accepted ('' before). */
  get nick(): string {
    return this.#nick;
  }

  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Whether the client is in `room` (or has asked to join it and not been refused). */
  isIn(room: string): boolean {
    return this.#rooms.includes(room);
  }

  /**
   * Asks for a room's members for a dialect that shows them on joining (IRC's JOIN answers with NAMES):
   * part of the join, so not charged as a listing is (the answer's bytes still are).
   */
  namesOnJoin(room: string): void {
    if (this.#phase === 'chatting') this.#host.send({ type: 'list-members', connectionId: this.#host.connectionId, room });
  }

  /** Asks who holds `nick` (a dialect's WHOIS); answered with a `whois` notice. */
  whois(nick: string): void {
    if (this.#phase === 'chatting') this.#host.send({ type: 'whois', connectionId: this.#host.connectionId, nick });
  }

  /** Leaving or closed: the client's input is no longer read. */
  get ending(): boolean {
    return this.#phase === 'leaving' || this.#phase === 'closed';
  }

  start(): void {
    this.#host.show({ kind: 'ask-nick' });
  }

  /**
   * The client chose a nick (naming only). `untilFree`: it cannot answer a refusal, so `nick` (valid) is
   * tried with _2, _3, ... until one is free. `firstRoom`: where it starts instead of the lobby (a load
   * test's clients, a bot), so the lobby never sees it come and go.
   */
  chooseNick(nick: string, untilFree = false, firstRoom = defaultRoom): void {
    if (this.#phase !== 'naming') return;
    this.#firstRoom = firstRoom;
    if (untilFree) this.#untilFree = { baseNick: nick, attempt: 1 };
    else if (!isValidNick(nick)) {
      this.#host.show(errorNotice('NICK_INVALID', nick));
      return this.#host.show({ kind: 'ask-nick' });
    }
    this.#claim(nick);
  }

  /** A command, once the nick is accepted (chatting only). */
  command(command: ChatCommand): void {
    if (this.#phase === 'chatting') this.#run(command);
  }

  /**
   * Leaves through the coordinator, then shows `last` and closes. Until the coordinator's `left` comes
   * back the client still gets its rooms' events: everything sequenced before it left, its own last
   * message included, reaches it.
   */
  close(last: ChatEvent, leaveReason: string): void {
    if (this.ending) return;
    this.#closeReason = leaveReason === '' ? 'quit' : leaveReason;
    if (this.#phase === 'naming') {
      this.#phase = 'closed';
      return this.#host.end(last);
    }
    this.#tellCoordinatorLeaving(leaveReason);
    this.#phase = 'leaving';
    this.#last = last;
  }

  /** The server cut the client off (it does not keep up): it is gone at once, rooms and all. */
  drop(reason: string): void {
    if (this.#phase === 'closed') return;
    this.#closeReason = reason;
    this.#dropLocalMemberships();
    this.#tellCoordinatorLeaving(reason);
    this.#phase = 'closed';
  }

  /** The client's connection is gone. */
  disconnected(): void {
    this.#dropLocalMemberships();
    this.#tellCoordinatorLeaving('connection closed');
    this.#phase = 'closed';
  }

  coordinatorOp(op: ConnectionOp): void {
    if (this.#phase === 'closed') return;
    const host = this.#host;
    switch (op.type) {
      case 'hello-result':
        if (this.#phase === 'claiming') this.#helloResult(op.nick, op.accepted, op.heldBy, op.error);
        return;
      case 'left':
        this.#dropLocalMemberships();
        this.#phase = 'closed';
        return host.end(this.#last);
      case 'rename-result':
        if (!op.accepted) return host.show(op.error ?? nickRefusal(op.nick, op.heldBy));
        this.#nick = op.nick;
        return host.show({ kind: 'renamed', nick: op.nick });
      case 'joined':
        // Only become a local member if the client still wants the room (it may have parted already),
        // and only once: after a quick /join, /part, /join the first answer already made it a member.
        if (!this.#rooms.includes(op.room) || host.isLocalMember(op.room)) return;
        host.joinLocal(op.room);
        return host.show({ kind: 'joined', room: op.room, events: op.history.map(unpackRoomEvent) });
      case 'parted':
        // Only now: every event of the room sequenced before the part (this client's own last line
        // included) has reached it. A re-join sent since then is answered by a `joined` after this.
        host.leaveLocal(op.room);
        return host.show({ kind: 'parted', room: op.room, current: this.#currentRoom });
      case 'join-refused':
        this.#rooms = this.#rooms.filter((room) => room !== op.room);
        if (this.#currentRoom === op.room) this.#currentRoom = this.#rooms.at(-1);
        return host.show(op.error);
      case 'reply':
        return host.show(op.notice);
      case 'oper-granted':
        this.#isOperator = true;
        return host.show({ kind: 'operator' });
      case 'answer':
        return host.show(op.listing, true);
      case 'history':
        return host.show({ kind: 'history', room: op.room, events: op.events.map(unpackRoomEvent) }, true);
      case 'kicked':
        return this.close(errorNotice('KICKED', op.by, op.reason), `kicked by ${op.by}: ${op.reason}`);
    }
  }

  #claim(nick: string): void {
    this.#phase = 'claiming';
    this.#host.send({ type: 'hello', connectionId: this.#host.connectionId, nick, room: this.#firstRoom, address: this.#host.address });
  }

  #helloResult(nick: string, accepted: boolean, heldBy: string | undefined, error: ChatEvent | undefined): void {
    const host = this.#host;
    if (accepted) {
      this.#phase = 'chatting';
      this.#nick = nick;
      this.#rooms = [this.#firstRoom];
      this.#currentRoom = this.#firstRoom;
      host.show({ kind: 'welcome', nick, room: this.#firstRoom });
    } else {
      host.show(error ?? nickRefusal(nick, heldBy));
      const untilFree = this.#untilFree;
      if (error === undefined && untilFree !== undefined && untilFree.attempt < maxUntilFreeAttempts) {
        untilFree.attempt++;
        return this.#claim(`${untilFree.baseNick.slice(0, maxNickLength - 3)}_${untilFree.attempt}`);
      }
      this.#phase = 'naming';
      host.show({ kind: 'ask-nick' });
    }
    host.nickSettled(accepted);
  }

  #run(command: ChatCommand): void {
    const host = this.#host;
    const { config, connectionId } = host;
    switch (command.kind) {
      case 'say':
      case 'me': {
        if (command.text.trim() === '') return;
        const room = this.#roomFor(command.room);
        if (room === undefined) return;
        return host.send({ type: 'say', connectionId, room, kind: command.kind, text: sanitizeText(command.text) });
      }
      case 'nick':
        if (command.nick === this.#nick) return host.show({ kind: 'info', text: `You are already ${this.#nick}.` });
        return host.send({ type: 'rename', connectionId, nick: command.nick });
      case 'join':
        if (this.#rooms.includes(command.room)) return this.#switchTo(command.room);
        if (this.#rooms.length >= config.maxRoomsPerClient) return host.show(errorNotice('TOO_MANY_ROOMS', config.maxRoomsPerClient));
        this.#rooms.push(command.room);
        this.#currentRoom = command.room;
        return host.send({ type: 'join', connectionId, room: command.room });
      case 'part': {
        const room = command.room ?? this.#currentRoom;
        if (room === undefined) return host.show(errorNotice('NO_CURRENT_ROOM'));
        if (!this.#rooms.includes(room)) return host.show(errorNotice('NOT_IN_ROOM', room));
        // Still a local member until the coordinator's `parted`: see there.
        this.#rooms = this.#rooms.filter((held) => held !== room);
        if (this.#currentRoom === room) this.#currentRoom = this.#rooms.at(-1);
        return host.send({ type: 'part', connectionId, room });
      }
      case 'switch':
        if (!this.#rooms.includes(command.room)) return host.show(errorNotice('NOT_IN_ROOM', command.room));
        return this.#switchTo(command.room);
      case 'rooms':
        host.chargeCommand(listRoomsCost);
        return host.send({ type: 'list-rooms', connectionId });
      case 'who': {
        const room = command.room ?? this.#currentRoom;
        if (room === undefined) return host.show(errorNotice('NO_CURRENT_ROOM'));
        host.chargeCommand(listMembersCost);
        return host.send({ type: 'list-members', connectionId, room });
      }
      case 'msg':
        return host.send({ type: 'private', connectionId, toNick: command.nick, text: sanitizeText(command.text) });
      case 'history': {
        const room = this.#roomFor(command.room);
        if (room === undefined) return;
        const count = Math.min(command.count ?? historyDefault, config.historySize);
        host.chargeCommand(historyCost(count));
        return host.send({ type: 'history', connectionId, room, count });
      }
      case 'quit': {
        const reason = command.reason === undefined ? '' : shortenReason(command.reason);
        return this.close({ kind: 'goodbye', reason }, reason);
      }
      case 'oper':
        // Checked by the coordinator, which limits tries per connection and per address across workers.
        return host.send({ type: 'oper', connectionId, password: command.password });
      case 'kick':
        return host.send({ type: 'kick', connectionId, nick: command.nick, reason: shortenReason(command.reason ?? 'no reason given') });
      case 'stats':
        if (!this.#isOperator) return host.show(errorNotice(config.operatorPassword === undefined ? 'OPER_DISABLED' : 'NOT_OPERATOR'));
        host.serverStats().then(
          (stats) => host.show({ kind: 'stats', stats }),
          () => host.show({ kind: 'info', text: 'stats are unavailable right now' }),
        );
        return;
    }
  }

  /** The room a say, me or history is for: the one it names, or the current one; undefined (told why) if neither. */
  #roomFor(named: string | undefined): string | undefined {
    if (named !== undefined) {
      if (this.#rooms.includes(named)) return named;
      this.#host.show(errorNotice('NOT_IN_ROOM', named));
      return undefined;
    }
    if (this.#currentRoom === undefined) this.#host.show(errorNotice('NO_CURRENT_ROOM'));
    return this.#currentRoom;
  }

  #switchTo(room: string): void {
    this.#currentRoom = room;
    this.#host.show({ kind: 'current-room', room });
  }

  #dropLocalMemberships(): void {
    for (const room of this.#rooms) this.#host.leaveLocal(room);
    this.#rooms = [];
    this.#currentRoom = undefined;
  }

  /** The coordinator hears of a leave exactly once, and only of a client it may know (past naming). */
  #tellCoordinatorLeaving(reason: string): void {
    if (this.#phase === 'naming' || this.ending) return;
    this.#host.send({ type: 'leave', connectionId: this.#host.connectionId, reason });
  }
}

/** Why a nick was refused: taken outright, or too like one that is (see nickKey). */
function nickRefusal(nick: string, heldBy: string | undefined): ChatEvent {
  return heldBy === undefined || heldBy.toLowerCase() === nick.toLowerCase() || nickKey(heldBy) !== nickKey(nick)
    ? errorNotice('NICK_TAKEN', nick)
    : errorNotice('NICK_LOOKALIKE', nick, heldBy);
}
