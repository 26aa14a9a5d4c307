// Server-to-client WebSocket text frames (RFC 6455 §5.2), built by hand so the browser door can keep the
// worker's hot path: a run of room events is encoded once, as frames, and the same Buffer is written to
// every WebSocket member of the room, as the line dialect writes one Buffer of lines (room-line-run.ts).
// Frames a server sends are never masked, so one copy fits every client. Reading frames (masked, with
// control frames and fragmentation) is left to the ws package.

/** Opcode 0x1 (text) with FIN set: a whole message in one frame. */
const finalTextFrame = 0x81;
const maxSevenBitLength = 125;
const sixteenBitLength = 126;
const sixtyFourBitLength = 127;

/** One unfragmented, unmasked text frame carrying `payload` as UTF-8. */
export function textFrame(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const headerBytes = length <= maxSevenBitLength ? 2 : length <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = finalTextFrame;
  if (headerBytes === 2) frame[1] = length;
  else if (headerBytes === 4) {
    frame[1] = sixteenBitLength;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = sixtyFourBitLength;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(payload, headerBytes, 'utf8');
  return frame;
}
