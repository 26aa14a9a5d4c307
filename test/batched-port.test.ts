import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { BatchedPort } from '../src/batched-port.ts';

let channel: MessageChannel;

/** A real channel whose far end records every batch it receives, in order. */
function connect(): { batched: BatchedPort<number>; received: number[][] } {
  channel = new MessageChannel();
  const received: number[][] = [];
  channel.port2.on('message', (batch: number[]) => received.push(batch));
  return { batched: new BatchedPort<number>(channel.port1), received };
}

afterEach(() => {
  channel.port1.close();
  channel.port2.close();
});

describe('BatchedPort over a real MessageChannel', () => {
  test('many sends in one turn arrive as one array, in order', async () => {
    const { batched, received } = connect();
    const sent = Array.from({ length: 1000 }, (_, i) => i);
    for (const value of sent) batched.send(value);
    assert.equal(received.length, 0, 'nothing may be posted before the turn ends');
    await waitForBatches(received, 1);
    await nextTurn();
    assert.deepEqual(received, [sent]);
  });

  test('sends in separate turns arrive as separate batches', async () => {
    const { batched, received } = connect();
    batched.send(1);
    batched.send(2);
    await nextTurn();
    batched.send(3);
    await nextTurn();
    batched.send(4);
    await waitForBatches(received, 3);
    assert.deepEqual(received, [[1, 2], [3], [4]]);
  });
});

async function waitForBatches(received: readonly unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} batches arrived`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
