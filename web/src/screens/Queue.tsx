/**
 * The analyst's queue (GET /v1/queue): consignments with hits to review, by score or by arrival,
 * with the time left before arrival, hits by severity and review progress. The list is virtualised
 * (TanStack Virtual): only the rows in view are in the page, and pages of the queue are fetched as
 * the analyst scrolls, so 10,000 rows stay smooth. Keyboard: the list is one tab stop; arrows, Page
 * Up/Down, Home and End move the active row, Enter opens it, Space selects it (Shift with an arrow
 * selects as it moves). Selected rows are dismissed together with one reason (POST
 * /v1/queue/dismissals, a result per consignment). Filters can be saved under a name (the person's
 * own, server-side) and applied again. The queue stays live: an EventSource on /v1/queue/stream
 * refetches it when a consignment is assessed with hits or reviewed, and new ones are announced.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useNavigate } from '@tanstack/react-router';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { QueueItem, Schemas } from '../api/client';
import { ErrorPanel, SeverityCounts, timeLeft, useNow } from '../components';
import { ChoiceField } from '../select';
import './queue-words';

const PAGE = 500;
const ROW_HEIGHT = 48;
const HEADER_HEIGHT = 40;
const MODES = ['maritime', 'air', 'road', 'rail', 'inland-waterway', 'postal', 'express'] as const;

interface Filters {
  review: 'open' | 'reviewed' | 'all';
  sort: 'score' | 'arrival';
  mode: string;
  office: string;
  riskArea: string;
  rule: string;
}

const NO_FILTERS: Filters = { review: 'open', sort: 'score', mode: '', office: '', riskArea: '', rule: '' };

type FilterSet = Schemas['QueueFilterSet'];
type SavedFilter = Schemas['SavedFilter'];

/** The filters as saved: only what narrows, the office as the API spells it. */
function toSet(f: Filters): FilterSet {
  return {
    review: f.review,
    sort: f.sort,
    ...(f.mode !== '' ? { mode: f.mode } : {}),
    ...(f.office !== '' ? { office: f.office.toUpperCase() } : {}),
    ...(f.riskArea !== '' ? { riskArea: f.riskArea } : {}),
    ...(f.rule !== '' ? { rule: f.rule } : {}),
  };
}

function fromSet(s: FilterSet): Filters {
  return {
    review: s.review ?? 'open',
    sort: s.sort ?? 'score',
    mode: s.mode ?? '',
    office: s.office ?? '',
    riskArea: s.riskArea ?? '',
    rule: s.rule ?? '',
  };
}

const keyOf = (r: { mrn: string; index: number }): string => `${r.mrn}/${r.index}`;

/**
 * The queue's changes from the server (EventSource with the session cookie; it reconnects by itself
 * and resumes with Last-Event-ID). Changes are gathered for half a second, so that a burst of
 * assessments is one refetch and one announcement. Returns whether the stream is open.
 */
function useQueueStream(onChange: (c: { assessed: number; reviewed: number }) => void): boolean {
  const [live, setLive] = useState(false);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      return undefined;
    }
    const source = new EventSource('/v1/queue/stream');
    let assessed = 0;
    let reviewed = 0;
    let timer: number | undefined;
    const flush = (): void => {
      timer = undefined;
      const change = { assessed, reviewed };
      assessed = 0;
      reviewed = 0;
      callback.current(change);
    };
    const later = (): void => {
      timer ??= window.setTimeout(flush, 500);
    };
    source.addEventListener('open', () => setLive(true));
    source.addEventListener('error', () => setLive(source.readyState === EventSource.OPEN));
    source.addEventListener('queue.assessed', () => {
      assessed += 1;
      later();
    });
    source.addEventListener('queue.reviewed', () => {
      reviewed += 1;
      later();
    });
    return () => {
      source.close();
      if (timer !== undefined) {
        window.clearTimeout(timer);
      }
    };
  }, []);
  return live;
}

