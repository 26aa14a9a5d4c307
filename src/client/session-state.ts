// What the client knows about its session: its nick, the rooms it is in and which is current. Learnt
// from the server's answers rather than from what the user typed, because a typed /join can fail; the
// server's lines are the truth. Pure, so the reconnect logic can be tested without sockets.
//
//   offline ──connected, nick known──▶ claiming ──Hello──▶ chatting
//      │  ╲                              │  ▲                 │
//      │   └─connected, no nick─▶ naming─┘  └──nick typed─────┤ (naming after NICK_TAKEN/INVALID)
//      ▲                                                      │
//      └──────────────────────── connection lost ─────────────┘
//
// The rooms survive a lost connection: they are what the next session re-joins.
//
// Answers to /switch and /part come straight back, but a join notice goes round the coordinator and
// can arrive after the answer to a command sent later. So a join notice makes its room current only if
// no /switch or /part was sent after that /join: the same order the server applied them in.
import { parseCommand } from '../protocol/command-parser.ts';
import { joinedNotice, noticeLine } from '../protocol/server-lines.ts';
import { defaultRoom } from '../protocol/names.ts';
import type { ServerLine } from './server-line.ts';

export type Phase = 'offline' | 'naming' | 'claiming' | 'chatting';

export type Observation = { kind: 'none' } | { kind: 'changed' } | { kind: 'welcomed'; rejoin: string[] } | { kind: 'nick-refused' };

interface Rooms {
  rooms: string[];
  currentRoom: string | undefined;
}

// The server's own answers that change the session (chat events the server's line dialect renders,
// workers/connection/dialects/line-dialect.ts). Their shapes are matched here; test/e2e/terminal-client
// catches a drift.
const hello = /^Hello (\S+)\. You are in (\S+);/;
const renamed = /^You are now known as (\S+)\.$/;
const switched = /^Your current room is (\S+)\.$/;
const left = /^You left (\S+)\. (?:Your current room is (\S+)\.|You are in no room now\.)$/;

/**
 * The commands that take a fresh session (in the default room only) to `target`: same rooms, same
 * order (it decides where /part falls back to), same current room.
 */
export function rejoinCommands(target: Rooms): string[] {
  const commands: string[] = [];
  let joins = target.rooms;
  if (target.rooms[0] === defaultRoom) joins = target.rooms.slice(1);
  else commands.push(`/part ${defaultRoom}`);
  for (const room of joins) commands.push(`/join ${room}`);
  // A join makes its room current, so the last one joined is current unless the user switched.
  if (target.currentRoom !== undefined && target.currentRoom !== target.rooms.at(-1)) {
    commands.push(`/switch ${target.currentRoom}`);
  }
  return commands;
}

export class SessionState {
  phase: Phase = 'offline';
  /** The nick to claim on connect: the one the server last confirmed, else the one asked for. */
  nick: string | undefined;
  rooms: string[] = [];
  currentRoom: string | undefined;
  #welcomedBefore = false;
  /** Where a re-join is heading until the server has confirmed all of it; restored if cut short. */
  #rejoinTarget: Rooms | undefined;
  #linesSent = 0;
  #lastSwitchOrPartSent = 0;
  /** Rooms asked for with /join whose join notice has not come yet, and when each /join was sent. */
  #joinsInFlight = new Map<string, number>();

  constructor(nick: string | undefined) {
    this.nick = nick;
  }

  /** The socket is open: returns the nick to send, if one is known. */
  connected(): string | undefined {
    this.phase = this.nick === undefined ? 'naming' : 'claiming';
    return this.nick;
  }

  /** The user typed a nick. True if it should go to the server now (the server is waiting for one). */
  chooseNick(nick: string): boolean {
    this.nick = nick;
    if (this.phase !== 'naming') return false;
    this.phase = 'claiming';
    return true;
  }

  /** A line is going to the server while chatting. */
  sent(line: string): void {
    const command = parseCommand(line);
    this.#linesSent++;
    if (command.kind === 'switch' || command.kind === 'part' || (command.kind === 'join' && this.rooms.includes(command.room))) {
      this.#lastSwitchOrPartSent = this.#linesSent;
    } else if (command.kind === 'join') {
      this.#joinsInFlight.set(command.room, this.#linesSent);
    }
  }

  disconnected(): void {
    this.phase = 'offline';
    this.#joinsInFlight.clear();
    if (this.#rejoinTarget !== undefined) this.#setRooms(this.#rejoinTarget);
  }

  observe(line: ServerLine): Observation {
    const observation = this.#observe(line);
    const target = this.#rejoinTarget;
    if (target !== undefined && target.currentRoom === this.currentRoom && target.rooms.join(' ') === this.rooms.join(' ')) {
      this.#rejoinTarget = undefined;
    }
    return observation;
  }

  #observe(line: ServerLine): Observation {
    switch (line.kind) {
      case 'error':
        if (this.phase !== 'claiming' || (line.code !== 'NICK_TAKEN' && line.code !== 'NICK_INVALID')) break;
        this.phase = 'naming';
        this.nick = undefined;
        return { kind: 'nick-refused' };
      case 'notice':
        // Our own join notice: the room is ours (this also covers joins the user typed).
        if (this.nick === undefined || noticeLine(line.room, line.text) !== joinedNotice(line.room, this.nick)) break;
        if (!this.rooms.includes(line.room)) this.rooms.push(line.room);
        if ((this.#joinsInFlight.get(line.room) ?? Infinity) > this.#lastSwitchOrPartSent) this.currentRoom = line.room;
        this.#joinsInFlight.delete(line.room);
        return { kind: 'changed' };
      case 'info':
        return this.#observeInfo(line.text);
    }
    return { kind: 'none' };
  }

  #observeInfo(text: string): Observation {
    let m: RegExpExecArray | null;
    if (this.phase !== 'chatting' && (m = hello.exec(text))) {
      const target = this.#welcomedBefore ? { rooms: this.rooms, currentRoom: this.currentRoom } : undefined;
      this.phase = 'chatting';
      this.#welcomedBefore = true;
      this.nick = m[1]!;
      this.#setRooms({ rooms: [m[2]!], currentRoom: m[2]! });
      const rejoin = target === undefined ? [] : rejoinCommands(target);
      if (rejoin.length > 0) this.#rejoinTarget = target;
      return { kind: 'welcomed', rejoin };
    }
    if ((m = renamed.exec(text))) {
      this.nick = m[1]!;
    } else if ((m = switched.exec(text))) {
      this.currentRoom = m[1]!;
    } else if ((m = left.exec(text))) {
      const room = m[1]!;
      this.rooms = this.rooms.filter((held) => held !== room);
      this.currentRoom = m[2];
    } else {
      return { kind: 'none' };
    }
    return { kind: 'changed' };
  }

  #setRooms(rooms: Rooms): void {
    this.rooms = [...rooms.rooms];
    this.currentRoom = rooms.currentRoom;
  }
}
