/**
 * A joint operation as its participant works it (issue 16, operations): accepting participation for
 * the reader's authority (POST /v1/operations/{id}/participation, which makes the common criteria
 * its rules for the window), and the operation's channel, oldest first (GET
 * /v1/operations/{id}/messages) with a form to write a note, an alert about a consignment (its MRN)
 * or a request to one participant (POST). Loaded on demand from the Cooperation screen.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import { ErrorPanel } from '../components';
import { useSession } from '../session';
import { mayParticipate, mayWriteMessages } from './cooperation-roles';
import './rif-words';

type Kind = 'note' | 'alert' | 'request';

const stamp = (iso: string, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(iso),
  ) + ' UTC';

/** Accept the operation for the reader's authority, when it is a participant that has not yet. */
export function AcceptParticipation({
  id,
  members,
}: {
  id: string;
  members: { authority: string; state: string }[];
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const session = useSession().data!;
  const mine = members.find((p) => p.authority === session.authority);
  const accept = useMutation({
    mutationFn: async () =>
      dataOf(await api.POST('/v1/operations/{id}/participation', { params: { path: { id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['operation', id] });
      await client.invalidateQueries({ queryKey: ['operations'] });
    },
  });
  if (mine === undefined || !mayParticipate(session.role)) {
    return null;
  }
  if (mine.state === 'accepted') {
    return accept.isSuccess ? (
      <p role="status" className="saved">
        {t('op.acceptedDone')}
      </p>
    ) : null;
  }
  return (
    <div className="op-accept">
      <p>{t('op.acceptHint', { authority: session.authority })}</p>
      {accept.isError && <ErrorPanel error={accept.error} />}
      <Button className="button" isDisabled={accept.isPending} onPress={() => accept.mutate()}>
        {accept.isPending ? t('op.accepting') : t('op.accept')}
      </Button>
    </div>
  );
}

export function OperationChannel({ id, members }: { id: string; members: string[] }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const session = useSession().data!;
  const [kind, setKind] = useState<Kind>('note');
  const [text, setText] = useState('');
  const [mrn, setMrn] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<{ field: 'text' | 'mrn' | 'to'; words: string } | undefined>();
  const messages = useQuery({
    queryKey: ['operation-messages', id],
    queryFn: async () =>
      dataOf(
        await api.GET('/v1/operations/{id}/messages', { params: { path: { id }, query: { limit: 500 } } }),
      ),
  });
  const post = useMutation({
    mutationFn: async (body: { kind: Kind; text: string; mrn?: string; to?: string }) =>
      dataOf(await api.POST('/v1/operations/{id}/messages', { params: { path: { id } }, body })),
    onSuccess: async () => {
      setText('');
      setMrn('');
      await client.invalidateQueries({ queryKey: ['operation-messages', id] });
    },
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (text.trim() === '') {
      setProblem({ field: 'text', words: t('op.needText') });
      return;
    }
    if (kind === 'alert' && mrn.trim() === '') {
      setProblem({ field: 'mrn', words: t('op.needMrn') });
      return;
    }
    if (kind === 'request' && to === '') {
      setProblem({ field: 'to', words: t('op.needTo') });
      return;
    }
    setProblem(undefined);
    post.mutate({
      kind,
      text: text.trim(),
      ...(kind === 'alert' ? { mrn: mrn.trim() } : {}),
      ...(kind === 'request' ? { to } : {}),
    });
  }
  const invalid = (field: 'text' | 'mrn' | 'to') =>
    problem?.field === field ? { 'aria-invalid': true, 'aria-describedby': 'op-msg-problem' } : {};

  return (
    <section className="op-channel" aria-labelledby="op-channel-h">
      <h4 id="op-channel-h">{t('op.channel')}</h4>
      {messages.isError && <ErrorPanel error={messages.error} onRetry={() => void messages.refetch()} />}
      {messages.isPending && <p>{t('coop.loading')}</p>}
      {messages.isSuccess && messages.data.items.length === 0 && <p>{t('op.noMessages')}</p>}
      {messages.isSuccess && messages.data.items.length > 0 && (
        <ol className="op-messages" aria-label={t('op.messagesLabel')}>
          {messages.data.items.map((m) => (
            <li key={m.id} className={`op-message ${m.kind}`} data-message={m.id}>
              <p className="sub">
                <span className={`op-kind ${m.kind}`}>{t(`op.kinds.${m.kind}`)}</span> ·{' '}
                {t('op.fromAt', { from: m.from, author: m.author, at: stamp(m.at, i18n.language) })}
                {m.to !== null && ` · ${t('op.toWho', { to: m.to })}`}
                {m.mrn !== null && ` · ${t('op.aboutMrn', { mrn: m.mrn })}`}
              </p>
              <p className="op-text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      {mayWriteMessages(session.role) && (
        <form className="op-post" onSubmit={submit} noValidate aria-labelledby="op-post-h">
          <h5 id="op-post-h">{t('op.write')}</h5>
          <div className="field">
            <label htmlFor="op-msg-kind">{t('op.kind')}</label>
            <select
              id="op-msg-kind"
              className="input"
              value={kind}
              onChange={(e) => setKind(e.target.value as Kind)}
            >
              {(['note', 'alert', 'request'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`op.kinds.${k}`)}
                </option>
              ))}
            </select>
          </div>
          {kind === 'alert' && (
            <div className="field">
              <label htmlFor="op-msg-mrn">{t('op.mrn')}</label>
              <input
                id="op-msg-mrn"
                className="input"
                value={mrn}
                onChange={(e) => setMrn(e.target.value)}
                {...invalid('mrn')}
              />
            </div>
          )}
          {kind === 'request' && (
            <div className="field">
              <label htmlFor="op-msg-to">{t('op.to')}</label>
              <select
                id="op-msg-to"
                className="input"
                value={to}
                onChange={(e) => setTo(e.target.value)}
                {...invalid('to')}
              >
                <option value="">{t('rif.choose')}</option>
                {members
                  .filter((a) => a !== session.authority)
                  .map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
              </select>
            </div>
          )}
          <div className="field wide">
            <label htmlFor="op-msg-text">{t('op.text')}</label>
            <textarea
              id="op-msg-text"
              className="input"
              rows={3}
              maxLength={4000}
              value={text}
              onChange={(e) => setText(e.target.value)}
              {...invalid('text')}
            />
          </div>
          {problem !== undefined && (
            <p id="op-msg-problem" role="alert" className="field-error">
              {problem.words}
            </p>
          )}
          {post.isError && <ErrorPanel error={post.error} />}
          {post.isSuccess && (
            <p role="status" className="saved">
              {t('op.posted')}
            </p>
          )}
          <Button type="submit" className="button" isDisabled={post.isPending}>
            {post.isPending ? t('op.posting') : t('op.post')}
          </Button>
        </form>
      )}
    </section>
  );
}
