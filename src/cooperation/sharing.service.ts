/**
 * Sharing policies and the records shared under them. Each authority states, per data category, with
 * whom it shares and at what level of detail (`summary` or `full`; `none` to say no explicitly); a
 * receiver `*` means every customs authority of the directory (partner agencies are always named).
 * Records are written for each receiver in the transaction of the fact they share: a control result
 * when it is recorded (`control-results`, `seizures`), a consignment when it is selected for control
 * (`risk-analysis`), a watchlist when its entries change (`watchlist-entries`, the shared copy follows
 * the list), every consignment when risk analysis has screened it (`screening`: hit or not, for
 * union-level analysis; withheld when a hit came from a TLP RED or AMBER+STRICT RIF's rule); `rifs`
 * decides which partner agencies receive the authority's RIFs. Every share is in the
 * source's audit trail and every read in the reader's. A policy grants nothing it does not name.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { fromZodIssues } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { SelectedForControl } from '../controls/index.ts';
import { sendToPeers } from './federation-port.ts';
import type { FederationOutbound } from './federation-port.ts';
import type { RifRepository, SharedRecord, SharingRule } from './rif.repository.ts';
import { screeningView } from './screening.ts';
import type { ScreenedConsignment } from './screening.ts';

/** What an authority may share (issue 9). */
export const SHARING_CATEGORIES = [
  'control-results',
  'seizures',
  'rifs',
  'risk-analysis',
  'watchlist-entries',
  'indicators',
  'screening',
] as const;
export type SharingCategory = (typeof SHARING_CATEGORIES)[number];
export const SHARING_LEVELS = ['none', 'summary', 'full'] as const;

export const sharingPolicySchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        category: z.enum(SHARING_CATEGORIES),
        receiver: z.union([z.literal('*'), z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters or *')]),
        level: z.enum(SHARING_LEVELS),
      }),
    )
    .max(1000),
});

/** One entity of a watchlist, as the rules feature's published query gives it. */
export interface WatchlistEntryView {
  readonly id: string;
  readonly value: string;
  readonly aliases: readonly string[];
  readonly type: string | null;
  readonly identifiers: readonly { readonly kind: string; readonly value: string }[];
  readonly note: string | null;
  readonly source: string | null;
  readonly expiresAt: string | null;
}

export interface SharingServiceDeps {
  readonly db: Database;
  readonly repo: RifRepository;
  readonly clock: Clock;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /**
   * A page of a watchlist's entities in value then id order, after the given one (the rules
   * feature's published query).
   */
  readonly watchlistEntries?:
    | ((
        tx: Queryable,
        authority: string,
        list: string,
        page: { after?: { value: string; id: string } | undefined; limit: number },
      ) => Promise<readonly WatchlistEntryView[]>)
    | undefined;
  /** Other nodes: a record shared with a peer's authority is also queued to that peer. */
  readonly federation?: FederationOutbound | undefined;
}

interface ShareRecord {
  readonly id: string;
  readonly source: string;
  readonly recipient: string;
  readonly category: string;
  readonly level: 'summary' | 'full';
  readonly ref: string;
  readonly data: unknown;
  readonly at: Date;
}

/** A consignment newly selected for control: the risk-analysis result a policy may share. */
export type RiskAnalysisResult = SelectedForControl;

/** A control result as the sharing sees it: no remarks, no names, no free text. */
export interface SharedControlResult {
  readonly authority: string;
  readonly resultId: string;
  readonly mrn: string;
  readonly seq: number;
  readonly controlType: string | null;
  readonly result: 'no-irregularity' | 'irregularity' | 'seizure';
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: Date;
  readonly actor: string;
}

export class SharingService {
  readonly #d: SharingServiceDeps;

  constructor(deps: SharingServiceDeps) {
    this.#d = deps;
  }

