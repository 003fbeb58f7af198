/**
 * Import declarations' logic: validate an H1/H7 declaration, score it with the authority's active
 * model, draw its recorded random number and choose its lane (green, yellow, red, blue) within the
 * office's capacity for the day, then store it with the reason. Reading is role-aware: officials see
 * everything of their authority, a filer only its own declarations and only the lane. No HTTP, no
 * driver: a database, repositories, the model store, a clock and a seed source are passed in. Every
 * query runs on the database scoped to the caller's authority (row-level security, migration 0008).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '../auth/index.ts';
import { hasPermission, requirePermission, visibleTo } from '../auth/index.ts';
import type { AuditLog } from '../audit/index.ts';
import { combineScore } from '../assessment/index.ts';
import type { ExplainedHit } from '../assessment/index.ts';
import { auditActor } from '../audit/index.ts';
import { drawFor, makeMrn, newSeed, randomSerial } from '../domain/index.ts';
import type { Clock, RandomDraw, RandomSeed, SelectivityHit, SerialSource } from '../domain/index.ts';
import { VigilError, fromZodIssues } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { IMPORT_CODES } from './import-codes.ts';
import { ImportRepository } from './import.repository.ts';
import type { ImportRow, OfficeCapacityRow } from './import.repository.ts';
import { capacityInputSchema, importDeclarationSchema, listQuerySchema } from './import.schema.ts';
import type { DeclarationType, ImportDeclaration } from './import.schema.ts';
import { DEFAULT_LANES, laneFor } from './lanes.ts';
import type { Lane, LaneConfig, LaneDecision, OfficeCapacity } from './lanes.ts';

/** The active model's opinion of a declaration: its fraud probability and a sentence for officers. */
export interface DeclarationVerdict {
  readonly modelVersion: number;
  readonly probability: number;
  readonly explanation: string;
}

/** Scores a declaration with the authority's active model, if it has one (models/ supplies it). */
export interface DeclarationScorer {
  score(
    authority: string,
    id: string,
    declaration: ImportDeclaration,
  ): Promise<DeclarationVerdict | undefined>;
}

/** One explained hit of a declaration (a rule, a watchlist match, a signal): an ENS assessment's shape. */
export type ImportHit = ExplainedHit;

/** What the authority's rules, watchlists and signals make of a declaration (assessment supplies it). */
export interface ImportRisk {
  readonly hits: readonly ImportHit[];
  /** The hits as the lane decision weighs them. */
  readonly selecting: readonly SelectivityHit[];
  /** 0–100: the hits' weights combined. */
  readonly score: number;
}

/** Reads on its own (before the declaration's transaction, like the model's verdict). */
export type ImportRiskAssessor = (
  authority: string,
  id: string,
  declaration: ImportDeclaration,
  at: Date,
) => Promise<ImportRisk>;

/** Where the authority's random seed comes from (AssessmentRepository.randomSeed fits). */
export interface SeedSource {
  randomSeed(tx: Queryable, authority: string, fresh: RandomSeed, at: Date): Promise<RandomSeed>;
}

export interface ImportServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly scorer: DeclarationScorer;
  /** Rules, watchlists and signals on the declaration; without it, the model alone decides. */
  readonly risk?: ImportRiskAssessor | undefined;
  /** Called in a lodging's transaction (the parties are recorded as seen, as an ENS's are). */
  readonly onLodged?:
    | ((
        tx: Queryable,
        authority: string,
        id: string,
        declaration: ImportDeclaration,
        at: Date,
      ) => Promise<void>)
    | undefined;
  readonly seeds: SeedSource;
  readonly repo?: ImportRepository | undefined;
  readonly lanes?: LaneConfig | undefined;
  /** When given, every lane decision is written to the audit trail. */
  readonly audit?: AuditLog | undefined;
  readonly serial?: SerialSource | undefined;
  /** Called inside an invalidation's transaction (controls cancel the declaration's open tasks). */
  readonly onInvalidated?:
    ((tx: Queryable, declaration: { authority: string; id: string }) => Promise<void>) | undefined;
}

