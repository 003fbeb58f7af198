/**
 * The register of IPR applications for action (COPIS-like), per authority: a right holder's
 * application with the trademarks and brand names it protects, the goods codes concerned, the
 * manufacturers and distributors it authorises, its validity and status. Records are created, changed
 * and imported like the other registries (history in registry_version, audit, row-by-row import
 * errors through record-file.ts).
 *
 * The assessment and rules ask it for the authority's `IprScreen` (ipr-check.ts): one index over every
 * brand and alias, built when the register changes (checked at most once a second) and none at all
 * while the authority keeps no application, so that goods items then cost nothing more.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock } from '../domain/index.ts';
import { dayOf, normaliseEori } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import {
  badRecords,
  checkCountry,
  checkIdentifier,
  checkValidity,
  importQuerySchema,
  indexOfPath,
  parseRecord,
  readRecords,
  recordsInSlices,
  whereIs,
} from '../operators/index.ts';
import type {
  FileRecord,
  OperatorRegistryRepository,
  RecordFormat,
  RegistryVersion,
} from '../operators/index.ts';
import { normalizeName } from '../risk/index.ts';
import type { IprBrandMatch } from '../risk/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { IprScreen } from './ipr-check.ts';
import type { IprApplicationFacts, IprAuthorised, IprBrand } from './ipr-check.ts';
import type { IprApplicationView, IprRepository } from './ipr.repository.ts';
import {
  applicationInputSchema,
  authorisedRecordSchema,
  brandRecordSchema,
  listApplicationsQuerySchema,
  screenQuerySchema,
} from './ipr.schema.ts';
import type { ApplicationInput, AuthorisedInput, BrandInput } from './ipr.schema.ts';

export interface IprServiceDeps {
  readonly db: Database;
  readonly repo: IprRepository;
  /** Where the history of every registry is kept (registry_version). */
  readonly history: OperatorRegistryRepository;
  readonly clock: Clock;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  readonly random?: ((n: number) => Uint8Array) | undefined;
  /** How long the applications read for the assessment are taken as read (default 1 s). */
  readonly checkEveryMs?: number | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export const IPR_IMPORT_RECORDS = ['application', 'brand', 'authorised'] as const;
type ImportKind = (typeof IPR_IMPORT_RECORDS)[number];

export interface IprImportSummary {
  readonly importId: string;
  readonly format: RecordFormat;
  readonly received: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly records: Readonly<Record<ImportKind, number>>;
  readonly applications: { readonly created: number; readonly updated: number; readonly unchanged: number };
  readonly errors: readonly FieldError[];
  readonly errorCount: number;
}

const REGISTRY = 'ipr-application';
const MAX_LISTED_ERRORS = 1000;

const cursorOf = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
const keyOfCursor = (next: string | undefined): string | undefined =>
  next === undefined ? undefined : Buffer.from(next, 'base64url').toString('utf8');

function invalid(errors: FieldError[]): VigilError {
  return new VigilError('VIGIL_IPR_APPLICATION_INVALID', `the record has ${errors.length} error(s)`, errors);
}

const notFound = (number: string): VigilError =>
  new VigilError('VIGIL_IPR_APPLICATION_NOT_FOUND', `no IPR application ${number} is registered`);

const brandKey = (b: { name: string }): string => b.name.toLowerCase();
const authorisedKey = (o: IprAuthorised): string =>
  `${o.role}/${o.eori ?? ''}/${(o.name ?? '').toLowerCase()}`;

export class IprService {
  readonly #d: IprServiceDeps;
  readonly #random: (n: number) => Uint8Array;
  readonly #screens = new Map<string, { checkedAt: number; stamp: string; screen: IprScreen }>();

  constructor(deps: IprServiceDeps) {
    this.#d = deps;
    this.#random = deps.random ?? randomBytes;
  }

