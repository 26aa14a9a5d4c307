/**
 * report.md: machine, versions, load and commands first, then per scenario one table of figures (medians
 * with the range over runs) and one table of paired ratios, the capacity run, the targets (met or missed,
 * by how much), the runs where the generator may have set the pace, and the profile.
 */
import type { BenchResults } from './bench-results.ts';
import { spreadCell, table } from './markdown-table.ts';
import { formatPaired, pairedRatio } from './paired-ratio.ts';
import type { RunFigures, RunSummary } from './run-summary.ts';
import type { CapacityShape, LoadShape } from './scenarios.ts';
import type { Spread } from './spread.ts';
import { stallFactor } from './targets.ts';

const si = (x: number): string => {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
};
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

const siBare = (x: number): string => si(x).replace(' ', '\u00a0');

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
      ? `${shape.rate.toLocaleString('en-US')} msg/s total${shape.arrivals === undefined ? '' : `, ${shape.arrivals} arrivals`}`
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

const saturatedRuns = (r: RunSummary): RunFigures[] => r.perRun.filter((run) => run.saturation.length > 0);

function figures(rows: RunSummary[]): string {
  const cores = (x: number): string => x.toFixed(2);
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
      'max ms (worst run)',
      'loss',
      'room order',
      'generator saturated (rounds)',
    ],
    rows.map((r) => {
      const cell = (v: Spread, format: (x: number) => string): string => spreadCell(v, r.runs, format);
      const saturated = saturatedRuns(r);
      return [
        r.server === 'sink' ? 'sink (tool capacity)' : r.server,
        String(r.runs),
        cell(r.deliveriesPerSecond, siBare),
        r.deliveriesPerCpuSecond.median > 0 ? cell(r.deliveriesPerCpuSecond, siBare) : '–',
        cell(r.serverCores, cores),
        cell(r.generatorCores, cores),
        ...(r.server === 'sink'
          ? ['–', '–', '–', '–', '–', '–', '–']
          : [
              cell(r.latencyMs.p50, ms),
              cell(r.latencyMs.p90, ms),
              cell(r.latencyMs.p99, ms),
              cell(r.latencyMs.p999, ms),
              ms(r.latencyMs.max),
              integrity(r),
              r.orderConsistent ? 'one order' : '**divergent**',
            ]),
        saturated.length > 0 ? `**${saturated.length}/${r.runs}** (${saturated.map((run) => run.round).join(', ')})` : 'no',
      ];
    }),
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

