/**
 * What differs between the servers the load tool drives. Everything else (connect ramp, publishing,
 * receive scanning, accounting) is shared, so the generator's own cost is the same for every target.
 */
export type Send = (bytes: Buffer) => void;

export type HandshakeStep = 'pending' | 'ready' | 'failed';

/** What a non-payload line means once the client is ready. */
export type LineVerdict = 'ignore' | 'error' | 'garbled';

export interface SessionContext {
  nick: string;
  room: string;
}

export interface HandshakeSession {
  /** Called once the receive connection is up. */
  start(): void;
  line(buf: Buffer, start: number, end: number): HandshakeStep;
  /** Called periodically until ready, for protocols with no confirmation to wait for. */
  retry(): void;
}

export interface ProtocolAdapter {
  /** Redis: a subscribed connection cannot publish, so publishers open a second one. */
  readonly separatePublishConnection: boolean;
  /** true: a payload is the whole line; false: it ends the line after payloadSeparator (`[room] <nick> payload`). */
  readonly payloadIsWholeLine: boolean;
  /** The byte before a payload that ends a line; a space when absent (IRC's is ':', JSON's '"'). */
  readonly payloadSeparator?: number;
  /**
   * How the client reaches the server: lines over TCP (absent), or WebSocket text frames, each handed to
   * the receive path as one line without its last messageTrailerBytes, and each published frame sent as
   * one message.
   */
  readonly transport?: 'websocket';
  readonly messageTrailerBytes?: number;
  handshake(ctx: SessionContext, send: Send): HandshakeSession;
  controlLine(buf: Buffer, start: number, end: number, send: Send): LineVerdict;
  framePrefix(ctx: SessionContext, size: number): Buffer;
  readonly frameSuffix: Buffer;
}

/** Byte comparison against ASCII text: control lines are checked without allocating a string. */
export function lineStartsWith(buf: Buffer, start: number, end: number, text: string): boolean {
  if (end - start < text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (buf[start + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

export function lineEquals(buf: Buffer, start: number, end: number, text: string): boolean {
  return end - start === text.length && lineStartsWith(buf, start, end, text);
}
