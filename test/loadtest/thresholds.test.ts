import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadReport } from '../../bench/loadtest/report.ts';
import { evaluateChecks, type MaxLoss } from '../../bench/loadtest/thresholds.ts';

interface Shape {
  lost?: number;
  neverDelivered?: number;
  floodErrors?: number;
  ready?: number;
  divergentRooms?: number;
  p99Us?: number;
  deliveriesPerSecond?: number;
  maxLoss?: MaxLoss;
  maxP99Ms?: number;
  minDeliveriesPerSecond?: number;
  /** Error lines the run collected (errors.samples). */
  samples?: string[];
}

/** The fields the checks read, of a run of 10 clients in 2 rooms that published 1,000 messages. */
function report(s: Shape): LoadReport {
  const expected = 5_000;
  const lost = s.lost ?? 0;
  return {
    params: {
      publishers: 2,
      maxLoss: s.maxLoss ?? { kind: 'count', value: 0 },
      maxP99Ms: s.maxP99Ms ?? null,
      minDeliveriesPerSecond: s.minDeliveriesPerSecond ?? null,
    },
    connect: { attempted: 10, ready: s.ready ?? 10 },
    throughput: { deliveriesPerSecond: s.deliveriesPerSecond ?? 2_500 },
    latencyUs: { count: 5_000, p99: s.p99Us ?? 4_000 },
    integrity: {
      published: 1_000,
      expectedDeliveries: expected,
      lost,
      lossRatio: lost / expected,
      duplicates: 0,
      misrouted: 0,
      neverDelivered: s.neverDelivered ?? 0,
    },
    order: { rooms: 2, divergentRooms: s.divergentRooms ?? 0 },
    errors: {
      connectErrors: 0,
      handshakeFailures: 10 - (s.ready ?? 10),
      connectErrorSamples: [],
      samples: s.samples ?? [],
      disconnects: 0,
      floodErrors: s.floodErrors ?? 0,
    },
  } as unknown as LoadReport;
}

const messages = (s: Shape): string[] => evaluateChecks(report(s)).map((f) => `${f.check}: ${f.message}`);

test('a clean run passes every default check', () => {
  assert.deepEqual(messages({}), []);
});

test('any loss fails by default, saying by how much; --max-loss takes a count or a ratio', () => {
  assert.deepEqual(messages({ lost: 3 }), ['loss: 3 of 5,000 deliveries lost (0.060%), over --max-loss 0 by 3']);
  assert.deepEqual(messages({ lost: 3, maxLoss: { kind: 'count', value: 3 } }), []);
  assert.deepEqual(messages({ lost: 50, maxLoss: { kind: 'ratio', value: 0.01 } }), []);
  assert.match(messages({ lost: 60, maxLoss: { kind: 'ratio', value: 0.01 } })[0], /over --max-loss 1% by 10$/);
});

test('throttling is named with the server flags that lift it, and loss that never got in is told apart', () => {
  const failures = messages({ lost: 3_600, neverDelivered: 720, floodErrors: 8 });
  assert.equal(
    failures[0],
    'throttling: the server is throttling publishers (8 flood errors); start it with --flood-messages-per-second 0 --flood-bytes-per-second 0',
  );
  assert.match(
    failures[1],
    /^loss: 3,600 of 5,000 deliveries lost \(72\.000%\).*720 of 1,000 published messages reached no member at all \(dropped on the way in: throttled\)$/,
  );
});

test('clients refused at the door are told which server limit refused them and the flag that lifts it', () => {
  const [connect] = messages({
    ready: 7,
    samples: ['!! CONNECTING_TOO_FAST Your address is connecting more than 10 times a second; wait a moment. Closing.'],
  });
  assert.match(connect!, /3 handshake failures; refused with CONNECTING_TOO_FAST: .* --max-connects-per-ip-per-second 0$/);
  assert.doesNotMatch(messages({ ready: 7, samples: ['!! NICK_TAKEN someone has it'] })[0]!, /refused with/);
});

test('clients that never got ready, divergent order, p99 and deliveries/s thresholds each fail with their margin', () => {
  assert.match(messages({ ready: 7 })[0], /^connect: 3 of 10 clients never became ready/);
  assert.match(messages({ divergentRooms: 1 })[0], /^order: 1 of 2 rooms diverged/);
  assert.deepEqual(messages({ maxP99Ms: 3 }), ['p99: p99 latency 4.00 ms, over --max-p99-ms 3 by 1.00 ms']);
  assert.deepEqual(messages({ maxP99Ms: 5 }), []);
  assert.deepEqual(messages({ minDeliveriesPerSecond: 3_000 }), [
    'deliveries: 2,500 deliveries/s, under --min-deliveries-per-second 3,000 by 500',
  ]);
});
