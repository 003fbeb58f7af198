/**
 * IPR applications for action as customs apply them, pure: which applications are in force on a day
 * and cover a goods code, whether a party of a filing is one of an application's authorised
 * manufacturers or distributors, and the screen the assessment and rules ask for protected brands in
 * goods descriptions (`IprScreen`: one `BrandIndex` over every brand and alias of the authority's
 * applications, built once per change of the register).
 */
import type { Consignment, Filing, Party, SignalHit } from '../domain/index.ts';
import { fuzzyScore } from '../risk/index.ts';
import type { BrandScreen, IprBrandMatch } from '../risk/index.ts';
import { BrandIndex, BRAND_THRESHOLD } from './brand-index.ts';
import type { BrandFound } from './brand-index.ts';

export const IPR_KINDS = ['national', 'union'] as const;
export type IprKind = (typeof IPR_KINDS)[number];
export const IPR_STATUSES = ['granted', 'suspended', 'expired'] as const;
export type IprStatus = (typeof IPR_STATUSES)[number];
export const AUTHORISED_ROLES = ['manufacturer', 'distributor', 'licensee', 'importer'] as const;
export type AuthorisedRole = (typeof AUTHORISED_ROLES)[number];

export interface IprBrand {
  /** The trademark or brand name as registered. */
  readonly name: string;
  /** The trademark's registration number (EUTM, national, international). */
  readonly registration: string | null;
  /** Other spellings and other scripts of the name ("Зентрова"). */
  readonly aliases: readonly string[];
}

export interface IprAuthorised {
  readonly role: AuthorisedRole;
  readonly eori: string | null;
  readonly name: string | null;
  readonly country: string | null;
}

export interface RightHolder {
  readonly name: string;
  readonly address: string | null;
  readonly contact: string | null;
}

/** An application for action as the checks need it. Days are ISO dates, both ends included. */
export interface IprApplicationFacts {
  readonly number: string;
  readonly kind: IprKind;
  readonly rightHolder: RightHolder;
  readonly brands: readonly IprBrand[];
  /** Goods codes or their first digits; empty: any goods. */
  readonly goods: readonly string[];
  readonly authorised: readonly IprAuthorised[];
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly status: IprStatus;
}

/** In force on `day`: granted and within its validity. */
export function inForce(a: IprApplicationFacts, day: string): boolean {
  return a.status === 'granted' && a.validFrom <= day && (a.validUntil === null || day <= a.validUntil);
}

/** Does the application cover goods of this code (any when it names none)? */
export function coversGoods(a: IprApplicationFacts, hsCode: string): boolean {
  return a.goods.length === 0 || a.goods.some((p) => hsCode.startsWith(p));
}

/** A party's name matches an authorised operator's at least this well. */
export const AUTHORISED_NAME_THRESHOLD = 0.85;

/**
 * The authorised operator of the application a party is, by EORI, else by name through the matcher;
 * undefined when it is none.
 */
export function authorisedAs(
  a: IprApplicationFacts,
  party: { readonly name?: string | undefined; readonly eori?: string | undefined },
): IprAuthorised | undefined {
  for (const o of a.authorised) {
    if (
      o.eori !== null &&
      party.eori !== undefined &&
      o.eori === party.eori.replace(/\s+/g, '').toUpperCase()
    ) {
      return o;
    }
  }
  if (party.name === undefined || party.name.trim() === '') {
    return undefined;
  }
  for (const o of a.authorised) {
    if (o.name !== null && fuzzyScore(party.name, o.name) >= AUTHORISED_NAME_THRESHOLD) {
      return o;
    }
  }
  return undefined;
}

/** The parties whose authorisation clears a consignment: consignor, seller, manufacturers (DE 13 14 MF). */
function supplyingParties(c: Consignment): { role: string; party: Partial<Party> }[] {
  const out: { role: string; party: Partial<Party> }[] = [];
  if (c.consignor !== undefined) {
    out.push({ role: 'consignor', party: c.consignor });
  }
  if (c.seller !== undefined) {
    out.push({ role: 'seller', party: c.seller });
  }
  for (const a of c.additionalSupplyChainActors ?? []) {
    if (a.role === 'MF') {
      out.push({ role: 'manufacturer', party: { eori: a.eori } });
    }
  }
  return out;
}

/** A brand of an application found in a goods description, with how. */
export interface IprMatchExplained extends IprBrandMatch {
  readonly goodsItem: number;
  readonly hsCode: string;
  readonly registration: string | null;
  readonly edits?: number | undefined;
  readonly script?: string | undefined;
  readonly as?: string | undefined;
}

/** A hit of the IPR screen: a built-in signal whose values hold the matches (a list) too. */

export const IPR_SIGNAL = 'SIG-IPR-BRAND';

