/**
 * The analyst's watchlists (issue 16): the lists of the authority with their sizes (GET
 * /v1/watchlists); a file uploaded into a list, new or existing, with a progress bar (an
 * XMLHttpRequest's upload progress: fetch has none for a request body) and the server's problems in
 * words, each with its place in the file (POST /v1/watchlists/{name}/entries); a name searched
 * against a list as a rule would screen it, with the fuzzy score explained word by word (GET
 * …/entries?q= and …/match); and the entries of a list, each with its details and its history (when
 * listed, when it stops matching), whose expiry can be set or cleared. Loaded on demand.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import { ErrorPanel } from '../components';
import { useSession } from '../session';
import './watchlists-words';
import './watchlists.css';

type Watchlist = Schemas['Watchlist'];
type Entry = Schemas['WatchlistEntry'];
type Match = Schemas['WatchlistMatch'];

const SUBJECTS = [
  'operator-name',
  'operator-address',
  'eori',
  'container',
  'transport-document',
  'hs-code',
  'country',
] as const;
const FORMATS = ['csv', 'ndjson', 'un-xml', 'eu-fsf-xml', 'ofac-sdn-csv', 'ofac-sdn-xml'] as const;
type Format = (typeof FORMATS)[number];
/** The score from which a fuzzy list matches when it names none (src/risk/watchlist.ts). */
const DEFAULT_FUZZY_THRESHOLD = 0.85;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const ENTRIES_PAGE = 25;
const SHOWN_PROBLEMS = 100;

/** From what a list matches: a score for names and addresses, a prefix for HS codes, else exactly. */
function matchesFrom(t: TFunction, lng: string, list: Watchlist): string {
  if (list.subject === 'operator-name' || list.subject === 'operator-address') {
    return fmtNumber(lng, list.threshold ?? DEFAULT_FUZZY_THRESHOLD);
  }
  return list.subject === 'hs-code' ? t('watchlists.byPrefix') : t('watchlists.exact');
}

function useWatchlists() {
  return useQuery({
    queryKey: ['watchlists'],
    queryFn: async () => dataOf(await api.GET('/v1/watchlists')).items,
  });
}

const fmtNumber = (lng: string, n: number, digits = 2) =>
  new Intl.NumberFormat(lng, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const fmtPercent = (lng: string, n: number) =>
  new Intl.NumberFormat(lng, { style: 'percent', maximumFractionDigits: 0 }).format(n);
const fmtBytes = (lng: string, n: number) =>
  n < 1_000_000
    ? new Intl.NumberFormat(lng, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 }).format(
        n / 1024,
      )
    : new Intl.NumberFormat(lng, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(
        n / 1_000_000,
      );
const fmtTime = (lng: string, iso: string) =>
  new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** The content type an upload is sent with: the chosen format's, or else the file's by its name. */
function contentTypeOf(file: File, format: Format | ''): string {
  if (format === 'ndjson') {
    return 'application/x-ndjson';
  }
  if (format.endsWith('-xml')) {
    return 'application/xml';
  }
  if (format !== '') {
    return 'text/csv';
  }
  const name = file.name.toLowerCase();
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) {
    return 'application/x-ndjson';
  }
  if (name.endsWith('.xml')) {
    return 'application/xml';
  }
  return 'text/csv';
}

interface UploadProblem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: ReadonlyArray<{ code: string; path: string; message: string }>;
}

interface Progress {
  readonly sent: number;
  readonly total: number;
}

/**
 * Sends a file as the body of a request, reporting how much of it has gone (XMLHttpRequest: fetch
 * reports no upload progress). Resolves with the status and the parsed answer.
 */
