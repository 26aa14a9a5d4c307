// One IRC message, parsed from a client's line and serialised for one, per the modern IRC client
// protocol (modern.ircdocs.horse) with IRCv3 message tags:
//
//   [@tag=value;tag2 ][:source ]COMMAND param param :trailing param with spaces
//
// Parsing is total: any bytes give a message or an error value, never an exception, so a client's bad
// line costs it an error reply at most. Serialising trusts its caller for structure (a command and
// middle parameters the server chose) and throws on misuse, but neutralises CR, LF and NUL in any
// parameter or tag value: free text from other users can never end a line early and smuggle a command.
import { isUtf8 } from 'node:buffer';
import { truncateUtf8 } from './utf8-split.ts';

export interface IrcMessage {
  /** IRCv3 tags, unescaped. A tag sent without a value (`@draft/typing`) has the value ''. */
  readonly tags: ReadonlyMap<string, string>;
  /** The prefix without its ':' (`nick!user@host` or a server name); clients' own are ignored by servers. */
  readonly source: string | undefined;
  /** Upper-cased: commands are case-insensitive. Letters, or a three-digit numeric. */
  readonly command: string;
  readonly params: readonly string[];
}

/** What a serialiser takes: a message whose tags and source may be left out. */
export interface IrcMessageInit {
  readonly tags?: ReadonlyMap<string, string>;
  readonly source?: string | undefined;
  readonly command: string;
  readonly params?: readonly string[];
}

/** Bytes of a message without its tags, CR LF included (RFC 1459 §2.3, kept by the modern spec). */
export const maxMessageBytes = 512;
/** Bytes of the tag section, its leading '@' and trailing space included (IRCv3 message-tags). */
export const maxTagSectionBytes = 8191;
/**
 * The longest line a client may send, without its CR LF: what the door's LineFramer should accept. A
 * longer line is over a limit whatever its split between tags and body (answered with ERR_INPUTTOOLONG).
 */
export const maxIrcLineBytes = maxTagSectionBytes + maxMessageBytes - 2;

export type IrcParseError =
  /** An empty line (or one of spaces only): the spec says to ignore it silently. */
  | 'empty'
  /** NUL, CR or LF inside the line (a framer cuts at LF and removes a final CR). */
  | 'forbidden-character'
  /** More than maxMessageBytes without the tags: answered with ERR_INPUTTOOLONG. */
  | 'too-long'
  | 'tags-too-long'
  | 'bad-encoding'
  | 'bad-tag'
  /** No command, or one that is neither letters nor three digits. */
  | 'bad-command';

export type IrcParseResult = { readonly ok: true; readonly message: IrcMessage } | { readonly ok: false; readonly error: IrcParseError };

