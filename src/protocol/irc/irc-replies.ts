// Server lines that are neither numerics nor chat: the answer to PING, and ERROR before closing.
import { serializeIrcMessage } from './irc-message.ts';
import { numericLine } from './irc-numerics.ts';
import { ircServerName } from './irc-server-identity.ts';

/** PONG with the client's token, which it matches against its PING; ERR_NOORIGIN for a PING without one. */
export function pongLine(pingParams: readonly string[], target: string): string {
  const token = pingParams[0];
  if (token === undefined || token === '') return numericLine('ERR_NOORIGIN', target);
  return serializeIrcMessage({ source: ircServerName, command: 'PONG', params: [ircServerName, token] });
}

/** The last line before the server closes a connection, whatever the reason (the spec's ERROR). */
export function closingLine(reason: string): string {
  return serializeIrcMessage({ command: 'ERROR', params: [`Closing link: ${reason}`] });
}
