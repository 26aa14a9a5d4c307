import { lineEquals, lineStartsWith, type ProtocolAdapter } from './protocol-adapter.ts';

/** Lines the tool sends outside the load itself start with '?', which no payload does. */
const toolLinePrefix = '?';

/**
 * The seed server relays raw bytes to every client and confirms nothing. Its accept path does a blocking
 * recv of the client's hello, which may swallow anything sent with it, so readiness is proved by a
 * probe line the client keeps resending until it sees it come back. The hello is a whole line (the seed
 * client's has no newline, but the seed server never relays it) so that a line-based relay such as the
 * naive baseline passes it on as a line of its own instead of gluing it to the next one.
 * Every other line that is not a whole payload is a garbled relay (the server splits at recv(1024)
 * boundaries and interleaves senders).
 */
export const seedAdapter: ProtocolAdapter = {
  separatePublishConnection: false,
  payloadIsWholeLine: true,
  frameSuffix: Buffer.from('\n'),
  framePrefix: () => Buffer.alloc(0),
  handshake({ nick }, send) {
    const probe = `${toolLinePrefix}ready ${nick}`;
    return {
      start: () => send(Buffer.from(`${toolLinePrefix}hello ${nick} connection...\n`)),
      retry: () => send(Buffer.from(`${probe}\n`)),
      line: (buf, start, end) => (lineEquals(buf, start, end, probe) ? 'ready' : 'pending'),
    };
  },
  controlLine: (buf, start, end) => (lineStartsWith(buf, start, end, toolLinePrefix) ? 'ignore' : 'garbled'),
};
