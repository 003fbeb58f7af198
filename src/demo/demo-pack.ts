/**
 * The demo authority's starting kit, so `npm start` shows a working risk engine: watchlists of known
 * bad operators and seized containers, a rule pack an analyst might begin with, and reference unit
 * values for the undervaluation signal until the authority's own history is large enough to learn
 * them. The kit is data in the product's own formats (data/demo-pack/: rule and watchlist bodies as the
 * API takes them), read and checked with the API's own schemas, so a broken file fails loudly with its
 * path. Installed once, when the authority has no rules yet; on that first start the directory of
 * authorities, if it does not know the demo authority, gets the demo's authorities too
 * (cooperation.json), so RIFs have somewhere to go before anyone registers an authority by hand.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fromZodIssues } from '../errors/index.ts';
import { compileRule } from '../risk/index.ts';
import type { RiskRule } from '../risk/index.ts';
import { entityOf, ruleInputSchema, toRiskRule, watchlistInputSchema, withIds } from '../rules/index.ts';
import type { RuleRepository } from '../rules/index.ts';
import type { AssessmentRepository } from '../assessment/index.ts';
import { RifRepository } from '../cooperation/index.ts';
import type { Database } from '../store/database.ts';
import { demoDirectoryEntries, loadCooperationDemo } from './demo-cooperation.ts';
import type { CooperationDemo } from './demo-cooperation.ts';

/** Where the shipped kit lives. */
export const DEMO_PACK_DIR: URL = new URL('../../data/demo-pack/', import.meta.url);

const DEMO_PACK_FILES = Object.freeze({
  rules: 'rules.json',
  watchlists: 'watchlists.json',
  referencePrices: 'reference-prices.json',
});

const referencePricesSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Filings each price counts as learned from, and the spread (MAD of ln EUR/kg) it is given. */
  n: z.number().int().min(1),
  mad: z.number().positive(),
  prices: z.array(
    z.strictObject({
      hs6: z.string().regex(/^\d{6}$/, 'six digits'),
      origin: z.string().regex(/^[A-Z]{2}$/, 'a country code of 2 letters'),
      eurPerKg: z.number().positive(),
    }),
  ),
});

export type DemoPackRule = z.output<typeof ruleInputSchema>;
export type DemoPackWatchlist = z.output<typeof watchlistInputSchema>;
export type DemoPackReferencePrices = z.output<typeof referencePricesSchema>;

export interface DemoPack {
  readonly rules: readonly DemoPackRule[];
  readonly watchlists: readonly DemoPackWatchlist[];
  readonly referencePrices: DemoPackReferencePrices;
}

type DemoPackPart = keyof typeof DEMO_PACK_FILES;

/** The kit's files as parsed JSON, before they are checked. */
export type DemoPackFiles = Readonly<Record<DemoPackPart, unknown>>;

/** A file of the kit that cannot be read, or that the API would refuse. */
export class DemoPackError extends Error {
  override readonly name = 'DemoPackError';
}

