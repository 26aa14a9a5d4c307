/**
 * The checks a run must pass for the tool to exit 0, as k6 thresholds and CI gates expect: each failure
 * is one sentence saying what failed and by how much. Pure: it reads a finished report.
 */
import type { CheckFailure, LoadReport } from './report.ts';

/** --max-loss: a number of lost deliveries, or a ratio of the expected ones. */
export type MaxLoss = { kind: 'count'; value: number } | { kind: 'ratio'; value: number };

/** "50" = 50 deliveries, "0.001" = a ratio, "0.1%" = a percentage; null when it is none of them. */
export function parseMaxLoss(text: string): MaxLoss | null {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (percent !== null) {
    const value = Number(percent[1]) / 100;
    return value <= 1 ? { kind: 'ratio', value } : null;
  }
  if (!/^\d+(?:\.\d+)?$/.test(t)) return null;
  const value = Number(t);
  if (Number.isInteger(value) && !t.includes('.')) return { kind: 'count', value };
  return value <= 1 ? { kind: 'ratio', value } : null;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

function describeMaxLoss(m: MaxLoss): string {
  return m.kind === 'count' ? String(m.value) : `${+(m.value * 100).toPrecision(6)}%`;
}

export const throttlingAdvice = 'start it with --flood-messages-per-second 0 --flood-bytes-per-second 0';

/** roomcast's refusals of a connection (src/protocol/errors.ts) and the flag that lifts each for a benchmark. */
const refusalAdvice: [code: string, advice: string][] = [
  ['CONNECTING_TOO_FAST', 'the server limits connects per address: start it with --max-connects-per-ip-per-second 0'],
  ['TOO_MANY_CONNECTIONS', 'the server limits connections per address: start it with --max-connections-per-ip 0'],
  ['SERVER_FULL', 'the server is at --max-connections'],
];

/** What the error lines a run collected say about clients refused at the door; empty when nothing does. */
function refusals(samples: readonly string[]): string {
  const found = refusalAdvice.filter(([code]) => samples.some((line) => line.startsWith(`!! ${code} `)));
  return found.map(([code, advice]) => `; refused with ${code}: ${advice}`).join('');
}

export function evaluateChecks(r: LoadReport): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (check: string, message: string): number => failures.push({ check, message });
  const p = r.params;
  const { integrity: i, errors: e } = r;

  const notReady = r.connect.attempted - r.connect.ready;
  if (notReady > 0) {
    const codes = e.connectErrorSamples.length > 0 ? ` (${[...new Set(e.connectErrorSamples)].join(', ')})` : '';
    fail(
      'connect',
      `${n(notReady)} of ${n(r.connect.attempted)} clients never became ready: ${n(e.connectErrors)} connect errors${codes}, ${n(e.handshakeFailures)} handshake failures${refusals(e.samples)}`,
    );
  }
  if (e.floodErrors > 0) {
    fail('throttling', `the server is throttling publishers (${n(e.floodErrors)} flood errors); ${throttlingAdvice}`);
  }
  if (e.disconnects > 0) fail('disconnects', `${n(e.disconnects)} clients were disconnected during the run`);
  if (p.publishers > 0 && i.published === 0) fail('published', 'no message was published: no publisher became ready');

  const allowed = p.maxLoss.kind === 'count' ? p.maxLoss.value : p.maxLoss.value * i.expectedDeliveries;
  if (i.lost > allowed) {
    const ingress =
      i.neverDelivered > 0
        ? `; ${n(i.neverDelivered)} of ${n(i.published)} published messages reached no member at all (dropped on the way in${e.floodErrors > 0 ? ': throttled' : ''})`
        : '';
    fail(
      'loss',
      `${n(i.lost)} of ${n(i.expectedDeliveries)} deliveries lost (${(i.lossRatio * 100).toFixed(3)}%), over --max-loss ${describeMaxLoss(p.maxLoss)} by ${n(i.lost - allowed)}${ingress}`,
    );
  }
  if (i.duplicates > 0 || i.misrouted > 0) {
    fail('integrity', `${n(i.duplicates)} duplicate and ${n(i.misrouted)} misrouted deliveries (allowed: none)`);
  }
  if (r.order.divergentRooms > 0) {
    fail(
      'order',
      `${r.order.divergentRooms} of ${r.order.rooms} rooms diverged: lossless members saw the room's messages in different orders`,
    );
  }
  if (p.maxP99Ms !== null) {
    const p99Ms = r.latencyUs.p99 / 1000;
    if (r.latencyUs.count === 0) fail('p99', `no latency sample to hold to --max-p99-ms ${p.maxP99Ms}`);
    else if (p99Ms > p.maxP99Ms) {
      fail('p99', `p99 latency ${p99Ms.toFixed(2)} ms, over --max-p99-ms ${p.maxP99Ms} by ${(p99Ms - p.maxP99Ms).toFixed(2)} ms`);
    }
  }
  const minDps = p.minDeliveriesPerSecond;
  if (minDps !== null && r.throughput.deliveriesPerSecond < minDps) {
    fail(
      'deliveries',
      `${n(r.throughput.deliveriesPerSecond)} deliveries/s, under --min-deliveries-per-second ${n(minDps)} by ${n(minDps - r.throughput.deliveriesPerSecond)}`,
    );
  }
  return failures;
}
