// The periodic `--stats-interval-ms` line: whole-server totals, then each thread's load, as key=value
// pairs so tools (the soak, tests) can read them.
import type { ConnectionWorkerStats, ServerStats } from './control-api.ts';

type Counter = Exclude<keyof ConnectionWorkerStats, 'workerId' | 'eventLoopUtilization' | 'heapUsedBytes'>;
const totals: Counter[] = [
  'messagesIn',
  'deliveriesOut',
  'socketWrites',
  'queuedBytes',
  'slowConsumersDisconnected',
  'writeStallDisconnects',
  'linesDroppedForFlooding',
  'floodDisconnects',
  'timeoutDisconnects',
  'kicks',
  'internalErrors',
  'backpressureMs',
  'backpressurePauses',
];

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export function statsLogLine({ acceptor, coordinator, workers }: ServerStats): string {
  const sum = (key: Counter) => workers.reduce((total, worker) => total + worker[key], 0);
  const threads = [
    `coordinatorElu=${coordinator.eventLoopUtilization.toFixed(2)} coordinatorHeapMiB=${mib(coordinator.heapUsedBytes)}`,
    ...workers.map(
      (w) =>
        `worker${w.workerId}Connections=${w.connections} worker${w.workerId}Elu=${w.eventLoopUtilization.toFixed(2)} ` +
        `worker${w.workerId}HeapMiB=${mib(w.heapUsedBytes)}`,
    ),
  ];
  return [
    'stats:',
    `connections=${acceptor.liveConnections}`,
    `nicks=${coordinator.nicks}`,
    `rooms=${coordinator.rooms}`,
    `roomMessages=${coordinator.roomMessages}`,
    `overloadMs=${coordinator.overloadMs}`,
    `overloads=${coordinator.overloads}`,
    ...totals.map((key) => `${key}=${sum(key)}`),
    `refused=${acceptor.refusedUnavailable + acceptor.refusedServerFull + acceptor.refusedTooFast + acceptor.refusedPerIpLimit}`,
    `refusedTooFast=${acceptor.refusedTooFast}`,
    `workersReady=${acceptor.workersReady}`,
    `workerRestarts=${acceptor.workerRestarts}`,
    `failedHandoffs=${acceptor.failedHandoffs}`,
    ...threads,
  ].join(' ');
}
