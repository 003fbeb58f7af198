/**
 * The imports feature on a real database: the import service, the model store and the KCS importer
 * wired as the composition root will wire them, plus fixtures (H1/H7 bodies, a small model trained
 * on the first rows of train.csv, a slice of valid.csv in a temporary file). No SQL is mocked.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssessmentRepository } from '../../src/assessment/index.ts';
import type { LaneConfig } from '../../src/import-declarations/lanes.ts';
import { DEFAULT_LANES } from '../../src/import-declarations/lanes.ts';
import { AuditLog } from '../../src/audit/index.ts';
import { ImportService } from '../../src/import-declarations/index.ts';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { testClock } from '../support/test-app.ts';
import type { DatabaseTarget, TestClock } from '../support/test-app.ts';
import type { Actor, Role } from '../../src/auth/index.ts';
import { KCS_MODEL_CONFIG, parseKcs, trainKcsModel } from '../../src/kcs/index.ts';
import type { KcsModel, KcsModelFile } from '../../src/kcs/index.ts';
import { ModelStore, modelScorer } from '../../src/models/index.ts';

/** The KCS data (as bench/model.bench.ts finds it); tests that need it skip when it is absent. */
export const KCS_DATA =
  process.env['KCS_DATA'] ??
  join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'kcs-import-declarations');
export const NO_KCS_DATA: string | false = existsSync(join(KCS_DATA, 'valid.csv'))
  ? false
  : `no KCS data in ${KCS_DATA} (set KCS_DATA)`;

export interface ImportsHarness {
  readonly db: Database;
  readonly clock: TestClock;
  readonly models: ModelStore;
  readonly imports: ImportService;
  /** Another service on the same database with other selectivity settings. */
  withSelectivity(config: Partial<LaneConfig>): ImportService;
  count(table: string, where?: string): Promise<number>;
  close(): Promise<void>;
}

export const actor = (role: Role, subject: string = role, authority = 'NL'): Actor => ({
  role,
  subject,
  authority,
});

export async function startImports(target: DatabaseTarget, clock = testClock()): Promise<ImportsHarness> {
  const db = await target.open();
  await migrate(db);
  const models = new ModelStore({ db, clock });
  const seeds = new AssessmentRepository();
  const audit = new AuditLog({ clock });
  const make = (config: Partial<LaneConfig>) =>
    new ImportService({
      db,
      clock,
      scorer: modelScorer(models),
      seeds,
      audit,
      lanes: { ...DEFAULT_LANES, ...config },
    });
  return {
    db,
    clock,
    models,
    imports: make({}),
    withSelectivity: make,
    async count(table, where = 'true') {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
      return r.rows[0]!.n;
    },
    close: () => db.close(),
  };
}

let lrns = 0;

/**
 * A valid H1 declaration with an LRN of its own (declarations are idempotent on the filer's LRN, so
 * a test that lodges several declarations needs several LRNs); `edit` changes a copy.
 */
export function h1Body(edit?: (b: Record<string, any>) => void): Record<string, any> {
  const body: Record<string, any> = {
    type: 'H1',
    lrn: `ACME-IMP-${String(++lrns).padStart(4, '0')}`,
    date: '2027-02-20',
    office: 'NL000396',
    mode: 'maritime',
    declarant: { eori: 'NL123456789', name: 'Acme Customs Brokers BV' },
    importer: { eori: 'NL987654321', name: 'Elektro Handel BV' },
    seller: { name: 'Shenzhen Bright Electronics Co', id: 'SZBRIGHT' },
    goods: [
      {
        hsCode: '851713',
        description: 'Smartphones, 128GB, boxed',
        origin: 'CN',
        departure: 'CN',
        netMassKg: 1100,
        price: { amount: 180000, currency: 'EUR' },
        tax: { type: 'A', rate: 0 },
        originIndicator: 'E',
      },
    ],
  };
  edit?.(body);
  return body;
}

/** A valid H7 declaration (a parcel worth 100 EUR). */
export function h7Body(edit?: (b: Record<string, any>) => void): Record<string, any> {
  return h1Body((b) => {
    b['type'] = 'H7';
    b['mode'] = 'express';
    b['goods'] = [
      {
        hsCode: '640399',
        description: 'Leather shoes',
        origin: 'CN',
        departure: 'HK',
        netMassKg: 1.2,
        price: { amount: 108, currency: 'USD' },
      },
    ];
    edit?.(b);
  });
}

let trained: KcsModel | undefined;

/** A small model (30 trees) on the first 3,000 rows of train.csv: seconds to train, real features. */
export function smallModel(seed = 1): KcsModel {
  if (seed === 1 && trained !== undefined) {
    return trained;
  }
  const text = readFileSync(join(KCS_DATA, 'train.csv'), 'utf8');
  const rows = parseKcs(text.split('\n').slice(0, 3001).join('\n'));
  const model = trainKcsModel(rows, {
    seed,
    config: { features: KCS_MODEL_CONFIG.features, gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 30 } },
  });
  if (seed === 1) {
    trained = model;
  }
  return model;
}

export function modelJson(model: KcsModel): KcsModelFile {
  return JSON.parse(JSON.stringify(model.file)) as KcsModelFile;
}

/** The header and the first `rows` rows of valid.csv in a temporary file. */
export function validSlice(rows: number): { file: string; text: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kcs-'));
  const text = readFileSync(join(KCS_DATA, 'valid.csv'), 'utf8')
    .split('\n')
    .slice(0, rows + 1)
    .join('\n');
  const file = join(dir, 'slice.csv');
  writeFileSync(file, `${text}\n`);
  return { file, text, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
