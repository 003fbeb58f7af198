/**
 * The registry of certificates and licences of other authorities (CERTEX-like), per authority:
 * certificates (CITES permits, FLEGT licences, health entry documents, dual-use licences …) with the
 * goods, origin, holder, quantity and validity they cover, and the measures that require one for goods
 * and origin. Records are created, changed and imported like the register of operators (history,
 * audit, row-by-row import errors).
 *
 * Goods items cite a certificate as a supporting document (its code and number, the quantity they use).
 * The write-off happens when the filing is stored, in the registration's own transaction: each
 * citation is checked (exists, valid on the day, covers the goods, origin and holder, unit) and its
 * quantity taken with one conditional UPDATE under the certificate's row lock, so concurrent filings
 * never take more than is left and a filing whose transaction rolls back takes nothing. A citation
 * that fails is recorded as refused, with its code, and changes nothing; the filing is registered
 * with a warning and its assessment gets an explained hit. An amendment gives back what the earlier
 * version wrote off and writes off the new one's; an invalidation gives everything back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock, Filing } from '../domain/index.ts';
import { checkEori, dayOf, isCountryCode, normaliseEori } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import {
  badRecords,
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
import { countryGroups } from '../risk/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import {
  CERTIFICATE_TYPES,
  certificateHits,
  citationKey,
  citationProblem,
  citationsOf,
} from './certificate-check.ts';
import type { CertificateHit, CertificateRequirement, CitationResult } from './certificate-check.ts';
import type {
  CertificateRepository,
  CertificateUse,
  CertificateView,
  RequirementView,
} from './certificate.repository.ts';
import {
  certificateInputSchema,
  listCertificatesQuerySchema,
  requirementInputSchema,
  usageQuerySchema,
} from './certificate.schema.ts';
import type { CertificateInput, RequirementInput } from './certificate.schema.ts';

export interface CertificateServiceDeps {
  readonly db: Database;
  readonly repo: CertificateRepository;
  /** Where the history of every registry is kept (registry_version). */
  readonly history: OperatorRegistryRepository;
  readonly clock: Clock;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  readonly random?: ((n: number) => Uint8Array) | undefined;
  /** How long the measures read for the assessment are taken as read (default 1 s). */
  readonly requirementsCheckEveryMs?: number | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** A filing version as registration and the assessment hand it over. */
export interface FilingVersion {
  readonly mrn: string;
  readonly version: number;
  readonly filing: Filing;
  readonly at: Date;
}

export const CERTIFICATE_IMPORT_RECORDS = ['certificate', 'requirement'] as const;
type ImportKind = (typeof CERTIFICATE_IMPORT_RECORDS)[number];

export interface CertificateImportSummary {
  readonly importId: string;
  readonly format: RecordFormat;
  readonly received: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly records: Readonly<Record<ImportKind, { created: number; updated: number; unchanged: number }>>;
  readonly errors: readonly FieldError[];
  readonly errorCount: number;
}

type CertificateRecord = Omit<CertificateView, 'id' | 'remaining' | 'version' | 'createdAt' | 'updatedAt'>;
type RequirementRecord = Omit<RequirementView, 'version' | 'updatedAt'>;

const MAX_LISTED_ERRORS = 1000;

const cursorOf = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
function valueOfCursor<T>(next: string | undefined): T | undefined {
  if (next === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as T;
  } catch {
    throw new VigilError('VIGIL_QUERY_INVALID', `'next' cursor '${next}' is not one this server issued`);
  }
}

const pathOf = (c: { consignment: number; item: number; document: number }): string =>
  `$.consignments[${c.consignment}].goods[${c.item}].supportingDocuments[${c.document}]`;

function invalid(code: ErrorCode, errors: FieldError[]): VigilError {
  return new VigilError(code, `the record has ${errors.length} error(s)`, errors);
}

export class CertificateService {
  readonly #d: CertificateServiceDeps;
  readonly #random: (n: number) => Uint8Array;
  readonly #requirements = new Map<
    string,
    { checkedAt: number; stamp: string; list: CertificateRequirement[] }
  >();

  constructor(deps: CertificateServiceDeps) {
    this.#d = deps;
    this.#random = deps.random ?? randomBytes;
  }