function useQueue(f: Filters) {
  return useInfiniteQuery({
    queryKey: ['queue', f],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/v1/queue', {
          params: {
            query: {
              review: f.review,
              sort: f.sort,
              limit: PAGE,
              ...(f.mode !== '' ? { mode: f.mode } : {}),
              ...(f.office !== '' ? { office: f.office.toUpperCase() } : {}),
              ...(f.riskArea !== '' ? { riskArea: f.riskArea } : {}),
              ...(f.rule !== '' ? { rule: f.rule } : {}),
              ...(pageParam !== undefined ? { next: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next ?? undefined,
  });
}

export function Queue() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const queue = useQueue(filters);
  const rows: QueueItem[] = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);
  const total = queue.data?.pages[0]?.total ?? 0;
  const [resetKey, setResetKey] = useState(0);
  const client = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [announcement, setAnnouncement] = useState('');
  const live = useQueueStream(({ assessed }) => {
    void client.invalidateQueries({ queryKey: ['queue'] });
    if (assessed > 0) {
      setAnnouncement(t('queue.liveNew', { count: assessed }));
    }
  });

  function use(next: Filters) {
    setResetKey((k) => k + 1);
    setSelected(new Set());
    setFilters(next);
  }

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    use(draft);
  }

  const toggle = useCallback((key: string, on?: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on ?? !next.has(key)) {
        next.add(key);
      } else {
        next.delete(key);
      }
      return next;
    });
  }, []);

  const set = (k: keyof Filters) => (v: string) => setDraft({ ...draft, [k]: v });
  return (
    <main id="main" className="queue">
      <div className="queue-head">
        <h1>{t('queue.title')}</h1>
        <span className={`live ${live ? 'on' : 'off'}`}>
          <span className="live-dot" aria-hidden="true" />
          {live ? t('queue.live') : t('queue.offline')}
        </span>
      </div>
      <p className="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </p>
      <SavedFilters
        current={filters}
        onPick={(f) => {
          setDraft(f);
          use(f);
        }}
      />
      <Form className="filters" onSubmit={apply} aria-label={t('queue.filters')}>
        <ChoiceField
          label={t('queue.review')}
          value={draft.review}
          onChange={set('review')}
          choices={[
            { id: 'open', label: t('queue.reviewOpen') },
            { id: 'reviewed', label: t('queue.reviewReviewed') },
            { id: 'all', label: t('queue.reviewAll') },
          ]}
        />
        <ChoiceField
          label={t('queue.mode')}
          value={draft.mode === '' ? 'any' : draft.mode}
          onChange={(v) => set('mode')(v === 'any' ? '' : v)}
          choices={[{ id: 'any', label: t('queue.any') }, ...MODES.map((m) => ({ id: m, label: m }))]}
        />
        <TextField className="field" value={draft.office} onChange={set('office')}>
          <Label>{t('queue.office')}</Label>
          <Input className="input" placeholder="NL000396" />
        </TextField>
        <TextField className="field" value={draft.riskArea} onChange={set('riskArea')}>
          <Label>{t('queue.riskArea')}</Label>
          <Input className="input" />
        </TextField>
        <TextField className="field" value={draft.rule} onChange={set('rule')}>
          <Label>{t('queue.rule')}</Label>
          <Input className="input" />
        </TextField>
        <ChoiceField
          label={t('queue.sort')}
          value={draft.sort}
          onChange={set('sort')}
          choices={[
            { id: 'score', label: t('queue.sortScore') },
            { id: 'arrival', label: t('queue.sortArrival') },
          ]}
        />
        <div className="actions">
          <Button type="submit" className="button">
            {t('queue.apply')}
          </Button>
          <Button
            className="button secondary"
            onPress={() => {
              setDraft(NO_FILTERS);
              use(NO_FILTERS);
            }}
          >
            {t('queue.clear')}
          </Button>
        </div>
      </Form>
      {queue.isError && <ErrorPanel error={queue.error} onRetry={() => void queue.refetch()} />}
      <p className="summary" aria-live="polite">
        {queue.isPending ? t('queue.loading') : t('queue.summary', { count: total })}
      </p>
      <p className="hint" id="queue-keys">
        {t('queue.keys')} {t('queue.keysSelect')}
      </p>
      {selected.size > 0 && (
        <BulkDismiss
          selected={selected}
          onDone={(dismissed, message) => {
            setSelected((prev) => new Set([...prev].filter((k) => !dismissed.includes(k))));
            setAnnouncement(message);
            void client.invalidateQueries({ queryKey: ['queue'] });
          }}
          onClear={() => setSelected(new Set())}
        />
      )}
      {!queue.isPending && total === 0 && !queue.isError && <p>{t('queue.empty')}</p>}
      {total > 0 && (
        <QueueGrid
          key={resetKey}
          rows={rows}
          total={total}
          hasMore={queue.hasNextPage}
          loadingMore={queue.isFetchingNextPage}
          loadMore={() => void queue.fetchNextPage()}
          selected={selected}
          onToggle={toggle}
        />
      )}
    </main>
  );
}

