import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SequencedEvent } from '../src/bus/bus.ts';
import { BusRoomFeed, type FeedStep } from '../workers/coordinator/bus-room-feed.ts';

/** A room's events as a bus numbers them: increasing, not contiguous (other rooms interleave, as on NATS). */
function busEvents(seqs: number[], epoch = 'e1'): SequencedEvent[] {
  return seqs.map((seq, i) => ({
    room: 'dev',
    epoch,
    seq,
    prevSeq: i === 0 ? 0 : seqs[i - 1]!,
    kind: 'say',
    nick: 'alice',
    text: `line ${seq}`,
    timeMs: 0,
    node: 'n1',
    connectionId: 1,
  }));
}

/** Runs a feed as the coordinator does: gaps are filled from the bus's kept events (`kept`). */
function play(feed: BusRoomFeed, arrivals: SequencedEvent[], kept: SequencedEvent[]): number[] {
  const delivered: number[] = [];
  let filling = false;
  const apply = (step: FeedStep): void => {
    if (step.kind === 'deliver') delivered.push(...step.events.map((event) => event.seq));
    else if (step.kind === 'gap') {
      if (filling) return;
      // As the coordinator's fill: read the open gaps; if that brings nothing new, the bus no longer has them.
      filling = true;
      for (let gap = feed.nextGap(); gap !== undefined; gap = feed.nextGap()) {
        const before = feed.lastDelivered;
        for (const event of kept.filter((e) => e.seq >= gap!.fromSeq && e.seq <= gap!.toSeq)) apply(feed.accept(event));
        if (feed.lastDelivered === before) delivered.push(...feed.skipGap().map((event) => event.seq));
      }
      filling = false;
    } else throw new Error('unexpected reset');
  };
  for (const event of arrivals) apply(feed.accept(event));
  return delivered;
}

test('lost, repeated and reordered live events still come out in the bus order, each once', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 120 }),
      (rawSeqs, noise) => {
        const events = busEvents([...rawSeqs].sort((a, b) => a - b));
        // The live feed: each event dropped, repeated or moved a little, as the noise says.
        const arrivals: SequencedEvent[] = [];
        events.forEach((event, i) => {
          const n = noise[i] ?? 0;
          if (n % 5 === 0) return;
          arrivals.push(event);
          if (n % 7 === 0) arrivals.push(event);
          if (n % 3 === 0 && arrivals.length > 1) arrivals.splice(arrivals.length - 2, 0, arrivals.pop()!);
        });
        const delivered = play(new BusRoomFeed(undefined, 1_000), arrivals, events);
        const last = arrivals.reduce((max, event) => Math.max(max, event.seq), 0);
        assert.deepEqual(
          delivered,
          events.filter((event) => event.seq <= last).map((event) => event.seq),
        );
      },
    ),
  );
});

test('a gap the bus no longer holds is skipped, never reordered', () => {
  const events = busEvents([3, 4, 5, 6, 7, 8]);
  const feed = new BusRoomFeed({ epoch: 'e1', seq: 2 }, 100);
  // Only 7 and 8 are live; the bus has trimmed all but 6..8.
  assert.deepEqual(play(feed, events.slice(4), events.slice(3)), [6, 7, 8]);
});

test('starts after the position it was seeded with; earlier events are repeats', () => {
  const events = busEvents([1, 2, 3, 4]);
  const feed = new BusRoomFeed({ epoch: 'e1', seq: 2 }, 100);
  assert.deepEqual(play(feed, events, events), [3, 4]);
});

test('an event of another epoch asks for a reset', () => {
  const feed = new BusRoomFeed({ epoch: 'e1', seq: 2 }, 100);
  assert.deepEqual(feed.accept(busEvents([1], 'e2')[0]!), { kind: 'reset' });
});

test('waiting is bounded: past the bound the oldest waiting event goes next', () => {
  const feed = new BusRoomFeed({ epoch: 'e1', seq: 1 }, 2);
  const events = busEvents([1, 2, 3, 4, 5, 6]);
  assert.equal(feed.accept(events[3]!).kind, 'gap');
  assert.equal(feed.accept(events[4]!).kind, 'gap');
  const step = feed.accept(events[5]!);
  assert.deepEqual(step.kind === 'deliver' && step.events.map((event) => event.seq), [4, 5, 6]);
});
