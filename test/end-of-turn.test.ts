import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { BatchedPort } from '../src/batched-port.ts';
import { EndOfTurn } from '../src/end-of-turn.ts';
import { WriteBatcher } from '../workers/connection/write-batcher.ts';

/** An EndOfTurn on the real setImmediate that counts how many it scheduled. */
function countingEndOfTurn(): { turn: EndOfTurn; scheduled: () => number } {
  let scheduled = 0;
  const turn = new EndOfTurn((run) => {
    scheduled++;
    return setImmediate(run);
  });
  return { turn, scheduled: () => scheduled };
}

test('one setImmediate per turn however many registrations, and none for a turn without any', async () => {
  const { turn, scheduled } = countingEndOfTurn();
  let runs = 0;
  for (let i = 0; i < 1000; i++) turn.add(i % 2 === 0 ? 'outputs' : 'posts', () => runs++);
  assert.equal(runs, 0, 'nothing runs before the turn ends');
  await nextTurn();
  assert.equal(runs, 1000);
  assert.equal(scheduled(), 1);
  await nextTurn();
  assert.equal(scheduled(), 1, 'an empty turn schedules nothing');
  turn.add('room-lines', () => runs++);
  await nextTurn();
  assert.equal(runs, 1001);
  assert.equal(scheduled(), 2);
});

test('phases run in order, room lines, then outputs, then posts, whatever the order of registration', async () => {
  const { turn, scheduled } = countingEndOfTurn();
  const ran: string[] = [];
  turn.add('posts', () => ran.push('post a'));
  turn.add('outputs', () => ran.push('output a'));
  turn.add('room-lines', () => {
    ran.push('room lines');
    // Handing out room lines queues output: it is written in this very pass.
    turn.add('outputs', () => ran.push('output from room lines'));
  });
  turn.add('posts', () => ran.push('post b'));
  await nextTurn();
  assert.deepEqual(ran, ['room lines', 'output a', 'output from room lines', 'post a', 'post b']);
  assert.equal(scheduled(), 1);
});

test('a task for a phase already done this pass waits for the next turn', async () => {
  const { turn, scheduled } = countingEndOfTurn();
  const ran: string[] = [];
  turn.add('posts', () => {
    ran.push('post');
    turn.add('room-lines', () => ran.push('late room lines'));
  });
  await nextTurn();
  assert.deepEqual(ran, ['post']);
  await nextTurn();
  assert.deepEqual(ran, ['post', 'late room lines']);
  assert.equal(scheduled(), 2);
});

test('a turn that writes output and posts a batch schedules one setImmediate, and writes before it posts', async () => {
  const { turn, scheduled } = countingEndOfTurn();
  const { port1, port2 } = new MessageChannel();
  try {
    const order: string[] = [];
    const post = port1.postMessage.bind(port1);
    port1.postMessage = (value: unknown) => {
      order.push('posted');
      post(value);
    };
    const port = new BatchedPort<number>(port1, turn);
    const batcher = new WriteBatcher(turn);
    const received = once(port2, 'message');
    port.send(1);
    batcher.markDirty({ flush: () => order.push('written') });
    port.send(2);
    batcher.markDirty({ flush: () => order.push('written') });
    const [batch] = await received;
    assert.deepEqual(batch, [1, 2]);
    assert.deepEqual(order, ['written', 'written', 'posted']);
    assert.equal(scheduled(), 1);
  } finally {
    port1.close();
    port2.close();
  }
});
