// The shared-memory ring: records in order across wrap-around, a full ring refusing and then taking a
// record once read, positions that wrap past 2^31, the reader's sleep and the writer's wake-up of it
// only when asleep, and two real threads passing a million ops through a small ring without loss.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { describe, test } from 'node:test';
import { SpscRing } from '../src/spsc-ring.ts';
import type { RingPeerData } from './fixtures/ring-peer-worker.ts';
import { within } from './helpers/wait-until.ts';

/** Writes `text` as one record; false when the ring is full. */
function writeText(ring: SpscRing, text: string): boolean {
  const at = ring.reserve(Buffer.byteLength(text));
  if (at < 0) return false;
  ring.commit(ring.bytes.write(text, at));
  return true;
}

function readTexts(ring: SpscRing): string[] {
  const texts: string[] = [];
  ring.read((at, length) => texts.push(ring.bytes.toString('utf8', at, at + length)));
  return texts;
}

describe('SpscRing', () => {
  test('records of every size come out whole and in order while the positions wrap round the ring many times', () => {
    const ring = new SpscRing(SpscRing.allocate(256));
    const sent: string[] = [];
    const received: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = `${i}-${'x'.repeat((i * 7) % ring.largestPayload)}`.slice(0, ring.largestPayload);
      if (!writeText(ring, text)) {
        ring.publish();
        received.push(...readTexts(ring));
        assert.ok(writeText(ring, text), 'an emptied ring takes any record up to largestPayload');
      }
      sent.push(text);
    }
    ring.publish();
    received.push(...readTexts(ring));
    assert.deepEqual(received, sent);
  });

  test('a full ring refuses a record until the reader frees room; unpublished records are not read', () => {
    const ring = new SpscRing(SpscRing.allocate(64));
    assert.equal(ring.largestPayload, 8);
    for (let i = 0; i < 4; i++) assert.ok(writeText(ring, `rec${i}`), `record ${i} fits`);
    assert.equal(writeText(ring, 'more'), false, 'four 16-byte records fill 64 bytes');
    assert.deepEqual(readTexts(ring), [], 'nothing published yet');
    ring.publish();
    assert.deepEqual(readTexts(ring), ['rec0', 'rec1', 'rec2', 'rec3']);
    assert.ok(writeText(ring, 'more'));
    ring.publish();
    assert.deepEqual(readTexts(ring), ['more']);
  });

  test('positions that pass 2^31 and wrap to negative numbers still count what is in the ring', () => {
    const buffer = SpscRing.allocate(64);
    // The shared fields (spsc-ring.ts): head at Int32 index 0, tail at 16. Start both just below 2^31.
    const shared = new Int32Array(buffer);
    shared[0] = 2 ** 31 - 24;
    shared[16] = 2 ** 31 - 24;
    const ring = new SpscRing(buffer);
    const received: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (!writeText(ring, `r${i}`)) {
        ring.publish();
        received.push(...readTexts(ring));
        assert.ok(writeText(ring, `r${i}`));
      }
    }
    ring.publish();
    received.push(...readTexts(ring));
    assert.ok(shared[0]! < 0, 'the head went past 2^31');
    assert.deepEqual(
      received,
      Array.from({ length: 40 }, (_, i) => `r${i}`),
    );
  });

  test('the writer wakes the reader only when it declared itself asleep, and the wait then resolves', async () => {
    const ring = new SpscRing(SpscRing.allocate(256));
    writeText(ring, 'first');
    assert.equal(ring.publish(), false, 'nobody sleeps: no wake-up');
    assert.deepEqual(readTexts(ring), ['first']);
    writeText(ring, 'while busy');
    assert.equal(ring.publish(), false, 'a reader that has not gone to sleep is not woken');
    assert.deepEqual(readTexts(ring), ['while busy']);

    const woken = ring.waitForRecords();
    assert.equal(ring.readerAsleep, true);
    writeText(ring, 'wake up');
    assert.equal(ring.publish(), true);
    assert.equal(ring.readerAsleep, false);
    await within(woken, 5000, 'the sleeping reader to be woken');
    assert.deepEqual(readTexts(ring), ['wake up']);

    writeText(ring, 'already there');
    ring.publish();
    await within(ring.waitForRecords(), 5000, 'a wait on a ring with records to resolve at once');
    assert.equal(ring.readerAsleep, false, 'a reader that finds records does not sleep');
  });

  test('a writer waiting for room is woken when the reader frees some', async () => {
    const ring = new SpscRing(SpscRing.allocate(64));
    while (writeText(ring, 'fill'));
    ring.publish();
    const room = ring.waitForRoom();
    assert.deepEqual(readTexts(ring), ['fill', 'fill', 'fill', 'fill']);
    await within(room, 5000, 'the writer to be woken');
    assert.ok(writeText(ring, 'again'));
  });

  test('two threads pass a million ops through a 64 KiB ring in order, none lost, rare ones by the port', async () => {
    const ring = SpscRing.allocate(1 << 16);
    const { port1, port2 } = new MessageChannel();
    const count = 1_000_000;
    const peer = (role: RingPeerData['role'], port: typeof port1) => {
      const data: RingPeerData = { role, ring, port, count };
      return new Worker(new URL('./fixtures/ring-peer-worker.ts', import.meta.url), { workerData: data, transferList: [port] });
    };
    const reader = peer('reader', port2);
    const writer = peer('writer', port1);
    try {
      const [{ mostHeld }] = (await within(once(writer, 'message'), 100_000, 'the writer to send every op')) as [{ mostHeld: number }];
      assert.ok(mostHeld > 0, 'the writer outran the reader and held ops while the ring was full');
      const [report] = (await within(once(reader, 'message'), 100_000, 'the reader to receive every op')) as [
        { received: number; mismatch: string | undefined },
      ];
      assert.equal(report.mismatch, undefined);
      assert.equal(report.received, count);
    } finally {
      await Promise.all([reader.terminate(), writer.terminate()]);
    }
  });
});
