// roomcast chat events as IRC lines. Pure: what a line looks like depends only on the event and on the
// capabilities the client negotiated, so a worker can render an event once per variant (with or
// without @time) and send the same string to every IRC client that takes that variant.
import { type IrcMessageInit, maxMessageBytes, serializeIrcMessage } from './irc-message.ts';
import { numericLine } from './irc-numerics.ts';
import type { IrcCapability } from './irc-registration.ts';
import { channelName, ircServerName, userSource } from './irc-server-identity.ts';
import { splitUtf8 } from './utf8-split.ts';

/**
 * One thing that happened in a room, as the renderer needs it. `text` is the line for say and me, the
 * reason for part and quit ('' for none), the new nick for nick, and '' for join. Names are valid
 * (src/protocol/names.ts) and text is already sanitised by the chat session.
 */
export interface IrcRoomEvent {
  readonly kind: 'say' | 'me' | 'join' | 'part' | 'quit' | 'nick';
  readonly room: string;
  readonly sender: string;
  readonly text: string;
  /** Wall-clock milliseconds when the server sequenced it: the @time tag, and the [HH:MM] of history. */
  readonly timeMs: number;
}

/** A private message, which IRC addresses to the recipient's nick. */
export interface IrcPrivateEvent {
  readonly sender: string;
  readonly recipient: string;
  readonly text: string;
  readonly action: boolean;
  readonly timeMs: number;
}

type Capabilities = ReadonlySet<IrcCapability>;

/**
 * Whether a client sees a message it sent itself: only with echo-message (the client then shows it when
 * the server has accepted it, in the room's order). Joins, parts and renames of its own always reach it:
 * they are how an IRC client learns that they happened.
 */
export function seesOwnMessage(capabilities: Capabilities): boolean {
  return capabilities.has('echo-message');
}

const timeTag = (timeMs: number) => new Date(timeMs).toISOString();

function tagsFor(capabilities: Capabilities, timeMs: number, batchId?: string): Map<string, string> | undefined {
  const tags = new Map<string, string>();
  if (batchId !== undefined) tags.set('batch', batchId);
  if (capabilities.has('server-time')) tags.set('time', timeTag(timeMs));
  return tags.size === 0 ? undefined : tags;
}

/** The lines for one room event; a long line becomes several PRIVMSGs, split on a space where it can be. */
export function renderRoomEvent(event: IrcRoomEvent, capabilities: Capabilities, batchId?: string): string[] {
  const tags = tagsFor(capabilities, event.timeMs, batchId);
  const source = userSource(event.sender);
  const channel = channelName(event.room);
  switch (event.kind) {
    case 'say':
    case 'me':
      return textLines({ tags, source, command: 'PRIVMSG' }, channel, event.text, event.kind === 'me');
    case 'join':
      return [serializeIrcMessage({ tags, source, command: 'JOIN', params: [channel] })];
    case 'part':
      return [serializeIrcMessage({ tags, source, command: 'PART', params: event.text === '' ? [channel] : [channel, event.text] })];
    case 'quit':
      // One QUIT says it for every channel the client shares with the sender: see RepeatedAnnouncementFilter.
      return [serializeIrcMessage({ tags, source, command: 'QUIT', params: [event.text === '' ? 'Quit' : event.text] })];
    case 'nick':
      return [serializeIrcMessage({ tags, source, command: 'NICK', params: [event.text] })];
  }
}

export function renderPrivateEvent(event: IrcPrivateEvent, capabilities: Capabilities): string[] {
  const tags = tagsFor(capabilities, event.timeMs);
  return textLines({ tags, source: userSource(event.sender), command: 'PRIVMSG' }, event.recipient, event.text, event.action);
}

const actionStart = '\x01ACTION ';
const actionEnd = '\x01';

/** PRIVMSG target :text, as many as the 512-byte limit needs; a /me is a CTCP ACTION in each. */
function textLines(head: IrcMessageInit, target: string, text: string, action: boolean): string[] {
  const overhead =
    Buffer.byteLength(`:${head.source} ${head.command} ${target} :\r\n`) + (action ? Buffer.byteLength(actionStart + actionEnd) : 0);
  return splitUtf8(text, maxMessageBytes - overhead).map((piece) =>
    serializeIrcMessage({ ...head, params: [target, action ? `${actionStart}${piece}${actionEnd}` : piece] }),
  );
}

/**
 * History sent on joining: what was said (say and me only: a replayed JOIN or QUIT would make a client
 * believe people came and went just now). With `batch` the lines come as one chathistory batch, which
 * clients show apart from live lines; without server-time each line starts with its [HH:MM] (UTC), so
 * replayed lines can be told from live ones either way. `batchId` must be unique on the connection.
 */
export function renderHistory(room: string, events: readonly IrcRoomEvent[], capabilities: Capabilities, batchId: string): string[] {
  const said = events.filter((event) => event.kind === 'say' || event.kind === 'me');
  if (said.length === 0) return [];
  const inBatch = capabilities.has('batch');
  const stamped = capabilities.has('server-time')
    ? said
    : said.map((event) => ({ ...event, text: `[${timeTag(event.timeMs).slice(11, 16)}] ${event.text}` }));
  const lines = stamped.flatMap((event) => renderRoomEvent(event, capabilities, inBatch ? batchId : undefined));
  if (!inBatch) return lines;
  return [
    serializeIrcMessage({ source: ircServerName, command: 'BATCH', params: [`+${batchId}`, 'chathistory', channelName(room)] }),
    ...lines,
    serializeIrcMessage({ source: ircServerName, command: 'BATCH', params: [`-${batchId}`] }),
  ];
}

/** RPL_NAMREPLY lines holding every member (as many as 512 bytes a line need), then RPL_ENDOFNAMES. */
export function renderNames(nick: string, room: string, members: readonly string[]): string[] {
  const channel = channelName(room);
  const budget = maxMessageBytes - Buffer.byteLength(numericLine('RPL_NAMREPLY', nick, channel, 'x')) + 1;
  const lines: string[] = [];
  let current = '';
  for (const member of members) {
    const joined = current === '' ? member : `${current} ${member}`;
    if (Buffer.byteLength(joined) > budget) {
      lines.push(numericLine('RPL_NAMREPLY', nick, channel, current));
      current = member;
    } else {
      current = joined;
    }
  }
  if (current !== '') lines.push(numericLine('RPL_NAMREPLY', nick, channel, current));
  return [...lines, numericLine('RPL_ENDOFNAMES', nick, channel)];
}

/**
 * IRC announces a quit or a rename once per client; roomcast announces it in each room the sender was
 * in, so a client sharing three rooms with the sender gets three. The coordinator announces them to all
 * those rooms in one go, so for one client the copies arrive back to back: this drops an event equal to
 * the one just before it, remembering only that one (constant memory, however many events pass).
 */
export class RepeatedAnnouncementFilter {
  #last: string | undefined;

  /** Whether to render this event: always for room-scoped kinds, not again for a quit or rename just seen. */
  admit(event: IrcRoomEvent): boolean {
    if (event.kind !== 'quit' && event.kind !== 'nick') {
      this.#last = undefined;
      return true;
    }
    const key = `${event.kind} ${event.sender} ${event.text}`;
    if (key === this.#last) return false;
    this.#last = key;
    return true;
  }
}
