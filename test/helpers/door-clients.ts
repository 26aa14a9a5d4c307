// One chat client shape over each of a server's doors (line protocol, IRC, WebSocket), for tests that
// spread users over doors and check what each was told: its live room events in arrival order, the
// history replayed on its joins, private messages, listings, server notices and error codes. Each door's
// wire format is parsed into these by its subclass; the tests compare them across doors.
import { ArrivalWaiters } from './arrival-waiters.ts';
import { once } from 'node:events';
import net from 'node:net';
import { WebSocket } from 'ws';
import { parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';
import {
  goneNoticePattern,
  helloPattern,
  historyPattern,
  joinedNoticePattern,
  memberListingPattern,
  renamedNoticePattern,
  renamedPattern,
} from '../../src/protocol/server-lines.ts';
import type { WireRoomEvent } from '../../src/protocol/websocket-messages.ts';

export type Door = 'line' | 'irc' | 'ws';

export interface RoomEventSeen {
  /** '*' for an IRC QUIT or NICK, which IRC announces once for every channel. */
  room: string;
  kind: 'say' | 'me' | 'join' | 'part' | 'quit' | 'rename';
  nick: string;
  /** The line, the reason of a part or quit ('' for none), the new nick of a rename. */
  text: string;
  /** When it was first sent, where the door says (history; IRC server-time; WebSocket). */
  timeMs?: number;
}

export interface PrivateSeen {
  from: string;
  to: string;
  text: string;
}

export type ListingSeen = { kind: 'members'; room: string; nicks: string[] } | { kind: 'rooms'; rooms: Map<string, number> };

/** Where a node's doors listen. */
export interface DoorPorts {
  port: number;
  ircPort: number;
  httpPort: number;
}

const host = '127.0.0.1';
const answerTimeoutMs = 10_000;

export abstract class ChatClient {
  readonly door: Door;
  nick = '';
  /** Live room events, in arrival order. */
  readonly events: RoomEventSeen[] = [];
  /** Per room, what was replayed on joining it. */
  readonly history = new Map<string, RoomEventSeen[]>();
  readonly privates: PrivateSeen[] = [];
  readonly listings: ListingSeen[] = [];
  /** Server notices (the line protocol's `-- text`, IRC NOTICEs, WebSocket `info`). */
  readonly infos: string[] = [];
  /** Error codes after registration (src/protocol/errors.ts; IRC numerics mapped back to them). */
  readonly errors: string[] = [];
  /** How each nick asked for was answered: 'accepted' or an error code. */
  readonly helloOutcomes: string[] = [];
  registered = false;
  closed = false;
  readonly #waiters = new ArrivalWaiters();

  protected constructor(door: Door) {
    this.door = door;
  }

  /** Asks for `nick`, starting in `room`. */
  protected abstract sendHello(nick: string, room: string): void;
  abstract say(room: string, text: string): void;
  abstract msg(nick: string, text: string): void;
  protected abstract sendJoin(room: string): void;
  protected abstract askMembers(room: string): void;
  protected abstract askRooms(): void;
  abstract close(): void;

  /** Asks for `nick` and resolves with the answer: 'accepted' (then in `room`, its join seen) or the error code. */
  async register(nick: string, room = 'lobby'): Promise<string> {
    const asked = this.helloOutcomes.length;
    this.sendHello(nick, room);
    await this.until(() => this.helloOutcomes.length > asked, answerTimeoutMs, `an answer to nick ${nick}`);
    const outcome = this.helloOutcomes[asked]!;
    if (outcome === 'accepted') await this.joined(room);
    return outcome;
  }

  /** Joins `room` and waits until it is in. */
  async join(room: string): Promise<void> {
    this.sendJoin(room);
    await this.joined(room);
  }

  /** Resolves once this client's own join of `room` arrived (the door's whole answer to it, for IRC). */
  protected joined(room: string): Promise<void> {
    return this.until(() => this.#sawOwnJoin(room), answerTimeoutMs, `${this.nick}'s join of ${room}`);
  }

  #sawOwnJoin(room: string): boolean {
    return this.events.some((event) => event.room === room && event.kind === 'join' && event.nick === this.nick);
  }

  /** The nicks in `room`, as this client's door lists them (/who, NAMES, `who`), sorted. */
  async members(room: string): Promise<string[]> {
    const listing = await this.#ask(
      () => this.askMembers(room),
      (seen) => seen.kind === 'members' && seen.room === room,
    );
    return (listing as { nicks: string[] }).nicks.toSorted();
  }

  /** The rooms with their member counts, as this client's door lists them (/rooms, LIST, `rooms`). */
  async rooms(): Promise<Map<string, number>> {
    const listing = await this.#ask(
      () => this.askRooms(),
      (seen) => seen.kind === 'rooms',
    );
    return (listing as { rooms: Map<string, number> }).rooms;
  }

  async #ask(ask: () => void, matches: (listing: ListingSeen) => boolean): Promise<ListingSeen> {
    const before = this.listings.length;
    ask();
    const answer = () => this.listings.slice(before).find(matches);
    await this.until(() => answer() !== undefined, answerTimeoutMs, `${this.nick}'s listing`);
    return answer()!;
  }

  /** Live events of `room` of one kind (a `quit` or `rename` seen as IRC's '*' counts for every room). */
  seen(room: string, kind: RoomEventSeen['kind']): RoomEventSeen[] {
    return this.events.filter((event) => event.kind === kind && (event.room === room || event.room === '*'));
  }

  /** The chat lines of `room`, as `nick text`, in arrival order. */
  said(room: string): string[] {
    return this.seen(room, 'say').map((event) => `${event.nick} ${event.text}`);
  }

  /** Resolves when `condition()` holds, checked on each arrival; rejects on close or after timeoutMs. */
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return this.#waiters.until(condition, timeoutMs, {
      closed: () => this.closed,
      closedError: () => new Error(`${this.door} client ${this.nick} closed while waiting for ${what}`),
      timeoutError: () => new Error(`${this.door} client ${this.nick} timed out after ${timeoutMs} ms waiting for ${what}`),
    });
  }

  protected wake(): void {
    this.#waiters.wake();
  }

  protected accepted(nick: string): void {
    this.nick = nick;
    this.registered = true;
    this.helloOutcomes.push('accepted');
  }

  protected refused(code: string): void {
    if (this.registered) this.errors.push(code);
    else this.helloOutcomes.push(code);
  }

  protected replayed(room: string, event: RoomEventSeen): void {
    const events = this.history.get(room) ?? this.history.set(room, []).get(room)!;
    events.push(event);
  }
}

