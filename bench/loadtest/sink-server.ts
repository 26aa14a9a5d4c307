/**
 * The load tool's own capacity: a roomcast-protocol server that does no broadcast work. It answers the
 * nick handshake (`NICK #ROOM` or `NICK`), then streams one pre-encoded block of chat lines to every
 * client as fast as the socket drains, ignoring input. The lines carry publisher id maxPublisherId, which the tool never assigns, so it
 * scans and decodes each one and counts it as a delivery ("foreign"), but skips order/loss tracking and
 * latency for it. Run the tool with --publishers 0 against it:
 *
 *   node bench/loadtest/sink-server.ts --port 9996 &
 *   npm run loadtest -- --target 127.0.0.1:9996 --publishers 0 --clients 200
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { maxPublisherId, writePayloadTemplate, stampPayload } from '../loadgen/payload-codec.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9996' },
    size: { type: 'string', default: '64' },
    'block-lines': { type: 'string', default: '1024' },
  },
});
const size = Number(values.size);
const blockLines = Number(values['block-lines']);
/** Keep this much queued per socket so the kernel buffer never runs dry between event-loop turns. */
const queuedBytesTarget = 256 * 1024;

function encodeBlock(): Buffer {
  const prefix = Buffer.from('[lobby] <sink> ');
  const lineBytes = prefix.length + size + 1;
  const block = Buffer.alloc(lineBytes * blockLines);
  for (let i = 0; i < blockLines; i++) {
    const at = i * lineBytes;
    prefix.copy(block, at);
    writePayloadTemplate(block, at + prefix.length, size, maxPublisherId);
    stampPayload(block, at + prefix.length, i, 0);
    block[at + lineBytes - 1] = 0x0a;
  }
  return block;
}

const block = encodeBlock();

function stream(socket: net.Socket): void {
  while (!socket.destroyed && socket.writableLength < queuedBytesTarget) socket.write(block);
}

const server = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.write('-- Welcome to the roomcast sink. Choose a nickname:\n');
  let input = '';
  const onNick = (chunk: Buffer): void => {
    input += chunk.toString('latin1');
    const lf = input.indexOf('\n');
    if (lf === -1) return;
    // `NICK #ROOM` (docs/protocol.md) starts the client in ROOM, as the load tool asks; `NICK` in the lobby.
    const [nick, roomWord] = input.slice(0, lf).trim().split(/\s+/);
    const room = roomWord?.startsWith('#') ? roomWord.slice(1) : 'lobby';
    socket.off('data', onNick);
    socket.resume();
    socket.write(`-- Hello ${nick}. You are in ${room}.\n[${room}] -- ${nick} joined\n`);
    socket.on('drain', () => stream(socket));
    stream(socket);
  };
  socket.on('data', onNick);
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  console.log(`sink server listening on ${address.address}:${address.port}`);
});
