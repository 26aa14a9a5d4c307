// Connection registration for the IRC door, as a pure state machine: messages in, replies and requests
// out; no sockets, clock or threads. Whether a nick is free is not its to decide: it asks (a `claim`
// output) and is told (claimResult), as the chat session claims nicks through the coordinator.
//
//   connecting ──NICK+USER, no CAP negotiation open──▶ claiming ──accepted──▶ registered
//      ▲   │ CAP LS / CAP REQ suspend until CAP END         │
//      │   └──QUIT──▶ closed                                │
//      └────────────taken: 433, wait for another NICK───────┘
//
// Capabilities stay negotiable after registration (CAP REQ, CAP LIST), so CAP always comes here.
import { type IrcMessage, maxMessageBytes, serializeIrcMessage } from './irc-message.ts';
import { isupportLines, isupportTokens, type NumericArgs, type NumericName, numericLine } from './irc-numerics.ts';
import { isValidNick } from '../names.ts';
import { ircServerName } from './irc-server-identity.ts';
import { closingLine, pongLine } from './irc-replies.ts';

/**
 * The capabilities offered, and nothing else: each changes what the door sends, and the renderer
 * (irc-render.ts) honours each. server-time: @time on messages; message-tags: tags at all (needed for
 * msgid and client tags); echo-message: a client's own messages come back to it; batch: history on join
 * arrives as one chathistory batch.
 */
export const offeredCapabilities = ['server-time', 'message-tags', 'echo-message', 'batch'] as const;
export type IrcCapability = (typeof offeredCapabilities)[number];

const isOffered = (name: string): name is IrcCapability => (offeredCapabilities as readonly string[]).includes(name);

/** What the welcome burst says about the server; limits come from the server's config. */
export interface IrcServerInfo {
  readonly version: string;
  readonly createdAtMs: number;
  readonly maxRoomsPerClient: number;
  /** Lines of the message of the day; none sends ERR_NOMOTD, as the spec allows. */
  readonly motd: readonly string[];
}

export type RegistrationOutput =
  | { readonly kind: 'send'; readonly line: string }
  /** Ask the chat session for this nick; answer with claimResult. */
  | { readonly kind: 'claim'; readonly nick: string }
  /** The welcome burst has been sent: the client chats from here, as `nick`. */
  | { readonly kind: 'registered'; readonly nick: string }
  /** A claim is under way: keep this message and hand it over again once claimResult has been called. */
  | { readonly kind: 'hold' }
  /** Close the connection once what was sent has gone out (an ERROR line was sent first). */
  | { readonly kind: 'close'; readonly reason: string };

export type ClaimResult = { readonly accepted: true } | { readonly accepted: false; readonly holder?: string };

export type RegistrationPhase = 'connecting' | 'claiming' | 'registered' | 'closed';

/** CAP LS version from which replies may span lines and carry values (IRCv3 capability negotiation 3.2). */
const capVersionWithMultiline = 302;

export class IrcRegistration {
  readonly #info: IrcServerInfo;
  #phase: RegistrationPhase = 'connecting';
  /** The nick asked for, then the one registered (kept current through nickChanged). */
  #nick: string | undefined;
  #userGiven = false;
  /** Between CAP LS or CAP REQ and CAP END before registration, registration waits (the spec's "suspend"). */
  #negotiating = false;
  #capVersion = 0;
  readonly #capabilities = new Set<IrcCapability>();

  constructor(info: IrcServerInfo) {
    this.#info = info;
  }

  get phase(): RegistrationPhase {
    return this.#phase;
  }

  /** The registered nick; before registration, the one asked for, if any. */
  get nick(): string | undefined {
    return this.#nick;
  }

  get capabilities(): ReadonlySet<IrcCapability> {
    return this.#capabilities;
  }

  /** After registration, the session renamed the client: CAP replies address it by its new nick. */
  nickChanged(nick: string): void {
    this.#nick = nick;
  }