  #db(actor: Actor): Database {
    return this.#d.db.forAuthority(actor.authority);
  }

  async list(actor: Actor, query: unknown): Promise<Page<IprApplicationView>> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(listApplicationsQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const rows = await this.#d.repo.search(this.#db(actor), actor.authority, {
      number: q.number,
      brand: q.brand,
      rightHolder: q.rightHolder,
      goodsCode: q.goodsCode,
      status: q.status,
      after: keyOfCursor(q.next),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    return { items, next: rows.length > q.limit ? cursorOf(items[items.length - 1]!.number) : null };
  }

  async get(actor: Actor, number: string): Promise<IprApplicationView> {
    requirePermission(actor, 'registry.read');
    const [a] = await this.#d.repo.byNumbers(this.#db(actor), actor.authority, [number.toUpperCase()]);
    if (a === undefined) {
      throw notFound(number);
    }
    return a;
  }

  async create(actor: Actor, body: unknown): Promise<IprApplicationView> {
    return this.#put(actor, undefined, body);
  }

  async update(actor: Actor, number: string, body: unknown): Promise<IprApplicationView> {
    return this.#put(actor, number.toUpperCase(), body);
  }

  async #put(actor: Actor, number: string | undefined, body: unknown): Promise<IprApplicationView> {
    requirePermission(actor, 'registry.write');
    const record = applicationRecord(parseInput(applicationInputSchema, body), '$', '');
    if (number !== undefined && record.value.number !== number) {
      record.errors.push({
        code: 'VIGIL_IPR_APPLICATION_INVALID',
        path: '$.number',
        message: `the body names ${record.value.number}, the path ${number}: an application's number does not change`,
      });
    }
    if (record.value.brands.length === 0) {
      record.errors.push({
        code: 'VIGIL_IPR_APPLICATION_INVALID',
        path: '$.brands',
        message: 'an application protects at least one brand',
      });
    }
    if (record.errors.length > 0) {
      throw invalid(record.errors);
    }
    const now = this.#d.clock.now();
    const out = await this.#db(actor).transaction(async (tx) => {
      const [old] = await this.#d.repo.lockByNumbers(tx, actor.authority, [record.value.number]);
      if (number === undefined && old !== undefined) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `IPR application ${record.value.number} is already registered (change it with PUT)`,
        );
      }
      if (number !== undefined && old === undefined) {
        throw notFound(number);
      }
      await this.#write(tx, actor, [record.value], old === undefined ? [] : [old], null, now);
      return (await this.#d.repo.byNumbers(tx, actor.authority, [record.value.number]))[0]!;
    });
    this.#screens.delete(actor.authority);
    return out;
  }

  async history(actor: Actor, number: string): Promise<{ items: RegistryVersion[] }> {
    const a = await this.get(actor, number);
    return { items: await this.#d.history.history(this.#db(actor), actor.authority, a.number, [REGISTRY]) };
  }

  /**
   * Which protected brands a description names, as the assessment would find them (an analyst's
   * check before writing a rule, or of a hit): applications in force on the day, covering the goods
   * code when one is given.
   */
  async screen(actor: Actor, query: unknown): Promise<{ matches: IprBrandMatch[] }> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(screenQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const screen = await this.#screenOf(this.#db(actor), actor.authority);
    return { matches: screen.brands(q.description, q.goodsCode, q.day ?? dayOf(this.#d.clock.now())) };
  }

  /**
   * The authority's screen for the assessment and rules, in the caller's transaction (the embedded
   * database has one connection); undefined while it keeps no application.
   */
  async screenFor(tx: Queryable, authority: string): Promise<IprScreen | undefined> {
    const screen = await this.#screenOf(tx, authority);
    return screen.size === 0 ? undefined : screen;
  }

  async #screenOf(tx: Queryable, authority: string): Promise<IprScreen> {
    const cached = this.#screens.get(authority);
    const every = this.#d.checkEveryMs ?? 1000;
    if (cached !== undefined && Date.now() - cached.checkedAt < every) {
      return cached.screen;
    }
    const stamp = await this.#d.repo.stamp(tx, authority);
    const screen =
      cached !== undefined && cached.stamp === stamp
        ? cached.screen
        : new IprScreen(
            (await this.#d.repo.all(tx, authority)).map(
              ({ version: _v, createdAt: _c, updatedAt: _u, ...facts }) => facts,
            ),
          );
    this.#screens.set(authority, { checkedAt: Date.now(), stamp, screen });
    return screen;
  }

  /**
   * Imports applications (`record`: application, the default), and brands and authorised operators
   * as records of their own naming their application (in the file or registered). An application
   * registered under the same number is changed; one equal to what is on file makes no new version.
   * Bad records are reported with their line and code; nothing is loaded unless `skipBad`.
   */
  async import(actor: Actor, body: unknown, format: RecordFormat, query: unknown): Promise<IprImportSummary> {
    requirePermission(actor, 'registry.write');
    const skipBad = parseInput(importQuerySchema, query ?? {}, 'VIGIL_QUERY_INVALID').skipBad === 'true';
    const file = readRecords(body, format);
    const errors: FieldError[] = [...file.errors];
    const applications = new Map<string, { record: FileRecord; value: IprApplicationFacts }>();
    const parts: {
      record: FileRecord;
      at: string;
      where: string;
      application: string;
      brand?: IprBrand;
      authorised?: IprAuthorised;
    }[] = [];
    const counts: Record<ImportKind, number> = { application: 0, brand: 0, authorised: 0 };
    for await (const item of recordsInSlices(file.records, IPR_IMPORT_RECORDS, 'application', 'register')) {
      if ('error' in item) {
        errors.push(item.error);
        continue;
      }
      const { record: r, kind, fields, at, where } = item;
      // The record read with its kind's schema, then checked; undefined (its errors noted) when bad.
      const read = <I, V>(
        schema: z.ZodType<I>,
        check: (input: I) => { value: V; errors: FieldError[] },
      ): { input: I; value: V } | undefined => {
        const parsed = parseRecord(schema, fields, kind, at, where);
        const checked = parsed.ok ? check(parsed.value) : undefined;
        if (!parsed.ok || checked === undefined || checked.errors.length > 0) {
          errors.push(...(parsed.ok ? (checked?.errors ?? []) : parsed.errors));
          return undefined;
        }
        return { input: parsed.value, value: checked.value };
      };
      if (kind === 'application') {
        const a = read(applicationInputSchema, (i) => applicationRecord(i, at, where));
        const first = a === undefined ? undefined : applications.get(a.value.number);
        if (a !== undefined && first !== undefined) {
          errors.push({
            code: 'VIGIL_REGISTRY_DUPLICATE',
            path: at,
            message: `${where}application ${a.value.number} is also at ${whereIs(first.record)} of this file`,
          });
        } else if (a !== undefined) {
          applications.set(a.value.number, { record: r, value: a.value });
        }
      } else {
        const part =
          kind === 'brand'
            ? read(brandRecordSchema, (i) => brandOf(i, at, where))
            : read(authorisedRecordSchema, (i) => authorisedOf(i, at, where));
        if (part !== undefined) {
          parts.push({
            record: r,
            at,
            where,
            application: part.input.application.toUpperCase(),
            ...(kind === 'brand'
              ? { brand: part.value as IprBrand }
              : { authorised: part.value as IprAuthorised }),
          });
        }
      }
    }
    const received = file.records.length + file.errors.filter((e) => e.path !== '$').length;
    const importId = `imp_${Buffer.from(this.#random(8)).toString('hex')}`;
    const now = this.#d.clock.now();
    const written = await this.#db(actor).transaction(async (tx) => {
      const named = [...new Set([...applications.keys(), ...parts.map((p) => p.application)])];
      const registered = new Map(
        (await this.#d.repo.lockByNumbers(tx, actor.authority, named)).map((a) => [a.number, a]),
      );
      // Brands and authorised operators join their application: the file's, else the registered one.
      const targets = new Map<string, IprApplicationFacts>([...applications].map(([n, a]) => [n, a.value]));
      const from = new Map<string, FileRecord[]>();
      for (const p of parts) {
        let target = targets.get(p.application);
        if (target === undefined) {
          const old = registered.get(p.application);
          if (old === undefined) {
            errors.push({
              code: 'VIGIL_IPR_APPLICATION_NOT_FOUND',
              path: `${p.at}.application`,
              message: `${p.where}application ${p.application} is neither in this file nor registered`,
            });
            continue;
          }
          const { version: _v, createdAt: _c, updatedAt: _u, ...facts } = old;
          target = facts;
        }
        if (p.brand !== undefined) {
          const brand = p.brand;
          target = {
            ...target,
            brands: [...target.brands.filter((b) => brandKey(b) !== brandKey(brand)), brand],
          };
          counts.brand++;
        } else if (p.authorised !== undefined) {
          const o = p.authorised;
          target = {
            ...target,
            authorised: [...target.authorised.filter((x) => authorisedKey(x) !== authorisedKey(o)), o],
          };
          counts.authorised++;
        }
        targets.set(p.application, target);
        from.set(p.application, [...(from.get(p.application) ?? []), p.record]);
      }
      for (const [n, t] of targets) {
        if (t.brands.length === 0) {
          const at = applications.get(n)?.record ?? from.get(n)?.[0];
          errors.push({
            code: 'VIGIL_IPR_APPLICATION_INVALID',
            path: at === undefined ? '$' : `$[${at.index}].brands`,
            message: `${at === undefined ? '' : `${whereIs(at)}: `}application ${n} protects no brand (give its brands, or brand records naming it)`,
          });
        }
      }
      errors.sort((a, b) => indexOfPath(a.path) - indexOfPath(b.path));
      if (errors.length > 0 && !skipBad) {
        throw new VigilError(
          'VIGIL_REGISTRY_IMPORT_INVALID',
          `${errors.length} record(s) of the file are bad; nothing was loaded (send ?skipBad=true to load the others)`,
          errors,
        );
      }
      const good = [...targets.values()].filter((t) => t.brands.length > 0);
      counts.application = [...applications.keys()].filter((n) => targets.get(n)!.brands.length > 0).length;
      const outcome = await this.#write(tx, actor, good, [...registered.values()], importId, now);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'registry.imported',
          subject: importId,
          at: now,
          details: {
            registry: 'ipr-applications',
            format,
            sha256: createHash('sha256')
              .update(typeof body === 'string' ? body : JSON.stringify(body))
              .digest('hex'),
            received,
            skipped: badRecords(errors),
            records: { ...counts, ...outcome },
          },
        },
      ]);
      return outcome;
    });
    this.#screens.delete(actor.authority);
    return {
      importId,
      format,
      received,
      loaded: counts.application + counts.brand + counts.authorised,
      skipped: badRecords(errors),
      records: counts,
      applications: written,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
      errorCount: errors.length,
    };
  }

  /** Creates or changes applications (by number), each change a new version with its history and audit. */
  async #write(
    tx: Queryable,
    actor: Actor,
    records: readonly IprApplicationFacts[],
    existing: readonly IprApplicationView[],
    importId: string | null,
    at: Date,
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const old = new Map(existing.map((a) => [a.number, a]));
    const rows: (IprApplicationFacts & { version: number; at: Date })[] = [];
    const versions: RegistryVersion[] = [];
    const audit: AuditEvent[] = [];
    const who = auditActor(actor);
    for (const r of records) {
      const was = old.get(r.number);
      if (was !== undefined) {
        const { version: _v, createdAt: _c, updatedAt: _u, ...facts } = was;
        if (isDeepStrictEqual(facts, r)) {
          counts.unchanged++;
          continue;
        }
      }
      const version = (was?.version ?? 0) + 1;
      const action = was === undefined ? 'created' : 'updated';
      counts[action]++;
      rows.push({ ...r, version, at });
      versions.push({
        registry: REGISTRY,
        recordId: r.number,
        subject: r.number,
        version,
        action,
        data: r,
        actor: who,
        at: at.toISOString(),
        importId,
      });
      if (importId === null) {
        audit.push({
          authority: actor.authority,
          actor: who,
          action: was === undefined ? 'registry.record-created' : 'registry.record-changed',
          subject: r.number,
          at,
          details: { registry: REGISTRY, version, rightHolder: r.rightHolder.name, brands: r.brands.length },
        });
      }
    }
    await this.#d.repo.upsert(tx, actor.authority, rows);
    await this.#d.history.appendVersions(tx, actor.authority, versions);
    await this.#d.audit?.stage(tx, audit);
    return counts;
  }
}

