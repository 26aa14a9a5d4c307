// A load run on a shared server stays out of the lobby: its clients start in the run's own rooms (line and
// WebSocket doors name the room at hello), so a person in the lobby sees nothing of it; --room lobby is
// the one way to load the lobby, and then the person sees the run's clients come.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doorPorts } from '../../bench/macro/door-ports.ts';
import { spawnServer } from '../../harness/server-process.ts';
import { LineClient } from '../helpers/line-client.ts';
import { runLoadtest } from '../helpers/loadtest-run.ts';

/** Says something in the lobby and waits for it to come back: every lobby line sequenced before it has arrived. */
async function lobbyBarrier(person: LineClient, text: string): Promise<void> {
  person.send(text);
  await person.waitFor((line) => line === `[lobby] <person> ${text}`);
}

test("a run's clients never show in the lobby unless --room lobby asks for it", { timeout: 90_000 }, async () => {
  const server = await spawnServer(['--workers', '2', '--flood-messages-per-second', '0', '--flood-bytes-per-second', '0']);
  const { http } = doorPorts(server.output());
  const person = await LineClient.joined(server.port, 'person');
  const fromRun = (): string[] => person.lines.filter((line) => /\blt[0-9a-z]+_\d+\b/.test(line));
  const run = (...args: string[]) =>
    runLoadtest([
      ...['--target', `127.0.0.1:${server.port}`, '--target', `ws://127.0.0.1:${http}/ws`],
      ...['--clients', '12', '--publishers', '2', '--rate', '100', '--duration', '0.5', '--warmup', '0.2', '--threads', '1', '--quiet'],
      ...args,
    ]);
  try {
    for (const rooms of [
      ['--rooms', '1'],
      ['--rooms', '3'],
    ]) {
      const result = await run(...rooms);
      assert.equal(result.code, 0, result.stderr);
      await lobbyBarrier(person, `after ${rooms.join(' ')}`);
      assert.deepEqual(fromRun(), [], `nothing of the run with ${rooms.join(' ')} in the lobby`);
    }
    const inLobby = await run('--room', 'lobby');
    assert.equal(inLobby.code, 0, inLobby.stderr);
    await lobbyBarrier(person, 'after --room lobby');
    assert.equal(fromRun().filter((line) => line.endsWith(' joined')).length, 12, 'with --room lobby the person sees the 12 clients join');
  } finally {
    person.close();
    await server.stop();
  }
});
