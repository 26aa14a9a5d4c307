// The report's own Redis and NATS: fresh processes on free loopback ports that answer their protocol and are gone once stopped.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, test } from 'node:test';
import { privateBroker, privateBrokerCommands, stopPrivateBrokers } from '../../bench/macro/private-brokers.ts';
import { waitUntil } from '../helpers/wait-until.ts';

after(() => stopPrivateBrokers());

/** Sends `request` and resolves with what came back once it contains `expect`. */
async function ask(port: number, request: string, expect: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8').on('data', (t: string) => (text += t));
  socket.write(request);
  await waitUntil(
    () => text.includes(expect),
    5000,
    () => `${JSON.stringify(expect)} in ${JSON.stringify(text)}`,
  );
  socket.destroy();
  return text;
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('Redis and NATS start on ports of their own, once, answer, and stop', async () => {
  const [redis, nats] = await Promise.all([privateBroker('redis'), privateBroker('nats')]);
  assert.notEqual(redis.port, 6379);
  assert.notEqual(nats.port, 4222);
  assert.equal((await privateBroker('redis')).pid, redis.pid, 'a second use reuses the running broker');
  assert.match(await ask(redis.port, 'PING\r\n', 'PONG'), /\+PONG/);
  assert.match(await ask(redis.port, 'CONFIG GET appendonly\r\n', 'no'), /appendonly\r\n\$2\r\nno/);
  assert.match(await ask(nats.port, 'CONNECT {"verbose":false}\r\nPING\r\n', 'PONG'), /^INFO /);
  const commands = await privateBrokerCommands();
  assert.ok(commands.some((c) => c.includes(`--port ${redis.port}`) && c.includes("--save ''")));
  assert.ok(commands.some((c) => c.includes(`-p ${nats.port}`)));

  await stopPrivateBrokers();
  assert.equal(redis.alive() || nats.alive(), false);
  assert.equal(running(redis.pid) || running(nats.pid), false);
  assert.deepEqual(await privateBrokerCommands(), []);
});

test('NATS with JetStream is a broker of its own beside plain NATS, with its store in its own directory', async () => {
  const [plain, jetstream] = await Promise.all([privateBroker('nats'), privateBroker('nats', { jetstream: true })]);
  assert.notEqual(plain.pid, jetstream.pid);
  assert.equal((await privateBroker('nats', { jetstream: true })).pid, jetstream.pid);
  assert.match(await ask(jetstream.port, 'CONNECT {"verbose":false}\r\nPING\r\n', 'PONG'), /"jetstream":true/);
  assert.doesNotMatch(await ask(plain.port, 'CONNECT {"verbose":false}\r\nPING\r\n', 'PONG'), /"jetstream":true/);
  assert.ok((await privateBrokerCommands()).some((c) => c.endsWith(`-p ${jetstream.port} -js -sd <temp dir>`)));
  await stopPrivateBrokers();
  assert.equal(running(plain.pid) || running(jetstream.pid), false);
});
