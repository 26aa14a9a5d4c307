import net from 'node:net';
import { WebSocket } from 'ws';
import { protocolAdapters } from './adapters/adapter-registry.ts';
import type { HandshakeSession, ProtocolAdapter } from './adapters/protocol-adapter.ts';
import { DeliveryTracker } from './delivery-tracker.ts';
import { LineScanner } from './line-scanner.ts';
import { decodePayload, encodeFrames, encodeFramesAt, makeFrameTemplate, payloadMagic, type FrameTemplate } from './payload-codec.ts';
import type { ShardState } from './shard-state.ts';
import type { ClientSpec, ReceiverResult } from './types.ts';

const space = 0x20;
const checkpointEvery = 256;
/** Room for the longest non-payload line we expect (roomcast help text, NATS INFO). */
const maxControlLineBytes = 16 * 1024;

export type ClientStatus = 'idle' | 'connecting' | 'handshake' | 'ready' | 'failed' | 'closed';

/** Published frames go out as text messages (the browser door refuses binary ones). */
const textMessage = { binary: false };

/**
 * One simulated chat client: a receive connection (and, for Redis publishers, a publish connection),
 * its handshake, and the receive hot path. Every payload line goes through `#onPayload`; nothing on
 * that path allocates. The protocol is its target's: one run may mix doors of one server. A WebSocket
 * client has a WebSocket instead of a socket; each message is one line to the same receive path.
 */
export class SimClient {
  readonly spec: ClientSpec;
  status: ClientStatus = 'idle';
  /** Window mode: messages sent after the last one seen coming back on this client's own connection. */
  inflight = 0;
  lastAckNs = 0;
  nextSeq = 0;
  readonly #state: ShardState;
  readonly #adapter: ProtocolAdapter;
  readonly #payloadSeparator: number;
  readonly #tracker: DeliveryTracker;
  readonly #scanner: LineScanner;
  readonly #session: HandshakeSession;
  readonly #template: FrameTemplate | null;
  readonly #onSettled: (client: SimClient) => void;
  #socket: net.Socket | null = null;
  #publishSocket: net.Socket | null = null;
  #webSocket: WebSocket | null = null;
  #connectStartNs = 0;
  #ackedSeq = 0;

