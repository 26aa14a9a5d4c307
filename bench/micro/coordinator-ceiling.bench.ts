// The pure Coordinator's ceiling (no thread, no ports): room lines sequenced, kept in history and
// forwarded once per worker with members, for the room shapes of bench/coordinator-ceiling/. What one
// core can do at most if posting and receiving cost nothing; the thread around it is measured by
// `npm run bench:coordinator`. Time per say here is CPU per say: it all runs on this one thread.
import { pino } from 'pino';
import { populate, type RoomShape, roomShapes, shapeConfig } from '../coordinator-ceiling/room-shapes.ts';
import type { CoordinatorOp } from '../../src/thread-messages.ts';
import { Coordinator } from '../../workers/coordinator/coordinator.ts';
import type { MicroTask, SuiteFactory } from './micro-suite.ts';

const saysPerOp = 1024;

function ceilingTask(shape: RoomShape): MicroTask {
  // One outbox per worker, emptied once per call as BatchedPort empties it once per turn.
  const outboxes = Array.from({ length: shape.workers }, (): CoordinatorOp[] => []);
  const coordinator = new Coordinator(shapeConfig, (workerId, op) => outboxes[workerId]!.push(op), pino({ level: 'silent' }));
  const { hellos, says } = populate(shape, saysPerOp / shape.workers);
  hellos.forEach((ops, worker) => {
    for (const op of ops) coordinator.handle(worker, op);
  });
  return {
    name: shape.name,
    unit: 'says',
    unitsPerOp: saysPerOp,
    fn: () => {
      for (const outbox of outboxes) outbox.length = 0;
      says.forEach((ops, worker) => {
        for (const op of ops) coordinator.handle(worker, op);
      });
    },
  };
}

const open: SuiteFactory = async () => ({ concern: 'coordinator ceiling (pure)', tasks: roomShapes.map(ceilingTask) });
export default open;
