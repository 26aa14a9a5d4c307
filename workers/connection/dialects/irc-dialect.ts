// The IRC door (RFC 1459/2812 and the modern IRC client protocol, with the IRCv3 capabilities
// server-time, message-tags, echo-message and batch): the client's lines are framed, parsed, taken
// through registration (src/protocol/irc/irc-registration.ts) and translated into chat intents
// (irc-commands.ts), which this dialect turns into the chat session's calls; chat events come back as
// IRC lines (irc-render.ts, irc-numerics.ts). `#dev` is the room `dev`, and nicks are the session's,
// one namespace with every other door.
//
// IRC wants a few things the line protocol does not, and they are done here:
// - Registration's nick claim is the session's (chooseNick); lines that arrive meanwhile wait for it.
// - A client's own join, part and rename are told to it by this dialect when the session settles them
//   (JOIN, then the room's history as a batch, then NAMES), so its own copies in the room's runs are
//   left out for it (roomEventFilter), as are its own messages without echo-message.
// - A quit or rename is announced once per room by roomcast but once per client by IRC: repeats of the
//   one just seen are dropped (RepeatedAnnouncementFilter).
// Room events are rendered once per worker per variant (with or without @time) by the shared encoders.
import type { ServerConfig } from '../../../src/config.ts';
import type { ErrorArgs } from '../../../src/protocol/errors.ts';
import { type ChatIntent, parseErrorReplies, translateIrcCommand } from '../../../src/protocol/irc/irc-commands.ts';
import { ircErrorReply } from '../../../src/protocol/irc/irc-error-replies.ts';
import { type IrcMessage, maxIrcLineBytes, parseIrcMessage, serializeIrcMessage } from '../../../src/protocol/irc/irc-message.ts';
import { type NumericArgs, type NumericName, numericLine } from '../../../src/protocol/irc/irc-numerics.ts';
import { type IrcCapability, IrcRegistration, type RegistrationOutput } from '../../../src/protocol/irc/irc-registration.ts';
import {
  type IrcRoomEvent,
  RepeatedAnnouncementFilter,
  renderHistory,
  renderNames,
  renderPrivateEvent,
  renderRoomEvent,
  seesOwnMessage,
} from '../../../src/protocol/irc/irc-render.ts';
import { closingLine } from '../../../src/protocol/irc/irc-replies.ts';
import { channelName, ircServerName, userSource } from '../../../src/protocol/irc/irc-server-identity.ts';
import { LineFramer, type LineSink } from '../../../src/protocol/line-framer.ts';
import { statsLines } from '../../../src/protocol/stats-lines.ts';
import type { RoomEvent } from '../../../src/thread-messages.ts';
import type { ChatEvent } from '../chat-event.ts';
import type { ChatSession } from '../chat-session.ts';
import type { RoomEventEncoder, RoomEventFilter } from '../room-line-run.ts';
import type { Dialect, DialectFactory, DialectHost } from './dialect.ts';

/** A room event as the IRC renderer takes it. */
export function ircRoomEvent({ room, kind, nick, text, timeMs }: RoomEvent): IrcRoomEvent {
  return { kind: kind === 'rename' ? 'nick' : kind, room, sender: nick, text, timeMs };
}

function ircRoomEncoder(capabilities: ReadonlySet<IrcCapability>): RoomEventEncoder {
  return {
    encode(events) {
      let text = '';
      for (const event of events) for (const line of renderRoomEvent(ircRoomEvent(event), capabilities)) text += line;
      return Buffer.from(text);
    },
  };
}

/**
 * The two ways a room event reaches IRC clients, one shared object each (per worker): what a line looks
 * like depends only on server-time (the batch tag is for history, which is rendered per client).
 */
export const ircRoomEncoders = {
  plain: ircRoomEncoder(new Set()),
  timed: ircRoomEncoder(new Set(['server-time'])),
} as const;

export const ircMotd = [
  'roomcast: rooms are channels (#dev is the room dev); everyone starts in #lobby.',
  'Nicks are one namespace across every door (line protocol, IRC, browser).',
  'Operators: /oper <any name> <password>; an operator may KICK anyone from the server.',
];

/** Held lines past this many, while a nick is being claimed, are refused (as the line dialect does). */
const maxHeldWhileClaiming = 256;
/** NAMES and WHO awaiting the coordinator's answer at once; past it one is answered with an empty list. */
const maxPendingListings = 64;
const nothing = Buffer.alloc(0);

