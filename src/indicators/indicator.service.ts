/**
 * The performance indicators, live: the refresher keeps the daily rollups in step with the facts (it
 * recomputes the days whose facts changed since its watermark), and a query computes every indicator
 * of the catalogue for an authority (or, for a coordinator, the authorities that share their
 * indicators with it) over a period, as a total, a series per day / week / month / quarter / year,
 * and a breakdown by one dimension. Only rollups are read per request, never the raw tables (but for
 * two small point-in-time figures: overdue RIF feedback and the list of active rules).
 */
import { requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { INDICATORS, INDICATOR_BY_ID, percentiles } from './indicator.catalogue.ts';
import type { IndicatorDefinition, MetricValue } from './indicator.catalogue.ts';
import type { IndicatorRepository, Period, RollupRow } from './indicator.repository.ts';

export interface IndicatorServiceDeps {
  readonly db: Database;
  readonly repo: IndicatorRepository;
  readonly clock: Clock;
  /** Authorities with facts to roll up (filings, the directory). */
  readonly authorities: (q: Queryable) => Promise<readonly string[]>;
  /** The rules of an authority, latest version each (the rules feature's published query). */
  readonly rules: (
    q: Queryable,
    authority: string,
  ) => Promise<readonly { id: string; title: string; status: string }[]>;
  /** Deliveries with feedback overdue at `at` (cooperation's published query). */
  readonly overdueFeedback: (q: Queryable, authority: string, at: Date) => Promise<number>;
}

export interface IndicatorQuery {
  readonly from: string;
  readonly to: string;
  readonly period?: Period | undefined;
  readonly by?: string | undefined;
  readonly authorities?: readonly string[] | undefined;
  readonly noisyRate?: number | undefined;
}

export interface IndicatorValue {
  readonly id: string;
  readonly group: string;
  readonly title: string;
  readonly definition: string;
  readonly formula: string;
  readonly unit: string;
  readonly value: number | null;
  readonly percentiles?: { p50: number; p90: number; p99: number; count: number } | null;
  readonly series?: readonly { period: string; value: number | null }[];
  readonly breakdown?: {
    readonly by: string;
    readonly items: readonly { key: string; value: number | null }[];
  };
  readonly rules?: readonly { id: string; title: string; hits: number; hitRate?: number | null }[];
  readonly unavailable?: string;
}

/**
 * The criteria indicators (CR-01 to CR-06) of one rule of one authority over a range of days, with
 * the consignments it was run on: what a coordinator reads per member for a common criterion.
 */
export interface RuleFigures {
  /** Consignment assessments in the range, in the rule's offices (or else modes) when it names them. */
  readonly itemsAnalysed: number;
  /** CR-01. */
  readonly automatedHits: number;
  /** CR-02: hits confirmed on review. */
  readonly finalHits: number;
  /** CR-03. */
  readonly controls: number;
  /** Of those, controls with a result. */
  readonly controlsWithResult: number;
  /** CR-04. */
  readonly positives: number;
  /** CR-05. */
  readonly falsePositives: number;
  /** CR-06: positives ÷ controls with a result (null without any). */
  readonly yield: number | null;
}

/** The rule's share of the rollup figures that `ruleFigures` reads, by indicator. */
const RULE_FIGURES = {
  automatedHits: 'CR-01',
  finalHits: 'CR-02',
  controls: 'CR-03',
  positives: 'CR-04',
  falsePositives: 'CR-05',
  yield: 'CR-06',
} as const;

export interface IndicatorReport {
  readonly authorities: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly period: Period | null;
  readonly by: string | null;
  readonly indicators: readonly IndicatorValue[];
}

const DAY_MS = 86_400_000;
const EPOCH = new Date(0);
/** Facts committed slightly after their own timestamp are caught by looking back this far. */
const LOOK_BACK_MS = 5 * 60_000;

type Cells = Map<string, Map<string, number>>;

/** The range's total cell, and whether it holds the per-rule keys (a report with CR-01 in it). */
interface TotalRead {
  readonly total: Map<string, number>;
  readonly byRule: boolean;
}

/** What the point-in-time indicators read of the raw tables, per report. */
interface PointInTime {
  /** CO-05: deliveries whose feedback is overdue, over the authorities read. */
  readonly overdue: number;
  /** CR-07: each authority's rules (latest version each). */
  readonly rules: ReadonlyMap<string, readonly { id: string; title: string; status: string }[]>;
}

/**
 * The (metric, key) pairs of a cell per dimension, split once per cell: every indicator with a
 * breakdown asks for its keys, and splitting every key of the year's cell for each of them (tens of
 * thousands of keys by filer) took longer than reading them.
 */
const pairsByDim = new WeakMap<ReadonlyMap<string, number>, Map<string, (readonly [string, string])[]>>();
function pairsOf(cell: ReadonlyMap<string, number>, dim: string): readonly (readonly [string, string])[] {
  let index = pairsByDim.get(cell);
  if (index === undefined) {
    index = new Map();
    for (const k of cell.keys()) {
      const [metric, dm, key] = k.split('|') as [string, string, string];
      let pairs = index.get(dm);
      if (pairs === undefined) {
        pairs = [];
        index.set(dm, pairs);
      }
      pairs.push([metric, key]);
    }
    pairsByDim.set(cell, index);
  }
  return index.get(dim) ?? [];
}

/** rollup rows → period → "metric|dim|key" → value */
function cells(rows: readonly RollupRow[]): Cells {
  const out: Cells = new Map();
  for (const r of rows) {
    let m = out.get(r.period);
    if (m === undefined) {
      m = new Map();
      out.set(r.period, m);
    }
    m.set(`${r.metric}|${r.dim}|${r.key}`, r.value);
  }
  return out;
}

export class IndicatorService {
  readonly #d: IndicatorServiceDeps;

  constructor(deps: IndicatorServiceDeps) {
    this.#d = deps;
  }

  /**
   * The criteria indicators of one rule of `authority` over the days [from, to) (YYYY-MM-DD), read
   * from the same rollups and computed by the same formulas as the indicator report's per-rule
   * breakdown, in the authority's own scope. The caller has checked that its actor may see them.
   */
  async ruleFigures(
    authority: string,
    rule: string,
    from: string,
    to: string,
    scope: {
      readonly offices?: readonly string[] | undefined;
      readonly modes?: readonly string[] | undefined;
    },
  ): Promise<RuleFigures> {
    const defs = Object.values(RULE_FIGURES).map((id) => INDICATOR_BY_ID.get(id)!);
    const metrics = [...new Set([...defs.flatMap((d) => d.metrics), 'consignments.assessed'])];
    const rows = await this.#d.db
      .forAuthority(authority)
      .transaction((tx) =>
        this.#d.repo.read(tx, [authority], metrics, ['', 'rule', 'office', 'mode'], from, to, undefined),
      );
    const cell = cells(rows).get('') ?? new Map<string, number>();
    const ofRule: MetricValue = (metric) => cell.get(`${metric}|rule|${rule}`) ?? 0;
    const sumOf = (dim: string, keys: readonly string[]): number =>
      keys.reduce((n, k) => n + (cell.get(`consignments.assessed|${dim}|${k}`) ?? 0), 0);
    const value = (k: keyof typeof RULE_FIGURES): number | null =>
      INDICATOR_BY_ID.get(RULE_FIGURES[k])!.compute(ofRule, 'rule');
    return {
      itemsAnalysed:
        scope.offices !== undefined
          ? sumOf('office', scope.offices)
          : scope.modes !== undefined
            ? sumOf('mode', scope.modes)
            : (cell.get('consignments.assessed||') ?? 0),
      automatedHits: value('automatedHits') ?? 0,
      finalHits: value('finalHits') ?? 0,
      controls: value('controls') ?? 0,
      controlsWithResult: ofRule('controls.done'),
      positives: value('positives') ?? 0,
      falsePositives: value('falsePositives') ?? 0,
      yield: value('yield'),
    };
  }

  /**
   * Brings the rollups up to date: per authority, the days whose facts changed since the watermark
   * are recomputed (all days with facts on the first run), and the days the triggers marked stale (a
   * fact revised or gone where no watermark column shows it). Returns the days recomputed.
   */
  async refresh(options: { readonly full?: boolean } = {}): Promise<number> {
    const started = this.#d.clock.now();
    const full = options.full === true;
    let days = 0;
    for (const authority of await this.#d.authorities(this.#d.db)) {
      const repo = this.#d.repo;
      const since = full ? EPOCH : ((await repo.watermark(this.#d.db, authority)) ?? EPOCH);
      // Marks are taken away only once their days are recomputed: a mark added meanwhile stays.
      const stale = await repo.staleMarks(this.#d.db, authority);
      const changed = [
        ...new Set([
          ...(await repo.changedDays(this.#d.db, authority, since)),
          ...stale.days,
          ...(full ? await repo.rolledDays(this.#d.db, authority) : []),
        ]),
      ].sort();
      for (const day of changed) {
        await this.#d.db.transaction((tx) => repo.refreshDay(tx, authority, day));
      }
      await repo.clearStale(this.#d.db, stale.ids);
      days += changed.length;
      await this.#d.repo.setWatermark(
        this.#d.db,
        authority,
        new Date(started.getTime() - LOOK_BACK_MS),
        started,
      );
    }
    return days;
  }

  definitions(actor: Actor): readonly IndicatorDefinition[] {
    requirePermission(actor, 'indicator.read');
    return INDICATORS;
  }

  async report(actor: Actor, q: IndicatorQuery, only?: readonly string[]): Promise<IndicatorReport> {
    requirePermission(actor, 'indicator.read');
    const defs =
      only === undefined
        ? INDICATORS
        : only.map((id) => INDICATOR_BY_ID.get(id)).filter((d) => d !== undefined);
    if (only !== undefined && defs.length === 0) {
      throw new VigilError('VIGIL_NOT_FOUND', `no indicator ${only.join(', ')}`);
    }
    const authorities = q.authorities ?? [actor.authority];
    const scoped = this.#d.db.forAuthority(actor.authority);
    await scoped.transaction((tx) => this.#checkGranted(tx, actor, authorities));
    const at = new Date(Math.min(this.#d.clock.now().getTime(), Date.parse(`${q.to}T00:00:00Z`)));
    const now = await this.#pointInTime(defs, authorities, at);
    return scoped.transaction(async (tx) => {
      const metrics = [...new Set(defs.flatMap((d) => d.metrics))];
      // The dimensions formulas name (method=random, state=adopted …) and histograms are read from.
      const named = ['', 'method', 'bucket', 'timeliness', 'state'];
      const dims = new Set<string>(named);
      if (q.by !== undefined) {
        dims.add(q.by);
      }
      // An indicator with a breakdown of its own (per rule, per category) keeps it whatever `by` asks.
      for (const d of defs) {
        if (d.by !== undefined) {
          dims.add(d.by);
        }
      }
      const total =
        cells(await this.#d.repo.read(tx, authorities, metrics, [...dims], q.from, q.to, undefined)).get(
          '',
        ) ?? new Map<string, number>();
      // A series is of values and percentiles, never of a breakdown: the breakdowns' keys per period
      // (every filer in every month) would be read only to be thrown away.
      const series =
        q.period !== undefined
          ? cells(await this.#d.repo.read(tx, authorities, metrics, named, q.from, q.to, q.period))
          : undefined;
      const out: IndicatorValue[] = [];
      for (const d of defs) {
        out.push(
          await this.#one(
            tx,
            d,
            q,
            authorities,
            { total, byRule: dims.has('rule') && metrics.includes('hits') },
            series,
            now,
          ),
        );
      }
      return {
        authorities,
        from: q.from,
        to: q.to,
        period: q.period ?? null,
        by: q.by ?? null,
        indicators: out,
      };
    });
  }

  /**
   * The two point-in-time figures read from raw tables (overdue feedback, the rules of each
   * authority), once the grant is checked. Each authority's are read in a transaction of its own
   * scope: in the reader's scope row-level security hides another authority's deliveries and rules,
   * and a coordinator would see none overdue and no rule never hitting.
   */
  async #pointInTime(
    defs: readonly IndicatorDefinition[],
    authorities: readonly string[],
    at: Date,
  ): Promise<PointInTime> {
    const wanted = new Set(defs.map((d) => d.id));
    let overdue = 0;
    const rules = new Map<string, readonly { id: string; title: string; status: string }[]>();
    for (const a of authorities) {
      await this.#d.db.forAuthority(a).transaction(async (tx) => {
        if (wanted.has('CO-05')) {
          overdue += await this.#d.overdueFeedback(tx, a, at);
        }
        if (wanted.has('CR-07')) {
          rules.set(a, await this.#d.rules(tx, a));
        }
      });
    }
    return { overdue, rules };
  }

  /** A coordinator reads other authorities' indicators only where their policy grants it `indicators`. */
  async #checkGranted(tx: Queryable, actor: Actor, authorities: readonly string[]): Promise<void> {
    const others = authorities.filter((a) => a !== actor.authority);
    if (others.length === 0) {
      return;
    }
    if (!['coordinator', 'admin', 'auditor', 'analyst'].includes(actor.role)) {
      throw new VigilError('VIGIL_FORBIDDEN', 'only officials read other authorities’ indicators');
    }
    const r = await tx.query<{ authority: string }>(
      `SELECT DISTINCT authority FROM sharing_policy
       WHERE authority = ANY($1::text[]) AND category = 'indicators' AND level <> 'none' AND receiver = $2`,
      [others, actor.authority],
    );
    const granted = new Set(r.rows.map((x) => x.authority));
    const refused = others.filter((a) => !granted.has(a));
    if (refused.length > 0) {
      throw new VigilError(
        'VIGIL_FORBIDDEN',
        `${refused.join(', ')} do(es) not share indicators with ${actor.authority} (their sharing policy needs category "indicators")`,
      );
    }
  }

  async #one(
    tx: Queryable,
    d: IndicatorDefinition,
    q: IndicatorQuery,
    authorities: readonly string[],
    read: TotalRead,
    series: Cells | undefined,
    now: PointInTime,
  ): Promise<IndicatorValue> {
    const total = read.total;
    const head = {
      id: d.id,
      group: d.group,
      title: d.title,
      definition: d.definition,
      formula: d.formula,
      unit: d.unit,
    };
    if (d.unavailable !== undefined) {
      return { ...head, value: null, unavailable: d.unavailable };
    }
    if (d.percentilesOf !== undefined) {
      const histogram = (cell: Map<string, number>): Map<string, number> =>
        new Map(
          [...cell.entries()]
            .filter(([k]) => k.startsWith(`${d.percentilesOf}|bucket|`))
            .map(([k, n]) => [k.slice(`${d.percentilesOf}|bucket|`.length), n]),
        );
      const p = percentiles(histogram(total));
      return {
        ...head,
        value: p?.p50 ?? null,
        percentiles: p,
        ...(series !== undefined
          ? {
              series: [...series.entries()].map(([period, cell]) => ({
                period,
                value: percentiles(histogram(cell))?.p50 ?? null,
              })),
            }
          : {}),
      };
    }
    if (d.id === 'CO-05') {
      return { ...head, value: now.overdue };
    }
    if (d.id === 'CR-07' || d.id === 'CR-08') {
      return this.#ruleLists(tx, d, q, authorities, read, head, now);
    }
    const valueIn = (
      cell: Map<string, number>,
      by: string | undefined,
      key: string | undefined,
    ): number | null =>
      d.compute(
        (metric, explicit) => {
          if (explicit !== undefined) {
            if (explicit === '') {
              return cell.get(`${metric}||`) ?? 0;
            }
            const [dim, k] = explicit.split('=') as [string, string];
            return cell.get(`${metric}|${dim}|${k}`) ?? 0;
          }
          if (by !== undefined && key !== undefined && (d.breakdowns[by] ?? []).includes(metric)) {
            return cell.get(`${metric}|${by}|${key}`) ?? 0;
          }
          return cell.get(`${metric}||`) ?? 0;
        },
        key !== undefined ? by : undefined,
      );
    const by = q.by !== undefined && d.breakdowns[q.by] !== undefined ? q.by : d.by;
    const keysOf = (cell: Map<string, number>, dim: string): string[] =>
      [
        ...new Set(
          pairsOf(cell, dim)
            .filter(([m]) => (d.breakdowns[dim] ?? []).includes(m))
            .map(([, key]) => key),
        ),
      ].sort();
    const value = d.by !== undefined ? null : valueIn(total, undefined, undefined);
    const out: IndicatorValue = {
      ...head,
      value:
        d.by !== undefined
          ? keysOf(total, d.by).reduce((s, k) => s + (valueIn(total, d.by, k) ?? 0), 0)
          : value,
      ...(by !== undefined
        ? {
            breakdown: {
              by,
              items: keysOf(total, by).map((key) => ({ key, value: valueIn(total, by, key) })),
            },
          }
        : {}),
      ...(series !== undefined && d.by === undefined
        ? {
            series: [...series.entries()].map(([period, cell]) => ({
              period,
              value: valueIn(cell, undefined, undefined),
            })),
          }
        : {}),
    };
    // An indicator that is a share by its own breakdown (TG-04, TG-12) has no meaningful total, nor
    // have quantities in several units (TG-10: kilograms and items do not add up).
    return d.by !== undefined && (d.unit === 'ratio' || d.unit === 'quantity')
      ? { ...out, value: null }
      : out;
  }

  async #ruleLists(
    tx: Queryable,
    d: IndicatorDefinition,
    q: IndicatorQuery,
    authorities: readonly string[],
    { total, byRule }: TotalRead,
    head: Omit<IndicatorValue, 'value'>,
    now: PointInTime,
  ): Promise<IndicatorValue> {
    const hitsOf = async (of: readonly string[]): Promise<Map<string, number>> => {
      // The range's hits per rule of the authorities read are in the total already (CR-01 asks
      // for them): taken from it, not read again.
      if (byRule && of.length === authorities.length && of.every((a) => authorities.includes(a))) {
        return new Map(
          [...total.entries()].flatMap(([k, n]) => (k.startsWith('hits|rule|') ? [[k.slice(10), n]] : [])),
        );
      }
      const rows = await this.#d.repo.read(tx, of, ['hits'], ['rule'], q.from, q.to, undefined);
      return new Map(rows.map((r) => [r.key, r.value]));
    };
    if (d.id === 'CR-07') {
      const rules = [];
      for (const a of authorities) {
        // Per authority: two authorities may have rules of the same id.
        const hits = await hitsOf([a]);
        for (const r of now.rules.get(a) ?? []) {
          if (r.status === 'active' && (hits.get(r.id) ?? 0) === 0) {
            rules.push({ id: r.id, title: r.title, hits: 0 });
          }
        }
      }
      return { ...head, value: rules.length, rules };
    }
    const hits = await hitsOf(authorities);
    const assessed = total.get('consignments.assessed||') ?? 0;
    const limit = q.noisyRate ?? 0.1;
    const rules = [...hits.entries()]
      .map(([id, n]) => ({ id, title: id, hits: n, hitRate: assessed > 0 ? n / assessed : null }))
      .filter((r) => r.hitRate !== null && r.hitRate > limit)
      .sort((a, b) => b.hits - a.hits);
    return { ...head, value: rules.length, rules };
  }
}

/** The default period: the 30 days up to and including today (UTC), as [from, to). */
export function defaultRange(now: Date): { from: string; to: string } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return {
    from: new Date(today.getTime() - 29 * DAY_MS).toISOString().slice(0, 10),
    to: new Date(today.getTime() + DAY_MS).toISOString().slice(0, 10),
  };
}
