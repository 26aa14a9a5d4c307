/**
 * The report's charts as SVG: vega-lite specs rendered headless by vega (no browser, no canvas), one
 * file per question a reader asks — how fast, how efficient, how long a message waits.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunSummary } from './run-summary.ts';
import type { Spread } from './spread.ts';

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

/** Horizontal bars (medians) per server with the runs' range as an error bar, one panel per scenario. */
function barSpec(rows: RunSummary[], title: string, value: (r: RunSummary) => Spread, axisTitle: string, order: string[]): TopLevelSpec {
  const y = { field: 'server', type: 'nominal', sort: order, title: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: {
      values: rows.map((r) => {
        const v = value(r);
        return { scenario: `scenario ${r.scenario}`, server: r.server, family: family(r.server), value: v.median, min: v.min, max: v.max };
      }),
    },
    facet: { row: { field: 'scenario', type: 'nominal', title: null } },
    spec: {
      width: 520,
      height: { step: 20 },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y,
            x: { field: 'value', type: 'quantitative', title: axisTitle, axis: { format: '~s' } },
            color: {
              field: 'family',
              type: 'nominal',
              scale: { domain: Object.keys(palette), range: Object.values(palette) },
              title: null,
            },
          },
        },
        { mark: { type: 'rule', color: 'black' }, encoding: { y, x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4 },
          encoding: { y, x: { field: 'max', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format: '.3s' } },
        },
      ],
    },
  };
}

/** Latency percentiles per server on a log scale with the runs' range as error bars, one panel per scenario. */
function latencySpec(rows: RunSummary[], order: string[]): TopLevelSpec {
  const percentiles = ['p50', 'p90', 'p99', 'p99.9', 'max'];
  const floor = (ms: number): number => Math.max(ms, 0.01);
  const values = rows.flatMap((r) => {
    const l = r.latencyMs;
    const worst: Spread = { median: l.max, min: l.max, max: l.max };
    return [l.p50, l.p90, l.p99, l.p999, worst].map((v, i) => ({
      scenario: `scenario ${r.scenario}`,
      server: r.server,
      percentile: percentiles[i],
      ms: floor(v.median),
      min: floor(v.min),
      max: floor(v.max),
    }));
  });
  const x = { field: 'percentile', type: 'ordinal', sort: percentiles, title: null, axis: { labelAngle: 0 } } as const;
  const color = { field: 'server', type: 'nominal', sort: order, scale: { scheme: 'tableau10' } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'End-to-end latency (ms, log scale): medians of runs, bars = range over runs; max = the worst run',
    data: { values },
    facet: { column: { field: 'scenario', type: 'nominal', title: null } },
    spec: {
      width: 260,
      height: 240,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: { x, y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms)' }, color },
        },
        { mark: 'rule', encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color } },
      ],
    },
  };
}

export async function renderCharts(rows: RunSummary[], order: string[], closedLoopScenarios: number[]): Promise<Chart[]> {
  const flood = rows.filter((r) => closedLoopScenarios.includes(r.scenario));
  const measured = flood.filter((r) => r.deliveriesPerCpuSecond.median > 0 && r.server !== 'sink');
  const specs: [string, string, TopLevelSpec][] = [
    [
      'throughput.svg',
      'Deliveries per second',
      barSpec(
        flood,
        "Deliveries/s, as fast as possible: medians, bars = range over runs (sink = the load tool's own capacity)",
        (r) => r.deliveriesPerSecond,
        'deliveries/s',
        order,
      ),
    ],
    [
      'per-cpu-second.svg',
      'Deliveries per server CPU-second',
      barSpec(
        measured,
        'Deliveries per server CPU-second: medians, bars = range over runs',
        (r) => r.deliveriesPerCpuSecond,
        'deliveries per CPU-second',
        order,
      ),
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
