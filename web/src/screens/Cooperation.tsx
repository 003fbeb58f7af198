/**
 * Cooperation between authorities (issue 16, point 3): the risk information forms sent to the
 * reader's authority and those it issued (GET /v1/rifs?box=inbox|issued), the earliest feedback due
 * first with a due / overdue mark (the server's labels for the inbox, which judge by its clock); one
 * RIF opened with its indicators, details and feedback (GET /v1/rifs/{id}, /feedback), and a small
 * feedback form for a recipient (POST /v1/rifs/{id}/feedback). Then the joint operations the
 * authority coordinates or takes part in (GET /v1/operations), one opened with its participants,
 * its pooled results per participant and in total (GET /v1/operations/{id}/results) and a link to
 * the printable report. Loaded on demand (router.tsx), with its words.
 */
import { Suspense, lazy, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import { ErrorPanel } from '../components';
import { useSession } from '../session';
import { mayGiveRifFeedback, mayReadOperations, mayReadRifs } from '../roles';
import { mayDecideRifs, mayWriteRifs } from './cooperation-roles';
import { ReasonForm } from './ReasonForm';
import './cooperation-words';
import './rif-words';
import './cooperation.css';

// Composing, adopting and an operation's channel load when first opened (chunks of their own).
const RifCompose = lazy(() => import('./RifCompose').then((m) => ({ default: m.RifCompose })));
const RifAdopt = lazy(() => import('./RifAdopt').then((m) => ({ default: m.RifAdopt })));
const AcceptParticipation = lazy(() =>
  import('./OperationChannel').then((m) => ({ default: m.AcceptParticipation })),
);
const OperationChannel = lazy(() =>
  import('./OperationChannel').then((m) => ({ default: m.OperationChannel })),
);

type Rif = Schemas['Rif'];
type Delivery = Schemas['RifDelivery'];
interface InboxEntry {
  rif: Rif;
  delivery: Delivery;
  labels: string[];
}
type Box = 'inbox' | 'issued';
/** One row of the pooled results (a participant's, or the total). */
interface Figures {
  screened: number;
  hitConsignments: number;
  controls: number;
  results: Record<string, number>;
  dutyAtStake: number;
  taxAtStake: number;
}

const stamp = (iso: string | null | undefined, language: string): string =>
  iso === null || iso === undefined
    ? '—'
    : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
        new Date(iso),
      ) + ' UTC';

const dueOf = (rif: Rif): number =>
  rif.feedback.dueAt !== undefined ? Date.parse(rif.feedback.dueAt) : Number.POSITIVE_INFINITY;

/** The feedback due date and its mark: from the server's labels in the inbox, from the clock otherwise. */
function DueCell({ rif, labels }: { rif: Rif; labels?: string[] }) {
  const { t, i18n } = useTranslation();
  if (!rif.feedback.required || rif.feedback.dueAt === undefined) {
    return <span className="sub">{t('coop.noDue')}</span>;
  }
  let mark: 'due' | 'overdue' | 'given' | undefined;
  if (labels !== undefined) {
    mark = labels.includes('overdue') ? 'overdue' : labels.includes('feedback-due') ? 'due' : 'given';
  } else if (rif.status === 'issued') {
    mark = Date.parse(rif.feedback.dueAt) < Date.now() ? 'overdue' : 'due';
  }
  return (
    <>
      <span className="block">{stamp(rif.feedback.dueAt, i18n.language)}</span>
      {mark !== undefined && <span className={`coop-mark ${mark}`}>{t(`coop.${mark}`)}</span>}
    </>
  );
}

