/**
 * roomcast's targets, checked against this report's runs. Comparisons with another server are paired:
 * a ratio per round (both ran in it, interleaved), and the median of those ratios against the bar, with
 * each round's value in `measured`. Every target is stated per worker count, so a miss shows by how much.
 */
import type { CapacityResult } from './capacity-run.ts';
import { formatPaired, type PairedRatio, pairedRatio } from './paired-ratio.ts';
import type { RunFigures, RunSummary } from './run-summary.ts';

export interface TargetCheck {
  /** The issue that set the bar: 9 (this report's), or 3 (kept). */
  issue: number;
  target: string;
  server: string;
  measured: string;
  met: boolean;
  /** How far from the bar: ratio / required − 1 (negative = short by that fraction). */
  margin: number | null;
}

/** A stall: a run whose worst latency is more than this many times its own p99. */
export const stallFactor = 5;
const brokers = ['nats', 'redis'];

function find(rows: RunSummary[], scenario: number, server: string): RunSummary | undefined {
  return rows.find((r) => r.scenario === scenario && r.server === server);
}

/** Per round, the run of whichever candidate did best in it (higher `pick`, or lower with `lowerIsBetter`). */
export function bestPerRound(
  candidates: RunSummary[],
  pick: (r: RunFigures) => number,
  lowerIsBetter = false,
): { figures: RunFigures[]; servers: string[] } {
  const rounds = [...new Set(candidates.flatMap((c) => c.perRun.map((r) => r.round)))].sort((a, b) => a - b);
  const best = rounds.flatMap((round) => {
    const runs = candidates
      .map((c) => ({ server: c.server, run: c.perRun.find((r) => r.round === round) }))
      .filter((x): x is { server: string; run: RunFigures } => x.run !== undefined && pick(x.run) > 0);
    if (runs.length === 0) return [];
    return [runs.reduce((a, b) => ((lowerIsBetter ? pick(b.run) < pick(a.run) : pick(b.run) > pick(a.run)) ? b : a))];
  });
  return { figures: best.map((b) => b.run), servers: best.map((b) => b.server) };
}

function pairedCheck(
  issue: number,
  target: string,
  server: string,
  paired: PairedRatio | null,
  required: number,
  against: string,
): TargetCheck | null {
  if (paired === null) return null;
  return {
    issue,
    target,
    server,
    measured: `${formatPaired(paired)} ${against}`,
    met: paired.median >= required,
    margin: paired.median / required - 1,
  };
}

const perCpu = (r: RunFigures): number => r.deliveriesPerCpuSecond;
const dps = (r: RunFigures): number => r.deliveriesPerSecond;
const p99 = (r: RunFigures): number => r.p99Ms;
const cores = (r: RunFigures): number => r.serverCores;
const against = (servers: string[]): string => {
  const distinct = [...new Set(servers)];
  return distinct.length === 1 ? distinct[0] : `best per round: ${servers.join(', ')}`;
};

/** Issue 9: the workers' cost per delivery against the single-thread bar, and what a 4th worker costs. */
function workerEfficiency(rows: RunSummary[]): (TargetCheck | null)[] {
  return [1, 6].flatMap((scenario) => {
    const w2 = find(rows, scenario, 'roomcast-w2');
    const w4 = find(rows, scenario, 'roomcast-w4');
    const coalescing = find(rows, scenario, 'coalescing');
    return [
      w2 === undefined || coalescing === undefined
        ? null
        : pairedCheck(
            9,
            `S${scenario} deliveries per server CPU-s ≥ 0.85× single-thread coalescing`,
            'roomcast-w2',
            pairedRatio(w2.perRun, coalescing.perRun, perCpu),
            0.85,
            'coalescing',
          ),
      w2 === undefined || w4 === undefined
        ? null
        : pairedCheck(
            9,
            `S${scenario} deliveries per server CPU-s with 4 workers ≥ 0.9× with 2`,
            'roomcast-w4',
            pairedRatio(w4.perRun, w2.perRun, perCpu),
            0.9,
            'roomcast-w2',
          ),
    ];
  });
}

/** Issue 9: in the open-loop room, theirs ÷ ours per round (lower is better, so ≥ 1× is met). */
function openLoopLatency(rows: RunSummary[], roomcastIds: string[]): (TargetCheck | null)[] {
  const redis = find(rows, 7, 'redis');
  if (redis === undefined) return [];
  return roomcastIds.map((id) => {
    const r = find(rows, 7, id);
    if (r === undefined) return null;
    return pairedCheck(
      9,
      "S7 p99 ≤ Redis's p99 in the same round (Redis ÷ roomcast)",
      id,
      pairedRatio(redis.perRun, r.perRun, p99),
      1,
      'redis',
    );
  });
}

/**
 * Issue 9, scenario 3: at a fixed offered rate every server does the same work, so the CPU it spends on it
 * is the efficiency question; the bar is the cheaper broker of each round (theirs ÷ ours ≥ 1×).
 */
function fixedRateCpu(rows: RunSummary[], roomcastIds: string[]): (TargetCheck | null)[] {
  const peers = brokers.map((id) => find(rows, 3, id)).filter((r): r is RunSummary => r !== undefined);
  if (peers.length === 0) return [];
  const best = bestPerRound(peers, cores, true);
  return roomcastIds.map((id) => {
    const r = find(rows, 3, id);
    if (r === undefined) return null;
    return pairedCheck(
      9,
      "S3 server CPU-s per second ≤ the cheaper broker's in the same round (broker ÷ roomcast)",
      id,
      pairedRatio(best.figures, r.perRun, cores),
      1,
      against(best.servers),
    );
  });
}

