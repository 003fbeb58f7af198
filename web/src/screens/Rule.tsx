/**
 * One rule, or a new one: its definition with the condition editor (CodeMirror, checked by the
 * server as the analyst types), save (a new version), activate and retire; a test of the condition
 * as it stands on a consignment chosen by MRN (why it hits, or that it does not); a backtest of the
 * saved version with a chart of daily hits and the controls it would add; the diff between two
 * versions; its statistics by version; and the comments on it. The editor and the chart are loaded
 * on demand (chunks of their own), so the workbench's first screen carries neither.
 */
import { Suspense, lazy, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import {
  Button,
  Checkbox,
  CheckboxGroup,
  Form,
  Input,
  Label,
  NumberField,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import { ErrorPanel } from '../components';
import { ChoiceField } from '../select';
import { useSession } from '../session';
import { registerRuleWords } from '../rules/words';
import '../rules/rules.css';
import { diffLines } from '../rules/diff';
import { BacktestDays } from '../rules/BacktestDays';
import { RULE_RISK_AREAS, all } from '../rules/risk-areas';
import type { ConditionCheck, ConditionProblem } from '../rules/ConditionEditor';
import type { RuleEnvironment } from '../rules/cel-scope';
import { RULE_WRITERS } from './Rules';

registerRuleWords();

const ConditionEditor = lazy(() => import('../rules/ConditionEditor'));

type StoredRule = Schemas['Rule'];
type RiskArea = StoredRule['riskArea'];
type Severity = StoredRule['severity'];
type Action = StoredRule['recommendedAction'];
type Mode = NonNullable<StoredRule['scope']['modes']>[number];
type Backtest = Schemas['BacktestResult'];

const RISK_AREAS = RULE_RISK_AREAS;
const SEVERITIES = all<Severity>()(['low', 'medium', 'high', 'critical']);
const ACTIONS = all<Action>()([
  'none',
  'documentary-check',
  'physical-check',
  'scan',
  'request-for-information',
  'high-risk-screening',
  'do-not-load',
  'post-clearance-audit',
]);
const MODES = all<Mode>()(['maritime', 'air', 'road', 'rail', 'inland-waterway', 'postal', 'express']);

interface Draft {
  id: string;
  title: string;
  riskArea: RiskArea;
  weight: number;
  severity: Severity;
  recommendedAction: Action;
  modes: Mode[];
  reason: string;
  condition: string;
}

const EMPTY: Draft = {
  id: '',
  title: '',
  riskArea: 'security-safety',
  weight: 50,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  modes: [],
  reason: '',
  condition: '',
};

function draftOf(r: StoredRule): Draft {
  return {
    id: r.id,
    title: r.title,
    riskArea: r.riskArea,
    weight: r.weight,
    severity: r.severity,
    recommendedAction: r.recommendedAction,
    modes: [...(r.scope.modes ?? [])],
    reason: r.reason,
    condition: r.condition,
  };
}

/** The rule as the API takes it (without a status: a change keeps the current one). */
function bodyOf(d: Draft, stored: StoredRule | undefined) {
  return {
    id: d.id,
    title: d.title,
    riskArea: d.riskArea,
    weight: d.weight,
    severity: d.severity,
    recommendedAction: d.recommendedAction,
    ...(stored?.validFrom !== undefined ? { validFrom: stored.validFrom } : {}),
    ...(stored?.validUntil !== undefined ? { validUntil: stored.validUntil } : {}),
    scope: {
      ...(stored?.scope.offices !== undefined ? { offices: stored.scope.offices } : {}),
      ...(d.modes.length > 0 ? { modes: d.modes } : {}),
    },
    reason: d.reason,
    condition: d.condition,
  };
}

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`;

export function Rule() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/rules/$id' });
  const isNew = id === 'new';
  const navigate = useNavigate();
  const client = useQueryClient();
  const session = useSession();
  const role = session.data?.role ?? '';
  const canWrite = RULE_WRITERS.includes(role);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problems, setProblems] = useState<ConditionCheck>([]);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const environment = useQuery({
    queryKey: ['rule-environment'],
    queryFn: async () => dataOf(await api.GET('/v1/rule-environment')) as RuleEnvironment,
    staleTime: 300_000,
  });
  const rule = useQuery({
    queryKey: ['rule', id],
    queryFn: async () => dataOf(await api.GET('/v1/rules/{id}', { params: { path: { id } } })),
    enabled: !isNew,
  });
  const stored = rule.data?.rule;
  useEffect(() => {
    setDraft(stored !== undefined ? draftOf(stored) : EMPTY);
  }, [stored]);

  const save = useMutation({
    mutationFn: async () => {
      const body = bodyOf(draft, stored);
      return isNew
        ? dataOf(await api.POST('/v1/rules', { body: { ...body, status: 'draft' } }))
        : dataOf(await api.PUT('/v1/rules/{id}', { params: { path: { id } }, body }));
    },
    onSuccess: async (saved) => {
      setNotice(t('rule.saved', { version: saved.version }));
      await client.invalidateQueries({ queryKey: ['rules'] });
      await client.invalidateQueries({ queryKey: ['rule-stats'] });
      if (isNew) {
        await navigate({ to: '/rules/$id', params: { id: saved.id } });
      } else {
        await client.invalidateQueries({ queryKey: ['rule', id] });
      }
    },
  });
  const setStatus = useMutation({
    mutationFn: async (status: 'active' | 'retired' | 'draft') =>
      dataOf(await api.POST('/v1/rules/{id}/status', { params: { path: { id } }, body: { status } })),
    onSuccess: async (saved) => {
      setNotice(
        t('rule.statusChanged', { version: saved.version, status: t(`rules.statusNames.${saved.status}`) }),
      );
      await client.invalidateQueries({ queryKey: ['rule', id] });
      await client.invalidateQueries({ queryKey: ['rules'] });
      await client.invalidateQueries({ queryKey: ['rule-stats'] });
    },
  });

  async function check(condition: string): Promise<readonly ConditionProblem[]> {
    return dataOf(await api.POST('/v1/rules/check', { body: { condition } })).errors;
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setNotice(undefined);
    save.mutate();
  }

  const set =
    <K extends keyof Draft>(k: K) =>
    (v: Draft[K]) =>
      setDraft((d) => ({ ...d, [k]: v }));
  const heading = isNew ? t('rule.newTitle') : t('rule.title', { id });

  return (
    <main id="main" className="rule">
      <p>
        <Link to="/rules">← {t('rule.back')}</Link>
      </p>
      <h1>
        {heading}{' '}
        {stored !== undefined && (
          <span className="sub">
            <span className={`status status-${stored.status}`} data-status={stored.status}>
              {t(`rules.statusNames.${stored.status}`)}
            </span>{' '}
            {t('rule.version', { version: stored.version })}
          </span>
        )}
      </h1>
      {!isNew && rule.isPending && <p>{t('rule.loading')}</p>}
      {rule.isError && <ErrorPanel error={rule.error} onRetry={() => void rule.refetch()} />}
      {!canWrite && session.data !== undefined && <p className="hint">{t('rule.readOnly')}</p>}

      {(isNew || stored !== undefined) && (
        <section aria-labelledby="definition-h" className="card">
          <h2 id="definition-h">{t('rule.definition')}</h2>
          <Form className="rule-form" onSubmit={submit}>
            <div className="rule-fields">
              {isNew && (
                <TextField className="field" isRequired value={draft.id} onChange={set('id')}>
                  <Label>{t('rule.id')}</Label>
                  <Input className="input" pattern="[A-Za-z0-9._\-]{1,64}" />
                  <Text slot="description" className="sub">
                    {t('rule.idHint')}
                  </Text>
                </TextField>
              )}
              <TextField className="field wide-2" isRequired value={draft.title} onChange={set('title')}>
                <Label>{t('rule.ruleTitle')}</Label>
                <Input className="input" />
              </TextField>
              <ChoiceField
                label={t('rule.riskArea')}
                value={draft.riskArea}
                onChange={(v) => set('riskArea')(v as RiskArea)}
                choices={RISK_AREAS.map((a) => ({ id: a, label: a }))}
              />
              <NumberField
                className="field"
                minValue={0}
                maxValue={100}
                value={draft.weight}
                onChange={(v) => set('weight')(Number.isNaN(v) ? 0 : v)}
              >
                <Label>{t('rule.weight')}</Label>
                <Input className="input" />
              </NumberField>
              <ChoiceField
                label={t('rule.severity')}
                value={draft.severity}
                onChange={(v) => set('severity')(v as Severity)}
                choices={SEVERITIES.map((s) => ({ id: s, label: t(`severity.${s}`) }))}
              />
              <ChoiceField
                label={t('rule.action')}
                value={draft.recommendedAction}
                onChange={(v) => set('recommendedAction')(v as Action)}
                choices={ACTIONS.map((a) => ({ id: a, label: a }))}
              />
            </div>
            <CheckboxGroup
              className="field modes"
              value={draft.modes}
              onChange={(v) => set('modes')(v as Mode[])}
            >
              <Label>{t('rule.modes')}</Label>
              <div className="checkboxes">
                {MODES.map((m) => (
                  <Checkbox key={m} value={m} className="checkbox">
                    <span className="box" aria-hidden="true" />
                    {m}
                  </Checkbox>
                ))}
              </div>
            </CheckboxGroup>
            <TextField className="field wide" isRequired value={draft.reason} onChange={set('reason')}>
              <Label>{t('rule.reason')}</Label>
              <TextArea className="input" rows={2} />
            </TextField>
            <div className="field wide">
              <span className="label" id="condition-label">
                {t('rule.condition')}
              </span>
              <p className="sub" id="condition-hint">
                {t('rule.conditionHint')}
              </p>
              {environment.isError && (
                <ErrorPanel error={environment.error} onRetry={() => void environment.refetch()} />
              )}
              {environment.data !== undefined ? (
                <Suspense fallback={<p>{t('rule.editorLoading')}</p>}>
                  <ConditionEditor
                    value={draft.condition}
                    onChange={set('condition')}
                    environment={environment.data}
                    check={check}
                    onChecked={setProblems}
                    labelledBy="condition-label"
                    describedBy="condition-hint condition-problems"
                    readOnly={!canWrite}
                  />
                </Suspense>
              ) : (
                <p>{t('rule.editorLoading')}</p>
              )}
              <div id="condition-problems" className="problems" aria-live="polite">
                {problems === 'checking' ? (
                  <p className="sub">{t('rule.checking')}</p>
                ) : problems === 'unavailable' ? (
                  <p className="sub">{t('rule.unchecked')}</p>
                ) : problems.length > 0 ? (
                  <>
                    <p className="problem-title">{t('rule.problems', { count: problems.length })}</p>
                    <ul>
                      {problems.map((p, i) => (
                        <li key={i} data-code={p.code}>
                          {t('rule.problem', { line: p.line, column: p.column, message: p.message })}{' '}
                          <code>{p.code}</code>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : draft.condition.trim() !== '' ? (
                  <p className="ok">{t('rule.checked')}</p>
                ) : null}
              </div>
            </div>
            {save.isError && <ErrorPanel error={save.error} />}
            {setStatus.isError && <ErrorPanel error={setStatus.error} />}
            {notice !== undefined && (
              <p role="status" className="saved">
                {notice}
              </p>
            )}
            {canWrite && (
              <div className="actions">
                <Button type="submit" className="button" isDisabled={save.isPending}>
                  {save.isPending ? t('rule.saving') : isNew ? t('rule.saveNew') : t('rule.save')}
                </Button>
                {stored !== undefined && stored.status !== 'active' && (
                  <Button
                    className="button"
                    isDisabled={setStatus.isPending}
                    onPress={() => {
                      setNotice(undefined);
                      setStatus.mutate('active');
                    }}
                  >
                    {t('rule.activate')}
                  </Button>
                )}
                {stored !== undefined && stored.status === 'active' && (
                  <Button
                    className="button danger"
                    isDisabled={setStatus.isPending}
                    onPress={() => {
                      setNotice(undefined);
                      setStatus.mutate('retired');
                    }}
                  >
                    {t('rule.retire')}
                  </Button>
                )}
                {stored !== undefined && stored.status === 'retired' && (
                  <Button
                    className="button secondary"
                    isDisabled={setStatus.isPending}
                    onPress={() => setStatus.mutate('draft')}
                  >
                    {t('rule.draft')}
                  </Button>
                )}
              </div>
            )}
          </Form>
        </section>
      )}

      {(isNew || stored !== undefined) && <TestPanel draft={draft} stored={stored} />}
      {stored !== undefined && <BacktestPanel id={id} />}
      {stored !== undefined && rule.data !== undefined && (
        <VersionsPanel id={id} versions={rule.data.versions} />
      )}
      {stored !== undefined && <StatsPanel id={id} />}
      {stored !== undefined && <CommentsPanel id={id} />}
    </main>
  );
}

/** The condition as it is in the editor, on one consignment of a filing chosen by MRN. */
function TestPanel({ draft, stored }: { draft: Draft; stored: StoredRule | undefined }) {
  const { t } = useTranslation();
  const [mrn, setMrn] = useState('');
  const [index, setIndex] = useState(0);
  const test = useMutation({
    mutationFn: async () => {
      const wanted = mrn.trim().toUpperCase();
      const detail = dataOf(await api.GET('/v1/filings/{mrn}', { params: { path: { mrn: wanted } } }));
      const result = dataOf(
        await api.POST('/v1/rules/test', {
          body: {
            rule: {
              ...bodyOf({ ...draft, id: draft.id === '' ? 'TEST' : draft.id }, stored),
              status: 'draft',
            },
            filing: detail.filing as never,
            consignment: index,
          },
        }),
      );
      return { mrn: wanted, index, result };
    },
  });
  const r = test.data;
  return (
    <section aria-labelledby="test-h" className="card">
      <h2 id="test-h">{t('rule.test')}</h2>
      <p className="sub">{t('rule.testHint')}</p>
      <Form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          test.mutate();
        }}
      >
        <TextField className="field" isRequired value={mrn} onChange={setMrn}>
          <Label>{t('rule.mrn')}</Label>
          <Input className="input mono" />
        </TextField>
        <NumberField
          className="field"
          minValue={0}
          value={index}
          onChange={(v) => setIndex(Number.isNaN(v) ? 0 : v)}
        >
          <Label>{t('rule.consignment')}</Label>
          <Input className="input narrow" />
        </NumberField>
        <Button type="submit" className="button" isDisabled={test.isPending || mrn.trim() === ''}>
          {test.isPending ? t('rule.testing') : t('rule.runTest')}
        </Button>
      </Form>
      {test.isError && <ErrorPanel error={test.error} />}
      {r !== undefined && (
        <div className="test-result" role="status" data-hit={String(r.result.hit)}>
          <p className={r.result.hit ? 'hit-yes' : 'hit-no'}>
            {r.result.hit
              ? t('rule.hits', { mrn: r.mrn, index: r.index })
              : t('rule.noHit', { mrn: r.mrn, index: r.index })}
          </p>
          {r.result.hits.map((h) => (
            <table className="values" key={h.ruleId}>
              <caption>
                {t('rule.why')}: {h.reason}
              </caption>
              <tbody>
                {h.triggers.map((tr, i) => (
                  <tr key={i}>
                    <th scope="row">
                      <code>{tr.label}</code>
                    </th>
                    <td>{Array.isArray(tr.value) ? tr.value.join(', ') : String(tr.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          {r.result.errors.map((e, i) => (
            <p key={i} className="problem-title">
              {t('rule.evaluationErrors', { message: e.message })}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

/** Default period: the 30 days of the statistics the server gives (its clock, not the browser's). */
function BacktestPanel({ id }: { id: string }) {
  const { t } = useTranslation();
  const summary = useQuery({
    queryKey: ['rule-stats'],
    queryFn: async () => dataOf(await api.GET('/v1/rule-stats')),
    retry: false,
  });
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    if (summary.data !== undefined && from === '' && to === '') {
      setFrom(summary.data.days[0] ?? '');
      setTo(summary.data.days[summary.data.days.length - 1] ?? '');
    }
  }, [summary.data, from, to]);
  const run = useMutation({
    mutationFn: async (): Promise<Backtest> =>
      dataOf(await api.POST('/v1/rules/{id}/backtest', { params: { path: { id } }, body: { from, to } })),
  });
  const b = run.data;
  return (
    <section aria-labelledby="backtest-h" className="card">
      <h2 id="backtest-h">{t('rule.backtest')}</h2>
      <p className="sub">{t('rule.backtestHint')}</p>
      <Form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <TextField className="field" isRequired value={from} onChange={setFrom} type="date">
          <Label>{t('rule.from')}</Label>
          <Input className="input" />
        </TextField>
        <TextField className="field" isRequired value={to} onChange={setTo} type="date">
          <Label>{t('rule.to')}</Label>
          <Input className="input" />
        </TextField>
        <Button type="submit" className="button" isDisabled={run.isPending || from === '' || to === ''}>
          {run.isPending ? t('rule.backtesting') : t('rule.runBacktest')}
        </Button>
      </Form>
      {run.isPending && (
        <p role="status" className="sub">
          {t('rule.backtesting')}
        </p>
      )}
      {run.isError && <ErrorPanel error={run.error} />}
      {b !== undefined && (
        <div className="backtest-result">
          <p role="status" className="bt-summary">
            {t('rule.btSummary', {
              hit: b.consignmentsHit,
              assessed: b.consignmentsAssessed,
              rate: pct(b.hitRate),
              controlled: b.controlled,
              irregular: b.irregular,
              added: b.addedControlLoad,
              addedShare: pct(b.addedControlLoadShare),
            })}
          </p>
          {b.evaluationErrors > 0 && (
            <p className="problem-title">
              {t('rule.btErrors', { count: b.evaluationErrors, first: b.firstEvaluationError ?? '' })}
            </p>
          )}
          <BacktestDays
            days={b.daily}
            words={{
              title: t('rule.chartTitle'),
              loading: t('rule.chartLoading'),
              table: t('rule.chartTable'),
              day: t('rule.day'),
              assessed: t('rule.assessed'),
              hits: t('rule.chartHits'),
              added: t('rule.chartAdded'),
            }}
          />
        </div>
      )}
    </section>
  );
}

const DIFF_FIELDS = [
  'status',
  'title',
  'riskArea',
  'weight',
  'severity',
  'recommendedAction',
  'reason',
  'scope',
  'validFrom',
  'validUntil',
] as const;

function VersionsPanel({ id, versions }: { id: string; versions: readonly number[] }) {
  const { t } = useTranslation();
  const last = versions[versions.length - 1] ?? 1;
  const [a, setA] = useState(Math.max(1, last - 1));
  const [b, setB] = useState(last);
  useEffect(() => {
    setA(Math.max(1, last - 1));
    setB(last);
  }, [last]);
  const version = (v: number) => ({
    queryKey: ['rule', id, v],
    queryFn: async () =>
      dataOf(await api.GET('/v1/rules/{id}', { params: { path: { id }, query: { version: v } } })).rule,
    staleTime: Infinity,
  });
  const left = useQuery(version(a));
  const right = useQuery(version(b));
  const choices = versions.map((v) => ({ id: String(v), label: String(v) }));
  const fields =
    left.data !== undefined && right.data !== undefined
      ? DIFF_FIELDS.filter((f) => JSON.stringify(left.data[f]) !== JSON.stringify(right.data[f]))
      : [];
  const lines =
    left.data !== undefined && right.data !== undefined
      ? diffLines(left.data.condition, right.data.condition)
      : [];
  const same =
    left.data !== undefined &&
    right.data !== undefined &&
    fields.length === 0 &&
    lines.every((l) => l.kind === 'same');
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <section aria-labelledby="versions-h" className="card">
      <h2 id="versions-h">{t('rule.versions')}</h2>
      <div className="inline-form">
        <ChoiceField
          label={t('rule.compare')}
          value={String(a)}
          onChange={(v) => setA(Number(v))}
          choices={choices}
        />
        <ChoiceField
          label={t('rule.with')}
          value={String(b)}
          onChange={(v) => setB(Number(v))}
          choices={choices}
        />
      </div>
      {(left.isError || right.isError) && <ErrorPanel error={left.error ?? right.error} />}
      {same && <p>{t('rule.noChange')}</p>}
      {fields.length > 0 && (
        <table className="values">
          <thead>
            <tr>
              <th scope="col">{t('rule.field')}</th>
              <th scope="col">{t('rule.before')}</th>
              <th scope="col">{t('rule.after')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f}>
                <th scope="row">{f}</th>
                <td>{show(left.data?.[f])}</td>
                <td>{show(right.data?.[f])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lines.some((l) => l.kind !== 'same') && (
        <figure className="diff">
          <figcaption>{t('rule.conditionDiff')}</figcaption>
          <pre>
            {lines.map((l, i) => (
              <span key={i} className={`diff-${l.kind}`}>
                {l.kind === 'added' ? (
                  <>
                    <span className="visually-hidden">{t('rule.added')}: </span>+{' '}
                  </>
                ) : l.kind === 'removed' ? (
                  <>
                    <span className="visually-hidden">{t('rule.removed')}: </span>-{' '}
                  </>
                ) : (
                  '  '
                )}
                {l.text}
                {'\n'}
              </span>
            ))}
          </pre>
        </figure>
      )}
    </section>
  );
}

function StatsPanel({ id }: { id: string }) {
  const { t } = useTranslation();
  const stats = useQuery({
    queryKey: ['rule-stats', id],
    queryFn: async () => dataOf(await api.GET('/v1/rules/{id}/stats', { params: { path: { id } } })),
    refetchInterval: 30_000,
    retry: false,
  });
  if (stats.data === undefined) {
    return null;
  }
  const rows = [
    ...stats.data.versions.map((v) => ({ ...v, label: String(v.version) })),
    { ...stats.data.total, label: '∑' },
  ];
  return (
    <section aria-labelledby="stats-h" className="card">
      <h2 id="stats-h">{t('rule.stats')}</h2>
      <p className="sub">{t('rule.statsPeriod')}</p>
      <div className="table-scroll">
        <table className="values">
          <thead>
            <tr>
              <th scope="col">{t('rule.versionCol')}</th>
              <th scope="col">{t('rules.colHits')}</th>
              <th scope="col">{t('rules.colFinalHits')}</th>
              <th scope="col">{t('rules.colControls')}</th>
              <th scope="col">{t('rules.colPositives')}</th>
              <th scope="col">{t('rules.colHitRate')}</th>
              <th scope="col">{t('rules.colYield')}</th>
              <th scope="col">{t('rules.colFalsePositives')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td className="num">{r.hits}</td>
                <td className="num">{r.finalHits}</td>
                <td className="num">{r.controls}</td>
                <td className="num">{r.positives}</td>
                <td className="num">{pct(r.hitRate)}</td>
                <td className="num">{pct(r.yield)}</td>
                <td className="num">{r.falsePositives}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Roles that may comment (the server's rule.comment). */
const COMMENTERS: readonly string[] = ['analyst', 'officer', 'coordinator', 'admin'];

function CommentsPanel({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const session = useSession();
  const [text, setText] = useState('');
  const comments = useQuery({
    queryKey: ['rule-comments', id],
    queryFn: async () => dataOf(await api.GET('/v1/rules/{id}/comments', { params: { path: { id } } })).items,
  });
  const add = useMutation({
    mutationFn: async () =>
      dataOf(await api.POST('/v1/rules/{id}/comments', { params: { path: { id } }, body: { text } })),
    onSuccess: async () => {
      setText('');
      await client.invalidateQueries({ queryKey: ['rule-comments', id] });
    },
  });
  const canComment = COMMENTERS.includes(session.data?.role ?? '');
  return (
    <section aria-labelledby="comments-h" className="card">
      <h2 id="comments-h">{t('rule.comments')}</h2>
      {comments.isError && <ErrorPanel error={comments.error} onRetry={() => void comments.refetch()} />}
      {comments.data !== undefined && comments.data.length === 0 && <p>{t('rule.noComments')}</p>}
      {comments.data !== undefined && comments.data.length > 0 && (
        <ol className="comments">
          {comments.data.map((c) => (
            <li key={c.id}>
              <p className="sub">
                {t('rule.commentBy', {
                  author: c.author,
                  when: new Date(c.createdAt).toLocaleString(i18n.language),
                  version: c.version,
                })}
              </p>
              <p className="comment-text">{c.text}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <Form
          className="dismiss"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <TextField className="field wide" isRequired value={text} onChange={setText}>
            <Label>{t('rule.comment')}</Label>
            <TextArea className="input" rows={3} maxLength={4000} />
          </TextField>
          {add.isError && <ErrorPanel error={add.error} />}
          <div className="actions">
            <Button type="submit" className="button" isDisabled={add.isPending || text.trim() === ''}>
              {t('rule.addComment')}
            </Button>
          </div>
        </Form>
      )}
    </section>
  );
}