export interface LodgeResult {
  /** False when this filer had lodged the same LRN before: the answer is that declaration's. */
  readonly created: boolean;
  readonly id: string;
  readonly lane: Lane;
  readonly reason: string;
  /** 0–100: the active model's fraud probability × 100; null when no model is active. */
  readonly score: number | null;
  readonly random: boolean;
  readonly modelVersion: number | null;
}

/** What officials see of a declaration. */
export interface ImportView {
  readonly id: string;
  readonly type: DeclarationType;
  readonly office: string;
  readonly source: 'api' | 'kcs';
  readonly lodgedBy: string;
  readonly lodgedAt: string;
  readonly date: string;
  readonly lane: Lane | null;
  readonly reason: string | null;
  readonly random: boolean;
  readonly score: number | null;
  /** 0–100: the rules', watchlists' and signals' hits combined; null when decided before they were. */
  readonly riskScore: number | null;
  /** Every hit of the rules, watchlists and signals, explained. */
  readonly hits: readonly ImportHit[];
  readonly modelVersion: number | null;
  readonly draw: { readonly seedId: string; readonly draw: number } | null;
  readonly assessedAt: string | null;
  readonly declaration: unknown;
  readonly version: number;
  readonly status: 'lodged' | 'amended' | 'invalidated';
  readonly invalidation?: { readonly at: string; readonly reason: string | null } | undefined;
}

/** What the declarant sees: the lane and what it means, never the risk reasoning. */
export interface ImportFilerView {
  readonly id: string;
  readonly type: DeclarationType;
  readonly lodgedAt: string;
  readonly lane: Lane | null;
  readonly meaning: string | null;
  readonly declaration: unknown;
  readonly version: number;
  readonly status: 'lodged' | 'amended' | 'invalidated';
}

export interface OfficeCapacityView {
  readonly office: string;
  /** Null: no target set, the office takes every control the risk asks for. */
  readonly redPerDay: number | null;
  readonly yellowPerDay: number | null;
  readonly today: { readonly red: number; readonly yellow: number };
}

export const LANE_MEANING: Readonly<Record<Lane, string>> = Object.freeze({
  green: 'released without control',
  yellow: 'documentary check: present the documents',
  red: 'physical inspection',
  blue: 'released; subject to post-clearance audit',
});

const DAY_MS = 86_400_000;

/** MRN procedure category for import declarations (EU MRN position 17: 'J', import only). */
const IMPORT_PROCEDURE = 'J';

function startOfUtcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

