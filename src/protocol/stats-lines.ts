// The operator's /stats answer: whole-server figures as `-- ` info lines.
import type { ServerStats } from '../control-api.ts';
import type { ThreadLoad } from '../thread-load.ts';
import { infoLine } from './server-lines.ts';

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const loop = (load: ThreadLoad) =>
  `ELU ${load.eventLoopUtilization.toFixed(2)}, loop delay p99 ${load.eventLoopDelayP99Ms.toFixed(1)} ms max ${load.eventLoopDelayMaxMs.toFixed(1)} ms`;

export function statsLines({ acceptor, coordinator, workers }: ServerStats): string {
  const lines = [
    `connections ${acceptor.liveConnections} (accepted ${acceptor.accepted}, refused ${acceptor.refusedServerFull} full + ${acceptor.refusedPerIpLimit} per-address + ` +
      `${acceptor.refusedTooFast} too fast + ${acceptor.refusedUnavailable} no worker ready), workers ready ${acceptor.workersReady}, ` +
      `worker restarts ${acceptor.workerRestarts}, failed handoffs ${acceptor.failedHandoffs}`,
    `nicks ${coordinator.nicks}, rooms ${coordinator.rooms}, room messages ${coordinator.roomMessages}, forwards to workers ${coordinator.forwards}`,
    ...workers.map(
      (w) =>
        `worker ${w.workerId}: connections ${w.connections}, lines in ${w.messagesIn}, deliveries ${w.deliveriesOut}, ` +
        `room runs ${w.roomRuns} (${w.roomRunEncodings} encodings), ` +
        `queued ${w.queuedBytes} B, slow consumers ${w.slowConsumersDisconnected}, write stalls ${w.writeStallDisconnects}, flood drops ${w.linesDroppedForFlooding}/` +
        `disconnects ${w.floodDisconnects}, timeouts ${w.timeoutDisconnects}, ${loop(w)}, ` +
        `heap ${mib(w.heapUsedBytes)} MiB, input paused ${w.backpressureMs} ms (${w.backpressurePauses} times)`,
    ),
    `coordinator: ${loop(coordinator)}, heap ${mib(coordinator.heapUsedBytes)} MiB, ` +
      `overload ${coordinator.overloadMs} ms (${coordinator.overloads} times)`,
  ];
  const { bus } = coordinator;
  if (bus !== undefined) {
    lines.push(
      `bus: node ${bus.node}, ${bus.up ? 'up' : 'DOWN'}, publishes in flight ${bus.publishing}, gap fills ${bus.gapFills}, ` +
        `rooms reset ${bus.resets}, gaps missed ${bus.missed}`,
    );
  }
  return lines.map((line) => infoLine(line)).join('');
}
