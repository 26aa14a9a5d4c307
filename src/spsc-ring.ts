// A single-producer, single-consumer byte ring in a SharedArrayBuffer: one thread writes variable-length
// records, one other thread reads them, with no copy through the structured clone and no message per
// batch. Exactly one writer thread and one reader thread may use a ring; both construct an SpscRing on
// the same buffer.
//
// Positions are free-running 32-bit counters (a position's place in the data is `position & mask`), so
// `head - tail` is what is in the ring even after the counters wrap. A record is an 8-byte header (its
// payload's length) and the payload, padded to 8 bytes so every header and payload is 8-aligned (a
// codec may use Int32Array and Float64Array views). A record never wraps: when it does not fit before
// the end, a pad header (-1) fills the rest and the record starts at 0.
//
// The writer writes records in place and makes them visible with one store of `head` (publish), so a
// reader sees whole batches. Sleep and wake-up: a reader with nothing to read sets `readerSleeping`,
// checks `head` once more and waits on the flag (Atomics.waitAsync); a writer that publishes swaps the
// flag back and notifies only if it was set, so a reader that is busy is never woken. The same goes
// the other way for a writer waiting for room (`writerWaiting`). All four fields are read and written
// with Atomics (sequentially consistent), which is what makes "set flag, re-check" on one side and
// "store position, swap flag" on the other lose no wake-up.

/** Int32 indices of the shared fields, 64 bytes apart so each side's field sits in its own cache line. */
const headIndex = 0;
const tailIndex = 16;
const readerSleepingIndex = 32;
const writerWaitingIndex = 48;
const headerBytes = 256;
const recordHeaderBytes = 8;
const padRecord = -1;

const align8 = (bytes: number): number => (bytes + 7) & ~7;

export class SpscRing {
  /** Allocates a ring's buffer: `capacityBytes` of records (a power of two, at least 64) plus the shared fields. */
  static allocate(capacityBytes: number): SharedArrayBuffer {
    if (capacityBytes < 64 || (capacityBytes & (capacityBytes - 1)) !== 0 || capacityBytes > 2 ** 30) {
      throw new RangeError('a ring holds a power of two bytes, 64 to 1 GiB');
    }
    return new SharedArrayBuffer(headerBytes + capacityBytes);
  }

  readonly capacity: number;
  /** The largest payload a record may have: a quarter of the ring, so one record never fills it alone. */
  readonly largestPayload: number;
  /** The records, for a codec to write (between reserve and commit) and read (in read's visitor). */
  readonly bytes: Buffer;
  readonly int32: Int32Array;
  readonly float64: Float64Array;
  readonly #shared: Int32Array;
  readonly #mask: number;
  /** The writer's head, published by publish(); and the tail as last seen by the writer. */
  #head: number;
  #seenTail: number;
  /** Where reserve() put the record being written. */
  #recordAt = -1;

  constructor(buffer: SharedArrayBuffer) {
    this.capacity = buffer.byteLength - headerBytes;
    this.largestPayload = this.capacity / 4 - recordHeaderBytes;
    this.#mask = this.capacity - 1;
    this.#shared = new Int32Array(buffer, 0, headerBytes / 4);
    this.bytes = Buffer.from(buffer, headerBytes, this.capacity);
    this.int32 = new Int32Array(buffer, headerBytes, this.capacity / 4);
    this.float64 = new Float64Array(buffer, headerBytes, this.capacity / 8);
    this.#head = Atomics.load(this.#shared, headIndex);
    this.#seenTail = Atomics.load(this.#shared, tailIndex);
  }

  // ── writer side ──