/** Issue 9: in every run of every roomcast load scenario, max ≤ stallFactor × that run's p99. */
function noStalls(rows: RunSummary[], roomcastIds: string[]): TargetCheck[] {
  return roomcastIds.flatMap((id) => {
    const runs = rows
      .filter((r) => r.server === id)
      .flatMap((r) => r.perRun.map((run) => ({ scenario: r.scenario, run, factor: run.p99Ms > 0 ? run.maxMs / run.p99Ms : 0 })));
    if (runs.length === 0) return [];
    const worst = runs.reduce((a, b) => (b.factor > a.factor ? b : a));
    const offenders = runs.filter((r) => r.factor > stallFactor);
    const where = (r: (typeof runs)[number]): string =>
      `S${r.scenario} round ${r.run.round} (max ${r.run.maxMs.toFixed(1)} ms = ${r.factor.toFixed(1)}× p99 ${r.run.p99Ms.toFixed(1)} ms)`;
    return [
      {
        issue: 9,
        target: `no stalls: max latency ≤ ${stallFactor}× the run's p99, every run`,
        server: id,
        measured:
          offenders.length === 0
            ? `${runs.length} runs; worst ${where(worst)}`
            : `${offenders.length} of ${runs.length} runs over: ${offenders.map(where).join('; ')}`,
        met: offenders.length === 0,
        margin: worst.factor > 0 ? stallFactor / worst.factor - 1 : null,
      },
    ];
  });
}

function integrity(rows: RunSummary[], roomcastIds: string[]): TargetCheck[] {
  return roomcastIds.flatMap((id) => {
    const mine = rows.filter((r) => r.server === id);
    if (mine.length === 0) return [];
    const lost = mine.reduce((a, r) => a + r.lost + r.garbled + r.duplicates, 0);
    const disordered = mine.filter((r) => !r.orderConsistent).map((r) => `S${r.scenario}`);
    return [
      {
        issue: 9,
        target: 'zero loss and one order per room (every load scenario, every run)',
        server: id,
        measured: `${lost} lost/garbled/duplicate; order ${disordered.length === 0 ? 'consistent' : `divergent in ${disordered.join(', ')}`}`,
        met: lost === 0 && disordered.length === 0,
        margin: null,
      },
    ];
  });
}

/**
 * Issue 3's ratios still standing, now paired: throughput and cost against the better broker of each
 * round, and against the naive baseline (scenario 1 only). Its "0.5× coalescing" and "S3 p99 ≤ best broker"
 * are superseded by issue 9's worker-efficiency, open-loop latency and scenario 3 CPU targets.
 */
function issue3Ratios(rows: RunSummary[], roomcastIds: string[]): (TargetCheck | null)[] {
  return [1, 2].flatMap((scenario) => {
    const peers = brokers.map((id) => find(rows, scenario, id)).filter((r): r is RunSummary => r !== undefined);
    const brokerDps = peers.length === 0 ? null : bestPerRound(peers, dps);
    const brokerCpu = peers.length === 0 ? null : bestPerRound(peers, perCpu);
    const naive = find(rows, scenario, 'naive');
    return roomcastIds.flatMap((id) => {
      const r = find(rows, scenario, id);
      if (r === undefined) return [];
      return [
        brokerDps === null
          ? null
          : pairedCheck(
              3,
              `S${scenario} deliveries/s ≥ 2× the better broker`,
              id,
              pairedRatio(r.perRun, brokerDps.figures, dps),
              2,
              against(brokerDps.servers),
            ),
        brokerCpu === null
          ? null
          : pairedCheck(
              3,
              `S${scenario} deliveries per server CPU-s ≥ 4× the better broker`,
              id,
              pairedRatio(r.perRun, brokerCpu.figures, perCpu),
              4,
              against(brokerCpu.servers),
            ),
        naive === undefined
          ? null
          : pairedCheck(3, `S${scenario} deliveries/s ≥ 20× naive`, id, pairedRatio(r.perRun, naive.perRun, dps), 20, 'naive'),
        naive === undefined
          ? null
          : pairedCheck(
              3,
              `S${scenario} deliveries per server CPU-s ≥ 20× naive`,
              id,
              pairedRatio(r.perRun, naive.perRun, perCpu),
              20,
              'naive',
            ),
      ];
    });
  });
}

function capacityChecks(capacity: CapacityResult[]): TargetCheck[] {
  return capacity.map((c) => {
    const refusedCleanly = c.probe !== null && c.probe.refusedServerFull > 0 && c.probe.servesAfter;
    return {
      issue: 3,
      target: 'S4 holds every client; refuses past its cap with SERVER_FULL and keeps serving',
      server: c.server,
      measured: `${c.ready}/${c.target} ready, ${c.disconnects} dropped; ${c.probe === null ? 'cap not probed' : `${c.probe.refusedServerFull} refused, serves after: ${c.probe.servesAfter}`}; alive: ${c.aliveAfter}`,
      met: c.ready === c.target && c.disconnects === 0 && refusedCleanly && c.aliveAfter,
      margin: null,
    };
  });
}

export function checkTargets(rows: RunSummary[], capacity: CapacityResult[], roomcastIds: string[]): TargetCheck[] {
  return [
    ...workerEfficiency(rows),
    ...openLoopLatency(rows, roomcastIds),
    ...fixedRateCpu(rows, roomcastIds),
    ...noStalls(rows, roomcastIds),
    ...integrity(rows, roomcastIds),
    ...issue3Ratios(rows, roomcastIds),
    ...capacityChecks(capacity),
  ].filter((c): c is TargetCheck => c !== null);
}
