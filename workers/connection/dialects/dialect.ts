// A wire protocol as the connection sees it: bytes in, chat events out, and how runs of room events are
// encoded for it. Each door has one (line-dialect.ts, irc-dialect.ts); the connection worker picks it by
// the door the socket came through, and the connection carries bytes between it, its session and its socket.
import type { ServerConfig } from '../../../src/config.ts';
import type { ChatEvent } from '../chat-event.ts';
import type { ChatSession } from '../chat-session.ts';
import type { RoomEventEncoder, RoomEventFilter } from '../room-line-run.ts';

export interface Dialect {
  /** How this client's runs of room events are encoded: one shared object per protocol (and variant). */
  readonly roomEncoder: RoomEventEncoder;
  /** Which of a run's events this client is to get, when not all (see RoomEventFilter). */
  readonly roomEventFilter?: RoomEventFilter;
  /** Bytes from the client. */
  receive(chunk: Buffer): void;
  /** The session's nick claim is settled (accepted or refused): input that waited for it may go on. */
  nickSettled(): void;
  /** A chat event as this protocol's bytes. */
  encode(event: ChatEvent): Buffer;
  /** For a protocol with keep-alives (IRC's PING): what to send a client that has been silent a while. */
  readonly ping?: () => Buffer;
  /** The last event before the connection closes, when the protocol closes with more than it (WebSocket's close frame). */
  encodeLast?(event: ChatEvent): Buffer;
}

/** What a dialect needs from its connection besides the session. */
export interface DialectHost {
  /** A whole line was read: true if it is to be handled (the flood guard may drop it, or close the connection). */
  admit(lineBytes: number): boolean;
  show(event: ChatEvent): void;
  /** Bytes the dialect made itself (replies no chat event stands for), queued like any output. */
  write(bytes: Buffer): void;
  /** Closes the connection after `bytes` (a client that leaves before it has a session). */
  endWith(bytes: Buffer): void;
  /** The dialect's roomEncoder changed (an IRC client's capabilities decide how its room lines look). */
  roomEncoderChanged(): void;
  /** Runs a handler the dialect was called back on (not receive): a bug met there costs this connection, never the worker. */
  guard(handler: () => void): void;
}

export type DialectFactory = (session: ChatSession, host: DialectHost, config: ServerConfig) => Dialect;
