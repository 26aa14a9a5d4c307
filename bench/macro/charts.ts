/**
 * The report's charts as SVG: vega-lite specs rendered headless by vega (no browser, no canvas), one
 * file per question a reader asks — how fast, how efficient, how long a message waits.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunSummary } from './run-summary.ts';

export interface Chart {
  file: string;
  title: string;
  svg: string;
}

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const palette = { roomcast: '#1f77b4', baseline: '#8c8c8c', broker: '#ff7f0e', sink: '#2ca02c' };

function family(server: string): keyof typeof palette {
  if (server.startsWith('roomcast')) return 'roomcast';
  if (server === 'nats' || server === 'redis') return 'broker';
  if (server === 'sink') return 'sink';
  return 'baseline';
}

/** Horizontal bars per server, one panel per scenario, value printed at each bar's end. */
function barSpec(rows: RunSummary[], title: string, value: (r: RunSummary) => number, axisTitle: string, order: string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: {
      values: rows.map((r) => ({ scenario: `scenario ${r.scenario}`, server: r.server, family: family(r.server), value: value(r) })),
    },
    facet: { row: { field: 'scenario', type: 'nominal', title: null } },
    spec: {
      width: 520,
      height: { step: 20 },
      layer: [
        { mark: 'bar' },
        { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'value', type: 'quantitative', format: '.3s' } } },
      ],
      encoding: {
        y: { field: 'server', type: 'nominal', sort: order, title: null },
        x: { field: 'value', type: 'quantitative', title: axisTitle, axis: { format: '~s' } },
        color: { field: 'family', type: 'nominal', scale: { domain: Object.keys(palette), range: Object.values(palette) }, title: null },
      },
    },
  };
}

/** Latency percentiles per server on a log scale, one panel per scenario. */
function latencySpec(rows: RunSummary[], order: string[]): TopLevelSpec {
  const percentiles = ['p50', 'p90', 'p99', 'p99.9', 'max'];
  const values = rows.flatMap((r) => {
    const l = r.latencyMs;
    return [l.p50, l.p90, l.p99, l.p999, l.max].map((ms, i) => ({
      scenario: `scenario ${r.scenario}`,
      server: r.server,
      percentile: percentiles[i],
      ms: Math.max(ms, 0.01),
    }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'End-to-end latency percentiles (ms, log scale; medians of runs)',
    data: { values },
    facet: { column: { field: 'scenario', type: 'nominal', title: null } },
    spec: {
      width: 260,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'percentile', type: 'ordinal', sort: percentiles, title: null, axis: { labelAngle: 0 } },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms)' },
        color: { field: 'server', type: 'nominal', sort: order, scale: { scheme: 'tableau10' } },
      },
    },
  };
}

export async function renderCharts(rows: RunSummary[], order: string[]): Promise<Chart[]> {
  const flood = rows.filter((r) => r.scenario === 1 || r.scenario === 2);
  const measured = flood.filter((r) => r.deliveriesPerCpuSecond > 0 && r.server !== 'sink');
  const specs: [string, string, TopLevelSpec][] = [
    [
      'throughput.svg',
      'Deliveries per second',
      barSpec(
        flood,
        "Deliveries/s, as fast as possible (sink = the load tool's own capacity)",
        (r) => r.deliveriesPerSecond,
        'deliveries/s',
        order,
      ),
    ],
    [
      'per-cpu-second.svg',
      'Deliveries per server CPU-second',
      barSpec(measured, 'Deliveries per server CPU-second', (r) => r.deliveriesPerCpuSecond, 'deliveries per CPU-second', order),
    ],
    [
      'latency.svg',
      'Latency percentiles',
      latencySpec(
        rows.filter((r) => r.server !== 'sink'),
        order,
      ),
    ],
  ];
  return Promise.all(specs.map(async ([file, title, spec]) => ({ file, title, svg: await render(spec) })));
}
