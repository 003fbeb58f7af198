/**
 * The Dashboard (analysts, coordinators, auditors, admins: permission indicator.read): the
 * performance indicators (GET /v1/indicators, docs/indicators.md) over a period the reader chooses,
 * as a series per day, week, month, quarter or year and broken down by one dimension (office, mode…).
 * A few key figures stand at the top; any indicator of the catalogue can be charted below with its
 * definition and formula in words. Charts are ECharts on a canvas, loaded on demand (its own chunk);
 * each has a text alternative: a summary read by screen readers and a table of the same figures.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorPanel, duration } from '../components';
import type { ChartData } from './dashboard-chart';
import '../i18n-dashboard';
import './dashboard.css';

/** The JSON answer (the same operation also answers CSV, as a string). */
type Report = Exclude<
  paths['/v1/indicators']['get']['responses'][200]['content']['application/json'],
  string
>;
type Indicator = Report['indicators'][number];
type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';

const PERIODS: readonly Period[] = ['day', 'week', 'month', 'quarter', 'year'];
export const DIMENSIONS = [
  'none',
  'mode',
  'office',
  'filing-type',
  'control-type',
  'method',
  'segment',
] as const;
/** The key figures: filings processed, consignments assessed, hit, control and detection rates. */
export const HEADLINES = ['DQ-01', 'TG-01', 'TG-02', 'TG-03', 'TG-05'] as const;

const DAY = 86_400_000;
const addDays = (date: string, n: number): string =>
  new Date(Date.parse(date) + n * DAY).toISOString().slice(0, 10);

/** A value of an indicator in words, in the reader's language and the indicator's unit. */
export function formatValue(v: number, unit: string, lng: string, t: TFunction): string {
  switch (unit) {
    case 'ratio':
      return new Intl.NumberFormat(lng, { style: 'percent', maximumFractionDigits: 1 }).format(v);
    case 'factor':
      return `×${new Intl.NumberFormat(lng, { maximumFractionDigits: 2 }).format(v)}`;
    case 'eur':
      return new Intl.NumberFormat(lng, {
        style: 'currency',
        currency: 'EUR',
        maximumFractionDigits: 0,
      }).format(v);
    case 'ms':
      return v < 1000
        ? `${new Intl.NumberFormat(lng, { maximumFractionDigits: 0 }).format(v)} ms`
        : v < 60_000
          ? `${new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(v / 1000)} s`
          : duration(v, t);
    default:
      return new Intl.NumberFormat(lng, { maximumFractionDigits: 2 }).format(v);
  }
}

interface Filters {
  /** Undefined: the server's default (the last 30 days). */
  readonly from?: string;
  readonly to?: string;
  readonly period: Period;
  readonly by: (typeof DIMENSIONS)[number];
}

function queryOf(f: Filters) {
  return {
    ...(f.from !== undefined ? { from: f.from } : {}),
    ...(f.to !== undefined ? { to: f.to } : {}),
    period: f.period,
    ...(f.by !== 'none' ? { by: f.by } : {}),
  };
}

