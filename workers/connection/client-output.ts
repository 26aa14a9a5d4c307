// One client's outgoing bytes. Room lines arrive as Buffers shared by every local member (encoded once
// per worker); they wait here until the turn ends, then go out as a single write. When a turn brought
// this client a single chunk, that shared Buffer itself is written: no copy at all.
//
// Keeping up is judged on what the kernel would not take, never on what a turn queued: a burst that
// senders may legally send can owe a client more than maxOutputBytes for a moment, and a client that
// reads takes it. An output left with unsent bytes (socket.writableLength) after its flush joins the
// worker's BacklogWatch, and each tick WriteProgress judges it: over the bound with nothing taken for
// a whole tick is a slow consumer, dropped within two ticks of falling behind; so is one that stays over
// the bound for overBoundGraceMs though it takes some (it reads slower than its rooms talk), and one over
// four times the bound at any tick, which bounds what any client can hold; nothing taken for
// writeStallMs is a stalled reader, however small its backlog.
// "Taken" shows when a socket write completes as a whole, so a client must take a whole write (at most
// one turn's output, or what queued behind the previous write) within the tick or the deadline.
import type { Socket } from 'node:net';
import type { ServerConfig } from '../../src/config.ts';
import type { ConnectionWorkerStats } from '../../src/control-api.ts';
import { endThenDestroy } from '../../src/end-then-destroy.ts';
import { backlogTickMs, type BacklogWatch, type BacklogWatched } from './backlog-watch.ts';
import type { Flushable, WriteBatcher } from './write-batcher.ts';
import { type FallenBehind, WriteProgress } from './write-progress.ts';

export type { FallenBehind };

/**
 * How long a client may stay over maxOutputBytes while it still takes some of it: enough for a reader on
 * a slow link to drain a legal burst, too short for a reader slower than its rooms to pile up much.
 */
const overBoundGraceMs = 1000;

export type OutputCounters = Pick<ConnectionWorkerStats, 'deliveriesOut' | 'bytesOut' | 'socketWrites'>;

export interface OutputContext {
  config: Pick<ServerConfig, 'maxOutputBytes' | 'writeStallMs'>;
  batcher: WriteBatcher;
  backlogWatch: BacklogWatch;
  counters: OutputCounters;
}

export class ClientOutput implements Flushable, BacklogWatched {
  readonly socket: Socket;
  readonly #context: OutputContext;
  readonly #progress: WriteProgress;
  readonly #onFallenBehind: (why: FallenBehind) => void;
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  #open = true;
  /** Bytes handed to socket.write; less socket.writableLength, the bytes the kernel has taken. */
  #written = 0;
  #watched = false;

  constructor(socket: Socket, context: OutputContext, onFallenBehind: (why: FallenBehind) => void) {
    this.socket = socket;
    this.#context = context;
    const { maxOutputBytes, writeStallMs } = context.config;
    this.#progress = new WriteProgress(
      maxOutputBytes,
      Math.ceil(writeStallMs / backlogTickMs),
      Math.ceil(overBoundGraceMs / backlogTickMs),
    );
    this.#onFallenBehind = onFallenBehind;
  }

  /** Queues bytes holding `lines` whole lines (a run of room lines is one Buffer shared by members). */
  write(bytes: Buffer, lines = 1): void {
    if (!this.#open) return;
    if (this.#chunks.length === 0) this.#context.batcher.markDirty(this);
    this.#chunks.push(bytes);
    this.#chunkBytes += bytes.length;
    this.#context.counters.deliveriesOut += lines;
  }

  queuedBytes(): number {
    return this.#chunkBytes + this.socket.writableLength;
  }

  flush(): void {
    if (!this.#open || this.#chunks.length === 0) return;
    const data = this.#takeQueued();
    this.socket.write(data);
    this.#written += data.length;
    if (!this.#watched && this.socket.writableLength > 0) {
      this.#watched = true;
      this.#progress.restart();
      this.#context.backlogWatch.add(this);
    }
  }

  /** The queued chunks as one write (the shared Buffer itself when there is one), counted as such. */
  #takeQueued(): Buffer {
    const data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#chunkBytes);
    this.#chunks = [];
    this.#chunkBytes = 0;
    const { counters } = this.#context;
    counters.bytesOut += data.length;
    counters.socketWrites++;
    return data;
  }

  checkBacklog(): boolean {
    const backlog = this.socket.writableLength;
    if (!this.#open || backlog === 0) return (this.#watched = false);
    const fallenBehind = this.#progress.tick(backlog, this.#written - backlog);
    if (fallenBehind !== undefined) this.#onFallenBehind(fallenBehind);
    return this.#open;
  }

  /**
   * Writes what is queued (or drops it, for a client that is not reading) and `last` in one write, then
   * closes (end-then-destroy.ts): the socket is freed when the peer closes its side, or after graceMs if
   * it will not. Every close of a client goes here.
   */
  end(last: Buffer, graceMs: number, dropQueued = false): void {
    if (!this.#open) return;
    if (dropQueued) {
      this.#chunks = [];
      this.#chunkBytes = 0;
    }
    this.#chunks.push(last);
    this.#chunkBytes += last.length;
    this.#open = false;
    endThenDestroy(this.socket, graceMs, this.#takeQueued());
  }

  /** Stops all output at once, dropping what is queued (the socket is gone). */
  abandon(): void {
    this.#open = false;
    this.#chunks = [];
    this.#chunkBytes = 0;
  }
}
