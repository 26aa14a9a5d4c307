// One client's outgoing bytes. Room lines arrive as Buffers shared by every local member (encoded once
// per worker); they wait here until the turn ends, then go out as a single write. When a turn brought
// this client a single chunk, that shared Buffer itself is written: no copy at all.
//
// Memory bound: what waits here plus what the socket has not yet handed to the kernel may not exceed
// maxOutputBytes. A client that stops reading hits the bound and is dropped as a slow consumer, so it
// can neither grow the server's memory nor hold anyone else back.
import type { Socket } from 'node:net';
import type { ConnectionWorkerStats } from '../../src/control-api.ts';
import type { WriteBatcher } from './write-batcher.ts';

export type OutputCounters = Pick<ConnectionWorkerStats, 'deliveriesOut' | 'bytesOut' | 'socketWrites'>;

export class ClientOutput {
  readonly socket: Socket;
  readonly #batcher: WriteBatcher;
  readonly #maxOutputBytes: number;
  readonly #counters: OutputCounters;
  readonly #onOverflow: () => void;
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  // socket.writableLength as of the last flush. It only shrinks between flushes, so using it on the hot
  // path can overestimate the backlog but never miss one; an overflow is confirmed with the live value.
  #backlogAtFlush = 0;
  #open = true;

  constructor(socket: Socket, batcher: WriteBatcher, maxOutputBytes: number, counters: OutputCounters, onOverflow: () => void) {
    this.socket = socket;
    this.#batcher = batcher;
    this.#maxOutputBytes = maxOutputBytes;
    this.#counters = counters;
    this.#onOverflow = onOverflow;
  }

  /** Queues bytes holding `lines` whole lines (a run of room lines is one Buffer shared by members). */
  write(bytes: Buffer, lines = 1): void {
    if (!this.#open) return;
    if (this.#chunks.length === 0) this.#batcher.markDirty(this);
    this.#chunks.push(bytes);
    this.#chunkBytes += bytes.length;
    this.#counters.deliveriesOut += lines;
    if (this.#chunkBytes + this.#backlogAtFlush > this.#maxOutputBytes && this.queuedBytes() > this.#maxOutputBytes) {
      this.#onOverflow();
    }
  }

  queuedBytes(): number {
    return this.#chunkBytes + this.socket.writableLength;
  }

  flush(): void {
    if (!this.#open || this.#chunks.length === 0) return;
    const data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#chunkBytes);
    this.#chunks = [];
    this.#chunkBytes = 0;
    this.#counters.bytesOut += data.length;
    this.#counters.socketWrites++;
    this.socket.write(data);
    this.#backlogAtFlush = this.socket.writableLength;
  }

  /** Writes what is queued plus a last line, then closes; a peer that will not read is cut off after graceMs. */
  end(lastLine: string, graceMs: number): void {
    if (!this.#open) return;
    this.#chunks.push(Buffer.from(lastLine));
    this.#chunkBytes += Buffer.byteLength(lastLine);
    this.flush();
    this.#open = false;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }

  /** Stops all output at once, dropping what is queued (the client is unreachable or hostile). */
  abandon(): void {
    this.#open = false;
    this.#chunks = [];
    this.#chunkBytes = 0;
  }
}
