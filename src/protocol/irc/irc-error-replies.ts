// How each roomcast error (src/protocol/errors.ts) reaches an IRC client: as the numeric IRC clients
// know where one exists, as ERROR when roomcast closes the connection with it, and otherwise as an IRCv3
// standard reply carrying roomcast's own code (`FAIL JOIN ROOM_LIMIT :sentence`), which plays the part
// of the line protocol's `!! CODE sentence`. The table covers every code, so a new code must choose.
import { type ErrorArgs, type ErrorCode, errorSentence } from '../errors.ts';
import { failLine, numericLine } from './irc-numerics.ts';
import { closingLine } from './irc-replies.ts';
import { channelName } from './irc-server-identity.ts';

/** What the error answers: the client's nick ('*' before it has one), its IRC command, and the channel it named, if any. */
export interface IrcErrorContext {
  readonly target: string;
  readonly command: string;
  readonly channel?: string;
}

type Reply<C extends ErrorCode> = (context: IrcErrorContext, ...args: ErrorArgs<C>) => string;

const closing =
  <C extends ErrorCode>(code: C): Reply<C> =>
  (_, ...args) =>
    closingLine(errorSentence(code, ...args));
const standard =
  <C extends ErrorCode>(code: C): Reply<C> =>
  (context, ...args) =>
    failLine(context.command, code, errorSentence(code, ...args));

const replies: { readonly [C in ErrorCode]: Reply<C> } = {
  NICK_INVALID: ({ target }, nick) => numericLine('ERR_ERRONEUSNICKNAME', target, nick),
  NICK_TAKEN: ({ target }, nick) => numericLine('ERR_NICKNAMEINUSE', target, nick),
  NICK_LOOKALIKE: ({ target }, nick, holder) => numericLine('ERR_NICKNAMEINUSE', target, nick, holder),
  ROOM_INVALID: ({ target }, room) => numericLine('ERR_BADCHANNAME', target, room),
  // Speaking where one is not is 404 in IRC; anything else (PART, TOPIC, NAMES...) is 442.
  NOT_IN_ROOM: ({ target, command }, room) =>
    command === 'PRIVMSG' || command === 'NOTICE'
      ? numericLine('ERR_CANNOTSENDTOCHAN', target, channelName(room), room)
      : numericLine('ERR_NOTONCHANNEL', target, channelName(room), room),
  NO_CURRENT_ROOM: standard('NO_CURRENT_ROOM'),
  ROOM_LIMIT: standard('ROOM_LIMIT'),
  ROOM_CREATION_LIMIT: standard('ROOM_CREATION_LIMIT'),
  TOO_MANY_ROOMS: ({ target, channel }, limit) => numericLine('ERR_TOOMANYCHANNELS', target, channel ?? '*', limit),
  NO_SUCH_NICK: ({ target }, nick) => numericLine('ERR_NOSUCHNICK', target, nick),
  UNKNOWN_COMMAND: ({ target, command }) => numericLine('ERR_UNKNOWNCOMMAND', target, command),
  USAGE: ({ target, command }) => numericLine('ERR_NEEDMOREPARAMS', target, command),
  // The WebSocket door's (a frame that is not a JSON message); the IRC door never raises it.
  BAD_MESSAGE: standard('BAD_MESSAGE'),
  BAD_ENCODING: () => failLine('*', 'INVALID_UTF8', errorSentence('BAD_ENCODING')),
  // The IRC limit is the one an IRC client meets (maxMessageBytes), whatever the line protocol's is.
  LINE_TOO_LONG: ({ target }) => numericLine('ERR_INPUTTOOLONG', target),
  TOO_EARLY: standard('TOO_EARLY'),
  FLOODING: standard('FLOODING'),
  FLOOD_DISCONNECT: closing('FLOOD_DISCONNECT'),
  HANDSHAKE_TIMEOUT: closing('HANDSHAKE_TIMEOUT'),
  IDLE_TIMEOUT: closing('IDLE_TIMEOUT'),
  SERVER_FULL: closing('SERVER_FULL'),
  TOO_MANY_CONNECTIONS: closing('TOO_MANY_CONNECTIONS'),
  CONNECTING_TOO_FAST: closing('CONNECTING_TOO_FAST'),
  SERVER_UNAVAILABLE: closing('SERVER_UNAVAILABLE'),
  OPER_DISABLED: ({ target }) => numericLine('ERR_NOOPERHOST', target),
  OPER_FAILED: ({ target }) => numericLine('ERR_PASSWDMISMATCH', target),
  OPER_LOCKED: standard('OPER_LOCKED'),
  NOT_OPERATOR: ({ target }) => numericLine('ERR_NOPRIVILEGES', target),
  KICK_SELF: standard('KICK_SELF'),
  KICK_OPERATOR: standard('KICK_OPERATOR'),
  KICKED: closing('KICKED'),
  INTERNAL_ERROR: closing('INTERNAL_ERROR'),
  SLOW_CONSUMER: closing('SLOW_CONSUMER'),
  SHUTTING_DOWN: closing('SHUTTING_DOWN'),
  BUS_UNAVAILABLE: standard('BUS_UNAVAILABLE'),
  NICK_LOST: standard('NICK_LOST'),
};

/** The IRC line for a roomcast error, CR LF included. */
export function ircErrorReply<C extends ErrorCode>(context: IrcErrorContext, code: C, ...args: ErrorArgs<C>): string {
  return (replies[code] as Reply<C>)(context, ...args);
}
