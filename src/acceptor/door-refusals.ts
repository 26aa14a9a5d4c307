// What a client refused before its handoff is told, in its door's protocol: the line protocol's
// `!! CODE sentence`, IRC's `ERROR :Closing link: sentence`, or a plain HTTP 503 with the sentence. Made
// once at start-up (the limits they quote are fixed), so a storm of refusals formats nothing.
import type { ServerConfig } from '../config.ts';
import { type ErrorArgs, errorLine, errorSentence } from '../protocol/errors.ts';
import { ircErrorReply } from '../protocol/irc/irc-error-replies.ts';
import type { Door } from '../thread-messages.ts';
import type { RefusalCode } from './supervisor.ts';

export type DoorRefusals = Readonly<Record<Door, Readonly<Record<RefusalCode, string>>>>;

/** The one HTTP response a refused browser gets: 503, the sentence as text, and a close. */
export function httpRefusal(sentence: string): string {
  const body = `${sentence}\n`;
  return [
    'HTTP/1.1 503 Service Unavailable',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function doorRefusals(config: ServerConfig): DoorRefusals {
  const args: { readonly [C in RefusalCode]: ErrorArgs<C> } = {
    SERVER_UNAVAILABLE: [],
    SERVER_FULL: [],
    CONNECTING_TOO_FAST: [config.maxConnectsPerIpPerSecond],
    TOO_MANY_CONNECTIONS: [config.maxConnectionsPerIp],
  };
  const codes = Object.keys(args) as RefusalCode[];
  const each = (text: <C extends RefusalCode>(code: C, ...a: ErrorArgs<C>) => string) =>
    Object.fromEntries(codes.map((code) => [code, text(code, ...(args[code] as ErrorArgs<typeof code>))])) as Record<RefusalCode, string>;
  return {
    line: each(errorLine),
    irc: each((code, ...a) => ircErrorReply({ target: '*', command: '*' }, code, ...a)),
    http: each((code, ...a) => httpRefusal(errorSentence(code, ...a))),
  };
}
