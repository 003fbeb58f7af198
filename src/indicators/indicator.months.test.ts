/**
 * Long ranges read whole years from indicator_span (0030) and whole months from
 * indicator_monthly (0022), which the database keeps equal to the sums of indicator_daily: a reader
 * of a year gets exactly what summing its days gives, after days are recomputed (a key gone, a key
 * new, fractional amounts) and after the daily rollups are emptied, on both engines. The days are written as the refresher writes them (a day's rows
 * deleted, then inserted), so the figures are the test's own and the sums are computed here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/support/test-app.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { IndicatorRepository } from './indicator.repository.ts';
import type { Period, RollupRow } from './indicator.repository.ts';

type Day = Readonly<Record<string, number>>; // "metric|dim|key" → value

/** A day's rows, written as refreshDay writes them: the old ones deleted, the new ones inserted. */
async function writeDay(db: Database, authority: string, day: string, rows: Day): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM indicator_daily WHERE authority = $1 AND day = $2', [authority, day]);
    const entries = Object.entries(rows).map(([k, v]) => [...k.split('|'), v] as const);
    if (entries.length > 0) {
      await tx.query(
        `INSERT INTO indicator_daily (authority, metric, dim, key, day, value)
         SELECT $1, m, d, k, $2::date, v FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[]) AS u (m, d, k, v)`,
        [
          authority,
          day,
          entries.map((e) => e[0]),
          entries.map((e) => e[1]),
          entries.map((e) => e[2]),
          entries.map((e) => e[3]),
        ],
      );
    }
  });
}

/** What a reader of [from, to) should get: the test's own sums of the days, per period. */
function expected(days: ReadonlyMap<string, Day>, from: string, to: string, period: Period | undefined) {
  const periodOf = (day: string): string => {
    if (period === undefined) {
      return '';
    }
    const [y, m] = day.split('-');
    if (period === 'year') {
      return `${y}-01-01`;
    }
    if (period === 'quarter') {
      return `${y}-${String(Math.floor((Number(m) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    }
    return `${y}-${m}-01`;
  };
  const out = new Map<string, number>();
  for (const [day, rows] of days) {
    if (day >= from && day < to) {
      for (const [k, v] of Object.entries(rows)) {
        const key = `${periodOf(day)} ${k}`;
        out.set(key, (out.get(key) ?? 0) + v);
      }
    }
  }
  return out;
}

function asMap(rows: readonly RollupRow[]): Map<string, number> {
  return new Map(rows.map((r) => [`${r.period} ${r.metric}|${r.dim}|${r.key}`, r.value]));
}

function assertClose(actual: Map<string, number>, want: Map<string, number>, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...want.keys()].sort(), `${what}: the same keys`);
  for (const [k, v] of want) {
    assert.ok(Math.abs(actual.get(k)! - v) < 1e-9, `${what} ${k}: ${String(actual.get(k))}, want ${v}`);
  }
}

forEachDatabase('indicators over whole months and years', (target) => {
  let db: Database;
  const repo = new IndicatorRepository();
  const days = new Map<string, Day>();
  const write = async (day: string, rows: Day): Promise<void> => {
    await writeDay(db, 'NL', day, rows);
    days.set(day, rows);
  };
  // In a transaction, as the service reads (read sets planner options for its transaction only).
  const read = async (from: string, to: string, period: Period | undefined): Promise<RollupRow[]> =>
    db.transaction((tx) =>
      repo.read(tx, ['NL'], ['controls', 'duty-at-stake'], ['', 'method'], from, to, period),
    );
  const RANGES: readonly (readonly [string, string])[] = [
    ['2026-11-01', '2027-03-01'], // whole months only
    ['2026-11-15', '2027-02-10'], // edge days on both sides of whole months
    ['2026-12-05', '2026-12-20'], // within one month: days only
    ['2026-11-30', '2026-12-01'], // one day, no month
    ['2026-01-01', '2028-01-01'], // more than the data: two whole years
    ['2026-01-01', '2027-01-01'], // one calendar year
    ['2026-10-01', '2027-04-01'], // months across a year's end
    ['2026-09-20', '2027-03-15'], // edge days, months, edge days
    ['2025-12-20', '2027-02-10'], // edge days, a month, a whole year, a month, edge days
  ];

  before(async () => {
    db = await target.open();
    await migrate(db);
    // Another authority's days, which no read of NL may count.
    await writeDay(db, 'BE', '2026-12-10', { 'controls||': 99 });
    for (const day of [
      '2026-11-15',
      '2026-11-30',
      '2026-12-01',
      '2026-12-10',
      '2026-12-31',
      '2027-01-01',
      '2027-02-20',
    ]) {
      await write(day, {
        'controls||': 3,
        'controls|method|rule': 2,
        'controls|method|random': 1,
        'duty-at-stake||': 0.1,
      });
    }
    // Recomputed days: amounts that do not add up exactly in binary, a key that goes away, a key
    // that is new, a day that empties; each written more than once, as the refresher rewrites a day.
    await write('2026-12-10', { 'controls||': 4, 'controls|method|rule': 4, 'duty-at-stake||': 0.2 });
    await write('2026-12-10', {
      'controls||': 5,
      'controls|method|rule': 4,
      'controls|method|rif': 1,
      'duty-at-stake||': 0.3,
    });
    await write('2026-12-31', { 'controls||': 1, 'controls|method|manual': 1, 'duty-at-stake||': 1234.56 });
    await write('2027-01-01', {});
    await write('2027-02-20', { 'controls||': 2, 'controls|method|model': 2, 'duty-at-stake||': 0.7 });
  });
  after(async () => {
    await db.close();
  });

  test('a range read from years, months and edge days equals the sum of its days, in every period', async () => {
    for (const [from, to] of RANGES) {
      for (const period of [undefined, 'month', 'quarter', 'year', 'week', 'day'] as const) {
        const rows = await read(from, to, period);
        if (period === 'week' || period === 'day') {
          // Periods that do not align with months read days only: compared with the days' total.
          const total = new Map<string, number>();
          for (const r of rows) {
            const k = ` ${r.metric}|${r.dim}|${r.key}`;
            total.set(k, (total.get(k) ?? 0) + r.value);
          }
          assertClose(total, expected(days, from, to, undefined), `${from}…${to} by ${period}`);
        } else {
          assertClose(asMap(rows), expected(days, from, to, period), `${from}…${to} by ${period ?? 'total'}`);
        }
      }
    }
  });

  test('a month whose days are all emptied has nothing left to read; emptying the table empties the months', async () => {
    await write('2026-11-15', {});
    await write('2026-11-30', {});
    assert.deepEqual(await read('2026-11-01', '2026-12-01', undefined), []);
    // The year still holds December's days, and no key only November had.
    for (const [from, to] of [
      ['2026-10-01', '2027-01-01'],
      ['2026-01-01', '2027-01-01'],
    ] as const) {
      assertClose(
        asMap(await read(from, to, undefined)),
        expected(days, from, to, undefined),
        `${from}…${to}`,
      );
    }
    const monthly = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM indicator_monthly');
    assert.ok(monthly.rows[0]!.n > 0);
    await db.query('DELETE FROM indicator_daily');
    days.clear();
    assert.equal(
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM indicator_monthly')).rows[0]!.n,
      0,
    );
    assert.deepEqual(await read('2026-01-01', '2028-01-01', 'year'), []);
  });
});
