// The catalogue of IRC numeric replies the door sends, as src/protocol/errors.ts is for the line
// protocol: each name has its code and its parameters, the last of which is the text people read.
// Where roomcast already has a sentence for the same failure, the numeric says that sentence, so the
// two doors explain a limit the same way (and quote it from the same constant).
import { errorSentence } from '../errors.ts';
import { maxNickLength, maxRoomNameLength } from '../names.ts';
import { maxReasonLength, sanitizeText } from '../text.ts';
import { maxMessageBytes, serializeIrcMessage } from './irc-message.ts';
import { ircNetworkName, ircServerName, ircUserHost } from './irc-server-identity.ts';

/** User modes a client can see: o, an operator (roomcast's /oper). */
export const userModes = 'o';
/** Channel modes: n, no messages from outside (only members speak in a room). No others exist. */
export const channelModes = 'n';

const numerics = {
  RPL_WELCOME: { code: '001', params: (nick: string) => [`Welcome to the ${ircNetworkName} IRC door, ${nick}`] },
  RPL_YOURHOST: { code: '002', params: (version: string) => [`Your host is ${ircServerName}, running version ${version}`] },
  RPL_CREATED: {
    code: '003',
    params: (createdAtMs: number) => [`This server was created ${new Date(createdAtMs).toISOString().slice(0, 19).replace('T', ' ')}Z`],
  },
  RPL_MYINFO: { code: '004', params: (version: string) => [ircServerName, version, userModes, channelModes] },
  RPL_ISUPPORT: { code: '005', params: (...tokens: string[]) => [...tokens, 'are supported by this server'] },
  RPL_UMODEIS: { code: '221', params: (isOperator: boolean) => [isOperator ? `+${userModes}` : '+'] },
  // Real names are not kept: a user's realname is its nick, like its username.
  RPL_WHOISUSER: { code: '311', params: (nick: string) => [nick, nick, ircUserHost, '*', nick] },
  RPL_WHOISSERVER: { code: '312', params: (nick: string) => [nick, ircServerName, ircNetworkName] },
  RPL_WHOISOPERATOR: { code: '313', params: (nick: string) => [nick, 'is an IRC operator'] },
  RPL_ENDOFWHO: { code: '315', params: (mask: string) => [mask, 'End of /WHO list'] },
  RPL_ENDOFWHOIS: { code: '318', params: (nick: string) => [nick, 'End of /WHOIS list'] },
  RPL_WHOISCHANNELS: { code: '319', params: (nick: string, channels: string) => [nick, channels] },
  RPL_LIST: { code: '322', params: (channel: string, members: number) => [channel, String(members), ''] },
  RPL_LISTEND: { code: '323', params: () => ['End of /LIST'] },
  RPL_CHANNELMODEIS: { code: '324', params: (channel: string) => [channel, `+${channelModes}`] },
  RPL_NOTOPIC: { code: '331', params: (channel: string) => [channel, 'No topic is set (roomcast rooms have no topics)'] },
  RPL_TOPIC: { code: '332', params: (channel: string, topic: string) => [channel, topic] },
  // H: here (nobody is away); * an operator. "0 nick": no hops, and the nick as realname.
  RPL_WHOREPLY: {
    code: '352',
    params: (channel: string, nick: string, isOperator: boolean) => [
      channel,
      nick,
      ircUserHost,
      ircServerName,
      nick,
      isOperator ? 'H*' : 'H',
      `0 ${nick}`,
    ],
  },
  // = a public channel; the names (space-separated) are the trailing parameter.
  RPL_NAMREPLY: { code: '353', params: (channel: string, names: string) => ['=', channel, names] },
  RPL_ENDOFNAMES: { code: '366', params: (channel: string) => [channel, 'End of /NAMES list'] },
  RPL_ENDOFBANLIST: { code: '368', params: (channel: string) => [channel, 'End of channel ban list'] },
  RPL_MOTD: { code: '372', params: (line: string) => [`- ${line}`] },
  RPL_MOTDSTART: { code: '375', params: () => [`- ${ircServerName} Message of the day -`] },
  RPL_ENDOFMOTD: { code: '376', params: () => ['End of /MOTD command'] },
  RPL_YOUREOPER: { code: '381', params: () => ['You are now an IRC operator'] },
  ERR_NOSUCHNICK: { code: '401', params: (nick: string) => [nick, errorSentence('NO_SUCH_NICK', nick)] },
  ERR_NOSUCHCHANNEL: { code: '403', params: (channel: string) => [channel, 'No such channel'] },
  ERR_CANNOTSENDTOCHAN: { code: '404', params: (channel: string, room: string) => [channel, errorSentence('NOT_IN_ROOM', room)] },
  ERR_TOOMANYCHANNELS: { code: '405', params: (channel: string, limit: number) => [channel, errorSentence('TOO_MANY_ROOMS', limit)] },
  ERR_TOOMANYTARGETS: { code: '407', params: (target: string) => [target, 'Too many targets: name one at a time'] },
  ERR_NOORIGIN: { code: '409', params: () => ['No origin specified'] },
  ERR_INVALIDCAPCMD: { code: '410', params: (subcommand: string) => [subcommand, 'Invalid CAP command'] },
  ERR_NORECIPIENT: { code: '411', params: (command: string) => [`No recipient given (${command})`] },
  ERR_NOTEXTTOSEND: { code: '412', params: () => ['No text to send'] },
  ERR_INPUTTOOLONG: { code: '417', params: () => [errorSentence('LINE_TOO_LONG', maxMessageBytes)] },
  ERR_UNKNOWNCOMMAND: { code: '421', params: (command: string) => [command, 'Unknown command'] },
  ERR_NOMOTD: { code: '422', params: () => ['MOTD File is missing'] },
  ERR_NONICKNAMEGIVEN: { code: '431', params: () => ['No nickname given'] },
  ERR_ERRONEUSNICKNAME: { code: '432', params: (nick: string) => [nick, errorSentence('NICK_INVALID', nick)] },
  /** With a holder, the nick was refused for looking like the holder's (src/protocol/names.ts nickKey). */
  ERR_NICKNAMEINUSE: {
    code: '433',
    params: (nick: string, holder?: string) => [
      nick,
      holder === undefined || holder === nick ? errorSentence('NICK_TAKEN', nick) : errorSentence('NICK_LOOKALIKE', nick, holder),
    ],
  },
  ERR_USERNOTINCHANNEL: { code: '441', params: (nick: string, channel: string) => [nick, channel, "They aren't on that channel"] },
  ERR_NOTONCHANNEL: { code: '442', params: (channel: string, room: string) => [channel, errorSentence('NOT_IN_ROOM', room)] },
  ERR_NOTREGISTERED: { code: '451', params: () => ['You have not registered'] },
  ERR_NEEDMOREPARAMS: { code: '461', params: (command: string) => [command, 'Not enough parameters'] },
  ERR_ALREADYREGISTERED: { code: '462', params: () => ['You may not reregister'] },
  ERR_PASSWDMISMATCH: { code: '464', params: () => [errorSentence('OPER_FAILED')] },
  ERR_BADCHANNAME: { code: '479', params: (channel: string) => [channel, errorSentence('ROOM_INVALID', channel)] },
  ERR_NOPRIVILEGES: { code: '481', params: () => [errorSentence('NOT_OPERATOR')] },
  ERR_CHANOPRIVSNEEDED: { code: '482', params: (channel: string) => [channel, "You're not channel operator"] },
  ERR_NOOPERHOST: { code: '491', params: () => [errorSentence('OPER_DISABLED')] },
  ERR_UMODEUNKNOWNFLAG: { code: '501', params: () => ['Unknown MODE flag'] },
  ERR_USERSDONTMATCH: { code: '502', params: () => ["Can't change mode for other users"] },
} as const satisfies Record<string, { code: string; params: (...args: never[]) => readonly string[] }>;

