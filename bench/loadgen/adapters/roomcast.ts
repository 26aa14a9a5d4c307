import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/**
 * docs/protocol.md: first line is the nick; ready once the client has seen its own join notice for its
 * room (from that notice on it receives every later message of the room). A client of another room then
 * parts the lobby, where every client starts: otherwise each connect would send a join notice to every
 * earlier client, O(clients²) lines that swamp a connection-capacity run.
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
        if (awaited === joined) {
          if (room !== 'lobby') send(Buffer.from('/part lobby\n'));
          return 'ready';
        }
        awaited = joined;
        send(Buffer.from(`/join ${room}\n`));
        return 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '!! ') ? 'error' : 'ignore'),
};
