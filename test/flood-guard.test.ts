// FloodGuard with a clock parameter: what a listing costs, and the bytes of its answer charged to the
// asker after the fact (the buckets go into debt, and later lines wait until it is repaid).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyCost, listMembersCost, listRoomsCost } from '../src/protocol/command-cost.ts';
import { FloodGuard, type FloodVerdict } from '../src/protocol/flood-guard.ts';

const limits = { floodMessagesPerSecond: 50, floodBytesPerSecond: 64 * 1024 };
const burst = 2 * limits.floodMessagesPerSecond;

/** Sends one line per ms from `startMs` on, charging each accepted one `extra` tokens; counts the accepted. */
function acceptedIn(guard: FloodGuard, startMs: number, lines: number, extra: number, answerBytes = 0): number {
  let accepted = 0;
  for (let i = 0; i < lines; i++) {
    const verdict: FloodVerdict = guard.check(10, startMs + i);
    if (verdict !== 'accept') continue;
    accepted++;
    guard.charge(extra, answerBytes, startMs + i);
  }
  return accepted;
}

describe('command costs', () => {
  test('a listing costs several chat lines; /history in proportion to the lines asked for', () => {
    assert.ok(listRoomsCost > 1 && listMembersCost > 1);
    assert.equal(historyCost(100), 11);
    assert.equal(historyCost(10), 2);
    assert.equal(historyCost(1), 2);
  });
});

describe('FloodGuard', () => {
  test('chat lines: the burst, then the rate', () => {
    const guard = new FloodGuard(limits, 0);
    const accepted = acceptedIn(guard, 0, 1000, 0);
    assert.ok(Math.abs(accepted - (burst + limits.floodMessagesPerSecond)) <= 1, `${accepted}: the burst, and a second's inflow`);
  });

  test('a /history 100 storm gets a cost-th of the lines through, burst and rate alike', () => {
    const guard = new FloodGuard(limits, 0);
    const cost = historyCost(100);
    // The first line of a burst is always admitted; its cost is then owed. Within the burst, the
    // admitted lines cost at most the burst plus one line's debt.
    const inBurst = acceptedIn(guard, 0, 200, cost - 1);
    assert.ok(inBurst <= Math.ceil(burst / cost) + 1, `${inBurst} admitted in the first 200 ms`);
    // Steady state over ten seconds: the rate divided by the cost.
    const steady = acceptedIn(guard, 200, 10_000, cost - 1);
    const expected = (10 * limits.floodMessagesPerSecond) / cost;
    assert.ok(Math.abs(steady - expected) <= 2, `${steady} admitted in 10 s, expected about ${expected}`);
  });

  test('while in debt a plain line is dropped, and accepted again once the debt is repaid', () => {
    const guard = new FloodGuard(limits, 0);
    guard.charge(burst + 10, 0, 0); // more than the bucket held: 10 tokens of debt, at 50 per second
    assert.equal(guard.check(10, 1), 'drop-and-warn');
    assert.equal(guard.check(10, 150), 'drop', '7.5 tokens have flowed in, still in debt');
    assert.equal(guard.check(10, 230), 'accept', 'repaid after 200 ms, one token in hand');
  });

  test('amplification: answer bytes are charged to the asker and throttle it', () => {
    const guard = new FloodGuard(limits, 0);
    const answerBytes = 8 * 1024;
    // Cheap to ask (no extra tokens) but each answer is 8 KiB: the byte budget (64 KiB/s, 128 KiB of
    // burst) lets about 8 answers a second through, not the 50 lines a second the message rate would.
    const accepted = acceptedIn(guard, 0, 10_000, 0, answerBytes);
    const expected = (128 * 1024 + 10 * 64 * 1024) / answerBytes;
    assert.ok(Math.abs(accepted - expected) <= 2, `${accepted} accepted in 10 s, expected about ${expected}`);
  });

  test('one huge charge costs at most one burst of debt', () => {
    const guard = new FloodGuard(limits, 0);
    guard.charge(1_000_000, 0, 0);
    // From -burst to one token at 50 per second: 2 s and 20 ms.
    assert.equal(guard.check(10, 2010), 'drop-and-warn');
    assert.equal(guard.check(10, 2030), 'accept');
  });

  test('flood control off: charges are ignored', () => {
    const guard = new FloodGuard({ floodMessagesPerSecond: 0, floodBytesPerSecond: 0 }, 0);
    guard.charge(1_000_000, 1_000_000, 0);
    assert.equal(guard.check(10, 0), 'accept');
  });
});
