// The profile summarised per thread role: threads of one role added up, shares of all busy time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadRoles, type ThreadProfile } from '../../bench/macro/cpu-profile.ts';

const thread = (role: string, busyMs: number, idleMs: number): ThreadProfile => ({
  thread: role,
  file: `${role}.cpuprofile`,
  busyMs,
  idleMs,
  top: [],
});

test('connection workers add up into one role; busiest role first', () => {
  const roles = threadRoles([
    thread('main (acceptor)', 100, 900),
    thread('connection worker', 300, 700),
    thread('coordinator', 200, 800),
    thread('connection worker', 400, 600),
  ]);
  assert.deepEqual(
    roles.map((r) => [r.role, r.threads, r.busyMs, r.idleMs, r.share]),
    [
      ['connection worker', 2, 700, 1300, 0.7],
      ['coordinator', 1, 200, 800, 0.2],
      ['main (acceptor)', 1, 100, 900, 0.1],
    ],
  );
});
