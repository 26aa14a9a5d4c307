// Issue 9's targets from per-round figures: paired bars, the cheaper broker per round, stalls, and issue 3's leftovers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestPerRound, checkTargets, type TargetCheck } from '../../bench/macro/targets.ts';
import { summary } from './report-fixtures.ts';

const roomcast = ['roomcast-w1', 'roomcast-w2', 'roomcast-w4'];
const only = (checks: TargetCheck[], prefix: string, server: string): TargetCheck => {
  const found = checks.filter((c) => c.target.startsWith(prefix) && c.server === server);
  assert.equal(found.length, 1, `one check "${prefix}" for ${server}: ${JSON.stringify(checks.map((c) => c.target))}`);
  return found[0];
};

test('2 workers against coalescing and 4 against 2: paired medians against 0.85× and 0.9×, with margins', () => {
  const rows = [1, 6].flatMap((scenario) => [
    summary(scenario, 'coalescing', [{ deliveriesPerCpuSecond: 10 }, { deliveriesPerCpuSecond: 20 }, { deliveriesPerCpuSecond: 10 }]),
    summary(scenario, 'roomcast-w2', [{ deliveriesPerCpuSecond: 9 }, { deliveriesPerCpuSecond: 16 }, { deliveriesPerCpuSecond: 8 }]),
    summary(scenario, 'roomcast-w4', [{ deliveriesPerCpuSecond: 9 }, { deliveriesPerCpuSecond: 12 }, { deliveriesPerCpuSecond: 8 }]),
  ]);
  const checks = checkTargets(rows, [], roomcast);
  const vsCoalescing = only(checks, 'S1 deliveries per server CPU-s ≥ 0.85×', 'roomcast-w2');
  assert.equal(vsCoalescing.met, false); // rounds 0.9, 0.8, 0.8: median 0.8
  assert.equal(vsCoalescing.measured, '0.80× (0.90, 0.80, 0.80) coalescing');
  assert.ok(Math.abs((vsCoalescing.margin ?? 0) - (0.8 / 0.85 - 1)) < 1e-9);
  const fourVsTwo = only(checks, 'S6 deliveries per server CPU-s with 4 workers', 'roomcast-w4');
  assert.equal(fourVsTwo.met, true); // rounds 1, 0.75, 1: median 1
  assert.equal(fourVsTwo.issue, 9);
});

test("open-loop p99 against Redis's in the same round, at every worker count", () => {
  const rows = [
    summary(7, 'redis', [{ p99Ms: 10 }, { p99Ms: 30 }]),
    summary(7, 'nats', [{ p99Ms: 1 }, { p99Ms: 1 }]),
    summary(7, 'roomcast-w1', [{ p99Ms: 5 }, { p99Ms: 20 }]),
    summary(7, 'roomcast-w4', [{ p99Ms: 20 }, { p99Ms: 40 }]),
  ];
  const checks = checkTargets(rows, [], roomcast);
  assert.equal(only(checks, 'S7 p99', 'roomcast-w1').met, true); // Redis ÷ roomcast: 2, 1.5
  const w4 = only(checks, 'S7 p99', 'roomcast-w4');
  assert.equal(w4.met, false); // 0.5, 0.75
  assert.equal(w4.measured, '0.63× (0.50, 0.75) redis');
  assert.equal(
    checks.some((c) => c.target.startsWith('S7') && c.server === 'roomcast-w2'),
    false,
  );
});

test('scenario 3 CPU: against the cheaper broker of each round', () => {
  const redis = summary(3, 'redis', [{ serverCores: 0.2 }, { serverCores: 0.5 }, { serverCores: 0.2 }]);
  const nats = summary(3, 'nats', [{ serverCores: 0.6 }, { serverCores: 0.3 }, { serverCores: 0.7 }]);
  assert.deepEqual(bestPerRound([redis, nats], (r) => r.serverCores, true).servers, ['redis', 'nats', 'redis']);
  const mine = summary(3, 'roomcast-w2', [{ serverCores: 0.25 }, { serverCores: 0.3 }, { serverCores: 0.1 }]);
  const check = only(checkTargets([redis, nats, mine], [], roomcast), 'S3 server CPU-s', 'roomcast-w2');
  assert.equal(check.measured, '1.00× (0.80, 1.00, 2.00) best per round: redis, nats, redis');
  assert.equal(check.met, true);
});

test('stalls: every run of every scenario, offenders listed by scenario and round', () => {
  const rows = [
    summary(1, 'roomcast-w1', [
      { p99Ms: 10, maxMs: 40 },
      { p99Ms: 10, maxMs: 60 },
    ]),
    summary(3, 'roomcast-w1', [
      { p99Ms: 2, maxMs: 9 },
      { p99Ms: 2, maxMs: 9 },
    ]),
    summary(1, 'roomcast-w2', [{ p99Ms: 10, maxMs: 25 }]),
  ];
  const checks = checkTargets(rows, [], roomcast);
  const w1 = only(checks, 'no stalls', 'roomcast-w1');
  assert.equal(w1.met, false);
  assert.equal(w1.measured, '1 of 4 runs over: S1 round 2 (max 60.0 ms = 6.0× p99 10.0 ms)');
  assert.ok(Math.abs((w1.margin ?? 0) - (5 / 6 - 1)) < 1e-9);
  const w2 = only(checks, 'no stalls', 'roomcast-w2');
  assert.equal(w2.met, true);
  assert.equal(w2.margin, 1);
});

test("issue 3's bars are paired against the better broker of each round; naive only where it ran", () => {
  const rows = [
    summary(2, 'nats', [{ deliveriesPerSecond: 100 }, { deliveriesPerSecond: 50 }]),
    summary(2, 'redis', [{ deliveriesPerSecond: 80 }, { deliveriesPerSecond: 90 }]),
    summary(2, 'roomcast-w1', [{ deliveriesPerSecond: 300 }, { deliveriesPerSecond: 90 }]),
  ];
  const checks = checkTargets(rows, [], roomcast);
  const dps = only(checks, 'S2 deliveries/s ≥ 2×', 'roomcast-w1');
  assert.equal(dps.measured, '2.00× (3.00, 1.00) best per round: nats, redis');
  assert.equal(dps.met, true);
  assert.equal(dps.issue, 3);
  assert.equal(
    checks.some((c) => c.target.includes('naive')),
    false,
  );
  assert.equal(
    checks.some((c) => c.target.includes('0.5× single-thread coalescing') || c.target.startsWith('S3 p99')),
    false,
  );
});
