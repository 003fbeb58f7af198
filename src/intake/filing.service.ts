/**
 * Intake's logic: validate, register (MRN, idempotency on filer + LRN, multiple-filing linkage, outbox
 * event in the same transaction), read, list, amend and invalidate filings. No HTTP, no driver:
 * it gets a database, a repository, a clock and a random source passed in.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  FILING_TYPES,
  entryCountryOf,
  makeMrn,
  modeOf,
  normaliseAirWaybill,
  randomSerial,
} from '../domain/index.ts';
import type { Clock, Filing, ReferenceLists, SerialSource, TransportDocument } from '../domain/index.ts';
import type { Actor } from '../auth/index.ts';
import { ownFilerOf, requireBoundEori, requirePermission, visibleTo } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { IntakeMetrics } from '../observability/metrics.ts';
import type { AuditEvent } from '../audit/index.ts';
import { auditActor } from '../audit/index.ts';
import type {
  ConsignmentRow,
  FilingRepository,
  FilingRow,
  FilingStatus,
  NewConsignment,
  NewFiling,
} from './filing.repository.ts';
import { validateFiling } from './validate-filing.ts';
import { amendmentDeadline } from './amendment-deadline.ts';
import { riskRelevantChanges } from './risk-relevance.ts';
import { filingSchema } from './filing.schema.ts';
import { appendOutbox } from '../bus/index.ts';
import { GroupCommit } from '../store/group-commit.ts';

/** Procedure category of an MRN allocated to an entry summary declaration. */
const ENS_PROCEDURE = 'Z';

export interface ConsignmentView {
  readonly index: number;
  readonly transportDocument: { readonly type: string; readonly ref: string };
  readonly status: 'complete' | 'incomplete';
  readonly masterMrn?: string | undefined;
}

export interface FilingSummary {
  readonly mrn: string;
  readonly lrn: string;
  readonly filingType: string;
  readonly status: FilingStatus;
  readonly version: number;
  readonly lodgedAt: string;
  readonly updatedAt: string;
  readonly consignments: readonly ConsignmentView[];
  readonly warnings: readonly FieldError[];
}

export interface FilingDetail extends FilingSummary {
  readonly authority: string;
  readonly filer: string;
  readonly filing: unknown;
  readonly invalidation?: { readonly at: string; readonly reason: string | null } | undefined;
}

export interface ListResult {
  readonly items: readonly FilingSummary[];
  readonly next: string | null;
}

