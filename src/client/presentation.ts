// What the terminal shows: the prompt, and how each kind of line is coloured. Pure: colour is decided
// once by the caller (a TTY that has colours; NO_COLOR honoured by Node's hasColors()).
import { styleText } from 'node:util';
import { sanitizeText } from '../protocol/text.ts';
import type { ServerLine } from './server-line.ts';
import type { SessionState } from './session-state.ts';

export function promptFor(state: Pick<SessionState, 'phase' | 'nick' | 'currentRoom'>): string {
  if (state.nick === undefined) return 'nickname> ';
  const room = `[${state.currentRoom ?? 'no room'}]`;
  return state.phase === 'offline' ? `(offline) ${room}> ` : `${room}> `;
}

type Style = Parameters<typeof styleText>[0];

function paint(style: Style, text: string, colour: boolean): string {
  // validateStream is off because the caller has already decided whether colour is wanted.
  return colour ? styleText(style, text, { validateStream: false }) : text;
}

/**
 * One server line as shown. Control characters are replaced even though the server already does it:
 * the client does not trust whoever it is connected to with the user's terminal.
 */
export function styleServerLine(raw: string, line: ServerLine, ownNick: string | undefined, colour: boolean): string {
  const text = sanitizeText(raw);
  switch (line.kind) {
    case 'error':
      return paint('red', text, colour);
    case 'private':
    case 'private-echo':
      return paint('magenta', text, colour);
    case 'chat':
    case 'action': {
      if (line.nick !== ownNick || !colour) return text;
      // Only the nick is highlighted, so the room and the text read as in every other line.
      const at = text.indexOf(line.nick, line.room.length + 2);
      return text.slice(0, at) + paint(['bold', 'cyan'], line.nick, colour) + text.slice(at + line.nick.length);
    }
    default:
      return text;
  }
}

/** The client's own messages (connection lost, retrying...) start with `**`, unlike any server line. */
export function styleStatus(text: string, colour: boolean): string {
  return paint('yellow', `** ${text}`, colour);
}
