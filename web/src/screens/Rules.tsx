/**
 * The analysts' rules (GET /v1/rules) with their live statistics over the last 30 days
 * (GET /v1/rule-stats, refreshed every 30 seconds): hits, final hits, controls, positives, hit
 * rate, yield, false positives, and a sparkline of the daily hits. Sortable by any column (buttons
 * in the column headers, aria-sort), filtered by status and text, paged. Loaded on demand.
 */
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import { ErrorPanel } from '../components';
import { ChoiceField } from '../select';
import { useSession } from '../session';
import { registerRuleWords } from '../rules/words';
import '../rules/rules.css';

registerRuleWords();

const PAGE = 25;
/** Roles that may change rules (the server's rule.write). */
export const RULE_WRITERS: readonly string[] = ['analyst', 'coordinator', 'admin'];

type ListedRule = Schemas['Rule'] & { notLive?: { code: string; message: string } };
type StatsItem = Schemas['RuleStatsSummary']['items'][number];

interface Row {
  readonly rule: ListedRule;
  readonly stats: StatsItem | undefined;
}

type SortKey =
  | 'id'
  | 'status'
  | 'riskArea'
  | 'severity'
  | 'hits'
  | 'finalHits'
  | 'controls'
  | 'positives'
  | 'hitRate'
  | 'yield'
  | 'falsePositives';

const SEVERITY_ORDER: Readonly<Record<string, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

function sortValue(row: Row, key: SortKey): number | string {
  switch (key) {
    case 'id':
      return row.rule.id;
    case 'status':
      return row.rule.status;
    case 'riskArea':
      return row.rule.riskArea;
    case 'severity':
      return SEVERITY_ORDER[row.rule.severity] ?? 0;
    case 'hits':
    case 'finalHits':
    case 'controls':
    case 'positives':
    case 'hitRate':
    case 'yield':
    case 'falsePositives':
      return row.stats?.[key] ?? -1;
  }
}

const percent = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`;

/** Daily hits as a small line: an image with its numbers in words. */
export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`,
  );
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <polyline points={points.join(' ')} fill="none" stroke="#0b5cad" strokeWidth="1.5" />
    </svg>
  );
}