/** Connects to the given door of a node. */
export function connectClient(door: Door, ports: DoorPorts): Promise<ChatClient> {
  if (door === 'line') return LineDoorClient.connect(ports.port);
  if (door === 'irc') return IrcDoorClient.connect(ports.ircPort);
  return WebSocketDoorClient.connect(ports.httpPort);
}

/** Connects, takes `nick` (it must be free) and waits until it is in `room`. */
export async function joinedClient(door: Door, ports: DoorPorts, nick: string, room = 'lobby'): Promise<ChatClient> {
  const client = await connectClient(door, ports);
  const outcome = await client.register(nick, room);
  if (outcome !== 'accepted') {
    client.close();
    throw new Error(`${door} client ${nick} was refused: ${outcome}`);
  }
  return client;
}

/** Splits a socket's text into lines (CR LF or LF). */
function onLines(socket: net.Socket, handle: (line: string) => void): void {
  let partial = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) handle(line.replace(/\r$/, ''));
  });
}

async function connectSocket(port: number): Promise<net.Socket> {
  const socket = net.connect(port, host);
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** `[room] <nick> text`, `[room] * nick text` or `[room] -- notice`, as an event (undefined: not a room line). */
function parseRoomLine(line: string): RoomEventSeen | undefined {
  const match = /^\[([^\] ]+)\] (.*)$/s.exec(line);
  if (match === null || match[1] === 'pm') return undefined;
  const [, room, rest] = match as unknown as [string, string, string];
  const said = /^<([^>]+)> (.*)$/s.exec(rest);
  if (said !== null) return { room, kind: 'say', nick: said[1]!, text: said[2]! };
  const action = /^\* (\S+) (.*)$/s.exec(rest);
  if (action !== null) return { room, kind: 'me', nick: action[1]!, text: action[2]! };
  if (!rest.startsWith('-- ')) return undefined;
  const notice = rest.slice(3);
  const joined = joinedNoticePattern.exec(notice);
  if (joined !== null) return { room, kind: 'join', nick: joined[1]!, text: '' };
  const renamed = renamedNoticePattern.exec(notice);
  if (renamed !== null) return { room, kind: 'rename', nick: renamed[1]!, text: renamed[2]! };
  const gone = goneNoticePattern.exec(notice);
  if (gone === null) return undefined;
  const reason = /\((.*)\)$/s.exec(notice)?.[1] ?? '';
  return { room, kind: notice.startsWith(`${gone[1]} left`) ? 'part' : 'quit', nick: gone[1]!, text: reason };
}

