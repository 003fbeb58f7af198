/**
 * The register of economic operators (EOS-like), per authority: operators by EORI, their AEO
 * authorisations (AEOC, AEOS, AEOF; valid, suspended or revoked from a day), mutual recognition
 * agreements with the flows and areas each covers, and the partner programmes' operators recognised
 * under them. Records are created, changed and imported (CSV, NDJSON, JSON: every bad record reported
 * with its line and code, nothing loaded unless the caller skips the bad ones); every change is a new
 * version in the record's history and an entry in the audit trail.
 *
 * Intake asks it which EORIs of a filing are not registered (a warning, never a refusal); the
 * assessment reads the AEO statuses through `operatorsOf` (operator-profile.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock, Filing } from '../domain/index.ts';
import { checkEori, dayOf, grantsInForce, isCountryCode, normaliseEori } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type {
  AeoView,
  MraView,
  OperatorView,
  PartnerView,
  RegistryVersion,
} from './operator-registry.repository.ts';
import type { OperatorRegistryRepository } from './operator-registry.repository.ts';
import {
  IMPORT_RECORDS,
  aeoInputSchema,
  importQuerySchema,
  listAeoQuerySchema,
  listOperatorsQuerySchema,
  listPartnersQuerySchema,
  mraInputSchema,
  operatorInputSchema,
  partnerInputSchema,
  partnerRecordSchema,
} from './operator-registry.schema.ts';
import type {
  AeoInput,
  ImportRecordKind,
  MraInput,
  OperatorInput,
  PartnerInput,
} from './operator-registry.schema.ts';
import {
  badRecords,
  indexOfPath,
  parseRecord,
  readRecords,
  recordsInSlices,
  whereIs,
} from './record-file.ts';
import type { FileRecord, RecordFormat } from './record-file.ts';

export interface OperatorRegistryDeps {
  readonly db: Database;
  readonly repo: OperatorRegistryRepository;
  readonly clock: Clock;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** An operator with its authorisations and the AEO status it holds today. */
export interface OperatorDetail {
  readonly operator: OperatorView;
  readonly authorisations: readonly AeoView[];
  readonly aeoToday: { readonly type: string; readonly authorisation: string } | null;
}

export interface RecordCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** What an import did: records read, loaded (created, updated or unchanged) and skipped as bad. */
export interface ImportSummary {
  readonly importId: string;
  readonly format: RecordFormat;
  readonly received: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly records: Readonly<Record<ImportRecordKind, RecordCounts>>;
  readonly errors: readonly FieldError[];
  readonly errorCount: number;
}

/** The records of one write, already checked. */
interface Changes {
  operators: Omit<OperatorView, 'version' | 'updatedAt'>[];
  aeo: Omit<AeoView, 'version' | 'updatedAt'>[];
  mras: Omit<MraView, 'version' | 'updatedAt'>[];
  partners: Omit<PartnerView, 'version' | 'updatedAt'>[];
}

const emptyChanges = (): Changes => ({ operators: [], aeo: [], mras: [], partners: [] });
const zeroCounts = (): RecordCounts => ({ created: 0, updated: 0, unchanged: 0 });

/** At most this many record errors are listed in an import's summary. */
const MAX_LISTED_ERRORS = 1000;

const cursorOf = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
function keyOfCursor(next: string | undefined): string | undefined {
  return next === undefined ? undefined : Buffer.from(next, 'base64url').toString('utf8');
}

function pageOf<T>(rows: readonly T[], limit: number, key: (t: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? cursorOf(key(items[items.length - 1]!)) : null };
}

/** Fields of a record, without what the register adds (version, time). */
function bare<T extends { version: number; updatedAt: string }>(v: T): Omit<T, 'version' | 'updatedAt'> {
  const { version: _v, updatedAt: _u, ...rest } = v;
  return rest;
}