type MemberListing = { readonly purpose: 'names' | 'who'; readonly room: string };

export class IrcDialect implements Dialect, LineSink {
  roomEncoder: RoomEventEncoder = ircRoomEncoders.plain;
  readonly #session: ChatSession;
  readonly #host: DialectHost;
  readonly #framer = new LineFramer(maxIrcLineBytes);
  readonly #registration: IrcRegistration;
  readonly #repeats = new RepeatedAnnouncementFilter();
  /** Messages that came while a nick claim was under way, handled in order once it is settled. */
  #held: IrcMessage[] = [];
  /** The command being handled, and the channel it named: what an error answering it is about. */
  #command = '*';
  #channel: string | undefined;
  /** Member listings asked of the coordinator and not answered yet, oldest first: what each is for (NAMES or WHO). */
  readonly #listings: MemberListing[] = [];
  #batches = 0;
  #operator = false;

  constructor(session: ChatSession, host: DialectHost, config: Pick<ServerConfig, 'maxRoomsPerClient'>, createdAtMs: number) {
    this.#session = session;
    this.#host = host;
    this.#registration = new IrcRegistration({
      version: 'roomcast',
      createdAtMs,
      maxRoomsPerClient: config.maxRoomsPerClient,
      motd: ircMotd,
    });
  }

  /** The client's nick once registered, '*' before: the target of every numeric. */
  get #target(): string {
    return this.#registration.phase === 'registered' ? this.#registration.nick! : '*';
  }

  /**
   * What of a run this client is to get when it is not the whole run: its own join, part and rename are
   * told to it directly, its own messages only with echo-message, and a quit or rename it has just seen
   * (from another room they shared) not again. Undefined: all of it.
   */
  readonly roomEventFilter: RoomEventFilter = (events) => {
    let kept: RoomEvent[] | undefined;
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      const wanted = this.#wants(event);
      if (!wanted && kept === undefined) kept = events.slice(0, index);
      else if (wanted && kept !== undefined) kept.push(event);
    }
    return kept;
  };

  #wants(event: RoomEvent): boolean {
    const nick = this.#registration.nick;
    if (event.kind === 'say' || event.kind === 'me') {
      this.#repeats.admit(ircRoomEvent(event));
      return event.nick !== nick || seesOwnMessage(this.#registration.capabilities);
    }
    // A rename is its new nick's; everything else its sender's.
    if ((event.kind === 'rename' ? event.text : event.nick) === nick) return false;
    return this.#repeats.admit(ircRoomEvent(event));
  }

  receive(chunk: Buffer): void {
    this.#framer.push(chunk, this);
  }

  /** The server's PING to a registered client that has been silent; its PONG is input like any. */
  readonly ping = (): Buffer =>
    this.#registration.phase === 'registered' ? Buffer.from(serializeIrcMessage({ command: 'PING', params: [ircServerName] })) : nothing;

  line(bytes: Buffer): void {
    if (!this.#host.admit(bytes.length)) return;
    const parsed = parseIrcMessage(bytes);
    if (!parsed.ok) return this.#write(parseErrorReplies(parsed.error, this.#target));
    this.#handle(parsed.message);
  }

  overflow(): void {
    this.#write([numericLine('ERR_INPUTTOOLONG', this.#target)]);
  }

  nickSettled(): void {
    const waiting = this.#held;
    this.#held = [];
    for (const message of waiting) this.#handle(message);
  }

  encode(event: ChatEvent): Buffer {
    const text = this.#render(event);
    return text === '' ? nothing : Buffer.from(text);
  }

  #handle(message: IrcMessage): void {
    // Once a claim is under way, everything after waits behind it, in order.
    if (this.#held.length > 0 && this.#registration.phase === 'claiming' && message.command !== 'QUIT') {
      return this.#hold(message);
    }
    this.#command = message.command;
    this.#channel = undefined;
    const outputs = this.#registration.handle(message);
    if (outputs !== undefined) return this.#write([this.#registrationOutputs(outputs, message)]);
    for (const action of translateIrcCommand(message, this.#target)) {
      if (action.kind === 'reply') this.#write([action.line]);
      else this.#intent(action);
    }
  }

  #hold(message: IrcMessage): void {
    if (this.#held.length < maxHeldWhileClaiming) this.#held.push(message);
    else this.#write([ircErrorReply({ target: '*', command: message.command }, 'TOO_EARLY')]);
  }

  /** Carries out registration's outputs; returns the text it sends. */
  #registrationOutputs(outputs: readonly RegistrationOutput[], message?: IrcMessage): string {
    let text = '';
    for (const output of outputs) {
      switch (output.kind) {
        case 'send':
          text += output.line;
          break;
        case 'claim':
          this.#session.chooseNick(output.nick);
          break;
        case 'hold':
          this.#hold(message!);
          break;
        case 'registered':
          this.#chooseRoomEncoder();
          break;
        case 'close':
          this.#host.endWith(Buffer.from(text));
          text = '';
          break;
      }
    }
    // Capabilities may change after registration too (CAP REQ): room lines follow them.
    if (message?.command === 'CAP' && this.#registration.phase === 'registered') this.#chooseRoomEncoder();
    return text;
  }

  #chooseRoomEncoder(): void {
    this.roomEncoder = this.#registration.capabilities.has('server-time') ? ircRoomEncoders.timed : ircRoomEncoders.plain;
    this.#host.roomEncoderChanged();
  }

  #intent(intent: ChatIntent): void {
    const session = this.#session;
    switch (intent.kind) {
      case 'say':
      case 'me':
        this.#channel = channelName(intent.room);
        if (!session.isIn(intent.room)) {
          // A NOTICE is never answered, not even with an error (RFC 2812 §3.3.2).
          if (intent.kind === 'say' && intent.notice) return;
          return this.#error('NOT_IN_ROOM', intent.room);
        }
        session.command({ kind: 'switch', room: intent.room });
        return session.command({ kind: intent.kind, text: intent.text });
      case 'msg':
        // A private /me has no form of its own in roomcast: its text goes as a message.
        return session.command({ kind: 'msg', nick: intent.nick, text: intent.text });
      case 'join':
        this.#channel = channelName(intent.room);
        return session.command({ kind: 'join', room: intent.room });
      case 'part':
        this.#channel = channelName(intent.room);
        return session.command({ kind: 'part', room: intent.room });
      case 'nick':
        if (intent.nick === this.#registration.nick) return;
        return session.command({ kind: 'nick', nick: intent.nick });
      case 'quit':
        return session.command({ kind: 'quit', reason: intent.reason });
      case 'names':
      case 'who':
        // The flood guard's price on listings keeps this short; the bound is for certain.
        if (this.#listings.length >= maxPendingListings) {
          const channel = channelName(intent.room);
          return this.#write([intent.kind === 'who' ? this.#numeric('RPL_ENDOFWHO', channel) : this.#numeric('RPL_ENDOFNAMES', channel)]);
        }
        this.#listings.push({ purpose: intent.kind, room: intent.room });
        return session.command({ kind: 'who', room: intent.room });
      case 'list':
        return session.command({ kind: 'rooms' });
      case 'whois':
        return this.#write(this.#whois(intent.nick));
      case 'topic':
        return this.#inRoomReply(intent.room, 'RPL_NOTOPIC', channelName(intent.room));
      case 'channel-mode':
        return this.#inRoomReply(intent.room, 'RPL_CHANNELMODEIS', channelName(intent.room));
      case 'user-mode':
        return this.#write([this.#numeric('RPL_UMODEIS', this.#operator)]);
      case 'kick':
        return session.command({ kind: 'kick', nick: intent.nick, reason: intent.reason });
      case 'oper':
        return session.command({ kind: 'oper', password: intent.password });
    }
  }

  /** `name` for a room the client is in, ERR_NOTONCHANNEL otherwise. */
  #inRoomReply<N extends 'RPL_NOTOPIC' | 'RPL_CHANNELMODEIS'>(room: string, name: N, ...args: NumericArgs<N>): void {
    if (!this.#session.isIn(room)) return this.#error('NOT_IN_ROOM', room);
    this.#write([this.#numeric(name, ...args)]);
  }

  /**
   * WHOIS: who the client is, in full; anyone else as the user of this server they would be (whether they
   * are online is for a message to them to find out: roomcast keeps no directory a worker could ask).
   */
  #whois(nick: string): string[] {
    const self = nick.toLowerCase() === this.#registration.nick?.toLowerCase();
    return [
      this.#numeric('RPL_WHOISUSER', nick),
      this.#numeric('RPL_WHOISSERVER', nick),
      ...(self && this.#operator ? [this.#numeric('RPL_WHOISOPERATOR', nick)] : []),
      this.#numeric('RPL_ENDOFWHOIS', nick),
    ];
  }

  #error(code: 'NOT_IN_ROOM', room: string): void {
    this.#write([ircErrorReply({ target: this.#target, command: this.#command, channel: this.#channel }, code, room)]);
  }

  #numeric<N extends NumericName>(name: N, ...args: NumericArgs<N>): string {
    return numericLine(name, this.#target, ...args);
  }

  #write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = lines.join('');
    if (text !== '') this.#host.write(Buffer.from(text));
  }

  #notice(text: string): string {
    return serializeIrcMessage({ source: ircServerName, command: 'NOTICE', params: [this.#target, text] });
  }

  /** A chat event as IRC text ('' for none). */
  #render(event: ChatEvent): string {
    const nick = this.#registration.nick ?? '*';
    const capabilities = this.#registration.capabilities;
    switch (event.kind) {
      case 'ask-nick':
      case 'current-room':
        return '';
      case 'welcome':
        return this.#registrationOutputs(this.#registration.claimResult({ accepted: true }));
      case 'error':
        if (this.#registration.phase === 'claiming' && (event.code === 'NICK_TAKEN' || event.code === 'NICK_LOOKALIKE')) {
          const holder = event.code === 'NICK_LOOKALIKE' ? String(event.args[1]) : undefined;
          return this.#registrationOutputs(this.#registration.claimResult({ accepted: false, holder }));
        }
        return ircErrorReply(
          { target: this.#target, command: this.#command, channel: this.#channel },
          event.code,
          ...(event.args as ErrorArgs<typeof event.code>),
        );
      case 'info':
        return this.#notice(event.text);
      case 'goodbye':
        return closingLine(event.reason === '' ? 'Quit' : `Quit: ${event.reason}`);
      case 'operator':
        this.#operator = true;
        return this.#numeric('RPL_YOUREOPER') + serializeIrcMessage({ source: userSource(nick), command: 'MODE', params: [nick, '+o'] });
      case 'private':
        if (event.echo && !seesOwnMessage(capabilities)) return '';
        return renderPrivateEvent(
          { sender: event.from, recipient: event.to, text: event.text, action: false, timeMs: Date.now() },
          capabilities,
        ).join('');
      case 'renamed': {
        const line = serializeIrcMessage({ source: userSource(nick), command: 'NICK', params: [event.nick] });
        this.#registration.nickChanged(event.nick);
        return line;
      }
      case 'joined': {
        const join = serializeIrcMessage({ source: userSource(nick), command: 'JOIN', params: [channelName(event.room)] });
        // NAMES follows when the coordinator answers: a join is answered with the room's members.
        this.#listings.push({ purpose: 'names', room: event.room });
        this.#session.namesOnJoin(event.room);
        return join + this.#history(event.room, event.events);
      }
      case 'history':
        return this.#history(event.room, event.events);
      case 'parted':
        return serializeIrcMessage({ source: userSource(nick), command: 'PART', params: [channelName(event.room)] });
      case 'rooms':
        return (
          event.rooms.map(([room, members]) => this.#numeric('RPL_LIST', channelName(room), members)).join('') +
          this.#numeric('RPL_LISTEND')
        );
      case 'members': {
        // The coordinator answers in order: the oldest listing asked of this room is the one answered.
        const index = this.#listings.findIndex((listing) => listing.room === event.room);
        const [listing] = index === -1 ? [] : this.#listings.splice(index, 1);
        const channel = channelName(event.room);
        if (listing?.purpose === 'who') {
          return (
            event.nicks.map((member) => this.#numeric('RPL_WHOREPLY', channel, member, false)).join('') +
            this.#numeric('RPL_ENDOFWHO', channel)
          );
        }
        return renderNames(nick, event.room, event.nicks).join('');
      }
      case 'stats':
        return this.#notices(statsLines(event.stats));
      case 'server-text':
        return this.#notices(event.text);
    }
  }

  /** Line-protocol text as server NOTICEs, one per line. */
  #notices(text: string): string {
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => this.#notice(line))
      .join('');
  }

  #history(room: string, events: readonly RoomEvent[]): string {
    if (events.length === 0) return '';
    return renderHistory(room, events.map(ircRoomEvent), this.#registration.capabilities, `history${++this.#batches}`).join('');
  }
}

export function createIrcDialect(createdAtMs: number): DialectFactory {
  return (session, host, config) => new IrcDialect(session, host, config, createdAtMs);
}