  /**
   * Makes room for a record of at most `payloadBytes` (at most largestPayload); returns the byte offset
   * of its payload in `bytes`, or -1 when the ring is too full (the writer holds the record and retries
   * after waitForRoom). Every reserve that succeeds is followed by exactly one commit.
   */
  reserve(payloadBytes: number): number {
    const size = recordHeaderBytes + align8(payloadBytes);
    let at = this.#head & this.#mask;
    const beforeEnd = this.capacity - at;
    const needed = size > beforeEnd ? beforeEnd + size : size;
    if (((this.#head - this.#seenTail) | 0) + needed > this.capacity) {
      this.#seenTail = Atomics.load(this.#shared, tailIndex);
      if (((this.#head - this.#seenTail) | 0) + needed > this.capacity) return -1;
    }
    if (size > beforeEnd) {
      this.int32[at >> 2] = padRecord;
      this.#head = (this.#head + beforeEnd) | 0;
      at = 0;
    }
    this.#recordAt = at;
    return at + recordHeaderBytes;
  }

  /** Ends the record reserve() began: its payload is `payloadBytes` long (at most what was reserved). */
  commit(payloadBytes: number): void {
    this.int32[this.#recordAt >> 2] = payloadBytes;
    this.#head = (this.#head + recordHeaderBytes + align8(payloadBytes)) | 0;
  }

  /** Makes every committed record visible to the reader, and wakes it if it sleeps; says whether it did. */
  publish(): boolean {
    Atomics.store(this.#shared, headIndex, this.#head);
    if (Atomics.exchange(this.#shared, readerSleepingIndex, 0) === 0) return false;
    Atomics.notify(this.#shared, readerSleepingIndex);
    return true;
  }

  /** Whether the reader has declared itself asleep (waitForRecords) and no publish has woken it yet. */
  get readerAsleep(): boolean {
    return Atomics.load(this.#shared, readerSleepingIndex) === 1;
  }

  /** Resolves once the reader has freed room since this call (at once if it already has, or on wakeAll). */
  waitForRoom(): Promise<unknown> {
    Atomics.store(this.#shared, writerWaitingIndex, 1);
    if (Atomics.load(this.#shared, tailIndex) !== this.#seenTail) {
      Atomics.store(this.#shared, writerWaitingIndex, 0);
      return Promise.resolve();
    }
    return waitWhileOne(this.#shared, writerWaitingIndex);
  }

  // ── reader side ──

  /**
   * Hands `visit` each published record in order (the payload's offset in `bytes` and its length), then
   * frees them all at once; returns how many there were. The payload may be read only during its visit.
   */
  read(visit: (at: number, length: number) => void): number {
    const start = Atomics.load(this.#shared, tailIndex);
    let tail = start;
    const head = Atomics.load(this.#shared, headIndex);
    let records = 0;
    while (tail !== head) {
      const at = tail & this.#mask;
      const length = this.int32[at >> 2]!;
      if (length === padRecord) {
        tail = (tail + this.capacity - at) | 0;
        continue;
      }
      visit(at + recordHeaderBytes, length);
      tail = (tail + recordHeaderBytes + align8(length)) | 0;
      records++;
    }
    if (tail === start) return 0;
    Atomics.store(this.#shared, tailIndex, tail);
    if (Atomics.exchange(this.#shared, writerWaitingIndex, 0) === 1) Atomics.notify(this.#shared, writerWaitingIndex);
    return records;
  }

  /** Resolves once the writer has published since this call (at once if it already has, or on wakeAll). */
  waitForRecords(): Promise<unknown> {
    Atomics.store(this.#shared, readerSleepingIndex, 1);
    if (Atomics.load(this.#shared, headIndex) !== Atomics.load(this.#shared, tailIndex)) {
      Atomics.store(this.#shared, readerSleepingIndex, 0);
      return Promise.resolve();
    }
    return waitWhileOne(this.#shared, readerSleepingIndex);
  }

  /** Releases this thread's waits on the ring (its owner is closing it). */
  wakeAll(): void {
    Atomics.store(this.#shared, readerSleepingIndex, 0);
    Atomics.store(this.#shared, writerWaitingIndex, 0);
    Atomics.notify(this.#shared, readerSleepingIndex);
    Atomics.notify(this.#shared, writerWaitingIndex);
  }
}

function waitWhileOne(shared: Int32Array, index: number): Promise<unknown> {
  const wait = Atomics.waitAsync(shared, index, 1);
  return wait.async ? wait.value : Promise.resolve();
}
