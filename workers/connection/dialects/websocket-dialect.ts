// The browser door's protocol (docs/websocket.md): one JSON message per WebSocket text frame. The
// worker's HTTP front (../http-front.ts) upgrades the connection and hands the ws socket here; from then
// ws reads and checks the client's frames (masking, fragments, pings, the frame bound), and each message
// is parsed (src/protocol/websocket-messages.ts) and put to the session as the line protocol's command.
//
// Output never goes through ws.send: chat events and runs of room events are framed here (textFrame) and
// queued on the connection's ClientOutput like any bytes, so the bound on a slow reader, the write stall
// and the shared Buffer of a room's run hold for browsers as for line clients. ws writes beside it only
// what it answers itself (pongs, the reply to a client's close), whole frames between whole writes.
import type { RawData, WebSocket } from 'ws';
import { commandHelp } from '../../../src/protocol/command-parser.ts';
import { closeFrame, textFrame } from '../../../src/protocol/websocket-frame.ts';
import {
  type ClientMessage,
  closeCodeFor,
  encodeServerMessage,
  errorMessage,
  parseClientMessage,
  quitCloseCode,
  type ServerMessage,
  serverMessage,
} from '../../../src/protocol/websocket-messages.ts';
import { statsLines } from '../../../src/protocol/stats-lines.ts';
import type { ChatEvent } from '../chat-event.ts';
import type { ChatCommand, ChatSession } from '../chat-session.ts';
import type { RoomEventEncoder } from '../room-line-run.ts';
import type { Dialect, DialectHost } from './dialect.ts';

const frameOf = (message: ServerMessage): Buffer => textFrame(encodeServerMessage(message));

/** Runs of room events as WebSocket frames, one `event` message each: one Buffer for every browser in the room. */
export const webSocketRoomEncoder: RoomEventEncoder = {
  encode: (events) =>
    events.length === 1
      ? frameOf(serverMessage.event(events[0]!))
      : Buffer.concat(events.map((event) => frameOf(serverMessage.event(event)))),
};

/** What the dialect needs from its connection besides the session: each message is admitted as a line is. */
export type WebSocketDialectHost = Pick<DialectHost, 'admit' | 'show' | 'write' | 'guard'>;

const nothing = Buffer.alloc(0);
const helpText = commandHelp.join('\n');

export class WebSocketDialect implements Dialect {
  readonly roomEncoder = webSocketRoomEncoder;
  readonly #session: ChatSession;
  readonly #host: WebSocketDialectHost;
  readonly #maxLineBytes: number;
  /** Until the upgrade the socket speaks HTTP, which the front answers: nothing of the chat may go out. */
  #upgraded = false;

  constructor(session: ChatSession, host: WebSocketDialectHost, maxLineBytes: number) {
    this.#session = session;
    this.#host = host;
    this.#maxLineBytes = maxLineBytes;
  }

