// Turns one decoded input line into a command. Pure: no I/O, no session state, so it can be
// property-tested and benchmarked on its own. Name rules are checked here; whether the nick is free or
// the user is in the room is for the session and the coordinator to decide.
import { errorLine } from './errors.ts';
import { isValidNick, normalizeRoomName } from './names.ts';

export type Command =
  | { kind: 'say'; text: string }
  | { kind: 'me'; text: string }
  | { kind: 'nick'; nick: string }
  | { kind: 'join'; room: string }
  | { kind: 'part'; room: string | undefined }
  | { kind: 'switch'; room: string }
  | { kind: 'rooms' }
  | { kind: 'who'; room: string | undefined }
  | { kind: 'msg'; nick: string; text: string }
  | { kind: 'history'; count: number | undefined }
  | { kind: 'quit'; reason: string | undefined }
  | { kind: 'help' }
  | { kind: 'oper'; password: string }
  | { kind: 'kick'; nick: string; reason: string | undefined }
  | { kind: 'stats' }
  | { kind: 'invalid'; errorLine: string };

export const commandHelp: readonly string[] = [
  '/nick NEW          change your nickname',
  '/join ROOM         join (or create) a room and make it current',
  '/part [ROOM]       leave a room (default: the current one)',
  '/switch ROOM       make a room you are in the current one',
  '/rooms             list rooms and how many are in each',
  '/who [ROOM]        list who is in a room (default: current)',
  '/msg NICK text     private message',
  '/me action         action line in the current room',
  '/history [N]       the last N messages of the current room',
  '/quit [reason]     leave',
  '/help              this list',
  '/oper PASSWORD     become an operator (if the server has an operator password)',
  '/kick NICK [why]   operators: disconnect someone',
  '/stats             operators: server statistics',
  'Plain lines go to your current room; start a line with // to send text beginning with /.',
];

const usage = (text: string): Command => ({ kind: 'invalid', errorLine: errorLine('USAGE', text) });

export function parseCommand(line: string): Command {
  if (!line.startsWith('/')) return { kind: 'say', text: line };
  if (line.startsWith('//')) return { kind: 'say', text: line.slice(1) };

  const space = line.indexOf(' ');
  const name = (space === -1 ? line.slice(1) : line.slice(1, space)).toLowerCase();
  const rest = space === -1 ? '' : line.slice(space + 1).trim();
  const [firstWord = '', ...otherWords] = rest.split(/\s+/).filter((word) => word !== '');

  switch (name) {
    case 'me':
      return rest === '' ? usage('/me action') : { kind: 'me', text: rest };
    case 'nick':
      if (firstWord === '' || otherWords.length > 0) return usage('/nick NEW');
      return isValidNick(firstWord)
        ? { kind: 'nick', nick: firstWord }
        : { kind: 'invalid', errorLine: errorLine('NICK_INVALID', firstWord) };
    case 'join':
    case 'switch': {
      if (firstWord === '' || otherWords.length > 0) return usage(`/${name} ROOM`);
      const room = normalizeRoomName(firstWord);
      if (room === undefined) return { kind: 'invalid', errorLine: errorLine('ROOM_INVALID', firstWord) };
      return { kind: name, room };
    }
    case 'part':
    case 'who': {
      if (otherWords.length > 0) return usage(`/${name} [ROOM]`);
      if (firstWord === '') return { kind: name, room: undefined };
      const room = normalizeRoomName(firstWord);
      if (room === undefined) return { kind: 'invalid', errorLine: errorLine('ROOM_INVALID', firstWord) };
      return { kind: name, room };
    }
    case 'rooms':
      return { kind: 'rooms' };
    case 'help':
      return { kind: 'help' };
    case 'msg': {
      const textStart = rest.search(/\s/);
      if (firstWord === '' || textStart === -1) return usage('/msg NICK text');
      const text = rest.slice(textStart).trim();
      if (!isValidNick(firstWord)) return { kind: 'invalid', errorLine: errorLine('NICK_INVALID', firstWord) };
      return { kind: 'msg', nick: firstWord, text };
    }
    case 'history': {
      if (firstWord === '') return { kind: 'history', count: undefined };
      const count = Number(firstWord);
      if (otherWords.length > 0 || !Number.isInteger(count) || count < 1) return usage('/history [N], N ≥ 1');
      return { kind: 'history', count };
    }
    case 'quit':
      return { kind: 'quit', reason: rest === '' ? undefined : rest };
    case 'oper':
      return rest === '' ? usage('/oper PASSWORD') : { kind: 'oper', password: rest };
    case 'kick': {
      if (firstWord === '') return usage('/kick NICK [reason]');
      if (!isValidNick(firstWord)) return { kind: 'invalid', errorLine: errorLine('NICK_INVALID', firstWord) };
      const textStart = rest.search(/\s/);
      return { kind: 'kick', nick: firstWord, reason: textStart === -1 ? undefined : rest.slice(textStart).trim() };
    }
    case 'stats':
      return { kind: 'stats' };
    default:
      return { kind: 'invalid', errorLine: errorLine('UNKNOWN_COMMAND', name) };
  }
}
