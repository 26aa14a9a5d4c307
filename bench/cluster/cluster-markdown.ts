/**
 * report.md of the cluster benchmark: machine and commands first, then the summary docs/scaling.md takes
 * (1, 2 and 3 nodes on each bus), then per workload the figures of every configuration and the bus's
 * cost per message against the single node without a bus, round by round.
 */
import { spreadCell, table } from '../macro/markdown-table.ts';
import type { Spread } from '../macro/spread.ts';
import type { BusCost, ClusterSummary, Paired } from './cluster-figures.ts';
import type { ClusterResults } from './cluster-results.ts';

const si = (x: number): string => {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}\u00a0M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}\u00a0k`;
  return x.toFixed(0);
};
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const us = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const cores = (x: number): string => x.toFixed(2);

/** "3.1 (2.9, 3.4, 3.0)": the median, then each round's value when there is more than one. */
export function pairedCell(p: Paired | null, format: (x: number) => string): string {
  if (p === null) return '–';
  return p.rounds.length === 1 ? format(p.median) : `${format(p.median)} (${p.rounds.map((r) => format(r.value)).join(', ')})`;
}

const signedUs = (x: number): string => `${x >= 0 ? '+' : ''}${us(x)}`;
const ratio = (x: number): string => `${x.toFixed(2)}×`;

/** "single", "redis, 2 nodes". */
export function configurationLabel(s: { configuration: string; nodes: number; bus: string | null }): string {
  return s.bus === null ? '1 node, no bus' : `${s.bus}, ${s.nodes} node${s.nodes > 1 ? 's' : ''}`;
}

function integrity(r: ClusterSummary): string {
  const parts = [
    r.lost > 0 ? `${r.lost.toLocaleString('en-US')} lost (${((r.lost / Math.max(1, r.expectedDeliveries)) * 100).toFixed(2)} %)` : '',
    r.duplicates > 0 ? `${r.duplicates.toLocaleString('en-US')} dup` : '',
    r.disconnects > 0 ? `${r.disconnects} disconnected` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? '0' : `**${parts.join(', ')}**`;
}

function figuresTable(rows: ClusterSummary[]): string {
  return table(
    [
      'configuration',
      'runs',
      'deliveries/s',
      'per CPU-s (nodes + broker)',
      'node cores',
      'broker cores',
      'generator cores',
      'p50 ms',
      'p99 ms',
      'max ms (worst run)',
      'node CPU µs/msg',
      'broker CPU µs/msg',
      'loss',
      'room order',
      'generator saturated (rounds)',
    ],
    rows.map((r) => {
      const cell = (v: Spread, format: (x: number) => string): string => spreadCell(v, r.runs, format);
      const saturated = r.perRun.filter((run) => run.saturation.length > 0);
      return [
        configurationLabel(r),
        String(r.runs),
        cell(r.deliveriesPerSecond, si),
        r.deliveriesPerCpuSecond.median > 0 ? cell(r.deliveriesPerCpuSecond, si) : '–',
        cell(r.nodeCores, cores),
        r.bus === null ? '–' : cell(r.brokerCores, cores),
        cell(r.generatorCores, cores),
        cell(r.latencyMs.p50, ms),
        cell(r.latencyMs.p99, ms),
        ms(r.latencyMs.max),
        cell(r.nodeCpuUsPerMessage, us),
        r.bus === null ? '–' : cell(r.brokerCpuUsPerMessage, us),
        integrity(r),
        r.orderConsistent ? 'one order' : '**divergent**',
        saturated.length > 0 ? `${saturated.length}/${r.runs} (${saturated.map((run) => run.round).join(', ')})` : 'no',
      ];
    }),
  );
}

const costLegend =
  "The bus's cost per published message, in µs of CPU: the broker's own, and what the nodes together spend beyond the single node without a bus in the same round (publishing, the bus's round trip, each node's share of the fan-out). Paired cells: the median of the rounds, then each round in brackets.";

function costTable(costs: BusCost[], summaries: ClusterSummary[]): string {
  const summary = (c: BusCost): ClusterSummary => summaries.find((s) => s.workload === c.workload && s.configuration === c.configuration)!;
  return table(
    ['configuration', 'broker µs/msg', 'extra node µs/msg', 'bus total µs/msg', 'per CPU-s ÷ single node'],
    costs.map((c) => {
      const s = summary(c);
      return [
        configurationLabel(s),
        spreadCell(c.brokerUsPerMessage, s.runs, us),
        pairedCell(c.extraNodeUsPerMessage, signedUs),
        pairedCell(c.busUsPerMessage, us),
        pairedCell(c.perCpuRatio, ratio),
      ];
    }),
  );
}

/** The table docs/scaling.md takes: throughput (closed loop), latency and the bus's cost (open loop). */
export function scalingTable(res: ClusterResults): string {
  const find = (workload: string, id: string): ClusterSummary | undefined =>
    res.summaries.find((s) => s.workload === workload && s.configuration === id);
  const cost = (workload: string, id: string): BusCost | undefined =>
    res.costs.find((c) => c.workload === workload && c.configuration === id);
  /** The bus's CPU per message, then the broker's share of it (median). */
  const costCell = (c: BusCost | undefined): string =>
    c === undefined ? '–' : `${pairedCell(c.busUsPerMessage, us)}; broker ${us(c.brokerUsPerMessage.median)}`;
  const rows = res.configurations.map((c) => {
    const closed = find('closed', c.id);
    const open = find('open', c.id);
    return [
      configurationLabel({ configuration: c.id, nodes: c.nodes, bus: c.bus }),
      closed === undefined ? '–' : spreadCell(closed.deliveriesPerSecond, closed.runs, si),
      closed === undefined || closed.deliveriesPerCpuSecond.median === 0 ? '–' : spreadCell(closed.deliveriesPerCpuSecond, closed.runs, si),
      open === undefined ? '–' : `${spreadCell(open.latencyMs.p50, open.runs, ms)} / ${spreadCell(open.latencyMs.p99, open.runs, ms)}`,
      c.bus === null ? '–' : costCell(cost('open', c.id)),
      c.bus === null ? '–' : costCell(cost('closed', c.id)),
    ];
  });
  return table(
    [
      'configuration',
      'deliveries/s (closed loop)',
      'deliveries per CPU-s, all processes (closed loop)',
      'p50 / p99 ms at 1,000 msg/s',
      'bus CPU µs per message (open loop); broker',
      'bus CPU µs per message (closed loop); broker',
    ],
    rows,
  );
}

export function clusterMarkdown(res: ClusterResults): string {
  const m = res.machine;
  const out: string[] = [
    `# roomcast cluster benchmark — ${res.startedAt.slice(0, 10)}`,
    '',
    `Generated by \`${res.command}\` in ${(res.durationS / 60).toFixed(1)} min${res.quick ? ' (**quick** mode: short windows, one round — a smoke run, not figures to quote)' : ''}. ${res.repeats} round(s): in each, every configuration runs each workload once, interleaved, so a disturbance of the shared box hits them alike and the bus's cost is taken against the single node of the same round. Figures are the median of the rounds with the range (min–max) in brackets; max latency is the worst run's. Raw load-tool JSON: \`runs/\`; everything here: \`results.json\`.`,
    '',
    table(
      ['', ''],
      [
        ['machine', `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB`],
        ['OS', `${m.os}, Linux ${m.kernel}; open files ${m.openFileLimit}`],
        ['Node', m.node],
        ['brokers', `${res.peers.nats}; ${res.peers.redis}`],
        ['started', `${res.startedAt}, took ${(res.durationS / 60).toFixed(1)} min`],
        ['load average (1/5/15 min)', `at start ${res.loadAverageStart.join(' / ')}, at end ${res.loadAverageEnd.join(' / ')}`],
        ['broker commands', res.brokerCommands.length === 0 ? 'not run' : res.brokerCommands.map((c) => `\`${c}\``).join('; ')],
        ['each node', `\`node src/main.ts ${res.nodeArgs.join(' ')}\`, a fresh random prefix per run`],
        [
          'load tool',
          '`bench/loadtest/main.ts` as a child process, 2 piscina shards, clients spread round-robin over the nodes (`--target` per node); CPU from /proc over the measured window of every node and the broker (`--server-pid` per process)',
        ],
      ],
    ),
    '',
    'Everything — every node, the broker and the load tool — runs on the same 2 cores: more nodes do not add cores here, they add work (each node receives every message from the bus and fans it out to its share of the room). The figures measure what the bus costs, not how a cluster of machines scales; per CPU-second is the comparable figure.',
    '',
    '## Summary (for docs/scaling.md)',
    '',
    scalingTable(res),
    '',
    "Bus CPU per message: the broker's CPU plus the nodes' CPU beyond the single node without a bus in the same round, per message published (open loop: 1,000 msg/s into one 200-member room; closed loop: as fast as it goes, so batches differ between configurations); median of the rounds, each round in brackets, then the broker's median share.",
    '',
  ];
  for (const w of res.workloads) {
    const rows = res.configurations
      .map((c) => res.summaries.find((s) => s.workload === w.id && s.configuration === c.id))
      .filter((s): s is ClusterSummary => s !== undefined);
    const costs = res.costs.filter((c) => c.workload === w.id);
    out.push(
      `## ${w.title}`,
      '',
      `${w.note}. Load tool: \`node bench/loadtest/main.ts --target NODE1 [--target NODE2 …] --server-pid PID [--server-pid PID …] ${w.loadArgs.join(' ')} --json FILE --quiet\``,
      '',
      figuresTable(rows),
      '',
    );
    if (costs.length > 0) out.push(costLegend, '', costTable(costs, res.summaries), '');
  }
  if (res.failures.length > 0) out.push('## Runs that failed', '', ...res.failures.map((f) => `- ${f}`), '');
  return out.join('\n');
}