function sendFile(
  url: string,
  file: File,
  contentType: string,
  csrfToken: string | undefined,
  onProgress: (p: Progress) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', contentType);
    if (csrfToken !== undefined) {
      xhr.setRequestHeader('x-csrf-token', csrfToken);
    }
    xhr.upload.onprogress = (e) =>
      onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

function UploadForm({
  lists,
  onUploaded,
}: {
  lists: readonly Watchlist[];
  onUploaded: (name: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession().data!;
  const client = useQueryClient();
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [subject, setSubject] = useState<(typeof SUBJECTS)[number]>('operator-name');
  const [format, setFormat] = useState<Format | ''>('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<UploadProblem | Error | undefined>(undefined);
  const exists = lists.some((l) => l.name === name.trim());

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(undefined);
    setProblem(undefined);
    setInvalid(undefined);
    setProgress(undefined);
    const list = name.trim();
    const file = fileRef.current?.files?.[0];
    if (!NAME.test(list)) {
      setInvalid(t('watchlists.badName'));
      return;
    }
    if (file === undefined) {
      setInvalid(t('watchlists.chooseFile'));
      return;
    }
    setBusy(true);
    try {
      if (!exists) {
        dataOf(await api.POST('/v1/watchlists', { body: { name: list, subject, entries: [] } }));
      }
      const query = new URLSearchParams();
      if (format !== '') {
        query.set('format', format);
      }
      if (replace) {
        query.set('replace', 'true');
      }
      const url = `/v1/watchlists/${encodeURIComponent(list)}/entries${query.size > 0 ? `?${query}` : ''}`;
      setProgress({ sent: 0, total: file.size });
      const r = await sendFile(url, file, contentTypeOf(file, format), session.csrfToken, setProgress);
      if (r.status >= 200 && r.status < 300) {
        const ok = r.body as Schemas['Watchlist'] & { format: string; received: number };
        setProgress({ sent: file.size, total: file.size });
        setDone(
          t('watchlists.uploaded', {
            received: new Intl.NumberFormat(i18n.language).format(ok.received),
            format: t(`watchlists.formats.${ok.format}`),
            name: list,
          }),
        );
        onUploaded(list);
      } else {
        const p = (r.body ?? {}) as Partial<UploadProblem>;
        setProblem({
          status: r.status,
          title: p.title ?? `HTTP ${r.status}`,
          detail: p.detail ?? '',
          errors: Array.isArray(p.errors) ? p.errors : [],
        });
      }
    } catch (err) {
      setProblem(
        err instanceof Error && err.message === 'network'
          ? new Error(t('watchlists.networkError'))
          : (err as Error),
      );
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: ['watchlists'] });
      await client.invalidateQueries({ queryKey: ['watchlist-entries', list] });
      await client.invalidateQueries({ queryKey: ['watchlist-search', list] });
    }
  }

  const percent = progress === undefined || progress.total === 0 ? 0 : progress.sent / progress.total;
  return (
    <section className="card wl-upload" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('watchlists.upload')}</h2>
      <p className="hint">{t('watchlists.uploadHelp')}</p>
      <form className="wl-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('watchlists.listName')}</label>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            list={`${id}-names`}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={`${id}-name-hint`}
            aria-invalid={invalid === t('watchlists.badName') ? true : undefined}
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id={`${id}-names`}>
            {lists.map((l) => (
              <option key={l.name} value={l.name} />
            ))}
          </datalist>
          <span id={`${id}-name-hint`} className="hint">
            {t('watchlists.listNameHint')}
          </span>
        </div>
        {!exists && (
          <div className="field">
            <label htmlFor={`${id}-subject`}>{t('watchlists.newSubject')}</label>
            <select
              id={`${id}-subject`}
              className="input"
              value={subject}
              onChange={(e) => setSubject(e.target.value as (typeof SUBJECTS)[number])}
            >
              {SUBJECTS.map((s) => (
                <option key={s} value={s}>
                  {t(`watchlists.subject.${s}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('watchlists.file')}</label>
          <input
            id={`${id}-file`}
            ref={fileRef}
            type="file"
            className="input"
            accept=".csv,.txt,.ndjson,.jsonl,.xml,text/csv,application/xml,text/xml"
            aria-invalid={invalid === t('watchlists.chooseFile') ? true : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-format`}>{t('watchlists.format')}</label>
          <select
            id={`${id}-format`}
            className="input"
            value={format}
            onChange={(e) => setFormat(e.target.value as Format | '')}
          >
            <option value="">{t('watchlists.formatAuto')}</option>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`watchlists.formats.${f}`)}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />{' '}
          {t('watchlists.replace')}
        </label>
        <div>
          <Button type="submit" className="button" isDisabled={busy}>
            {busy ? t('watchlists.sending') : t('watchlists.send')}
          </Button>
        </div>
      </form>
      {progress !== undefined && (
        <div className="wl-progress">
          <label htmlFor={`${id}-progress`}>{t('watchlists.progress')}</label>
          <progress
            id={`${id}-progress`}
            max={100}
            value={Math.round(percent * 100)}
            data-done={done !== undefined}
          />
          <span className="sub" aria-live="polite">
            {t('watchlists.progressWords', {
              sent: fmtBytes(i18n.language, progress.sent),
              total: fmtBytes(i18n.language, progress.total),
              percent: Math.round(percent * 100),
            })}
            {busy && percent >= 1 ? ` ${t('watchlists.reading')}` : ''}
          </span>
        </div>
      )}
      {invalid !== undefined && (
        <p role="alert" className="problem">
          {invalid}
        </p>
      )}
      {done !== undefined && (
        <p role="status" className="saved">
          {done}
        </p>
      )}
      {problem instanceof Error && <ErrorPanel error={problem} />}
      {problem !== undefined && !(problem instanceof Error) && <UploadProblems problem={problem} />}
    </section>
  );
}

/** An upload refused: what the server said, then every problem with its place in the file. */
function UploadProblems({ problem }: { problem: UploadProblem }) {
  const { t } = useTranslation();
  const shown = problem.errors.slice(0, SHOWN_PROBLEMS);
  return (
    <div role="alert" className="problem wl-problems">
      <p className="problem-title">{t('watchlists.failed', { title: problem.title })}</p>
      {problem.detail !== '' && problem.errors.length === 0 && <p>{problem.detail}</p>}
      {problem.errors.length > 0 && (
        <>
          <p>{t('watchlists.problems', { count: problem.errors.length })}</p>
          <ul>
            {shown.map((e, i) => (
              <li key={i} data-code={e.code}>
                <strong>{e.path}</strong>: {e.message}
              </li>
            ))}
            {problem.errors.length > shown.length && <li>…</li>}
          </ul>
        </>
      )}
      <p>
        {t('error.what', {
          hint:
            problem.status === 404
              ? t('error.hint404')
              : problem.status < 500
                ? t('error.hint4xx')
                : t('error.hint5xx'),
        })}
      </p>
    </div>
  );
}

function howWords(t: TFunction, part: Match['parts'][number]): string {
  return part.how === 'edits'
    ? t('watchlists.how.edits', { count: part.edits ?? 1 })
    : t(`watchlists.how.${part.how}`);
}

/** One match explained: the entity, the name of it that matched, the score, and word by word how. */
export function MatchExplained({ query, match }: { query: string; match: Match }) {
  const { t, i18n } = useTranslation();
  return (
    <article className="card wl-match" data-entity={match.entity.id}>
      <h4>
        <span className="badge wl-score">
          {t('watchlists.score', { score: fmtNumber(i18n.language, match.score) })}
        </span>{' '}
        {t('watchlists.matchedName', { name: match.name, entity: match.entity.name, id: match.entity.id })}
      </h4>
      {match.entity.source !== undefined && <p className="sub">{match.entity.source}</p>}
      <table className="values wl-parts">
        <caption>{t('watchlists.breakdown', { query, name: match.name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('watchlists.colQuery')}</th>
            <th scope="col">{t('watchlists.colListed')}</th>
            <th scope="col">{t('watchlists.colHow')}</th>
            <th scope="col">{t('watchlists.colWeight')}</th>
          </tr>
        </thead>
        <tbody>
          {match.parts.map((p, i) => (
            <tr key={i} data-how={p.how}>
              <td>{p.query}</td>
              <td>{p.listed}</td>
              <td>{howWords(t, p)}</td>
              <td>{fmtPercent(i18n.language, p.weight)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {match.unmatchedQuery.length > 0 && (
        <p>{t('watchlists.unmatchedQuery', { words: match.unmatchedQuery.join(', ') })}</p>
      )}
      {match.unmatchedListed.length > 0 && (
        <p>{t('watchlists.unmatchedListed', { words: match.unmatchedListed.join(', ') })}</p>
      )}
      {match.script !== undefined && (
        <p className="sub">{t('watchlists.script', { script: match.script })}</p>
      )}
    </article>
  );
}

function SearchPanel({ list }: { list: Watchlist }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState('');
  const [value, setValue] = useState('');
  const search = useQuery({
    queryKey: ['watchlist-search', list.name, value],
    enabled: value !== '',
    queryFn: async () => {
      const path = { name: list.name };
      const [entries, best] = await Promise.all([
        api.GET('/v1/watchlists/{name}/entries', { params: { path, query: { q: value, limit: 20 } } }),
        api.GET('/v1/watchlists/{name}/match', { params: { path, query: { value } } }),
      ]);
      return { items: dataOf(entries).items, best: dataOf(best) };
    },
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setValue(draft.trim());
  }
  const matched = search.data?.items.filter((e) => e.match !== undefined) ?? [];
  return (
    <section className="card wl-search" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('watchlists.searchIn', { name: list.name })}</h2>
      <form className="wl-form inline" onSubmit={submit} role="search" aria-labelledby={`${id}-h`}>
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('watchlists.searchLabel')}</label>
          <input
            id={`${id}-q`}
            className="input wide"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-describedby={`${id}-q-hint`}
            autoComplete="off"
            spellCheck={false}
          />
          <span id={`${id}-q-hint`} className="hint">
            {t('watchlists.searchHint')}
          </span>
        </div>
        <Button type="submit" className="button" isDisabled={draft.trim() === ''}>
          {search.isFetching ? t('watchlists.searching') : t('watchlists.searchButton')}
        </Button>
      </form>
      {search.isError && <ErrorPanel error={search.error} onRetry={() => void search.refetch()} />}
      <div aria-live="polite" className="wl-results">
        {search.isSuccess && matched.length === 0 && (
          <p>
            {t('watchlists.noMatch', {
              value,
              threshold: matchesFrom(t, i18n.language, list),
              score: fmtNumber(i18n.language, search.data.best.score),
            })}
          </p>
        )}
        {search.isSuccess && matched.length > 0 && (
          <>
            <p className="summary">{t('watchlists.matchCount', { count: matched.length, value })}</p>
            {matched.map((e) => (
              <MatchExplained key={e.id} query={value} match={e.match!} />
            ))}
          </>
        )}
      </div>
    </section>
  );
}

/** Who added, changed, expired or removed the entity, and when, oldest first (from its history). */
function EntityChanges({ list, entryId }: { list: string; entryId: string }) {
  const { t, i18n } = useTranslation();
  const changes = useQuery({
    queryKey: ['watchlist-entry', list, entryId, 'history'],
    queryFn: async () =>
      dataOf(
        await api.GET('/v1/watchlists/{name}/entries/{id}/history', {
          params: { path: { name: list, id: entryId } },
        }),
      ),
  });
  if (changes.isError) {
    return <ErrorPanel error={changes.error} onRetry={() => void changes.refetch()} />;
  }
  const items = changes.data?.items ?? [];
  return (
    <table className="values wl-changes" aria-label={t('watchlists.changesLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('watchlists.changeWhen')}</th>
          <th scope="col">{t('watchlists.changeWho')}</th>
          <th scope="col">{t('watchlists.changeWhat')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c, i) => (
          <tr key={i} data-change={c.change}>
            <td>{fmtTime(i18n.language, c.at)}</td>
            <td>{c.actor ?? t('watchlists.changeBySystem')}</td>
            <td>
              {c.change === 'expiry'
                ? typeof c.entity?.expiresAt === 'string'
                  ? t('watchlists.change_expiry', { time: fmtTime(i18n.language, c.entity.expiresAt) })
                  : t('watchlists.change_expiryCleared')
                : t(`watchlists.change_${c.change}`, { value: c.entity?.value ?? '' })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EntryDetails({ list, entryId, onClose }: { list: string; entryId: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [expires, setExpires] = useState('');
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const path = { name: list, id: entryId };
  // Opened from the table: the focus goes to the details, so a keyboard or screen reader user is there.
  useEffect(() => headingRef.current?.focus(), []);
  const entry = useQuery({
    queryKey: ['watchlist-entry', list, entryId],
    queryFn: async () => dataOf(await api.GET('/v1/watchlists/{name}/entries/{id}', { params: { path } })),
  });
  const expiry = useMutation({
    mutationFn: async (date: string | null) =>
      date === null
        ? dataOf(await api.DELETE('/v1/watchlists/{name}/entries/{id}/expiry', { params: { path } }))
        : dataOf(
            await api.PUT('/v1/watchlists/{name}/entries/{id}/expiry', {
              params: { path },
              body: { expires: date },
            }),
          ),
    onSuccess: async (e: Entry) => {
      client.setQueryData(['watchlist-entry', list, entryId], e);
      setSaved(
        e.expiresAt === null
          ? t('watchlists.expiryCleared', { value: e.value })
          : t('watchlists.expirySaved', { value: e.value, time: fmtTime(i18n.language, e.expiresAt) }),
      );
      await client.invalidateQueries({ queryKey: ['watchlist-entries', list] });
      await client.invalidateQueries({ queryKey: ['watchlist-entry', list, entryId, 'history'] });
    },
  });
  const e = entry.data;
  return (
    <section className="card wl-entry" aria-labelledby={`${id}-h`} data-entry={entryId}>
      <h3 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
        {e !== undefined ? t('watchlists.detailsTitle', { value: e.value, id: e.id }) : entryId}
      </h3>
      {entry.isError && <ErrorPanel error={entry.error} onRetry={() => void entry.refetch()} />}
      {e !== undefined && (
        <>
          <dl className="facts">
            <dt>{t('watchlists.id')}</dt>
            <dd>{e.id}</dd>
            <dt>{t('watchlists.colType')}</dt>
            <dd>{e.type ?? '—'}</dd>
            <dt>{t('watchlists.colAliases')}</dt>
            <dd>{e.aliases.length > 0 ? e.aliases.join(' · ') : '—'}</dd>
            <dt>{t('watchlists.identifiers')}</dt>
            <dd>
              {e.identifiers.length > 0 ? e.identifiers.map((i) => `${i.kind}: ${i.value}`).join(' · ') : '—'}
            </dd>
            <dt>{t('watchlists.colSource')}</dt>
            <dd>{e.source ?? '—'}</dd>
            <dt>{t('watchlists.note')}</dt>
            <dd>{e.note ?? '—'}</dd>
          </dl>
          <h4>{t('watchlists.history')}</h4>
          <ol className="wl-history">
            <li>{t('watchlists.historyAdded', { time: fmtTime(i18n.language, e.addedAt) })}</li>
            <li>
              {e.expiresAt === null
                ? t('watchlists.historyNoExpiry')
                : new Date(e.expiresAt).getTime() <= Date.now()
                  ? t('watchlists.historyExpired', { time: fmtTime(i18n.language, e.expiresAt) })
                  : t('watchlists.historyExpires', { time: fmtTime(i18n.language, e.expiresAt) })}
            </li>
          </ol>
          <EntityChanges list={list} entryId={entryId} />
          <form
            className="wl-form inline"
            onSubmit={(ev) => {
              ev.preventDefault();
              if (expires !== '') {
                setSaved(undefined);
                expiry.mutate(expires);
              }
            }}
          >
            <div className="field">
              <label htmlFor={`${id}-expires`}>{t('watchlists.setExpiry')}</label>
              <input
                id={`${id}-expires`}
                type="date"
                className="input"
                value={expires}
                onChange={(ev) => setExpires(ev.target.value)}
              />
            </div>
            <Button
              type="submit"
              className="button secondary"
              isDisabled={expires === '' || expiry.isPending}
            >
              {t('watchlists.saveExpiry')}
            </Button>
            {e.expiresAt !== null && (
              <Button
                className="button secondary"
                isDisabled={expiry.isPending}
                onPress={() => {
                  setSaved(undefined);
                  expiry.mutate(null);
                }}
              >
                {t('watchlists.clearExpiry')}
              </Button>
            )}
            <Button className="button secondary" onPress={onClose}>
              {t('watchlists.close')}
            </Button>
          </form>
          {saved !== undefined && (
            <p role="status" className="saved">
              {saved}
            </p>
          )}
          {expiry.isError && <ErrorPanel error={expiry.error} />}
        </>
      )}
    </section>
  );
}

function EntriesPanel({ list }: { list: Watchlist }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState<string | undefined>(undefined);
  const entries = useInfiniteQuery({
    queryKey: ['watchlist-entries', list.name],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/v1/watchlists/{name}/entries', {
          params: {
            path: { name: list.name },
            query: { limit: ENTRIES_PAGE, ...(pageParam !== undefined ? { next: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const rows = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const now = Date.now();
  return (
    <section className="card wl-entries" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('watchlists.entries', { name: list.name })}</h2>
      {entries.isError && <ErrorPanel error={entries.error} onRetry={() => void entries.refetch()} />}
      {entries.isSuccess && rows.length === 0 && <p>{t('watchlists.noEntries')}</p>}
      {rows.length > 0 && (
        <div className="wl-scroll">
          <table className="values wl-table">
            <caption className="visually-hidden">
              {t('watchlists.entriesCaption', { name: list.name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('watchlists.colValue')}</th>
                <th scope="col">{t('watchlists.colAliases')}</th>
                <th scope="col">{t('watchlists.colType')}</th>
                <th scope="col">{t('watchlists.colSource')}</th>
                <th scope="col">{t('watchlists.colAdded')}</th>
                <th scope="col">{t('watchlists.colExpires')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-entry={e.id}>
                  <th scope="row">
                    <Button
                      className="linklike"
                      aria-label={t('watchlists.details', { value: e.value })}
                      aria-expanded={open === e.id}
                      onPress={() => setOpen(open === e.id ? undefined : e.id)}
                    >
                      {e.value}
                    </Button>
                    <span className="sub block">{e.id}</span>
                  </th>
                  <td>{e.aliases.join(' · ') || '—'}</td>
                  <td>{e.type ?? '—'}</td>
                  <td>{e.source ?? '—'}</td>
                  <td>{fmtTime(i18n.language, e.addedAt)}</td>
                  <td>
                    {e.expiresAt === null
                      ? t('watchlists.never')
                      : `${fmtTime(i18n.language, e.expiresAt)}${new Date(e.expiresAt).getTime() <= now ? ` (${t('watchlists.expired')})` : ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries.hasNextPage && (
        <Button
          className="button secondary"
          isDisabled={entries.isFetchingNextPage}
          onPress={() => void entries.fetchNextPage()}
        >
          {t('watchlists.more')}
        </Button>
      )}
      {open !== undefined && (
        <EntryDetails key={open} list={list.name} entryId={open} onClose={() => setOpen(undefined)} />
      )}
    </section>
  );
}

export function Watchlists() {
  const { t, i18n } = useTranslation();
  const lists = useWatchlists();
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const items = lists.data ?? [];
  const current = items.find((l) => l.name === selected) ?? items[0];
  return (
    <main id="main" className="watchlists">
      <h1>{t('watchlists.title')}</h1>
      <section aria-labelledby="wl-lists-h">
        <h2 id="wl-lists-h">{t('watchlists.lists')}</h2>
        {lists.isPending && <p>{t('watchlists.loading')}</p>}
        {lists.isError && <ErrorPanel error={lists.error} onRetry={() => void lists.refetch()} />}
        {lists.isSuccess && items.length === 0 && <p>{t('watchlists.none')}</p>}
        {items.length > 0 && (
          <div className="wl-scroll">
            <table className="values wl-table wl-lists">
              <caption className="visually-hidden">{t('watchlists.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('watchlists.colName')}</th>
                  <th scope="col">{t('watchlists.colSubject')}</th>
                  <th scope="col">{t('watchlists.colSize')}</th>
                  <th scope="col">{t('watchlists.colThreshold')}</th>
                  <th scope="col">{t('watchlists.colUpdated')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((l) => (
                  <tr key={l.name} data-list={l.name} className={l.name === current?.name ? 'on' : ''}>
                    <th scope="row">
                      <Button
                        className="linklike"
                        aria-label={t('watchlists.open', { name: l.name })}
                        aria-current={l.name === current?.name ? 'true' : undefined}
                        onPress={() => setSelected(l.name)}
                      >
                        {l.name}
                      </Button>
                      {l.description !== '' && <span className="sub block">{l.description}</span>}
                    </th>
                    <td>{t(`watchlists.subject.${l.subject}`)}</td>
                    <td data-size={l.size}>{new Intl.NumberFormat(i18n.language).format(l.size)}</td>
                    <td>{matchesFrom(t, i18n.language, l)}</td>
                    <td>{fmtTime(i18n.language, l.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <UploadForm lists={items} onUploaded={setSelected} />
      {current !== undefined && <SearchPanel key={`s-${current.name}`} list={current} />}
      {current !== undefined && <EntriesPanel key={`e-${current.name}`} list={current} />}
    </main>
  );
}
