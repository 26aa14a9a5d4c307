// The doors' ports read from roomcast's start-up line (src/main.ts), so every door can listen on port 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doorPorts } from '../../bench/macro/door-ports.ts';

test('IRC and HTTP ports from the start-up line; undefined for a door that is off', () => {
  const line = (doors: string): string =>
    `{"msg":"roomcast listening on 127.0.0.1:4000 (line protocol)${doors} with 2 connection workers (pid 1, Node v26.10.0)"}\n`;
  assert.deepEqual(doorPorts(line(', TLS on 127.0.0.1:4001, IRC on 127.0.0.1:4002, HTTP on ::1:4003')), { irc: 4002, http: 4003 });
  assert.deepEqual(doorPorts(line(', HTTP on 127.0.0.1:4003')), { irc: undefined, http: 4003 });
  assert.deepEqual(doorPorts(line('')), { irc: undefined, http: undefined });
});
