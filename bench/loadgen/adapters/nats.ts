import { lineEquals, lineStartsWith, type ProtocolAdapter, type Send } from './protocol-adapter.ts';

const pong = Buffer.from('PONG\r\n');

function answerPing(buf: Buffer, start: number, end: number, send: Send): boolean {
  if (!lineEquals(buf, start, end, 'PING')) return false;
  send(pong);
  return true;
}

/**
 * NATS text protocol; a room is a subject. Ready when the PONG answering the PING sent after SUB arrives:
 * the server handles a connection's commands in order, so the subscription is in place by then.
 * `MSG subject sid len` header lines are skipped by the shared scanner; the payload line that follows
 * is found like any other.
 */
export const natsAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  payloadIsWholeLine: true,
  frameSuffix: Buffer.from('\r\n'),
  framePrefix: ({ room }, size) => Buffer.from(`PUB ${room} ${size}\r\n`),
  handshake({ room }, send) {
    return {
      start: () => send(Buffer.from(`CONNECT {"verbose":false,"pedantic":false,"echo":true}\r\nSUB ${room} 1\r\nPING\r\n`)),
      retry: () => {},
      line(buf, start, end) {
        if (lineStartsWith(buf, start, end, '-ERR')) return 'failed';
        if (answerPing(buf, start, end, send)) return 'pending';
        return lineEquals(buf, start, end, 'PONG') ? 'ready' : 'pending';
      },
    };
  },
  controlLine(buf, start, end, send) {
    if (lineStartsWith(buf, start, end, '-ERR')) return 'error';
    answerPing(buf, start, end, send);
    return 'ignore';
  },
};
