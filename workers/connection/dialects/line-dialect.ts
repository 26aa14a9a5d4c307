// The line protocol (docs/protocol.md), which the terminal client and the seed's Python client speak:
// LF-terminated UTF-8 lines in, slash commands and plain text; `-- ` and `!! ` lines out. Turns the
// client's bytes into what its ChatSession is asked (a nick, then commands) and chat events into bytes.
//
// The seed client is a variant of it: it opens with "NICK connection..." and no newline, then prefixes
// every line with "NICK : ". It cannot answer a question, so its nick is taken until free (NICK_2, ...).
import { isUtf8 } from 'node:buffer';
import { commandHelp, parseCommand } from '../../../src/protocol/command-parser.ts';
import { errorNotice, errorNoticeLine } from '../../../src/protocol/errors.ts';
import { LineFramer, type LineSink } from '../../../src/protocol/line-framer.ts';
import { isValidNick, maxNickLength, normalizeRoomName } from '../../../src/protocol/names.ts';
import { renderHistory, renderLines } from '../../../src/protocol/room-event-lines.ts';
import {
  currentRoomLine,
  helloLine,
  infoLine,
  listingLine,
  partedLine,
  privateEchoLine,
  privateLine,
  renamedLine,
} from '../../../src/protocol/server-lines.ts';
import { statsLines } from '../../../src/protocol/stats-lines.ts';
import type { ChatEvent } from '../chat-event.ts';
import type { ChatSession } from '../chat-session.ts';
import type { RoomEventEncoder } from '../room-line-run.ts';
import type { Dialect, DialectFactory, DialectHost } from './dialect.ts';

/** Runs of room events as line-protocol bytes: one Buffer for every line-protocol member of the room. */
export const lineRoomEncoder: RoomEventEncoder = {
  encode: (events) => Buffer.from(renderLines(events)),
};

export const greeting = infoLine(
  `Welcome to roomcast. Choose a nickname (1-${maxNickLength} characters: letters, digits, _ and -; starts with a letter or _):`,
);
const helpText = commandHelp.map((line) => infoLine(line)).join('');

/** What the line dialect needs from its connection besides the session. */
export type LineDialectHost = Pick<DialectHost, 'admit' | 'show'>;