export type NumericName = keyof typeof numerics;
export type NumericArgs<N extends NumericName> = Parameters<(typeof numerics)[N]['params']>;

export const numericNames = Object.keys(numerics) as NumericName[];

export function numericCode(name: NumericName): string {
  return numerics[name].code;
}

// Numerics echo what a client sent (a nick, a channel, a command) as middle parameters, which may hold no
// space, start with no ':' and not be empty: echoed text is cut short and made to fit, so a client's
// odd input can never make the serialiser throw or a reply carry a flood of bytes.
const maxEchoLength = 64;

function asMiddleParam(text: string): string {
  const safe = sanitizeText(text.slice(0, maxEchoLength)).replaceAll(' ', '\uFFFD');
  if (safe === '') return '*';
  return safe.startsWith(':') ? `\uFFFD${safe.slice(1)}` : safe;
}

/**
 * One numeric reply, CR LF included: `:irc.roomcast CODE target params… :text`. The target is the
 * client's nick, or '*' before it has one.
 */
export function numericLine<N extends NumericName>(name: N, target: string, ...args: NumericArgs<N>): string {
  const { code, params } = numerics[name];
  const values = (params as (...a: NumericArgs<N>) => readonly string[])(...args);
  const middle = values.slice(0, -1).map(asMiddleParam);
  return serializeIrcMessage({ source: ircServerName, command: code, params: [asMiddleParam(target), ...middle, values.at(-1)!] });
}

/**
 * An IRCv3 standard reply (`FAIL command CODE :text`), for failures no numeric names; '*' when the
 * command is unknown (the line could not be read).
 */
export function failLine(command: string, code: string, description: string): string {
  return serializeIrcMessage({ source: ircServerName, command: 'FAIL', params: [asMiddleParam(command), code, description] });
}

/** Parameters of one RPL_ISUPPORT line at most: with the nick and the closing text, 15 in all (RFC 2812 §2.3). */
const maxTokensPerLine = 13;

/** What the door supports and its limits, as ISUPPORT tokens; every limit comes from the constant that enforces it. */
export function isupportTokens(maxRoomsPerClient: number): string[] {
  return [
    // Room names are lower-cased ASCII; nicks are unique up to ASCII case (and look-alikes, which is stricter).
    'CASEMAPPING=ascii',
    'CHANTYPES=#',
    `CHANNELLEN=${maxRoomNameLength + '#'.length}`,
    `CHANLIMIT=#:${maxRoomsPerClient}`,
    `CHANMODES=,,,${channelModes}`,
    `NICKLEN=${maxNickLength}`,
    `KICKLEN=${maxReasonLength}`,
    `NETWORK=${ircNetworkName}`,
    // Nobody has channel status: roomcast's operators are server-wide.
    'PREFIX=',
    // One target a message: a reply or error then names which one it is about.
    'TARGMAX=JOIN:,PART:,PRIVMSG:1,NOTICE:1,NAMES:1,WHOIS:1,KICK:1',
    // Lines that are not UTF-8 are refused (FAIL * INVALID_UTF8), as the line protocol refuses them.
    'UTF8ONLY',
  ];
}

/** The RPL_ISUPPORT lines for `tokens`. */
export function isupportLines(nick: string, tokens: readonly string[]): string[] {
  const lines: string[] = [];
  for (let start = 0; start < tokens.length; start += maxTokensPerLine) {
    lines.push(numericLine('RPL_ISUPPORT', nick, ...tokens.slice(start, start + maxTokensPerLine)));
  }
  return lines;
}