  /** The HTTP front upgraded the connection: the client's messages come from `socket` now. */
  attach(socket: WebSocket): void {
    this.#upgraded = true;
    socket.on('message', (data: RawData, isBinary: boolean) => this.#host.guard(() => this.message(data as Buffer, isBinary)));
    // ws closes the connection itself on a bad frame (1009 for one over the bound, 1002, 1007); it then
    // emits 'error', which must not become the worker's uncaught exception.
    socket.on('error', () => {});
  }

  /** Raw bytes: the HTTP parser and then ws read them, so there is nothing to do here. */
  receive(): void {}

  /** A claim refused is answered with an error, and the client sends another hello: nothing waits for it. */
  nickSettled(): void {}

  /** One message from the client, as ws delivers it (`data` is a Buffer: ws's default binaryType). */
  message(data: Buffer, isBinary: boolean): void {
    if (!this.#host.admit(data.length)) return;
    if (isBinary) return this.#host.write(frameOf(errorMessage('BAD_MESSAGE', 'binary frame')));
    const parsed = parseClientMessage(data.toString('utf8'), this.#maxLineBytes);
    if (!parsed.ok) return this.#host.write(frameOf(parsed.error));
    this.#handle(parsed.message);
  }

  /** A chat event as a frame (nothing before the upgrade, and nothing for what a page does not need). */
  encode(event: ChatEvent): Buffer {
    const message = this.#upgraded ? this.#render(event) : undefined;
    return message === undefined ? nothing : frameOf(message);
  }

  /** The last event, then a close frame whose code tells the page whether to come back (docs/websocket.md). */
  encodeLast(event: ChatEvent): Buffer {
    if (!this.#upgraded) return nothing;
    const close = event.kind === 'error' ? closeFrame(closeCodeFor(event.code), event.code) : closeFrame(quitCloseCode, '');
    return Buffer.concat([this.encode(event), close]);
  }

  #handle(message: ClientMessage): void {
    const session = this.#session;
    if (message.type === 'hello') {
      if (session.phase === 'naming') return session.chooseNick(message.nick, false, message.room);
      return this.#host.write(
        frameOf(session.phase === 'claiming' ? errorMessage('TOO_EARLY') : errorMessage('BAD_MESSAGE', 'hello comes once')),
      );
    }
    if (session.phase !== 'chatting') return this.#host.write(frameOf(errorMessage('TOO_EARLY')));
    const command = chatCommandOf(message);
    if (command === 'help') return this.#host.show({ kind: 'info', text: helpText });
    session.command(command);
  }

  #render(event: ChatEvent): ServerMessage | undefined {
    switch (event.kind) {
      case 'ask-nick':
        return undefined;
      case 'welcome':
        return serverMessage.welcome(event.nick, event.room, this.#maxLineBytes);
      case 'renamed':
        return serverMessage.nick(event.nick);
      case 'current-room':
        return serverMessage.current(event.room);
      case 'parted':
        return serverMessage.parted(event.room, event.current);
      case 'joined':
        // The join itself reaches the page as its own join event; only history, if any, is the page's own.
        return event.events.length === 0 ? undefined : serverMessage.history(event.room, event.events);
      case 'history':
        return serverMessage.history(event.room, event.events);
      case 'goodbye':
        return serverMessage.info('Bye.');
      case 'operator':
        // The coordinator's own sentence says so.
        return undefined;
      case 'whois':
        // Only IRC asks who holds a nick.
        return undefined;
      case 'error':
      case 'info':
      case 'private':
        return serverMessage.notice(event, Date.now());
      case 'rooms':
      case 'members':
        return serverMessage.listing(event);
      case 'stats':
        return serverMessage.info(plainText(statsLines(event.stats)));
      case 'server-text':
        return serverMessage.info(plainText(event.text));
      default:
        // Every kind of chat event is decided on here: a new one fails to compile until it is.
        return unrendered(event);
    }
  }
}

function unrendered(event: never): undefined {
  throw new Error(`no WebSocket rendering for ${JSON.stringify(event)}`);
}

/** Server lines (`-- ` and `!! `) as the lines of an info message. */
function plainText(lines: string): string {
  return lines
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^(-- |!! )/, ''))
    .join('\n');
}

/** A client message (past hello) as the session's command; a typed line's room stands for the current room. */
function chatCommandOf(message: Exclude<ClientMessage, { type: 'hello' }>): ChatCommand | 'help' {
  switch (message.type) {
    case 'say':
    case 'me':
      return { kind: message.type, text: message.text, room: message.room };
    case 'join':
    case 'part':
    case 'who':
      return { kind: message.type, room: message.room };
    case 'msg':
      return { kind: 'msg', nick: message.to, text: message.text };
    case 'nick':
      return { kind: 'nick', nick: message.nick };
    case 'rooms':
      return { kind: 'rooms' };
    case 'history':
      return { kind: 'history', count: message.count, room: message.room };
    case 'quit':
      return { kind: 'quit', reason: message.reason };
    case 'command': {
      const { command, room } = message;
      switch (command.kind) {
        case 'help':
          return 'help';
        case 'say':
        case 'me':
        case 'history':
          return room === undefined ? command : { ...command, room };
        case 'part':
        case 'who':
          return { kind: command.kind, room: command.room ?? room };
        default:
          return command;
      }
    }
  }
}
