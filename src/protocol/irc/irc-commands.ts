// Turns a registered client's IRC commands into roomcast chat intents, as command-parser.ts does for
// the line protocol. Pure and stateless: names are checked here; whether the client is in a room, the
// nick is free or the target exists is for the chat session to decide (and answer with the numerics in
// irc-numerics.ts: 404 for a PRIVMSG to a channel the client is not in, 442, 441, 401, 433...).
//
// `#dev` is the room `dev`. Registration commands (CAP, USER, PASS) go to irc-registration.ts instead.
import { errorSentence } from '../errors.ts';
import { isValidNick, normalizeRoomName } from '../names.ts';
import type { IrcMessage, IrcParseError } from './irc-message.ts';
import { failLine, type NumericArgs, type NumericName, numericLine } from './irc-numerics.ts';
import { pongLine } from './irc-replies.ts';

export type ChatIntent =
  /** PRIVMSG or NOTICE to a channel. A notice must never be answered with an error (RFC 2812 §3.3.2). */
  | { readonly kind: 'say'; readonly room: string; readonly text: string; readonly notice: boolean }
  /** PRIVMSG #room :\x01ACTION text\x01, the /me of IRC clients. */
  | { readonly kind: 'me'; readonly room: string; readonly text: string }
  /** To one nick: `action` for a CTCP ACTION (never with `notice`). */
  | { readonly kind: 'msg'; readonly nick: string; readonly text: string; readonly notice: boolean; readonly action: boolean }
  | { readonly kind: 'join'; readonly room: string }
  | { readonly kind: 'part'; readonly room: string; readonly reason: string | undefined }
  | { readonly kind: 'nick'; readonly nick: string }
  | { readonly kind: 'quit'; readonly reason: string | undefined }
  /** RPL_NAMREPLY lines and RPL_ENDOFNAMES. */
  | { readonly kind: 'names'; readonly room: string }
  /** RPL_LIST per room, then RPL_LISTEND. */
  | { readonly kind: 'list' }
  /** RPL_WHOREPLY per member, then RPL_ENDOFWHO. */
  | { readonly kind: 'who'; readonly room: string }
  /** RPL_WHOISUSER, RPL_WHOISSERVER, RPL_WHOISCHANNELS (rooms in common, or all), RPL_ENDOFWHOIS; or ERR_NOSUCHNICK. */
  | { readonly kind: 'whois'; readonly nick: string }
  /** Rooms have no topics: RPL_NOTOPIC, or ERR_NOTONCHANNEL. */
  | { readonly kind: 'topic'; readonly room: string }
  /** roomcast's /kick (operators disconnect someone); the channel is where the client asked it. */
  | { readonly kind: 'kick'; readonly room: string; readonly nick: string; readonly reason: string | undefined }
  | { readonly kind: 'oper'; readonly password: string }
  /** RPL_CHANNELMODEIS, or ERR_NOTONCHANNEL. */
  | { readonly kind: 'channel-mode'; readonly room: string }
  /** RPL_UMODEIS, `+o` for an operator. */
  | { readonly kind: 'user-mode' };

/** What one IRC command asks for, in order: intents for the session, and replies to send as they are. */
export type IrcAction = ChatIntent | { readonly kind: 'reply'; readonly line: string };

