import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/**
 * Redis pub/sub over RESP; a room is a channel. Ready when the `subscribe` confirmation arrives.
 * Pushes are `*3 $7 message $n channel $len payload`: every line but the payload is skipped by the shared
 * scanner. Publishers pipeline PUBLISH on a second connection (a subscribed one cannot publish);
 * its integer replies are not read.
 */
export const redisAdapter: ProtocolAdapter = {
  separatePublishConnection: true,
  payloadIsWholeLine: true,
  frameSuffix: Buffer.from('\r\n'),
  framePrefix: ({ room }, size) => Buffer.from(`*3\r\n${bulk('PUBLISH')}${bulk(room)}$${size}\r\n`),
  handshake({ room }, send) {
    return {
      start: () => send(Buffer.from(`*2\r\n${bulk('SUBSCRIBE')}${bulk(room)}`)),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '-')) return 'failed';
        return lineEquals(buf, start, end, 'subscribe') ? 'ready' : 'pending';
      },
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, '-') ? 'error' : 'ignore'),
};