export interface ListQuery {
  readonly lrn?: string | undefined;
  readonly status?: FilingStatus | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface FilingServiceDeps {
  readonly db: Database;
  readonly repo: FilingRepository;
  readonly clock: Clock;
  readonly serial?: SerialSource;
  /** Called inside the invalidation's transaction (controls cancel the filing's open tasks). */
  readonly onInvalidated?: (
    tx: Queryable,
    filing: { authority: string; mrn: string; by: string },
  ) => Promise<void>;
  /**
   * Whether a control of the filing has a recorded result (controls' published query): the goods
   * were presented and a control decided, after which the filing takes no amendment.
   */
  readonly controlDecided?: ((tx: Queryable, authority: string, mrn: string) => Promise<boolean>) | undefined;
  /** Minutes before the estimated arrival at which amendments close, per mode (overrides the defaults). */
  readonly amendmentCloseMinutes?: Readonly<Record<string, number>> | undefined;
  /**
   * Tells the filer (notification feed, webhooks, event stream) of a registered amendment or an
   * invalidation, inside the change's own transaction, so nothing acknowledged goes untold.
   */
  readonly notify?: ((tx: Queryable, n: FilerNotice) => Promise<void>) | undefined;
  /** Called after a transaction that wrote outbox events committed (pokes the embedded bus). */
  readonly afterCommit?: () => void;
  readonly metrics?: IntakeMetrics | undefined;
  /** The reference data in memory (nomenclature, codelists by date); default: the shipped data. */
  readonly reference?: (() => ReferenceLists) | undefined;
  /**
   * Told of every refused filing or amendment (who, which codes, when; never the body), after the
   * refusal and outside any transaction: the indicators count rejections by code and by filer.
   */
  readonly onRejected?: ((r: Rejection) => Promise<void>) | undefined;
  /** Reads of a filing's parties (personal data) are recorded in the audit trail. */
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  /** The registries' checks and write-offs, in registration's, amendment's and invalidation's transactions. */
  readonly registries?: RegistrationChecks | undefined;
}

/**
 * What registration asks the registries (operators, certificates) in its own transaction, so that a
 * filing that is not stored, or whose transaction rolls back, leaves nothing behind in them.
 */
export interface RegistrationChecks {
  /** Before the filings are stored: warnings to store with each (identification numbers not registered …). */
  beforeStore(
    tx: Queryable,
    authority: string,
    filings: readonly { readonly filing: Filing; readonly at: Date }[],
  ): Promise<readonly (readonly FieldError[])[]>;
  /**
   * After they are stored (only those stored now, never an LRN sent again): the certificates their goods
   * cite are written off; warnings of the refused write-offs, by MRN.
   */
  afterStore(
    tx: Queryable,
    authority: string,
    stored: readonly {
      readonly mrn: string;
      readonly version: number;
      readonly filing: Filing;
      readonly at: Date;
    }[],
  ): Promise<ReadonlyMap<string, readonly FieldError[]>>;
  /**
   * A new version: what the previous one wrote off is given back and the new one's written off. Its
   * warnings, and whether the registries' verdicts changed (the new version is then assessed again).
   */
  amended(
    tx: Queryable,
    authority: string,
    previous: { readonly mrn: string; readonly version: number; readonly filing: Filing; readonly at: Date },
    next: { readonly mrn: string; readonly version: number; readonly filing: Filing; readonly at: Date },
  ): Promise<{ readonly warnings: readonly FieldError[]; readonly changed: boolean }>;
  /** An invalidation: everything the filing wrote off is given back. */
  invalidated(tx: Queryable, authority: string, mrn: string, at: Date): Promise<void>;
}

/** What the filer is told of a change to its filing (kind: the event type). */
export interface FilerNotice {
  readonly authority: string;
  readonly filer: string;
  readonly mrn: string;
  readonly kind: 'amendment.registered' | 'filing.invalidated';
  readonly payload: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** Where a request came from, carried on the events it causes so logs can follow it. */
export interface RequestContext {
  readonly requestId?: string | undefined;
}

function docKey(ref: string): string {
  return normaliseAirWaybill(ref).toUpperCase();
}

/**
 * The consignments as `viewer` may see them: a filer sees the MRN of the master its house is linked
 * to only when it lodged that master itself (a master linked by another filer's consent stays
 * anonymous); officials see every link.
 */
function consignmentViews(
  rows: readonly ConsignmentRow[],
  filing: Filing,
  viewer: Actor | undefined,
): ConsignmentView[] {
  return rows.map((r) => ({
    index: r.seq,
    transportDocument: {
      type: r.doc_type,
      ref: filing.consignments[r.seq]?.transportDocument.ref ?? r.doc_ref,
    },
    status: r.complete ? 'complete' : 'incomplete',
    ...(r.master_mrn !== null &&
    (viewer === undefined || viewer.role !== 'filer' || r.master_filer === viewer.subject)
      ? { masterMrn: r.master_mrn }
      : {}),
  }));
}

/** A value as the database gives it back (jsonb): undefined members gone, so equal data compares equal. */
function asStored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function encodeCursor(row: FilingRow): string {
  return Buffer.from(JSON.stringify([new Date(row.lodged_at).toISOString(), row.mrn])).toString('base64url');
}

function decodeCursor(cursor: string): { lodgedAt: Date; mrn: string } {
  try {
    const [at, mrn] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const lodgedAt = new Date(at);
    if (typeof mrn !== 'string' || Number.isNaN(lodgedAt.getTime())) {
      throw new Error('bad cursor');
    }
    return { lodgedAt, mrn };
  } catch {
    throw new VigilError('VIGIL_QUERY_INVALID', `'next' cursor '${cursor}' is not one this server issued`);
  }
}

/** The master transport document a house consignment travels under: its own, else the master level's. */
export function masterDocOf(
  filing: Filing,
  c: Filing['consignments'][number],
): TransportDocument | undefined {
  return c.masterTransportDocument ?? filing.masterConsignment?.transportDocument;
}

/** Fields an amendment may not change: they identify the filing or its documents. */
function lockedFieldChanges(before: Filing, after: Filing): FieldError[] {
  const out: FieldError[] = [];
  const lock = (path: string, a: unknown, b: unknown): void => {
    // Compared as values: jsonb does not keep key order.
    if (!isDeepStrictEqual(a, b)) {
      out.push({
        code: 'VIGIL_AMENDMENT_FIELD_LOCKED',
        path,
        message: `${path} may not change in an amendment (was ${JSON.stringify(a)})`,
      });
    }
  };
  lock('$.filingType', before.filingType, after.filingType);
  lock('$.lrn', before.lrn, after.lrn);
  lock('$.declarant.eori', before.declarant.eori, after.declarant.eori);
  lock('$.carrier.eori', before.carrier?.eori, after.carrier?.eori);
  lock('$.officeOfFirstEntry', before.officeOfFirstEntry, after.officeOfFirstEntry);
  lock('$.addressedMemberState', before.addressedMemberState, after.addressedMemberState);
  lock('$.transport.mode', modeOf(before), modeOf(after));
  // A complement's previous documents link it to its pre-loading set, as the documents link parts.
  lock('$.previousDocuments', before.previousDocuments ?? [], after.previousDocuments ?? []);
  if (before.consignments.length !== after.consignments.length) {
    lock('$.consignments.length', before.consignments.length, after.consignments.length);
  } else {
    before.consignments.forEach((c, i) => {
      lock(
        `$.consignments[${i}].transportDocument`,
        c.transportDocument,
        after.consignments[i]!.transportDocument,
      );
      lock(
        `$.consignments[${i}].masterTransportDocument`,
        c.masterTransportDocument,
        after.consignments[i]!.masterTransportDocument,
      );
    });
  }
  return out;
}

interface PendingInsert {
  readonly filing: NewFiling;
  readonly consignments: readonly NewConsignment[];
  readonly readyEvent: unknown;
  /** Who lodged it, for the audit trail (`auditActor`). */
  readonly actor: string;
  /**
   * A part linked after it is stored: by master document (as the master, or as a house), or as a 7+1
   * pre-loading set or its complement by house document.
   */
  readonly link?: 'master' | 'house' | 'pre-loading' | 'complement' | undefined;
  /** A complement's previous documents (keys): stored with it, linked after. */
  readonly previousRefs?: readonly string[] | undefined;
}

/** What the group commit answers for one filing. */
interface Stored {
  readonly inserted: boolean;
  /** A master or house part that its linking completed (registered and queued for assessment). */
  readonly registered: boolean;
  /** Per consignment of a master or house part: the MRN it linked to (house, same filer) or null. */
  readonly links: ReadonlyMap<number, string | null>;
  /** The registries' warnings stored with it (beyond validation's). */
  readonly warnings: readonly FieldError[];
}

/** A master or house part to link with its counterparts. */
interface LinkPart {
  readonly mrn: string;
  readonly filer: string;
  readonly carrierEori: string;
  readonly part: 'master' | 'house';
  readonly consignments: readonly NewConsignment[];
}

/** A 7+1 part to link: a pre-loading set by its house documents, a complement by its previous ones. */
interface PreloadingPart {
  readonly mrn: string;
  readonly filer: string;
  readonly part: 'pre-loading' | 'complement';
  /** The set's consignments (their documents), or the complement's previous documents. */
  readonly consignments: readonly NewConsignment[];
  readonly previousRefs: readonly string[];
}

interface Linked {
  readonly registered: boolean;
  readonly links: Map<number, string | null>;
}

/** A stored consignment as registration describes one (to link it again). */
function newConsignmentOf(c: ConsignmentRow): NewConsignment {
  return {
    seq: c.seq,
    docType: c.doc_type,
    docRef: c.doc_ref,
    masterDocRef: c.master_doc_ref ?? undefined,
    complete: c.complete,
  };
}

function registeredEvent(f: NewFiling, actor: string, status: FilingStatus): AuditEvent {
  return {
    authority: f.authority,
    actor,
    action: 'filing.registered',
    subject: f.mrn,
    at: f.at,
    details: { lrn: f.lrn, filingType: f.filingType, part: f.part, mode: f.mode, status, version: 1 },
  };
}

/** A refused filing or amendment, as the indicators record it. */
export interface Rejection {
  readonly authority: string;
  readonly filer: string;
  readonly kind: 'filing' | 'amendment';
  readonly lrn: string | null;
  readonly codes: readonly string[];
  readonly at: Date;
}

export class FilingService {
  readonly #deps: FilingServiceDeps;
  readonly #serial: SerialSource;
  /** Complete filings arriving together are committed together (one statement per authority). */
  readonly #inserts: GroupCommit<PendingInsert, Stored>;

