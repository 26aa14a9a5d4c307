// Coordinator.handle of room lines: sequencing, history and one forward per interested worker. The cost
// should grow with the number of workers that have members in the room, not with the number of members.
import { pino } from 'pino';
import { defaultConfig } from '../../src/config.ts';
import type { CoordinatorOp, WorkerOp } from '../../src/thread-messages.ts';
import { Coordinator } from '../../workers/coordinator/coordinator.ts';
import type { MicroTask, SuiteFactory } from './micro-suite.ts';

const saysPerOp = 256;
const membersPerWorker = 50;
const workerCounts = [1, 4, 16];

function routingTask(workers: number): MicroTask {
  // One outbox per worker, emptied once per call as BatchedPort empties it once per turn.
  const outboxes = Array.from({ length: workers }, (): CoordinatorOp[] => []);
  const coordinator = new Coordinator(defaultConfig, (workerId, op) => outboxes[workerId]!.push(op), pino({ level: 'silent' }));
  let connectionId = 0;
  for (let worker = 0; worker < workers; worker++) {
    for (let member = 0; member < membersPerWorker; member++) {
      connectionId++;
      coordinator.handle(worker, { type: 'hello', connectionId, nick: `u${connectionId}`, room: 'lobby', address: '127.0.0.1' });
    }
  }
  const says: Extract<WorkerOp, { type: 'say' }>[] = Array.from({ length: saysPerOp }, (_, i) => ({
    type: 'say',
    connectionId: 1,
    room: 'lobby',
    kind: 'say',
    text: `message ${i}`,
  }));
  return {
    name: `${workers} worker${workers === 1 ? '' : 's'} × ${membersPerWorker} members`,
    unit: 'says',
    unitsPerOp: saysPerOp,
    baseline: workers === 1 ? undefined : `1 worker × ${membersPerWorker} members`,
    fn: () => {
      for (const outbox of outboxes) outbox.length = 0;
      for (const say of says) coordinator.handle(0, say);
    },
  };
}

const open: SuiteFactory = async () => ({ concern: 'coordinator routing', tasks: workerCounts.map(routingTask) });
export default open;