/** The person's saved filters: each applies with one press; the filters in use are saved under a name. */
function SavedFilters({ current, onPick }: { current: Filters; onPick: (f: Filters) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['saved-filters'],
    queryFn: async () => dataOf(await api.GET('/v1/queue/filters')).items,
  });
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const save = useMutation({
    mutationFn: async (n: string) =>
      dataOf(await api.POST('/v1/queue/filters', { body: { name: n, filters: toSet(current) } })),
    onSuccess: (saved) => {
      setName('');
      setStatus(t('queue.savedDone', { name: saved.name }));
      void client.invalidateQueries({ queryKey: ['saved-filters'] });
    },
  });
  const remove = useMutation({
    mutationFn: async (f: SavedFilter) =>
      dataOf(await api.DELETE('/v1/queue/filters/{id}', { params: { path: { id: f.id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['saved-filters'] }),
  });
  return (
    <section className="saved-filters" aria-labelledby="saved-filters-title">
      <h2 id="saved-filters-title">{t('queue.saved')}</h2>
      {list.data !== undefined && list.data.length === 0 && <p className="hint">{t('queue.savedNone')}</p>}
      {list.data !== undefined && list.data.length > 0 && (
        <ul className="saved-list">
          {list.data.map((f) => (
            <li key={f.id}>
              <Button className="button secondary" onPress={() => onPick(fromSet(f.filters))}>
                {f.name}
              </Button>
              <Button
                className="button secondary remove"
                aria-label={t('queue.deleteSaved', { name: f.name })}
                onPress={() => remove.mutate(f)}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() !== '') {
            save.mutate(name.trim());
          }
        }}
      >
        <TextField className="field" value={name} onChange={setName} isRequired>
          <Label>{t('queue.saveName')}</Label>
          <Input className="input" />
        </TextField>
        <Button type="submit" className="button" isDisabled={save.isPending}>
          {t('queue.save')}
        </Button>
      </Form>
      <p role="status">{status}</p>
      {list.isError && <ErrorPanel error={list.error} onRetry={() => void list.refetch()} />}
      {save.isError && <ErrorPanel error={save.error} />}
      {remove.isError && <ErrorPanel error={remove.error} />}
    </section>
  );
}

/** The selection's action: dismiss every open hit of the selected consignments with one reason. */
function BulkDismiss(props: {
  selected: ReadonlySet<string>;
  onDone: (dismissed: string[], message: string) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [failures, setFailures] = useState<string[]>([]);
  const dismiss = useMutation({
    mutationFn: async () =>
      dataOf(
        await api.POST('/v1/queue/dismissals', {
          body: {
            items: [...props.selected].map((k) => {
              const cut = k.lastIndexOf('/');
              return { mrn: k.slice(0, cut), consignment: Number(k.slice(cut + 1)) };
            }),
            reason: reason.trim(),
          },
        }),
      ),
    onSuccess: (r) => {
      setFailures(
        r.results.flatMap((x) =>
          x.ok ? [] : [t('queue.dismissFailed', { mrn: x.mrn, index: x.consignment, message: x.message })],
        ),
      );
      setReason('');
      props.onDone(
        r.results.filter((x) => x.ok).map((x) => keyOf({ mrn: x.mrn, index: x.consignment })),
        t('queue.dismissDone', { count: r.dismissed }),
      );
    },
  });
  return (
    <Form
      className="bulk filters"
      aria-label={t('queue.dismissSelected')}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() !== '') {
          dismiss.mutate();
        }
      }}
    >
      <p className="summary" role="status">
        {t('queue.selected', { count: props.selected.size })}
      </p>
      <TextField className="field wide" value={reason} onChange={setReason} isRequired>
        <Label>{t('queue.dismissReason')}</Label>
        <Input className="input" />
      </TextField>
      <div className="actions">
        <Button type="submit" className="button" isDisabled={dismiss.isPending}>
          {t('queue.dismissSelected')}
        </Button>
        <Button className="button secondary" onPress={props.onClear}>
          {t('queue.clearSelection')}
        </Button>
      </div>
      {failures.length > 0 && (
        <ul className="problem" role="alert">
          {failures.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {dismiss.isError && <ErrorPanel error={dismiss.error} />}
    </Form>
  );
}

interface QueueGridProps {
  readonly rows: readonly QueueItem[];
  readonly total: number;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly loadMore: () => void;
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (key: string, on?: boolean) => void;
}

/** The virtualised list: its own component, so scrolling re-renders the rows in view and nothing else. */
function QueueGrid({ rows, total, hasMore, loadingMore, loadMore, selected, onToggle }: QueueGridProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const now = useNow();
  const [active, setActive] = useState(0);
  // The grid is the scroll container (and its one tab stop), its header row sticky above the rows.
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtual.getVirtualItems();
  const lastInView = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (hasMore && !loadingMore && lastInView >= rows.length - 50) {
      loadMore();
    }
  }, [lastInView, rows.length, hasMore, loadingMore, loadMore]);

  // Read through a ref so that the memoised rows' click handler stays the same function.
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  function open(index: number) {
    const row = rowsRef.current[index];
    if (row !== undefined) {
      void navigate({
        to: '/consignments/$mrn/$index',
        params: { mrn: row.mrn, index: String(row.index) },
      });
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 480) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: total - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.min(Math.max(moves[e.key]!, 0), Math.max(total - 1, 0));
      if (e.shiftKey) {
        // Shift with a move selects the rows it passes, as in a list of files.
        const [from, to] = next < active ? [next, active] : [active, next];
        for (let i = from; i <= to; i++) {
          const row = rowsRef.current[i];
          if (row !== undefined) {
            onToggle(keyOf(row), true);
          }
        }
      }
      setActive(next);
      virtual.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === ' ') {
      e.preventDefault();
      const row = rowsRef.current[active];
      if (row !== undefined) {
        onToggle(keyOf(row));
      }
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(active);
    }
  }

  const columns = [
    t('queue.colSelect'),
    t('queue.colScore'),
    t('queue.colArrival'),
    t('queue.colConsignment'),
    t('queue.colParties'),
    t('queue.colSeverity'),
    t('queue.colRules'),
    t('queue.colStatus'),
  ];

  const onRowOpen = useCallback(
    (index: number) => {
      setActive(index);
      const row = rowsRef.current[index];
      if (row !== undefined) {
        void navigate({
          to: '/consignments/$mrn/$index',
          params: { mrn: row.mrn, index: String(row.index) },
        });
      }
    },
    [navigate],
  );
  return (
    <div
      className="grid"
      role="grid"
      aria-label={t('queue.label', { count: total })}
      aria-describedby="queue-keys"
      aria-rowcount={total + 1}
      aria-activedescendant={`queue-row-${active}`}
      aria-multiselectable="true"
      tabIndex={0}
      onKeyDown={onKeyDown}
      ref={scroller}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row">
          {columns.map((c, n) => (
            <div role="columnheader" key={c} className="cell">
              {/* The checkboxes' column says what it is to a screen reader; its boxes say it to the eye. */}
              {n === 0 ? <span className="sr-only">{c}</span> : c}
            </div>
          ))}
        </div>
      </div>
      <div className="grid-body" role="rowgroup">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((v) => (
            <QueueRow
              key={v.key}
              index={v.index}
              row={rows[v.index]}
              active={v.index === active}
              checked={rows[v.index] !== undefined && selected.has(keyOf(rows[v.index]!))}
              onToggle={onToggle}
              start={v.start}
              size={v.size}
              now={now}
              onOpen={onRowOpen}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

interface QueueRowProps {
  readonly index: number;
  readonly row: QueueItem | undefined;
  readonly active: boolean;
  readonly checked: boolean;
  readonly onToggle: (key: string) => void;
  readonly start: number;
  readonly size: number;
  readonly now: number;
  readonly onOpen: (index: number) => void;
}

/** One row; memoised, so moving the active row or scrolling redraws only the rows that changed. */
const QueueRow = memo(function QueueRow({
  index,
  row,
  active,
  checked,
  onToggle,
  start,
  size,
  now,
  onOpen,
}: QueueRowProps) {
  const { t } = useTranslation();
  return (
    <div
      id={`queue-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      className={`grid-row body-row${active ? ' active' : ''}${checked ? ' checked' : ''}`}
      style={{ height: size, transform: `translateY(${start}px)` }}
      onClick={() => onOpen(index)}
    >
      {row === undefined ? (
        <div role="gridcell" className="cell">
          {t('queue.loading')}
        </div>
      ) : (
        <>
          <div role="gridcell" className="cell select">
            <input
              type="checkbox"
              tabIndex={-1}
              checked={checked}
              aria-label={t('queue.select', { mrn: row.mrn, index: row.index })}
              onClick={(e) => e.stopPropagation()}
              onChange={() => onToggle(keyOf(row))}
            />
          </div>
          <div role="gridcell" className="cell score">
            {row.score.toFixed(2)}
          </div>
          <div role="gridcell" className="cell">
            {timeLeft(row.arrival, now, t)}
          </div>
          <div role="gridcell" className="cell mrn">
            {row.mrn} #{row.index}
            <span className="sub">
              {row.mode} · {row.office}
            </span>
          </div>
          <div role="gridcell" className="cell parties">
            {row.consignor ?? '—'} → {row.consignee ?? '—'}
          </div>
          <div role="gridcell" className="cell">
            <SeverityCounts counts={row.severity} />
          </div>
          <div role="gridcell" className="cell rules">
            {row.rules.join(', ')}
          </div>
          <div role="gridcell" className="cell">
            {t('queue.reviewed', { reviewed: row.reviewed, hits: row.hits })}
          </div>
        </>
      )}
    </div>
  );
});
