import { lineStartsWith, type ProtocolAdapter, type Send } from './protocol-adapter.ts';

const colon = 0x3a;
const space = 0x20;

/** `PING token` answered with `PONG token` (the server pings a silent client). */
function answerPing(buf: Buffer, start: number, end: number, send: Send): boolean {
  if (!lineStartsWith(buf, start, end, 'PING ')) return false;
  send(Buffer.concat([Buffer.from('PONG '), buf.subarray(start + 5, end), Buffer.from('\r\n')]));
  return true;
}

/** `ERROR …`, or a numeric reply 4xx/5xx (`:server 433 nick …`): the server refused something. */
function isErrorLine(buf: Buffer, start: number, end: number): boolean {
  if (lineStartsWith(buf, start, end, 'ERROR')) return true;
  if (buf[start] !== colon) return false;
  const sp = buf.indexOf(space, start);
  if (sp < 0 || sp + 4 >= end || buf[sp + 4] !== space) return false;
  const first = buf[sp + 1];
  return first === 0x34 || first === 0x35;
}

/**
 * The IRC door (README's IRC section): CAP REQ :echo-message before registering, so a publisher's own
 * PRIVMSG comes back as `:nick!nick@host PRIVMSG #room payload` and is its window ack like everyone
 * else's delivery. Everyone starts in #lobby; ready once RPL_ENDOFNAMES (366) for the client's room has
 * arrived (from its join on it receives every later message of the room). A client of another room
 * then parts #lobby, as the line adapter does, to keep connect runs free of O(clients²) JOIN lines.
 */
export const ircAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  // The payload (no space, no leading ':') is a last parameter roomcast writes without the ':'
  // (`:nick!nick@host PRIVMSG #room ~0000…`), so a space comes before it, as in the line protocol.
  payloadIsWholeLine: false,
  frameSuffix: Buffer.from('\r\n'),
  framePrefix: ({ room }) => Buffer.from(`PRIVMSG #${room} :`),
  handshake({ nick, room }, send) {
    let awaited = ` 366 ${nick} #lobby `;
    return {
      start: () => send(Buffer.from(`CAP REQ :echo-message\r\nNICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nCAP END\r\n`)),
      retry: () => {},
      line(buf, start, end) {
        if (isErrorLine(buf, start, end)) return 'failed';
        if (answerPing(buf, start, end, send)) return 'pending';
        // Handshake lines only: a string here costs nothing on the delivery path.
        if (!buf.toString('latin1', start, end).includes(awaited)) return 'pending';
        const joined = ` 366 ${nick} #${room} `;
        if (awaited === joined) {
          if (room !== 'lobby') send(Buffer.from('PART #lobby\r\n'));
          return 'ready';
        }
        awaited = joined;
        send(Buffer.from(`JOIN #${room}\r\n`));
        return 'pending';
      },
    };
  },
  controlLine(buf, start, end, send) {
    if (answerPing(buf, start, end, send)) return 'ignore';
    return isErrorLine(buf, start, end) ? 'error' : 'ignore';
  },
};
