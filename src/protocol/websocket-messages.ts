// The browser door's messages (docs/websocket.md): one JSON object per WebSocket text frame. Pure: the
// parser turns a frame into a client message or an error ready to send back, and never throws, whatever
// the frame holds; the builders are the only place server messages are shaped. Each client message maps
// onto one chat command of the line protocol, and each server message onto one kind of server line, so a
// WebSocket session and a line session are the same session in two dialects.
import { type Command, parseCommand } from './command-parser.ts';
import { type ErrorArgs, type ErrorCode, errorSentence } from './errors.ts';
import type { Listing, Notice, RoomEvent, RoomEventKind } from '../thread-messages.ts';
import { isValidNick, normalizeRoomName } from './names.ts';

export type ClientMessage =
  /** `room`: where to start instead of the lobby (docs/websocket.md). */
  | { type: 'hello'; nick: string; room?: string }
  | { type: 'say'; room: string; text: string }
  | { type: 'me'; room: string; text: string }
  | { type: 'join'; room: string }
  | { type: 'part'; room: string }
  | { type: 'msg'; to: string; text: string }
  | { type: 'nick'; nick: string }
  | { type: 'rooms' }
  | { type: 'who'; room: string }
  | { type: 'history'; room: string; count: number | undefined }
  | { type: 'quit'; reason: string | undefined }
  /**
   * A line the user typed, parsed exactly as the line protocol parses it; `room` is the room the page
   * shows, which stands for the line protocol's current room (undefined: none, e.g. a private chat).
   */
  | { type: 'command'; room: string | undefined; command: Exclude<Command, { kind: 'invalid' }> };

/**
 * One entry of a room's sequence, as the page sees it: the core's RoomEvent (src/thread-messages.ts) under
 * the names of docs/websocket.md. `seq` counts the room's events (one order for every member); `time` is
 * when the server sequenced it, in ms since the epoch (UTC). For `part` and `quit` the text is the reason
 * ('' for none), for `rename` it is the new nick (`from` is the old one), for `join` it is ''.
 */
export interface WireRoomEvent {
  seq: number;
  time: number;
  from: string;
  kind: RoomEventKind;
  text: string;
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  /** The sentence of src/protocol/errors.ts, for people. */
  message: string;
}

export type ServerMessage =
  | { type: 'welcome'; nick: string; room: string; maxLineBytes: number; maxFrameBytes: number }
  | { type: 'parted'; room: string; current: string | undefined }
  | { type: 'current'; room: string }
  | { type: 'nick'; nick: string }
  | ({ type: 'event'; room: string } & WireRoomEvent)
  | { type: 'history'; room: string; events: WireRoomEvent[] }
  | { type: 'rooms'; rooms: { room: string; members: number }[]; more: number }
  | { type: 'members'; room: string; nicks: readonly string[]; more: number }
  | { type: 'pm'; from: string; to: string; text: string; time: number }
  | { type: 'info'; text: string }
  | ErrorMessage;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: ErrorMessage };

/**
 * Field names, quotes and braces around a line's text. A text frame may hold twice the line limit plus
 * this: JSON.stringify escapes a printable character as at most two bytes (`"` and `\`), so any text
 * within the line limit fits in a frame, and anything larger is refused by the WebSocket layer before it
 * is buffered (close 1009).
 */
export const jsonOverheadBytes = 1024;

export function maxFrameBytes(maxLineBytes: number): number {
  return 2 * maxLineBytes + jsonOverheadBytes;
}

/** The error message for `code`, with the catalogue's sentence. */
export function errorMessage<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): ErrorMessage {
  return { type: 'error', code, message: errorSentence(code, ...args) };
}

/** Turns a line-protocol error line (`!! CODE sentence\n`) from the shared core into an error message. */
export function errorFromLine(line: string): ErrorMessage {
  const space = line.indexOf(' ', 3);
  return { type: 'error', code: line.slice(3, space) as ErrorCode, message: line.slice(space + 1).replace(/\n$/, '') };
}

// Closing: the server sends the error message first, then closes with the error's code as the close
// reason and one of these close codes, which tell a client whether reconnecting can help (docs/websocket.md).
const closeCodes: Partial<Record<ErrorCode, number>> = {
  SHUTTING_DOWN: 1001,
  INTERNAL_ERROR: 1011,
  SERVER_FULL: 1013,
  TOO_MANY_CONNECTIONS: 1013,
  CONNECTING_TOO_FAST: 1013,
  SERVER_UNAVAILABLE: 1013,
};

/** The WebSocket close code for a connection closed with error `code`: 1008 (policy) unless listed above. */
export function closeCodeFor(code: ErrorCode): number {
  return closeCodes[code] ?? 1008;
}

/** A normal close, after the client's own quit. */
export const quitCloseCode = 1000;

const wireEvent = (event: RoomEvent): WireRoomEvent => ({
  seq: event.seq,
  time: event.timeMs,
  from: event.nick,
  kind: event.kind,
  text: event.text,
});