  constructor(spec: ClientSpec, state: ShardState, onSettled: (client: SimClient) => void) {
    const task = state.task;
    this.spec = spec;
    this.#state = state;
    this.#onSettled = onSettled;
    this.#adapter = protocolAdapters[task.targets[spec.target].protocol];
    this.#payloadSeparator = this.#adapter.payloadSeparator ?? space;
    this.#tracker = new DeliveryTracker(task.roomPublisherCount[spec.room], checkpointEvery);
    this.#scanner = new LineScanner(Math.max(maxControlLineBytes, task.size * 4), this.#onLine);
    const ctx = { nick: `${task.nickPrefix}${spec.id}`, room: task.roomNames[spec.room] };
    this.#session = this.#adapter.handshake(ctx, this.#send);
    this.#template =
      spec.publisher < 0
        ? null
        : makeFrameTemplate(this.#adapter.framePrefix(ctx, task.size), this.#adapter.frameSuffix, task.size, spec.publisher);
  }

  connect(): void {
    const { host, port, path } = this.#state.task.targets[this.spec.target];
    this.status = 'connecting';
    this.#connectStartNs = this.#state.now();
    if (this.#adapter.transport === 'websocket') {
      this.#connectWebSocket(`ws://${host}:${port}${path ?? '/'}`);
      return;
    }
    const socket = net.connect({ host, port, noDelay: true });
    this.#socket = socket;
    socket.on('connect', () => {
      this.#state.connected++;
      this.#state.connectTime.recordValue(Math.round((this.#state.now() - this.#connectStartNs) / 1000));
      this.status = 'handshake';
      this.#session.start();
    });
    socket.on('data', (chunk: Buffer) => {
      this.#state.noteChunk();
      this.#scanner.push(chunk);
    });
    socket.on('error', (error) => {
      if (this.status === 'connecting') this.#state.noteConnectError(error);
    });
    socket.on('close', () => this.#lost());
  }

  #connectWebSocket(url: string): void {
    const webSocket = new WebSocket(url, { perMessageDeflate: false });
    this.#webSocket = webSocket;
    const trailerBytes = this.#adapter.messageTrailerBytes ?? 0;
    webSocket.on('open', () => {
      this.#state.connected++;
      this.#state.connectTime.recordValue(Math.round((this.#state.now() - this.#connectStartNs) / 1000));
      this.status = 'handshake';
      this.#session.start();
    });
    webSocket.on('message', (data: Buffer) => {
      this.#state.noteChunk();
      this.#onLine(data, 0, Math.max(0, data.length - trailerBytes));
    });
    webSocket.on('error', (error) => {
      if (this.status === 'connecting') this.#state.noteConnectError(error);
    });
    webSocket.on('close', () => this.#lost());
  }

  retryHandshake(): void {
    if (this.status === 'handshake') this.#session.retry();
  }

  /** Gives up on a client that did not become ready in time. */
  abandon(): void {
    if (this.status !== 'connecting' && this.status !== 'handshake') return;
    this.#state.handshakeFailures++;
    this.#settle('failed');
    this.close();
  }

  /** Bytes queued in user space for the connection this client publishes on. */
  publishBacklogBytes(): number {
    if (this.#webSocket !== null) return this.#webSocket.bufferedAmount;
    return (this.#publishSocket ?? this.#socket)?.writableLength ?? 0;
  }

  /** Window mode: `count` messages stamped with the time they are written. */
  publish(count: number, sentNs: number): void {
    if (this.#template === null || this.status !== 'ready') return;
    if (!this.#write(encodeFrames(this.#template, count, this.nextSeq, sentNs, 0))) return;
    this.#published(count);
    this.#state.notePublished(sentNs, count);
  }

  /** Rate mode: `count` messages, the i-th stamped with its scheduled send time sentNs[i]. */
  publishAt(sentNs: Float64Array, count: number): void {
    if (this.#template === null || this.status !== 'ready') return;
    if (!this.#write(encodeFramesAt(this.#template, count, this.nextSeq, sentNs))) return;
    this.#published(count);
    for (let i = 0; i < count; i++) this.#state.notePublished(sentNs[i], 1);
  }

  #write(frames: Buffer): boolean {
    if (this.#webSocket !== null) {
      const frameBytes = (this.#template as FrameTemplate).bytes.length;
      for (let at = 0; at < frames.length; at += frameBytes) this.#webSocket.send(frames.subarray(at, at + frameBytes), textMessage);
      return true;
    }
    const socket = this.#publishSocket ?? this.#socket;
    if (socket === null) return false;
    socket.write(frames);
    return true;
  }

  #published(count: number): void {
    this.nextSeq += count;
    this.inflight += count;
    this.#state.sentPerPublisher[this.spec.publisher] += count;
  }

  close(): void {
    this.#socket?.destroy();
    this.#publishSocket?.destroy();
    this.#webSocket?.terminate();
  }

  result(): ReceiverResult {
    const t = this.#tracker;
    return {
      room: this.spec.room,
      connected: this.status === 'ready',
      unique: Array.from(t.unique),
      duplicates: t.duplicates,
      reordered: t.reordered,
      checkpoints: t.checkpoints,
    };
  }

  get untrackedGaps(): number {
    return this.#tracker.untrackedGaps;
  }

  get overlongLines(): number {
    return this.#scanner.overlongLines;
  }

  readonly #send = (bytes: Buffer): void => {
    if (this.#webSocket !== null) this.#webSocket.send(bytes, textMessage);
    else this.#socket?.write(bytes);
  };

  readonly #onLine = (buf: Buffer, start: number, end: number): void => {
    const state = this.#state;
    if (this.status !== 'ready') {
      if (this.status === 'handshake') this.#handshakeLine(buf, start, end);
      return;
    }
    const at = end - state.task.size;
    if (
      at >= start &&
      buf[at] === payloadMagic &&
      (this.#adapter.payloadIsWholeLine ? at === start : at > start && buf[at - 1] === this.#payloadSeparator)
    ) {
      if (decodePayload(buf, at, state.decoded)) this.#onPayload();
      else state.garbled++;
      return;
    }
    const verdict = this.#adapter.controlLine(buf, start, end, this.#send);
    if (verdict === 'error') state.noteError(buf, start, end);
    else if (verdict === 'garbled') state.garbled++;
  };

  #onPayload(): void {
    const state = this.#state;
    const task = state.task;
    const { publisher, seq, sentNs } = state.decoded;
    const now = state.chunkNs;
    state.noteDelivery();
    if (publisher >= task.publisherRoom.length) {
      // Not one of ours (the sink's pre-encoded traffic): counted as a delivery, nothing else.
      state.foreign++;
      return;
    }
    if (task.publisherRoom[publisher] !== this.spec.room) {
      state.misrouted++;
      return;
    }
    this.#tracker.accept(task.publisherLocalIndex[publisher], seq);
    state.recordLatency(Math.max(0, Math.floor((now - sentNs) / 1000)));
    // Own echo acknowledges everything sent before it: own messages arrive in order, so an earlier
    // seq still missing was lost (the seed garbles) and must not hold the window shut.
    if (publisher === this.spec.publisher && seq >= this.#ackedSeq) {
      this.#ackedSeq = seq + 1;
      this.inflight = this.nextSeq - this.#ackedSeq;
      this.lastAckNs = now;
      state.afterAck?.();
    }
  }

  #handshakeLine(buf: Buffer, start: number, end: number): void {
    const step = this.#session.line(buf, start, end);
    if (step === 'failed') {
      this.#state.handshakeFailures++;
      this.#state.noteError(buf, start, end);
      this.#settle('failed');
      this.close();
    } else if (step === 'ready') {
      if (this.#template !== null && this.#adapter.separatePublishConnection) this.#connectPublisher();
      else this.#settle('ready');
    }
  }

  #connectPublisher(): void {
    const { host, port } = this.#state.task.targets[this.spec.target];
    const socket = net.connect({ host, port, noDelay: true });
    this.#publishSocket = socket;
    socket.on('connect', () => this.#settle('ready'));
    // Replies (Redis integer counts) carry nothing the tool needs; reading keeps the server unblocked.
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => this.#lost());
  }

  #settle(status: 'ready' | 'failed'): void {
    if (this.status !== 'handshake' && this.status !== 'connecting') return;
    this.status = status;
    if (status === 'ready') {
      this.#state.ready++;
      this.#state.readyTime.recordValue(Math.round((this.#state.now() - this.#connectStartNs) / 1000));
    } else {
      this.#state.failed++;
    }
    this.#onSettled(this);
  }

  #lost(): void {
    // The shard's own shutdown is not a disconnect, and the client's result must still say "connected".
    if (this.#state.closing) return;
    if (this.status === 'ready') {
      this.#state.disconnects++;
      this.status = 'closed';
    } else if (this.status === 'connecting' || this.status === 'handshake') {
      this.#settle('failed');
    }
    this.close();
  }
}
