// The operator's /stats answer: whole-server figures as `-- ` info lines.
import type { ServerStats } from '../control-api.ts';
import { infoLine } from './server-lines.ts';

export function statsLines({ acceptor, coordinator, workers }: ServerStats): string {
  const lines = [
    `connections ${acceptor.liveConnections} (accepted ${acceptor.accepted}, refused ${acceptor.refusedServerFull} full + ${acceptor.refusedPerIpLimit} per-address), worker restarts ${acceptor.workerRestarts}`,
    `nicks ${coordinator.nicks}, rooms ${coordinator.rooms}, room messages ${coordinator.roomMessages}, forwards to workers ${coordinator.forwards}`,
    ...workers.map(
      (w) =>
        `worker ${w.workerId}: connections ${w.connections}, lines in ${w.messagesIn}, deliveries ${w.deliveriesOut}, ` +
        `queued ${w.queuedBytes} B, slow consumers ${w.slowConsumersDisconnected}, flood drops ${w.linesDroppedForFlooding}/` +
        `disconnects ${w.floodDisconnects}, timeouts ${w.timeoutDisconnects}, ELU ${w.eventLoopUtilization.toFixed(2)}`,
    ),
  ];
  return lines.map((line) => infoLine(line)).join('');
}
