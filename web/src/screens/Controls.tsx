/**
 * The control officer's queue (GET /v1/controls): the controls still to do at their office, the
 * earliest due first, or those assigned to them; "take the next control" assigns the office's
 * earliest-due open one (POST /v1/controls/assign-next) and opens its result form. Made for a
 * tablet at the quay as much as a desk: the table becomes one card per control on a narrow screen,
 * and every target is large.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import { ErrorPanel, duration, useNow } from '../components';
import { useSession } from '../session';
import { codeWord, useTakeNext } from './controls-data';
import type { ControlTask } from './controls-data';
import './controls-audit.css';

const PAGE = 50;

/** When a control is due, in words: "due in 3 h 10 min" or "overdue by 20 min". */
export function dueWords(dueAt: string, now: number, t: TFunction): string {
  const ms = new Date(dueAt).getTime() - now;
  return ms >= 0
    ? t('controls.dueIn', { time: duration(ms, t) })
    : t('controls.overdue', { time: duration(-ms, t) });
}

/** A task's status in words, from the reader's point of view. */
export function statusWords(task: ControlTask, me: string, t: TFunction): string {
  if (task.status === 'assigned') {
    return task.assignee === me
      ? t('controls.assignedToYou')
      : t('controls.assignedTo', { who: task.assignee });
  }
  return t(`controls.${task.status}`);
}

export function Controls() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const now = useNow();
  const session = useSession().data!;
  const [officeDraft, setOfficeDraft] = useState(session.office ?? '');
  const [office, setOffice] = useState(session.office ?? '');
  const [scope, setScope] = useState<'office' | 'mine'>('office');
  const takeNext = useTakeNext();
  const [nothing, setNothing] = useState<string | undefined>(undefined);

  const query = {
    status: 'open,assigned',
    limit: PAGE,
    ...(scope === 'mine' ? { assignee: session.username } : office !== '' ? { office } : {}),
  };
  const tasks = useInfiniteQuery({
    queryKey: ['controls', query],
    enabled: scope === 'mine' || office !== '',
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/v1/controls', {
          params: { query: { ...query, ...(pageParam !== undefined ? { next: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next,
  });
  const rows = tasks.data?.pages.flatMap((p) => p.items) ?? [];

  async function take() {
    setNothing(undefined);
    const task = await takeNext.mutateAsync(session.office === undefined ? office : undefined);
    if (task === null) {
      setNothing(t('controls.nothingToTake', { office: session.office ?? office }));
    } else {
      await navigate({ to: '/controls/$id', params: { id: task.id } });
    }
  }

  function chooseOffice(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setOffice(officeDraft.trim().toUpperCase());
  }

  const isOfficer = session.role === 'officer';
  return (
    <main id="main" className="controls">
      <h1>{t('controls.title')}</h1>
      <div className="controls-bar">
        {session.office !== undefined ? (
          <p className="office-badge">
            {t('controls.office')}: <strong>{session.office}</strong>
          </p>
        ) : (
          <form className="office-form" onSubmit={chooseOffice}>
            <div className="field">
              <label htmlFor="controls-office">{t('controls.office')}</label>
              <input
                id="controls-office"
                className="input big"
                value={officeDraft}
                onChange={(e) => setOfficeDraft(e.target.value)}
                placeholder="NL000396"
                aria-describedby="controls-office-hint"
                autoComplete="off"
              />
              <span id="controls-office-hint" className="hint">
                {office === '' ? t('controls.noOffice') : t('controls.officeHint')}
              </span>
            </div>
            <Button type="submit" className="button big secondary">
              {t('queue.apply')}
            </Button>
          </form>
        )}
        <fieldset className="segmented">
          <legend>{t('controls.show')}</legend>
          {(['office', 'mine'] as const).map((s) => (
            <label key={s} className={`segment${scope === s ? ' on' : ''}`}>
              <input
                type="radio"
                name="controls-scope"
                value={s}
                checked={scope === s}
                onChange={() => setScope(s)}
              />
              {s === 'office' ? t('controls.showOffice') : t('controls.showMine')}
            </label>
          ))}
        </fieldset>
        {isOfficer && (
          <Button
            className="button big take"
            isDisabled={takeNext.isPending || (session.office === undefined && office === '')}
            onPress={() => void take().catch(() => undefined)}
          >
            {takeNext.isPending ? t('controls.taking') : t('controls.takeNext')}
          </Button>
        )}
      </div>
      {nothing !== undefined && (
        <p role="status" className="saved">
          {nothing}
        </p>
      )}
      {takeNext.isError && <ErrorPanel error={takeNext.error} />}
      {tasks.isError && <ErrorPanel error={tasks.error} onRetry={() => void tasks.refetch()} />}
      {tasks.isSuccess && (
        <p className="summary" aria-live="polite">
          {scope === 'mine'
            ? t('controls.summaryMine', { count: rows.length })
            : t('controls.summary', { count: rows.length })}
          {tasks.hasNextPage ? '+' : ''}
        </p>
      )}
      {tasks.isLoading && <p>{t('controls.loading')}</p>}
      {tasks.isSuccess && rows.length === 0 && <p>{t('controls.empty')}</p>}
      {rows.length > 0 && (
        <table className="cards-table">
          <caption className="visually-hidden">{t('controls.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('controls.colDue')}</th>
              <th scope="col">{t('controls.colConsignment')}</th>
              <th scope="col">{t('controls.colType')}</th>
              <th scope="col">{t('controls.colWhy')}</th>
              <th scope="col">{t('controls.colRules')}</th>
              <th scope="col">{t('controls.colStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((task) => (
              <tr key={task.id} data-task={task.id}>
                <td data-label={t('controls.colDue')}>
                  <span className={new Date(task.dueAt).getTime() < now ? 'overdue' : ''}>
                    {dueWords(task.dueAt, now, t)}
                  </span>
                  <span className="sub block">{new Date(task.dueAt).toLocaleString()}</span>
                </td>
                <td data-label={t('controls.colConsignment')}>
                  <Link to="/controls/$id" params={{ id: task.id }} className="row-link">
                    {task.mrn} #{task.seq}
                  </Link>
                  <span className="sub block">{task.office}</span>
                </td>
                <td data-label={t('controls.colType')}>{codeWord(t, 'controlType', task.controlType)}</td>
                <td data-label={t('controls.colWhy')} className="why">
                  {task.reason}
                </td>
                <td data-label={t('controls.colRules')}>
                  {task.ruleRefs.map((r) => r.id).join(', ') || '—'}
                </td>
                <td data-label={t('controls.colStatus')}>{statusWords(task, session.username, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tasks.hasNextPage && (
        <Button
          className="button big secondary"
          isDisabled={tasks.isFetchingNextPage}
          onPress={() => void tasks.fetchNextPage()}
        >
          {t('controls.loadMore')}
        </Button>
      )}
    </main>
  );
}