  #db(actor: Actor): Database {
    return this.#d.db.forAuthority(actor.authority);
  }

  // ——— certificates ———

  async list(actor: Actor, query: unknown): Promise<Page<CertificateView>> {
    requirePermission(actor, 'registry.read');
    const q = parseInput(listCertificatesQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const rows = await this.#d.repo.search(this.#db(actor), actor.authority, {
      type: q.type,
      number: q.number,
      holder: q.holder === undefined ? undefined : normaliseEori(q.holder),
      goodsCode: q.goodsCode,
      status: q.status,
      after: valueOfCursor<string>(q.next),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    return { items, next: rows.length > q.limit ? cursorOf(items[items.length - 1]!.id) : null };
  }

  async get(actor: Actor, id: string): Promise<CertificateView> {
    requirePermission(actor, 'registry.read');
    const [c] = await this.#d.repo.byIds(this.#db(actor), actor.authority, [id]);
    if (c === undefined) {
      throw new VigilError('VIGIL_CERTIFICATE_NOT_FOUND', `no certificate ${id} is registered`);
    }
    return c;
  }

  async create(actor: Actor, body: unknown): Promise<CertificateView> {
    requirePermission(actor, 'registry.write');
    const record = this.#certificateRecord(parseInput(certificateInputSchema, body), '$', '');
    if (record.errors.length > 0) {
      throw invalid('VIGIL_CERTIFICATE_INVALID', record.errors);
    }
    const now = this.#d.clock.now();
    return this.#db(actor).transaction(async (tx) => {
      const existing = await this.#d.repo.byCitation(
        tx,
        actor.authority,
        record.value.documentCode,
        record.value.number,
      );
      if (existing !== undefined) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `certificate ${record.value.documentCode} ${record.value.number} is already registered as ${existing.id} (change it with PUT)`,
        );
      }
      const [id] = await this.#writeCertificates(tx, actor, [record.value], null, now);
      return (await this.#d.repo.byIds(tx, actor.authority, [id!.id]))[0]!;
    });
  }

  async update(actor: Actor, id: string, body: unknown): Promise<CertificateView> {
    requirePermission(actor, 'registry.write');
    const record = this.#certificateRecord(parseInput(certificateInputSchema, body), '$', '');
    if (record.errors.length > 0) {
      throw invalid('VIGIL_CERTIFICATE_INVALID', record.errors);
    }
    const now = this.#d.clock.now();
    return this.#db(actor).transaction(async (tx) => {
      await this.#d.repo.lockByIds(tx, actor.authority, [id]);
      const [old] = await this.#d.repo.byIds(tx, actor.authority, [id]);
      if (old === undefined) {
        throw new VigilError('VIGIL_CERTIFICATE_NOT_FOUND', `no certificate ${id} is registered`);
      }
      const fixed = (['type', 'documentCode', 'number'] as const).filter((k) => old[k] !== record.value[k]);
      if (fixed.length > 0) {
        throw invalid(
          'VIGIL_CERTIFICATE_INVALID',
          fixed.map((k) => ({
            code: 'VIGIL_CERTIFICATE_INVALID',
            path: `$.${k}`,
            message: `${k} is ${String(old[k])} and does not change: goods items cite the certificate by it`,
          })),
        );
      }
      await this.#writeCertificates(tx, actor, [record.value], null, now);
      return (await this.#d.repo.byIds(tx, actor.authority, [id]))[0]!;
    });
  }

  async history(actor: Actor, id: string): Promise<{ items: RegistryVersion[] }> {
    await this.get(actor, id);
    return { items: await this.#d.history.history(this.#db(actor), actor.authority, id, ['certificate']) };
  }

  /** Which filings cited the certificate, for how much, and what came of it. */
  async usage(
    actor: Actor,
    id: string,
    query: unknown,
  ): Promise<Page<CertificateUse> & { certificate: CertificateView }> {
    const certificate = await this.get(actor, id);
    const q = parseInput(usageQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const rows = await this.#d.repo.usesOf(
      this.#db(actor),
      actor.authority,
      id,
      valueOfCursor<{ usedAt: string; key: string }>(q.next),
      q.limit + 1,
    );
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      certificate,
      items,
      next:
        rows.length > q.limit && last !== undefined
          ? cursorOf({
              usedAt: last.usedAt,
              key: `${last.mrn}/${last.version}/${last.consignment}/${last.item}/${last.document}`,
            })
          : null,
    };
  }

  // ——— measures that require a certificate ———

  async listRequirements(actor: Actor): Promise<{ items: RequirementView[] }> {
    requirePermission(actor, 'registry.read');
    return { items: await this.#d.repo.requirements(this.#db(actor), actor.authority) };
  }

  async putRequirement(
    actor: Actor,
    id: string | undefined,
    body: unknown,
  ): Promise<{ requirement: RequirementView; created: boolean }> {
    requirePermission(actor, 'registry.write');
    const record = this.#requirementRecord(parseInput(requirementInputSchema, body), '$', '');
    if (id !== undefined && record.value.id !== id) {
      record.errors.push({
        code: 'VIGIL_CERTIFICATE_REQUIREMENT_INVALID',
        path: '$.id',
        message: `the body names ${record.value.id}, the path ${id}: a measure's id does not change`,
      });
    }
    if (record.errors.length > 0) {
      throw invalid('VIGIL_CERTIFICATE_REQUIREMENT_INVALID', record.errors);
    }
    const now = this.#d.clock.now();
    const out = await this.#db(actor).transaction(async (tx) => {
      const [old] = await this.#d.repo.requirements(tx, actor.authority, [record.value.id]);
      if (id === undefined && old !== undefined) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `measure ${record.value.id} already exists (change it with PUT)`,
        );
      }
      if (id !== undefined && old === undefined) {
        throw new VigilError('VIGIL_CERTIFICATE_REQUIREMENT_NOT_FOUND', `no measure ${id}`);
      }
      await this.#writeRequirements(tx, actor, [record.value], null, now);
      return {
        requirement: (await this.#d.repo.requirements(tx, actor.authority, [record.value.id]))[0]!,
        created: old === undefined,
      };
    });
    this.#requirements.delete(actor.authority);
    return out;
  }

  // ——— import ———

  /**
   * Imports certificates (`record`: certificate, the default) and measures (`record`: requirement);
   * a certificate already registered under its code and number is changed. Bad records are reported
   * with their line and code; nothing is loaded unless `skipBad`.
   */
  async import(
    actor: Actor,
    body: unknown,
    format: RecordFormat,
    query: unknown,
  ): Promise<CertificateImportSummary> {
    requirePermission(actor, 'registry.write');
    const skipBad = parseInput(importQuerySchema, query ?? {}, 'VIGIL_QUERY_INVALID').skipBad === 'true';
    const file = readRecords(body, format);
    const errors: FieldError[] = [...file.errors];
    const certificates: { record: FileRecord; value: CertificateRecord }[] = [];
    const requirements: RequirementRecord[] = [];
    const seen = new Map<string, FileRecord>();
    for await (const item of recordsInSlices(
      file.records,
      CERTIFICATE_IMPORT_RECORDS,
      'certificate',
      'registry',
    )) {
      if ('error' in item) {
        errors.push(item.error);
        continue;
      }
      const { record: r, kind, fields, at, where } = item;
      const parsed =
        kind === 'certificate'
          ? parseRecord(certificateInputSchema, fields, kind, at, where)
          : parseRecord(requirementInputSchema, fields, kind, at, where);
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        continue;
      }
      const checked =
        kind === 'certificate'
          ? this.#certificateRecord(parsed.value as CertificateInput, at, where)
          : this.#requirementRecord(parsed.value as RequirementInput, at, where);
      if (checked.errors.length > 0) {
        errors.push(...checked.errors);
        continue;
      }
      const key =
        kind === 'certificate'
          ? `certificate/${citationKey((checked.value as CertificateRecord).documentCode, (checked.value as CertificateRecord).number)}`
          : `requirement/${(checked.value as RequirementRecord).id}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          code: 'VIGIL_REGISTRY_DUPLICATE',
          path: at,
          message: `${where}${key} is also at ${whereIs(first)} of this file`,
        });
        continue;
      }
      seen.set(key, r);
      if (kind === 'certificate') {
        certificates.push({ record: r, value: checked.value as CertificateRecord });
      } else {
        requirements.push(checked.value as RequirementRecord);
      }
    }
    const received = file.records.length + file.errors.filter((e) => e.path !== '$').length;
    const importId = `imp_${Buffer.from(this.#random(8)).toString('hex')}`;
    const now = this.#d.clock.now();
    const counts = await this.#db(actor).transaction(async (tx) => {
      // A change that would leave less than has been written off is a bad record too.
      const written = await this.#writeCertificates(
        tx,
        actor,
        certificates.map((c) => c.value),
        importId,
        now,
        (i, e) =>
          errors.push({
            ...e,
            path: `$[${certificates[i]!.record.index}].quantity`,
            message: `${whereIs(certificates[i]!.record)}: ${e.message}`,
          }),
      );
      errors.sort((a, b) => indexOfPath(a.path) - indexOfPath(b.path));
      if (errors.length > 0 && !skipBad) {
        throw new VigilError(
          'VIGIL_REGISTRY_IMPORT_INVALID',
          `${errors.length} record(s) of the file are bad; nothing was loaded (send ?skipBad=true to load the others)`,
          errors,
        );
      }
      const req = await this.#writeRequirements(tx, actor, requirements, importId, now);
      const cert = { created: 0, updated: 0, unchanged: 0 };
      for (const w of written) {
        cert[w.outcome]++;
      }
      const result = { certificate: cert, requirement: req };
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'registry.imported',
          subject: importId,
          at: now,
          details: {
            registry: 'certificates',
            format,
            sha256: createHash('sha256')
              .update(typeof body === 'string' ? body : JSON.stringify(body))
              .digest('hex'),
            received,
            skipped: badRecords(errors),
            records: result as unknown as Record<string, unknown>,
          },
        },
      ]);
      return result;
    });
    if (requirements.length > 0) {
      this.#requirements.delete(actor.authority);
    }
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

  // ——— registration, amendment, invalidation (intake's transaction) ———

  /**
   * Writes off what the goods items of these just-stored filings cite, in the registration's
   * transaction; the warnings of each filing whose citations were refused, by MRN. Nothing is read
   * when no goods item cites a certificate.
   */
  async writeOff(
    tx: Queryable,
    authority: string,
    versions: readonly FilingVersion[],
  ): Promise<Map<string, FieldError[]>> {
    const cites = versions.flatMap((v) => citationsOf(v.filing).map((c) => ({ ...c, v })));
    const warnings = new Map<string, FieldError[]>();
    if (cites.length === 0) {
      return warnings;
    }
    const keys = [...new Map(cites.map((c) => [citationKey(c.documentCode, c.number), c])).values()];
    const certs = await this.#d.repo.lockByCitation(tx, authority, keys);
    const byKey = new Map(certs.map((c) => [citationKey(c.documentCode, c.number), c]));
    // What is left, as this transaction sees it under the rows' locks.
    const left = new Map(certs.map((c) => [c.id, c.remaining]));
    const uses: (Omit<CertificateUse, 'usedAt' | 'releasedAt'> & { at: Date })[] = [];
    for (const c of cites) {
      const cert = byKey.get(citationKey(c.documentCode, c.number));
      let problem = citationProblem(cert, c, dayOf(c.v.at));
      let status: CertificateUse['status'] = 'written-off';
      if (problem === undefined && cert !== undefined && cert.quantity !== null) {
        const asked = c.quantity!;
        const remaining = await this.#d.repo.writeOff(tx, authority, cert.id, asked);
        if (remaining === undefined) {
          problem = {
            code: 'VIGIL_CERTIFICATE_EXHAUSTED',
            message: `certificate ${c.documentCode} ${c.number} has ${left.get(cert.id) ?? 0} ${cert.unit ?? ''} left; the goods item uses ${asked}: nothing was written off`,
          };
        } else {
          left.set(cert.id, remaining);
        }
      }
      if (problem !== undefined) {
        status = 'refused';
        warnings.set(c.v.mrn, [
          ...(warnings.get(c.v.mrn) ?? []),
          { code: problem.code, path: pathOf(c), message: problem.message },
        ]);
      }
      uses.push({
        mrn: c.v.mrn,
        version: c.v.version,
        consignment: c.consignment,
        item: c.item,
        document: c.document,
        documentCode: c.documentCode,
        number: c.number,
        certificateId: cert?.id ?? null,
        // What was taken: nothing from a certificate without a quantity, nor by a refused citation.
        quantity: status === 'written-off' && cert?.quantity !== null ? (c.quantity ?? null) : null,
        unit: c.unit ?? cert?.unit ?? null,
        status,
        code: problem?.code ?? null,
        message:
          problem?.message ??
          (cert?.quantity !== null && cert !== undefined
            ? `${c.quantity} ${cert.unit ?? ''} written off; ${left.get(cert.id)} left`
            : 'cited; the certificate has no quantity to write off'),
        at: c.v.at,
      });
    }
    await this.#d.repo.insertUses(tx, authority, uses);
    return warnings;
  }

  /** Gives back everything the filing wrote off (an invalidation, or before an amendment's write-off). */
  async release(tx: Queryable, authority: string, mrn: string, at: Date): Promise<void> {
    const held = await this.#d.repo.heldBy(tx, authority, mrn);
    if (held.length === 0) {
      return;
    }
    await this.#d.repo.lockByIds(tx, authority, held);
    await this.#d.repo.giveBack(tx, authority, await this.#d.repo.releaseUses(tx, authority, mrn, at));
  }

  /**
   * An amendment: what the earlier version wrote off is given back and the new version's citations
   * are written off. `changed` when a citation's verdict differs from the earlier version's, so the
   * new version is assessed again even if nothing else of it matters to risk.
   */
  async amended(
    tx: Queryable,
    authority: string,
    previous: FilingVersion,
    next: FilingVersion,
  ): Promise<{ warnings: FieldError[]; changed: boolean }> {
    if (citationsOf(previous.filing).length === 0 && citationsOf(next.filing).length === 0) {
      return { warnings: [], changed: false };
    }
    const before =
      (await this.#d.repo.results(tx, authority, [previous])).get(`${previous.mrn}/${previous.version}`) ??
      [];
    await this.release(tx, authority, next.mrn, next.at);
    const warnings = (await this.writeOff(tx, authority, [next])).get(next.mrn) ?? [];
    const after =
      (await this.#d.repo.results(tx, authority, [next])).get(`${next.mrn}/${next.version}`) ?? [];
    return { warnings, changed: !isDeepStrictEqual(verdicts(before), verdicts(after)) };
  }

  // ——— the assessment ———

  /**
   * The certificate hits of each consignment of these filing versions, by `${mrn}/${seq}`: what
   * registration recorded of their citations (one statement, only when a goods item cites one) and
   * the measures requiring a certificate (cached per authority, checked for changes once a second).
   */
  async hitsFor(
    tx: Queryable,
    authority: string,
    versions: readonly FilingVersion[],
  ): Promise<Map<string, CertificateHit[]>> {
    const out = new Map<string, CertificateHit[]>();
    const requirements = await this.#requirementsOf(tx, authority);
    const citing = versions.filter((v) => citationsOf(v.filing).length > 0);
    if (requirements.length === 0 && citing.length === 0) {
      return out;
    }
    const results = await this.#d.repo.results(tx, authority, citing);
    for (const v of versions) {
      const mine = results.get(`${v.mrn}/${v.version}`) ?? [];
      for (let seq = 0; seq < v.filing.consignments.length; seq++) {
        const hits = certificateHits(v.filing, seq, mine, requirements, dayOf(v.at));
        if (hits.length > 0) {
          out.set(`${v.mrn}/${seq}`, hits);
        }
      }
    }
    return out;
  }

  /** Read in the caller's transaction: the embedded database has one connection. */
  async #requirementsOf(tx: Queryable, authority: string): Promise<CertificateRequirement[]> {
    const cached = this.#requirements.get(authority);
    const every = this.#d.requirementsCheckEveryMs ?? 1000;
    if (cached !== undefined && Date.now() - cached.checkedAt < every) {
      return cached.list;
    }
    const stamp = await this.#d.repo.requirementsStamp(tx, authority);
    const list =
      cached !== undefined && cached.stamp === stamp
        ? cached.list
        : (await this.#d.repo.requirements(tx, authority)).map(({ version: _v, updatedAt: _u, ...r }) => r);
    this.#requirements.set(authority, { checkedAt: Date.now(), stamp, list });
    return list;
  }

  // ——— internals ———

  #certificateRecord(
    input: CertificateInput,
    at: string,
    where: string,
  ): { value: CertificateRecord; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const kind = CERTIFICATE_TYPES[input.type];
    const documentCode = input.documentCode ?? kind.documentCodes[0];
    if (!(kind.documentCodes as readonly string[]).includes(documentCode)) {
      errors.push({
        code: 'VIGIL_CERTIFICATE_INVALID',
        path: `${at}.documentCode`,
        message: `${where}a ${input.type} is cited as ${kind.documentCodes.join(' or ')}, not ${documentCode}`,
      });
    }
    const holder = input.holderEori === undefined ? null : normaliseEori(input.holderEori);
    if (holder !== null) {
      const problem = checkEori(holder);
      if (problem !== undefined) {
        errors.push({
          code: 'VIGIL_EORI_INVALID',
          path: `${at}.holderEori`,
          message: `${where}'${holder}': ${problem}`,
        });
      }
    }
    const origin = input.origin?.toUpperCase() ?? null;
    if (origin !== null && !isCountryCode(origin)) {
      errors.push({
        code: 'VIGIL_COUNTRY_INVALID',
        path: `${at}.origin`,
        message: `${where}'${origin}' is not an ISO 3166-1 country code`,
      });
    }
    if ((input.quantity === undefined) !== (input.unit === undefined)) {
      errors.push({
        code: 'VIGIL_CERTIFICATE_INVALID',
        path: `${at}.${input.quantity === undefined ? 'quantity' : 'unit'}`,
        message: `${where}a quantity goes with its unit: give both or neither`,
      });
    }
    if (input.validUntil !== undefined && input.validUntil < input.validFrom) {
      errors.push({
        code: 'VIGIL_REGISTRY_VALIDITY_INVALID',
        path: `${at}.validUntil`,
        message: `${where}validUntil ${input.validUntil} is before validFrom ${input.validFrom}`,
      });
    }
    return {
      value: {
        type: input.type,
        documentCode,
        number: input.number.trim().toUpperCase(),
        issuer: input.issuer,
        holderEori: holder,
        goods: [...new Set(input.goods)].sort(),
        origin,
        quantity: input.quantity ?? null,
        unit: input.unit ?? null,
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
        status: input.status,
      },
      errors,
    };
  }

  #requirementRecord(
    input: RequirementInput,
    at: string,
    where: string,
  ): { value: RequirementRecord; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const origin =
      input.origin === '*'
        ? '*'
        : /^[A-Za-z]{2}$/.test(input.origin)
          ? input.origin.toUpperCase()
          : input.origin;
    if (origin !== '*' && !/^[A-Z]{2}$/.test(origin) && !countryGroups.names().includes(origin)) {
      errors.push({
        code: 'VIGIL_COUNTRY_INVALID',
        path: `${at}.origin`,
        message: `${where}'${origin}' is neither a country code, a country group (${countryGroups.names().join(', ')}) nor *`,
      });
    } else if (/^[A-Z]{2}$/.test(origin) && !isCountryCode(origin)) {
      errors.push({
        code: 'VIGIL_COUNTRY_INVALID',
        path: `${at}.origin`,
        message: `${where}'${origin}' is not an ISO 3166-1 country code`,
      });
    }
    if (input.validUntil !== undefined && input.validUntil < input.validFrom) {
      errors.push({
        code: 'VIGIL_REGISTRY_VALIDITY_INVALID',
        path: `${at}.validUntil`,
        message: `${where}validUntil ${input.validUntil} is before validFrom ${input.validFrom}`,
      });
    }
    return {
      value: {
        id: input.id,
        goodsPrefix: input.goodsPrefix,
        origin,
        certificateType: input.certificateType,
        description: input.description,
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      },
      errors,
    };
  }

  /**
   * Creates or changes certificates (by code and number), each change a new version: a changed
   * quantity moves what is left by the same amount, and may not leave less than has been written off
   * (refused with VIGIL_CERTIFICATE_QUANTITY_BELOW_USED, through `onError` in an import).
   */
  async #writeCertificates(
    tx: Queryable,
    actor: Actor,
    records: readonly CertificateRecord[],
    importId: string | null,
    at: Date,
    onError?: (index: number, e: FieldError) => void,
  ): Promise<{ id: string; outcome: 'created' | 'updated' | 'unchanged' }[]> {
    const existing = new Map(
      (await this.#d.repo.lockByCitation(tx, actor.authority, records)).map((c) => [
        citationKey(c.documentCode, c.number),
        c,
      ]),
    );
    const rows: (Omit<CertificateView, 'createdAt' | 'updatedAt'> & { at: Date })[] = [];
    const versions: RegistryVersion[] = [];
    const audit: AuditEvent[] = [];
    const out: { id: string; outcome: 'created' | 'updated' | 'unchanged' }[] = [];
    const who = auditActor(actor);
    records.forEach((r, i) => {
      const old = existing.get(citationKey(r.documentCode, r.number));
      if (old !== undefined) {
        const { id: _i, remaining: _r, version: _v, createdAt: _c, updatedAt: _u, ...was } = old;
        if (isDeepStrictEqual(was, r)) {
          out.push({ id: old.id, outcome: 'unchanged' });
          return;
        }
      }
      let remaining = r.quantity;
      if (old !== undefined && r.quantity !== null && old.quantity !== null && old.remaining !== null) {
        remaining = old.remaining + (r.quantity - old.quantity);
        if (remaining < 0) {
          const e: FieldError = {
            code: 'VIGIL_CERTIFICATE_QUANTITY_BELOW_USED',
            path: '$.quantity',
            message: `${old.quantity - old.remaining} ${old.unit ?? ''} of ${r.documentCode} ${r.number} are written off: its quantity cannot be ${r.quantity}`,
          };
          if (onError === undefined) {
            throw new VigilError('VIGIL_CERTIFICATE_QUANTITY_BELOW_USED', e.message, [e]);
          }
          onError(i, e);
          return;
        }
      }
      const id = old?.id ?? `crt_${Buffer.from(this.#random(8)).toString('hex')}`;
      const version = (old?.version ?? 0) + 1;
      rows.push({ ...r, id, remaining, version, at });
      out.push({ id, outcome: old === undefined ? 'created' : 'updated' });
      versions.push({
        registry: 'certificate',
        recordId: id,
        subject: id,
        version,
        action: old === undefined ? 'created' : 'updated',
        data: { ...r, remaining },
        actor: who,
        at: at.toISOString(),
        importId,
      });
      if (importId === null) {
        audit.push({
          authority: actor.authority,
          actor: who,
          action: old === undefined ? 'registry.record-created' : 'registry.record-changed',
          subject: id,
          at,
          details: { registry: 'certificate', version, documentCode: r.documentCode, number: r.number },
        });
      }
    });
    await this.#d.repo.upsert(tx, actor.authority, rows);
    await this.#d.history.appendVersions(tx, actor.authority, versions);
    await this.#d.audit?.stage(tx, audit);
    return out;
  }

  async #writeRequirements(
    tx: Queryable,
    actor: Actor,
    records: readonly RequirementRecord[],
    importId: string | null,
    at: Date,
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    if (records.length === 0) {
      return counts;
    }
    const existing = new Map(
      (
        await this.#d.repo.requirements(
          tx,
          actor.authority,
          records.map((r) => r.id),
        )
      ).map((r) => [r.id, r]),
    );
    const rows: (Omit<RequirementView, 'updatedAt'> & { at: Date })[] = [];
    const versions: RegistryVersion[] = [];
    const audit: AuditEvent[] = [];
    const who = auditActor(actor);
    for (const r of records) {
      const old = existing.get(r.id);
      if (old !== undefined) {
        const { version: _v, updatedAt: _u, ...was } = old;
        if (isDeepStrictEqual(was, r)) {
          counts.unchanged++;
          continue;
        }
      }
      const version = (old?.version ?? 0) + 1;
      counts[old === undefined ? 'created' : 'updated']++;
      rows.push({ ...r, version, at });
      versions.push({
        registry: 'certificate-requirement',
        recordId: r.id,
        subject: r.id,
        version,
        action: old === undefined ? 'created' : 'updated',
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
          subject: r.id,
          at,
          details: { registry: 'certificate-requirement', version },
        });
      }
    }
    await this.#d.repo.upsertRequirements(tx, actor.authority, rows);
    await this.#d.history.appendVersions(tx, actor.authority, versions);
    await this.#d.audit?.stage(tx, audit);
    return counts;
  }
}

/** What each citation came to, by its place: compared across an amendment. */
function verdicts(results: readonly CitationResult[]): string[] {
  return results
    .map(
      (r) =>
        `${r.consignment}/${r.item}/${r.document}/${r.documentCode}/${r.number}/${r.status === 'refused' ? (r.code ?? '') : 'ok'}`,
    )
    .sort();
}
