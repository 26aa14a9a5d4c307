// What the terminal shows: the prompt, and how each line is laid out and coloured. Pure: colour is
// decided once by the caller (a TTY that has colours; NO_COLOR honoured by Node's hasColors()), and the
// time is a parameter.
//
// Every line starts with a time. The server puts none on live lines, so the time they were received is
// shown (local HH:MM). A line replayed from history carries the time it was first sent (UTC); it is
// shown in local time with "(history)" after it, and with the date when that was another day.
import { styleText } from 'node:util';
import { historyHeaderPattern } from '../protocol/server-lines.ts';
import { sanitizeText } from '../protocol/text.ts';
import { mentionRanges } from './mention.ts';
import { nickColour } from './nick-colour.ts';
import type { ServerLine } from './server-line.ts';
import type { SessionState } from './session-state.ts';

export function promptFor(state: Pick<SessionState, 'phase' | 'nick' | 'currentRoom'>, query: string | undefined): string {
  if (state.nick === undefined) return 'nickname> ';
  const target = query === undefined ? `[${state.currentRoom ?? 'no room'}]` : `[pm -> ${query}]`;
  return state.phase === 'offline' ? `(offline) ${target}> ` : `${target}> `;
}

type Style = Parameters<typeof styleText>[0];

function paint(style: Style, text: string, colour: boolean): string {
  // validateStream is off because the caller has already decided whether colour is wanted.
  return colour ? styleText(style, text, { validateStream: false }) : text;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** Local HH:MM. */
export function clockTime(ms: number): string {
  const at = new Date(ms);
  return `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}`;
}

/** Local YYYY-MM-DD. */
function localDate(ms: number): string {
  const at = new Date(ms);
  return `${at.getFullYear()}-${twoDigits(at.getMonth() + 1)}-${twoDigits(at.getDate())}`;
}

/**
 * One server line as shown, received at `receivedAtMs`. Control characters are replaced even though the
 * server already does it: the client does not trust whoever it is connected to with the user's terminal.
 */
export function styleServerLine(raw: string, line: ServerLine, ownNick: string | undefined, colour: boolean, receivedAtMs: number): string {
  if (line.kind === 'history') {
    const day = localDate(line.sentAtMs) === localDate(receivedAtMs) ? '' : `${localDate(line.sentAtMs)} `;
    const when = paint('dim', `${day}${clockTime(line.sentAtMs)} (history)`, colour);
    return `${when} ${styleBody(line.raw, line.line, ownNick, colour)}`;
  }
  return `${clockTime(receivedAtMs)} ${styleBody(raw, line, ownNick, colour)}`;
}

/** The client's own messages (connection lost, retrying...) start with `**`, unlike any server line. */
export function styleStatus(text: string, colour: boolean, atMs: number): string {
  return `${clockTime(atMs)} ${paint('yellow', `** ${text}`, colour)}`;
}

function styleBody(raw: string, line: ServerLine, ownNick: string | undefined, colour: boolean): string {
  switch (line.kind) {
    case 'error':
      return paint('red', sanitizeText(raw), colour);
    case 'private':
      return paint('magenta', `[pm] <${sanitizeText(line.from)}> `, colour) + styleMessageText(line.text, ownNick, colour);
    case 'private-echo':
      return paint('magenta', sanitizeText(raw), colour);
    case 'chat':
    case 'action': {
      // Mentions are marked in other people's lines only: your own echo is not news to you.
      const text = styleMessageText(line.text, line.nick === ownNick ? undefined : ownNick, colour);
      const nick = styleNick(line.nick, ownNick, colour);
      const room = sanitizeText(line.room);
      return line.kind === 'chat' ? `[${room}] <${nick}> ${text}` : `[${room}] * ${nick} ${text}`;
    }
    case 'info': {
      // The client shows replayed lines in local time, so the header must not promise UTC.
      const header = historyHeaderPattern.exec(line.text);
      return sanitizeText(header === null ? raw : `-- ${header[1]} (earlier, local times):`);
    }
    default:
      return sanitizeText(raw);
  }
}

/** Your own nick bold cyan; everyone else's in their own colour. */
function styleNick(nick: string, ownNick: string | undefined, colour: boolean): string {
  const clean = sanitizeText(nick);
  return nick === ownNick ? paint(['bold', 'cyan'], clean, colour) : paint(nickColour(nick), clean, colour);
}

/** Message text, with each mention of `nick` (yours, unless the line is your own) in reverse video. */
function styleMessageText(text: string, nick: string | undefined, colour: boolean): string {
  const clean = sanitizeText(text);
  if (!colour || nick === undefined) return clean;
  let shown = '';
  let from = 0;
  for (const [start, end] of mentionRanges(clean, nick)) {
    shown += clean.slice(from, start) + paint(['bold', 'inverse'], clean.slice(start, end), colour);
    from = end;
  }
  return shown + clean.slice(from);
}