/** Checks shared by every record: an identifier that is an EORI, a country, a validity that is not empty. */
export function checkValidity(
  errors: FieldError[],
  at: string,
  v: { readonly validFrom: string; readonly validUntil?: string | undefined },
  where: string,
): void {
  if (v.validUntil !== undefined && v.validUntil < v.validFrom) {
    errors.push({
      code: 'VIGIL_REGISTRY_VALIDITY_INVALID',
      path: `${at}.validUntil`,
      message: `${where}validUntil ${v.validUntil} is before validFrom ${v.validFrom}`,
    });
  }
}

export function checkIdentifier(errors: FieldError[], path: string, id: string, where: string): void {
  const problem = checkEori(id);
  if (problem !== undefined) {
    errors.push({ code: 'VIGIL_EORI_INVALID', path, message: `${where}'${id}': ${problem}` });
  }
}

export function checkCountry(errors: FieldError[], path: string, country: string, where: string): void {
  if (!isCountryCode(country)) {
    errors.push({
      code: 'VIGIL_COUNTRY_INVALID',
      path,
      message: `${where}'${country}' is not an ISO 3166-1 country code`,
    });
  }
}

export class OperatorRegistryService {
  readonly #d: OperatorRegistryDeps;

  constructor(deps: OperatorRegistryDeps) {
    this.#d = deps;
  }