  constructor(deps: FilingServiceDeps) {
    this.#deps = deps;
    this.#serial = deps.serial ?? randomSerial;
    this.#inserts = new GroupCommit(async (items) => {
      const results = new Map<string, Stored>();
      for (const authority of new Set(items.map((i) => i.filing.authority))) {
        const mine = items.filter((i) => i.filing.authority === authority);
        const db = this.#deps.db.forAuthority(authority);
        const registryWarnings = new Map<string, FieldError[]>();
        const mrns = await db.transaction(async (tx) => {
          registryWarnings.clear();
          const checks = this.#deps.registries;
          const before =
            checks === undefined
              ? []
              : await checks.beforeStore(
                  tx,
                  authority,
                  mine.map((i) => ({ filing: i.filing.body as Filing, at: i.filing.at })),
                );
          const toStore = mine.map((i, k) => {
            const extra = before[k] ?? [];
            if (extra.length === 0) {
              return i;
            }
            registryWarnings.set(i.filing.mrn, [...extra]);
            return {
              ...i,
              filing: { ...i.filing, warnings: [...(i.filing.warnings as FieldError[]), ...extra] },
            };
          });
          const stored = await this.#deps.repo.insertFilings(tx, toStore);
          if (checks !== undefined) {
            const after = await checks.afterStore(
              tx,
              authority,
              toStore
                .filter((i) => stored.has(i.filing.mrn))
                .map((i) => ({
                  mrn: i.filing.mrn,
                  version: 1,
                  filing: i.filing.body as Filing,
                  at: i.filing.at,
                })),
            );
            for (const [mrn, extra] of after) {
              registryWarnings.set(mrn, [...(registryWarnings.get(mrn) ?? []), ...extra]);
            }
            await this.#deps.repo.appendWarnings(
              tx,
              authority,
              [...after].map(([mrn, warnings]) => ({ mrn, warnings })),
            );
          }
          await this.#deps.repo.insertPreviousDocumentsMany(
            tx,
            authority,
            mine.flatMap((i) =>
              stored.has(i.filing.mrn)
                ? (i.previousRefs ?? []).map((ref) => ({ mrn: i.filing.mrn, ref }))
                : [],
            ),
          );
          await this.#deps.audit?.stage(
            tx,
            mine
              .filter((i) => stored.has(i.filing.mrn))
              .map((i) => registeredEvent(i.filing, i.actor, i.filing.status)),
          );
          return stored;
        });
        // Master and house parts link after their commit, the whole batch together.
        const parts = mine.flatMap((i): LinkPart[] =>
          mrns.has(i.filing.mrn) &&
          (i.link === 'master' || i.link === 'house') &&
          i.filing.carrierEori !== undefined
            ? [
                {
                  mrn: i.filing.mrn,
                  filer: i.filing.filer,
                  carrierEori: i.filing.carrierEori,
                  part: i.link,
                  consignments: i.consignments,
                },
              ]
            : [],
        );
        const sevenPlusOne = mine.flatMap((i): PreloadingPart[] =>
          mrns.has(i.filing.mrn) && (i.link === 'pre-loading' || i.link === 'complement')
            ? [
                {
                  mrn: i.filing.mrn,
                  filer: i.filing.filer,
                  part: i.link,
                  consignments: i.consignments,
                  previousRefs: i.previousRefs ?? [],
                },
              ]
            : [],
        );
        const linked = new Map<string, Linked>([
          ...(parts.length > 0 ? await this.#linkAfterCommit(authority, parts, this.#deps.clock.now()) : []),
          ...(sevenPlusOne.length > 0
            ? await this.#linkPreloadingAfterCommit(authority, sevenPlusOne, this.#deps.clock.now())
            : []),
        ]);
        for (const i of mine) {
          const l = linked.get(i.filing.mrn);
          results.set(i.filing.mrn, {
            inserted: mrns.has(i.filing.mrn),
            registered: l?.registered ?? false,
            links: l?.links ?? new Map(),
            warnings: registryWarnings.get(i.filing.mrn) ?? [],
          });
        }
      }
      return items.map((i) => results.get(i.filing.mrn)!);
    });
  }

  /** Registers a filing; `created` is false when the same filer already lodged this LRN. */
  async register(
    actor: Actor,
    body: unknown,
    context: RequestContext = {},
  ): Promise<{ created: boolean; filing: FilingSummary }> {
    requirePermission(actor, 'filing.lodge');
    const now = this.#deps.clock.now();
    const result = validateFiling(body, { now, checkDeadlines: true, reference: this.#deps.reference?.() });
    if (!result.ok) {
      // An LRN already registered by this filer answers with its MRN even if the retry differs
      // in a way that would now fail (a late retry of an accepted filing must not look rejected).
      const lrn = (body as { lrn?: unknown } | null)?.lrn;
      if (typeof lrn === 'string' && /^\s*[A-Za-z0-9._/-]{1,35}\s*$/.test(lrn)) {
        const existing = await this.#deps.repo.findByLrn(
          this.#db(actor),
          actor.authority,
          actor.subject,
          lrn.trim(),
        );
        if (existing !== undefined) {
          return { created: false, filing: await this.#summary(this.#db(actor), existing, actor) };
        }
      }
      this.#deps.metrics?.rejected(result.errors.map((e) => e.code));
      await this.#rejected(
        actor,
        'filing',
        typeof lrn === 'string' ? lrn.trim().slice(0, 35) : null,
        result.errors,
        now,
      );
      throw new VigilError(
        'VIGIL_FILING_INVALID',
        `the filing has ${result.errors.length} error(s)`,
        result.errors,
      );
    }
    const filing = result.value;
    requireBoundEori(actor, filing.declarant.eori, '$.declarant.eori');
    const warnings = result.warnings ?? [];
    const type = FILING_TYPES.get(filing.filingType)!;
    const carrierEori = filing.carrier?.eori;
    const mrn = makeMrn({
      year: now.getUTCFullYear(),
      country: entryCountryOf(filing),
      serial: this.#serial(),
      procedure: ENS_PROCEDURE,
    });
    // Master and house parts link by master document; a 7+1 pre-loading set and the complement that
    // names its house document as a previous document link by that document; the buyer/seller
    // complement F16 (no previous document, the carrier's identification) completes the carrier's
    // partial straight bill of lading F13 under the same transport document, linked as a house to
    // that master. A complement with neither (the postal F44) is held and assessed on its own.
    const previousRefs = [...new Set((filing.previousDocuments ?? []).map((d) => docKey(d.ref)))];
    const sameDocument = type.part === 'complement' && previousRefs.length === 0 && carrierEori !== undefined;
    const part: NewFiling['part'] =
      type.part === 'master' || type.part === 'house' || type.part === 'pre-loading'
        ? type.part
        : type.part === 'complement' &&
            (previousRefs.length > 0 || sameDocument) &&
            filing.consignments.length > 0
          ? 'complement'
          : 'complete';
    const sevenPlusOne = part === 'pre-loading' || (part === 'complement' && !sameDocument);
    const complete = part === 'complete';
    const consignments: NewConsignment[] = filing.consignments.map((c, seq) => ({
      seq,
      docType: c.transportDocument.type,
      docRef: docKey(c.transportDocument.ref),
      // A house names its master document on the consignment or, for all of them, at master level.
      masterDocRef: sameDocument
        ? docKey(c.transportDocument.ref)
        : masterDocOf(filing, c) !== undefined
          ? docKey(masterDocOf(filing, c)!.ref)
          : undefined,
      complete,
    }));
    const newFiling = {
      mrn,
      authority: actor.authority,
      filer: actor.subject,
      lrn: filing.lrn,
      filingType: filing.filingType,
      part,
      // Without transport (a house part, a pre-loading set) the mode is the filing type's.
      mode: modeOf(filing) ?? type.modes[0]!,
      declarantEori: filing.declarant.eori,
      carrierEori,
      // The office of first entry, else the addressed member state (the column is not null).
      office: filing.officeOfFirstEntry ?? filing.addressedMemberState ?? '',
      // A pre-loading set is assessed at once (pre-loading risk analysis): registered, its consignments
      // incomplete until the complement arrives.
      status: complete || part === 'pre-loading' ? ('registered' as const) : ('incomplete' as const),
      body: filing,
      warnings,
      at: now,
    };
    const summary = (
      status: FilingStatus,
      links: ReadonlyMap<number, string | null>,
      registryWarnings: readonly FieldError[],
    ): FilingSummary => ({
      mrn,
      lrn: filing.lrn,
      filingType: filing.filingType,
      status,
      version: 1,
      lodgedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      consignments: filing.consignments.map((c, seq) => {
        const link = links.get(seq);
        return {
          index: seq,
          transportDocument: { type: c.transportDocument.type, ref: c.transportDocument.ref },
          status:
            complete || link !== undefined || (part === 'complement' && status === 'registered')
              ? 'complete'
              : 'incomplete',
          ...(typeof link === 'string' ? { masterMrn: link } : {}),
        };
      }),
      warnings: [...warnings, ...registryWarnings],
    });

    let outcome: { created: boolean; filing: FilingSummary };
    if (sevenPlusOne) {
      // A 7+1 part: stored in the group commit (a set registered and queued for its pre-loading
      // assessment at once, a complement with its previous documents), then linked after its commit
      // (#linkPreloadingAfterCommit).
      const stored = await this.#inserts.submit({
        actor: auditActor(actor),
        filing: newFiling,
        consignments,
        readyEvent:
          part === 'pre-loading'
            ? {
                mrn,
                authority: actor.authority,
                version: 1,
                ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
              }
            : undefined,
        link: part === 'pre-loading' ? 'pre-loading' : 'complement',
        previousRefs: part === 'complement' ? previousRefs : undefined,
      });
      outcome = stored.inserted
        ? {
            created: true,
            // A set is registered when stored; a complement once its sets are all linked.
            filing: summary(stored.registered ? 'registered' : 'incomplete', stored.links, stored.warnings),
          }
        : await this.#existing(actor, filing.lrn);
    } else if (complete || carrierEori === undefined) {
      // The common case in one statement: filing, consignments and its outbox event.
      const stored = await this.#inserts.submit({
        actor: auditActor(actor),
        filing: newFiling,
        consignments,
        readyEvent: complete
          ? {
              mrn,
              authority: actor.authority,
              version: 1,
              ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
            }
          : undefined,
      });
      outcome = stored.inserted
        ? { created: true, filing: summary(newFiling.status, new Map(), stored.warnings) }
        : await this.#existing(actor, filing.lrn);
    } else {
      // A master or house part: stored like a complete filing (group commit, no lock), then linked
      // with its counterparts once committed (#linkAfterCommit says why that needs no lock).
      const stored = await this.#inserts.submit({
        actor: auditActor(actor),
        filing: newFiling,
        consignments,
        readyEvent: undefined,
        // The F16 complement links to its F13 under the same document as a house to its master.
        link: part === 'master' ? 'master' : 'house',
      });
      outcome = stored.inserted
        ? {
            created: true,
            filing: summary(stored.registered ? 'registered' : 'incomplete', stored.links, stored.warnings),
          }
        : await this.#existing(actor, filing.lrn);
    }
    if (outcome.created) {
      this.#deps.metrics?.registered(filing.consignments.length);
      this.#deps.afterCommit?.();
    }
    return outcome;
  }

  /** The answer to a resubmitted LRN: the filing registered the first time. */
  async #existing(actor: Actor, lrn: string): Promise<{ created: false; filing: FilingSummary }> {
    let row = await this.#deps.repo.findByLrn(this.#db(actor), actor.authority, actor.subject, lrn);
    if (row === undefined) {
      throw new Error(`filing with LRN ${lrn} vanished after a conflict`);
    }
    const sameDocument =
      row.part === 'complement' && ((row.body as Filing).previousDocuments ?? []).length === 0;
    if (
      row.status === 'incomplete' &&
      (row.part === 'master' || row.part === 'house' || sameDocument) &&
      row.carrier_eori !== null
    ) {
      // The first attempt may have stopped between storing and linking (its filer got no answer
      // and retries): link now. Linking is idempotent.
      const cons = await this.#deps.repo.consignmentsOf(this.#db(actor), [row.mrn]);
      const linked = await this.#linkAfterCommit(
        row.authority,
        [
          {
            mrn: row.mrn,
            filer: row.filer,
            carrierEori: row.carrier_eori,
            part: row.part === 'master' ? 'master' : 'house',
            consignments: cons.map(newConsignmentOf),
          },
        ],
        this.#deps.clock.now(),
      );
      let registered = linked.get(row.mrn)?.registered === true;
      if (!registered) {
        // The first attempt may also have stopped after the links committed and before the
        // registration: linking finds nothing left to link (a master's houses are no longer
        // waiting), so register this part and its linked counterparts now. Idempotent.
        const counterparts = [
          ...(await this.#deps.repo.linkedToPart(this.#db(actor), row.mrn)),
          ...cons.flatMap((c) => (c.master_mrn !== null ? [c.master_mrn] : [])),
        ];
        const ready = await this.#deps.repo.registerCompleted(
          this.#db(actor),
          [row.mrn, ...counterparts],
          this.#deps.clock.now(),
        );
        if (ready.length > 0) {
          // Their assessment events are in the outbox: wake the relay.
          this.#deps.afterCommit?.();
        }
        registered = ready.some((r) => r.mrn === row!.mrn);
      } else {
        this.#deps.afterCommit?.();
      }
      if (registered) {
        row = (await this.#deps.repo.findByMrn(this.#db(actor), actor.authority, row.mrn)) ?? row;
      }
    }
    if (
      row.status !== 'invalidated' &&
      (row.part === 'pre-loading' || (row.part === 'complement' && !sameDocument))
    ) {
      // As above for a 7+1 part whose first attempt stopped before linking.
      const cons = await this.#deps.repo.consignmentsOf(this.#db(actor), [row.mrn]);
      const incomplete =
        row.part === 'pre-loading' ? cons.some((c) => !c.complete) : row.status === 'incomplete';
      if (incomplete) {
        const linked = await this.#linkPreloadingAfterCommit(
          row.authority,
          [
            {
              mrn: row.mrn,
              filer: row.filer,
              part: row.part,
              consignments: cons.map(newConsignmentOf),
              previousRefs: [
                ...new Set(((row.body as Filing).previousDocuments ?? []).map((d) => docKey(d.ref))),
              ],
            },
          ],
          this.#deps.clock.now(),
        );
        if (row.part === 'complement' && linked.get(row.mrn)?.registered === true) {
          row = (await this.#deps.repo.findByMrn(this.#db(actor), actor.authority, row.mrn)) ?? row;
        }
      }
      // The first attempt may have stopped after the links committed and before the complement was
      // registered: linking then finds nothing left to link, so promote now (idempotent). For a set,
      // the complements its consignments name as their master document.
      const complements =
        row.part === 'complement'
          ? row.status === 'incomplete'
            ? [row.mrn]
            : []
          : [...new Set(cons.flatMap((c) => (c.master_mrn !== null ? [c.master_mrn] : [])))];
      if (complements.length > 0) {
        const promoted = await this.#deps.repo.promoteComplements(
          this.#db(actor),
          complements,
          this.#deps.clock.now(),
        );
        if (promoted.includes(row.mrn)) {
          row = (await this.#deps.repo.findByMrn(this.#db(actor), actor.authority, row.mrn)) ?? row;
        }
      }
    }
    return { created: false, filing: await this.#summary(this.#db(actor), row, actor) };
  }

  /**
   * Links master and house parts that have committed with the counterparts that have committed, then
   * registers the filings that became complete and queues their assessment. No lock: a master and
   * its house arriving together each link after their own commit, so whichever commits last sees the
   * other (a house committed before the master's search is found by the master; one committed after
   * it finds the master itself). Linking is idempotent (a house links once; a second attempt to the
   * same master is a no-op). Registration runs as its own statement after the links committed, for
   * the same reason: a filing completed by two concurrent links is registered by the later one (or
   * both try, and the row lock on the filing lets one win). Three statements for a whole batch: find
   * (masters' waiting houses, houses' masters), link, register. Returns per part whether it is now
   * registered and, per consignment, the MRN it linked to (house, same filer) or null.
   */
  async #linkAfterCommit(
    authority: string,
    parts: readonly LinkPart[],
    now: Date,
  ): Promise<Map<string, Linked>> {
    const db = this.#deps.db.forAuthority(authority);
    const out = new Map<string, Linked>(parts.map((p) => [p.mrn, { registered: false, links: new Map() }]));
    const masters = parts.filter((p) => p.part === 'master');
    const houses = parts.filter((p) => p.part === 'house');
    const waiting = await this.#deps.repo.waitingHousesMany(
      db,
      authority,
      masters.flatMap((m) =>
        m.consignments.map((c) => ({
          master: m.mrn,
          filer: m.filer,
          carrierEori: m.carrierEori,
          docRef: c.docRef,
        })),
      ),
    );
    const found = await this.#deps.repo.findMastersMany(
      db,
      authority,
      houses.flatMap((h) =>
        h.consignments.flatMap((c) =>
          c.masterDocRef !== undefined
            ? [{ house: h.mrn, filer: h.filer, carrierEori: h.carrierEori, docRef: c.masterDocRef }]
            : [],
        ),
      ),
    );
    type Pair = {
      house: { mrn: string; seq: number };
      master: { mrn: string; seq: number };
      masterFiler: string;
      houseFiler: string;
    };
    const pairs = new Map<string, Pair>();
    for (const w of waiting) {
      const m = masters.find((x) => x.mrn === w.for_master)!;
      const seq = m.consignments.find((c) => c.docRef === w.master_doc_ref)?.seq;
      if (seq !== undefined && !pairs.has(`${w.mrn}/${w.seq}`)) {
        pairs.set(`${w.mrn}/${w.seq}`, {
          house: { mrn: w.mrn, seq: w.seq },
          master: { mrn: m.mrn, seq },
          masterFiler: m.filer,
          houseFiler: w.filer,
        });
      }
    }
    for (const h of houses) {
      for (const c of h.consignments) {
        // The filer's own master first; another filer's only by its consent, and never named.
        const mine = found.filter((x) => x.for_house === h.mrn && x.doc_ref === c.masterDocRef);
        const m = mine.find((x) => x.filer === h.filer) ?? mine[0];
        if (m !== undefined) {
          pairs.set(`${h.mrn}/${c.seq}`, {
            house: { mrn: h.mrn, seq: c.seq },
            master: { mrn: m.mrn, seq: m.seq },
            masterFiler: m.filer,
            houseFiler: h.filer,
          });
        }
      }
    }
    if (pairs.size === 0) {
      return out;
    }
    const linked = await db.transaction((tx) => this.#deps.repo.linkHouses(tx, [...pairs.values()]));
    const touched = new Set<string>();
    for (const [key, p] of pairs) {
      if (!linked.has(key)) {
        continue;
      }
      touched.add(p.house.mrn);
      touched.add(p.master.mrn);
      out.get(p.master.mrn)?.links.set(p.master.seq, null);
      out.get(p.house.mrn)?.links.set(p.house.seq, p.masterFiler === p.houseFiler ? p.master.mrn : null);
    }
    if (touched.size === 0) {
      return out;
    }
    const ready = new Set((await this.#deps.repo.registerCompleted(db, [...touched], now)).map((r) => r.mrn));
    for (const [mrn, l] of out) {
      if (ready.has(mrn)) {
        out.set(mrn, { registered: true, links: l.links });
      }
    }
    return out;
  }

  /**
   * Links 7+1 pre-loading sets and complements (either arrives first) that have committed with the
   * counterparts that have committed, as #linkAfterCommit does master and house parts and for the same
   * reason without a lock. A complement completes the sets whose house document it names
   * (`previousDocuments`); a new set completes the complements waiting for its house document. Only
   * the same filer's parts link, or another filer's when the set's filer consented
   * (POST /v1/filings/{set}/house-filers); another filer's MRN is never named. The set's consignment
   * records the complement's transport document (the master air waybill) as its master document and
   * becomes complete; nobody is reassessed (the complement changes nothing the rules read of the set).
   * Complements whose previous documents are all linked are then registered, in a statement of their
   * own. Returns per part whether it is registered and, per consignment of a new set, the
   * complement's MRN (same filer) or null.
   */
  async #linkPreloadingAfterCommit(
    authority: string,
    parts: readonly PreloadingPart[],
    now: Date,
  ): Promise<Map<string, Linked>> {
    const db = this.#deps.db.forAuthority(authority);
    const out = new Map<string, Linked>(
      parts.map((p) => [p.mrn, { registered: p.part === 'pre-loading', links: new Map() }]),
    );
    const sets = parts.filter((p) => p.part === 'pre-loading');
    const complements = parts.filter((p) => p.part === 'complement');
    const waiting = await this.#deps.repo.waitingComplementsMany(
      db,
      authority,
      sets.flatMap((x) => x.consignments.map((c) => ({ set: x.mrn, filer: x.filer, ref: c.docRef }))),
    );
    const found = await this.#deps.repo.findPreloadingSetsMany(
      db,
      authority,
      complements.flatMap((x) => x.previousRefs.map((ref) => ({ complement: x.mrn, filer: x.filer, ref }))),
    );
    type Pair = {
      set: { mrn: string; seq: number };
      complement: { mrn: string; docRef: string; ref: string };
      setFiler: string;
      complementFiler: string;
    };
    const pairs = new Map<string, Pair>();
    for (const x of sets) {
      for (const c of x.consignments) {
        // The filer's own complement first; another filer's only by consent.
        const mine = waiting.filter((w) => w.for_set === x.mrn && w.ref === c.docRef);
        const w = mine.find((y) => y.filer === x.filer) ?? mine[0];
        if (w !== undefined) {
          pairs.set(`${x.mrn}/${c.seq}`, {
            set: { mrn: x.mrn, seq: c.seq },
            complement: { mrn: w.mrn, docRef: w.doc_ref, ref: w.ref },
            setFiler: x.filer,
            complementFiler: w.filer,
          });
        }
      }
    }
    for (const x of complements) {
      const docRef = x.consignments[0]?.docRef ?? '';
      for (const ref of x.previousRefs) {
        // The filer's own set first; another filer's only by its consent.
        const mine = found.filter((f) => f.for_complement === x.mrn && f.doc_ref === ref);
        const set = mine.find((y) => y.filer === x.filer) ?? mine[0];
        if (set !== undefined && !pairs.has(`${set.mrn}/${set.seq}`)) {
          pairs.set(`${set.mrn}/${set.seq}`, {
            set: { mrn: set.mrn, seq: set.seq },
            complement: { mrn: x.mrn, docRef, ref },
            setFiler: set.filer,
            complementFiler: x.filer,
          });
        }
      }
    }
    if (pairs.size === 0) {
      return out;
    }
    const linked = await db.transaction((tx) => this.#deps.repo.linkPreloadingMany(tx, [...pairs.values()]));
    const touched = new Set<string>();
    for (const [key, p] of pairs) {
      if (linked.has(key)) {
        touched.add(p.complement.mrn);
        out.get(p.set.mrn)?.links.set(p.set.seq, p.setFiler === p.complementFiler ? p.complement.mrn : null);
      }
    }
    const registered = new Set(await this.#deps.repo.promoteComplements(db, [...touched], now));
    for (const [mrn, l] of out) {
      if (registered.has(mrn)) {
        out.set(mrn, { registered: true, links: l.links });
      }
    }
    return out;
  }

  async get(actor: Actor, mrn: string): Promise<FilingDetail> {
    requirePermission(actor, 'filing.read');
    const row = await this.#visible(this.#db(actor), actor, mrn);
    if (this.#deps.audit !== undefined) {
      const audit = this.#deps.audit;
      await this.#db(actor).transaction((tx) =>
        audit.stage(tx, [
          {
            authority: actor.authority,
            actor: `${actor.role}:${actor.subject}`,
            action: 'filing.parties-read',
            subject: mrn,
            at: this.#deps.clock.now(),
            details: { version: row.version },
          },
        ]),
      );
    }
    const summary = await this.#summary(this.#db(actor), row, actor);
    return {
      ...summary,
      authority: row.authority,
      filer: row.filer,
      filing: row.body,
      ...(row.invalidated_at !== null
        ? {
            invalidation: { at: new Date(row.invalidated_at).toISOString(), reason: row.invalidation_reason },
          }
        : {}),
    };
  }

  async list(actor: Actor, q: ListQuery): Promise<ListResult> {
    requirePermission(actor, 'filing.read');
    const rows = await this.#deps.repo.list(this.#db(actor), {
      authority: actor.authority,
      filer: ownFilerOf(actor),
      lrn: q.lrn,
      status: q.status,
      from: q.from,
      to: q.to,
      after: q.cursor !== undefined ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const cons = await this.#deps.repo.consignmentsOf(
      this.#db(actor),
      page.map((r) => r.mrn),
    );
    const items = page.map((r) =>
      this.#toSummary(
        r,
        cons.filter((c) => c.mrn === r.mrn),
        actor,
      ),
    );
    return { items, next: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  /**
   * Amends a filing with its complete new data. Refused after the deadline for the mode (the goods
   * arrive) or once a control of it has a result (VIGIL_AMENDMENT_TOO_LATE). An amendment equal to the
   * version on file changes nothing; one that changes nothing the assessment reads (risk-relevance.ts)
   * is kept as a new version without being assessed again; only a risk-relevant one is assessed again
   * (and controls carry their tasks, with their assignees, to the new version). Every amendment,
   * refused for lateness or accepted, is in the audit trail.
   */
  /** Records a refusal for the indicators; a failure to record never hides the refusal itself. */
  async #rejected(
    actor: Actor,
    kind: 'filing' | 'amendment',
    lrn: string | null,
    errors: readonly { code: string }[],
    at: Date,
  ): Promise<void> {
    await this.#deps
      .onRejected?.({
        authority: actor.authority,
        filer: actor.subject,
        kind,
        lrn,
        codes: errors.map((e) => e.code),
        at,
      })
      .catch(() => undefined);
  }

  async amend(actor: Actor, mrn: string, body: unknown): Promise<FilingSummary> {
    try {
      return await this.#amend(actor, mrn, body);
    } catch (err) {
      if (err instanceof VigilError && err.code === 'VIGIL_AMENDMENT_INVALID') {
        await this.#rejected(
          actor,
          'amendment',
          null,
          err.errors ?? [{ code: err.code }],
          this.#deps.clock.now(),
        );
      }
      throw err;
    }
  }

  async #amend(actor: Actor, mrn: string, body: unknown): Promise<FilingSummary> {
    requirePermission(actor, 'filing.lodge');
    const now = this.#deps.clock.now();
    const outcome = await this.#db(actor).transaction(async (tx) => {
      const row = await this.#visible(tx, actor, mrn, true);
      if (row.status === 'invalidated') {
        throw new VigilError(
          'VIGIL_FILING_INVALIDATED',
          `filing ${mrn} was invalidated and cannot be amended`,
        );
      }
      const onFile = row.body as Filing;
      const late = await this.#tooLate(tx, row, onFile, now);
      if (late !== undefined) {
        return { late, row } as const;
      }
      const result = validateFiling(body, {
        now,
        checkDeadlines: false,
        reference: this.#deps.reference?.(),
      });
      if (!result.ok) {
        // Every error at once: fields that may not change are named even when the amendment breaks
        // a business rule too (changing the office of first entry breaks R3018, for one).
        const structure = filingSchema.safeParse(body);
        const locked = structure.success ? lockedFieldChanges(onFile, structure.data as Filing) : [];
        const errors = [...locked, ...result.errors];
        throw new VigilError(
          'VIGIL_AMENDMENT_INVALID',
          `the amendment has ${errors.length} error(s)`,
          errors,
        );
      }
      requireBoundEori(actor, result.value.declarant.eori, '$.declarant.eori');
      const locked = lockedFieldChanges(onFile, result.value);
      if (locked.length > 0) {
        throw new VigilError(
          'VIGIL_AMENDMENT_INVALID',
          `the amendment changes ${locked.length} field(s) that may not change`,
          locked,
        );
      }
      const amended = asStored(result.value);
      const identical = isDeepStrictEqual(asStored(onFile), amended);
      const version = identical ? row.version : row.version + 1;
      // The registries: identification numbers checked, certificates written off again for the new
      // version (what the previous one took is given back first).
      const registries = this.#deps.registries;
      let registryWarnings: readonly FieldError[] = [];
      let certificatesChanged = false;
      if (!identical && registries !== undefined) {
        const [before] = await registries.beforeStore(tx, row.authority, [{ filing: amended, at: now }]);
        const checked = await registries.amended(
          tx,
          row.authority,
          { mrn, version: row.version, filing: onFile, at: new Date(row.updated_at) },
          { mrn, version, filing: amended, at: now },
        );
        registryWarnings = [...(before ?? []), ...checked.warnings];
        certificatesChanged = checked.changed;
      }
      const relevant = identical
        ? []
        : [
            ...riskRelevantChanges(onFile, amended, now),
            // A certificate's verdict changed: what the assessment reads of the registry is different.
            ...(certificatesChanged ? ['certificates'] : []),
          ];
      const reassessed = relevant.length > 0 && row.status === 'registered';
      if (!identical) {
        await this.#deps.repo.amend(
          tx,
          mrn,
          row.authority,
          version,
          amended,
          [...(result.warnings ?? []), ...registryWarnings],
          now,
        );
      }
      if (reassessed) {
        await appendOutbox(tx, [
          {
            authority: row.authority,
            topic: 'filing.ready',
            key: mrn,
            payload: { mrn, authority: row.authority, version },
          },
        ]);
      }
      if (!identical) {
        await this.#deps.notify?.(tx, {
          authority: row.authority,
          filer: row.filer,
          mrn,
          kind: 'amendment.registered',
          payload: {
            mrn,
            lrn: row.lrn,
            fromVersion: row.version,
            version,
            reassessed,
            amendedAt: now.toISOString(),
          },
          at: now,
        });
      }
      await this.#deps.audit?.stage(tx, [
        {
          authority: row.authority,
          actor: auditActor(actor),
          action: 'filing.amended',
          subject: mrn,
          at: now,
          details: {
            fromVersion: row.version,
            version,
            changed: !identical,
            riskRelevant: relevant,
            reassessed,
          },
        },
      ]);
      const updated = identical ? row : (await this.#deps.repo.findByMrn(tx, row.authority, mrn))!;
      return { summary: await this.#summary(tx, updated, actor), reassessed } as const;
    });
    if (outcome.late !== undefined) {
      // The refusal is recorded on its own: the amendment's transaction stored nothing.
      await this.#db(actor).transaction(async (tx) => {
        await this.#deps.audit?.stage(tx, [
          {
            authority: outcome.row.authority,
            actor: auditActor(actor),
            action: 'filing.amendment-refused',
            subject: mrn,
            at: now,
            details: { version: outcome.row.version, code: 'VIGIL_AMENDMENT_TOO_LATE', why: outcome.late },
          },
        ]);
      });
      throw new VigilError(
        'VIGIL_AMENDMENT_TOO_LATE',
        `filing ${mrn} can no longer be amended: ${outcome.late}`,
      );
    }
    if (outcome.reassessed) {
      this.#deps.afterCommit?.();
    }
    return outcome.summary;
  }

  /** Why an amendment of the filing on file comes too late, or undefined while it may still change. */
  async #tooLate(tx: Queryable, row: FilingRow, onFile: Filing, now: Date): Promise<string | undefined> {
    const deadline = amendmentDeadline(onFile, this.#deps.amendmentCloseMinutes);
    if (deadline !== undefined && now.getTime() >= deadline.at.getTime()) {
      return `changes closed at ${deadline.at.toISOString()}, ${deadline.minutesBeforeArrival} minutes before the estimated arrival (${onFile.transport?.estimatedArrival ?? '?'}, ${modeOf(onFile) ?? '?'}) of version ${row.version}`;
    }
    if ((await this.#deps.controlDecided?.(tx, row.authority, row.mrn)) === true) {
      return 'the goods were presented and a control of them was decided';
    }
    return undefined;
  }

  async invalidate(actor: Actor, mrn: string, reason: string | undefined): Promise<FilingSummary> {
    requirePermission(actor, 'filing.lodge');
    const now = this.#deps.clock.now();
    return this.#db(actor).transaction(async (tx) => {
      const row = await this.#visible(tx, actor, mrn, true);
      if (row.status === 'invalidated') {
        throw new VigilError('VIGIL_FILING_INVALIDATED', `filing ${mrn} is already invalidated`);
      }
      // Invalidating is no way around the amendment deadline: it would cancel the filing's controls.
      const late = await this.#tooLate(tx, row, row.body as Filing, now);
      if (late !== undefined) {
        throw new VigilError(
          'VIGIL_INVALIDATION_TOO_LATE',
          `filing ${mrn} can no longer be invalidated: ${late}`,
        );
      }
      await this.#deps.repo.invalidate(tx, mrn, row.authority, reason, now);
      // What its goods wrote off of certificates is given back.
      await this.#deps.registries?.invalidated(tx, row.authority, mrn, now);
      // A 7+1 set that is invalidated leaves its complements referring to nothing valid: they are
      // unlinked and wait again (incomplete) for a set under the same house document.
      const reopened =
        row.part === 'pre-loading' ? await this.#deps.repo.unlinkPreloadingSet(tx, mrn, now) : [];
      // A master (F12, F13) or an air complement (F25) that is invalidated leaves the houses, the
      // buyer/seller complement or the pre-loading sets it linked without it: they wait again for a
      // part under the same document.
      const unlinked =
        row.part === 'master' || row.part === 'complement'
          ? await this.#deps.repo.unlinkFromPart(tx, mrn, now)
          : [];
      await this.#deps.onInvalidated?.(tx, { authority: row.authority, mrn, by: auditActor(actor) });
      await this.#deps.notify?.(tx, {
        authority: row.authority,
        filer: row.filer,
        mrn,
        kind: 'filing.invalidated',
        payload: {
          mrn,
          lrn: row.lrn,
          version: row.version,
          reason: reason ?? null,
          invalidatedAt: now.toISOString(),
        },
        at: now,
      });
      await appendOutbox(tx, [
        {
          authority: row.authority,
          topic: 'filing.invalidated',
          key: mrn,
          payload: { mrn, authority: row.authority, version: row.version },
        },
      ]);
      await this.#deps.audit?.stage(tx, [
        {
          authority: row.authority,
          actor: auditActor(actor),
          action: 'filing.invalidated',
          subject: mrn,
          at: now,
          details: {
            version: row.version,
            reason: reason ?? null,
            ...(reopened.length > 0 ? { complementsUnlinked: reopened.length } : {}),
            ...(unlinked.length > 0 ? { partsUnlinked: unlinked.length } : {}),
          },
        },
      ]);
      const updated = await this.#deps.repo.findByMrn(tx, row.authority, mrn);
      return this.#summary(tx, updated!, actor);
    });
  }

  /**
   * The filer of a master filing accepts house filings of other filers under its transport documents
   * (a forwarder's houses under a carrier's master). House consignments of those filers already
   * waiting are linked at once; the house filers never see the master's MRN. Without this consent a
   * house links only to a master its own filer lodged.
   */
  async acceptHouseFilers(
    actor: Actor,
    mrn: string,
    filers: readonly string[],
  ): Promise<{ mrn: string; houseFilers: string[]; linkedConsignments: number }> {
    requirePermission(actor, 'filing.lodge');
    const now = this.#deps.clock.now();
    const result = await this.#db(actor).transaction(async (tx) => {
      const row = await this.#visible(tx, actor, mrn, true);
      if (row.status === 'invalidated') {
        throw new VigilError('VIGIL_FILING_INVALIDATED', `filing ${mrn} was invalidated`);
      }
      const others = [...new Set(filers)].filter((f) => f !== row.filer);
      if (row.part !== 'pre-loading' && (row.part !== 'master' || row.carrier_eori === null)) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `filing ${mrn} is neither a master filing nor a 7+1 pre-loading set: only their filers accept other filers`,
        );
      }
      const added = await this.#deps.repo.insertLinkConsents(
        tx,
        row.authority,
        mrn,
        others,
        actor.subject,
        now,
      );
      const cons = await this.#deps.repo.consignmentsOf(tx, [mrn]);
      if (row.part === 'pre-loading') {
        // A 7+1 set's filer (the forwarder) accepts the complements of other filers (the carrier).
        const waiting = (
          await this.#deps.repo.waitingComplementsMany(
            tx,
            row.authority,
            cons.map((c) => ({ set: mrn, filer: row.filer, ref: c.doc_ref })),
          )
        ).filter((w) => others.includes(w.filer));
        const pairs = cons.flatMap((c) => {
          const w = waiting.find((x) => x.ref === c.doc_ref);
          return w !== undefined && c.master_mrn === null
            ? [{ set: { mrn, seq: c.seq }, complement: { mrn: w.mrn, docRef: w.doc_ref, ref: w.ref } }]
            : [];
        });
        const done = await this.#deps.repo.linkPreloadingMany(tx, pairs);
        const linkedPairs = pairs.filter((x) => done.has(`${x.set.mrn}/${x.set.seq}`));
        const linked = linkedPairs.map((x) => `${x.set.mrn}/${x.set.seq}`);
        await this.#deps.audit?.stage(tx, [
          {
            authority: row.authority,
            actor: auditActor(actor),
            action: 'filing.link-consented',
            subject: mrn,
            at: now,
            details: { houseFilers: added, linked },
          },
        ]);
        return {
          mrn,
          houseFilers: await this.#deps.repo.linkConsentsOf(tx, row.authority, mrn),
          linkedConsignments: linked.length,
          master: undefined,
          set: { complements: linkedPairs.map((x) => x.complement.mrn), filer: row.filer, cons },
        };
      }
      const carrier = row.carrier_eori!; // a master's: checked above
      const houses = (
        await this.#deps.repo.waitingHousesMany(
          tx,
          row.authority,
          cons.map((c) => ({ master: mrn, filer: row.filer, carrierEori: carrier, docRef: c.doc_ref })),
        )
      ).filter((h) => others.includes(h.filer));
      const done = await this.#deps.repo.linkHouses(
        tx,
        houses.map((h) => ({
          house: { mrn: h.mrn, seq: h.seq },
          master: { mrn, seq: cons.find((c) => c.doc_ref === h.master_doc_ref)!.seq },
        })),
      );
      const linked = houses.filter((h) => done.has(`${h.mrn}/${h.seq}`)).map((h) => h.mrn);
      await this.#deps.audit?.stage(tx, [
        {
          authority: row.authority,
          actor: auditActor(actor),
          action: 'filing.link-consented',
          subject: mrn,
          at: now,
          details: { houseFilers: added, linked: houses.map((h) => `${h.mrn}/${h.seq}`) },
        },
      ]);
      return {
        mrn,
        houseFilers: await this.#deps.repo.linkConsentsOf(tx, row.authority, mrn),
        linkedConsignments: done.size,
        master: { linked, carrier, filer: row.filer, cons },
        set: undefined,
      };
    });
    if (result.set !== undefined) {
      // As for a master below: complements registered after the links committed, and a second pass
      // for a complement lodged while the consent committed.
      const { complements, filer, cons } = result.set;
      const db = this.#deps.db.forAuthority(actor.authority);
      await this.#deps.repo.promoteComplements(db, complements, now);
      await this.#linkPreloadingAfterCommit(
        actor.authority,
        [{ mrn, filer, part: 'pre-loading', consignments: cons.map(newConsignmentOf), previousRefs: [] }],
        now,
      );
    }
    if (result.master !== undefined) {
      const { linked, carrier, filer, cons } = result.master;
      // Registered after the links committed, as at registration (#linkAfterCommit); a house lodged
      // while the consent committed is linked by the second pass.
      const db = this.#deps.db.forAuthority(actor.authority);
      const ready = await this.#deps.repo.registerCompleted(db, [...linked, mrn], now);
      const again = await this.#linkAfterCommit(
        actor.authority,
        [{ mrn, filer, carrierEori: carrier, part: 'master', consignments: cons.map(newConsignmentOf) }],
        now,
      );
      if (ready.length > 0 || again.get(mrn)?.registered === true) {
        this.#deps.afterCommit?.();
      }
    }
    return {
      mrn: result.mrn,
      houseFilers: result.houseFilers,
      linkedConsignments: result.linkedConsignments,
    };
  }

  /** A filer sees its own filings, officials their authority's; anything else is "not found". */
  async #visible(tx: Queryable, actor: Actor, mrn: string, forUpdate = false): Promise<FilingRow> {
    const row = await this.#deps.repo.findByMrn(tx, actor.authority, mrn, forUpdate);
    if (row === undefined || !visibleTo(actor, row.filer)) {
      throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
    }
    if (forUpdate) {
      // Changing a filing is for a token bound to its declarant (or an unbound one).
      requireBoundEori(actor, (row.body as Filing).declarant.eori, '$.declarant.eori');
    }
    return row;
  }

  /** The database as the caller's authority sees it (row-level security). */
  #db(actor: Actor): Database {
    return this.#deps.db.forAuthority(actor.authority);
  }

  async #summary(tx: Queryable, row: FilingRow, viewer: Actor): Promise<FilingSummary> {
    return this.#toSummary(row, await this.#deps.repo.consignmentsOf(tx, [row.mrn]), viewer);
  }

  #toSummary(row: FilingRow, cons: readonly ConsignmentRow[], viewer: Actor): FilingSummary {
    return {
      mrn: row.mrn,
      lrn: row.lrn,
      filingType: row.filing_type,
      status: row.status,
      version: row.version,
      lodgedAt: new Date(row.lodged_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      consignments: consignmentViews(cons, row.body as Filing, viewer),
      warnings: row.warnings as FieldError[],
    };
  }
}
