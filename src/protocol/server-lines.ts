// Every line the server writes to a client, in one place, so clients (the terminal client, the load
// tool, tests) can rely on one shape. Each returns the whole line with its LF: a room line is turned into
// bytes once and the same bytes go to every member.
import type { Listing } from '../thread-messages.ts';

export const chatLine = (room: string, nick: string, text: string) => `[${room}] <${nick}> ${text}\n`;
export const actionLine = (room: string, nick: string, text: string) => `[${room}] * ${nick} ${text}\n`;
export const noticeLine = (room: string, text: string) => `[${room}] -- ${text}\n`;
export const infoLine = (text: string) => `-- ${text}\n`;
export const privateLine = (from: string, text: string) => `[pm] <${from}> ${text}\n`;
export const privateEchoLine = (to: string, from: string, text: string) => `[pm -> ${to}] <${from}> ${text}\n`;

export const joinedNotice = (room: string, nick: string) => noticeLine(room, `${nick} joined`);
export const leftNotice = (room: string, nick: string) => noticeLine(room, `${nick} left`);
/** An empty reason (a plain /quit) shows no parentheses. */
export const quitNotice = (room: string, nick: string, reason: string) =>
  noticeLine(room, reason === '' ? `${nick} quit` : `${nick} quit (${reason})`);
export const renamedNotice = (room: string, from: string, to: string) => noticeLine(room, `${from} is now known as ${to}`);
// What a client reads back out of a notice's text (after `[room] -- `), next to the sentences above.
export const joinedNoticePattern = /^(\S+) joined$/;
export const goneNoticePattern = /^(\S+) (?:left|quit(?: \(.*\))?)$/s;
export const renamedNoticePattern = /^(\S+) is now known as (\S+)$/;

// Answers about the client's own session. The terminal client recognises these sentences
// (src/client/session-state.ts) to follow its nick and current room, by the patterns next to each: a
// pattern matches the text of the information line (after `-- `). Change each pair together;
// test/client/server-line.test.ts feeds every builder to its pattern.
export const helloLine = (nick: string, room: string) => infoLine(`Hello ${nick}. You are in ${room}; /help lists the commands.`);
/** Captures the nick and the room. */
export const helloPattern = /^Hello (\S+)\. You are in (\S+); \/help lists the commands\.$/;
export const renamedLine = (nick: string) => infoLine(`You are now known as ${nick}.`);
/** Captures the new nick. */
export const renamedPattern = /^You are now known as (\S+)\.$/;
export const currentRoomLine = (room: string) => infoLine(`Your current room is ${room}.`);
/** Captures the room. */
export const currentRoomPattern = /^Your current room is (\S+)\.$/;
export const partedLine = (room: string, current: string | undefined) =>
  infoLine(`You left ${room}. ${current === undefined ? 'You are in no room now.' : `Your current room is ${current}.`}`);
/** Captures the room left and the current room (undefined when none is left). */
export const partedPattern = /^You left (\S+)\. (?:Your current room is (\S+)\.|You are in no room now\.)$/;
export const historyHeaderLine = (room: string, count: number) =>
  infoLine(
    count === 0
      ? `no earlier messages of ${room}.`
      : count === 1
        ? `the last message of ${room} (earlier, times in UTC):`
        : `the last ${count} messages of ${room} (earlier, times in UTC):`,
  );
/** A header that announces replayed lines; captures what comes before ` (earlier, times in UTC):`. */
export const historyHeaderPattern = /^(the last (?:message|\d+ messages) of \S+) \(earlier, times in UTC\):$/;
/**
 * A line replayed from history: an information line with the time it was first sent, so it can never be
 * mistaken for a live one. `-- 2026-12-01 10:42:07Z [lobby] <alice> hi`
 */
export const historyLine = (sentAtMs: number, line: string) =>
  `-- ${new Date(sentAtMs).toISOString().slice(0, 19).replace('T', ' ')}Z ${line}`;
/** Captures the UTC date and time (`2026-12-01`, `10:42:07`) and the original line. */
export const historyPattern = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)Z (.*)$/s;

/** The answer to /rooms or /who: `-- rooms: dev (1), lobby (2)`, `-- lobby (2): alice, bob`. */
/** Reads a /who answer's text (after `-- `) back: the room, its member count and the nicks listed. */
export const memberListingPattern = /^(\S+) \((\d+)\): (.*?)(?:, and \d+ more)?$/;

export function listingLine(listing: Listing): string {
  const more = listing.more > 0 ? `, and ${listing.more} more` : '';
  if (listing.kind === 'rooms') {
    if (listing.rooms.length === 0) return infoLine('no rooms');
    return infoLine(`rooms: ${listing.rooms.map(([name, members]) => `${name} (${members})`).join(', ')}${more}`);
  }
  const { room, nicks } = listing;
  if (nicks.length === 0) return infoLine(`nobody is in ${room}`);
  return infoLine(`${room} (${nicks.length + listing.more}): ${nicks.join(', ')}${more}`);
}