  /**
   * Outputs for one message; undefined once registered for anything but CAP, USER and PASS: those are
   * commands for irc-commands.ts to translate.
   */
  handle(message: IrcMessage): RegistrationOutput[] | undefined {
    if (this.#phase === 'closed') return [];
    if (message.command === 'CAP') return this.#cap(message);
    if (this.#phase === 'registered') {
      return message.command === 'USER' || message.command === 'PASS' ? [this.#numeric('ERR_ALREADYREGISTERED')] : undefined;
    }
    switch (message.command) {
      case 'PING':
        return [send(pongLine(message.params, this.#target))];
      case 'PONG':
        return [];
      case 'QUIT':
        this.#phase = 'closed';
        return [send(closingLine('Quit before registering')), { kind: 'close', reason: 'quit' }];
    }
    // Anything else changes what is being claimed, or needs a nick: it waits for the claim's answer.
    if (this.#phase === 'claiming') return [{ kind: 'hold' }];
    switch (message.command) {
      case 'PASS':
        // roomcast has no connection passwords; operators use OPER.
        return [];
      case 'NICK':
        return this.#nickMessage(message.params[0]);
      case 'USER':
        if (message.params.length < 4 || message.params[0] === '') return [this.#numeric('ERR_NEEDMOREPARAMS', 'USER')];
        if (this.#userGiven) return [this.#numeric('ERR_ALREADYREGISTERED')];
        this.#userGiven = true;
        return this.#claimIfReady();
      default:
        return [this.#numeric('ERR_NOTREGISTERED')];
    }
  }

  /** The chat session's answer to a `claim` output. */
  claimResult(result: ClaimResult): RegistrationOutput[] {
    // A client that quit while its claim was under way needs no answer.
    if (this.#phase === 'closed') return [];
    if (this.#phase !== 'claiming') throw new Error(`claimResult while ${this.#phase}`);
    const nick = this.#nick!;
    if (!result.accepted) {
      this.#phase = 'connecting';
      this.#nick = undefined;
      return [send(numericLine('ERR_NICKNAMEINUSE', '*', nick, result.holder))];
    }
    this.#phase = 'registered';
    return [...this.#welcome(nick).map(send), { kind: 'registered', nick }];
  }

  get #target(): string {
    return this.#phase === 'registered' ? this.#nick! : '*';
  }

  #numeric<N extends NumericName>(name: N, ...args: NumericArgs<N>): RegistrationOutput {
    return send(numericLine(name, this.#target, ...args));
  }

  #nickMessage(nick: string | undefined): RegistrationOutput[] {
    if (nick === undefined || nick === '') return [this.#numeric('ERR_NONICKNAMEGIVEN')];
    if (!isValidNick(nick)) return [this.#numeric('ERR_ERRONEUSNICKNAME', nick)];
    this.#nick = nick;
    return this.#claimIfReady();
  }

  #claimIfReady(): RegistrationOutput[] {
    if (this.#nick === undefined || !this.#userGiven || this.#negotiating) return [];
    this.#phase = 'claiming';
    return [{ kind: 'claim', nick: this.#nick }];
  }

  #cap(message: IrcMessage): RegistrationOutput[] {
    const [subcommand = '', argument = ''] = message.params;
    const beforeRegistration = this.#phase === 'connecting' || this.#phase === 'claiming';
    switch (subcommand.toUpperCase()) {
      case 'LS': {
        const version = Number(argument);
        if (Number.isInteger(version) && version > this.#capVersion) this.#capVersion = version;
        if (beforeRegistration) this.#negotiating = true;
        return capLines(this.#target, 'LS', offeredCapabilities, this.#capVersion >= capVersionWithMultiline).map(send);
      }
      case 'LIST':
        return capLines(this.#target, 'LIST', [...this.#capabilities], this.#capVersion >= capVersionWithMultiline).map(send);
      case 'REQ': {
        if (beforeRegistration) this.#negotiating = true;
        const changes = argument.split(' ').filter((name) => name !== '');
        const known = changes.length > 0 && changes.every((change) => isOffered(change.startsWith('-') ? change.slice(1) : change));
        // All or nothing, as the spec says: one unknown name refuses the whole request.
        if (!known) return [send(capLine(this.#target, 'NAK', argument))];
        for (const change of changes) {
          if (change.startsWith('-')) this.#capabilities.delete(change.slice(1) as IrcCapability);
          else this.#capabilities.add(change as IrcCapability);
        }
        return [send(capLine(this.#target, 'ACK', argument))];
      }
      case 'END':
        if (!beforeRegistration || !this.#negotiating) return [];
        this.#negotiating = false;
        return this.#phase === 'connecting' ? this.#claimIfReady() : [];
      case '':
        return [this.#numeric('ERR_NEEDMOREPARAMS', 'CAP')];
      default:
        return [this.#numeric('ERR_INVALIDCAPCMD', subcommand)];
    }
  }

  #welcome(nick: string): string[] {
    const { version, createdAtMs, maxRoomsPerClient, motd } = this.#info;
    return [
      numericLine('RPL_WELCOME', nick, nick),
      numericLine('RPL_YOURHOST', nick, version),
      numericLine('RPL_CREATED', nick, createdAtMs),
      numericLine('RPL_MYINFO', nick, version),
      ...isupportLines(nick, isupportTokens(maxRoomsPerClient)),
      ...(motd.length === 0
        ? [numericLine('ERR_NOMOTD', nick)]
        : [
            numericLine('RPL_MOTDSTART', nick),
            ...motd.map((line) => numericLine('RPL_MOTD', nick, line)),
            numericLine('RPL_ENDOFMOTD', nick),
          ]),
    ];
  }
}

const send = (line: string): RegistrationOutput => ({ kind: 'send', line });

function capLine(target: string, subcommand: string, text: string, more = false): string {
  return serializeIrcMessage({ source: ircServerName, command: 'CAP', params: [target, subcommand, ...(more ? ['*'] : []), text] });
}

/**
 * A CAP LS or LIST reply: one line, or with `multiline` (CAP LS 302) as many as the names need, each but
 * the last marked with '*' so the client knows more follow.
 */
export function capLines(target: string, subcommand: 'LS' | 'LIST', names: readonly string[], multiline: boolean): string[] {
  if (!multiline) return [capLine(target, subcommand, names.join(' '))];
  // The longest head is `:server CAP target SUB * :`, and the line ends in CR LF.
  const budget = maxMessageBytes - Buffer.byteLength(`:${ircServerName} CAP ${target} ${subcommand} * :\r\n`);
  const lines: string[] = [];
  let current = '';
  for (const name of names) {
    const joined = current === '' ? name : `${current} ${name}`;
    if (Buffer.byteLength(joined) > budget && current !== '') {
      lines.push(capLine(target, subcommand, current, true));
      current = name;
    } else {
      current = joined;
    }
  }
  lines.push(capLine(target, subcommand, current));
  return lines;
}
