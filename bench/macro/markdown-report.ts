/**
 * report.md: machine and parameters first, then one table of figures and one table of ratios per
 * scenario, the capacity run, the targets (met or missed, by how much), saturation notes and the profile.
 */
import type { BenchResults } from './bench-results.ts';
import type { RunSummary } from './run-summary.ts';
import type { CapacityShape, LoadShape } from './scenarios.ts';

const si = (x: number): string => {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
};
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (a: number, b: number): string => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function shapeLine(shape: LoadShape | CapacityShape): string {
  if ('processes' in shape) {
    return (
      `${shape.processes} load processes × ${shape.clientsPerProcess.toLocaleString('en-US')} clients over ${shape.rooms} rooms, ` +
      `ramp ${shape.rampPerProcess}/s per process, hold ${shape.holdS} s, then ${shape.probeConnections} raw probe connections` +
      (shape.roomcastArgs.length > 0
        ? `; roomcast also given \`${shape.roomcastArgs.join(' ')}\``
        : '; roomcast at its default `--max-connections` (fd limit − 200)')
    );
  }
  const load =
    shape.rate > 0
      ? `${shape.rate.toLocaleString('en-US')} msg/s total`
      : `as fast as a window of ${shape.window} in-flight messages per publisher allows`;
  return (
    `${shape.clients.toLocaleString('en-US')} clients, ${shape.rooms} room(s), ${shape.publishers} publisher(s), ${shape.size} B payload, ${load}; ` +
    `${shape.warmupS} s warmup + ${shape.durationS} s measured`
  );
}

function integrity(r: RunSummary): string {
  const bad = r.lost + r.garbled + r.duplicates;
  if (bad === 0) return '0';
  const parts = [
    r.lost > 0 ? `${r.lost.toLocaleString('en-US')} lost (${((r.lost / Math.max(1, r.expectedDeliveries)) * 100).toFixed(2)} %)` : '',
    r.garbled > 0 ? `${r.garbled.toLocaleString('en-US')} garbled` : '',
    r.duplicates > 0 ? `${r.duplicates} dup` : '',
  ];
  return parts.filter((p) => p !== '').join(', ');
}

function figures(rows: RunSummary[]): string {
  return table(
    [
      'server',
      'runs',
      'deliveries/s',
      'per server CPU-s',
      'server cores',
      'generator cores',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'p99.9 ms',
      'max ms',
      'loss',
      'room order',
      'generator saturated',
    ],
    rows.map((r) => [
      r.server === 'sink' ? 'sink (tool capacity)' : r.server,
      String(r.runs),
      si(r.deliveriesPerSecond),
      r.deliveriesPerCpuSecond > 0 ? si(r.deliveriesPerCpuSecond) : '–',
      r.serverCores.toFixed(2),
      r.generatorCores.toFixed(2),
      ...(r.server === 'sink'
        ? ['–', '–', '–', '–', '–', '–', '–']
        : [
            ms(r.latencyMs.p50),
            ms(r.latencyMs.p90),
            ms(r.latencyMs.p99),
            ms(r.latencyMs.p999),
            ms(r.latencyMs.max),
            integrity(r),
            r.orderConsistent ? 'one order' : '**divergent**',
          ]),
      r.saturatedRuns > 0 ? `**${r.saturatedRuns}/${r.runs}**` : 'no',
    ]),
  );
}

/** The mixed scenario's counter: encodings per room run against the dialects present (bench/macro/run-encodings.ts). */
function encodingsLine(rows: RunSummary[]): string {
  const counted = rows.filter((r) => r.encodingsPerRun !== undefined);
  if (counted.length === 0) return '';
  const cell = (r: RunSummary): string => {
    const e = r.encodingsPerRun;
    if (e === null || e === undefined) return `${r.server}: not counted (the server's stats have no roomRuns / roomRunEncodings)`;
    const within = e.median <= e.dialectsPresent ? '≤' : '**>**';
    return `${r.server}: ${e.median.toFixed(2)} ${within} ${e.dialectsPresent} dialects present`;
  };
  return `Encodings per room run (median): ${counted.map(cell).join('; ')}.`;
}