const space = 0x20;
const commandPattern = /^(?:[A-Za-z]+|[0-9]{3})$/;
// `+` marks a client-only tag; the optional vendor is a host name followed by '/'.
const tagKeyPattern = /^\+?(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;

const fail = (error: IrcParseError): IrcParseResult => ({ ok: false, error });

/** Parses one line, without its line ending (as src/protocol/line-framer.ts hands it over). */
export function parseIrcMessage(line: Uint8Array): IrcParseResult {
  const bytes = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  if (bytes.length === 0) return fail('empty');
  if (bytes.includes(0) || bytes.includes(13) || bytes.includes(10)) return fail('forbidden-character');
  let bodyStart = 0;
  let tags: ReadonlyMap<string, string> = noTags;
  if (bytes[0] === 0x40 /* @ */) {
    const tagsEnd = bytes.indexOf(space);
    if (tagsEnd === -1) return fail('bad-command');
    // +1: the space after the tags counts towards their limit.
    if (tagsEnd + 1 > maxTagSectionBytes) return fail('tags-too-long');
    const tagText = bytes.subarray(1, tagsEnd);
    if (!isUtf8(tagText)) return fail('bad-encoding');
    const parsed = parseTags(tagText.toString('utf8'));
    if (parsed === undefined) return fail('bad-tag');
    tags = parsed;
    bodyStart = tagsEnd + 1;
  }
  while (bytes[bodyStart] === space) bodyStart++;
  if (bodyStart === bytes.length && tags === noTags) return fail('empty');
  // The framer took the CR LF off: the limit is 2 bytes less here.
  if (bytes.length - bodyStart > maxMessageBytes - 2) return fail('too-long');
  const body = bytes.subarray(bodyStart);
  if (!isUtf8(body)) return fail('bad-encoding');
  return parseBody(body.toString('utf8'), tags);
}

const noTags: ReadonlyMap<string, string> = new Map();

function parseBody(text: string, tags: ReadonlyMap<string, string>): IrcParseResult {
  let position = 0;
  // The next space-delimited word, skipping the spaces after it (the spec allows runs of them).
  const word = (): string => {
    let end = text.indexOf(' ', position);
    if (end === -1) end = text.length;
    const found = text.slice(position, end);
    position = end;
    while (text[position] === ' ') position++;
    return found;
  };
  const source = text.startsWith(':') ? word().slice(1) : undefined;
  const command = word();
  if (!commandPattern.test(command)) return fail('bad-command');
  const params: string[] = [];
  while (position < text.length) {
    if (text[position] === ':') {
      params.push(text.slice(position + 1));
      break;
    }
    params.push(word());
  }
  return { ok: true, message: { tags, source: source === '' ? undefined : source, command: command.toUpperCase(), params } };
}

/** Tags by key (a repeated key keeps its last value), or undefined if a key is malformed. */
function parseTags(text: string): Map<string, string> | undefined {
  const tags = new Map<string, string>();
  for (const tag of text.split(';')) {
    if (tag === '') continue;
    const equals = tag.indexOf('=');
    const key = equals === -1 ? tag : tag.slice(0, equals);
    if (!tagKeyPattern.test(key)) return undefined;
    tags.set(key, equals === -1 ? '' : unescapeTagValue(tag.slice(equals + 1)));
  }
  return tags;
}

const escapes: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

/** `\:` `\s` `\\` `\r` `\n` as the spec says; any other escaped character stands for itself, and a lone final `\` is dropped. */
function unescapeTagValue(value: string): string {
  return value.replace(/\\(.?)/gs, (_, char: string) => escapes[char] ?? char);
}

const escapedCharacters = /[; \\\r\n]/g;
const escapeOf: Record<string, string> = { ';': '\\:', ' ': '\\s', '\\': '\\\\', '\r': '\\r', '\n': '\\n' };

function escapeTagValue(value: string): string {
  // NUL has no escape: it cannot travel in a tag, so it goes.
  return value.replaceAll('\0', '').replace(escapedCharacters, (char) => escapeOf[char]!);
}

// CR, LF and NUL end or corrupt a line wherever they appear; in free text they become U+FFFD, as
// src/protocol/text.ts shows other controls.
const lineBreakers = /[\r\n\0]+/g;
const lineBreaker = /[\r\n\0]/;

function isMiddleParam(param: string): boolean {
  return param !== '' && !param.startsWith(':') && !param.includes(' ');
}

/**
 * The message as a line, CR LF included. A last parameter that would not fit the 512-byte limit is cut
 * at a character boundary (callers that must not lose text split it first: see splitUtf8). Throws on a
 * malformed command, source, tag key or middle parameter — the server's own mistakes, never a client's.
 */
export function serializeIrcMessage(message: IrcMessageInit): string {
  const { tags, source, command, params = [] } = message;
  if (!commandPattern.test(command)) throw new TypeError(`not an IRC command: ${JSON.stringify(command)}`);
  let tagSection = '';
  if (tags !== undefined && tags.size > 0) {
    const parts: string[] = [];
    for (const [key, value] of tags) {
      if (!tagKeyPattern.test(key)) throw new TypeError(`not an IRC tag key: ${JSON.stringify(key)}`);
      const escaped = escapeTagValue(value);
      parts.push(escaped === '' ? key : `${key}=${escaped}`);
    }
    tagSection = `@${parts.join(';')} `;
    if (Buffer.byteLength(tagSection) > maxTagSectionBytes) throw new RangeError(`IRC tags over ${maxTagSectionBytes} bytes`);
  }
  if (source !== undefined && (source === '' || /[\s\0]/.test(source))) throw new TypeError(`not an IRC source: ${JSON.stringify(source)}`);
  let head = source === undefined ? command : `:${source} ${command}`;
  const last = params.length - 1;
  for (let index = 0; index < last; index++) {
    const param = params[index]!;
    if (!isMiddleParam(param) || lineBreaker.test(param)) throw new TypeError(`not a middle IRC parameter: ${JSON.stringify(param)}`);
    head += ` ${param}`;
  }
  if (last === -1) return `${tagSection}${fitHead(head)}\r\n`;
  const trailing = params[last]!.replace(lineBreakers, '\uFFFD');
  const room = maxMessageBytes - 2 - Buffer.byteLength(fitHead(head));
  const tail = isMiddleParam(trailing) ? ` ${trailing}` : ` :${trailing}`;
  if (Buffer.byteLength(tail) <= room) return `${tagSection}${head}${tail}\r\n`;
  // Too long: cut the text, which then always takes the ':' form (a cut word may be followed by nothing).
  if (room < 2) throw new RangeError(`IRC message over ${maxMessageBytes} bytes before its last parameter: ${head.slice(0, 64)}`);
  return `${tagSection}${head} :${truncateUtf8(trailing, room - 2)}\r\n`;
}

/** The head (source, command, middle parameters), which must fit on its own: it is the server's own structure. */
function fitHead(head: string): string {
  if (Buffer.byteLength(head) > maxMessageBytes - 2)
    throw new RangeError(`IRC message over ${maxMessageBytes} bytes: ${head.slice(0, 64)}`);
  return head;
}