function refuse(file: string, problems: readonly string[]): never {
  throw new DemoPackError(
    `${file} is not a valid demo pack file:\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
}

function check<S extends z.ZodType>(schema: S, json: unknown, file: string): z.output<S> {
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    refuse(
      file,
      fromZodIssues(parsed.error.issues).map((e) => `${e.path}: ${e.message}`),
    );
  }
  return parsed.data;
}

/** Problems for items whose key an earlier item has already; `at(i)` is the item's JSON path. */
function repeated<T>(items: readonly T[], key: (t: T) => string, at: (i: number) => string): string[] {
  const seen = new Set<string>();
  return items.flatMap((t, i) => {
    const k = key(t);
    if (seen.has(k)) {
      return [`${at(i)}: '${k}' appears twice`];
    }
    seen.add(k);
    return [];
  });
}

/**
 * Checks the kit as the API would check each body (a rule's condition is type-checked against the
 * kit's watchlists), and that names, ids and price cells are unique. `where` names the files in errors.
 */
export function parseDemoPack(
  files: DemoPackFiles,
  where: Readonly<Record<DemoPackPart, string>> = DEMO_PACK_FILES,
): DemoPack {
  const watchlists = check(z.array(watchlistInputSchema), files.watchlists, where.watchlists);
  const rules = check(z.array(ruleInputSchema), files.rules, where.rules);
  const referencePrices = check(referencePricesSchema, files.referencePrices, where.referencePrices);

  const listProblems = repeated(
    watchlists,
    (w) => w.name,
    (i) => `$[${i}].name`,
  );
  if (listProblems.length > 0) {
    refuse(where.watchlists, listProblems);
  }
  const watchlistNames = new Set(watchlists.map((w) => w.name));
  const ruleProblems = [
    ...repeated(
      rules,
      (r) => r.id,
      (i) => `$[${i}].id`,
    ),
    ...rules.flatMap((r, i) => {
      const compiled = compileRule(r.condition, { watchlistNames });
      return compiled.ok
        ? []
        : compiled.errors.map(
            (e) => `$[${i}].condition: line ${e.position.line}, column ${e.position.column}: ${e.message}`,
          );
    }),
  ];
  if (ruleProblems.length > 0) {
    refuse(where.rules, ruleProblems);
  }
  const priceProblems = repeated(
    referencePrices.prices,
    (p) => `${p.hs6} from ${p.origin}`,
    (i) => `$.prices[${i}]`,
  );
  if (priceProblems.length > 0) {
    refuse(where.referencePrices, priceProblems);
  }
  return { rules, watchlists, referencePrices };
}

/** Reads and checks the kit in `dir` (the shipped one by default); errors name the file. */
export async function loadDemoPack(dir: URL = DEMO_PACK_DIR): Promise<DemoPack> {
  const parts = Object.keys(DEMO_PACK_FILES) as DemoPackPart[];
  const paths = Object.fromEntries(
    parts.map((k) => [k, fileURLToPath(new URL(DEMO_PACK_FILES[k], dir))]),
  ) as Record<DemoPackPart, string>;
  const read = async (path: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new DemoPackError(`cannot read the demo pack file ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  const [rules, watchlists, referencePrices] = await Promise.all([
    read(paths.rules),
    read(paths.watchlists),
    read(paths.referencePrices),
  ]);
  return parseDemoPack({ rules, watchlists, referencePrices }, paths);
}

/** A rule body of the kit as the authority's version 1, as `POST /v1/rules` would store it. */
function packRule(r: DemoPackRule, authority: string): RiskRule {
  return { ...toRiskRule(r, authority), version: 1 };
}

/** What installing needs of the directory: the part of cooperation's repository (the table's owner). */
export type DemoDirectoryStore = Pick<RifRepository, 'directory' | 'putAuthority'>;

/**
 * Installs the kit (the shipped one unless `pack` is given) for `authority` unless it has rules
 * already; returns whether it did. A directory that does not know `authority` gets the demo's
 * authorities (the shipped traffic's unless `cooperation` is given) and `authority` itself.
 */
export async function installDemoPack(
  deps: {
    readonly db: Database;
    readonly ruleRepo: RuleRepository;
    readonly assessmentRepo: AssessmentRepository;
    readonly directory?: DemoDirectoryStore | undefined;
  },
  authority: string,
  at: Date,
  pack?: DemoPack,
  cooperation?: CooperationDemo,
): Promise<boolean> {
  const { db, ruleRepo: repo, assessmentRepo } = deps;
  if ((await repo.currentRules(db, authority)).length > 0) {
    return false;
  }
  const { rules, watchlists, referencePrices } = pack ?? (await loadDemoPack());
  const directory = deps.directory ?? new RifRepository();
  const known = await directory.directory(db);
  const entries = known.has(authority)
    ? []
    : demoDirectoryEntries(cooperation ?? (await loadCooperationDemo()), authority).filter(
        (e) => !known.has(e.code),
      );
  await db.transaction(async (tx) => {
    for (const entry of entries) {
      await directory.putAuthority(tx, entry, at);
    }
    for (const list of watchlists) {
      await repo.upsertWatchlist(tx, authority, list, at);
      await repo.replaceEntries(tx, authority, list.name, withIds(list.entries.map(entityOf)));
    }
    for (const r of rules) {
      await repo.insertRule(tx, authority, packRule(r, authority), 'demo-pack', at);
    }
    // Stored as if learned: median of ln(EUR/kg) and the kit's spread, over its nominal n filings.
    await assessmentRepo.replaceUnitValueStats(
      tx,
      authority,
      referencePrices.prices.map((p) => ({
        hs6: p.hs6,
        origin: p.origin,
        n: referencePrices.n,
        median: Math.log(p.eurPerKg),
        mad: referencePrices.mad,
      })),
      at,
    );
  });
  return true;
}