/** roomcast (rows) against every baseline and peer (columns) in one scenario. */
function ratios(rows: RunSummary[], scenario: number): string {
  const mine = rows.filter((r) => r.server.startsWith('roomcast'));
  const others = rows.filter((r) => !r.server.startsWith('roomcast') && r.server !== 'sink');
  if (mine.length === 0 || others.length === 0) return '';
  const fixedRate = scenario === 3;
  const cell = (m: RunSummary, o: RunSummary): string =>
    fixedRate
      ? `${ratio(m.deliveriesPerCpuSecond, o.deliveriesPerCpuSecond)} CPU · p99 ${ratio(o.latencyMs.p99, m.latencyMs.p99)}`
      : `${ratio(m.deliveriesPerSecond, o.deliveriesPerSecond)} · ${ratio(m.deliveriesPerCpuSecond, o.deliveriesPerCpuSecond)} CPU`;
  const legend = fixedRate
    ? "Cells: deliveries per CPU-second ratio · p99 ratio (theirs ÷ roomcast's: above 1× roomcast is faster). Throughput is fixed by the rate."
    : 'Cells: deliveries/s ratio · deliveries per server CPU-second ratio (roomcast ÷ them).';
  return `${legend}\n\n${table(
    ['roomcast', ...others.map((o) => `vs ${o.server}`)],
    mine.map((m) => [m.server, ...others.map((o) => cell(m, o))]),
  )}`;
}

function capacitySection(res: BenchResults): string {
  if (res.capacity.length === 0) return '';
  const rows = res.capacity.map((c) => [
    c.server,
    `${c.ready.toLocaleString('en-US')}/${c.target.toLocaleString('en-US')}`,
    c.peakConnections.toLocaleString('en-US'),
    `${si(c.readyPerSecond)}/s`,
    c.rampSeconds.toFixed(1),
    `${ms(c.connectP50Us / 1000)} / ${ms(c.connectP99Us / 1000)}`,
    `${mib(c.rssIdleBytes)} → ${mib(c.rssFullBytes)}`,
    `${(c.rssPerConnectionBytes / 1024).toFixed(1)} KiB`,
    `${c.disconnects} / ${c.connectErrors} / ${c.handshakeFailures}`,
    c.probe === null
      ? 'not probed'
      : `${c.probe.admitted} admitted, ${c.probe.refusedServerFull} \`SERVER_FULL\` (${c.probe.refusedAndClosed} then closed), ${c.probe.other} other`,
    c.probe === null ? '–' : c.probe.servesAfter ? 'yes' : '**no**',
    c.aliveAfter ? 'yes' : '**no (exited)**',
  ]);
  const sample = res.capacity.find((c) => c.probe !== null && c.probe.sampleRefusal !== '')?.probe?.sampleRefusal;
  return [
    table(
      [
        'server',
        'ready',
        'peak connections (fds)',
        'connect rate',
        'ramp s',
        'connect p50 / p99 ms',
        'RSS idle → full',
        'RSS per connection',
        'dropped / connect err / handshake fail',
        'past the cap',
        'serves a new client after',
        'alive',
      ],
      rows,
    ),
    sample === undefined ? '' : `\nRefusal line as received: \`${sample}\``,
  ].join('\n');
}

function targetsSection(res: BenchResults): string {
  const met = res.targets.filter((t) => t.met).length;
  return [
    `${met} of ${res.targets.length} checks met. Margin: how far the measured ratio is above (+) or below (−) the bar.`,
    '',
    table(
      ['target', 'roomcast', 'measured', 'verdict', 'margin'],
      res.targets.map((t) => [t.target, t.server, t.measured, t.met ? 'met' : '**MISSED**', t.margin === null ? '–' : pct(t.margin)]),
    ),
  ].join('\n');
}

function saturationSection(res: BenchResults): string {
  const saturated = res.summaries.filter((r) => r.saturatedRuns > 0);
  if (saturated.length === 0) return 'The load tool did not report itself saturated in any run.';
  return [
    "In these runs the load tool flagged itself as a possible limit (a shard's event loop > 90 % busy, or generator + server using ~all cores): their deliveries/s are a lower bound of the server's, and the per-CPU-second figure is the fairer comparison.",
    '',
    ...saturated.map((r) => `- S${r.scenario} ${r.server}: ${r.saturatedRuns}/${r.runs} runs — ${r.warnings.slice(0, 2).join('; ')}`),
  ].join('\n');
}

