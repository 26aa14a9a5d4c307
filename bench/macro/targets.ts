/**
 * issue 3's targets for roomcast, checked against the same run's medians. Every target is stated per
 * worker count with its ratio, so a miss shows by how much.
 */
import type { CapacityResult } from './capacity-run.ts';
import type { RunSummary } from './run-summary.ts';

export interface TargetCheck {
  target: string;
  server: string;
  measured: string;
  met: boolean;
  /** How far from the bar: ratio / required − 1 (negative = short by that fraction). */
  margin: number | null;
}

const x = (r: number): string => `${r.toFixed(2)}×`;

function find(rows: RunSummary[], scenario: number, server: string): RunSummary | undefined {
  return rows.find((r) => r.scenario === scenario && r.server === server);
}

function best(rows: RunSummary[], scenario: number, ids: string[], pick: (r: RunSummary) => number): { id: string; value: number } | null {
  const found = ids.map((id) => find(rows, scenario, id)).filter((r): r is RunSummary => r !== undefined && pick(r) > 0);
  if (found.length === 0) return null;
  const top = found.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  return { id: top.server, value: pick(top) };
}

function ratioCheck(
  target: string,
  server: string,
  value: number,
  against: { id: string; value: number } | null,
  required: number,
): TargetCheck | null {
  if (against === null || value <= 0) return null;
  const ratio = value / against.value;
  return { target, server, measured: `${x(ratio)} ${against.id}`, met: ratio >= required, margin: ratio / required - 1 };
}

export function checkTargets(rows: RunSummary[], capacity: CapacityResult[], roomcastIds: string[]): TargetCheck[] {
  const checks: (TargetCheck | null)[] = [];
  const dps = (r: RunSummary): number => r.deliveriesPerSecond;
  const perCpu = (r: RunSummary): number => r.deliveriesPerCpuSecond;
  for (const scenario of [1, 2]) {
    const brokerDps = best(rows, scenario, ['nats', 'redis'], dps);
    const brokerCpu = best(rows, scenario, ['nats', 'redis'], perCpu);
    const naiveDps = best(rows, scenario, ['naive'], dps);
    const naiveCpu = best(rows, scenario, ['naive'], perCpu);
    const coalescingCpu = best(rows, scenario, ['coalescing'], perCpu);
    for (const id of roomcastIds) {
      const r = find(rows, scenario, id);
      if (r === undefined) continue;
      checks.push(
        ratioCheck(`S${scenario} deliveries/s ≥ 2× best broker`, id, r.deliveriesPerSecond, brokerDps, 2),
        ratioCheck(`S${scenario} deliveries per CPU-s ≥ 4× best broker`, id, r.deliveriesPerCpuSecond, brokerCpu, 4),
        ratioCheck(`S${scenario} deliveries/s ≥ 20× naive`, id, r.deliveriesPerSecond, naiveDps, 20),
        ratioCheck(`S${scenario} deliveries per CPU-s ≥ 20× naive`, id, r.deliveriesPerCpuSecond, naiveCpu, 20),
        ratioCheck(`S${scenario} deliveries per CPU-s ≥ 0.5× single-thread coalescing`, id, r.deliveriesPerCpuSecond, coalescingCpu, 0.5),
      );
    }
  }
  // Lower is better for latency: the check is brokers' best p99 over roomcast's.
  const brokerP99 = ['nats', 'redis'].map((id) => find(rows, 3, id)).filter((r): r is RunSummary => r !== undefined);
  if (brokerP99.length > 0) {
    const bestBroker = brokerP99.reduce((a, b) => (b.latencyMs.p99 < a.latencyMs.p99 ? b : a));
    for (const id of roomcastIds) {
      const r = find(rows, 3, id);
      if (r === undefined) continue;
      const ratio = bestBroker.latencyMs.p99 / r.latencyMs.p99;
      checks.push({
        target: 'S3 p99 no worse than the best broker',
        server: id,
        measured: `${r.latencyMs.p99.toFixed(2)} ms vs ${bestBroker.server} ${bestBroker.latencyMs.p99.toFixed(2)} ms`,
        met: ratio >= 1,
        margin: ratio - 1,
      });
    }
  }
  for (const id of roomcastIds) {
    const mine = rows.filter((r) => r.server === id);
    if (mine.length === 0) continue;
    const lost = mine.reduce((a, r) => a + r.lost + r.garbled + r.duplicates, 0);
    const disordered = mine.filter((r) => !r.orderConsistent).map((r) => `S${r.scenario}`);
    checks.push({
      target: 'zero loss and one order per room (every load scenario, every run)',
      server: id,
      measured: `${lost} lost/garbled/duplicate; order ${disordered.length === 0 ? 'consistent' : `divergent in ${disordered.join(', ')}`}`,
      met: lost === 0 && disordered.length === 0,
      margin: null,
    });
  }
  for (const c of capacity) {
    const refusedCleanly = c.probe !== null && c.probe.refusedServerFull > 0 && c.probe.servesAfter;
    checks.push({
      target: 'S4 holds every client; refuses past its cap with SERVER_FULL and keeps serving',
      server: c.server,
      measured: `${c.ready}/${c.target} ready, ${c.disconnects} dropped; ${c.probe === null ? 'cap not probed' : `${c.probe.refusedServerFull} refused, serves after: ${c.probe.servesAfter}`}; alive: ${c.aliveAfter}`,
      met: c.ready === c.target && c.disconnects === 0 && refusedCleanly && c.aliveAfter,
      margin: null,
    });
  }
  return checks.filter((c): c is TargetCheck => c !== null);
}