function describeHow(m: IprMatchExplained): string {
  switch (m.how) {
    case 'edits':
      return `misspelt (${m.edits ?? 1} edit${(m.edits ?? 1) === 1 ? '' : 's'})`;
    case 'transliterated':
      return `transliterated from ${m.script ?? 'another script'} as '${m.as ?? ''}'`;
    case 'phonetic':
      return 'spelt as it sounds';
    case 'joined':
      return 'written together or apart';
    default:
      return 'exactly';
  }
}

/** The brands and aliases of an authority's applications, indexed once, and the screen over them. */
export class IprScreen implements BrandScreen {
  readonly #applications: readonly IprApplicationFacts[];
  readonly #index: BrandIndex;
  /** Of each listed name of the index: its application and brand. */
  readonly #owners: { app: number; brand: number }[] = [];

  constructor(applications: readonly IprApplicationFacts[]) {
    this.#applications = applications;
    const names: string[] = [];
    applications.forEach((a, app) => {
      a.brands.forEach((b, brand) => {
        for (const name of [b.name, ...b.aliases]) {
          names.push(name);
          this.#owners.push({ app, brand });
        }
      });
    });
    this.#index = new BrandIndex(names);
  }

  get size(): number {
    return this.#applications.length;
  }

  /** The brands found, one per application and brand (its best), of applications in force. */
  #found(
    description: string,
    hsCode: string | undefined,
    day: string,
  ): { f: BrandFound; app: number; brand: number }[] {
    if (this.#applications.length === 0) {
      return [];
    }
    const out: { f: BrandFound; app: number; brand: number }[] = [];
    const seen = new Set<string>();
    for (const f of this.#index.find(description, BRAND_THRESHOLD)) {
      const { app, brand } = this.#owners[f.listed]!;
      const a = this.#applications[app]!;
      if (
        !inForce(a, day) ||
        (hsCode !== undefined && !coversGoods(a, hsCode)) ||
        seen.has(`${app}/${brand}`)
      ) {
        continue;
      }
      seen.add(`${app}/${brand}`);
      out.push({ f, app, brand });
    }
    return out;
  }

  brands(description: string, hsCode: string | undefined, day: string): IprBrandMatch[] {
    return this.#found(description, hsCode, day).map(({ f, app, brand }) => this.#match(f, app, brand));
  }

  #match(f: BrandFound, app: number, brand: number): IprBrandMatch {
    const a = this.#applications[app]!;
    return {
      application: a.number,
      rightHolder: a.rightHolder.name,
      brand: a.brands[brand]!.name,
      words: f.words,
      how: f.how,
      score: f.score,
    };
  }

  /**
   * The SIG-IPR-BRAND hit of one consignment on `day`: goods items whose description names a
   * protected brand of an application in force covering their goods code, unless the consignor, the
   * seller or a manufacturer (DE 13 14 MF) is one of that application's authorised operators.
   */
  hits(filing: Filing, seq: number, day: string): SignalHit[] {
    const c = filing.consignments[seq];
    if (c === undefined || this.#applications.length === 0) {
      return [];
    }
    const parties = supplyingParties(c);
    const matches: IprMatchExplained[] = [];
    c.goods.forEach((g, i) => {
      for (const { f, app, brand } of this.#found(g.description, g.hsCode, day)) {
        const a = this.#applications[app]!;
        if (parties.some((p) => authorisedAs(a, p.party) !== undefined)) {
          continue;
        }
        matches.push({
          ...this.#match(f, app, brand),
          goodsItem: i + 1,
          hsCode: g.hsCode,
          registration: a.brands[brand]!.registration,
          ...(f.edits !== undefined ? { edits: f.edits } : {}),
          ...(f.script !== undefined ? { script: f.script } : {}),
          ...(f.as !== undefined ? { as: f.as } : {}),
        });
      }
    });
    if (matches.length === 0) {
      return [];
    }
    matches.sort((x, y) => y.score - x.score || x.goodsItem - y.goodsItem);
    const best = matches[0]!;
    return [
      {
        id: IPR_SIGNAL,
        title: 'Goods description names a brand protected by an application for action',
        riskArea: 'ipr',
        weight: Math.round(40 + 30 * best.score),
        severity: best.score >= 0.95 ? 'high' : 'medium',
        recommendedAction: 'physical-check',
        reason: matches
          .map(
            (m) =>
              `goods item ${m.goodsItem}: '${m.words}' names ${m.brand} ${describeHow(m)} (score ${m.score}), protected for ${m.rightHolder} by application ${m.application}; the consignor is not an authorised operator`,
          )
          .join('; '),
        values: {
          application: best.application,
          rightHolder: best.rightHolder,
          brand: best.brand,
          words: best.words,
          how: best.how,
          score: best.score,
          goodsItem: best.goodsItem,
          matches,
        },
      },
    ];
  }
}

/** The screen of an authority with no applications: finds nothing, costs nothing. */
export const NO_IPR_SCREEN = new IprScreen([]);