  #db(actor: Actor): Database {
    return this.#d.db.forAuthority(actor.authority);
  }

  // ——— operators ———

  async listOperators(actor: Actor, query: unknown): Promise<Page<OperatorView>> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(listOperatorsQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const rows = await this.#d.repo.searchOperators(this.#db(actor), actor.authority, {
      q: q.q,
      country: q.country?.toUpperCase(),
      aeo: q.aeo === undefined ? undefined : q.aeo === 'true',
      after: keyOfCursor(q.next),
      limit: q.limit + 1,
    });
    return pageOf(rows, q.limit, (o) => o.eori);
  }

  async getOperator(actor: Actor, eori: string): Promise<OperatorDetail> {
    requirePermission(actor, 'registry.read');
    const id = normaliseEori(eori);
    const db = this.#db(actor);
    const [operator] = await this.#d.repo.operators(db, actor.authority, [id]);
    if (operator === undefined) {
      throw new VigilError('VIGIL_OPERATOR_NOT_FOUND', `no operator ${id} is registered`);
    }
    const authorisations = await this.#d.repo.searchAuthorisations(db, actor.authority, {
      eori: id,
      limit: 100,
    });
    const grants = (await this.#d.repo.grants(db, actor.authority, [id])).get(id) ?? [];
    const today = grantsInForce(grants, dayOf(this.#d.clock.now()))[0];
    return {
      operator,
      authorisations,
      aeoToday: today === undefined ? null : { type: today.type, authorisation: today.reference },
    };
  }

  async createOperator(actor: Actor, body: unknown): Promise<OperatorView> {
    requirePermission(actor, 'registry.write');
    const input = parseInput(operatorInputSchema, body);
    const record = this.#operatorRecord(input, '$', '');
    if (record.errors.length > 0) {
      throw invalid('VIGIL_OPERATOR_INVALID', record.errors);
    }
    return this.#writeOne(
      actor,
      'operator',
      record.value.eori,
      (c) => c.operators.push(record.value),
      'create',
    );
  }

  async updateOperator(actor: Actor, eori: string, body: unknown): Promise<OperatorView> {
    requirePermission(actor, 'registry.write');
    const input = parseInput(operatorInputSchema, body);
    const record = this.#operatorRecord(input, '$', '');
    if (record.value.eori !== normaliseEori(eori)) {
      record.errors.push({
        code: 'VIGIL_OPERATOR_INVALID',
        path: '$.eori',
        message: `the body names ${record.value.eori}, the path ${normaliseEori(eori)}: an EORI does not change`,
      });
    }
    if (record.errors.length > 0) {
      throw invalid('VIGIL_OPERATOR_INVALID', record.errors);
    }
    return this.#writeOne(
      actor,
      'operator',
      record.value.eori,
      (c) => c.operators.push(record.value),
      'update',
    );
  }

  async operatorHistory(actor: Actor, eori: string): Promise<{ items: RegistryVersion[] }> {
    requirePermission(actor, 'registry.read');
    const id = normaliseEori(eori);
    const db = this.#db(actor);
    const [operator] = await this.#d.repo.operators(db, actor.authority, [id]);
    if (operator === undefined) {
      throw new VigilError('VIGIL_OPERATOR_NOT_FOUND', `no operator ${id} is registered`);
    }
    return { items: await this.#d.repo.history(db, actor.authority, id, ['operator', 'aeo']) };
  }

  // ——— AEO authorisations ———

  async listAuthorisations(actor: Actor, query: unknown): Promise<Page<AeoView>> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(listAeoQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const rows = await this.#d.repo.searchAuthorisations(this.#db(actor), actor.authority, {
      eori: q.eori === undefined ? undefined : normaliseEori(q.eori),
      status: q.status,
      type: q.type,
      after: keyOfCursor(q.next),
      limit: q.limit + 1,
    });
    return pageOf(rows, q.limit, (a) => a.number);
  }

  async getAuthorisation(actor: Actor, number: string): Promise<AeoView> {
    requirePermission(actor, 'registry.read');
    const [a] = await this.#d.repo.authorisations(this.#db(actor), actor.authority, [
      number.trim().toUpperCase(),
    ]);
    if (a === undefined) {
      throw new VigilError('VIGIL_AEO_NOT_FOUND', `no AEO authorisation ${number} is registered`);
    }
    return a;
  }

  async createAuthorisation(actor: Actor, body: unknown): Promise<AeoView> {
    requirePermission(actor, 'registry.write');
    const record = this.#aeoRecord(parseInput(aeoInputSchema, body), '$', '');
    if (record.errors.length > 0) {
      throw invalid('VIGIL_AEO_INVALID', record.errors);
    }
    return this.#writeOne(actor, 'aeo', record.value.number, (c) => c.aeo.push(record.value), 'create');
  }

  async updateAuthorisation(actor: Actor, number: string, body: unknown): Promise<AeoView> {
    requirePermission(actor, 'registry.write');
    const record = this.#aeoRecord(parseInput(aeoInputSchema, body), '$', '');
    if (record.value.number !== number.trim().toUpperCase()) {
      record.errors.push({
        code: 'VIGIL_AEO_INVALID',
        path: '$.number',
        message: `the body names ${record.value.number}, the path ${number}: an authorisation number does not change`,
      });
    }
    if (record.errors.length > 0) {
      throw invalid('VIGIL_AEO_INVALID', record.errors);
    }
    return this.#writeOne(actor, 'aeo', record.value.number, (c) => c.aeo.push(record.value), 'update');
  }

  // ——— mutual recognition agreements and partners' operators ———

  async listMras(actor: Actor): Promise<{ items: MraView[] }> {
    requirePermission(actor, 'registry.read');
    return { items: await this.#d.repo.mras(this.#db(actor), actor.authority) };
  }

  async createMra(actor: Actor, body: unknown): Promise<MraView> {
    requirePermission(actor, 'registry.write');
    const record = this.#mraRecord(parseInput(mraInputSchema, body), '$', '');
    if (record.errors.length > 0) {
      throw invalid('VIGIL_MRA_INVALID', record.errors);
    }
    return this.#writeOne(actor, 'mra', record.value.id, (c) => c.mras.push(record.value), 'create');
  }

  async updateMra(actor: Actor, id: string, body: unknown): Promise<MraView> {
    requirePermission(actor, 'registry.write');
    const record = this.#mraRecord(parseInput(mraInputSchema, body), '$', '');
    if (record.value.id !== id) {
      record.errors.push({
        code: 'VIGIL_MRA_INVALID',
        path: '$.id',
        message: `the body names ${record.value.id}, the path ${id}: an agreement's id does not change`,
      });
    }
    if (record.errors.length > 0) {
      throw invalid('VIGIL_MRA_INVALID', record.errors);
    }
    return this.#writeOne(actor, 'mra', record.value.id, (c) => c.mras.push(record.value), 'update');
  }

  async listPartners(actor: Actor, mra: string, query: unknown): Promise<Page<PartnerView>> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(listPartnersQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const db = this.#db(actor);
    if ((await this.#d.repo.mras(db, actor.authority, [mra])).length === 0) {
      throw new VigilError('VIGIL_MRA_NOT_FOUND', `no mutual recognition agreement ${mra}`);
    }
    const rows = await this.#d.repo.partnersOf(db, actor.authority, mra, keyOfCursor(q.next), q.limit + 1);
    return pageOf(rows, q.limit, (p) => p.partnerId);
  }

  /** Registers or changes a partner programme's operator under an agreement. */
  async putPartner(
    actor: Actor,
    mra: string,
    partnerId: string,
    body: unknown,
  ): Promise<{ partner: PartnerView; created: boolean }> {
    requirePermission(actor, 'registry.write');
    const input = parseInput(partnerInputSchema, body);
    const record = this.#partnerRecord({ ...input, mra }, '$', '');
    if (record.value.partnerId !== normaliseEori(partnerId)) {
      record.errors.push({
        code: 'VIGIL_MRA_INVALID',
        path: '$.partnerId',
        message: `the body names ${record.value.partnerId}, the path ${partnerId}`,
      });
    }
    if (record.errors.length > 0) {
      throw invalid('VIGIL_MRA_INVALID', record.errors);
    }
    const existed =
      (await this.#d.repo.partners(this.#db(actor), actor.authority, [record.value.partnerId])).length > 0;
    const partner = await this.#writeOne(
      actor,
      'mra-partner',
      record.value.partnerId,
      (c) => c.partners.push(record.value),
      'upsert',
    );
    return { partner, created: !existed };
  }

  // ——— import ———

  /**
   * Imports a file of records (`record`: operator, aeo, mra or mra-partner; operator when absent).
   * Every bad record is reported with its place, line and code; without `skipBad` nothing is loaded
   * when one is bad. Records of one file are checked against each other (an authorisation may name an
   * operator the same file registers) and loaded in one transaction.
   */
  async import(actor: Actor, body: unknown, format: RecordFormat, query: unknown): Promise<ImportSummary> {
    requirePermission(actor, 'registry.write');
    const skipBad = parseInput(importQuerySchema, query ?? {}, 'VIGIL_QUERY_INVALID').skipBad === 'true';
    const file = readRecords(body, format);
    const errors: FieldError[] = [...file.errors];
    const changes = emptyChanges();
    const kinds: ImportRecordKind[] = [];
    const seen = new Map<string, FileRecord>();
    const good: { record: FileRecord; kind: ImportRecordKind; key: string }[] = [];
    for await (const item of recordsInSlices(file.records, IMPORT_RECORDS, 'operator', 'register')) {
      if ('error' in item) {
        errors.push(item.error);
        continue;
      }
      const { record: r, kind, fields, at, where } = item;
      const checked = this.#recordOf(kind, fields, at, where);
      if (checked.errors.length > 0) {
        errors.push(...checked.errors);
        continue;
      }
      const key = `${kind}/${checked.key}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          code: 'VIGIL_REGISTRY_DUPLICATE',
          path: at,
          message: `${where}${kind} ${checked.key} is also at ${whereIs(first)} of this file`,
        });
        continue;
      }
      seen.set(key, r);
      checked.add(changes);
      kinds.push(kind);
      good.push({ record: r, kind, key: checked.key });
    }
    const received = file.records.length + file.errors.filter((e) => e.path !== '$').length;
    const importId = `imp_${randomBytes(8).toString('hex')}`;
    const now = this.#d.clock.now();
    const counts = await this.#db(actor).transaction(async (tx) => {
      // References that neither the register nor this file holds: the records naming them are bad too.
      const missing = await this.#missingReferences(tx, actor.authority, changes);
      for (const g of good) {
        const ref =
          g.kind === 'aeo'
            ? changes.aeo.find((a) => a.number === g.key)
            : g.kind === 'mra-partner'
              ? changes.partners.find((p) => p.partnerId === g.key)
              : undefined;
        const problem =
          g.kind === 'aeo' && ref !== undefined && missing.operators.has((ref as { eori: string }).eori)
            ? ({
                code: 'VIGIL_OPERATOR_NOT_FOUND',
                field: 'eori',
                what: `operator ${(ref as { eori: string }).eori} is not registered (nor in this file)`,
              } as const)
            : g.kind === 'mra-partner' && ref !== undefined && missing.mras.has((ref as { mra: string }).mra)
              ? ({
                  code: 'VIGIL_MRA_NOT_FOUND',
                  field: 'mra',
                  what: `agreement ${(ref as { mra: string }).mra} is not registered (nor in this file)`,
                } as const)
              : undefined;
        if (problem !== undefined) {
          errors.push({
            code: problem.code,
            path: `$[${g.record.index}].${problem.field}`,
            message: `${whereIs(g.record)}: ${problem.what}`,
          });
          dropFrom(changes, g.kind, g.key);
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
      const written = await this.#apply(tx, actor, changes, importId, now);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'registry.imported',
          subject: importId,
          at: now,
          details: {
            registry: 'operators',
            format,
            sha256: createHash('sha256')
              .update(typeof body === 'string' ? body : JSON.stringify(body))
              .digest('hex'),
            received,
            skipped: badRecords(errors),
            records: written as unknown as Record<string, unknown>,
          },
        },
      ]);
      return written;
    });
    const loaded = Object.values(counts).reduce((n, c) => n + c.created + c.updated + c.unchanged, 0);
    return {
      importId,
      format,
      received,
      loaded,
      skipped: badRecords(errors),
      records: counts,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
      errorCount: errors.length,
    };
  }

  // ——— for intake ———

  /**
   * Warnings for the filings being registered: every identification number a filing names that the
   * register does not know at the filing's date (VIGIL_EORI_NOT_REGISTERED, with its path). Nothing
   * when the authority keeps no register. One statement for the whole batch.
   */
  async unregisteredWarnings(
    tx: Queryable,
    authority: string,
    filings: readonly { readonly filing: Filing; readonly at: Date }[],
  ): Promise<FieldError[][]> {
    const named = filings.map(({ filing }) => eorisOf(filing));
    const byDay = new Map<string, string[]>();
    filings.forEach(({ at }, i) => {
      const day = dayOf(at);
      byDay.set(day, [...(byDay.get(day) ?? []), ...named[i]!.map((n) => n.eori)]);
    });
    const unknown = new Map<string, Set<string>>();
    for (const [day, ids] of byDay) {
      unknown.set(day, await this.#d.repo.unregistered(tx, authority, ids, day));
    }
    return filings.map(({ at }, i) => {
      const missing = unknown.get(dayOf(at))!;
      return named[i]!.filter((n) => missing.has(n.eori)).map((n) => ({
        code: 'VIGIL_EORI_NOT_REGISTERED' as const,
        path: n.path,
        message: `${n.eori} is not in the register of operators on ${dayOf(at)} (nor a partner programme's operator); the filing is registered`,
      }));
    });
  }

  // ——— internals ———

  #recordOf(
    kind: ImportRecordKind,
    fields: Record<string, unknown>,
    at: string,
    where: string,
  ): { errors: FieldError[]; key: string; add: (c: Changes) => void } {
    const parse = <T>(schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; errors: FieldError[] } =>
      parseRecord(schema, fields, kind, at, where);
    switch (kind) {
      case 'operator': {
        const p = parse<OperatorInput>(operatorInputSchema);
        if (!p.ok) {
          return { errors: p.errors, key: '', add: () => undefined };
        }
        const r = this.#operatorRecord(p.value, at, where);
        return { errors: r.errors, key: r.value.eori, add: (c) => c.operators.push(r.value) };
      }
      case 'aeo': {
        const p = parse<AeoInput>(aeoInputSchema);
        if (!p.ok) {
          return { errors: p.errors, key: '', add: () => undefined };
        }
        const r = this.#aeoRecord(p.value, at, where);
        return { errors: r.errors, key: r.value.number, add: (c) => c.aeo.push(r.value) };
      }
      case 'mra': {
        const p = parse<MraInput>(mraInputSchema);
        if (!p.ok) {
          return { errors: p.errors, key: '', add: () => undefined };
        }
        const r = this.#mraRecord(p.value, at, where);
        return { errors: r.errors, key: r.value.id, add: (c) => c.mras.push(r.value) };
      }
      case 'mra-partner': {
        const p = parse<PartnerInput & { mra: string }>(partnerRecordSchema);
        if (!p.ok) {
          return { errors: p.errors, key: '', add: () => undefined };
        }
        const r = this.#partnerRecord(p.value, at, where);
        return { errors: r.errors, key: r.value.partnerId, add: (c) => c.partners.push(r.value) };
      }
    }
  }

  #operatorRecord(
    input: OperatorInput,
    at: string,
    where: string,
  ): { value: Changes['operators'][number]; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const eori = normaliseEori(input.eori);
    checkIdentifier(errors, `${at}.eori`, eori, where);
    const country = input.country.toUpperCase();
    checkCountry(errors, `${at}.country`, country, where);
    checkValidity(errors, at, input, where);
    return {
      value: {
        eori,
        name: input.name,
        street: input.street ?? null,
        city: input.city ?? null,
        postcode: input.postcode ?? null,
        country,
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      },
      errors,
    };
  }

  #aeoRecord(
    input: AeoInput,
    at: string,
    where: string,
  ): { value: Changes['aeo'][number]; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const eori = normaliseEori(input.eori);
    checkIdentifier(errors, `${at}.eori`, eori, where);
    checkValidity(errors, at, input, where);
    return {
      value: {
        number: input.number.toUpperCase(),
        eori,
        type: input.type,
        status: input.status,
        statusFrom: this.#statusFrom(input),
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      },
      errors,
    };
  }

  #mraRecord(
    input: MraInput,
    at: string,
    where: string,
  ): { value: Changes['mras'][number]; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const country = input.partnerCountry.toUpperCase();
    checkCountry(errors, `${at}.partnerCountry`, country, where);
    checkValidity(errors, at, input, where);
    return {
      value: {
        id: input.id,
        partnerCountry: country,
        programme: input.programme,
        covers: [...new Set(input.covers)].sort(),
        flows: [...new Set(input.flows)].sort(),
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      },
      errors,
    };
  }

  #partnerRecord(
    input: PartnerInput & { mra: string },
    at: string,
    where: string,
  ): { value: Changes['partners'][number]; errors: FieldError[] } {
    const errors: FieldError[] = [];
    // Matched against the identification number a filing gives its parties, which is checked as an EORI.
    const partnerId = normaliseEori(input.partnerId);
    checkIdentifier(errors, `${at}.partnerId`, partnerId, where);
    checkValidity(errors, at, input, where);
    return {
      value: {
        partnerId,
        mra: input.mra,
        name: input.name,
        status: input.status,
        statusFrom: this.#statusFrom(input),
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      },
      errors,
    };
  }

  /** A valid record's status runs from its validity; a suspension or revocation from today unless dated. */
  #statusFrom(input: { status: string; statusFrom?: string | undefined; validFrom: string }): string {
    return input.statusFrom ?? (input.status === 'valid' ? input.validFrom : dayOf(this.#d.clock.now()));
  }

  async #missingReferences(
    tx: Queryable,
    authority: string,
    c: Changes,
  ): Promise<{ operators: Set<string>; mras: Set<string> }> {
    const wantedOperators = [...new Set(c.aeo.map((a) => a.eori))].filter(
      (e) => !c.operators.some((o) => o.eori === e),
    );
    const wantedMras = [...new Set(c.partners.map((p) => p.mra))].filter(
      (m) => !c.mras.some((x) => x.id === m),
    );
    const operators = new Set(wantedOperators);
    for (const o of await this.#d.repo.operators(tx, authority, wantedOperators)) {
      operators.delete(o.eori);
    }
    const mras = new Set(wantedMras);
    if (wantedMras.length > 0) {
      for (const m of await this.#d.repo.mras(tx, authority, wantedMras)) {
        mras.delete(m.id);
      }
    }
    return { operators, mras };
  }

  /** One record, created, changed or either: checked, written, versioned and audited in one transaction. */
  async #writeOne<K extends 'operator' | 'aeo' | 'mra' | 'mra-partner'>(
    actor: Actor,
    kind: K,
    key: string,
    add: (c: Changes) => void,
    mode: 'create' | 'update' | 'upsert',
  ): Promise<
    K extends 'operator' ? OperatorView : K extends 'aeo' ? AeoView : K extends 'mra' ? MraView : PartnerView
  > {
    const changes = emptyChanges();
    add(changes);
    const now = this.#d.clock.now();
    const notFound: Record<ImportRecordKind, ErrorCode> = {
      operator: 'VIGIL_OPERATOR_NOT_FOUND',
      aeo: 'VIGIL_AEO_NOT_FOUND',
      mra: 'VIGIL_MRA_NOT_FOUND',
      'mra-partner': 'VIGIL_MRA_NOT_FOUND',
    };
    return this.#db(actor).transaction(async (tx) => {
      const existing = await this.#existing(tx, actor.authority, kind, [key]);
      if (mode === 'create' && existing.size > 0) {
        throw new VigilError('VIGIL_CONFLICT', `${kind} ${key} is already registered (change it with PUT)`);
      }
      if (mode === 'update' && existing.size === 0) {
        throw new VigilError(notFound[kind], `no ${kind} ${key} is registered`);
      }
      const missing = await this.#missingReferences(tx, actor.authority, changes);
      if (missing.operators.size > 0) {
        throw invalid('VIGIL_AEO_INVALID', [
          {
            code: 'VIGIL_OPERATOR_NOT_FOUND',
            path: '$.eori',
            message: `operator ${[...missing.operators][0]!} is not registered: register it first`,
          },
        ]);
      }
      if (missing.mras.size > 0) {
        throw new VigilError(
          'VIGIL_MRA_NOT_FOUND',
          `no mutual recognition agreement ${[...missing.mras][0]!}`,
        );
      }
      await this.#apply(tx, actor, changes, null, now);
      const after = await this.#existing(tx, actor.authority, kind, [key]);
      return after.get(key) as never;
    });
  }

  async #existing(
    tx: Queryable,
    authority: string,
    kind: ImportRecordKind,
    keys: readonly string[],
  ): Promise<Map<string, OperatorView | AeoView | MraView | PartnerView>> {
    const repo = this.#d.repo;
    const rows: (OperatorView | AeoView | MraView | PartnerView)[] =
      kind === 'operator'
        ? await repo.operators(tx, authority, keys)
        : kind === 'aeo'
          ? await repo.authorisations(tx, authority, keys)
          : kind === 'mra'
            ? keys.length === 0
              ? []
              : await repo.mras(tx, authority, keys)
            : await repo.partners(tx, authority, keys);
    return new Map(rows.map((r) => [keyOf(kind, r), r]));
  }

  /**
   * Writes the records that change (a record equal to the one on file is left as it is), each as a
   * new version, with one statement per kind; agreements before their partners, operators before
   * their authorisations.
   */
  async #apply(
    tx: Queryable,
    actor: Actor,
    c: Changes,
    importId: string | null,
    at: Date,
  ): Promise<Record<ImportRecordKind, RecordCounts>> {
    const counts: Record<ImportRecordKind, RecordCounts> = {
      operator: zeroCounts(),
      aeo: zeroCounts(),
      mra: zeroCounts(),
      'mra-partner': zeroCounts(),
    };
    const versions: RegistryVersion[] = [];
    const audit: AuditEvent[] = [];
    const who = auditActor(actor);
    const plan = async <T extends { version: number; updatedAt: string }>(
      kind: ImportRecordKind,
      records: readonly Omit<T, 'version' | 'updatedAt'>[],
      subjectOf: (r: Omit<T, 'version' | 'updatedAt'>) => string,
    ): Promise<(Omit<T, 'updatedAt'> & { at: Date })[]> => {
      const keys = records.map((r) => keyOf(kind, r));
      const existing = await this.#existing(tx, actor.authority, kind, keys);
      const out: (Omit<T, 'updatedAt'> & { at: Date })[] = [];
      for (const r of records) {
        const key = keyOf(kind, r);
        const old = existing.get(key) as T | undefined;
        if (old !== undefined && isDeepStrictEqual(bare(old), r)) {
          counts[kind].unchanged++;
          continue;
        }
        const version = (old?.version ?? 0) + 1;
        counts[kind][old === undefined ? 'created' : 'updated']++;
        out.push({ ...r, version, at } as Omit<T, 'updatedAt'> & { at: Date });
        const action = old === undefined ? 'created' : 'updated';
        versions.push({
          registry: kind,
          recordId: key,
          subject: subjectOf(r),
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
            action: old === undefined ? 'registry.record-created' : 'registry.record-changed',
            subject: key,
            at,
            details: {
              registry: kind,
              version,
              ...(old === undefined ? {} : { changed: changedFields(bare(old), r) }),
            },
          });
        }
      }
      return out;
    };
    const repo = this.#d.repo;
    await repo.upsertMras(tx, actor.authority, await plan<MraView>('mra', c.mras, (m) => m.id));
    await repo.upsertPartners(
      tx,
      actor.authority,
      await plan<PartnerView>('mra-partner', c.partners, (p) => p.partnerId),
    );
    await repo.upsertOperators(
      tx,
      actor.authority,
      await plan<OperatorView>('operator', c.operators, (o) => o.eori),
    );
    await repo.upsertAuthorisations(tx, actor.authority, await plan<AeoView>('aeo', c.aeo, (a) => a.eori));
    await repo.appendVersions(tx, actor.authority, versions);
    await this.#d.audit?.stage(tx, audit);
    return counts;
  }
}

