/**
 * A backtest's days as a chart (ECharts, canvas): the rule's hits each day as bars and the controls
 * it would have added as a line. Loaded on demand (a chunk of its own, with only the parts of
 * ECharts it uses). The chart is an image with a short description in words; the numbers themselves
 * are in a table beside it (the rule screen's) for anyone who cannot see the chart. Tooltips draw on the
 * canvas (richText), so no inline style is added to the page (its content security policy has none).
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface BacktestChartProps {
  readonly days: readonly { day: string; hits: number; addedControlLoad: number }[];
  readonly labels: { readonly title: string; readonly hits: string; readonly added: string };
}

export default function BacktestChart({ days, labels }: BacktestChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (host.current === null) {
      return;
    }
    const chart = echarts.init(host.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      textStyle: { color: '#1b1f24' },
      legend: { top: 0, textStyle: { color: '#1b1f24' } },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: {
        type: 'category',
        data: days.map((d) => d.day),
        axisLabel: { color: '#1b1f24' },
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#1b1f24' } },
      series: [
        { name: labels.hits, type: 'bar', data: days.map((d) => d.hits), itemStyle: { color: '#0b5cad' } },
        {
          name: labels.added,
          type: 'line',
          data: days.map((d) => d.addedControlLoad),
          itemStyle: { color: '#a4161a' },
          lineStyle: { width: 2, type: 'dashed' },
          symbol: 'circle',
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [days, labels]);
  const total = days.reduce((n, d) => n + d.hits, 0);
  const added = days.reduce((n, d) => n + d.addedControlLoad, 0);
  return (
    <figure className="chart-figure">
      <figcaption>{labels.title}</figcaption>
      <div
        ref={host}
        className="chart"
        role="img"
        aria-label={`${labels.title}: ${labels.hits} ${total}, ${labels.added} ${added}`}
        data-testid="backtest-chart"
      />
    </figure>
  );
}
