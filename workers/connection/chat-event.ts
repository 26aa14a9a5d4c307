// What a chat session tells its client, as data: the session knows no wire format, and each dialect
// renders these its own way (the line dialect as `-- ` and `!! ` lines). Room events are not here: they
// reach members in runs, rendered once per dialect (room-line-run.ts), never one session at a time.
import type { ServerStats } from '../../src/control-api.ts';
import type { Listing, Notice, RoomEvent } from '../../src/thread-messages.ts';

/** Besides these, what the coordinator tells the client: a Notice (errors, sentences, private messages) or a Listing. */
export type ChatEvent =
  | Notice
  | Listing
  /** The client should choose a nick (the line dialect's greeting). */
  | { kind: 'ask-nick' }
  /** The nick was accepted: the client is `nick`, in `room`. */
  | { kind: 'welcome'; nick: string; room: string }
  | { kind: 'renamed'; nick: string }
  | { kind: 'current-room'; room: string }
  /** The client left `room`; `current` is its current room now, if any. */
  | { kind: 'parted'; room: string; current: string | undefined }
  /** The client is in `room` now; `events` is its history (--history-on-join), oldest first, maybe none. */
  | { kind: 'joined'; room: string; events: readonly RoomEvent[] }
  /** A room's replayed events, oldest first, asked for with /history. */
  | { kind: 'history'; room: string; events: readonly RoomEvent[] }
  /** The client quit (with `reason`, '' for none): the last thing it is shown. */
  | { kind: 'goodbye'; reason: string }
  /** The operator password was right: the client is an operator from now on. */
  | { kind: 'operator' }
  | { kind: 'stats'; stats: ServerStats }
  /** Text already in the line protocol, shown as it is: what the line dialect says of its own. */
  | { kind: 'server-text'; text: string };