export function Dashboard() {
  const { t, i18n } = useTranslation();
  const lng = i18n.resolvedLanguage ?? 'en';
  const [filters, setFilters] = useState<Filters>({ period: 'day', by: 'none' });
  const [chosen, setChosen] = useState<string>('TG-03');
  const query = queryOf(filters);
  const report = useQuery({
    queryKey: ['indicators', query],
    queryFn: async () => dataOf(await api.GET('/v1/indicators', { params: { query } })) as Report,
    placeholderData: keepPreviousData,
  });
  const data = report.data;
  const byId = new Map((data?.indicators ?? []).map((i) => [i.id, i]));
  const indicator = byId.get(chosen);
  const format = (i: Indicator) => (v: number) => formatValue(v, i.unit, lng, t);
  const csv = new URLSearchParams({ ...query, format: 'csv' });

  return (
    <main id="main" className="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <p className="hint">{t('dashboard.intro')}</p>
      {data !== undefined && (
        <PeriodForm
          key={`${data.from}/${data.to}`}
          from={data.from}
          to={data.to}
          filters={filters}
          onChange={setFilters}
        />
      )}
      {report.isError && <ErrorPanel error={report.error} onRetry={() => void report.refetch()} />}
      {report.isPending && <p>{t('dashboard.loading')}</p>}
      {data !== undefined && (
        <>
          <p className="summary" aria-live="polite" data-range={`${data.from}/${data.to}`}>
            {t('dashboard.range', {
              from: data.from,
              to: addDays(data.to, -1),
              authorities: data.authorities.join(', '),
            })}{' '}
            <a href={`/v1/indicators?${csv.toString()}`} download>
              {t('dashboard.csv')}
            </a>
          </p>
          <section aria-labelledby="headlines-title">
            <h2 id="headlines-title">{t('dashboard.headlines')}</h2>
            <ul className="headlines">
              {HEADLINES.map((id) => {
                const i = byId.get(id);
                if (i === undefined) {
                  return null;
                }
                const title = t(`dashboard.headline.${id}`);
                return (
                  <li key={id} className="headline" data-indicator={id} data-value={String(i.value)}>
                    <span className="headline-title">{title}</span>
                    <span className="headline-value">{i.value === null ? '—' : format(i)(i.value)}</span>
                    <span className="sub">
                      {id} · {i.title}
                    </span>
                    <Button
                      className="button secondary"
                      aria-pressed={chosen === id}
                      onPress={() => setChosen(id)}
                    >
                      {t('dashboard.showChart', { title })}
                    </Button>
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-labelledby="indicator-title" className="indicator">
            <h2 id="indicator-title">{t('dashboard.catalogue')}</h2>
            <div className="field">
              <label htmlFor="dashboard-indicator">{t('dashboard.indicator')}</label>
              <select
                id="dashboard-indicator"
                className="input"
                value={chosen}
                onChange={(e) => setChosen(e.target.value)}
              >
                {[...new Set(data.indicators.map((i) => i.group))].map((group) => (
                  <optgroup key={group} label={group}>
                    {data.indicators
                      .filter((i) => i.group === group)
                      .map((i) => (
                        <option key={i.id} value={i.id}>
                          {i.id} · {i.title}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </div>
            {indicator !== undefined && (
              <IndicatorView indicator={indicator} filters={filters} format={format(indicator)} />
            )}
          </section>
        </>
      )}
    </main>
  );
}

/** From, to (the last day, shown inclusive), the series' period and the breakdown. */
function PeriodForm(props: { from: string; to: string; filters: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(props.from);
  const [last, setLast] = useState(addDays(props.to, -1));
  const [problem, setProblem] = useState(false);
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (from === '' || last === '' || from > last) {
      setProblem(true);
      return;
    }
    setProblem(false);
    props.onChange({ ...props.filters, from, to: addDays(last, 1) });
  }
  return (
    <form className="filters" aria-label={t('dashboard.filters')} onSubmit={apply}>
      <div className="field">
        <label htmlFor="dashboard-from">{t('dashboard.from')}</label>
        <input
          id="dashboard-from"
          type="date"
          className="input"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          aria-invalid={problem || undefined}
          aria-describedby={problem ? 'dashboard-range-problem' : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor="dashboard-to">{t('dashboard.to')}</label>
        <input
          id="dashboard-to"
          type="date"
          className="input"
          value={last}
          onChange={(e) => setLast(e.target.value)}
          aria-invalid={problem || undefined}
          aria-describedby={problem ? 'dashboard-range-problem' : undefined}
        />
      </div>
      <Button type="submit" className="button secondary">
        {t('dashboard.apply')}
      </Button>
      <div className="field">
        <label htmlFor="dashboard-period">{t('dashboard.period')}</label>
        <select
          id="dashboard-period"
          className="input"
          value={props.filters.period}
          onChange={(e) => props.onChange({ ...props.filters, period: e.target.value as Period })}
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`dashboard.periods.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="dashboard-by">{t('dashboard.by')}</label>
        <select
          id="dashboard-by"
          className="input"
          value={props.filters.by}
          onChange={(e) =>
            props.onChange({ ...props.filters, by: e.target.value as (typeof DIMENSIONS)[number] })
          }
        >
          {DIMENSIONS.map((d) => (
            <option key={d} value={d}>
              {t(`dashboard.dims.${d}`)}
            </option>
          ))}
        </select>
      </div>
      {problem && (
        <p id="dashboard-range-problem" role="alert" className="field-error">
          {t('dashboard.badRange')}
        </p>
      )}
    </form>
  );
}

const dimWords = (dim: string, t: TFunction): string =>
  (DIMENSIONS as readonly string[]).includes(dim) ? t(`dashboard.dims.${dim}`) : dim;

/** One indicator: its definition, formula and unit, and its series and breakdown as charts. */
function IndicatorView(props: { indicator: Indicator; filters: Filters; format: (v: number) => string }) {
  const { t } = useTranslation();
  const i = props.indicator;
  const { period, by } = props.filters;
  const p = i.percentiles;
  return (
    <article className="indicator-view" data-indicator={i.id}>
      <h3>
        {i.id} · {i.title}
      </h3>
      <dl className="definition">
        <dt>{t('dashboard.definition')}</dt>
        <dd lang="en">{i.definition}</dd>
        <dt>{t('dashboard.formula')}</dt>
        <dd>
          <code>{i.formula}</code>
        </dd>
        <dt>{t('dashboard.unit')}</dt>
        <dd>{t(`dashboard.units.${i.unit}`, { defaultValue: i.unit })}</dd>
      </dl>
      {i.unavailable !== undefined && <p>{t('dashboard.unavailable', { why: i.unavailable })}</p>}
      {p !== undefined && p !== null && (
        <p>
          {t('dashboard.percentiles', {
            p50: props.format(p.p50),
            p90: props.format(p.p90),
            p99: props.format(p.p99),
            count: p.count,
          })}
        </p>
      )}
      <div className="charts">
        {i.series !== undefined ? (
          <Chart
            name="series"
            kind="line"
            title={t('dashboard.overTime', { title: i.title, period: t(`dashboard.periods.${period}`) })}
            keyHeading={t('dashboard.colPeriod')}
            points={i.series.map((s) => ({ key: s.period, value: s.value }))}
            format={props.format}
          />
        ) : (
          <p>{t('dashboard.noSeries')}</p>
        )}
        {i.breakdown !== undefined ? (
          <Chart
            name="breakdown"
            kind="bar"
            title={t('dashboard.byDim', { title: i.title, dim: dimWords(i.breakdown.by, t) })}
            keyHeading={dimWords(i.breakdown.by, t)}
            points={i.breakdown.items}
            format={props.format}
          />
        ) : (
          by !== 'none' && (
            <p className="not-split">{t('dashboard.notSplit', { title: i.title, dim: dimWords(by, t) })}</p>
          )
        )}
      </div>
    </article>
  );
}

interface Point {
  readonly key: string;
  readonly value: number | null;
}

/** What a chart shows, in words: how many values, the highest and the lowest. */
function summary(title: string, points: readonly Point[], format: (v: number) => string, t: TFunction) {
  const known = points.filter((p): p is { key: string; value: number } => p.value !== null);
  if (known.length === 0) {
    return t('dashboard.chartNone', { title });
  }
  const max = known.reduce((a, b) => (b.value > a.value ? b : a));
  const min = known.reduce((a, b) => (b.value < a.value ? b : a));
  return t('dashboard.chartSummary', {
    title,
    count: known.length,
    maxKey: max.key,
    max: format(max.value),
    minKey: min.key,
    min: format(min.value),
  });
}

/**
 * A chart drawn by ECharts (imported on first use) with its text alternative: the canvas sits in
 * an element of role img named by a summary in words, and a button shows the same figures as a table.
 */
function Chart(props: {
  name: string;
  kind: 'line' | 'bar';
  title: string;
  keyHeading: string;
  points: readonly Point[];
  format: (v: number) => string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const canvas = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'drawn' | 'failed'>('loading');
  const [table, setTable] = useState(false);
  const { kind, points, format } = props;
  const signature = JSON.stringify(points);
  useEffect(() => {
    let undraw: (() => void) | undefined;
    let live = true;
    setState('loading');
    const data: ChartData = {
      kind,
      labels: points.map((p) => p.key),
      values: points.map((p) => p.value),
      format,
    };
    import('./dashboard-chart')
      .then((m) => {
        if (live && canvas.current !== null) {
          undraw = m.drawChart(canvas.current, data);
          setState('drawn');
        }
      })
      .catch(() => live && setState('failed'));
    return () => {
      live = false;
      undraw?.();
    };
    // Redraw when the figures or the language change, not on every render's new closures.
  }, [kind, signature, t]);
  return (
    <figure className="chart" data-chart={props.name} data-state={state} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {props.title}
      </figcaption>
      {points.length === 0 ? (
        <p>{t('dashboard.empty')}</p>
      ) : (
        <>
          <div
            className="chart-canvas"
            role="img"
            aria-label={summary(props.title, points, format, t)}
            ref={canvas}
          />
          {state === 'loading' && <p className="hint">{t('dashboard.chartLoading')}</p>}
          {state === 'failed' && <p role="alert">{t('dashboard.chartFailed')}</p>}
          <Button
            className="button secondary"
            aria-expanded={table}
            aria-controls={`${id}-table`}
            onPress={() => setTable(!table)}
          >
            {table ? t('dashboard.hideTable') : t('dashboard.showTable')}
          </Button>
          <div id={`${id}-table`} hidden={!table && state !== 'failed'}>
            <table className="chart-table">
              <caption>{props.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{props.keyHeading}</th>
                  <th scope="col">{t('dashboard.colValue')}</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.key} data-key={p.key}>
                    <th scope="row">{p.key}</th>
                    <td data-value={String(p.value)}>{p.value === null ? '—' : format(p.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}
