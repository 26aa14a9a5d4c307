// Whether a line speaks to you: your nick as a word of its text (any case), or a private message. Pure.
import type { ServerLine } from './server-line.ts';

// Nick characters: a mention must not be part of a longer word ("ann" is not mentioned in "annual").
const nickChar = 'A-Za-z0-9_-';

function mentionPattern(nick: string): RegExp {
  const escaped = nick.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![${nickChar}])${escaped}(?![${nickChar}])`, 'gi');
}

/** Where `nick` occurs as a word in `text`, as [start, end) pairs in order. */
export function mentionRanges(text: string, nick: string): Array<[number, number]> {
  if (nick === '') return [];
  return [...text.matchAll(mentionPattern(nick))].map((m) => [m.index, m.index + m[0].length]);
}

/** A live line someone else sent that names you, or a private message to you: worth the bell. */
export function addressesMe(line: ServerLine, ownNick: string | undefined): boolean {
  if (ownNick === undefined) return false;
  switch (line.kind) {
    case 'private':
      return true;
    case 'chat':
    case 'action':
      return line.nick.toLowerCase() !== ownNick.toLowerCase() && mentionRanges(line.text, ownNick).length > 0;
    default:
      return false;
  }
}
