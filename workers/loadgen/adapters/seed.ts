import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

const probePrefix = '?ready ';

/**
 * The seed server relays raw bytes to every client and confirms nothing. Its accept path does a blocking
 * recv of the client's hello (`NICK connection...`), which may swallow anything sent with it, so
 * readiness is proved by a probe line the client keeps resending until it sees it come back.
 * Every other line that is not a whole payload is a garbled relay (the server splits at recv(1024)
 * boundaries and interleaves senders).
 */
export const seedAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  payloadIsWholeLine: true,
  frameSuffix: Buffer.from('\n'),
  framePrefix: () => Buffer.alloc(0),
  handshake({ nick }, send) {
    const probe = `${probePrefix}${nick}`;
    return {
      start: () => send(Buffer.from(`${nick} connection...`)),
      retry: () => send(Buffer.from(`${probe}\n`)),
      line: (buf, start, end) => (lineEquals(buf, start, end, probe) ? 'ready' : 'pending'),
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, probePrefix) ? 'ignore' : 'garbled'),
};
