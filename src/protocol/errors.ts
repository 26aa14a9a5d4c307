// The catalogue of every error a client can see. Clients and tests match the code; people read the
// sentence. A code never changes meaning once published.
import type { Notice } from '../thread-messages.ts';
import { maxNickLength, maxRoomNameLength, reservedRoomNames } from './names.ts';
import { sanitizeText } from './text.ts';

const reserved = [...reservedRoomNames].map((name) => `"${name}"`).join(' or ');

const sentences = {
  NICK_INVALID: (nick: string) =>
    `"${nick}" is not a valid nickname: use 1-${maxNickLength} letters, digits, _ or -, starting with a letter or _.`,
  NICK_TAKEN: (nick: string) => `The nickname "${nick}" is already in use.`,
  NICK_LOOKALIKE: (nick: string, holder: string) => `The nickname "${nick}" looks too much like "${holder}", who is here; pick another.`,
  ROOM_INVALID: (room: string) =>
    `"${room}" is not a valid room name: use 1-${maxRoomNameLength} letters, digits, _ or - (not ${reserved}).`,
  NOT_IN_ROOM: (room: string) => `You are not in room "${room}".`,
  NO_CURRENT_ROOM: () => 'You are not in any room; /join one first.',
  ROOM_LIMIT: (room: string) => `The server has as many rooms as it allows, so "${room}" cannot be created now.`,
  ROOM_CREATION_LIMIT: (room: string, perMinute: number) =>
    `You may create at most ${perMinute} new rooms a minute, so "${room}" was not created; join an existing room or wait.`,
  TOO_MANY_ROOMS: (limit: number) => `You are already in ${limit} rooms, the most allowed; /part one first.`,
  NO_SUCH_NICK: (nick: string) => `Nobody is called "${nick}".`,
  UNKNOWN_COMMAND: (command: string) => `Unknown command "/${command}"; /help lists the commands.`,
  USAGE: (usage: string) => `Use it as: ${usage}`,
  BAD_ENCODING: () => 'That line was not valid UTF-8; it was dropped.',
  /** WebSocket only (docs/websocket.md): a frame that is not JSON or not one of the client messages. */
  BAD_MESSAGE: (why: string) => `That message was not understood (${why}); it was dropped.`,
  LINE_TOO_LONG: (maxLineBytes: number) => `That line was longer than ${maxLineBytes} bytes; it was dropped.`,
  TOO_EARLY: () => 'Too many lines before your nickname was confirmed; that line was dropped.',
  FLOODING: () => 'You are sending too fast; lines are being dropped. Slow down.',
  FLOOD_DISCONNECT: () => 'You kept sending too fast after a warning (flooding). Closing.',
  HANDSHAKE_TIMEOUT: (seconds: number) => `No nickname was chosen within ${seconds} s. Closing.`,
  IDLE_TIMEOUT: (seconds: number) => `Nothing was received for ${seconds} s. Closing.`,
  SERVER_FULL: () => 'The server is full; try again later. Closing.',
  TOO_MANY_CONNECTIONS: (limit: number) => `Your address already has ${limit} connections, the most allowed. Closing.`,
  CONNECTING_TOO_FAST: (perSecond: number) => `Your address is connecting more than ${perSecond} times a second; wait a moment. Closing.`,
  SERVER_UNAVAILABLE: () => 'The server cannot take connections right now (no connection worker is ready); try again shortly. Closing.',
  OPER_DISABLED: () => 'This server has no operator password, so nobody can be an operator.',
  OPER_FAILED: () => 'Wrong operator password.',
  OPER_LOCKED: (seconds: number) => `Too many wrong operator passwords from your connection or address; try again in ${seconds} s.`,
  NOT_OPERATOR: () => 'Only operators can do that; see /oper.',
  KICK_SELF: () => 'You cannot kick yourself; /quit leaves.',
  KICK_OPERATOR: (nick: string) => `${nick} is an operator and cannot be kicked.`,
  KICKED: (by: string, reason: string) => `You were kicked by ${by}: ${reason}. Closing.`,
  INTERNAL_ERROR: () => 'The server hit an internal error handling your connection. Closing.',
  SLOW_CONSUMER: () => 'You are not reading fast enough (slow consumer). Closing.',
  SHUTTING_DOWN: () => 'The server is shutting down. Closing.',
  BUS_UNAVAILABLE: () => 'The chat bus that joins the servers is unreachable, so that was not sent; send it again once the bus returns.',
  NICK_LOST: (nick: string, renamedTo: string) =>
    `Your nickname "${nick}" was taken on another server while this one was cut off; you are now "${renamedTo}".`,
} as const;

export type ErrorCode = keyof typeof sentences;
export type ErrorArgs<C extends ErrorCode> = Parameters<(typeof sentences)[C]>;

// Error lines often quote what the client sent; quoted text is cut short and its control characters
// neutralised, so an error can never carry terminal escapes or a flood of bytes back.
const maxQuotedLength = 64;
const quote = (arg: string | number) => (typeof arg === 'string' ? sanitizeText(arg.slice(0, maxQuotedLength)) : arg);

/** The sentence for an error, quoted text made safe; other protocols (the IRC door's numerics) say the same. */
export function errorSentence<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): string {
  return (sentences[code] as (...a: (string | number)[]) => string)(...args.map(quote));
}

/** An error as data, for a dialect to render (the line dialect with errorLine). */
export function errorNotice<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): Notice & { kind: 'error' } {
  return { kind: 'error', code, args };
}

/** One protocol error line, newline included: `!! CODE sentence`. */
export function errorLine<C extends ErrorCode>(code: C, ...args: ErrorArgs<C>): string {
  return renderError(code, args);
}

/** An error notice as its protocol line (see errorLine). */
export function errorNoticeLine({ code, args }: Notice & { kind: 'error' }): string {
  return renderError(code, args);
}

function renderError(code: ErrorCode, args: readonly (string | number)[]): string {
  return `!! ${code} ${errorSentence(code, ...(args as ErrorArgs<typeof code>))}\n`;
}
