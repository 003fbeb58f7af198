/**
 * One consignment for the analyst: its parties, goods and route (GET /v1/filings/{mrn}), and its
 * assessment (GET /v1/filings/{mrn}/assessment): the outcome and its reason, every hit with the rule
 * version, why it hit, the values that made it fire and the watchlist matches that explain a name
 * hit. Each hit not yet reviewed can be referred to control (confirmed: a control task of the type
 * and at the office the analyst chooses, by default the recommended control at the office of first
 * entry) or dismissed with a reason (POST /v1/filings/{mrn}/assessment/reviews).
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { Button, Form, Label, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { Assessment, ExplainedHit, FilingDetail } from '../api/client';
import { ErrorPanel, timeLeft, useNow } from '../components';
import { ChoiceField } from '../select';
import { useSession } from '../session';
import { codeWord, useControlCodes } from './controls-data';

type Filing = FilingDetail['filing'];
type FilingConsignment = NonNullable<Filing['consignments']>[number];
type Review = Assessment['consignments'][number]['reviews'][number];
type ControlChoice = { type: 'documentary' | 'physical' | 'scan'; office: string };

const CONTROL_TYPES: Readonly<Record<string, ControlChoice['type']>> = {
  'documentary-check': 'documentary',
  'physical-check': 'physical',
  scan: 'scan',
};

/** A value as text: a list joined, an object as JSON. */
function text(value: unknown): string {
  return Array.isArray(value)
    ? value.map(text).join(' → ')
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : `${value as string | number | boolean}`;
}

function Field({ label, value }: { label: string; value: unknown }) {
  if (value === undefined || value === null || value === '') {
    return null;
  }
  return (
    <>
      <dt>{label}</dt>
      <dd>{text(value)}</dd>
    </>
  );
}

function Party({
  title,
  party,
}: {
  title: string;
  party: { name?: string; eori?: unknown; address?: unknown } | undefined;
}) {
  if (party === undefined) {
    return null;
  }
  const address = party.address as
    { street?: string; city?: string; postcode?: string; country?: string } | undefined;
  return (
    <div className="party">
      <h3>{title}</h3>
      <p>
        {party.name}
        {typeof party.eori === 'string' && <span className="sub"> {party.eori}</span>}
      </p>
      {address !== undefined && (
        <p className="sub">
          {[address.street, address.postcode, address.city, address.country].filter(Boolean).join(', ')}
        </p>
      )}
    </div>
  );
}

/**
 * The offices an analyst may refer to: the authority's customs offices in the reference data, and
 * the ones this consignment already names (office of first entry, the recommended control's).
 */
function useOffices(authority: string | undefined, named: readonly string[]): string[] {
  const offices = useQuery({
    queryKey: ['offices', authority],
    enabled: authority !== undefined,
    staleTime: 3_600_000,
    queryFn: async () =>
      dataOf(
        await api.GET('/v1/reference/{kind}', {
          params: {
            path: { kind: 'customs-offices' },
            query: { limit: 1000, ...(authority?.length === 2 ? { q: authority } : {}) },
          },
        }),
      ),
  });
  const mine = (offices.data?.items ?? [])
    .map((o) => o.code)
    .filter((c) => authority?.length !== 2 || c.startsWith(authority));
  return [...new Set([...named.filter((o) => o !== ''), ...mine])].sort();
}