function RifList({ box, open, onOpen }: { box: Box; open?: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['rifs', box],
    queryFn: async () => dataOf(await api.GET('/v1/rifs', { params: { query: { box, limit: 500 } } })),
  });
  if (list.isError) {
    return <ErrorPanel error={list.error} onRetry={() => void list.refetch()} />;
  }
  if (list.isPending) {
    return <p>{t('coop.loading')}</p>;
  }
  const rows: { rif: Rif; labels?: string[] }[] = (list.data.items as (InboxEntry | Rif)[]).map((item) =>
    'delivery' in item ? { rif: item.rif, labels: item.labels } : { rif: item },
  );
  rows.sort((a, b) => dueOf(a.rif) - dueOf(b.rif) || a.rif.id.localeCompare(b.rif.id));
  if (rows.length === 0) {
    return <p>{box === 'inbox' ? t('coop.noInbox') : t('coop.noIssued')}</p>;
  }
  return (
    <table className="values coop-table">
      <caption className="visually-hidden">
        {box === 'inbox' ? t('coop.inboxCaption') : t('coop.issuedCaption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('coop.colTitle')}</th>
          <th scope="col">{box === 'inbox' ? t('coop.colFrom') : t('coop.colTo')}</th>
          <th scope="col">{t('coop.colTlp')}</th>
          <th scope="col">{t('coop.colArea')}</th>
          <th scope="col">{t('coop.colStatus')}</th>
          <th scope="col">{t('coop.colDue')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ rif, labels }) => (
          <tr key={rif.id} data-rif={rif.id} className={open === rif.id ? 'selected' : undefined}>
            <td>
              <Button
                className="link-button"
                aria-expanded={open === rif.id}
                aria-controls="coop-rif"
                onPress={() => onOpen(rif.id)}
              >
                {rif.title}
              </Button>
              <span className="sub block">
                {rif.id} · {t('coop.version', { n: rif.version })}
              </span>
            </td>
            <td>
              {box === 'inbox'
                ? rif.issuer
                : rif.recipients === 'all'
                  ? t('coop.allCustoms')
                  : rif.recipients.join(', ')}
            </td>
            <td>
              <span className={`tlp tlp-${rif.handling.tlp.replace('+', '-').toLowerCase()}`}>
                TLP:{rif.handling.tlp}
              </span>
            </td>
            <td>{rif.riskArea}</td>
            <td>
              {(labels ?? [rif.status])
                .filter((l) => l !== 'feedback-due' && l !== 'overdue')
                .map((l) => t(`coop.state.${l}`, { defaultValue: l }))
                .join(', ')}
            </td>
            <td>
              <DueCell rif={rif} {...(labels !== undefined ? { labels } : {})} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function indicatorValue(key: string, value: unknown, t: TFunction): string {
  if (Array.isArray(value)) {
    return value
      .map((v) =>
        typeof v === 'object' && v !== null
          ? [(v as { eori?: string }).eori, (v as { name?: string }).name, (v as { role?: string }).role]
              .filter((x) => x !== undefined)
              .join(' · ')
          : String(v),
      )
      .join(', ');
  }
  if (typeof value === 'object' && value !== null) {
    const r = value as { min?: number; max?: number };
    return `${r.min ?? '…'} – ${r.max ?? '…'}`;
  }
  return key === '' ? t('coop.noIndicators') : String(value);
}

function FeedbackForm({ id }: { id: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [usefulness, setUsefulness] = useState<'useful' | 'not-useful' | ''>('');
  const [comment, setComment] = useState('');
  const [controls, setControls] = useState('');
  const [problem, setProblem] = useState<{ field: 'usefulness' | 'controls'; text: string } | undefined>();
  const give = useMutation({
    mutationFn: async (body: {
      usefulness: 'useful' | 'not-useful';
      comment?: string;
      controlsDone?: number;
    }) => dataOf(await api.POST('/v1/rifs/{id}/feedback', { params: { path: { id } }, body })),
    onSuccess: async () => {
      setComment('');
      setControls('');
      await client.invalidateQueries({ queryKey: ['rif-feedback', id] });
      await client.invalidateQueries({ queryKey: ['rifs'] });
    },
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (usefulness === '') {
      setProblem({ field: 'usefulness', text: t('coop.chooseUsefulness') });
      return;
    }
    const n = controls.trim() === '' ? undefined : Number(controls.trim());
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
      setProblem({ field: 'controls', text: t('coop.badControls') });
      return;
    }
    setProblem(undefined);
    give.mutate({
      usefulness,
      ...(comment.trim() !== '' ? { comment: comment.trim() } : {}),
      ...(n !== undefined ? { controlsDone: n } : {}),
    });
  }

  return (
    <form className="coop-feedback" onSubmit={submit} noValidate aria-labelledby="coop-give">
      <h4 id="coop-give">{t('coop.give')}</h4>
      <fieldset
        className="segmented"
        aria-invalid={problem?.field === 'usefulness'}
        aria-describedby={problem?.field === 'usefulness' ? 'coop-problem' : undefined}
      >
        <legend>{t('coop.usefulness')}</legend>
        {(['useful', 'not-useful'] as const).map((u) => (
          <label key={u} className={`segment${usefulness === u ? ' on' : ''}`}>
            <input
              type="radio"
              name="coop-usefulness"
              value={u}
              checked={usefulness === u}
              onChange={() => setUsefulness(u)}
            />
            {u === 'useful' ? t('coop.useful') : t('coop.notUseful')}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="coop-controls">{t('coop.controlsDone')}</label>
        <input
          id="coop-controls"
          className="input"
          inputMode="numeric"
          value={controls}
          onChange={(e) => setControls(e.target.value)}
          aria-invalid={problem?.field === 'controls'}
          aria-describedby={
            problem?.field === 'controls' ? 'coop-problem coop-controls-hint' : 'coop-controls-hint'
          }
        />
        <span id="coop-controls-hint" className="hint">
          {t('coop.controlsDoneHint')}
        </span>
      </div>
      <div className="field wide">
        <label htmlFor="coop-comment">{t('coop.comment')}</label>
        <textarea
          id="coop-comment"
          className="input"
          rows={3}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      {problem !== undefined && (
        <p id="coop-problem" role="alert" className="problem">
          {problem.text}
        </p>
      )}
      {give.isError && <ErrorPanel error={give.error} />}
      {give.isSuccess && (
        <p role="status" className="saved">
          {t('coop.sent')}
        </p>
      )}
      <Button type="submit" className="button" isDisabled={give.isPending}>
        {give.isPending ? t('coop.sending') : t('coop.send')}
      </Button>
    </form>
  );
}

/** The issuer's actions on its RIF: change and issue a draft; amend or withdraw (with a reason) an issued one. */
function IssuerActions({ rif, onEdit }: { rif: Rif; onEdit: (rif: Rif) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [withdrawing, setWithdrawing] = useState(false);
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['rifs'] });
    await client.invalidateQueries({ queryKey: ['rif', rif.id] });
    await client.invalidateQueries({ queryKey: ['rif-feedback', rif.id] });
  };
  const issue = useMutation({
    mutationFn: async () =>
      dataOf(await api.POST('/v1/rifs/{id}/issue', { params: { path: { id: rif.id } } })),
    onSuccess: refresh,
  });
  const withdraw = useMutation({
    mutationFn: async (why: string) =>
      dataOf(
        await api.POST('/v1/rifs/{id}/withdrawal', {
          params: { path: { id: rif.id } },
          body: { reason: why },
        }),
      ),
    onSuccess: refresh,
  });

  return (
    <div className="rif-actions">
      {issue.isSuccess && (
        <p role="status" className="saved">
          {t('rif.issued', { to: issue.data.deliveredTo.join(', ') })}
        </p>
      )}
      {withdraw.isSuccess && (
        <p role="status" className="saved">
          {t('rif.withdrawn')}
        </p>
      )}
      {issue.isError && <ErrorPanel error={issue.error} />}
      {withdraw.isError && <ErrorPanel error={withdraw.error} />}
      {rif.status === 'draft' && (
        <div className="rif-buttons">
          <Button className="button secondary" onPress={() => onEdit(rif)}>
            {t('rif.edit')}
          </Button>
          <Button className="button" isDisabled={issue.isPending} onPress={() => issue.mutate()}>
            {issue.isPending ? t('rif.issuing') : t('rif.issue')}
          </Button>
        </div>
      )}
      {rif.status === 'issued' && (
        <>
          <div className="rif-buttons">
            <Button className="button secondary" onPress={() => onEdit(rif)}>
              {t('rif.amend')}
            </Button>
            <Button
              className="button secondary"
              aria-expanded={withdrawing}
              {...(withdrawing ? { 'aria-controls': 'rif-withdraw' } : {})}
              onPress={() => setWithdrawing(!withdrawing)}
            >
              {t('rif.withdraw')}
            </Button>
          </div>
          {withdrawing && (
            <ReasonForm
              id="rif-withdraw"
              label={t('rif.withdrawReason')}
              needsReason={t('rif.withdrawNeedsReason')}
              send={t('rif.withdrawSend')}
              pending={withdraw.isPending}
              onSend={(why) => withdraw.mutate(why)}
            />
          )}
        </>
      )}
    </div>
  );
}

function RifDetail({ id, onClose, onEdit }: { id: string; onClose: () => void; onEdit: (rif: Rif) => void }) {
  const [adopting, setAdopting] = useState(false);
  const { t, i18n } = useTranslation();
  const session = useSession().data!;
  const view = useQuery({
    queryKey: ['rif', id],
    queryFn: async () => dataOf(await api.GET('/v1/rifs/{id}', { params: { path: { id } } })),
  });
  const feedback = useQuery({
    queryKey: ['rif-feedback', id],
    queryFn: async () => dataOf(await api.GET('/v1/rifs/{id}/feedback', { params: { path: { id } } })),
  });
  if (view.isError) {
    return <ErrorPanel error={view.error} onRetry={() => void view.refetch()} />;
  }
  if (view.isPending) {
    return <p>{t('coop.loading')}</p>;
  }
  const { rif, delivery } = view.data;
  const indicators = Object.entries(rif.indicators).filter(([, v]) => v !== undefined);
  const recipient = delivery !== undefined && rif.issuer !== session.authority;
  const detail = (label: string, value: string | undefined) =>
    value === undefined ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  return (
    <section id="coop-rif" className="card coop-detail" aria-labelledby="coop-rif-title">
      <div className="coop-detail-head">
        <h3 id="coop-rif-title">
          {rif.title} <span className="sub">({rif.id})</span>
        </h3>
        <Button className="button secondary" onPress={onClose}>
          {t('coop.close')}
        </Button>
      </div>
      <h4>{t('coop.indicators')}</h4>
      {indicators.length === 0 ? (
        <p>{t('coop.noIndicators')}</p>
      ) : (
        <dl className="coop-dl coop-indicators">
          {indicators.map(([key, value]) => (
            <div key={key}>
              <dt>{t(`coop.indicator.${key}`, { defaultValue: key })}</dt>
              <dd>{indicatorValue(key, value, t)}</dd>
            </div>
          ))}
        </dl>
      )}
      <h4>{t('coop.details')}</h4>
      <dl className="coop-dl">
        {detail(t('coop.description'), rif.description)}
        {detail(t('coop.modusOperandi'), rif.modusOperandi)}
        {detail(t('coop.concealment'), rif.concealment)}
        {detail(t('coop.recommendedAction'), rif.recommendedAction)}
        {detail(t('coop.controlType'), rif.controlType)}
        {detail(t('coop.urgency'), rif.urgency)}
        {detail(
          t('coop.validity'),
          t('coop.validityRange', {
            from: stamp(rif.validFrom, i18n.language),
            until: stamp(rif.validUntil, i18n.language),
          }),
        )}
        {detail(
          t('coop.handling'),
          t('coop.handlingWords', {
            tlp: rif.handling.tlp,
            code: rif.handling.code,
            source: rif.handling.sourceReliability,
            accuracy: rif.handling.informationAccuracy,
          }),
        )}
        {detail(t('coop.restriction'), rif.handling.restriction)}
        {detail(t('coop.colFrom'), rif.issuer)}
        {detail(
          t('coop.recipients'),
          rif.recipients === 'all' ? t('coop.allCustoms') : rif.recipients.join(', '),
        )}
        {detail(
          t('coop.colDue'),
          rif.feedback.dueAt !== undefined ? stamp(rif.feedback.dueAt, i18n.language) : t('coop.noDue'),
        )}
        {delivery !== undefined &&
          detail(
            t('coop.yourCopy'),
            `${t(`coop.state.${delivery.state}`)} · ${t('coop.version', { n: delivery.version })}`,
          )}
      </dl>
      {rif.issuer === session.authority && mayWriteRifs(session.role) && (
        <IssuerActions rif={rif} onEdit={onEdit} />
      )}
      {recipient &&
        delivery.kind === 'customs' &&
        mayDecideRifs(session.role) &&
        rif.status === 'issued' &&
        !adopting &&
        (delivery.state === 'unread' || delivery.state === 'read' || delivery.state === 'noted') && (
          <div className="rif-buttons">
            <Button className="button" onPress={() => setAdopting(true)}>
              {t('rif.adoptOpen')}
            </Button>
          </div>
        )}
      {adopting && (
        <Suspense fallback={<p>{t('coop.loading')}</p>}>
          <RifAdopt id={rif.id} onClose={() => setAdopting(false)} />
        </Suspense>
      )}
      <h4>{t('coop.feedback')}</h4>
      {feedback.isError && <ErrorPanel error={feedback.error} onRetry={() => void feedback.refetch()} />}
      {feedback.isSuccess && feedback.data.feedback.length === 0 && <p>{t('coop.feedbackNone')}</p>}
      {feedback.isSuccess && feedback.data.feedback.length > 0 && (
        <table className="values coop-table">
          <caption className="visually-hidden">{t('coop.feedbackCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('coop.colAt')}</th>
              <th scope="col">{t('coop.colAuthority')}</th>
              <th scope="col">{t('coop.colUseful')}</th>
              <th scope="col">{t('coop.colControls')}</th>
              <th scope="col">{t('coop.colComment')}</th>
            </tr>
          </thead>
          <tbody>
            {feedback.data.feedback.map((f) => (
              <tr key={f.id}>
                <td>{stamp(f.at, i18n.language)}</td>
                <td>{f.authority}</td>
                <td>
                  {f.usefulness === null
                    ? (f.result ?? '—')
                    : f.usefulness === 'useful'
                      ? t('coop.useful')
                      : t('coop.notUseful')}
                </td>
                <td>{f.controlsDone ?? '—'}</td>
                <td>{f.comment ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {feedback.isSuccess && !recipient && feedback.data.recipients.length > 0 && (
        <table className="values coop-table">
          <caption>{t('coop.recipientsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('coop.colAuthority')}</th>
              <th scope="col">{t('coop.colStatus')}</th>
              <th scope="col">{t('coop.colFeedbackCount')}</th>
            </tr>
          </thead>
          <tbody>
            {feedback.data.recipients.map((r) => (
              <tr key={r.authority}>
                <td>{r.authority}</td>
                <td>
                  {t(`coop.state.${r.state}`, { defaultValue: r.state })}
                  {r.overdue && <span className="coop-mark overdue">{t('coop.overdue')}</span>}
                </td>
                <td>{r.feedbackCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {recipient && mayGiveRifFeedback(session.role) && <FeedbackForm id={rif.id} />}
    </section>
  );
}

function Rifs() {
  const { t } = useTranslation();
  const session = useSession().data!;
  const [box, setBox] = useState<Box>('inbox');
  const [open, setOpen] = useState<string | undefined>();
  const [composing, setComposing] = useState<Rif | 'new' | undefined>();
  return (
    <section aria-labelledby="coop-rifs" className="coop-section">
      <h2 id="coop-rifs">{t('coop.rifs')}</h2>
      {mayWriteRifs(session.role) && composing === undefined && (
        <Button className="button" onPress={() => setComposing('new')}>
          {t('rif.compose')}
        </Button>
      )}
      {composing !== undefined && (
        <Suspense fallback={<p>{t('coop.loading')}</p>}>
          <RifCompose
            key={composing === 'new' ? 'new' : `${composing.id}-${composing.version}`}
            {...(composing !== 'new' ? { rif: composing } : {})}
            onCancel={() => setComposing(undefined)}
            onSaved={(id) => {
              setComposing(undefined);
              setBox('issued');
              setOpen(id);
            }}
          />
        </Suspense>
      )}
      <fieldset className="segmented">
        <legend className="visually-hidden">{t('coop.boxes')}</legend>
        {(['inbox', 'issued'] as const).map((b) => (
          <label key={b} className={`segment${box === b ? ' on' : ''}`}>
            <input
              type="radio"
              name="coop-box"
              value={b}
              checked={box === b}
              onChange={() => {
                setBox(b);
                setOpen(undefined);
              }}
            />
            {t(`coop.${b}`)}
          </label>
        ))}
      </fieldset>
      <RifList
        box={box}
        {...(open !== undefined ? { open } : {})}
        onOpen={(id) => setOpen(open === id ? undefined : id)}
      />
      {open !== undefined && (
        <RifDetail
          key={open}
          id={open}
          onClose={() => setOpen(undefined)}
          onEdit={(rif) => setComposing(rif)}
        />
      )}
    </section>
  );
}

function OperationDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const op = useQuery({
    queryKey: ['operation', id],
    queryFn: async () => dataOf(await api.GET('/v1/operations/{id}', { params: { path: { id } } })),
  });
  const results = useQuery({
    queryKey: ['operation-results', id],
    queryFn: async () => dataOf(await api.GET('/v1/operations/{id}/results', { params: { path: { id } } })),
  });
  const number = (n: number) => new Intl.NumberFormat(i18n.language).format(n);
  const money = (n: number) =>
    new Intl.NumberFormat(i18n.language, {
      style: 'currency',
      currency: 'EUR',
      maximumFractionDigits: 0,
    }).format(n);
  if (op.isError) {
    return <ErrorPanel error={op.error} onRetry={() => void op.refetch()} />;
  }
  if (op.isPending) {
    return <p>{t('coop.loading')}</p>;
  }
  const o = op.data;
  const cells = (f: Figures) => (
    <>
      <td>{number(f.screened)}</td>
      <td>{number(f.hitConsignments)}</td>
      <td>{number(f.controls)}</td>
      <td>{number(f.results['no-irregularity'] ?? 0)}</td>
      <td>{number(f.results['irregularity'] ?? 0)}</td>
      <td>{number(f.results['seizure'] ?? 0)}</td>
      <td>{money(f.dutyAtStake)}</td>
      <td>{money(f.taxAtStake)}</td>
    </>
  );
  return (
    <section id="coop-op" className="card coop-detail" aria-labelledby="coop-op-title">
      <div className="coop-detail-head">
        <h3 id="coop-op-title">
          {o.title} <span className="sub">({o.id})</span>
        </h3>
        <Button className="button secondary" onPress={onClose}>
          {t('coop.close')}
        </Button>
      </div>
      <dl className="coop-dl">
        <dt>{t('coop.objective')}</dt>
        <dd>{o.objective}</dd>
        <dt>{t('coop.colCoordinator')}</dt>
        <dd>{o.coordinator}</dd>
      </dl>
      <h4>{t('coop.participants')}</h4>
      <table className="values coop-table">
        <caption className="visually-hidden">{t('coop.participantsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('coop.colParticipant')}</th>
            <th scope="col">{t('coop.colState')}</th>
            <th scope="col">{t('coop.colLiaison')}</th>
          </tr>
        </thead>
        <tbody>
          {o.participants.map((p) => (
            <tr key={p.authority} data-participant={p.authority}>
              <th scope="row">{p.authority}</th>
              <td>
                {p.state === 'accepted'
                  ? t('coop.accepted', { at: stamp(p.acceptedAt, i18n.language) })
                  : t('coop.notAccepted')}
              </td>
              <td>
                {p.liaisonOfficers.map((l) => l.name + (l.contact ? ` (${l.contact})` : '')).join(', ') ||
                  '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Suspense fallback={<p>{t('coop.loading')}</p>}>
        <AcceptParticipation id={o.id} members={o.participants} />
      </Suspense>
      <h4>{t('coop.results')}</h4>
      {results.isError && <ErrorPanel error={results.error} onRetry={() => void results.refetch()} />}
      {results.isPending && <p>{t('coop.loading')}</p>}
      {results.isSuccess && (
        <table className="values coop-table coop-results">
          <caption>{t('coop.resultsCaption', { at: stamp(results.data.asOf, i18n.language) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('coop.colParticipant')}</th>
              <th scope="col">{t('coop.colScreened')}</th>
              <th scope="col">{t('coop.colHits')}</th>
              <th scope="col">{t('coop.colControlsOp')}</th>
              <th scope="col">{t('coop.colNoIrregularity')}</th>
              <th scope="col">{t('coop.colIrregularity')}</th>
              <th scope="col">{t('coop.colSeizure')}</th>
              <th scope="col">{t('coop.colDuty')}</th>
              <th scope="col">{t('coop.colTax')}</th>
            </tr>
          </thead>
          <tbody>
            {results.data.participants.map((p) => (
              <tr key={p.authority} data-results={p.authority}>
                <th scope="row">{p.authority}</th>
                {cells(p)}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-results="total">
              <th scope="row">{t('coop.total')}</th>
              {cells(results.data.total)}
            </tr>
          </tfoot>
        </table>
      )}
      <p>
        <a
          href={`/v1/operations/${encodeURIComponent(o.id)}/report?format=html`}
          target="_blank"
          rel="noopener"
        >
          {t('coop.report')}
        </a>
      </p>
      <Suspense fallback={<p>{t('coop.loading')}</p>}>
        <OperationChannel id={o.id} members={[o.coordinator, ...o.participants.map((p) => p.authority)]} />
      </Suspense>
    </section>
  );
}

function Operations() {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<string | undefined>();
  const list = useQuery({
    queryKey: ['operations'],
    queryFn: async () => dataOf(await api.GET('/v1/operations', { params: { query: { limit: 500 } } })),
  });
  return (
    <section aria-labelledby="coop-ops" className="coop-section">
      <h2 id="coop-ops">{t('coop.operations')}</h2>
      {list.isError && <ErrorPanel error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && <p>{t('coop.loading')}</p>}
      {list.isSuccess && list.data.items.length === 0 && <p>{t('coop.noOps')}</p>}
      {list.isSuccess && list.data.items.length > 0 && (
        <table className="values coop-table">
          <caption className="visually-hidden">{t('coop.opsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('coop.colOperation')}</th>
              <th scope="col">{t('coop.colKindOp')}</th>
              <th scope="col">{t('coop.colPhase')}</th>
              <th scope="col">{t('coop.colWindow')}</th>
              <th scope="col">{t('coop.colCoordinator')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((o) => (
              <tr key={o.id} data-operation={o.id} className={open === o.id ? 'selected' : undefined}>
                <td>
                  <Button
                    className="link-button"
                    aria-expanded={open === o.id}
                    aria-controls="coop-op"
                    onPress={() => setOpen(open === o.id ? undefined : o.id)}
                  >
                    {o.title}
                  </Button>
                  <span className="sub block">{o.id}</span>
                </td>
                <td>{t(`coop.kind.${o.kind}`)}</td>
                <td>
                  <span className={`coop-phase ${o.phase}`}>{t(`coop.phase.${o.phase}`)}</span>
                </td>
                <td>
                  {t('coop.validityRange', {
                    from: stamp(o.start, i18n.language),
                    until: stamp(o.end, i18n.language),
                  })}
                </td>
                <td>{o.coordinator}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== undefined && <OperationDetail key={open} id={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}

export function Cooperation() {
  const { t } = useTranslation();
  const session = useSession().data!;
  return (
    <main id="main" className="cooperation">
      <h1>{t('coop.title')}</h1>
      {mayReadRifs(session.role) && <Rifs />}
      {mayReadOperations(session.role) && <Operations />}
    </main>
  );
}
