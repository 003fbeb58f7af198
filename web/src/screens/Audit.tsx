/**
 * The auditor's screen: the authority's audit trail a page at a time (GET /v1/audit), filtered by
 * subject (a consignment's MRN, a rule, a user), who acted, the action and the time, newest or
 * oldest first; and the verification of its hash chain (GET /v1/audit/verify) with the result in
 * words: intact up to its last entry, or the first broken entry and what to do.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import { ErrorPanel } from '../components';
import './controls-audit.css';

const PAGE = 50;

interface Filters {
  subject: string;
  actor: string;
  action: string;
  from: string;
  to: string;
  order: 'asc' | 'desc';
}

const NO_FILTERS: Filters = { subject: '', actor: '', action: '', from: '', to: '', order: 'desc' };

/** A `datetime-local` value (the browser's time zone) as an instant the API takes. */
function instant(local: string): string | undefined {
  if (local === '') {
    return undefined;
  }
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function TextFilter(props: {
  id: keyof Filters;
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
}) {
  const hintId = `audit-${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={`audit-${props.id}`}>{props.label}</label>
      <input
        id={`audit-${props.id}`}
        className="input"
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint !== undefined ? hintId : undefined}
        autoComplete="off"
        spellCheck={false}
      />
      {props.hint !== undefined && (
        <span id={hintId} className="hint small">
          {props.hint}
        </span>
      )}
    </div>
  );
}

function Verification({ v, at }: { v: Schemas['AuditVerification']; at: Date }) {
  const { t } = useTranslation();
  const chain = v.chains[0];
  const extras = (
    <>
      {v.checkpoints !== undefined && (
        <p>
          {t('audit.checkpoints', { checked: v.checkpoints.checked })}
          {v.checkpoints.problems.length > 0 &&
            ` ${t('audit.checkpointProblems', { count: v.checkpoints.problems.length })}`}
        </p>
      )}
      {v.inbox !== undefined && (v.inbox.pendingLines > 0 || v.inbox.deadLetters > 0) && (
        <p>{t('audit.inbox', { pending: v.inbox.pendingLines, dead: v.inbox.deadLetters })}</p>
      )}
      <p className="sub">{t('audit.checkedAt', { time: at.toLocaleString() })}</p>
    </>
  );
  if (v.ok) {
    const head = chain !== undefined && chain.ok ? chain.head : undefined;
    return (
      <div className="verdict intact" role="status" data-verdict="intact">
        <p className="verdict-title">
          <span aria-hidden="true">✓ </span>
          {v.rows === 0 ? t('audit.emptyChain') : t('audit.intact', { rows: v.rows })}
        </p>
        {head !== undefined && (
          <p>{t('audit.head', { seq: head.seq, hash: `${head.hash.slice(0, 16)}…` })}</p>
        )}
        {extras}
      </div>
    );
  }
  const broken = v.chains.find((c) => !c.ok);
  const rows = broken !== undefined && !broken.ok ? broken.rows : 0;
  return (
    <div className="verdict broken" role="alert" data-verdict="broken">
      <p className="verdict-title">
        <span aria-hidden="true">✗ </span>
        {t('audit.broken', {
          seq: v.seq,
          problem: t(`audit.problem.${v.problem}`, { defaultValue: v.problem }),
          message: v.message,
          rows,
        })}
      </p>
      <p>{t('audit.brokenWhat')}</p>
      {extras}
    </div>
  );
}

export function Audit() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // The cursors of the pages seen, so "previous" goes back without the server keeping state.
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const from = instant(filters.from);
  const to = instant(filters.to);
  const trail = useQuery({
    queryKey: ['audit', filters, cursor],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      dataOf(
        await api.GET('/v1/audit', {
          params: {
            query: {
              limit: PAGE,
              order: filters.order,
              ...(filters.subject.trim() !== '' ? { subject: filters.subject.trim() } : {}),
              ...(filters.actor.trim() !== '' ? { actor: filters.actor.trim() } : {}),
              ...(filters.action.trim() !== '' ? { action: filters.action.trim() } : {}),
              ...(from !== undefined ? { from } : {}),
              ...(to !== undefined ? { to } : {}),
              ...(cursor !== undefined ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  const verify = useMutation({
    mutationFn: async () => ({ v: dataOf(await api.GET('/v1/audit/verify')), at: new Date() }),
  });

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCursors([undefined]);
    setFilters(draft);
  }
  const set = (k: keyof Filters) => (v: string) => setDraft({ ...draft, [k]: v });
  const entries = trail.data?.entries ?? [];
  const next = trail.data?.nextCursor ?? null;

  return (
    <main id="main" className="audit">
      <h1>{t('audit.title')}</h1>
      <section aria-labelledby="verify-h" className="card verify">
        <h2 id="verify-h">{t('audit.verifyTitle')}</h2>
        <p className="hint">{t('audit.verifyIntro')}</p>
        <Button className="button big" isDisabled={verify.isPending} onPress={() => verify.mutate()}>
          {verify.isPending ? t('audit.verifying') : t('audit.verify')}
        </Button>
        {verify.isError && <ErrorPanel error={verify.error} onRetry={() => verify.mutate()} />}
        {verify.data !== undefined && <Verification v={verify.data.v} at={verify.data.at} />}
      </section>
      <form className="filters" onSubmit={apply} aria-label={t('audit.filters')}>
        <TextFilter
          id="subject"
          label={t('audit.subject')}
          hint={t('audit.subjectHint')}
          value={draft.subject}
          onChange={set('subject')}
        />
        <TextFilter
          id="actor"
          label={t('audit.actor')}
          hint={t('audit.actorHint')}
          value={draft.actor}
          onChange={set('actor')}
        />
        <TextFilter
          id="action"
          label={t('audit.action')}
          hint={t('audit.actionHint')}
          value={draft.action}
          onChange={set('action')}
        />
        <TextFilter
          id="from"
          type="datetime-local"
          label={t('audit.from')}
          value={draft.from}
          onChange={set('from')}
        />
        <TextFilter
          id="to"
          type="datetime-local"
          label={t('audit.to')}
          value={draft.to}
          onChange={set('to')}
        />
        <div className="field">
          <label htmlFor="audit-order">{t('audit.order')}</label>
          <select
            id="audit-order"
            className="input"
            value={draft.order}
            onChange={(e) => set('order')(e.target.value)}
          >
            <option value="desc">{t('audit.newest')}</option>
            <option value="asc">{t('audit.oldest')}</option>
          </select>
        </div>
        <div className="actions">
          <Button type="submit" className="button">
            {t('audit.apply')}
          </Button>
          <Button
            className="button secondary"
            onPress={() => {
              setDraft(NO_FILTERS);
              setCursors([undefined]);
              setFilters(NO_FILTERS);
            }}
          >
            {t('audit.clear')}
          </Button>
        </div>
      </form>
      {trail.isError && <ErrorPanel error={trail.error} onRetry={() => void trail.refetch()} />}
      <p className="summary" aria-live="polite">
        {trail.isPending
          ? t('audit.loading')
          : `${t('audit.page', { n: cursors.length })} · ${t('audit.shown', { count: entries.length })}`}
      </p>
      {trail.isSuccess && entries.length === 0 && <p>{t('audit.empty')}</p>}
      {entries.length > 0 && (
        <div className="table-scroll" role="region" aria-labelledby="audit-caption" tabIndex={0}>
          <table className="values audit-table">
            <caption id="audit-caption">{t('audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.colSeq')}</th>
                <th scope="col">{t('audit.colAt')}</th>
                <th scope="col">{t('audit.colActor')}</th>
                <th scope="col">{t('audit.colAction')}</th>
                <th scope="col">{t('audit.colSubject')}</th>
                <th scope="col">{t('audit.colDetails')}</th>
                <th scope="col">{t('audit.colHash')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-seq={e.seq} data-action={e.action}>
                  <td className="num">{e.seq}</td>
                  <td className="nowrap">{new Date(e.at).toLocaleString()}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="subject">{e.subject}</td>
                  <td className="details">
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                  <td>
                    <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager actions" aria-label={t('audit.pages')}>
        <Button
          className="button secondary"
          isDisabled={cursors.length <= 1}
          onPress={() => setCursors([undefined])}
        >
          {t('audit.first')}
        </Button>
        <Button
          className="button secondary"
          isDisabled={cursors.length <= 1}
          onPress={() => setCursors(cursors.slice(0, -1))}
        >
          {t('audit.previous')}
        </Button>
        <Button
          className="button secondary"
          isDisabled={next === null || trail.isPlaceholderData}
          onPress={() => {
            if (next !== null) {
              setCursors([...cursors, next]);
            }
          }}
        >
          {t('audit.next')}
        </Button>
      </nav>
    </main>
  );
}
