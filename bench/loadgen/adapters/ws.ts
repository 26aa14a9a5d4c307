import { lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/** `"}` closing a room event, whose last field is its text (src/protocol/websocket-messages.ts). */
const eventTrailerBytes = 2;

/**
 * The browser door (docs/websocket.md): JSON messages, one per WebSocket text frame. `hello` with the
 * nick and the client's room, so it starts there and never passes through the lobby; it learns it is in
 * the room from its own `join` event, and from then on receives every later event of the room.
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
    const joinEvent = `"type":"event","room":${JSON.stringify(room)}`;
    const ownJoin = `"from":${JSON.stringify(nick)},"kind":"join"`;
    return {
      start: () => send(Buffer.from(JSON.stringify({ type: 'hello', nick, room }))),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '{"type":"error"')) return 'failed';
        // Handshake messages only: a string here costs nothing on the delivery path.
        const text = buf.toString('utf8', start, end);
        return text.includes(joinEvent) && text.includes(ownJoin) ? 'ready' : 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '{"type":"error"') ? 'error' : 'ignore'),
};
