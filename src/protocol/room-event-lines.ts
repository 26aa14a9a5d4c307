// Room events (thread-messages.ts) as lines of the line protocol. Pure: a worker renders a run of events
// with these once for all its line-protocol members of the room, and replays history with them.
// The room's sequence number is not shown: the line protocol's lines are what they always were.
import type { RoomEvent } from '../thread-messages.ts';
import {
  actionLine,
  chatLine,
  historyHeaderLine,
  historyLine,
  joinedNotice,
  leftNotice,
  quitNotice,
  renamedNotice,
} from './server-lines.ts';

/** One room event as its line, LF included: `[lobby] <alice> hi`, `[lobby] -- bob joined`. */
export function renderLine(event: RoomEvent): string {
  const { room, nick, text } = event;
  switch (event.kind) {
    case 'say':
      return chatLine(room, nick, text);
    case 'me':
      return actionLine(room, nick, text);
    case 'join':
      return joinedNotice(room, nick);
    case 'part':
      return leftNotice(room, nick);
    case 'quit':
      return quitNotice(room, nick, text);
    case 'rename':
      return renamedNotice(room, nick, text);
  }
}

/** A run of events as one text, in order. */
export function renderLines(events: readonly RoomEvent[]): string {
  let text = '';
  for (const event of events) text += renderLine(event);
  return text;
}

/** Replayed history: a header, then each event marked with the time it was sent (see historyLine). */
export function renderHistory(room: string, events: readonly RoomEvent[]): string {
  let text = historyHeaderLine(room, events.length);
  for (const event of events) text += historyLine(event.timeMs, renderLine(event));
  return text;
}