function keyOf(kind: ImportRecordKind, r: object): string {
  const x = r as { eori?: string; number?: string; id?: string; partnerId?: string };
  return (
    (kind === 'operator' ? x.eori : kind === 'aeo' ? x.number : kind === 'mra' ? x.id : x.partnerId) ?? ''
  );
}

function dropFrom(c: Changes, kind: ImportRecordKind, key: string): void {
  if (kind === 'aeo') {
    c.aeo = c.aeo.filter((a) => a.number !== key);
  } else if (kind === 'mra-partner') {
    c.partners = c.partners.filter((p) => p.partnerId !== key);
  }
}

function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !isDeepStrictEqual(a[k], b[k]))
    .sort();
}

function invalid(code: ErrorCode, errors: FieldError[]): VigilError {
  return new VigilError(code, `the record has ${errors.length} error(s)`, errors);
}

/** Every identification number a filing names, with where. */
export function eorisOf(filing: Filing): { eori: string; path: string }[] {
  const out: { eori: string; path: string }[] = [];
  const add = (eori: string | undefined, path: string): void => {
    if (eori !== undefined && eori !== '') {
      out.push({ eori, path });
    }
  };
  add(filing.declarant.eori, '$.declarant.eori');
  add(filing.representative?.eori, '$.representative.eori');
  add(filing.carrier?.eori, '$.carrier.eori');
  filing.consignments.forEach((c, i) => {
    const at = `$.consignments[${i}]`;
    for (const role of [
      'consignor',
      'consignee',
      'notifyParty',
      'buyer',
      'seller',
      'supplementaryDeclarant',
    ] as const) {
      add(c[role]?.eori, `${at}.${role}.eori`);
    }
    c.additionalSupplyChainActors?.forEach((a, k) =>
      add(a.eori, `${at}.additionalSupplyChainActors[${k}].eori`),
    );
  });
  return out;
}
