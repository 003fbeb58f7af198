import { test } from 'node:test';
import assert from 'node:assert/strict';
import { robustLogStats, refreshUnitValueStats } from './unit-value-stats.ts';
import { AssessmentRepository } from './assessment.repository.ts';
import { FilingRepository, FilingService } from '../intake/index.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { validFiling } from '../../test/support/filings.ts';

test('median and MAD of ln values, robust to a few outliers', () => {
  const s = robustLogStats([10, 20, 40]);
  assert.equal(s.n, 3);
  assert.ok(Math.abs(s.median - Math.log(20)) < 1e-12);
  assert.ok(Math.abs(s.mad - Math.log(2)) < 1e-12);
  const withOutliers = robustLogStats([10, 20, 40, 20, 20, 0.01, 0.02]);
  assert.ok(Math.abs(withOutliers.median - Math.log(20)) < 1e-12);
});

test('statistics are learned from lodged history; thin cells keep their earlier values', async () => {
  const db = await openDatabase({});
  await migrate(db);
  const now = new Date('2027-02-20T08:00:00Z');
  const filings = new FilingService({ db, repo: new FilingRepository(), clock: { now: () => now } });
  const repo = new AssessmentRepository();
  await db.transaction((tx) =>
    repo.replaceUnitValueStats(tx, 'NL', [{ hs6: '940360', origin: 'CN', n: 50, median: 1, mad: 0.2 }], now),
  );
  // 25 phone lines from China at 100–148 EUR/kg (USD 10% of them), 5 at one tenth: the planted cheap ones.
  const perKg: number[] = [];
  for (let i = 0; i < 30; i++) {
    const f = validFiling(now, { lrn: `UV-${i}` });
    const g = f['consignments'][0].goods[0];
    g.grossMassKg = 100;
    const eurPerKg = i < 25 ? 100 + 2 * i : 10;
    perKg.push(eurPerKg);
    g.value =
      i % 10 === 0
        ? { amount: eurPerKg * 100 * 1.08, currency: 'USD' }
        : { amount: eurPerKg * 100, currency: 'EUR' };
    await filings.register({ subject: 'f', authority: 'NL', role: 'filer' }, f);
  }
  assert.equal(
    await refreshUnitValueStats(db, { filings: new FilingRepository(), stats: repo }, 'NL', now),
    1,
  );
  const stats = await repo.unitValueStats(db, 'NL');
  const phones = stats.get('851713/CN')!;
  const expected = robustLogStats(perKg);
  assert.equal(phones.n, 30);
  assert.ok(Math.abs(phones.median - expected.median) < 1e-9);
  assert.ok(Math.abs(phones.mad - expected.mad) < 1e-9);
  assert.ok(Math.exp(phones.median) > 100, 'the cheap lines do not drag the baseline down');
  assert.deepEqual(
    stats.get('940360/CN'),
    { n: 50, median: 1, mad: 0.2 },
    'a cell without history keeps its value',
  );
  await db.close();
});
