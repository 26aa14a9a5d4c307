// What a chat session tells its client, as data: the session knows no wire format, and each dialect
// renders these its own way (the line dialect as `-- ` and `!! ` lines). Room events are not here: they
// reach members in runs, rendered once per dialect (room-line-run.ts), never one session at a time.
import type { ServerStats } from '../../src/control-api.ts';
import type { ErrorArgs, ErrorCode } from '../../src/protocol/errors.ts';
import type { RoomEvent } from '../../src/thread-messages.ts';

export type ChatEvent =
  /** The client should choose a nick (the line dialect's greeting). */
  | { kind: 'ask-nick' }
  /** The nick was accepted: the client is `nick`, in `room`. */
  | { kind: 'welcome'; nick: string; room: string }
  | { kind: 'renamed'; nick: string }
  | { kind: 'current-room'; room: string }
  /** The client left `room`; `current` is its current room now, if any. */
  | { kind: 'parted'; room: string; current: string | undefined }
  /** A room's replayed events, oldest first: on joining, or asked for with /history. */
  | { kind: 'history'; room: string; events: readonly RoomEvent[] }
  /** A sentence for the person (`You are already alice.`). */
  | { kind: 'info'; text: string }
  /** An error from the catalogue (errors.ts); see chatError. */
  | { kind: 'error'; code: ErrorCode; args: readonly (string | number)[] }
  | { kind: 'stats'; stats: ServerStats }
  /**
   * Text the coordinator rendered in the line protocol (replies, private messages, listings, refusals)
   * and the shutdown notice: shown as it is. To become data before a second dialect shows these.
   */
  | { kind: 'server-text'; text: string };

/** An error event, with the arguments its catalogue sentence takes. */
export function chatError<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): ChatEvent {
  return { kind: 'error', code, args };
}
