// Credit flow control's pure parts: the sender's window with its high and low water marks, the
// receiver's lazy acknowledgements, and how listings and answers are weighed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Acknowledger,
  ackEveryUnits,
  coordinatorOpWeight,
  coordinatorToWorkerWindow,
  FlowWindow,
  workerOpWeight,
  workerToCoordinatorWindow,
} from '../src/flow-window.ts';
import { historyCost, listRoomsCost } from '../src/protocol/command-cost.ts';
import type { PackedRoomEvent } from '../src/thread-messages.ts';

describe('FlowWindow', () => {
  test('over past the high water mark, back under at the low one, once each way', () => {
    const changes: boolean[] = [];
    const window = new FlowWindow(1000, 300, (over) => changes.push(over));
    window.sent(1000);
    assert.deepEqual(changes, [], 'at the high water mark is not over it');
    window.sent(1);
    window.sent(50);
    assert.deepEqual(changes, [true]);
    window.acknowledged(700);
    assert.equal(window.inFlight, 351);
    assert.deepEqual(changes, [true], 'still above the low water mark');
    window.acknowledged(51);
    assert.deepEqual(changes, [true, false]);
    window.sent(10);
    window.acknowledged(10);
    assert.deepEqual(changes, [true, false], 'no change below the high water mark');
    assert.equal(window.peak, 1051);
  });

  test('the peak is the most ever in flight, seen at the next acknowledgement', () => {
    const window = new FlowWindow(1000, 300, () => {});
    window.sent(200);
    window.sent(200);
    window.acknowledged(300);
    window.sent(250);
    window.acknowledged(350);
    assert.equal(window.peak, 400);
  });

  test('the marks must leave room for lazy acknowledgements', () => {
    assert.throws(() => new FlowWindow(1000, ackEveryUnits - 1, () => {}), RangeError);
    assert.throws(() => new FlowWindow(300, 300, () => {}), RangeError);
    for (const { highWater, lowWater } of [workerToCoordinatorWindow, coordinatorToWorkerWindow]) {
      assert.doesNotThrow(() => new FlowWindow(highWater, lowWater, () => {}));
    }
  });

  test('a paused sender resumes once the receiver has handled everything, whatever stays unacknowledged', () => {
    const changes: boolean[] = [];
    const window = new FlowWindow(1000, 300, (over) => changes.push(over));
    const receiver = new Acknowledger();
    let sent = 0;
    for (; sent < 1234; sent += 7) window.sent(7);
    for (let handled = 0; handled < sent; handled += 7) {
      const due = receiver.handled(7);
      if (due > 0) window.acknowledged(due);
    }
    assert.deepEqual(changes, [true, false]);
    assert.ok(window.inFlight < ackEveryUnits);
  });
});

describe('Acknowledger', () => {
  test('acknowledges once at least ackEveryUnits are handled, all of them at once', () => {
    const receiver = new Acknowledger();
    assert.equal(receiver.handled(ackEveryUnits - 1), 0);
    assert.equal(receiver.handled(10), ackEveryUnits + 9);
    assert.equal(receiver.handled(1), 0);
  });
});

describe('weights', () => {
  test('a listing weighs its flood cost; an answer (or replayed history) one unit and one per KiB', () => {
    assert.equal(workerOpWeight({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'x' }), 1);
    assert.equal(workerOpWeight({ type: 'list-rooms', connectionId: 1 }), listRoomsCost);
    assert.equal(workerOpWeight({ type: 'history', connectionId: 1, room: 'lobby', count: 100 }), historyCost(100));
    const event = (text: string): PackedRoomEvent => ['lobby', 1, 'say', 'alice', text, 0];
    assert.equal(coordinatorOpWeight({ type: 'deliver', event: event('x'.repeat(4000)) }), 1);
    // 200 nicks of 24 characters and their commas: 5,200 characters, 5 whole KiB.
    const nicks = Array.from({ length: 200 }, (_, i) => `n${String(i).padStart(23, '0')}`);
    assert.equal(
      coordinatorOpWeight({ type: 'answer', connectionId: 1, listing: { kind: 'members', room: 'lobby', nicks, more: 0 } }),
      1 + 5,
    );
    // 100 replayed lines of 5 + 5 + 50 characters, with their times about 9,200: 8 whole KiB.
    const events = Array.from({ length: 100 }, () => event('x'.repeat(50)));
    assert.equal(coordinatorOpWeight({ type: 'history', connectionId: 1, room: 'lobby', events }), 1 + 8);
  });
});
