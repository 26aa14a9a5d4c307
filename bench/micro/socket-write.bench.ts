// Output to one client over a real loopback socket, 64 messages of 64 bytes per event-loop turn: one
// socket.write per message (a syscall each, as a naive server does) against one Buffer.concat'ed write
// per turn (what ClientOutput does) and against cork/uncork (one writev per turn).
import { once } from 'node:events';
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { chatLine } from '../../src/protocol/server-lines.ts';
import type { SuiteFactory } from './micro-suite.ts';
import type { SocketSinkData, SocketSinkMessage } from './socket-sink-worker.ts';

const lineBytes = 64;
const messagesPerTurn = 64;
const turnsPerOp = 16;
const messagesPerOp = messagesPerTurn * turnsPerOp;

const open: SuiteFactory = async () => {
  const data: SocketSinkData = { bytesPerAck: messagesPerOp * lineBytes };
  const sink = new Worker(new URL('./socket-sink-worker.ts', import.meta.url), { workerData: data });
  const [listening] = (await once(sink, 'message')) as [SocketSinkMessage];
  if (listening.type !== 'listening') throw new Error(`socket sink said ${listening.type} before listening`);
  const socket = net.connect(listening.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true); // as the server's sessions do: each write leaves at once

  const padding = lineBytes - chatLine('lobby', 'alice', '').length;
  const turn = Array.from({ length: messagesPerTurn }, (_, i) => Buffer.from(chatLine('lobby', 'alice', String(i).padEnd(padding, '.'))));
  const writeTurns = (writeTurn: () => void) => async () => {
    const ack = once(sink, 'message');
    for (let i = 0; i < turnsPerOp; i++) {
      writeTurn();
      await nextTurn();
    }
    await ack;
  };

  const perMessage = 'write per message';
  return {
    concern: 'socket write',
    tasks: [
      {
        name: perMessage,
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        fn: writeTurns(() => {
          for (const message of turn) socket.write(message);
        }),
      },
      {
        name: 'Buffer.concat per turn',
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        baseline: perMessage,
        fn: writeTurns(() => socket.write(Buffer.concat(turn))),
      },
      {
        name: 'cork/uncork per turn',
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        baseline: perMessage,
        fn: writeTurns(() => {
          socket.cork();
          for (const message of turn) socket.write(message);
          socket.uncork();
        }),
      },
    ],
    async close() {
      socket.destroy();
      await sink.terminate();
    },
  };
};
export default open;
