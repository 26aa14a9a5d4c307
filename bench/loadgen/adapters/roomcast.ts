import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/**
 * docs/protocol.md: the first line is `NICK #ROOM`, which starts the client in its room without passing
 * through the lobby (a run on a shared server never shows in the lobby, and connects do not send a join
 * notice to every earlier client there). Ready once the client has seen its own join notice for its room:
 * from that notice on it receives every later message of the room.
 */
export const roomcastAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  payloadIsWholeLine: false,
  frameSuffix: Buffer.from('\n'),
  framePrefix: () => Buffer.alloc(0),
  handshake({ nick, room }, send) {
    const joined = `[${room}] -- ${nick} joined`;
    return {
      start: () => send(Buffer.from(`${nick} #${room}\n`)),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '!! ')) return 'failed';
        return lineEquals(buf, start, end, joined) ? 'ready' : 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '!! ') ? 'error' : 'ignore'),
};