// The seed's hello is the whole of its first input: "NICK connection...", without a newline.
const seedHello = /^(\S{1,64}) connection\.\.\.$/;
// The longest pending bytes that can still be a seed hello: 64 UTF-16 units of name (3 bytes of UTF-8
// each at most) and the suffix. Longer pending input is never scanned for one, and neither is input
// that does not end in the suffix's last '.', so a line dripped a byte at a time costs O(1) per byte.
const seedHelloMaxBytes = 64 * 3 + ' connection...'.length;
const fullStop = 0x2e;
const maxLinesWhileClaiming = 256;
// `NICK #ROOM`: the nick, and the room to start in instead of the lobby (docs/protocol.md, Session).
const nickWithRoom = /^(\S+)\s+(#\S+)$/;

export class LineDialect implements Dialect, LineSink {
  readonly roomEncoder = lineRoomEncoder;
  readonly #session: ChatSession;
  readonly #host: LineDialectHost;
  readonly #framer: LineFramer;
  /** Lines read while the nick is being claimed: whether each is a nick or a command depends on the answer. */
  #linesWhileClaiming: string[] = [];
  /** The seed client's "NICK : " in front of each of its lines. */
  #seedPrefix: string | undefined;

  constructor(session: ChatSession, host: LineDialectHost, maxLineBytes: number) {
    this.#session = session;
    this.#host = host;
    this.#framer = new LineFramer(maxLineBytes);
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    const framer = this.#framer;
    framer.push(chunk, this);
    if (this.#session.phase !== 'naming') return;
    const length = framer.pendingLength;
    if (length === 0 || length > seedHelloMaxBytes) return;
    const pending = framer.pendingBytes();
    const hello = pending[length - 1] === fullStop ? seedHello.exec(pending.toString('utf8')) : null;
    if (hello !== null) {
      framer.discardPending();
      this.#startSeedSession(hello[1]!);
    }
  }

  line(bytes: Buffer): void {
    if (!this.#host.admit(bytes.length)) return;
    if (!isUtf8(bytes)) this.#host.show(errorNotice('BAD_ENCODING'));
    else this.#handleLine(bytes.toString('utf8'));
  }

  overflow(): void {
    this.#host.show(errorNotice('LINE_TOO_LONG', this.#framer.maxLineBytes));
  }

  /** The session's claim is settled: the lines that waited for it are handled, in order. */
  nickSettled(): void {
    const waiting = this.#linesWhileClaiming;
    this.#linesWhileClaiming = [];
    for (const line of waiting) this.#handleLine(line);
  }

  /** A chat event as line-protocol bytes. */
  encode(event: ChatEvent): Buffer {
    return Buffer.from(renderChatEvent(event));
  }

  #handleLine(rawLine: string): void {
    const session = this.#session;
    switch (session.phase) {
      case 'naming': {
        const nick = rawLine.trim();
        if (nick === '') return;
        const hello = seedHello.exec(nick);
        if (hello !== null) return this.#startSeedSession(hello[1]!);
        const withRoom = nickWithRoom.exec(nick);
        if (withRoom === null) return session.chooseNick(nick);
        const room = normalizeRoomName(withRoom[2]!);
        if (room !== undefined) return session.chooseNick(withRoom[1]!, false, room);
        this.#host.show(errorNotice('ROOM_INVALID', withRoom[2]!));
        return this.#host.show({ kind: 'ask-nick' });
      }
      case 'claiming':
        if (this.#linesWhileClaiming.length < maxLinesWhileClaiming) this.#linesWhileClaiming.push(rawLine);
        else this.#host.show(errorNotice('TOO_EARLY'));
        return;
      case 'chatting': {
        const prefix = this.#seedPrefix;
        const command = parseCommand(prefix !== undefined && rawLine.startsWith(prefix) ? rawLine.slice(prefix.length) : rawLine);
        if (command.kind === 'invalid') return this.#host.show({ kind: 'server-text', text: command.errorLine });
        if (command.kind === 'help') return this.#host.show({ kind: 'server-text', text: helpText });
        return session.command(command);
      }
      case 'leaving':
      case 'closed':
        return;
    }
  }

  #startSeedSession(name: string): void {
    this.#seedPrefix = `${name} : `;
    this.#session.chooseNick(isValidNick(name) ? name : 'guest', true);
  }
}

export const createLineDialect: DialectFactory = (session, host, config) => new LineDialect(session, host, config.maxLineBytes);

/** A chat event as line-protocol text. */
export function renderChatEvent(event: ChatEvent): string {
  switch (event.kind) {
    case 'ask-nick':
      return greeting;
    case 'welcome':
      return helloLine(event.nick, event.room);
    case 'renamed':
      return renamedLine(event.nick);
    case 'current-room':
      return currentRoomLine(event.room);
    case 'parted':
      return partedLine(event.room, event.current);
    case 'joined':
      // The join notice itself is a room event; only history, if any, is the client's own.
      return event.events.length === 0 ? '' : renderHistory(event.room, event.events);
    case 'history':
      return renderHistory(event.room, event.events);
    case 'goodbye':
      return infoLine('Bye.');
    case 'operator':
      // The coordinator's own sentence says so.
      return '';
    case 'info':
      return infoLine(event.text);
    case 'error':
      return errorNoticeLine(event);
    case 'private':
      return event.echo ? privateEchoLine(event.to, event.from, event.text) : privateLine(event.from, event.text);
    case 'stats':
      return statsLines(event.stats);
    case 'whois':
      // The line protocol has no command that asks; /who lists a room's members.
      return '';
    case 'rooms':
    case 'members':
      return listingLine(event);
    case 'server-text':
      return event.text;
  }
}
