import type { LoadReport, Percentiles } from './report.ts';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const pct = (p: Percentiles, unit: string): string =>
  `p50 ${n(p.p50)}  p90 ${n(p.p90)}  p99 ${n(p.p99)}  p99.9 ${n(p.p999)}  max ${n(p.max)} ${unit}  (${n(p.count)} samples)`;

/** The human summary: one row per figure, labels padded to a column. */
export function summaryTable(r: LoadReport): string {
  const p = r.params;
  const rows: [string, string][] = [
    ['target', `${p.protocol} ${p.targets.join(', ')}`],
    [
      'load',
      `${n(p.clients)} clients, ${p.rooms} room(s), ${p.publishers} publisher(s), ${p.size} B, ${offered(r)}, ${p.durationS}s after ${p.warmupS}s warmup${p.rates.length > 1 ? ' per stage' : ''}, ${p.threads} shard(s)`,
    ],
    ['machine', `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`],
    [
      'connect',
      `${n(r.connect.ready)}/${n(r.connect.attempted)} ready in ${r.connect.rampSeconds.toFixed(2)}s (${n(r.connect.readyPerSecond)}/s)`,
    ],
    ['connect µs', pct(r.connect.connectUs, 'µs')],
    ['ready µs', pct(r.connect.readyUs, 'µs')],
    [
      'published',
      `${n(r.throughput.publishedPerSecond)} msg/s${r.integrity.neverDelivered > 0 ? `; ${n(r.integrity.neverDelivered)} reached no member` : ''}`,
    ],
    ['deliveries', `${n(r.throughput.deliveriesPerSecond)} msg/s`],
    ['latency', pct(r.latencyUs, 'µs')],
    [
      'integrity',
      `lost ${n(r.integrity.lost)}/${n(r.integrity.expectedDeliveries)} (${(r.integrity.lossRatio * 100).toFixed(3)}%), dup ${n(r.integrity.duplicates)}, reordered ${n(r.integrity.reordered)}, misrouted ${n(r.integrity.misrouted)}, garbled ${n(r.integrity.garbled)}${r.integrity.foreign > 0 ? `, foreign ${n(r.integrity.foreign)}` : ''}`,
    ],
    [
      'room order',
      `${r.order.consistentRooms}/${r.order.rooms} rooms consistent, ${r.order.divergentRooms} divergent, ${r.order.unverifiableRooms} unverifiable (loss)`,
    ],
    [
      'errors',
      `connect ${r.errors.connectErrors}, handshake ${r.errors.handshakeFailures}, disconnects ${r.errors.disconnects}, protocol ${r.errors.protocolErrors} (flood ${r.errors.floodErrors}), overlong ${r.errors.overlongLines}, window stalls ${r.errors.windowStalls}`,
    ],
  ];
  for (const line of r.errors.samples) rows.push(['error line', line]);
  if (r.server !== null) {
    const usage = (p: { cpuCores: number; rssStartBytes: number; rssEndBytes: number; peakRssBytes: number }): string =>
      `${p.cpuCores.toFixed(2)} cores, RSS ${mb(p.rssStartBytes)} → ${mb(p.rssEndBytes)} (peak ${mb(p.peakRssBytes)})`;
    const processes = r.server.processes ?? [];
    if (processes.length > 1) {
      rows.push(['server', `${processes.length} processes together: ${usage(r.server)}`]);
      for (const p of processes) rows.push(['  process', `pid ${p.pid} (${p.name}): ${usage(p)}`]);
    } else {
      const name = processes.length === 1 ? ` (${processes[0].name})` : '';
      rows.push(['server', `pid ${r.server.pid}${name}: ${usage(r.server)}`]);
    }
    rows.push(['per server CPU-s', `${n(r.server.deliveriesPerCpuSecond)} deliveries`]);
  }
  const elu = r.generator.shards.map((s) => `${(s.eventLoopUtilization * 100).toFixed(0)}%`).join(' ');
  rows.push(['generator', `${r.generator.cpuCores.toFixed(2)} cores, shard ELU ${elu}`]);
  for (const w of r.generator.warnings) rows.push(['WARNING', w]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const table = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
  return r.stages.length > 1 ? `${table}\n\n${stageTable(r)}` : table;
}

function offered(r: LoadReport): string {
  const p = r.params;
  if (p.rates.length > 1) return `stages ${p.rates.map(n).join(', ')} msg/s (${p.arrivals})`;
  return p.rate > 0 ? `${n(p.rate)} msg/s (${p.arrivals})` : `window ${p.window}`;
}

const ms = (us: number): string => (us / 1000).toFixed(2);

/** One row per stage of a sweep, then the knee. */
export function stageTable(r: LoadReport): string {
  const header = ['offered/s', 'achieved/s', 'deliveries/s', 'p50 ms', 'p99 ms', 'max ms', 'server cores'];
  const rows = r.stages.map((s, i) => [
    `${r.knee?.stage === i ? '> ' : ''}${n(s.offeredRate)}`,
    n(s.achievedRate),
    n(s.deliveriesPerSecond),
    ms(s.latencyUs.p50),
    ms(s.latencyUs.p99),
    ms(s.latencyUs.max),
    s.serverCpuCores === null ? '-' : s.serverCpuCores.toFixed(2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  const knee =
    r.knee === null
      ? 'knee: none — every stage achieved ≥ 95% of its offered rate without a p99 jump > 3×'
      : `knee: ${n(r.knee.offeredRate)} msg/s offered (${r.knee.reason})`;
  return [line(header), ...rows.map(line), knee].join('\n');
}
