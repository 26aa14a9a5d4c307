// Where a typed line goes. Two commands live in the client only: `/r text` answers the last private
// message, and `/query NICK` makes private talk the target of plain lines (sent as `/msg NICK …`) until
// `/query` alone, or until `/switch` or `/join` picks a room again — the last target picked is where
// plain lines go. Everything else passes through unchanged. Pure: the connection sends and shows what
// this returns.
import { parseCommand } from '../protocol/command-parser.ts';
import { isValidNick } from '../protocol/names.ts';
import type { ServerLine } from './server-line.ts';

/** What to do with a typed line: send `send` (if any) to the server, show `status` (if any) to the user. */
export interface Routed {
  send?: string;
  status?: string;
}

/** Shown under the server's /help answer. */
export const clientCommandHelp =
  'this client also knows: /r text (answer the last private message), /query NICK (plain lines go to NICK privately), /query (back to your room); Tab completes nicks and commands';

export const clientCommandNames: readonly string[] = ['/r', '/query'];

export class InputRouter {
  /** The nick plain lines go to, while private talk is the target. */
  query: string | undefined;
  /** Who sent the last private message: the one `/r` answers. */
  lastPrivateFrom: string | undefined;

  observe(line: ServerLine): void {
    if (line.kind === 'private') this.lastPrivateFrom = line.from;
  }

  route(line: string): Routed {
    const space = line.indexOf(' ');
    const name = (space === -1 ? line : line.slice(0, space)).toLowerCase();
    const rest = space === -1 ? '' : line.slice(space + 1).trim();
    if (name === '/r') return this.#reply(rest);
    if (name === '/query') return this.#setQuery(rest);
    const command = parseCommand(line);
    switch (command.kind) {
      case 'say':
        return this.query === undefined ? { send: line } : { send: `/msg ${this.query} ${command.text}` };
      case 'join':
      case 'switch': {
        const ended = this.#endQuery();
        return ended === undefined ? { send: line } : { send: line, status: ended };
      }
      case 'help':
        return { send: line, status: clientCommandHelp };
      default:
        return { send: line };
    }
  }

  #reply(text: string): Routed {
    const to = this.lastPrivateFrom;
    if (to === undefined) return { status: 'nobody has sent you a private message yet' };
    if (text === '') return { status: `usage: /r text (answers ${to})` };
    return { send: `/msg ${to} ${text}` };
  }

  #setQuery(rest: string): Routed {
    if (rest === '') {
      return { status: this.#endQuery() ?? 'usage: /query NICK to talk privately with NICK; /query alone to go back to your room' };
    }
    if (!isValidNick(rest)) return { status: `not a nickname: ${rest}` };
    this.query = rest;
    return { status: `plain lines now go to ${rest} as private messages; /query alone ends that` };
  }

  /** Ends private talk; says so if there was any. */
  #endQuery(): string | undefined {
    const nick = this.query;
    if (nick === undefined) return undefined;
    this.query = undefined;
    return `private talk with ${nick} ended; plain lines go to your current room again`;
  }
}
