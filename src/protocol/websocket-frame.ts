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

/** Opcode 0x8 (close) with FIN set. */
const finalCloseFrame = 0x88;
/** A control frame's payload is at most 125 bytes: 2 for the code, the rest for the reason. */
const maxCloseReasonBytes = maxSevenBitLength - 2;

/**
 * An unmasked close frame with status `code` and `reason` (cut to what a control frame holds), written by
 * the worker after its last message to a client so the close follows that message on the same socket.
 */
export function closeFrame(code: number, reason: string): Buffer {
  const reasonBytes = Buffer.from(reason).subarray(0, maxCloseReasonBytes);
  const frame = Buffer.allocUnsafe(4 + reasonBytes.length);
  frame[0] = finalCloseFrame;
  frame[1] = 2 + reasonBytes.length;
  frame.writeUInt16BE(code, 2);
  reasonBytes.copy(frame, 4);
  return frame;
}