/** roomcast (rows) against every baseline and peer (columns) in one scenario, paired round by round. */
function ratios(rows: RunSummary[], fixedRate: boolean): string {
  const mine = rows.filter((r) => r.server.startsWith('roomcast'));
  const others = rows.filter((r) => !r.server.startsWith('roomcast') && r.server !== 'sink');
  if (mine.length === 0 || others.length === 0) return '';
  const paired = (a: RunSummary, b: RunSummary, pick: (r: RunFigures) => number): string =>
    formatPaired(pairedRatio(a.perRun, b.perRun, pick));
  const cell = (m: RunSummary, o: RunSummary): string =>
    fixedRate
      ? `${paired(m, o, (r) => r.deliveriesPerCpuSecond)} CPU · p99 ${paired(o, m, (r) => r.p99Ms)}`
      : `${paired(m, o, (r) => r.deliveriesPerSecond)} · ${paired(m, o, (r) => r.deliveriesPerCpuSecond)} CPU`;
  const rounds =
    'Each ratio is taken within a round (both servers ran in it, interleaved); the cell gives the median of the rounds, then each round in brackets.';
  const legend = fixedRate
    ? `Cells: deliveries per server CPU-second ratio (roomcast ÷ them) · p99 ratio (theirs ÷ roomcast's: above 1× roomcast is faster). Throughput is fixed by the rate. ${rounds}`
    : `Cells: deliveries/s ratio · deliveries per server CPU-second ratio (roomcast ÷ them). ${rounds}`;
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

const targetsIntro = [
  "Issue 9's bars. Comparisons with another server are paired: a ratio per round, the median of the rounds against the bar, each round in brackets.",
  '',
  "- **Workers against the single-thread bar** (S1 at window 64, S6 at window 512): roomcast with 2 workers delivers ≥ 0.85× the coalescing baseline's deliveries per server CPU-second; with 4 workers ≥ 0.9× its own figure with 2 (no more than 10 % below).",
  "- **Open-loop latency** (S7, 1,000 msg/s into one 200-member room): roomcast's p99 ≤ Redis's p99 in the same round, at every worker count.",
  "- **Scenario 3 CPU**: at a fixed offered rate every server does the same work and delivers the same 100,000/s, so the efficiency question is what the work costs: roomcast's server CPU-seconds per second ≤ those of the cheaper broker in the same round, at every worker count. The cheaper broker (usually Redis: one event-loop thread, fresh, default configuration) is the honest bar — a chat server that needs more CPU than a general broker for the same rooms has no case; the dearer one would flatter.",
  `- **No stalls**: in every run of every roomcast load scenario the worst latency ≤ ${stallFactor}× that run's own p99; offending runs are listed.`,
  '- **Zero loss and one order per room**, every load scenario, every run.',
  '',
  'Kept from issue 3, now paired: S1/S2 deliveries/s ≥ 2× and deliveries per server CPU-s ≥ 4× the better broker of the round; S1 ≥ 20× naive in both (naive runs in S1 only); S4 capacity. Dropped: "per CPU-s ≥ 0.5× coalescing" (superseded by the 0.85× and 4-vs-2-worker bars) and "S3 p99 ≤ the best broker" (superseded by the open-loop p99 of S7 and the scenario 3 CPU bar).',
].join('\n');

function targetsTable(checks: BenchResults['targets']): string {
  const met = checks.filter((t) => t.met).length;
  return [
    `${met} of ${checks.length} checks met. Margin: how far the measured figure is above (+) or below (−) the bar.`,
    '',
    table(
      ['target', 'roomcast', 'measured', 'verdict', 'margin'],
      checks.map((t) => [t.target, t.server, t.measured, t.met ? 'met' : '**MISSED**', t.margin === null ? '–' : pct(t.margin)]),
    ),
  ].join('\n');
}

function targetsSection(res: BenchResults): string {
  const issue9 = res.targets.filter((t) => t.issue === 9);
  const issue3 = res.targets.filter((t) => t.issue !== 9);
  return [targetsIntro, '', '### Issue 9', '', targetsTable(issue9), '', '### Kept from issue 3', '', targetsTable(issue3)].join('\n');
}

function saturationHeadline(res: BenchResults): string {
  const pairs = res.summaries.map((r) => ({ r, rounds: saturatedRuns(r).map((run) => run.round) })).filter((p) => p.rounds.length > 0);
  const count = pairs.reduce((a, p) => a + p.rounds.length, 0);
  const total = res.summaries.reduce((a, r) => a + r.runs, 0);
  if (count === 0) return `no run of ${total}`;
  const list = pairs.map(({ r, rounds }) => `S${r.scenario} ${r.server} (round${rounds.length > 1 ? 's' : ''} ${rounds.join(', ')})`);
  return `${count} of ${total} runs (see "Generator saturation"): ${list.join('; ')}`;
}

function saturationSection(res: BenchResults): string {
  const runs = res.summaries.flatMap((r) => saturatedRuns(r).map((run) => ({ r, run })));
  const rule =
    "A run counts as generator-saturated when a load-tool shard's event loop was > 90 % busy, the generator used > 90 % of the cores, or the box was CPU-bound (generator + server > 90 % of the cores) with the generator using ≥ 2× the server's CPU (bench/loadtest/generator-saturation.ts). In such a run deliveries/s is a lower bound of the server's; deliveries per server CPU-second is the fairer comparison.";
  if (runs.length === 0) return `${rule}\n\nNo run was generator-saturated.`;
  return [
    rule,
    '',
    `${runs.length} of ${res.summaries.reduce((a, r) => a + r.runs, 0)} load runs were generator-saturated:`,
    '',
    ...runs.map(({ r, run }) => `- S${r.scenario} ${r.server} round ${run.round}: ${run.saturation.join('; ')}`),
  ].join('\n');
}

function profileSection(res: BenchResults): string {
  const p = res.profile;
  if (p === null) return 'Not run.';
  const head = `${p.server} under scenario 1's load (window 64) with \`--cpu-prof\` (one run; profiling slows it: ${si(p.run.deliveriesPerSecond.median)} deliveries/s, ${p.run.deliveriesPerCpuSecond.median > 0 ? si(p.run.deliveriesPerCpuSecond.median) : '–'} per CPU-s). Busy and idle time over the process's whole life (startup and module loading included). V8's profiler samples wall-clock time on each thread: a thread that wakes another (a ring's \`publish\`, \`postMessage\`) often loses its core to the thread it woke on this 2-core box, and the wait is charged to that call. On-CPU cost per message and per delivery, kernel included, is \`npm run bench:profile\` (perf), in docs/scaling.md.`;
  const roles = table(
    ['thread role', 'threads', 'busy s', 'idle s', 'share of busy time'],
    p.roles.map((r) => [
      r.role,
      String(r.threads),
      (r.busyMs / 1000).toFixed(1),
      (r.idleMs / 1000).toFixed(1),
      `${(r.share * 100).toFixed(1)} %`,
    ]),
  );
  const perThread = "Top functions per thread by self time; share = of the thread's busy (non-idle) time; native frames have no location.";
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
  return [head, '', roles, '', perThread, '', ...threads.flatMap((t) => [t, ''])].join('\n');
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const out: string[] = [
    `# roomcast broadcast benchmark — ${res.startedAt.slice(0, 10)}`,
    '',
    `Generated by \`${res.command}\` in ${(res.durationS / 60).toFixed(1)} min${res.quick ? ' (**quick** mode: shorter windows, smaller capacity test)' : ''}. ${res.repeats} round(s): in each, every server runs each scenario once, interleaved, so that a disturbance hits every server alike and ratios are taken within a round. Figures are the median of the rounds with the range (min–max) in brackets; max latency is the worst run's. Raw load-tool JSON: \`runs/\`; everything here: \`results.json\`.`,
    '',
    table(
      ['', ''],
      [
        ['machine', `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB`],
        ['OS', `${m.os}, Linux ${m.kernel}; open files ${m.openFileLimit}`],
        ['Node', m.node],
        ['peers', `${res.peers.nats}; ${res.peers.redis}; ${res.peers.python} (seed baseline)`],
        ['started', `${res.startedAt}, took ${(res.durationS / 60).toFixed(1)} min`],
        [
          'load average (1/5/15 min)',
          `at start ${res.loadAverageStart.join(' / ')}, at end ${res.loadAverageEnd.join(' / ')} — the box is shared with other engineers' tests`,
        ],
        ['brokers', res.brokerCommands.length === 0 ? 'not run' : res.brokerCommands.map((c) => `\`${c}\``).join('; ')],
        ['generator saturated', saturationHeadline(res)],
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
    "Servers: `roomcast-wN` = roomcast with N connection workers; `naive` = `bench/baselines/naive-server.ts` (one `socket.write` per recipient); `coalescing` = `bench/baselines/coalescing-server.ts` (single thread, encode once, one write per client per turn: the bar from ARCHITECTURE.md); `seed` = `bench/baselines/seed_server.py` (select loop, raw `recv(1024)` relay); `nats`, `redis` = the report's own broker processes, started fresh with their default configuration on free loopback ports and stopped at the end (SUB/PUB, SUBSCRIBE/PUBLISH), so their CPU is theirs alone; `sink` = `bench/loadtest/sink-server.ts`, which streams pre-encoded lines and does no broadcast work: the tool's own receive capacity in that shape.",
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
    if (s.loadArgs !== null) {
      out.push(
        `Load tool: \`node bench/loadtest/main.ts --target HOST:PORT --protocol P --server-pid PID ${s.loadArgs.join(' ')} --json FILE --quiet\``,
        '',
      );
    }
    if (s.id === 4) {
      out.push(capacitySection(res), '');
      continue;
    }
    const rows = res.servers
      .map((id) => res.summaries.find((r) => r.scenario === s.id && r.server === id))
      .filter((r): r is RunSummary => r !== undefined);
    out.push(figures(rows), '', ratios(rows, 'rate' in s.shape && s.shape.rate > 0), '');
    const encodings = encodingsLine(rows);
    if (encodings !== '') out.push(encodings, '');
  }
  out.push('## Targets', '', targetsSection(res), '');
  out.push('## Generator saturation', '', saturationSection(res), '');
  if (res.failures.length > 0) out.push('## Runs that failed', '', ...res.failures.map((f) => `- ${f}`), '');
  out.push('## Where roomcast spends its time (CPU profile)', '', profileSection(res), '');
  out.push('## Charts', '', ...res.charts.flatMap((c) => [`![${c.title}](${c.file})`, '']));
  return out.join('\n');
}
