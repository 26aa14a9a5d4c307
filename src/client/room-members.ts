// Who the client believes is in each room, for Tab completion. Learnt from what passes by: /who answers,
// join, part, quit and rename notices, and the nicks of lines seen, live or replayed from history. Only a guess (nobody tells the client
// about members who stay silent until it asks /who), which is all completion needs. Pure.
import { nickKey } from '../protocol/names.ts';
import {
  goneNoticePattern as gone,
  joinedNoticePattern as joined,
  memberListingPattern as memberList,
  renamedNoticePattern as renamed,
} from '../protocol/server-lines.ts';
import type { ServerLine } from './server-line.ts';

/** Bound what a busy room (or a lying server) can make the client remember. */
export const maxKnownNicksPerRoom = 5000;
export const maxKnownRooms = 1000;

export class RoomMembers {
  /** room → nick key → nick as last seen (case kept for completion). */
  readonly #rooms = new Map<string, Map<string, string>>();

  /** The known nicks of `room`, in the order first seen. */
  of(room: string): string[] {
    return [...(this.#rooms.get(room)?.values() ?? [])];
  }

  /** Every known nick of every room, once each. */
  all(): string[] {
    const nicks = new Map<string, string>();
    for (const members of this.#rooms.values()) for (const [key, nick] of members) nicks.set(key, nick);
    return [...nicks.values()];
  }

  /** The client left `room` (or lost its session): what it knew of it is stale. */
  forget(room?: string): void {
    if (room === undefined) this.#rooms.clear();
    else this.#rooms.delete(room);
  }

  observe(line: ServerLine): void {
    switch (line.kind) {
      case 'history':
        // Replayed in order, joins and quits leave the recent members: who spoke lately is likely there.
        return this.observe(line.line);
      case 'chat':
      case 'action':
        return this.#add(line.room, line.nick);
      case 'notice':
        return this.#notice(line.room, line.text);
      case 'info': {
        const m = memberList.exec(line.text);
        if (m === null) return;
        // A full list replaces what was guessed; a cut-short one only adds.
        if (!line.text.endsWith(' more')) this.#rooms.delete(m[1]!);
        for (const nick of m[3]!.split(', ')) if (nick !== '') this.#add(m[1]!, nick);
        return;
      }
    }
  }

  #notice(room: string, text: string): void {
    let m: RegExpExecArray | null;
    if ((m = joined.exec(text))) this.#add(room, m[1]!);
    else if ((m = gone.exec(text))) this.#rooms.get(room)?.delete(nickKey(m[1]!));
    else if ((m = renamed.exec(text))) {
      this.#rooms.get(room)?.delete(nickKey(m[1]!));
      this.#add(room, m[2]!);
    }
  }

  #add(room: string, nick: string): void {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      if (this.#rooms.size >= maxKnownRooms) return;
      this.#rooms.set(room, (members = new Map()));
    }
    const key = nickKey(nick);
    if (members.size >= maxKnownNicksPerRoom && !members.has(key)) return;
    members.set(key, nick);
  }
}
