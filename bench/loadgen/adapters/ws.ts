import { lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/** `"}` closing a room event, whose last field is its text (src/protocol/websocket-messages.ts). */
const eventTrailerBytes = 2;

/**
 * The browser door (docs/websocket.md): JSON messages, one per WebSocket text frame. `hello` with the
 * nick; everyone starts in lobby and learns it is in a room from its own `join` event; from then on it
 * receives every later event of the room. A client of another room joins it, then parts lobby.
 * Publishing is `{"type":"say","room":…,"text":"payload"}`; a say event ends `"text":"payload"}`, so the
 * message minus its `"}` trailer ends with the payload after a `"`. Each message reaches the shared
 * receive path as one "line" without that trailer (control messages are matched on their start).
 */
export const wsAdapter: ProtocolAdapter = {
  transport: 'websocket',
  messageTrailerBytes: eventTrailerBytes,
  separatePublishConnection: false,
  payloadIsWholeLine: false,
  payloadSeparator: 0x22, // '"'
  frameSuffix: Buffer.from('"}'),
  framePrefix: ({ room }) => Buffer.from(`{"type":"say","room":${JSON.stringify(room)},"text":"`),
  handshake({ nick, room }, send) {
    const joinEvent = (r: string): string => `"type":"event","room":${JSON.stringify(r)}`;
    const ownJoin = (text: string, r: string): boolean =>
      text.includes(joinEvent(r)) && text.includes(`"from":${JSON.stringify(nick)},"kind":"join"`);
    let awaited = 'lobby';
    return {
      start: () => send(Buffer.from(JSON.stringify({ type: 'hello', nick }))),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '{"type":"error"')) return 'failed';
        // Handshake messages only: a string here costs nothing on the delivery path.
        if (!ownJoin(buf.toString('utf8', start, end), awaited)) return 'pending';
        if (awaited === room) {
          if (room !== 'lobby') send(Buffer.from(JSON.stringify({ type: 'part', room: 'lobby' })));
          return 'ready';
        }
        awaited = room;
        send(Buffer.from(JSON.stringify({ type: 'join', room })));
        return 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '{"type":"error"') ? 'error' : 'ignore'),
};
