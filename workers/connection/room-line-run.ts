// Room events are fanned out in runs: consecutive events of the same room — across every coordinator
// batch of an event-loop turn — are gathered, and when the run closes each wire protocol (dialect)
// present among the room's local members renders the whole run once, into one Buffer that is queued
// for every member speaking it. A busy room's turn then costs one encoding per dialect and one queue
// entry per member however many events and batches it brought, and a member whose turn held only that
// run gets the shared Buffer written as is, with no copy.
//
// A run ends at any other op and at the end of the turn, so each member still gets exactly the
// coordinator's order (a `joined` between two events of its room makes it a member for the second only):
//
//   turn: [deliver lobby a][deliver lobby b] | [deliver lobby c][joined dev …][deliver dev d] | flush
//         └────────────── run: a b c ────────────────┘                        └ run: d ┘
import type { ConnectionWorkerStats } from '../../src/control-api.ts';
import type { RoomEvent } from '../../src/thread-messages.ts';
import type { LocalRooms } from './local-rooms.ts';

/** How one wire protocol turns a run of room events into bytes. One shared object per protocol. */
export interface RoomEventEncoder {
  encode(events: readonly RoomEvent[]): Buffer;
  /**
   * Whether its members may each leave events out (RunMember.roomEventFilter): only then is the filter
   * asked, so a protocol without one (the line protocol) pays nothing per member for it.
   */
  readonly filtered?: boolean;
}

/**
 * For a protocol in which a member does not get every event of a run (IRC: its own lines without
 * echo-message, a quit it has just seen from another room): the events it is to get, or undefined when
 * it gets the whole run, and with it the shared bytes.
 */
export type RoomEventFilter = (events: readonly RoomEvent[]) => readonly RoomEvent[] | undefined;

export interface RunMember {
  readonly roomEncoder: RoomEventEncoder;
  /** Undefined for a protocol whose members get every event (the line protocol). */
  readonly roomEventFilter: RoomEventFilter | undefined;
  output: { write(bytes: Buffer, lines: number): void };
}

/**
 * Runs handed out to local members, and the shared encodings made for them: never more per run than the
 * encoder variants among the members. (An IRC member that filtered part of a run out, e.g. its own line
 * without echo-message, gets an encoding of its own on top; those are not counted here.)
 */
export type RoomRunCounters = Pick<ConnectionWorkerStats, 'roomRuns' | 'roomRunEncodings'>;

export class RoomLineRun<Member extends RunMember> {
  readonly counters: RoomRunCounters = { roomRuns: 0, roomRunEncodings: 0 };
  readonly #localRooms: LocalRooms<Member>;
  #room: string | undefined;
  /** The open run's events; reused from run to run (encoders do not keep it). */
  readonly #events: RoomEvent[] = [];

  constructor(localRooms: LocalRooms<Member>) {
    this.#localRooms = localRooms;
  }

  /** Adds a room event; true when it started a new run (which must be closed before the turn ends). */
  add(event: RoomEvent): boolean {
    const started = event.room !== this.#room;
    if (started) {
      this.close();
      this.#room = event.room;
    }
    this.#events.push(event);
    return started;
  }

  /** Hands the open run, if any, to the room's local members: encoded once per dialect among them. */
  close(): void {
    const room = this.#room;
    if (room === undefined) return;
    const members = this.#localRooms.membersOf(room);
    if (members !== undefined) this.#fanOut(members);
    this.#room = undefined;
    this.#events.length = 0;
  }

  #fanOut(members: ReadonlySet<Member>): void {
    const events = this.#events;
    const lines = events.length;
    this.counters.roomRuns++;
    // Members mostly share one dialect: the Map of encodings is made only when a second one shows up.
    let encoder: RoomEventEncoder | undefined;
    let bytes: Buffer | undefined;
    let byEncoder: Map<RoomEventEncoder, Buffer> | undefined;
    let filtered = false;
    for (const member of members) {
      if (member.roomEncoder !== encoder) {
        if (encoder !== undefined && bytes !== undefined) (byEncoder ??= new Map()).set(encoder, bytes);
        encoder = member.roomEncoder;
        bytes = byEncoder?.get(encoder) ?? this.#encode(encoder);
        filtered = encoder.filtered === true;
      }
      const own = filtered ? member.roomEventFilter?.(events) : undefined;
      if (own === undefined) member.output.write(bytes!, lines);
      // What a member keeps of the run is encoded for it alone (an IRC client that spoke in the run).
      else if (own.length > 0) member.output.write(encoder!.encode(own), own.length);
    }
  }

  #encode(encoder: RoomEventEncoder): Buffer {
    this.counters.roomRunEncodings++;
    return encoder.encode(this.#events);
  }
}
