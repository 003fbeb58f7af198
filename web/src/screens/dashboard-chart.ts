/**
 * The Dashboard's charts (ECharts, canvas), in their own chunk: the Dashboard imports this module on
 * demand (`import('./dashboard-chart')`), so ECharts never weighs on the first screen. Only the
 * pieces drawn here are registered (bars, lines, axes, tooltip), which keeps the chunk small.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import type { EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export interface ChartData {
  readonly kind: 'line' | 'bar';
  readonly labels: readonly string[];
  readonly values: readonly (number | null)[];
  /** A value in words, for the axis and the tooltip (a percentage, a count, euros…). */
  readonly format: (v: number) => string;
}

/** Draws (or redraws) a chart in `el`; returns how to take it down. */
export function drawChart(el: HTMLElement, data: ChartData): () => void {
  const chart: EChartsType = init(el, undefined, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    color: ['#0b5cad'],
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? data.format(v) : '—'),
    },
    xAxis: {
      type: 'category',
      data: [...data.labels],
      axisLabel: { color: '#1b1f24', hideOverlap: true },
      axisLine: { lineStyle: { color: '#4a5260' } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: '#1b1f24', formatter: (v: number) => data.format(v) },
      splitLine: { lineStyle: { color: '#c9ced6' } },
    },
    series: [
      {
        type: data.kind,
        data: [...data.values],
        connectNulls: false,
        symbolSize: 6,
        lineStyle: { width: 2 },
        barMaxWidth: 48,
      },
    ],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
