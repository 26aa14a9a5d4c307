// Room lines are fanned out in runs: consecutive lines for the same room — across every coordinator
// batch of an event-loop turn — are joined, turned into one Buffer once, and that same Buffer is
// queued for every local member. A busy room's turn then costs one encoding and one queue entry per
// member however many lines and batches it brought, and a member whose turn held only that run gets
// the shared Buffer written as is, with no copy.
//
// A run ends at any other op and at the end of the turn, so each member still gets exactly the
// coordinator's order (a `joined` between two lines of its room makes it a member for the second only):
//
//   turn: [deliver lobby a][deliver lobby b] | [deliver lobby c][joined dev …][deliver dev d] | flush
//         └────────────── run: "a b c" ──────────────┘                        └ run: "d" ┘
import type { LocalRooms } from './local-rooms.ts';

export interface RunMember {
  output: { write(bytes: Buffer, lines: number): void };
}

export class RoomLineRun<Member extends RunMember> {
  readonly #localRooms: LocalRooms<Member>;
  #room: string | undefined;
  #text = '';
  #lines = 0;

  constructor(localRooms: LocalRooms<Member>) {
    this.#localRooms = localRooms;
  }

  /** Adds a room line; true when it started a new run (which must be closed before the turn ends). */
  add(room: string, line: string): boolean {
    const started = room !== this.#room;
    if (started) {
      this.close();
      this.#room = room;
    }
    this.#text += line;
    this.#lines++;
    return started;
  }

  /** Hands the open run, if any, to the room's local members. */
  close(): void {
    const room = this.#room;
    if (room === undefined) return;
    const members = this.#localRooms.membersOf(room);
    if (members !== undefined) {
      const bytes = Buffer.from(this.#text);
      for (const member of members) member.output.write(bytes, this.#lines);
    }
    this.#room = undefined;
    this.#text = '';
    this.#lines = 0;
  }
}