// ——— checking a record ———

function brandOf(input: BrandInput, at: string, where: string): { value: IprBrand; errors: FieldError[] } {
  const aliases = [...new Set((input.aliases ?? []).map((a) => a.trim()))].filter(
    (a) => a.toLowerCase() !== input.name.toLowerCase(),
  );
  const errors: FieldError[] = [];
  if (normalizeName(input.name).tokens.length === 0) {
    errors.push({
      code: 'VIGIL_IPR_APPLICATION_INVALID',
      path: `${at}.name`,
      message: `${where}'${input.name}' has no word descriptions could be matched on (only legal forms, filler words or marks)`,
    });
  }
  return { value: { name: input.name, registration: input.registration ?? null, aliases }, errors };
}

function authorisedOf(
  input: AuthorisedInput,
  at: string,
  where: string,
): { value: IprAuthorised; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const eori = input.eori === undefined ? null : normaliseEori(input.eori);
  if (eori !== null) {
    checkIdentifier(errors, `${at}.eori`, eori, where);
  }
  const country = input.country?.toUpperCase() ?? null;
  if (country !== null) {
    checkCountry(errors, `${at}.country`, country, where);
  }
  return { value: { role: input.role, eori, name: input.name ?? null, country }, errors };
}

function applicationRecord(
  input: ApplicationInput,
  at: string,
  where: string,
): { value: IprApplicationFacts; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const brands = new Map<string, IprBrand>();
  input.brands.forEach((b, i) => {
    const checked = brandOf(b, `${at}.brands[${i}]`, where);
    errors.push(...checked.errors);
    if (brands.has(brandKey(b))) {
      errors.push({
        code: 'VIGIL_IPR_APPLICATION_INVALID',
        path: `${at}.brands[${i}].name`,
        message: `${where}brand ${b.name} is listed twice`,
      });
    }
    brands.set(brandKey(b), checked.value);
  });
  const authorised = new Map<string, IprAuthorised>();
  input.authorised.forEach((o, i) => {
    const checked = authorisedOf(o, `${at}.authorised[${i}]`, where);
    errors.push(...checked.errors);
    authorised.set(authorisedKey(checked.value), checked.value);
  });
  checkValidity(errors, at, input, where);
  return {
    value: {
      number: input.number.toUpperCase(),
      kind: input.kind,
      rightHolder: {
        name: input.rightHolder,
        address: input.rightHolderAddress ?? null,
        contact: input.rightHolderContact ?? null,
      },
      brands: [...brands.values()],
      goods: [...new Set(input.goods ?? [])].sort(),
      authorised: [...authorised.values()],
      validFrom: input.validFrom,
      validUntil: input.validUntil ?? null,
      status: input.status,
    },
    errors,
  };
}