export function Rules() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const [status, setStatus] = useState('any');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'hits', descending: true });
  const [page, setPage] = useState(0);
  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: async () => dataOf(await api.GET('/v1/rules')).items as ListedRule[],
    refetchInterval: 30_000,
  });
  const stats = useQuery({
    queryKey: ['rule-stats'],
    queryFn: async () => dataOf(await api.GET('/v1/rule-stats')),
    refetchInterval: 30_000,
    retry: false,
  });

  // Rules capped as noisy: alone, their hits no longer select (GET /v1/rule-caps).
  const caps = useQuery({
    queryKey: ['rule-caps'],
    queryFn: async () => dataOf(await api.GET('/v1/rule-caps', { params: { query: { standing: 'true' } } })),
    refetchInterval: 30_000,
    retry: false,
  });
  const capOf = useMemo(
    () => new Map((caps.data?.items ?? []).map((c) => [`${c.rule}@${c.version}`, c])),
    [caps.data],
  );

  const rows: Row[] = useMemo(() => {
    const byRule = new Map((stats.data?.items ?? []).map((s) => [s.rule, s]));
    const needle = text.trim().toLowerCase();
    const listed = (rules.data ?? [])
      .filter((r) => status === 'any' || r.status === status)
      .filter(
        (r) => needle === '' || r.id.toLowerCase().includes(needle) || r.title.toLowerCase().includes(needle),
      )
      .map((rule) => ({ rule, stats: byRule.get(rule.id) }));
    const sign = sort.descending ? -1 : 1;
    return listed.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return x < y ? -sign : x > y ? sign : a.rule.id < b.rule.id ? -1 : 1;
    });
  }, [rules.data, stats.data, status, text, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice(page * PAGE, page * PAGE + PAGE);
  const days = stats.data?.days.length ?? 0;
  const canWrite =
    session.data !== null && session.data !== undefined && RULE_WRITERS.includes(session.data.role);

  const columns: { key: SortKey | 'trend'; label: string; numeric?: boolean }[] = [
    { key: 'id', label: t('rules.colRule') },
    { key: 'status', label: t('rules.colStatus') },
    { key: 'riskArea', label: t('rules.colRiskArea') },
    { key: 'severity', label: t('rules.colSeverity') },
    { key: 'hits', label: t('rules.colHits'), numeric: true },
    { key: 'finalHits', label: t('rules.colFinalHits'), numeric: true },
    { key: 'controls', label: t('rules.colControls'), numeric: true },
    { key: 'positives', label: t('rules.colPositives'), numeric: true },
    { key: 'hitRate', label: t('rules.colHitRate'), numeric: true },
    { key: 'yield', label: t('rules.colYield'), numeric: true },
    { key: 'falsePositives', label: t('rules.colFalsePositives'), numeric: true },
    { key: 'trend', label: t('rules.colTrend') },
  ];

  return (
    <main id="main" className="rules">
      <div className="title-row">
        <h1>{t('rules.title')}</h1>
        {canWrite && (
          <Button
            className="button"
            onPress={() => void navigate({ to: '/rules/$id', params: { id: 'new' } })}
          >
            {t('rules.newRule')}
          </Button>
        )}
      </div>
      <div className="filters" role="search">
        <TextField
          className="field"
          value={text}
          onChange={(v) => {
            setText(v);
            setPage(0);
          }}
        >
          <Label>{t('rules.search')}</Label>
          <Input className="input" />
        </TextField>
        <ChoiceField
          label={t('rules.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          choices={[
            { id: 'any', label: t('rules.statusAny') },
            ...(['draft', 'active', 'retired'] as const).map((s) => ({
              id: s,
              label: t(`rules.statusNames.${s}`),
            })),
          ]}
        />
      </div>
      {rules.isError && <ErrorPanel error={rules.error} onRetry={() => void rules.refetch()} />}
      <p className="summary" aria-live="polite">
        {rules.isPending ? t('rules.loading') : t('rules.summary', { count: rows.length })}
      </p>
      {stats.data !== undefined ? (
        <p className="hint">
          {t('rules.period', {
            from: stats.data.days[0] ?? '',
            to: stats.data.days[stats.data.days.length - 1] ?? '',
            assessed: stats.data.assessed,
          })}
        </p>
      ) : (
        stats.isError && <p className="hint">{t('rules.noStats')}</p>
      )}
      {!rules.isPending && rows.length === 0 && !rules.isError && <p>{t('rules.empty')}</p>}
      {shown.length > 0 && (
        <div className="table-scroll">
          <table className="values rules-table">
            <caption className="visually-hidden">{t('rules.summary', { count: rows.length })}</caption>
            <thead>
              <tr>
                {columns.map((c) => {
                  if (c.key === 'trend') {
                    return (
                      <th scope="col" key={c.key}>
                        {c.label}
                      </th>
                    );
                  }
                  const key = c.key;
                  const active = sort.key === key;
                  return (
                    <th
                      scope="col"
                      key={key}
                      className={c.numeric === true ? 'num' : undefined}
                      aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}
                    >
                      <Button
                        className="sort"
                        aria-label={t('rules.sortBy', { column: c.label })}
                        onPress={() => {
                          setSort({ key, descending: active ? !sort.descending : c.numeric === true });
                          setPage(0);
                        }}
                      >
                        {c.label}
                        <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                      </Button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {shown.map(({ rule, stats: s }) => (
                <tr key={rule.id} data-rule={rule.id}>
                  <th scope="row">
                    <Link to="/rules/$id" params={{ id: rule.id }}>
                      {rule.id}
                    </Link>
                    <span className="sub block">{rule.title}</span>
                  </th>
                  <td>
                    <span className={`status status-${rule.status}`} data-status={rule.status}>
                      {t(`rules.statusNames.${rule.status}`)}
                    </span>
                    {rule.notLive !== undefined && (
                      <span className="sub block" title={rule.notLive.message}>
                        {t('rules.notLive')}: {rule.notLive.message}
                      </span>
                    )}
                    {capOf.has(`${rule.id}@${rule.version}`) && (
                      <span
                        className="sub block"
                        data-capped="true"
                        title={capOf.get(`${rule.id}@${rule.version}`)?.explanation}
                      >
                        {t('rules.capped')}
                      </span>
                    )}
                    <span className="sub block">v{rule.version}</span>
                  </td>
                  <td>{rule.riskArea}</td>
                  <td>
                    <span className={`badge sev-${rule.severity}`}>{t(`severity.${rule.severity}`)}</span>
                  </td>
                  <td className="num">{s?.hits ?? 0}</td>
                  <td className="num">{s?.finalHits ?? 0}</td>
                  <td className="num">{s?.controls ?? 0}</td>
                  <td className="num">{s?.positives ?? 0}</td>
                  <td className="num">{percent(s?.hitRate ?? (stats.data !== undefined ? 0 : null))}</td>
                  <td className="num">{percent(s?.yield)}</td>
                  <td className="num">{s?.falsePositives ?? 0}</td>
                  <td>
                    {days > 0 && (
                      <Sparkline
                        values={s?.daily ?? new Array<number>(days).fill(0)}
                        label={t('rules.trend', {
                          total: s?.hits ?? 0,
                          days,
                          max: Math.max(0, ...(s?.daily ?? [0])),
                        })}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label={t('rules.pages')}>
          <Button className="button secondary" isDisabled={page === 0} onPress={() => setPage(page - 1)}>
            {t('rules.previous')}
          </Button>
          <span aria-live="polite">{t('rules.page', { page: page + 1, pages })}</span>
          <Button
            className="button secondary"
            isDisabled={page + 1 >= pages}
            onPress={() => setPage(page + 1)}
          >
            {t('rules.next')}
          </Button>
        </nav>
      )}
    </main>
  );
}