function profileSection(res: BenchResults): string {
  const p = res.profile;
  if (p === null) return 'Not run.';
  const head = `${p.server} under scenario 1's load with \`--cpu-prof\` (one run; profiling slows it: ${si(p.run.deliveriesPerSecond)} deliveries/s, ${p.run.deliveriesPerCpuSecond > 0 ? si(p.run.deliveriesPerCpuSecond) : '–'} per CPU-s). Self time over the process's whole life (startup and module loading included), top functions per thread; share = of the thread's busy (non-idle) time; native frames have no location.`;
  const threads = p.threads.map((t) =>
    [
      `**${t.thread}** (${t.file}): busy ${(t.busyMs / 1000).toFixed(1)} s, idle ${(t.idleMs / 1000).toFixed(1)} s`,
      '',
      table(
        ['function', 'where', 'self ms', 'share'],
        t.top.map((f) => [`\`${f.name}\``, f.location, f.selfMs.toFixed(0), `${(f.share * 100).toFixed(1)} %`]),
      ),
    ].join('\n'),
  );
  return [head, '', ...threads.flatMap((t) => [t, ''])].join('\n');
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const out: string[] = [
    `# roomcast broadcast benchmark — ${res.startedAt.slice(0, 10)}`,
    '',
    `Generated by \`${res.command}\` in ${(res.durationS / 60).toFixed(1)} min${res.quick ? ' (**quick** mode: shorter windows, one run, smaller capacity test)' : ''}; every figure is the median of ${res.repeats} run(s) per (scenario, server), interleaved so that a disturbance hits every server alike. Raw load-tool JSON: \`runs/\`; everything here: \`results.json\`.`,
    '',
    table(
      ['', ''],
      [
        ['machine', `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB`],
        ['OS', `${m.os}, Linux ${m.kernel}; open files ${m.openFileLimit}`],
        ['Node', m.node],
        ['peers', `${res.peers.nats}; ${res.peers.redis}; ${res.peers.python} (seed baseline)`],
        ['started', res.startedAt],
        [
          'load average (1/5/15 min)',
          `at start ${res.loadAverageStart.join(' / ')}, at end ${res.loadAverageEnd.join(' / ')} — the box is shared with other engineers' tests, and NATS and Redis are shared too`,
        ],
        [
          'roomcast flags',
          `\`--workers N ${res.roomcastFlags.join(' ')}\` (flood limits, the per-IP cap and the per-IP connect rate off: every client is on 127.0.0.1)`,
        ],
        [
          'load tool',
          '`bench/loadtest/main.ts`, 2 piscina shards, run as a child process on the same 2 cores; server CPU from /proc over the measured window',
        ],
      ],
    ),
    '',
    "Servers: `roomcast-wN` = roomcast with N connection workers; `naive` = `bench/baselines/naive-server.ts` (one `socket.write` per recipient); `coalescing` = `bench/baselines/coalescing-server.ts` (single thread, encode once, one write per client per turn: the bar from ARCHITECTURE.md); `seed` = `bench/baselines/seed_server.py` (select loop, raw `recv(1024)` relay); `nats`, `redis` = the shared brokers on 127.0.0.1 (SUB/PUB, SUBSCRIBE/PUBLISH), CPU measured by their pid; `sink` = `bench/loadtest/sink-server.ts`, which streams pre-encoded lines and does no broadcast work: the tool's own receive capacity in that shape.",
    '',
  ];
  const divergentPeers = [
    ...new Set(res.summaries.filter((r) => !r.orderConsistent && !r.server.startsWith('roomcast')).map((r) => r.server)),
  ];
  if (divergentPeers.length > 0) {
    out.push(
      `Room order "divergent" for ${divergentPeers.join(', ')}: lossless members saw the same messages in different orders. Neither NATS nor Redis promises one order across publishers, so this is the peer's property, recorded because roomcast does promise it.`,
      '',
    );
  }
  for (const s of res.scenarios) {
    out.push(`## Scenario ${s.id}: ${s.title}`, '', `Parameters: ${shapeLine(s.shape)}. ${s.note}.`, '');
    if (s.id === 4) {
      out.push(capacitySection(res), '');
      continue;
    }
    const rows = res.servers
      .map((id) => res.summaries.find((r) => r.scenario === s.id && r.server === id))
      .filter((r): r is RunSummary => r !== undefined);
    out.push(figures(rows), '', ratios(rows, s.id), '');
    const encodings = encodingsLine(rows);
    if (encodings !== '') out.push(encodings, '');
  }
  out.push('## Targets (issue 3)', '', targetsSection(res), '');
  out.push('## Generator saturation', '', saturationSection(res), '');
  if (res.failures.length > 0) out.push('## Runs that failed', '', ...res.failures.map((f) => `- ${f}`), '');
  out.push('## Where roomcast spends its time (CPU profile)', '', profileSection(res), '');
  out.push('## Charts', '', ...res.charts.flatMap((c) => [`![${c.title}](${c.file})`, '']));
  return out.join('\n');
}
