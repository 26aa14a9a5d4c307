/**
 * A rate sweep as SVG (vega-lite rendered headless by vega, as bench/macro/charts.ts does): achieved
 * against offered rate, with the ideal diagonal, and p50/p99/max latency per stage on a log scale.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LoadReport } from './report.ts';

export async function renderStageChart(r: LoadReport): Promise<string> {
  const rate = r.stages.flatMap((s) => [
    { offered: s.offeredRate, series: 'achieved', value: s.achievedRate },
    { offered: s.offeredRate, series: 'offered (ideal)', value: s.offeredRate },
  ]);
  const latency = r.stages.flatMap((s) =>
    (['p50', 'p99', 'max'] as const).map((p) => ({ offered: s.offeredRate, percentile: p, ms: Math.max(s.latencyUs[p] / 1000, 0.001) })),
  );
  const x = { field: 'offered', type: 'quantitative', title: 'offered rate (msg/s)', axis: { format: '~s' } } as const;
  const kneeRule =
    r.knee === null
      ? []
      : [
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: '#d62728' },
            data: { values: [{ offered: r.knee.offeredRate }] },
            encoding: { x },
          },
        ];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Rate sweep: ${r.params.clients} clients, ${r.params.rooms} room(s), ${r.params.publishers} publishers${r.knee === null ? '' : ` — knee at ${r.knee.offeredRate} msg/s (${r.knee.reason})`}`,
    // Rates and percentiles are different series: one colour scale each.
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
    vconcat: [
      {
        width: 480,
        height: 220,
        layer: [
          {
            data: { values: rate },
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y: { field: 'value', type: 'quantitative', title: 'msg/s', axis: { format: '~s' } },
              color: { field: 'series', type: 'nominal', title: null },
              strokeDash: { field: 'series', type: 'nominal', title: null },
            },
          },
          ...kneeRule,
        ],
      },
      {
        width: 480,
        height: 220,
        layer: [
          {
            data: { values: latency },
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log)' },
              color: { field: 'percentile', type: 'nominal', sort: ['p50', 'p99', 'max'], title: null },
            },
          },
          ...kneeRule,
        ],
      },
    ],
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
