/**
 * Risk information forms between authorities on one deployment: an analyst drafts a RIF (checked in
 * one pass against the contract, the directory and the clock, with near-duplicates of active RIFs
 * shown), issues it to named authorities or all, amends it (a new version; recipients see that it
 * changed) and withdraws it; a recipient reads it, adopts it as a live rule in one step (generated,
 * type-checked, backtested on its own history, then activated) or notes or declines it, and gives
 * feedback: by hand, and from every control result on a consignment its RIF rule hit, written by
 * Vigil in the control's own transaction. Feedback due and missing is overdue. Every state change is
 * in the audit trail of the authority that made it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import { fromZodIssues } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import type { AuditAction, AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { BacktestResult, RuleService } from '../rules/index.ts';
import type { StoredRule } from '../rules/index.ts';
import { ruleFromRif, unexpressedIndicators } from './rif-rule.ts';
import { sendRif, sendToPeers } from './federation-port.ts';
import type { FederationOutbound } from './federation-port.ts';
import { findDuplicates } from './rif-similarity.ts';
import { feedbackInputSchema, rifInputSchemaFor } from './rif.schema.ts';
import type { DirectoryEntry, ParsedRifInput, Rif, RifDelivery, RifFeedback } from './rif.schema.ts';
import type { RifRepository } from './rif.repository.ts';
import type { SharingService } from './sharing.service.ts';

export interface RifServiceDeps {
  readonly db: Database;
  readonly repo: RifRepository;
  readonly rules: Pick<
    RuleService,
    'create' | 'update' | 'backtest' | 'backtestProposal' | 'setStatus' | 'get'
  >;
  readonly sharing: SharingService;
  readonly clock: Clock;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  readonly ids?: (() => string) | undefined;
  /** Other nodes: what concerns a peer's authority is also queued to that peer (src/federation). */
  readonly federation?: FederationOutbound | undefined;
}

/** Where a delivered RIF stands for its recipient, as the inbox shows it. */
export interface InboxEntry {
  readonly rif: Rif;
  readonly delivery: RifDelivery;
  /** Labels for the inbox: the delivery's state, plus amended / feedback-due / overdue. */
  readonly labels: readonly string[];
}

export interface DuplicateCandidate {
  readonly id: string;
  readonly issuer: string;
  /** Absent when the candidate is not visible to the drafter: only its issuer and score are shown. */
  readonly title?: string | undefined;
  readonly score: number;
  readonly shared: readonly { readonly indicator: string; readonly values: readonly string[] }[];
}

export interface FeedbackView {
  readonly feedback: readonly RifFeedback[];
  /** Per recipient: its delivery, how much feedback it gave, and whether due feedback is missing. */
  readonly recipients: readonly {
    readonly authority: string;
    readonly state: string;
    readonly feedbackCount: number;
    readonly overdue: boolean;
  }[];
}

export interface AdoptionResult {
  readonly rule: StoredRule | (Record<string, unknown> & { id: string });
  readonly backtest: BacktestResult | null;
  readonly activated: boolean;
  readonly delivery: RifDelivery | null;
  /** Indicators of the RIF the rule cannot test (country of dispatch: not in an ENS), and why. */
  readonly notExpressed: readonly { readonly indicator: string; readonly why: string }[];
}

const DEFAULT_BACKTEST_DAYS = 90;
const DAY_MS = 86_400_000;
const auditActor = (a: Actor): string => `${a.role}:${a.subject}`;

/** The effective status: an issued RIF whose validity is over is expired, swept or not. */
function effective(rif: Rif, now: Date): Rif {
  return rif.status === 'issued' && Date.parse(rif.validUntil) <= now.getTime()
    ? { ...rif, status: 'expired' }
    : rif;
}

function invalid(errors: FieldError[]): VigilError {
  return new VigilError(
    'VIGIL_RIF_INVALID',
    `the risk information form has ${errors.length} error(s)`,
    errors,
  );
}

export class RifService {
  readonly #d: RifServiceDeps;
  readonly #ids: () => string;

  constructor(deps: RifServiceDeps) {
    this.#d = deps;
    this.#ids = deps.ids ?? (() => randomBytes(5).toString('hex').toUpperCase());
  }

