/**
 * The analyst's queue (GET /v1/queue): consignments with hits to review, by score or by arrival,
 * with the time left before arrival, hits by severity and review progress. The list is virtualised
 * (TanStack Virtual): only the rows in view are in the page, and pages of the queue are fetched as
 * the analyst scrolls, so 10,000 rows stay smooth. Keyboard: the list is one tab stop; arrows, Page
 * Up/Down, Home and End move the active row, Enter opens it.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useNavigate } from '@tanstack/react-router';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, dataOf } from '../api/client';
import type { QueueItem } from '../api/client';
import { ErrorPanel, SeverityCounts, timeLeft, useNow } from '../components';
import { ChoiceField } from '../select';

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

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setResetKey((k) => k + 1);
    setFilters(draft);
  }

  const set = (k: keyof Filters) => (v: string) => setDraft({ ...draft, [k]: v });
  return (
    <main id="main" className="queue">
      <h1>{t('queue.title')}</h1>
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
              setResetKey((k) => k + 1);
              setFilters(NO_FILTERS);
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
        {t('queue.keys')}
      </p>
      {!queue.isPending && total === 0 && !queue.isError && <p>{t('queue.empty')}</p>}
      {total > 0 && (
        <QueueGrid
          key={resetKey}
          rows={rows}
          total={total}
          hasMore={queue.hasNextPage}
          loadingMore={queue.isFetchingNextPage}
          loadMore={() => void queue.fetchNextPage()}
        />
      )}
    </main>
  );
}

interface QueueGridProps {
  readonly rows: readonly QueueItem[];
  readonly total: number;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly loadMore: () => void;
}

/** The virtualised list: its own component, so scrolling re-renders the rows in view and nothing else. */
function QueueGrid({ rows, total, hasMore, loadingMore, loadMore }: QueueGridProps) {
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
      setActive(next);
      virtual.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(active);
    }
  }

  const columns = [
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
      tabIndex={0}
      onKeyDown={onKeyDown}
      ref={scroller}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row">
          {columns.map((c) => (
            <div role="columnheader" key={c} className="cell">
              {c}
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
  readonly start: number;
  readonly size: number;
  readonly now: number;
  readonly onOpen: (index: number) => void;
}

/** One row; memoised, so moving the active row or scrolling redraws only the rows that changed. */
const QueueRow = memo(function QueueRow({ index, row, active, start, size, now, onOpen }: QueueRowProps) {
  const { t } = useTranslation();
  return (
    <div
      id={`queue-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={active}
      className={`grid-row body-row${active ? ' active' : ''}`}
      style={{ height: size, transform: `translateY(${start}px)` }}
      onClick={() => onOpen(index)}
    >
      {row === undefined ? (
        <div role="gridcell" className="cell">
          {t('queue.loading')}
        </div>
      ) : (
        <>
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