export class LineDoorClient extends ChatClient {
  readonly #socket: net.Socket;
  #current = '';

  private constructor(socket: net.Socket) {
    super('line');
    this.#socket = socket;
    onLines(socket, (line) => {
      this.#receive(line);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<LineDoorClient> {
    return new LineDoorClient(await connectSocket(port));
  }

  #receive(line: string): void {
    if (line.startsWith('!! ')) return this.refused(line.split(' ')[1]!);
    if (line.startsWith('[pm -> ')) {
      const echo = /^\[pm -> ([^\]]+)\] <([^>]+)> (.*)$/s.exec(line);
      if (echo !== null) this.privates.push({ from: echo[2]!, to: echo[1]!, text: echo[3]! });
      return;
    }
    if (line.startsWith('[pm] ')) {
      const received = /^\[pm\] <([^>]+)> (.*)$/s.exec(line);
      if (received !== null) this.privates.push({ from: received[1]!, to: this.nick, text: received[2]! });
      return;
    }
    const event = parseRoomLine(line);
    if (event !== undefined) return void this.events.push(event);
    if (line.startsWith('-- ')) this.#info(line.slice(3));
  }

  #info(text: string): void {
    const hello = helloPattern.exec(text);
    if (hello !== null) {
      this.#current = hello[2]!;
      return this.accepted(hello[1]!);
    }
    const replayed = historyPattern.exec(text);
    if (replayed !== null) {
      const event = parseRoomLine(replayed[3]!);
      if (event !== undefined) this.replayed(event.room, { ...event, timeMs: Date.parse(`${replayed[1]}T${replayed[2]}Z`) });
      return;
    }
    const renamed = renamedPattern.exec(text);
    if (renamed !== null) return void (this.nick = renamed[1]!);
    const members = memberListingPattern.exec(text);
    if (members !== null) return void this.listings.push({ kind: 'members', room: members[1]!, nicks: members[3]!.split(', ') });
    const nobody = /^nobody is in (\S+)$/.exec(text);
    if (nobody !== null) return void this.listings.push({ kind: 'members', room: nobody[1]!, nicks: [] });
    if (text === 'no rooms') return void this.listings.push({ kind: 'rooms', rooms: new Map() });
    if (text.startsWith('rooms: ')) {
      const rooms = new Map<string, number>();
      for (const [, room, count] of text.matchAll(/(\S+) \((\d+)\)/g)) rooms.set(room!, Number(count));
      return void this.listings.push({ kind: 'rooms', rooms });
    }
    this.infos.push(text);
  }

  /** Sends a line as typed (a command this shape does not cover: /oper, /kick…). */
  send(line: string): void {
    this.#socket.write(`${line}\n`);
  }

  protected sendHello(nick: string, room: string): void {
    this.send(room === 'lobby' ? nick : `${nick} #${room}`);
  }

  say(room: string, text: string): void {
    // Plain lines go to the current room.
    if (room !== this.#current) this.send(`/switch ${room}`);
    this.#current = room;
    this.send(text.startsWith('/') ? `/${text}` : text);
  }

  msg(nick: string, text: string): void {
    this.send(`/msg ${nick} ${text}`);
  }

  protected sendJoin(room: string): void {
    this.#current = room;
    this.send(`/join ${room}`);
  }

  protected askMembers(room: string): void {
    this.send(`/who ${room}`);
  }

  protected askRooms(): void {
    this.send('/rooms');
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** A raw IRC client that asks for echo-message (its own lines come back in the room's order), server-time and batch. */
export class IrcDoorClient extends ChatClient {
  readonly #socket: net.Socket;
  /** Every line received, for assertions on numerics this shape does not cover (WHOIS). */
  readonly lines: string[] = [];
  readonly #names = new Map<string, string[]>();
  #listed = new Map<string, number>();
  /** Channels whose NAMES after JOIN arrived: the door's answer to a join is complete. */
  readonly #namedAfterJoin = new Set<string>();
  #wantedRoom = 'lobby';

  private constructor(socket: net.Socket) {
    super('irc');
    this.#socket = socket;
    onLines(socket, (line) => {
      this.lines.push(line);
      this.#receive(line);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<IrcDoorClient> {
    return new IrcDoorClient(await connectSocket(port));
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`);
  }

  #receive(line: string): void {
    const parsed = parseIrcMessage(Buffer.from(line));
    if (!parsed.ok) return;
    const { tags, source, command, params } = parsed.message;
    const from = source?.split('!')[0] ?? '';
    const timeTag = tags.get('time');
    const timeMs = timeTag === undefined ? undefined : Date.parse(timeTag);
    switch (command) {
      case 'PING':
        return this.send(`PONG :${params.at(-1) ?? ''}`);
      case '001':
        this.accepted(params[0]!);
        if (this.#wantedRoom !== 'lobby') this.send(`JOIN #${this.#wantedRoom}`);
        return;
      case '433':
        return this.refused(/looks too much like/.test(params.at(-1) ?? '') ? 'NICK_LOOKALIKE' : 'NICK_TAKEN');
      case '401':
        return this.refused('NO_SUCH_NICK');
      case 'FAIL':
        return this.refused(params[1]!);
      case 'NOTICE':
        // From the server (no nick!user@host), not relayed from a user.
        if (source !== undefined && !source.includes('!')) this.infos.push(params.at(-1)!);
        return;
      case 'PRIVMSG': {
        const [target, text] = params as [string, string];
        if (!target.startsWith('#')) return void this.privates.push({ from, to: target, text });
        const action = /^\x01ACTION (.*)\x01$/s.exec(text);
        const event: RoomEventSeen = {
          room: target.slice(1),
          kind: action === null ? 'say' : 'me',
          nick: from,
          text: action?.[1] ?? text,
          timeMs,
        };
        if (tags.has('batch')) this.replayed(event.room, event);
        else this.events.push(event);
        return;
      }
      case 'JOIN':
        if (from === this.nick) this.#namedAfterJoin.delete(params[0]!.slice(1));
        return void this.events.push({ room: params[0]!.slice(1), kind: 'join', nick: from, text: '', timeMs });
      case 'PART':
        return void this.events.push({ room: params[0]!.slice(1), kind: 'part', nick: from, text: params[1] ?? '', timeMs });
      case 'QUIT':
        return void this.events.push({ room: '*', kind: 'quit', nick: from, text: params[0] === 'Quit' ? '' : (params[0] ?? ''), timeMs });
      case 'NICK':
        if (from === this.nick) this.nick = params[0]!;
        return void this.events.push({ room: '*', kind: 'rename', nick: from, text: params[0]!, timeMs });
      case '353': {
        const room = params[2]!.slice(1);
        const names = this.#names.get(room) ?? [];
        const listed = params[3]!.split(' ').filter((name) => name !== '');
        this.#names.set(room, [...names, ...listed.map((name) => name.replace(/^[@+]/, ''))]);
        return;
      }
      case '366': {
        const room = params[1]!.slice(1);
        this.listings.push({ kind: 'members', room, nicks: this.#names.get(room) ?? [] });
        this.#names.delete(room);
        this.#namedAfterJoin.add(room);
        return;
      }
      case '322':
        return void this.#listed.set(params[1]!.slice(1), Number(params[2]));
      case '323':
        this.listings.push({ kind: 'rooms', rooms: this.#listed });
        this.#listed = new Map();
        return;
    }
  }

  protected sendHello(nick: string, room: string): void {
    this.#wantedRoom = room;
    if (this.helloOutcomes.length === 0) {
      this.send('CAP LS 302');
      this.send(`NICK ${nick}`);
      this.send(`USER ${nick} 0 * :${nick}`);
      this.send('CAP REQ :server-time message-tags echo-message batch');
      this.send('CAP END');
    } else this.send(`NICK ${nick}`);
  }

  /** The door answers a JOIN with JOIN, the history, then NAMES: done when the NAMES end arrived. */
  protected override async joined(room: string): Promise<void> {
    await super.joined(room);
    await this.until(() => this.#namedAfterJoin.has(room), answerTimeoutMs, `NAMES after ${this.nick}'s join of ${room}`);
  }

  say(room: string, text: string): void {
    this.send(`PRIVMSG #${room} :${text}`);
  }

  msg(nick: string, text: string): void {
    this.send(`PRIVMSG ${nick} :${text}`);
  }

  protected sendJoin(room: string): void {
    this.send(`JOIN #${room}`);
  }

  protected askMembers(room: string): void {
    this.send(`NAMES #${room}`);
  }

  protected askRooms(): void {
    this.send('LIST');
  }

  close(): void {
    this.#socket.destroy();
  }
}

class WebSocketDoorClient extends ChatClient {
  readonly #socket: WebSocket;

  private constructor(socket: WebSocket) {
    super('ws');
    this.#socket = socket;
    socket.on('message', (data) => {
      this.#receive(JSON.parse(String(data)) as Record<string, unknown>);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<WebSocketDoorClient> {
    const socket = new WebSocket(`ws://${host}:${port}/ws`);
    socket.on('error', () => {});
    await once(socket, 'open');
    return new WebSocketDoorClient(socket);
  }

  #receive(message: Record<string, unknown>): void {
    const eventOf = (room: string, event: WireRoomEvent): RoomEventSeen => ({
      room,
      kind: event.kind,
      nick: event.from,
      text: event.text,
      timeMs: event.time,
    });
    switch (message.type) {
      case 'welcome':
        return this.accepted(message.nick as string);
      case 'nick':
        return void (this.nick = message.nick as string);
      case 'error':
        return this.refused(message.code as string);
      case 'event':
        return void this.events.push(eventOf(message.room as string, message as unknown as WireRoomEvent));
      case 'history':
        for (const event of message.events as WireRoomEvent[])
          this.replayed(message.room as string, eventOf(message.room as string, event));
        return;
      case 'pm':
        return void this.privates.push({ from: message.from as string, to: message.to as string, text: message.text as string });
      case 'members':
        return void this.listings.push({ kind: 'members', room: message.room as string, nicks: [...(message.nicks as string[])] });
      case 'rooms': {
        const rooms = new Map((message.rooms as { room: string; members: number }[]).map(({ room, members }) => [room, members]));
        return void this.listings.push({ kind: 'rooms', rooms });
      }
      case 'info':
        return void this.infos.push(message.text as string);
    }
  }

  #send(message: object): void {
    this.#socket.send(JSON.stringify(message));
  }

  protected sendHello(nick: string, room: string): void {
    this.#send(room === 'lobby' ? { type: 'hello', nick } : { type: 'hello', nick, room });
  }

  say(room: string, text: string): void {
    this.#send({ type: 'say', room, text });
  }

  msg(nick: string, text: string): void {
    this.#send({ type: 'msg', to: nick, text });
  }

  protected sendJoin(room: string): void {
    this.#send({ type: 'join', room });
  }

  protected askMembers(room: string): void {
    this.#send({ type: 'who', room });
  }

  protected askRooms(): void {
    this.#send({ type: 'rooms' });
  }

  close(): void {
    this.#socket.terminate();
  }
}
