/**
 * Adopting a RIF sent to the reader's authority, with its preview (issue 16, RIFs): before anything
 * is decided, the rule the RIF would become and what it would have hit on the authority's own
 * filings of the last days (POST /v1/rifs/{id}/adoption with dryRun: the backtest of the generated
 * rule, stored nowhere): the daily hits as a chart (ECharts, loaded on demand like the Rules
 * screen's) with its table, and the control load it would add. Then Adopt (the rule goes live),
 * Note, or Decline with a reason (POST /v1/rifs/{id}/decision). Loaded on demand.
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import { ErrorPanel } from '../components';
import { BacktestDays } from '../rules/BacktestDays';
import { ReasonForm } from './ReasonForm';
import './rif-words';

const PERIODS = [30, 90, 180] as const;

export function RifAdopt({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  // Opening this panel moves the focus to its heading (the button that opened it is gone).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const client = useQueryClient();
  const [days, setDays] = useState<number>(90);
  const [declining, setDeclining] = useState(false);
  const preview = useQuery({
    queryKey: ['rif-adoption-preview', id, days],
    queryFn: async () =>
      dataOf(
        await api.POST('/v1/rifs/{id}/adoption', {
          params: { path: { id } },
          body: { dryRun: true, activate: true, backtestDays: days },
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['rifs'] });
    await client.invalidateQueries({ queryKey: ['rif', id] });
  };
  const adopt = useMutation({
    mutationFn: async () =>
      dataOf(
        await api.POST('/v1/rifs/{id}/adoption', {
          params: { path: { id } },
          body: { dryRun: false, activate: true, backtestDays: days },
        }),
      ),
    onSuccess: refresh,
  });
  const decide = useMutation({
    mutationFn: async (body: { decision: 'noted' | 'declined'; reason?: string }) =>
      dataOf(await api.POST('/v1/rifs/{id}/decision', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
  const pct = (n: number) =>
    new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(n);

  const done = adopt.isSuccess || decide.isSuccess;
  const b = preview.data?.backtest ?? null;
  const rule = preview.data?.rule as { id: string; condition?: string; title?: string } | undefined;
  return (
    <section id="rif-adopt" className="card rif-adopt" aria-labelledby="rif-adopt-title">
      <div className="coop-detail-head">
        <h3 id="rif-adopt-title" ref={heading} tabIndex={-1}>
          {t('rif.adoptTitle', { id })}
        </h3>
        <Button className="button secondary" onPress={onClose}>
          {t('coop.close')}
        </Button>
      </div>
      <p className="hint">{t('rif.adoptHint')}</p>
      <div className="field">
        <label htmlFor="rif-adopt-days">{t('rif.period')}</label>
        <select
          id="rif-adopt-days"
          className="input"
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
          disabled={done}
        >
          {PERIODS.map((d) => (
            <option key={d} value={d}>
              {t('rif.lastDays', { count: d })}
            </option>
          ))}
        </select>
      </div>
      {preview.isPending && (
        <p role="status" className="sub">
          {t('rif.previewing')}
        </p>
      )}
      {preview.isError && <ErrorPanel error={preview.error} onRetry={() => void preview.refetch()} />}
      {rule !== undefined && (
        <>
          <h4>{t('rif.theRule')}</h4>
          <dl className="coop-dl">
            <dt>{t('rif.ruleId')}</dt>
            <dd>{rule.id}</dd>
            {rule.condition !== undefined && (
              <>
                <dt>{t('rif.condition')}</dt>
                <dd>
                  <code className="rif-condition">{rule.condition}</code>
                </dd>
              </>
            )}
          </dl>
          {preview.data!.notExpressed.length > 0 && (
            <div className="rif-not-expressed">
              <p>{t('rif.notExpressed')}</p>
              <ul>
                {preview.data!.notExpressed.map((n) => (
                  <li key={n.indicator}>
                    {t(`coop.indicator.${n.indicator}`, { defaultValue: n.indicator })}: {n.why}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      {b !== null && (
        <div className="backtest-result">
          <h4>{t('rif.preview')}</h4>
          <p className="bt-summary" data-testid="rif-preview-summary">
            {t('rif.previewSummary', {
              hit: b.consignmentsHit,
              assessed: b.consignmentsAssessed,
              rate: pct(b.hitRate),
              controlled: b.controlled,
              irregular: b.irregular,
            })}
          </p>
          <p className="bt-summary" data-testid="rif-preview-load">
            {t('rif.previewLoad', {
              added: b.addedControlLoad,
              share: pct(b.addedControlLoadShare),
              perDay: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(
                b.daily.length > 0 ? b.addedControlLoad / b.daily.length : 0,
              ),
            })}
          </p>
          {b.evaluationErrors > 0 && (
            <p className="problem-title">
              {t('rif.previewErrors', { count: b.evaluationErrors, first: b.firstEvaluationError ?? '' })}
            </p>
          )}
          <BacktestDays
            days={b.daily}
            words={{
              title: t('rif.chartTitle'),
              loading: t('rif.chartLoading'),
              table: t('rif.chartTable'),
              day: t('rif.day'),
              assessed: t('rif.assessed'),
              hits: t('rif.chartHits'),
              added: t('rif.chartAdded'),
            }}
            caption
            assessedOnly
          />
        </div>
      )}
      {adopt.isError && <ErrorPanel error={adopt.error} />}
      {decide.isError && <ErrorPanel error={decide.error} />}
      {adopt.isSuccess && (
        <p role="status" className="saved">
          {t('rif.adopted', { rule: adopt.data.rule.id })}
        </p>
      )}
      {decide.isSuccess && (
        <p role="status" className="saved">
          {decide.variables.decision === 'noted' ? t('rif.notedDone') : t('rif.declinedDone')}
        </p>
      )}
      {!done && preview.isSuccess && (
        <div className="rif-buttons">
          <Button className="button" isDisabled={adopt.isPending} onPress={() => adopt.mutate()}>
            {adopt.isPending ? t('rif.adopting') : t('rif.adopt')}
          </Button>
          <Button
            className="button secondary"
            isDisabled={decide.isPending}
            onPress={() => decide.mutate({ decision: 'noted' })}
          >
            {t('rif.note')}
          </Button>
          <Button
            className="button secondary"
            aria-expanded={declining}
            {...(declining ? { 'aria-controls': 'rif-decline' } : {})}
            onPress={() => setDeclining(!declining)}
          >
            {t('rif.decline')}
          </Button>
        </div>
      )}
      {!done && declining && (
        <ReasonForm
          id="rif-decline"
          label={t('rif.declineReason')}
          needsReason={t('rif.declineNeedsReason')}
          send={t('rif.declineSend')}
          pending={decide.isPending}
          onSend={(why) => decide.mutate({ decision: 'declined', reason: why })}
        />
      )}
    </section>
  );
}
