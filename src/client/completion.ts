// Tab completion of the word before the cursor: commands at the start of a line; rooms after /join,
// /switch and /part; nicks anywhere else — after /msg, /query and /kick any nick the client knows of,
// in plain text the nicks of the current room. Pure; readline calls it with the line up to the cursor.
import { commandHelp } from '../protocol/command-parser.ts';
import { clientCommandNames } from './input-router.ts';

export interface CompletionContext {
  /** Nicks seen in the current room. */
  roomNicks: readonly string[];
  /** Every nick the client knows of: all rooms, and who sent private messages. */
  allNicks: readonly string[];
  rooms: readonly string[];
  ownNick: string | undefined;
}

/** The server's commands (from its /help text) and the client's own. */
export const commandNames: readonly string[] = [
  ...commandHelp.filter((line) => line.startsWith('/')).map((line) => line.split(' ')[0]!),
  ...clientCommandNames,
];

const roomCommands = new Set(['/join', '/switch', '/part']);
const nickCommands = new Set(['/msg', '/query', '/kick']);

/** readline's completer contract: the candidates, and the part of the line they replace. */
export function complete(line: string, context: CompletionContext): [string[], string] {
  const space = line.lastIndexOf(' ');
  const word = line.slice(space + 1);
  if (word === '') return [[], word];
  const first = line.split(' ', 1)[0]!.toLowerCase();
  const isFirstWord = space === -1;
  let candidates: readonly string[];
  let after = ' ';
  if (isFirstWord && word.startsWith('/')) candidates = commandNames;
  else if (!isFirstWord && roomCommands.has(first) && line.indexOf(' ') === space) candidates = context.rooms;
  else if (!isFirstWord && nickCommands.has(first) && line.indexOf(' ') === space) candidates = context.allNicks;
  else {
    candidates = context.roomNicks;
    // IRC habit: a nick that starts the line addresses that person.
    if (isFirstWord) after = ': ';
  }
  const prefix = word.toLowerCase();
  const matches = [...new Set(candidates)].filter(
    (candidate) => candidate.toLowerCase().startsWith(prefix) && candidate !== context.ownNick,
  );
  // One match is completed in full, with the separator; several are listed for the user to choose from.
  return [matches.length === 1 ? [`${matches[0]}${after}`] : matches.sort(), word];
}