  async policy(actor: Actor): Promise<{ authority: string; rules: SharingRule[] }> {
    requirePermission(actor, 'sharing.read');
    const rules = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.policy(tx, actor.authority));
    return { authority: actor.authority, rules };
  }

  /** Replaces the authority's whole policy; every receiver must be in the directory. */
  async replacePolicy(actor: Actor, body: unknown): Promise<{ authority: string; rules: SharingRule[] }> {
    requirePermission(actor, 'sharing.write');
    const parsed = sharingPolicySchema.safeParse(body, { reportInput: true });
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const directory = await this.#d.repo.directory(tx);
      const errors = parsed.success ? [] : fromZodIssues(parsed.error.issues, 'the sharing policy');
      if (parsed.success) {
        const seen = new Set<string>();
        parsed.data.rules.forEach((r, i) => {
          if (r.receiver !== '*' && (!directory.has(r.receiver) || r.receiver === actor.authority)) {
            errors.push({
              code: 'VIGIL_RIF_RECIPIENT_UNKNOWN',
              path: `$.rules[${i}].receiver`,
              message: `${r.receiver} is not another authority of this directory`,
            });
          }
          const key = `${r.category}/${r.receiver}`;
          if (seen.has(key)) {
            errors.push({
              code: 'VIGIL_SCHEMA_FORMAT',
              path: `$.rules[${i}]`,
              message: `${key} is stated twice`,
            });
          }
          seen.add(key);
        });
      }
      if (errors.length > 0 || !parsed.success) {
        throw new VigilError(
          'VIGIL_SHARING_POLICY_INVALID',
          `the sharing policy has ${errors.length} error(s)`,
          errors,
        );
      }
      await this.#d.repo.replacePolicy(tx, actor.authority, parsed.data.rules, actor.subject, now);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: 'sharing.changed',
        subject: `sharing-policy:${actor.authority}`,
        details: { rules: parsed.data.rules },
        at: now,
      });
      return { authority: actor.authority, rules: await this.#d.repo.policy(tx, actor.authority) };
    });
  }

  /** The receivers an authority's policy grants a category, each with its level (a named rule beats `*`). */
  async grants(
    tx: Queryable,
    authority: string,
    category: SharingCategory,
  ): Promise<Map<string, 'summary' | 'full'>> {
    const rules = (await this.#d.repo.policy(tx, authority)).filter((r) => r.category === category);
    const out = new Map<string, 'summary' | 'full'>();
    // Every screened consignment asks: most authorities share nothing, and then the directory is moot.
    if (rules.length === 0) {
      return out;
    }
    const directory = await this.#d.repo.directory(tx);
    const wildcard = rules.find((r) => r.receiver === '*');
    if (wildcard !== undefined && wildcard.level !== 'none') {
      for (const e of directory.values()) {
        if (e.kind === 'customs' && e.code !== authority) {
          out.set(e.code, wildcard.level);
        }
      }
    }
    for (const r of rules.filter((x) => x.receiver !== '*')) {
      if (r.level === 'none') {
        out.delete(r.receiver);
      } else if (directory.has(r.receiver)) {
        out.set(r.receiver, r.level);
      }
    }
    return out;
  }

  async receiversOf(tx: Queryable, authority: string, category: SharingCategory): Promise<string[]> {
    return [...(await this.grants(tx, authority, category)).keys()];
  }

  /**
   * In the transaction that stores a control result: shares it with the receivers the source's policy
   * grants `control-results` (and, for a seizure, `seizures`), at each receiver's level.
   */
  async onControlResult(tx: Queryable, r: SharedControlResult): Promise<number> {
    const categories: SharingCategory[] =
      r.result === 'seizure' ? ['control-results', 'seizures'] : ['control-results'];
    const records = [];
    for (const category of categories) {
      for (const [recipient, level] of await this.grants(tx, r.authority, category)) {
        records.push({
          id: randomUUID(),
          source: r.authority,
          recipient,
          category,
          level,
          ref: `${r.mrn}/${r.seq}`,
          data: this.#view(r, level),
          at: r.at,
        });
      }
    }
    if (records.length === 0) {
      return 0;
    }
    const n = await this.#share(tx, records);
    await this.#d.audit?.append(tx, {
      authority: r.authority,
      actor: r.actor,
      action: 'shared.granted',
      subject: r.mrn,
      details: {
        controlResult: r.resultId,
        to: records.map((x) => ({ recipient: x.recipient, category: x.category, level: x.level })),
      },
      at: r.at,
    });
    return n;
  }

  /**
   * In the assessment's transaction, when a consignment is selected for control: shares the risk
   * found with the receivers the policy grants `risk-analysis`. A summary says which risk areas, which
   * control, on what goods from where; full adds the consignment (MRN) and the office.
   */
  async onRiskAnalysis(tx: Queryable, r: RiskAnalysisResult): Promise<number> {
    const grants = await this.grants(tx, r.authority, 'risk-analysis');
    if (grants.size === 0) {
      return 0;
    }
    const summary = {
      riskAreas: [...new Set(r.riskAreas)].sort(),
      controlType: r.controlType,
      selection: r.source,
      hsChapters: [...new Set(r.hsCodes.map((c) => c.slice(0, 2)))].sort(),
      origins: [...new Set(r.origins)].sort(),
      mode: r.mode,
      selectedOn: r.at.toISOString().slice(0, 10),
    };
    const full = {
      ...summary,
      mrn: r.mrn,
      seq: r.seq,
      office: r.office,
      hsCodes: [...new Set(r.hsCodes)].sort(),
      score: r.score,
    };
    return this.#shareConsignment(tx, r, 'risk-analysis', grants, (level) =>
      level === 'full' ? full : summary,
    );
  }

  /**
   * In the assessment's transaction, for every consignment screened: shares whether risk analysis hit
   * it, on what route and goods, with the receivers the policy grants `screening` (summary: no
   * personal data; full: the consignment, its office and its operators by EORI, containers and
   * transport documents). A consignment hit by a rule adopted from a TLP RED or AMBER+STRICT RIF is
   * not shared at all: what such a form told this authority does not travel on, not even as a hit.
   */
  async onScreened(tx: Queryable, s: ScreenedConsignment): Promise<number> {
    const grants = await this.grants(tx, s.authority, 'screening');
    if (grants.size === 0) {
      return 0;
    }
    for (const a of await this.#d.repo.adoptedBy(tx, s.authority, s.ruleIds)) {
      const tlp = (await this.#d.repo.get(tx, a.rifId))?.handling.tlp;
      if (tlp === 'RED' || tlp === 'AMBER+STRICT') {
        return 0;
      }
    }
    return this.#shareConsignment(tx, s, 'screening', grants, (level) => screeningView(s, level));
  }

  /** Shares one consignment's record with each receiver at its level, audited as the assessment's. */
  async #shareConsignment(
    tx: Queryable,
    c: { readonly authority: string; readonly mrn: string; readonly seq: number; readonly at: Date },
    category: SharingCategory,
    grants: ReadonlyMap<string, 'summary' | 'full'>,
    view: (level: 'summary' | 'full') => unknown,
  ): Promise<number> {
    const records = [...grants].map(([recipient, level]) => ({
      id: randomUUID(),
      source: c.authority,
      recipient,
      category,
      level,
      ref: `${c.mrn}/${c.seq}`,
      data: view(level),
      at: c.at,
    }));
    const n = await this.#share(tx, records);
    await this.#d.audit?.append(tx, {
      authority: c.authority,
      actor: 'system:assessment',
      action: 'shared.granted',
      subject: c.mrn,
      details: {
        category,
        seq: c.seq,
        to: records.map((x) => ({ recipient: x.recipient, level: x.level })),
      },
      at: c.at,
    });
    return n;
  }

  /**
   * In the transaction that changed a watchlist: the shared copy of the list follows it (taken back
   * and written again) for the receivers the policy grants `watchlist-entries`, one record per entity
   * (its ref the list and the entity's id: a list may hold one name for several entities). A summary
   * carries the names (value and aliases); full adds each entity's type, identifiers, note, source
   * and expiry.
   */
  async onWatchlistChanged(
    tx: Queryable,
    authority: string,
    list: { name: string; subject: string },
    actor: string,
  ): Promise<number> {
    const grants = await this.grants(tx, authority, 'watchlist-entries');
    const prefix = `${list.name}/`;
    const taken = await this.#d.repo.unshare(tx, authority, 'watchlist-entries', prefix);
    await this.#unshareAtPeers(tx, authority, [...grants.keys()], 'watchlist-entries', prefix);
    if ((grants.size === 0 && taken === 0) || this.#d.watchlistEntries === undefined) {
      return 0;
    }
    const at = this.#d.clock.now();
    let shared = 0;
    let after: { value: string; id: string } | undefined;
    for (;;) {
      const page = await this.#d.watchlistEntries(tx, authority, list.name, { after, limit: 5000 });
      if (page.length === 0) {
        break;
      }
      const records = page.flatMap((e) =>
        [...grants].map(([recipient, level]) => ({
          id: randomUUID(),
          source: authority,
          recipient,
          category: 'watchlist-entries',
          level,
          ref: `${prefix}${e.id}`,
          data:
            level === 'full'
              ? {
                  list: list.name,
                  subject: list.subject,
                  id: e.id,
                  value: e.value,
                  aliases: e.aliases,
                  type: e.type,
                  identifiers: e.identifiers,
                  note: e.note,
                  source: e.source,
                  expiresAt: e.expiresAt,
                }
              : { list: list.name, subject: list.subject, id: e.id, value: e.value, aliases: e.aliases },
          at,
        })),
      );
      shared += await this.#share(tx, records);
      const last = page[page.length - 1]!;
      after = { value: last.value, id: last.id };
    }
    await this.#d.audit?.append(tx, {
      authority,
      actor,
      action: 'shared.granted',
      subject: `watchlist:${list.name}`,
      details: {
        category: 'watchlist-entries',
        records: shared,
        withdrawn: taken,
        to: [...grants].map(([recipient, level]) => ({ recipient, level })),
      },
      at,
    });
    return shared;
  }

  /** Stores shared records; those for a peer's authority also go to that peer, in the same transaction. */
  async #share(tx: Queryable, records: readonly ShareRecord[]): Promise<number> {
    const n = await this.#d.repo.share(tx, records);
    const federation = this.#d.federation;
    if (federation === undefined || records.length === 0) {
      return n;
    }
    const peers = await federation.peers(tx);
    const byPeer = new Map<string, ShareRecord[]>();
    for (const r of records) {
      if (peers.has(r.recipient)) {
        byPeer.set(r.recipient, [...(byPeer.get(r.recipient) ?? []), r]);
      }
    }
    for (const [peer, list] of byPeer) {
      for (let i = 0; i < list.length; i += 2000) {
        await federation.send(tx, {
          from: list[0]!.source,
          to: peer,
          kind: 'shared.records',
          body: {
            records: list.slice(i, i + 2000).map((r) => ({
              id: r.id,
              recipient: r.recipient,
              category: r.category,
              level: r.level,
              ref: r.ref,
              data: r.data,
              at: r.at.toISOString(),
            })),
          },
        });
      }
    }
    return n;
  }

  async #unshareAtPeers(
    tx: Queryable,
    source: string,
    recipients: readonly string[],
    category: string,
    refPrefix: string,
  ): Promise<void> {
    for (const recipient of recipients) {
      await sendToPeers(this.#d.federation, tx, source, [recipient], 'shared.withdrawn', {
        recipient,
        category,
        refPrefix,
      });
    }
  }

  /** A summary says what was found; full adds which consignment and what was at stake. */
  #view(r: SharedControlResult, level: 'summary' | 'full'): Record<string, unknown> {
    const d = r.details;
    const seizure =
      r.result === 'seizure'
        ? { category: d['category'] ?? null, quantity: d['quantity'] ?? null, unit: d['unit'] ?? null }
        : null;
    const summary = {
      result: r.result,
      controlType: r.controlType,
      seizure,
      recordedOn: r.at.toISOString().slice(0, 10),
    };
    if (level === 'summary') {
      return summary;
    }
    return {
      ...summary,
      mrn: r.mrn,
      seq: r.seq,
      recordedAt: r.at.toISOString(),
      irregularity: d['irregularity'] ?? d['type'] ?? null,
      dutyAtStake: d['dutyAtStake'] ?? null,
      taxAtStake: d['taxAtStake'] ?? null,
    };
  }

  /** Records other authorities shared with the actor's, newest first; the read is audited. */
  async shared(
    actor: Actor,
    filter: { category?: string | undefined; source?: string | undefined; limit?: number | undefined } = {},
  ): Promise<SharedRecord[]> {
    requirePermission(actor, 'shared.read');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const items = await this.#d.repo.sharedWith(tx, actor.authority, {
        ...filter,
        limit: filter.limit ?? 200,
      });
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: 'shared.read',
        subject: `shared-results:${actor.authority}`,
        details: { category: filter.category ?? null, source: filter.source ?? null, count: items.length },
        at: now,
      });
      return items;
    });
  }
}