function remaining(
  cap: OfficeCapacityRow | undefined,
  used: { red: number; yellow: number },
): OfficeCapacity {
  return cap === undefined
    ? { red: Number.POSITIVE_INFINITY, yellow: Number.POSITIVE_INFINITY }
    : { red: cap.redPerDay - used.red, yellow: cap.yellowPerDay - used.yellow };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function officialView(r: ImportRow): ImportView {
  return {
    id: r.id,
    type: r.type,
    office: r.office,
    source: r.source,
    lodgedBy: r.lodgedBy,
    lodgedAt: r.lodgedAt,
    date: r.declaredOn,
    lane: r.lane,
    reason: r.laneReason,
    random: r.laneRandom,
    score: r.score,
    riskScore: r.riskScore ?? null,
    hits: (r.hits ?? []) as ImportHit[],
    modelVersion: r.modelVersion,
    draw: r.random,
    assessedAt: r.assessedAt,
    declaration: r.body,
    version: r.version,
    status: statusOf(r),
    ...(r.invalidatedAt !== null
      ? { invalidation: { at: r.invalidatedAt, reason: r.invalidationReason } }
      : {}),
  };
}

function statusOf(r: ImportRow): 'lodged' | 'amended' | 'invalidated' {
  return r.invalidatedAt !== null ? 'invalidated' : r.version > 1 ? 'amended' : 'lodged';
}

/** Lanes from the least to the most demanding: an amendment may move a declaration up, never down. */
const LANE_ORDER: readonly Lane[] = ['green', 'blue', 'yellow', 'red'];

/** Fields an amendment may not change: they identify the declaration, its office and its declarant. */
function lockedImportFields(before: ImportDeclaration, after: ImportDeclaration): FieldError[] {
  const locked: FieldError[] = [];
  for (const [path, a, b] of [
    ['$.type', before.type, after.type],
    ['$.lrn', before.lrn, after.lrn],
    ['$.office', before.office, after.office],
    ['$.declarant', JSON.stringify(before.declarant), JSON.stringify(after.declarant)],
  ] as const) {
    if (a !== b) {
      locked.push({
        code: 'VIGIL_AMENDMENT_FIELD_LOCKED',
        path,
        message: `${path} may not change in an amendment (was ${typeof a === 'string' ? a : String(a)})`,
      });
    }
  }
  return locked;
}

export function filerView(r: ImportRow): ImportFilerView {
  return {
    id: r.id,
    type: r.type,
    lodgedAt: r.lodgedAt,
    lane: r.lane,
    meaning: r.lane === null ? null : LANE_MEANING[r.lane],
    declaration: r.body,
    version: r.version,
    status: statusOf(r),
  };
}

/** The answer to a retried LRN: the declaration lodged the first time. */
function lodgedBefore(row: ImportRow): LodgeResult {
  return {
    created: false,
    id: row.id,
    lane: row.lane ?? 'green',
    reason: row.laneReason ?? '',
    score: row.score,
    random: row.laneRandom,
    modelVersion: row.modelVersion,
  };
}

export function isOfficial(actor: Actor): boolean {
  return hasPermission(actor, 'import.read');
}

export class ImportService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #scorer: DeclarationScorer;
  readonly #risk: ImportRiskAssessor | undefined;
  readonly #onLodged: ImportServiceDeps['onLodged'];
  readonly #seeds: SeedSource;
  readonly #repo: ImportRepository;
  readonly #lanes: LaneConfig;
  readonly #audit: AuditLog | undefined;
  readonly #serial: SerialSource;
  readonly #onInvalidated: ImportServiceDeps['onInvalidated'];

  constructor(deps: ImportServiceDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#scorer = deps.scorer;
    this.#risk = deps.risk;
    this.#onLodged = deps.onLodged;
    this.#seeds = deps.seeds;
    this.#repo = deps.repo ?? new ImportRepository();
    this.#lanes = deps.lanes ?? DEFAULT_LANES;
    this.#audit = deps.audit;
    this.#serial = deps.serial ?? randomSerial;
    this.#onInvalidated = deps.onInvalidated;
  }

  /** Validates, scores, chooses the lane and stores one import declaration. */
  async lodge(actor: Actor, body: unknown): Promise<LodgeResult> {
    requirePermission(actor, 'import.lodge');
    const parsed = importDeclarationSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        IMPORT_CODES.invalid,
        'the import declaration is invalid',
        fromZodIssues(parsed.error.issues, 'the import declaration'),
      );
    }
    const decl = parsed.data;
    const now = this.#clock.now();
    // Idempotent on the filer's LRN: a retry gets the declaration lodged the first time.
    const replay = async (): Promise<LodgeResult | undefined> => {
      if (decl.lrn === undefined) {
        return undefined;
      }
      const row = await this.#repo.findByLrn(
        this.#db.forAuthority(actor.authority),
        actor.authority,
        actor.subject,
        decl.lrn,
      );
      return row === undefined ? undefined : lodgedBefore(row);
    };
    const earlier = await replay();
    if (earlier !== undefined) {
      return earlier;
    }
    const id = makeMrn({
      year: now.getUTCFullYear(),
      country: decl.office.slice(0, 2),
      serial: this.#serial(),
      procedure: IMPORT_PROCEDURE,
    });

    const verdict = await this.#scorer.score(actor.authority, id, decl);
    const score = verdict === undefined ? null : round(verdict.probability * 100, 2);

    const risk = await this.#risk?.(actor.authority, id, decl, now);
    const lodged = await this.#db.forAuthority(actor.authority).transaction(async (tx) => {
      const { decision, draw } = await this.#decideLane(
        tx,
        actor.authority,
        id,
        decl.office,
        score,
        verdict,
        now,
        risk,
      );
      const reason = `${decision.reason}; ${
        verdict === undefined ? 'no active model: not scored' : verdict.explanation
      }`;
      const inserted = await this.#repo.insertMany(tx, [
        {
          authority: actor.authority,
          id,
          type: decl.type,
          office: decl.office,
          source: 'api',
          lodgedBy: actor.subject,
          lodgedAt: now,
          declaredOn: decl.date,
          body: decl,
          score,
          riskScore: risk?.score ?? null,
          hits: risk?.hits ?? [],
          lane: decision.lane,
          laneReason: reason,
          laneRandom: decision.random,
          modelVersion: verdict?.modelVersion ?? null,
          random: draw,
          assessedAt: now,
        },
      ]);
      if (inserted.length === 0) {
        // The same LRN was lodged at the same moment by another request of this filer.
        return undefined;
      }
      await this.#onLodged?.(tx, actor.authority, id, decl, now);
      await this.#audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'outcome.decided',
          subject: id,
          details: {
            kind: 'import-lane',
            type: decl.type,
            office: decl.office,
            lane: decision.lane,
            wanted: decision.wanted,
            random: decision.random,
            exploration: decision.exploration === true,
            score,
            riskScore: risk?.score ?? null,
            hits: (risk?.hits ?? []).map((h) => (h.version !== undefined ? `${h.id}@${h.version}` : h.id)),
            modelVersion: verdict?.modelVersion ?? null,
            seedId: draw.seedId,
            draw: draw.draw,
          },
          at: now,
        },
      ]);
      return {
        created: true,
        id,
        lane: decision.lane,
        reason,
        score,
        random: decision.random,
        modelVersion: verdict?.modelVersion ?? null,
      };
    });
    if (lodged !== undefined) {
      return lodged;
    }
    const raced = await replay();
    if (raced === undefined) {
      throw new Error(`import declaration with LRN ${String(decl.lrn)} vanished after a conflict`);
    }
    return raced;
  }

  /**
   * The lane for declaration `id` at `office`, under the office's lock: its recorded draws (the
   * random selection's and, independent of it, exploration's), the model's verdict, and what the
   * office can still take today.
   */
  async #decideLane(
    tx: Queryable,
    authority: string,
    id: string,
    office: string,
    score: number | null,
    verdict: DeclarationVerdict | undefined,
    now: Date,
    risk: ImportRisk | undefined,
  ): Promise<{ decision: LaneDecision; draw: RandomDraw }> {
    const seed = await this.#seeds.randomSeed(tx, authority, newSeed(now), now);
    const draw = drawFor(seed, id, 1, 0);
    await this.#repo.lockOffice(tx, authority, office);
    const cap = await this.#repo.capacity(tx, authority, office);
    const from = startOfUtcDay(now);
    const used = await this.#repo.lanesUsed(tx, authority, office, from, new Date(from.getTime() + DAY_MS));
    const learnDraw = drawFor(seed, id, 1, 1);
    // The model's probability and the rules' evidence combine like independent evidence.
    const combined = combineScore([score ?? 0, risk?.score ?? 0]);
    const decision = laneFor(
      combined,
      risk?.selecting ?? [],
      draw.draw,
      remaining(cap, used),
      this.#lanes,
      verdict === undefined ? undefined : { probability: verdict.probability, draw: learnDraw.draw },
    );
    return { decision, draw };
  }

  /**
   * The filer amends a declaration it lodged: the whole body again, the identifying fields unchanged.
   * It is scored again; the lane may be raised by the new data but never lowered or drawn again (an
   * amendment must not shed a control), and the version goes up.
   */
  async amend(actor: Actor, id: string, body: unknown): Promise<ImportView | ImportFilerView> {
    requirePermission(actor, 'import.lodge');
    const parsed = importDeclarationSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        IMPORT_CODES.invalid,
        'the amendment is invalid',
        fromZodIssues(parsed.error.issues, 'the import declaration'),
      );
    }
    const decl = parsed.data;
    const now = this.#clock.now();
    const db = this.#db.forAuthority(actor.authority);
    const before = await this.#repo.find(db, actor.authority, id);
    if (before === undefined || !visibleTo(actor, before.lodgedBy) || before.source !== 'api') {
      throw new VigilError(IMPORT_CODES.notFound, `no import declaration ${id} is visible to you`);
    }
    const verdict = await this.#scorer.score(actor.authority, id, decl);
    const score = verdict === undefined ? null : round(verdict.probability * 100, 2);
    const risk = await this.#risk?.(actor.authority, id, decl, now);
    const row = await db.transaction(async (tx) => {
      const current = (await this.#repo.findForUpdate(tx, actor.authority, id))!;
      if (current.invalidatedAt !== null) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `import declaration ${id} was invalidated and cannot be amended`,
        );
      }
      const locked = lockedImportFields(current.body as ImportDeclaration, decl);
      if (locked.length > 0) {
        throw new VigilError(
          IMPORT_CODES.invalid,
          `the amendment changes ${locked.length} field(s) that may not change`,
          locked,
        );
      }
      // The same declaration again changes nothing: no new version, no new lane decision (as for an
      // ENS, src/intake/risk-relevance.ts). Compared as stored (jsonb drops undefined members).
      if (isDeepStrictEqual(current.body, JSON.parse(JSON.stringify(decl)))) {
        await this.#audit?.stage(tx, [
          {
            authority: actor.authority,
            actor: auditActor(actor),
            action: 'outcome.decided',
            subject: id,
            details: { kind: 'import-lane', amendment: current.version, unchanged: true, lane: current.lane },
            at: now,
          },
        ]);
        return current;
      }
      // The recorded draws of the lodging, not new ones.
      const { decision } = await this.#decideLane(
        tx,
        actor.authority,
        id,
        decl.office,
        score,
        verdict,
        now,
        risk,
      );
      const previous = current.lane ?? 'green';
      const raised = LANE_ORDER.indexOf(decision.lane) > LANE_ORDER.indexOf(previous);
      const lane = raised ? decision.lane : previous;
      const version = current.version + 1;
      const laneReason = raised
        ? `raised by amendment v${version}: ${decision.reason}; ${verdict === undefined ? 'no active model: not scored' : verdict.explanation}`
        : `${current.laneReason ?? ''}; amendment v${version} kept the lane`;
      await this.#repo.amend(tx, actor.authority, id, {
        body: decl,
        score,
        riskScore: risk?.score ?? null,
        hits: risk?.hits ?? [],
        lane,
        laneReason,
        modelVersion: verdict?.modelVersion ?? null,
        version,
        at: now,
      });
      await this.#audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'outcome.decided',
          subject: id,
          details: { kind: 'import-lane', amendment: version, from: previous, lane, score },
          at: now,
        },
      ]);
      return (await this.#repo.find(tx, actor.authority, id))!;
    });
    return isOfficial(actor) ? officialView(row) : filerView(row);
  }

  /** The filer withdraws a declaration it lodged; its open control tasks are cancelled with it. */
  async invalidate(
    actor: Actor,
    id: string,
    reason: string | undefined,
  ): Promise<ImportView | ImportFilerView> {
    requirePermission(actor, 'import.lodge');
    const now = this.#clock.now();
    const row = await this.#db.forAuthority(actor.authority).transaction(async (tx) => {
      const current = await this.#repo.findForUpdate(tx, actor.authority, id);
      if (current === undefined || !visibleTo(actor, current.lodgedBy)) {
        throw new VigilError(IMPORT_CODES.notFound, `no import declaration ${id} is visible to you`);
      }
      if (current.invalidatedAt !== null) {
        throw new VigilError('VIGIL_CONFLICT', `import declaration ${id} is already invalidated`);
      }
      await this.#repo.invalidate(tx, actor.authority, id, reason ?? null, now);
      await this.#onInvalidated?.(tx, { authority: actor.authority, id });
      await this.#audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'outcome.decided',
          subject: id,
          details: { kind: 'import-invalidated', reason: reason ?? null },
          at: now,
        },
      ]);
      return (await this.#repo.find(tx, actor.authority, id))!;
    });
    return isOfficial(actor) ? officialView(row) : filerView(row);
  }

  async get(actor: Actor, id: string): Promise<ImportView | ImportFilerView> {
    requirePermission(actor, 'import.view');
    const row = await this.#repo.find(this.#db.forAuthority(actor.authority), actor.authority, id);
    if (row !== undefined && (isOfficial(actor) || visibleTo(actor, row.lodgedBy))) {
      // The declaration names its parties (personal data): every read is in the audit trail.
      await this.#auditPartiesRead(actor, [row]);
      return isOfficial(actor) ? officialView(row) : filerView(row);
    }
    // Someone else's declaration is as invisible as a missing one.
    throw new VigilError(IMPORT_CODES.notFound, `no import declaration ${id} is visible to you`);
  }

  async list(actor: Actor, query: unknown): Promise<{ items: ImportView[]; next: string | null }> {
    requirePermission(actor, 'import.read');
    const q = listQuerySchema.safeParse(query, { reportInput: true });
    if (!q.success) {
      throw new VigilError(
        'VIGIL_QUERY_INVALID',
        'a query parameter is invalid',
        fromZodIssues(q.error.issues, 'the query'),
      );
    }
    let after: { lodgedAt: string; id: string } | undefined;
    if (q.data.next !== undefined) {
      const [lodgedAt, cursorId] = Buffer.from(q.data.next, 'base64url').toString('utf8').split('|');
      if (lodgedAt === undefined || cursorId === undefined || Number.isNaN(Date.parse(lodgedAt))) {
        throw new VigilError('VIGIL_QUERY_INVALID', 'next is not a cursor this list gave out');
      }
      after = { lodgedAt, id: cursorId };
    }
    const rows = await this.#repo.list(this.#db.forAuthority(actor.authority), actor.authority, {
      lane: q.data.lane,
      office: q.data.office,
      limit: q.data.limit + 1,
      after,
    });
    const page = rows.slice(0, q.data.limit);
    const last = page[page.length - 1];
    // Each listed declaration carries its parties: one audit entry per declaration read.
    await this.#auditPartiesRead(actor, page);
    return {
      items: page.map(officialView),
      next:
        rows.length > q.data.limit && last !== undefined
          ? Buffer.from(`${last.lodgedAt}|${last.id}`, 'utf8').toString('base64url')
          : null,
    };
  }

  async #auditPartiesRead(
    actor: Actor,
    rows: readonly { readonly id: string; readonly version: number }[],
  ): Promise<void> {
    const audit = this.#audit;
    if (audit === undefined || rows.length === 0) {
      return;
    }
    const at = this.#clock.now();
    await this.#db.forAuthority(actor.authority).transaction((tx) =>
      audit.stage(
        tx,
        rows.map((r) => ({
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'import.parties-read' as const,
          subject: r.id,
          at,
          details: { version: r.version },
        })),
      ),
    );
  }

  /** Today's capacity targets of an office and what was used of them. */
  async capacity(actor: Actor, office: string): Promise<OfficeCapacityView> {
    requirePermission(actor, 'capacity.read');
    const now = this.#clock.now();
    const from = startOfUtcDay(now);
    const db = this.#db.forAuthority(actor.authority);
    const [cap, used] = await Promise.all([
      this.#repo.capacity(db, actor.authority, office),
      this.#repo.lanesUsed(db, actor.authority, office, from, new Date(from.getTime() + DAY_MS)),
    ]);
    return {
      office,
      redPerDay: cap?.redPerDay ?? null,
      yellowPerDay: cap?.yellowPerDay ?? null,
      today: used,
    };
  }

  async setCapacity(actor: Actor, office: string, body: unknown): Promise<OfficeCapacityView> {
    requirePermission(actor, 'capacity.write');
    if (!/^[A-Z]{2}[A-Z0-9]{6}$/.test(office)) {
      throw new VigilError('VIGIL_BAD_REQUEST', `'${office}' is not a customs office reference (an8)`);
    }
    const b = capacityInputSchema.safeParse(body ?? {}, { reportInput: true });
    if (!b.success) {
      throw new VigilError('VIGIL_BAD_REQUEST', 'the request body is invalid', fromZodIssues(b.error.issues));
    }
    await this.#db.forAuthority(actor.authority).transaction(async (tx) => {
      const now = this.#clock.now();
      const before = await this.#repo.capacity(tx, actor.authority, office);
      await this.#repo.setCapacity(
        tx,
        actor.authority,
        office,
        b.data.redPerDay,
        b.data.yellowPerDay,
        auditActor(actor),
        now,
      );
      // Capacity decides how many declarations get a physical or documentary check: audited.
      await this.#audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'capacity.changed',
          subject: office,
          at: now,
          details: {
            from:
              before === undefined
                ? null
                : { redPerDay: before.redPerDay, yellowPerDay: before.yellowPerDay },
            to: { redPerDay: b.data.redPerDay, yellowPerDay: b.data.yellowPerDay },
          },
        },
      ]);
    });
    return this.capacity(actor, office);
  }
}
