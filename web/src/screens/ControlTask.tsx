/**
 * One control for the officer (GET /v1/controls/{id}): what to control and why (the office, type,
 * due time, the rules that asked for it, the consignment's parties and goods), the results recorded
 * so far, and, while it has none, the result form. An open control can be taken first; a recorded
 * result is confirmed in words, with the next control one press away.
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import { ErrorPanel, useNow } from '../components';
import { useSession } from '../session';
import { dueWords, statusWords } from './Controls';
import { codeWord, describeResult, useControlCodes, useTakeNext } from './controls-data';
import type { ControlResult } from './controls-data';
import { ResultForm } from './ResultForm';
import './controls-audit.css';

const RECORDERS = new Set(['officer', 'coordinator', 'admin']);
const OVERRIDERS = new Set(['coordinator', 'admin']);

interface GoodsItem {
  description?: string;
  hsCode?: string;
  grossMass?: number;
  grossMassKg?: number;
}

export function ControlTask() {
  const { t, i18n } = useTranslation();
  const { id } = useParams({ from: '/controls/$id' });
  const navigate = useNavigate();
  const now = useNow();
  const session = useSession().data!;
  const client = useQueryClient();
  const codes = useControlCodes();
  const takeNext = useTakeNext();
  const [recorded, setRecorded] = useState<string | undefined>(undefined);
  const [nothing, setNothing] = useState<string | undefined>(undefined);
  const done = useRef<HTMLParagraphElement>(null);

  const detail = useQuery({
    queryKey: ['control', id],
    queryFn: async () => dataOf(await api.GET('/v1/controls/{id}', { params: { path: { id } } })),
  });
  const task = detail.data?.task;
  const filing = useQuery({
    queryKey: ['filing', task?.mrn],
    enabled: task !== undefined,
    queryFn: async () => dataOf(await api.GET('/v1/filings/{mrn}', { params: { path: { mrn: task!.mrn } } })),
  });
  const take = useMutation({
    mutationFn: async () =>
      dataOf(await api.POST('/v1/controls/{id}/assign', { params: { path: { id } }, body: {} })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['control', id] });
      await client.invalidateQueries({ queryKey: ['controls'] });
    },
  });

  // The confirmation takes the focus, so it is heard and the next step is a Tab away.
  useEffect(() => {
    if (recorded !== undefined) {
      done.current?.focus();
    }
  }, [recorded]);

  async function onRecorded(result: ControlResult) {
    setRecorded(t('task.recorded', { what: describeResult(result, t, i18n.language) }));
    await client.invalidateQueries({ queryKey: ['control', id] });
    await client.invalidateQueries({ queryKey: ['controls'] });
  }

  async function next() {
    setNothing(undefined);
    const office = session.office === undefined && task !== undefined ? task.office : undefined;
    const taken = await takeNext.mutateAsync(office);
    if (taken === null) {
      setNothing(t('controls.nothingToTake', { office: session.office ?? task?.office ?? '' }));
    } else {
      setRecorded(undefined);
      await navigate({ to: '/controls/$id', params: { id: taken.id } });
    }
  }

  const results = detail.data?.results ?? [];
  const current = results.find((r) => r.current);
  const consignment = filing.data?.filing.consignments?.[task?.seq ?? 0] as
    | {
        consignor?: { name?: string };
        consignee?: { name?: string };
        goods?: GoodsItem[];
      }
    | undefined;
  const mayRecord =
    task !== undefined &&
    current === undefined &&
    RECORDERS.has(session.role) &&
    (task.status === 'open' ||
      (task.status === 'assigned' && (task.assignee === session.username || OVERRIDERS.has(session.role))));
  const heldByOther =
    task !== undefined &&
    task.status === 'assigned' &&
    task.assignee !== session.username &&
    !OVERRIDERS.has(session.role);

  return (
    <main id="main" className="controls control-task">
      <p>
        <Link to="/controls" className="back">
          ← {t('task.back')}
        </Link>
      </p>
      <h1>{task !== undefined ? t('task.title', { mrn: task.mrn, index: task.seq }) : t('task.loading')}</h1>
      {detail.isError && <ErrorPanel error={detail.error} onRetry={() => void detail.refetch()} />}
      {recorded !== undefined && (
        <div className="saved done">
          <p role="status" tabIndex={-1} ref={done}>
            {recorded}
          </p>
          <div className="actions">
            {session.role === 'officer' && (
              <Button
                className="button big"
                isDisabled={takeNext.isPending}
                onPress={() => void next().catch(() => undefined)}
              >
                {t('task.next')}
              </Button>
            )}
            <Link to="/controls" className="button big secondary">
              {t('task.back')}
            </Link>
          </div>
        </div>
      )}
      {nothing !== undefined && (
        <p role="status" className="saved">
          {nothing}
        </p>
      )}
      {takeNext.isError && <ErrorPanel error={takeNext.error} />}
      {task !== undefined && (
        <div className="task-layout">
          <section aria-labelledby="task-facts-h" className="card">
            <h2 id="task-facts-h">{t('task.facts')}</h2>
            <dl className="facts">
              <dt>{t('task.consignment')}</dt>
              <dd>
                {task.mrn} #{task.seq}{' '}
                <Link to="/consignments/$mrn/$index" params={{ mrn: task.mrn, index: String(task.seq) }}>
                  {t('task.openConsignment')}
                </Link>
              </dd>
              <dt>{t('task.type')}</dt>
              <dd>{codeWord(t, 'controlType', task.controlType)}</dd>
              <dt>{t('task.office')}</dt>
              <dd>{task.office}</dd>
              <dt>{t('task.due')}</dt>
              <dd>
                {new Date(task.dueAt).toLocaleString()} ({dueWords(task.dueAt, now, t)})
              </dd>
              <dt>{t('task.why')}</dt>
              <dd>{task.reason}</dd>
              <dt>{t('task.source')}</dt>
              <dd>{codeWord(t, 'source', task.source)}</dd>
              <dt>{t('task.rules')}</dt>
              <dd>{task.ruleRefs.map((r) => `${r.id} v${r.version}`).join(', ') || '—'}</dd>
              <dt>{t('task.status')}</dt>
              <dd data-status={task.status}>{statusWords(task, session.username, t)}</dd>
            </dl>
            {task.status === 'open' && RECORDERS.has(session.role) && (
              <Button
                className="button big secondary"
                isDisabled={take.isPending}
                onPress={() => take.mutate()}
              >
                {t('task.take')}
              </Button>
            )}
            {take.isError && <ErrorPanel error={take.error} />}
          </section>
          <section aria-labelledby="task-goods-h" className="card">
            <h2 id="task-goods-h">{t('task.goods')}</h2>
            {filing.isError && <ErrorPanel error={filing.error} />}
            {consignment !== undefined && (
              <>
                <p>
                  <span className="sub">{t('task.parties')}:</span> {consignment.consignor?.name ?? '—'} →{' '}
                  {consignment.consignee?.name ?? '—'}
                </p>
                {consignment.goods !== undefined && consignment.goods.length > 0 ? (
                  <table className="values">
                    <thead>
                      <tr>
                        <th scope="col">{t('consignment.description')}</th>
                        <th scope="col">{t('consignment.hsCode')}</th>
                        <th scope="col">{t('consignment.grossMass')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {consignment.goods.map((g, i) => (
                        <tr key={i}>
                          <td>{g.description}</td>
                          <td>{g.hsCode}</td>
                          <td>{g.grossMassKg ?? g.grossMass}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p>{t('task.noGoods')}</p>
                )}
              </>
            )}
          </section>
        </div>
      )}
      {results.length > 0 && (
        <section aria-labelledby="task-results-h" className="card">
          <h2 id="task-results-h">{t('task.results')}</h2>
          <ul className="results">
            {results.map((r) => (
              <li key={r.id} className={r.current ? 'current' : 'superseded'} data-result={r.result}>
                <strong>{describeResult(r, t, i18n.language)}</strong>{' '}
                <span className="sub">
                  ({r.current ? t('task.current') : t('task.superseded')}; {codeWord(t, 'method', r.method)};{' '}
                  {t('task.recordedBy', { who: r.recordedBy, when: new Date(r.recordedAt).toLocaleString() })}
                  )
                </span>
                {r.remarks !== null && <p className="remarks">{r.remarks}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {heldByOther && current === undefined && (
        <p className="hint">{t('task.notYours', { who: task.assignee })}</p>
      )}
      {codes.isError && <ErrorPanel error={codes.error} onRetry={() => void codes.refetch()} />}
      {mayRecord && codes.data !== undefined && recorded === undefined && (
        <section className="card">
          <ResultForm key={task.id} task={task} codes={codes.data} onRecorded={(r) => void onRecorded(r)} />
        </section>
      )}
    </main>
  );
}
