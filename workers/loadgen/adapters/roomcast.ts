import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/**
 * docs/protocol.md: first line is the nick; ready once the client has seen its own join notice for its
 * room (from that notice on it receives every later message of the room).
 */
export const roomcastAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  payloadIsWholeLine: false,
  frameSuffix: Buffer.from('\n'),
  framePrefix: () => Buffer.alloc(0),
  handshake({ nick, room }, send) {
    let awaited = `[lobby] -- ${nick} joined`;
    return {
      start: () => send(Buffer.from(`${nick}\n`)),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '!! ')) return 'failed';
        if (!lineEquals(buf, start, end, awaited)) return 'pending';
        const joined = `[${room}] -- ${nick} joined`;
        if (awaited === joined) return 'ready';
        awaited = joined;
        send(Buffer.from(`/join ${room}\n`));
        return 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '!! ') ? 'error' : 'ignore'),
};