// CTCP wraps a command in \x01 (the closing one is often left out): only ACTION means anything here;
// other CTCP queries (VERSION, PING, ...) go unanswered, as roomcast relays no client-to-client protocol.
const ctcpPattern = /^\x01([A-Za-z]+)(?: (.*?))?\x01?$/s;
// mIRC-style formatting (bold, colours, italics, ...). roomcast shows plain text everywhere and would
// otherwise show each code as U+FFFD (src/protocol/text.ts), so codes are removed and the text kept.
const formatting = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9A-Fa-f]{6}(?:,[0-9A-Fa-f]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g;

export function stripFormatting(text: string): string {
  return text.replace(formatting, '');
}

/** The actions for one command of a registered client whose nick is `nick`. */
export function translateIrcCommand(message: IrcMessage, nick: string): IrcAction[] {
  const actions = translate(message, nick);
  // NOTICE is for automatons that must not loop: nothing, not even an error, answers it.
  return message.command === 'NOTICE' ? actions.filter((action) => action.kind !== 'reply') : actions;
}

function translate(message: IrcMessage, nick: string): IrcAction[] {
  const { command, params } = message;
  const [first = '', second, third] = params;
  const reply = <N extends NumericName>(name: N, ...args: NumericArgs<N>): IrcAction => ({
    kind: 'reply',
    line: numericLine(name, nick, ...args),
  });
  switch (command) {
    case 'PRIVMSG':
    case 'NOTICE':
      return messageActions(command, first, second, reply);
    case 'JOIN':
      if (first === '') return [reply('ERR_NEEDMOREPARAMS', command)];
      return targets(first).map((channel) => {
        const room = roomOf(channel);
        if (room !== undefined) return { kind: 'join', room };
        return channel.startsWith('#') ? reply('ERR_BADCHANNAME', channel) : reply('ERR_NOSUCHCHANNEL', channel);
      });
    case 'PART':
      if (first === '') return [reply('ERR_NEEDMOREPARAMS', command)];
      return targets(first).map((channel) => {
        const room = roomOf(channel);
        return room === undefined ? reply('ERR_NOSUCHCHANNEL', channel) : { kind: 'part', room, reason: nonEmpty(second) };
      });
    case 'NICK':
      if (first === '') return [reply('ERR_NONICKNAMEGIVEN')];
      return isValidNick(first) ? [{ kind: 'nick', nick: first }] : [reply('ERR_ERRONEUSNICKNAME', first)];
    case 'QUIT':
      return [{ kind: 'quit', reason: nonEmpty(first) }];
    case 'NAMES':
      // Names of every channel at once are not offered (the spec lets a server decline).
      if (first === '') return [reply('RPL_ENDOFNAMES', '*')];
      return targets(first).map((channel) => {
        const room = roomOf(channel);
        // The spec answers a channel that does not exist with an empty list: the end of it alone.
        return room === undefined ? reply('RPL_ENDOFNAMES', channel) : { kind: 'names', room };
      });
    case 'LIST':
      // Filters (LIST #a,#b, LIST >3) are not offered (ISUPPORT has no ELIST): the whole list it is.
      return [{ kind: 'list' }];
    case 'WHO': {
      // Only channels: roomcast has no host masks or user flags to search by.
      const room = roomOf(first);
      return room === undefined ? [reply('RPL_ENDOFWHO', first === '' ? '*' : first)] : [{ kind: 'who', room }];
    }
    case 'WHOIS': {
      // WHOIS [server] nick: the server is this one, whichever is named.
      const target = second ?? first;
      if (target === '') return [reply('ERR_NONICKNAMEGIVEN')];
      if (target.includes(',')) return [reply('ERR_TOOMANYTARGETS', target)];
      return isValidNick(target) ? [{ kind: 'whois', nick: target }] : [reply('ERR_NOSUCHNICK', target)];
    }
    case 'TOPIC': {
      if (first === '') return [reply('ERR_NEEDMOREPARAMS', command)];
      const room = roomOf(first);
      if (room === undefined) return [reply('ERR_NOSUCHCHANNEL', first)];
      // Nobody may set one: there are no channel operators, and rooms keep no topic.
      return second === undefined ? [{ kind: 'topic', room }] : [reply('ERR_CHANOPRIVSNEEDED', first)];
    }
    case 'KICK': {
      if (first === '' || second === undefined || second === '') return [reply('ERR_NEEDMOREPARAMS', command)];
      const room = roomOf(first);
      if (room === undefined) return [reply('ERR_NOSUCHCHANNEL', first)];
      if (second.includes(',')) return [reply('ERR_TOOMANYTARGETS', second)];
      if (!isValidNick(second)) return [reply('ERR_NOSUCHNICK', second)];
      return [{ kind: 'kick', room, nick: second, reason: nonEmpty(third) }];
    }
    case 'OPER':
      // OPER name password: roomcast has one operator password and no operator names.
      if (second === undefined || second === '') return [reply('ERR_NEEDMOREPARAMS', command)];
      return [{ kind: 'oper', password: second }];
    case 'MODE':
      return modeActions(first, second, params.length, nick, reply);
    case 'PING':
      return [{ kind: 'reply', line: pongLine(params, nick) }];
    case 'PONG':
    case 'TAGMSG':
      // An answer to a keep-alive, and tags alone (typing notices...), which roomcast does not relay.
      return [];
    default:
      return [reply('ERR_UNKNOWNCOMMAND', command)];
  }
}

type Reply = <N extends NumericName>(name: N, ...args: NumericArgs<N>) => IrcAction;

function messageActions(command: string, target: string, rawText: string | undefined, reply: Reply): IrcAction[] {
  if (target === '') return [reply('ERR_NORECIPIENT', command)];
  if (rawText === undefined || rawText === '') return [reply('ERR_NOTEXTTOSEND')];
  if (target.includes(',')) return [reply('ERR_TOOMANYTARGETS', target)];
  const notice = command === 'NOTICE';
  let action = false;
  let text = rawText;
  const ctcp = ctcpPattern.exec(rawText);
  if (ctcp !== null) {
    if (notice || ctcp[1]!.toUpperCase() !== 'ACTION') return [];
    action = true;
    text = ctcp[2] ?? '';
  }
  text = stripFormatting(text);
  if (text === '') return [reply('ERR_NOTEXTTOSEND')];
  if (target.startsWith('#')) {
    const room = roomOf(target);
    if (room === undefined) return [reply('ERR_NOSUCHCHANNEL', target)];
    return [action ? { kind: 'me', room, text } : { kind: 'say', room, text, notice }];
  }
  if (!isValidNick(target)) return [reply('ERR_NOSUCHNICK', target)];
  return [{ kind: 'msg', nick: target, text, notice, action }];
}

function modeActions(target: string, modes: string | undefined, paramCount: number, nick: string, reply: Reply): IrcAction[] {
  if (target === '') return [reply('ERR_NEEDMOREPARAMS', 'MODE')];
  if (target.startsWith('#')) {
    const room = roomOf(target);
    if (room === undefined) return [reply('ERR_NOSUCHCHANNEL', target)];
    if (modes === undefined) return [{ kind: 'channel-mode', room }];
    // Clients ask for the ban list on join (MODE #dev b): there are no bans, so it is empty.
    if (paramCount === 2 && /^\+?b$/.test(modes)) return [reply('RPL_ENDOFBANLIST', target)];
    return [reply('ERR_CHANOPRIVSNEEDED', target)];
  }
  if (target.toLowerCase() !== nick.toLowerCase()) return [reply('ERR_USERSDONTMATCH')];
  // Clients set +i or +w after connecting; nothing changes here, so the answer is the modes as they are.
  return [{ kind: 'user-mode' }];
}

/** The room a channel name stands for: only `#` names are channels. */
function roomOf(channel: string): string | undefined {
  return channel.startsWith('#') ? normalizeRoomName(channel) : undefined;
}

/** JOIN #a,#b: each target once, in order; empty ones (`#a,,#b`) are skipped. */
function targets(list: string): string[] {
  return [...new Set(list.split(',').filter((target) => target !== ''))];
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/**
 * The answer to a line that did not parse, to a client known as `target` ('*' before registration):
 * nothing for an empty line (the spec says to ignore those), a numeric or a standard reply otherwise.
 */
export function parseErrorReplies(error: IrcParseError, target: string): string[] {
  switch (error) {
    case 'empty':
      return [];
    case 'too-long':
    case 'tags-too-long':
      return [numericLine('ERR_INPUTTOOLONG', target)];
    case 'bad-encoding':
      return [failLine('*', 'INVALID_UTF8', errorSentence('BAD_ENCODING'))];
    case 'bad-command':
      return [numericLine('ERR_UNKNOWNCOMMAND', target, '*')];
    case 'bad-tag':
      return [failLine('*', 'INVALID_TAGS', 'That line had a malformed message tag; it was dropped.')];
    case 'forbidden-character':
      return [failLine('*', 'INVALID_CHARACTER', 'That line held a NUL or a lone CR; it was dropped.')];
  }
}