/** Server messages from the chat core's data: a WebSocket dialect's rendering of its chat events. */
export const serverMessage = {
  welcome: (nick: string, room: string, maxLineBytes: number): ServerMessage => ({
    type: 'welcome',
    nick,
    room,
    maxLineBytes,
    maxFrameBytes: maxFrameBytes(maxLineBytes),
  }),
  parted: (room: string, current: string | undefined): ServerMessage => ({ type: 'parted', room, current }),
  current: (room: string): ServerMessage => ({ type: 'current', room }),
  nick: (nick: string): ServerMessage => ({ type: 'nick', nick }),
  info: (text: string): ServerMessage => ({ type: 'info', text }),
  event: (event: RoomEvent): ServerMessage => ({ type: 'event', room: event.room, ...wireEvent(event) }),
  history: (room: string, events: readonly RoomEvent[]): ServerMessage => ({ type: 'history', room, events: events.map(wireEvent) }),
  listing: (listing: Listing): ServerMessage =>
    listing.kind === 'rooms'
      ? { type: 'rooms', rooms: listing.rooms.map(([room, members]) => ({ room, members })), more: listing.more }
      : { type: 'members', room: listing.room, nicks: listing.nicks, more: listing.more },
  /**
   * A private message carries the time it reached this connection (`nowMs`): the core stamps only room
   * events. A whois answer is not here: only IRC asks for one.
   */
  notice: (notice: Exclude<Notice, { kind: 'whois' }>, nowMs: number): ServerMessage => {
    switch (notice.kind) {
      case 'error':
        return { type: 'error', code: notice.code, message: errorSentence(notice.code, ...(notice.args as ErrorArgs<typeof notice.code>)) };
      case 'info':
        return { type: 'info', text: notice.text };
      case 'private':
        return { type: 'pm', from: notice.from, to: notice.to, text: notice.text, time: nowMs };
    }
  },
};

/**
 * One frame's text. A room event is encoded once and the same string sent to every member, like a line
 * of the line protocol.
 */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

const bad = (why: string): ParseResult => ({ ok: false, error: errorMessage('BAD_MESSAGE', why) });
const fail = <C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): ParseResult => ({ ok: false, error: errorMessage(code, ...args) });
const ok = (message: ClientMessage): ParseResult => ({ ok: true, message });

type Fields = Record<string, unknown>;

/**
 * Reads one client frame. Never throws: bad JSON, a wrong shape, a bad name or an over-long text each give
 * an error message with a stable code, and the connection goes on. Names come back normalised (rooms
 * lower-cased, without '#'); texts are checked against the line limit in UTF-8 bytes, as lines are.
 */
export function parseClientMessage(frame: string, maxLineBytes: number): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return bad('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a JSON object');
  const fields = value as Fields;
  const type = fields.type;
  if (typeof type !== 'string') return bad('no "type"');

  // Each reader returns the field's value, or a ParseResult to answer with.
  const text = (name: string): string | ParseResult => {
    const field = fields[name];
    if (typeof field !== 'string') return bad(`"${name}" must be a string`);
    if (Buffer.byteLength(field) > maxLineBytes) return fail('LINE_TOO_LONG', maxLineBytes);
    return field.trim() === '' ? bad(`"${name}" is blank`) : field;
  };
  const room = (name = 'room'): string | ParseResult => {
    const field = fields[name];
    if (typeof field !== 'string') return bad(`"${name}" must be a string`);
    return normalizeRoomName(field) ?? fail('ROOM_INVALID', field);
  };
  const nick = (name: string): string | ParseResult => {
    const field = fields[name];
    if (typeof field !== 'string') return bad(`"${name}" must be a string`);
    return isValidNick(field) ? field : fail('NICK_INVALID', field);
  };
  const isAnswer = (read: string | ParseResult): read is ParseResult => typeof read !== 'string';

  switch (type) {
    case 'hello': {
      const n = nick('nick');
      if (isAnswer(n) || fields.room === undefined) return isAnswer(n) ? n : ok({ type, nick: n });
      const r = room();
      return isAnswer(r) ? r : ok({ type, nick: n, room: r });
    }
    case 'nick': {
      const n = nick('nick');
      return isAnswer(n) ? n : ok({ type, nick: n });
    }
    case 'say':
    case 'me': {
      const r = room();
      if (isAnswer(r)) return r;
      const t = text('text');
      return isAnswer(t) ? t : ok({ type, room: r, text: t });
    }
    case 'join':
    case 'part':
    case 'who': {
      const r = room();
      return isAnswer(r) ? r : ok({ type, room: r });
    }
    case 'msg': {
      const to = nick('to');
      if (isAnswer(to)) return to;
      const t = text('text');
      return isAnswer(t) ? t : ok({ type, to, text: t });
    }
    case 'rooms':
      return ok({ type });
    case 'history': {
      const r = room();
      if (isAnswer(r)) return r;
      const count = fields.count;
      if (count === undefined) return ok({ type, room: r, count: undefined });
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return bad('"count" must be a whole number ≥ 1');
      return ok({ type, room: r, count });
    }
    case 'quit': {
      if (fields.reason === undefined) return ok({ type, reason: undefined });
      const reason = text('reason');
      return isAnswer(reason) ? reason : ok({ type, reason });
    }
    case 'command': {
      let current: string | undefined;
      if (fields.room !== undefined) {
        const r = room();
        if (isAnswer(r)) return r;
        current = r;
      }
      const line = text('line');
      if (isAnswer(line)) return line;
      const command = parseCommand(line);
      return command.kind === 'invalid' ? { ok: false, error: errorFromLine(command.errorLine) } : ok({ type, room: current, command });
    }
    default:
      return bad(`unknown type "${type}"`);
  }
}