  async #audit(
    tx: Queryable,
    actor: Actor | string,
    authority: string,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.#d.audit?.append(tx, {
      authority,
      actor: typeof actor === 'string' ? actor : auditActor(actor),
      action,
      subject,
      details,
      at,
    });
  }

  // ——— The directory ———

  async directory(actor: Actor): Promise<DirectoryEntry[]> {
    requirePermission(actor, 'directory.read');
    return [...(await this.#d.repo.directory(this.#d.db.forAuthority(actor.authority))).values()];
  }

  async putAuthority(actor: Actor, code: string, body: unknown): Promise<DirectoryEntry> {
    requirePermission(actor, 'directory.write');
    const b = body as { name?: unknown; kind?: unknown } | null;
    const errors: FieldError[] = [];
    if (!/^[A-Z]{2,4}$/.test(code)) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.code',
        message: `'${code}' is not 2–4 capital letters`,
      });
    }
    if (typeof b?.name !== 'string' || b.name.trim() === '' || b.name.length > 200) {
      errors.push({
        code: 'VIGIL_SCHEMA_REQUIRED',
        path: '$.name',
        message: 'a name of 1 to 200 characters',
      });
    }
    if (b?.kind !== 'customs' && b?.kind !== 'partner') {
      errors.push({ code: 'VIGIL_SCHEMA_FORMAT', path: '$.kind', message: "kind is 'customs' or 'partner'" });
    }
    if (errors.length > 0) {
      throw new VigilError(
        'VIGIL_AUTHORITY_INVALID',
        `the directory entry has ${errors.length} error(s)`,
        errors,
      );
    }
    const entry: DirectoryEntry = {
      code,
      name: (b!.name as string).trim(),
      kind: b!.kind as 'customs' | 'partner',
    };
    const now = this.#d.clock.now();
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.putAuthority(tx, entry, now);
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'directory.changed',
        `authority:${code}`,
        { ...entry },
        now,
      );
    });
    return entry;
  }

  // ——— Drafting, issuing, amending, withdrawing ———

  async #parse(tx: Queryable, actor: Actor, body: unknown): Promise<ParsedRifInput> {
    const directory = await this.#d.repo.directory(tx);
    const r = rifInputSchemaFor({ issuer: actor.authority, directory, now: this.#d.clock.now() }).safeParse(
      body,
      {
        reportInput: true,
      },
    );
    if (!r.success) {
      throw invalid(fromZodIssues(r.error.issues, 'the risk information form'));
    }
    return r.data;
  }

  async create(actor: Actor, body: unknown): Promise<{ rif: Rif; duplicates: DuplicateCandidate[] }> {
    requirePermission(actor, 'rif.write');
    const now = this.#d.clock.now();
    const rif = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const input = await this.#parse(tx, actor, body);
      const rif: Rif = {
        ...input,
        id: `${actor.authority}-RIF-${this.#ids()}`,
        version: 1,
        issuer: actor.authority,
        author: actor.subject,
        status: 'draft',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        issuedAt: null,
        withdrawnAt: null,
        withdrawalReason: null,
      };
      await this.#d.repo.insert(tx, rif, now);
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.drafted',
        `rif:${rif.id}`,
        { version: 1, title: rif.title, tlp: rif.handling.tlp },
        now,
      );
      return rif;
    });
    return { rif, duplicates: await this.duplicatesOf(actor, rif) };
  }

  /** A draft is edited in place (a new version, still a draft); an issued RIF is amended. */
  async update(
    actor: Actor,
    id: string,
    body: unknown,
  ): Promise<{ rif: Rif; duplicates: DuplicateCandidate[] }> {
    requirePermission(actor, 'rif.write');
    const now = this.#d.clock.now();
    const rif = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const current = await this.#own(tx, actor, id, true);
      if (current.status !== 'draft' && current.status !== 'issued') {
        throw new VigilError('VIGIL_RIF_STATE', `RIF ${id} is ${current.status}; it can no longer change`);
      }
      const input = await this.#parse(tx, actor, body);
      const next: Rif = {
        ...current,
        ...input,
        version: current.version + 1,
        author: actor.subject,
        updatedAt: now.toISOString(),
      };
      await this.#d.repo.update(tx, next, now);
      if (current.status === 'issued') {
        // Recipients keep their state; their delivery names the version they saw, so the inbox
        // shows the RIF as amended. Authorities added as recipients receive it now.
        await this.#d.repo.deliver(tx, next, await this.#recipients(tx, next), now);
        const to = (await this.#d.repo.deliveries(tx, id)).map((d) => d.authority);
        await sendRif(this.#d.federation, tx, next, to, 'rif.amended');
      }
      await this.#audit(
        tx,
        actor,
        actor.authority,
        current.status === 'issued' ? 'rif.amended' : 'rif.drafted',
        `rif:${id}`,
        { version: next.version, title: next.title, tlp: next.handling.tlp },
        now,
      );
      return next;
    });
    return { rif, duplicates: await this.duplicatesOf(actor, rif) };
  }

  async issue(actor: Actor, id: string): Promise<{ rif: Rif; deliveredTo: string[] }> {
    requirePermission(actor, 'rif.write');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const rif = await this.#own(tx, actor, id, true);
      if (rif.status !== 'draft') {
        throw new VigilError('VIGIL_RIF_STATE', `RIF ${id} is ${rif.status}; only a draft is issued`);
      }
      // The world may have changed since the draft: the validity may be over, a recipient gone.
      const {
        id: _i,
        version: _v,
        issuer: _is,
        author: _a,
        status: _s,
        createdAt: _c,
        updatedAt: _u,
        issuedAt: _ia,
        withdrawnAt: _w,
        withdrawalReason: _wr,
        ...body
      } = rif;
      await this.#parse(tx, actor, body);
      const recipients = await this.#recipients(tx, rif);
      await this.#d.repo.setStatus(tx, id, 'issued', now);
      await this.#d.repo.deliver(tx, rif, recipients, now);
      const deliveredTo = recipients.map((r) => r.code);
      const issued: Rif = {
        ...rif,
        status: 'issued',
        issuedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await sendRif(this.#d.federation, tx, issued, deliveredTo, 'rif.issued');
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.issued',
        `rif:${id}`,
        { version: rif.version, recipients: deliveredTo, tlp: rif.handling.tlp },
        now,
      );
      return { rif: issued, deliveredTo };
    });
  }

  /**
   * Who receives a RIF: the named customs authorities (or every one but the issuer), the partner
   * agencies it names, and the partner agencies the issuer's sharing policy grants RIFs — never for
   * TLP RED or AMBER+STRICT, which go to those named only.
   */
  async #recipients(tx: Queryable, rif: Rif): Promise<{ code: string; kind: 'customs' | 'partner' }[]> {
    const directory = await this.#d.repo.directory(tx);
    const customs =
      rif.recipients === 'all'
        ? [...directory.values()]
            .filter((e) => e.kind === 'customs' && e.code !== rif.issuer)
            .map((e) => e.code)
        : [...rif.recipients];
    const partners = new Set(rif.partnerAgencies);
    if (rif.handling.tlp !== 'RED' && rif.handling.tlp !== 'AMBER+STRICT') {
      for (const code of await this.#d.sharing.receiversOf(tx, rif.issuer, 'rifs')) {
        if (directory.get(code)?.kind === 'partner') {
          partners.add(code);
        }
      }
    }
    return [
      ...customs.map((code) => ({ code, kind: 'customs' as const })),
      ...[...partners].filter((p) => p !== rif.issuer).map((code) => ({ code, kind: 'partner' as const })),
    ];
  }

  async withdraw(actor: Actor, id: string, reason: string): Promise<Rif> {
    requirePermission(actor, 'rif.write');
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000) {
      throw invalid([
        {
          code: 'VIGIL_SCHEMA_REQUIRED',
          path: '$.reason',
          message: 'a withdrawal says why (1 to 1000 characters)',
        },
      ]);
    }
    const now = this.#d.clock.now();
    const { rif, adopted } = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const rif = await this.#own(tx, actor, id, true);
      if (rif.status !== 'issued') {
        throw new VigilError(
          'VIGIL_RIF_STATE',
          `RIF ${id} is ${rif.status}; only an issued RIF is withdrawn`,
        );
      }
      await this.#d.repo.setStatus(tx, id, 'withdrawn', now, { reason: reason.trim() });
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.withdrawn',
        `rif:${id}`,
        { version: rif.version, reason: reason.trim() },
        now,
      );
      const deliveries = await this.#d.repo.deliveries(tx, id);
      await this.#toPeers(
        tx,
        deliveries.map((d) => d.authority),
        actor.authority,
        'rif.withdrawn',
        { rifId: id, version: rif.version, reason: reason.trim() },
      );
      const adopted = deliveries.filter((d) => d.ruleId !== null);
      return {
        rif: {
          ...rif,
          status: 'withdrawn' as const,
          withdrawnAt: now.toISOString(),
          updatedAt: now.toISOString(),
          withdrawalReason: reason.trim(),
        },
        adopted,
      };
    });
    // The rules recipients adopted from it retire: the issuer's withdrawal acts in each recipient's
    // rules as the system, in that recipient's audit trail.
    for (const d of adopted) {
      await this.#retireAdopted(d.authority, d.ruleId!, `RIF ${id} was withdrawn by ${actor.authority}`);
    }
    return rif;
  }

  /** Queues a message to each of `to` that is a peer (another node's authority). */
  async #toPeers(
    tx: Queryable,
    to: readonly string[],
    from: string,
    kind: 'rif.withdrawn' | 'rif.delivery' | 'rif.feedback',
    body: unknown,
  ): Promise<void> {
    await sendToPeers(this.#d.federation, tx, from, to, kind, body);
  }

  /** A recipient's delivery, as its issuer on another node sees it (no local rule id travels). */
  async #deliveryToIssuer(tx: Queryable, rif: Rif, authority: string): Promise<void> {
    const d = await this.#d.repo.delivery(tx, rif.id, authority);
    if (d !== undefined) {
      const { ruleId: _rule, deliveredAt: _at, ...delivery } = d;
      await this.#toPeers(tx, [rif.issuer], authority, 'rif.delivery', { delivery });
    }
  }

  /** Retires a rule an authority adopted from a RIF now withdrawn (here or by a peer's message). */
  async retireAdopted(authority: string, ruleId: string, why: string): Promise<void> {
    await this.#retireAdopted(authority, ruleId, why);
  }

  async #retireAdopted(authority: string, ruleId: string, why: string): Promise<void> {
    const system: Actor = { subject: `vigil:${why}`.slice(0, 120), authority, role: 'admin' };
    try {
      const { rule } = await this.#d.rules.get(system, ruleId);
      if (rule.status === 'active') {
        await this.#d.rules.setStatus(system, ruleId, 'retired');
      }
    } catch (err) {
      if (!(err instanceof VigilError && err.code === 'VIGIL_RULE_NOT_FOUND')) {
        throw err;
      }
    }
  }

  /**
   * Marks issued RIFs whose validity is over as expired, in each issuer's audit trail (their adopted
   * rules end by their own validity). Run by the server on a timer; returns how many expired.
   */
  async expireDue(limit = 500): Promise<number> {
    const now = this.#d.clock.now();
    const due = await this.#d.repo.due(this.#d.db, now, limit);
    for (const { id, authority } of due) {
      await this.#d.db.forAuthority(authority).transaction(async (tx) => {
        const rif = await this.#d.repo.get(tx, id, true);
        if (rif?.status !== 'issued' || Date.parse(rif.validUntil) > now.getTime()) {
          return;
        }
        await this.#d.repo.setStatus(tx, id, 'expired', now);
        await this.#audit(
          tx,
          'system:vigil',
          authority,
          'rif.expired',
          `rif:${id}`,
          { version: rif.version, validUntil: rif.validUntil },
          now,
        );
      });
    }
    return due.length;
  }

  // ——— Reading ———

  /** The issuer's own RIF, or a refusal that does not say whether another authority has one. */
  async #own(tx: Queryable, actor: Actor, id: string, forUpdate = false): Promise<Rif> {
    // Read first without a lock: a recipient may read the row but not lock it, and is told why.
    const seen = await this.#d.repo.get(tx, id);
    const rif =
      seen !== undefined && seen.issuer === actor.authority && forUpdate
        ? await this.#d.repo.get(tx, id, true)
        : seen;
    if (rif === undefined || rif.issuer !== actor.authority) {
      if (rif !== undefined) {
        throw new VigilError(
          'VIGIL_FORBIDDEN',
          `RIF ${id} was issued by ${rif.issuer}; only its issuer changes it`,
        );
      }
      throw new VigilError('VIGIL_RIF_NOT_FOUND', `no RIF ${id} is visible to ${actor.authority}`);
    }
    return rif;
  }

  /**
   * One RIF: the issuer sees its deliveries too; a recipient sees the RIF and its own delivery, and
   * its first read marks the delivery read (in its audit trail, as every read of shared data is).
   */
  async get(
    actor: Actor,
    id: string,
    version?: number,
  ): Promise<{
    rif: Rif;
    versions: { version: number; author: string; at: string }[];
    deliveries?: RifDelivery[];
    delivery?: RifDelivery;
  }> {
    requirePermission(actor, 'rif.read');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const found = await this.#d.repo.get(tx, id);
      if (found === undefined) {
        throw new VigilError('VIGIL_RIF_NOT_FOUND', `no RIF ${id} is visible to ${actor.authority}`);
      }
      let rif = effective(found, now);
      if (version !== undefined && version !== rif.version) {
        const body = await this.#d.repo.versionOf(tx, id, version);
        if (body === undefined) {
          throw new VigilError('VIGIL_RIF_NOT_FOUND', `RIF ${id} has no version ${version}`);
        }
        rif = { ...rif, ...body, version };
      }
      const versions = await this.#d.repo.versions(tx, id);
      if (rif.issuer === actor.authority) {
        return { rif, versions, deliveries: await this.#d.repo.deliveries(tx, id) };
      }
      const delivery = await this.#d.repo.delivery(tx, id, actor.authority, true);
      if (delivery !== undefined && delivery.state === 'unread') {
        await this.#d.repo.setDelivery(tx, id, actor.authority, { state: 'read', version: found.version });
        await this.#deliveryToIssuer(tx, found, actor.authority);
      }
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.read',
        `rif:${id}`,
        { version: rif.version, issuer: rif.issuer },
        now,
      );
      const seen =
        delivery === undefined
          ? undefined
          : { ...delivery, state: delivery.state === 'unread' ? ('read' as const) : delivery.state };
      return { rif, versions, ...(seen !== undefined ? { delivery: seen } : {}) };
    });
  }

  /** The RIFs an authority issued (drafts included), newest change first. */
  async issued(actor: Actor, limit = 200): Promise<Rif[]> {
    requirePermission(actor, 'rif.read');
    const now = this.#d.clock.now();
    const rifs = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.issuedBy(tx, actor.authority, limit));
    return rifs.map((r) => effective(r, now));
  }

  /** The RIFs delivered to the actor's authority, with the inbox's labels; `label` filters. */
  async inbox(actor: Actor, label?: string, limit = 200): Promise<InboxEntry[]> {
    requirePermission(actor, 'rif.read');
    const now = this.#d.clock.now();
    const entries = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const rows = await this.#d.repo.inbox(tx, actor.authority, limit);
      const out: InboxEntry[] = [];
      for (const { rif: raw, delivery } of rows) {
        const rif = effective(raw, now);
        const labels: string[] = [delivery.state];
        if (rif.status !== 'issued') {
          labels.push(rif.status);
        }
        if (delivery.version < rif.version && delivery.state !== 'unread') {
          labels.push('amended');
        }
        if (
          delivery.kind === 'customs' &&
          rif.feedback.required &&
          rif.feedback.dueAt !== undefined &&
          delivery.state !== 'declined'
        ) {
          const given = (await this.#d.repo.feedback(tx, rif.id)).some(
            (f) => f.authority === actor.authority,
          );
          if (!given) {
            labels.push(Date.parse(rif.feedback.dueAt) <= now.getTime() ? 'overdue' : 'feedback-due');
          }
        }
        out.push({ rif, delivery, labels });
      }
      return out;
    });
    return label === undefined ? entries : entries.filter((e) => e.labels.includes(label));
  }

  /**
   * Active RIFs of any authority whose indicators overlap: those the actor may read in full, the
   * others with only their issuer and score (so analysts can deconflict), TLP RED ones never.
   */
  async duplicatesOf(actor: Actor, rif: Rif): Promise<DuplicateCandidate[]> {
    const now = this.#d.clock.now();
    // Read as the service: duplicates are looked for across every authority's active RIFs.
    const all = (await this.#d.repo.active(this.#d.db, now)).filter((r) => r.id !== rif.id);
    const visible = new Set(
      (await this.#d.db.forAuthority(actor.authority).transaction((tx) => this.#d.repo.active(tx, now))).map(
        (r) => r.id,
      ),
    );
    const shareable = all.filter((r) => visible.has(r.id) || r.handling.tlp !== 'RED');
    const found = findDuplicates(
      rif.indicators,
      shareable.map((r) => ({ id: r.id, issuer: r.issuer, title: r.title, indicators: r.indicators })),
    );
    return found.map((c) => ({
      id: c.id,
      issuer: c.issuer,
      score: c.score,
      ...(visible.has(c.id) ? { title: c.title, shared: c.shared } : { shared: [] }),
    }));
  }

  // ——— Receiving ———

  async #delivered(tx: Queryable, actor: Actor, id: string): Promise<{ rif: Rif; delivery: RifDelivery }> {
    const rif = await this.#d.repo.get(tx, id);
    const delivery =
      rif === undefined ? undefined : await this.#d.repo.delivery(tx, id, actor.authority, true);
    if (rif === undefined || delivery === undefined) {
      throw new VigilError('VIGIL_RIF_NOT_FOUND', `no RIF ${id} was delivered to ${actor.authority}`);
    }
    return { rif, delivery };
  }

  /**
   * Adopting is one step: the rule generated from the indicators is saved (type-checked), backtested
   * on the recipient's own history, and activated unless `activate` is false or `dryRun` asks only
   * to see it. Adopting again (after an amendment) makes a new version of the same rule.
   */
  async adopt(
    actor: Actor,
    id: string,
    options: {
      activate?: boolean | undefined;
      dryRun?: boolean | undefined;
      backtestDays?: number | undefined;
    } = {},
  ): Promise<AdoptionResult> {
    requirePermission(actor, 'rif.decide');
    const now = this.#d.clock.now();
    const scoped = this.#d.db.forAuthority(actor.authority);
    const { rif, delivery } = await scoped.transaction((tx) => this.#delivered(tx, actor, id));
    if (delivery.kind !== 'customs') {
      throw new VigilError('VIGIL_FORBIDDEN', 'a partner agency does not adopt RIFs as rules');
    }
    const live = effective(rif, now);
    if (live.status !== 'issued') {
      throw new VigilError('VIGIL_RIF_STATE', `RIF ${id} is ${live.status}; only an issued RIF is adopted`);
    }
    const rule = ruleFromRif(rif);
    const days = Math.min(Math.max(options.backtestDays ?? DEFAULT_BACKTEST_DAYS, 1), 366);
    const window = { from: new Date(now.getTime() - days * DAY_MS), to: now };
    if (options.dryRun === true) {
      // The preview: the rule adoption would make, backtested on this authority's history, stored nowhere.
      return {
        rule: { ...rule },
        backtest: await this.#d.rules.backtestProposal(actor, rule, window),
        activated: false,
        delivery,
        notExpressed: unexpressedIndicators(rif.indicators),
      };
    }
    const existing = await this.#d.rules.get(actor, rule.id).catch((err: unknown) => {
      if (err instanceof VigilError && err.code === 'VIGIL_RULE_NOT_FOUND') {
        return undefined;
      }
      throw err;
    });
    const draft = { ...rule, status: 'draft' as const };
    const saved =
      existing === undefined
        ? await this.#d.rules.create(actor, draft)
        : await this.#d.rules.update(actor, rule.id, draft);
    const backtest = await this.#d.rules.backtest(actor, rule.id, window);
    const activate = options.activate ?? true;
    const final = activate ? await this.#d.rules.setStatus(actor, rule.id, 'active') : saved;
    const decided = await scoped.transaction(async (tx) => {
      await this.#d.repo.setDelivery(tx, id, actor.authority, {
        state: 'adopted',
        version: rif.version,
        reason: null,
        ruleId: rule.id,
        by: actor.subject,
        at: now,
      });
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.adopted',
        `rif:${id}`,
        {
          version: rif.version,
          issuer: rif.issuer,
          rule: rule.id,
          ruleVersion: final.version,
          activated: activate,
          backtestHits: backtest.consignmentsHit,
        },
        now,
      );
      await this.#deliveryToIssuer(tx, rif, actor.authority);
      return this.#d.repo.delivery(tx, id, actor.authority);
    });
    return {
      rule: final,
      backtest,
      activated: activate,
      delivery: decided ?? null,
      notExpressed: unexpressedIndicators(rif.indicators),
    };
  }

  async decide(actor: Actor, id: string, body: unknown): Promise<RifDelivery> {
    requirePermission(actor, 'rif.decide');
    const b = body as { decision?: unknown; reason?: unknown } | null;
    const errors: FieldError[] = [];
    if (b?.decision !== 'noted' && b?.decision !== 'declined') {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.decision',
        message: "decision is 'noted' or 'declined'",
      });
    }
    const reason = typeof b?.reason === 'string' ? b.reason.trim() : undefined;
    if (b?.reason !== undefined && (reason === undefined || reason === '' || reason.length > 1000)) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.reason',
        message: 'a reason of 1 to 1000 characters',
      });
    } else if (b?.decision === 'declined' && reason === undefined) {
      errors.push({ code: 'VIGIL_SCHEMA_REQUIRED', path: '$.reason', message: 'declining a RIF says why' });
    }
    if (errors.length > 0) {
      throw invalid(errors);
    }
    const decision = b!.decision as 'noted' | 'declined';
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const { rif, delivery } = await this.#delivered(tx, actor, id);
      if (delivery.state === 'adopted') {
        throw new VigilError(
          'VIGIL_RIF_STATE',
          `RIF ${id} was adopted as rule ${delivery.ruleId ?? ''}; retire the rule first`,
        );
      }
      await this.#d.repo.setDelivery(tx, id, actor.authority, {
        state: decision,
        version: rif.version,
        reason: reason ?? null,
        by: actor.subject,
        at: now,
      });
      await this.#audit(
        tx,
        actor,
        actor.authority,
        decision === 'noted' ? 'rif.noted' : 'rif.declined',
        `rif:${id}`,
        { version: rif.version, issuer: rif.issuer, reason: reason ?? null },
        now,
      );
      await this.#deliveryToIssuer(tx, rif, actor.authority);
      return (await this.#d.repo.delivery(tx, id, actor.authority))!;
    });
  }

  // ——— Feedback ———

  async giveFeedback(actor: Actor, id: string, body: unknown): Promise<RifFeedback> {
    requirePermission(actor, 'rif.feedback');
    const parsed = feedbackInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw invalid(fromZodIssues(parsed.error.issues, 'the feedback'));
    }
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const { rif, delivery } = await this.#delivered(tx, actor, id);
      if (delivery.kind !== 'customs') {
        throw new VigilError(
          'VIGIL_FORBIDDEN',
          'feedback on a RIF comes from the customs authorities it was sent to',
        );
      }
      const f: RifFeedback = {
        id: randomUUID(),
        rifId: id,
        rifVersion: rif.version,
        authority: actor.authority,
        kind: 'manual',
        at: now.toISOString(),
        controlType: null,
        result: null,
        seizure: null,
        usefulness: parsed.data.usefulness,
        comment: parsed.data.comment ?? null,
        controlsDone: parsed.data.controlsDone ?? null,
        mrn: null,
      };
      await this.#d.repo.insertFeedback(tx, f, rif.issuer, null);
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'rif.feedback-given',
        `rif:${id}`,
        { feedback: f.id, kind: 'manual', usefulness: f.usefulness },
        now,
      );
      await this.#toPeers(tx, [rif.issuer], actor.authority, 'rif.feedback', { feedback: f });
      return f;
    });
  }

  /** The issuer sees all feedback and who owes it; a recipient sees the feedback it gave. */
  async feedbackOf(actor: Actor, id: string): Promise<FeedbackView> {
    requirePermission(actor, 'rif.read');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const rif = await this.#d.repo.get(tx, id);
      if (rif === undefined) {
        throw new VigilError('VIGIL_RIF_NOT_FOUND', `no RIF ${id} is visible to ${actor.authority}`);
      }
      const feedback = await this.#d.repo.feedback(tx, id);
      if (rif.issuer !== actor.authority) {
        return { feedback: feedback.filter((f) => f.authority === actor.authority), recipients: [] };
      }
      const due =
        rif.feedback.required &&
        rif.feedback.dueAt !== undefined &&
        Date.parse(rif.feedback.dueAt) <= now.getTime();
      const recipients = (await this.#d.repo.deliveries(tx, id))
        .filter((d) => d.kind === 'customs')
        .map((d) => {
          const count = feedback.filter((f) => f.authority === d.authority).length;
          return {
            authority: d.authority,
            state: d.state,
            feedbackCount: count,
            overdue: due && count === 0 && d.state !== 'declined',
          };
        });
      await this.#audit(
        tx,
        actor,
        actor.authority,
        'shared.read',
        `rif:${id}`,
        { what: 'feedback', count: feedback.length },
        now,
      );
      return { feedback, recipients };
    });
  }

  /**
   * Called in the transaction that stores a control result: every RIF whose adopted rule selected
   * the consignment gets the result as feedback, without anyone typing it again. No personal data:
   * the kind of result, the control type, the seizure's category and quantity; the MRN only when
   * the RIF's TLP label lets it travel (CLEAR, GREEN).
   */
  async onControlResult(
    tx: Queryable,
    r: {
      readonly authority: string;
      readonly resultId: string;
      readonly mrn: string;
      readonly ruleIds: readonly string[];
      readonly controlType: string | null;
      readonly result: 'no-irregularity' | 'irregularity' | 'seizure';
      readonly details: Readonly<Record<string, unknown>>;
      readonly at: Date;
      readonly actor: string;
    },
  ): Promise<number> {
    const adopted = await this.#d.repo.adoptedBy(tx, r.authority, r.ruleIds);
    let written = 0;
    for (const a of adopted) {
      const rif = await this.#d.repo.get(tx, a.rifId);
      if (rif === undefined) {
        continue;
      }
      const seizure =
        r.result === 'seizure' && typeof r.details['category'] === 'string'
          ? {
              category: r.details['category'],
              quantity: Number(r.details['quantity'] ?? 0),
              unit: typeof r.details['unit'] === 'string' ? r.details['unit'] : '',
            }
          : null;
      const f: RifFeedback = {
        id: randomUUID(),
        rifId: rif.id,
        rifVersion: rif.version,
        authority: r.authority,
        kind: 'control',
        at: r.at.toISOString(),
        controlType: r.controlType,
        result: r.result,
        seizure,
        usefulness: null,
        comment: null,
        controlsDone: 1,
        mrn: rif.handling.tlp === 'CLEAR' || rif.handling.tlp === 'GREEN' ? r.mrn : null,
      };
      // One feedback per result and RIF: the result id makes a redelivered result a no-op.
      if (await this.#d.repo.insertFeedback(tx, f, rif.issuer, `${r.resultId}:${rif.id}`)) {
        written++;
        await this.#audit(
          tx,
          r.actor,
          r.authority,
          'rif.feedback-given',
          `rif:${rif.id}`,
          { feedback: f.id, kind: 'control', result: r.result, controlResult: r.resultId },
          r.at,
        );
        await this.#toPeers(tx, [rif.issuer], r.authority, 'rif.feedback', { feedback: f });
      }
    }
    return written;
  }
}