function HitCard(props: {
  hit: ExplainedHit;
  review: Review | undefined;
  control: ControlChoice;
  offices: readonly string[];
  controlTypes: readonly ControlChoice['type'][];
  /** `control`: the control shown (with a confirmation), and whether the analyst changed it. */
  onReview: (
    decision: 'confirmed' | 'dismissed',
    reason?: string,
    control?: { choice: ControlChoice; changed: boolean },
  ) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { hit, review } = props;
  const [control, setControl] = useState<ControlChoice>(props.control);
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const headingId = `hit-${hit.id}`;
  async function act(decision: 'confirmed' | 'dismissed', why?: string) {
    setBusy(true);
    setError(undefined);
    try {
      const changed = control.type !== props.control.type || control.office !== props.control.office;
      await props.onReview(
        decision,
        why,
        decision === 'confirmed' ? { choice: control, changed } : undefined,
      );
      setDismissing(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const values = Object.entries(hit.values);
  return (
    <article className={`hit sev-border-${hit.severity}`} aria-labelledby={headingId} data-hit={hit.id}>
      <h3 id={headingId}>
        {hit.title}{' '}
        <span className="sub">
          {hit.version !== undefined
            ? t('consignment.rule', { source: hit.source, id: hit.id, version: hit.version })
            : t('consignment.ruleNoVersion', { source: hit.source, id: hit.id })}
        </span>
      </h3>
      <dl className="facts">
        <Field label={t('consignment.severity')} value={t(`severity.${hit.severity}`)} />
        <Field label={t('consignment.riskArea')} value={hit.riskArea} />
        <Field label={t('consignment.action')} value={hit.recommendedAction} />
        <Field label={t('consignment.why')} value={hit.reason} />
      </dl>
      {values.length > 0 && (
        <table className="values">
          <caption>{t('consignment.values')}</caption>
          <tbody>
            {values.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">
                  <code>{k}</code>
                </th>
                <td>{text(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hit.watchlistMatches !== undefined && hit.watchlistMatches.length > 0 && (
        <table className="values matches">
          <caption>{t('consignment.matches')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('consignment.matchList')}</th>
              <th scope="col">{t('consignment.matchValue')}</th>
              <th scope="col">{t('consignment.matchEntity')}</th>
              <th scope="col">{t('consignment.matchName')}</th>
              <th scope="col">{t('consignment.matchScore')}</th>
            </tr>
          </thead>
          <tbody>
            {hit.watchlistMatches.map((m, i) => (
              <tr key={i}>
                <td>{m.list}</td>
                <td>{m.value}</td>
                <td>
                  {m.entity.name} <span className="sub">{m.entity.id}</span>
                </td>
                <td>{m.name}</td>
                <td>{m.score.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {review !== undefined ? (
        <p className={`review ${review.decision}`} role="status">
          {review.decision === 'confirmed'
            ? t('consignment.confirmed', { who: review.reviewer })
            : t('consignment.dismissed', { who: review.reviewer, reason: review.reason ?? '' })}
        </p>
      ) : dismissing ? (
        <Form
          className="dismiss"
          onSubmit={(e) => {
            e.preventDefault();
            void act('dismissed', reason);
          }}
        >
          <TextField isRequired value={reason} onChange={setReason} className="field wide" autoFocus>
            <Label>{t('consignment.dismissReason')}</Label>
            <TextArea className="input" rows={2} />
          </TextField>
          <div className="actions">
            <Button type="submit" className="button danger" isDisabled={busy || reason.trim() === ''}>
              {t('consignment.dismissConfirm')}
            </Button>
            <Button className="button secondary" onPress={() => setDismissing(false)}>
              {t('consignment.cancel')}
            </Button>
          </div>
        </Form>
      ) : (
        <div className="actions refer">
          <ChoiceField
            label={t('consignment.controlType')}
            value={control.type}
            choices={props.controlTypes.map((c) => ({ id: c, label: codeWord(t, 'controlType', c) }))}
            onChange={(v) => setControl({ ...control, type: v as ControlChoice['type'] })}
          />
          <ChoiceField
            label={t('consignment.controlOffice')}
            value={control.office}
            choices={props.offices.map((o) => ({ id: o, label: o }))}
            onChange={(v) => setControl({ ...control, office: v })}
          />
          <Button className="button" isDisabled={busy} onPress={() => void act('confirmed')}>
            {t('consignment.refer')}
          </Button>
          <Button className="button secondary" isDisabled={busy} onPress={() => setDismissing(true)}>
            {t('consignment.dismiss')}
          </Button>
        </div>
      )}
      {error !== undefined && <ErrorPanel error={error} />}
    </article>
  );
}

export function Consignment() {
  const { t } = useTranslation();
  const now = useNow();
  const { mrn, index } = useParams({ from: '/consignments/$mrn/$index' });
  const seq = Number(index);
  const client = useQueryClient();
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const filing = useQuery({
    queryKey: ['filing', mrn],
    queryFn: async () => dataOf(await api.GET('/v1/filings/{mrn}', { params: { path: { mrn } } })),
  });
  const assessment = useQuery({
    queryKey: ['assessment', mrn],
    queryFn: async () => dataOf(await api.GET('/v1/filings/{mrn}/assessment', { params: { path: { mrn } } })),
  });
  const review = useMutation({
    mutationFn: async ({
      shown: _shown,
      ...b
    }: {
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reason?: string;
      control?: ControlChoice;
      /** The control the analyst saw, sent or not: what the confirmation names. */
      shown?: ControlChoice;
    }) =>
      dataOf(
        await api.POST('/v1/filings/{mrn}/assessment/reviews', {
          params: { path: { mrn } },
          body: { consignment: seq, ...b },
        }),
      ),
    onSuccess: async (r, b) => {
      const outcome = t(`outcome.${r.outcome.kind}`);
      setSaved(
        b.decision === 'confirmed' && b.shown !== undefined && b.shown.office !== ''
          ? t('consignment.referredAt', {
              type: codeWord(t, 'controlType', b.shown.type),
              office: b.shown.office,
              outcome,
            })
          : b.decision === 'confirmed'
            ? t('consignment.referred', { office: filing.data?.filing.officeOfFirstEntry ?? '', outcome })
            : t('consignment.done', { outcome }),
      );
      await client.invalidateQueries({ queryKey: ['assessment', mrn] });
      await client.invalidateQueries({ queryKey: ['queue'] });
    },
  });

  const f = filing.data?.filing;
  const c: FilingConsignment | undefined = f?.consignments?.[seq];
  const a = assessment.data?.consignments.find((x) => x.index === seq);
  const transport = f?.transport;
  const office = f?.officeOfFirstEntry ?? '';
  const recommended = a?.outcome.kind === 'control-recommended' ? a.outcome : undefined;
  const authority = useSession().data?.authority;
  const offices = useOffices(authority, [office, recommended?.office ?? '']);
  const codes = useControlCodes();
  const controlTypes = codes.data?.controlTypes ?? ['documentary', 'physical', 'scan'];

  return (
    <main id="main" className="consignment">
      <p>
        <Link to="/queue">← {t('consignment.back')}</Link>
      </p>
      <h1>{t('consignment.title', { index: seq, mrn })}</h1>
      {(filing.isPending || assessment.isPending) && <p>{t('consignment.loadingData')}</p>}
      {filing.isError && <ErrorPanel error={filing.error} onRetry={() => void filing.refetch()} />}
      {assessment.isError && (
        <ErrorPanel error={assessment.error} onRetry={() => void assessment.refetch()} />
      )}
      {saved !== undefined && (
        <p role="status" className="saved">
          {saved}
        </p>
      )}
      {a !== undefined && (
        <section aria-labelledby="outcome-h" className="card outcome">
          <h2 id="outcome-h">{t('consignment.outcome')}</h2>
          <p className="outcome-kind" data-outcome={a.outcome.kind}>
            {t(`outcome.${a.outcome.kind}`)}
            {'reason' in a.outcome && <span className="sub"> — {a.outcome.reason}</span>}
          </p>
          <p>
            {t('consignment.score')}: {a.score.toFixed(2)}
          </p>
        </section>
      )}
      <div className="columns">
        {c !== undefined && (
          <section aria-labelledby="parties-h" className="card">
            <h2 id="parties-h">{t('consignment.parties')}</h2>
            <Party title={t('consignment.consignor')} party={c.consignor} />
            <Party title={t('consignment.consignee')} party={c.consignee} />
            <Party
              title={t('consignment.notifyParty')}
              party={(c as { notifyParty?: { name?: string } }).notifyParty}
            />
          </section>
        )}
        {f !== undefined && (
          <section aria-labelledby="route-h" className="card">
            <h2 id="route-h">{t('consignment.route')}</h2>
            <dl className="facts">
              <Field label={t('consignment.mode')} value={transport?.mode} />
              <Field label={t('consignment.routing')} value={transport?.routing ?? c?.routing} />
              <Field label={t('consignment.loading')} value={c?.placeOfLoading} />
              <Field label={t('consignment.unloading')} value={c?.placeOfUnloading} />
              <Field label={t('consignment.office')} value={office} />
              <Field
                label={t('consignment.arrival')}
                value={
                  transport?.estimatedArrival !== undefined
                    ? `${new Date(transport.estimatedArrival).toLocaleString()} (${timeLeft(transport.estimatedArrival, now, t)})`
                    : undefined
                }
              />
            </dl>
          </section>
        )}
      </div>
      {c?.goods !== undefined && (
        <section aria-labelledby="goods-h" className="card">
          <h2 id="goods-h">{t('consignment.goods')}</h2>
          <table className="values">
            <thead>
              <tr>
                <th scope="col">{t('consignment.description')}</th>
                <th scope="col">{t('consignment.hsCode')}</th>
                <th scope="col">{t('consignment.grossMass')}</th>
                <th scope="col">{t('consignment.value')}</th>
              </tr>
            </thead>
            <tbody>
              {c.goods.map((g, i) => {
                const item = g as {
                  description?: string;
                  hsCode?: string;
                  grossMassKg?: number;
                  grossMass?: number;
                  value?: { amount?: number; currency?: string };
                };
                return (
                  <tr key={i}>
                    <td>{item.description}</td>
                    <td>{item.hsCode}</td>
                    <td>{item.grossMassKg ?? item.grossMass}</td>
                    <td>
                      {item.value !== undefined
                        ? `${item.value.amount ?? ''} ${item.value.currency ?? ''}`
                        : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      {a !== undefined && f !== undefined && (
        <section aria-labelledby="hits-h">
          <h2 id="hits-h">{t('consignment.hits', { count: a.hits.length })}</h2>
          {a.hits.map((hit) => (
            <HitCard
              key={hit.id}
              hit={hit}
              // The engine's recommended control when there is one (its task is then referred to
              // as it is), else the control the hit recommends at the office of first entry.
              control={{
                type: recommended?.controlType ?? CONTROL_TYPES[hit.recommendedAction] ?? 'documentary',
                office: recommended?.office ?? office,
              }}
              offices={offices}
              controlTypes={controlTypes}
              review={a.reviews.find((r) => r.hit_id === hit.id && r.version === a.version)}
              onReview={async (decision, reason, control) => {
                // The control goes with the referral only when the analyst changed it: the default is
                // what the server does anyway (and the office of first entry may be one no analyst
                // could choose, such as a country code alone).
                await review.mutateAsync({
                  hitId: hit.id,
                  decision,
                  ...(reason !== undefined ? { reason } : {}),
                  ...(control?.changed === true ? { control: control.choice } : {}),
                  ...(control !== undefined ? { shown: control.choice } : {}),
                });
              }}
            />
          ))}
        </section>
      )}
    </main>
  );
}
