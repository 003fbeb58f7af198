/**
 * Reference data by date (issue 13): the goods nomenclature (HS, and the EU's CN and TARIC extensions
 * when loaded) and the codelists a filing is checked against (countries, currencies, package types,
 * document types, transport modes, filing types, customs offices). Each entry of a code is valid from
 * a day to a day, both inclusive and either open, so a code can be withdrawn, reintroduced or renamed
 * and a filing is checked against what was in force on its date. Shared by every authority. Pure and
 * in memory: built once from the stored entries and asked per field on the intake path (a map lookup).
 */
import { MeasureIndex, measureOf } from './trade-measures.ts';
import type { TradeMeasure } from './trade-measures.ts';

export const REFERENCE_KINDS = [
  'hs',
  'cn',
  'taric',
  'countries',
  'currencies',
  'package-types',
  'document-types',
  'transport-modes',
  'filing-types',
  'customs-offices',
  'measures',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** The goods nomenclature: HS (6 digits, with its chapters and headings), CN (8), TARIC (10). */
export const NOMENCLATURE_KINDS: readonly ReferenceKind[] = ['hs', 'cn', 'taric'];

export const CUSTOMS_OFFICE_ROLES = ['entry', 'import', 'export', 'transit'] as const;
export type CustomsOfficeRole = (typeof CUSTOMS_OFFICE_ROLES)[number];

export interface ReferenceKindInfo {
  readonly title: string;
  /**
   * A complete list refuses a code it does not have; a partial one (the demo's customs offices, a
   * subset of document types) refuses only a code it has that is not valid on the date.
   */
  readonly complete: boolean;
  /** The shape of a code, checked on import. */
  readonly pattern: RegExp;
}

export const REFERENCE_KIND_INFO: Readonly<Record<ReferenceKind, ReferenceKindInfo>> = {
  hs: { title: 'Harmonized System nomenclature', complete: true, pattern: /^(\d{2}|\d{4}|\d{6})$/ },
  cn: { title: 'Combined Nomenclature (8 digits)', complete: true, pattern: /^\d{8}$/ },
  taric: { title: 'TARIC (10 digits)', complete: true, pattern: /^\d{10}$/ },
  countries: { title: 'country codes (ISO 3166-1 alpha-2, XI, XU)', complete: true, pattern: /^[A-Z]{2}$/ },
  currencies: { title: 'currency codes (ISO 4217)', complete: true, pattern: /^[A-Z]{3}$/ },
  'package-types': {
    title: 'package types (UN/ECE Recommendation 21)',
    complete: true,
    pattern: /^[A-Z0-9]{2}$/,
  },
  'document-types': { title: 'document types', complete: false, pattern: /^[A-Z0-9]{1,4}$/ },
  'transport-modes': { title: 'transport modes', complete: true, pattern: /^[a-z][a-z-]{0,29}$/ },
  'filing-types': { title: 'filing types', complete: true, pattern: /^[A-Z]\d{2}$/ },
  'customs-offices': { title: 'customs offices', complete: false, pattern: /^[A-Z]{2}[A-Z0-9]{6}$/ },
  // The code of a measure is its sid (trade-measures.ts).
  measures: { title: 'trade measures', complete: false, pattern: /^[A-Za-z0-9-]{1,20}$/ },
};

export function isReferenceKind(value: string): value is ReferenceKind {
  return (REFERENCE_KINDS as readonly string[]).includes(value);
}

/** One version of a code: what it means and from when until when. */
export interface ReferenceEntry {
  readonly kind: ReferenceKind;
  readonly code: string;
  readonly description: string;
  /** First day valid (YYYY-MM-DD), null: since always. */
  readonly validFrom: string | null;
  /** Last day valid (YYYY-MM-DD, inclusive), null: still valid. */
  readonly validUntil: string | null;
  /** Nomenclature: the code one level up (the heading of a subheading, the HS6 of a CN code). */
  readonly parent: string | null;
  /** Kind-specific facts: an office's `roles`, a currency's `numeric`, the nomenclature's `edition`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Where the entry came from: a bundled file or an import. */
  readonly source: string;
}

/** Is the entry valid on `day` (YYYY-MM-DD)? */
export function validOn(e: Pick<ReferenceEntry, 'validFrom' | 'validUntil'>, day: string): boolean {
  return (e.validFrom === null || e.validFrom <= day) && (e.validUntil === null || day <= e.validUntil);
}

function period(e: Pick<ReferenceEntry, 'validFrom' | 'validUntil'>): string {
  if (e.validFrom === null) {
    return e.validUntil === null ? 'always' : `until ${e.validUntil}`;
  }
  return e.validUntil === null ? `from ${e.validFrom}` : `${e.validFrom} to ${e.validUntil}`;
}

/** A goods code's problem: which code to report and what to say. */
export interface GoodsCodeProblem {
  readonly code: 'VIGIL_HS_CODE_UNKNOWN';
  readonly message: string;
}

const EMPTY: readonly ReferenceEntry[] = Object.freeze([]);

export class ReferenceLists {
  readonly #codes = new Map<ReferenceKind, Map<string, readonly ReferenceEntry[]>>();
  /** Per kind, the distinct validity periods of its entries: is the kind in force on a day? */
  readonly #periods = new Map<ReferenceKind, { from: string | null; until: string | null }[]>();
  /** Per nomenclature kind, its editions (`HS 2022`) by period, for messages. */
  readonly #editions = new Map<
    ReferenceKind,
    { from: string | null; until: string | null; name: string }[]
  >();
  readonly #stamp: string;
  #measures: MeasureIndex | undefined;

  /** `stamp` names this state of the data (changes with every import), for caches built on it. */
  constructor(entries: Iterable<ReferenceEntry>, stamp = '') {
    this.#stamp = stamp;
    const grouped = new Map<ReferenceKind, Map<string, ReferenceEntry[]>>();
    const seenPeriods = new Map<ReferenceKind, Set<string>>();
    for (const e of entries) {
      let byCode = grouped.get(e.kind);
      if (byCode === undefined) {
        byCode = new Map();
        grouped.set(e.kind, byCode);
        seenPeriods.set(e.kind, new Set());
        this.#periods.set(e.kind, []);
        this.#editions.set(e.kind, []);
      }
      const list = byCode.get(e.code);
      if (list === undefined) {
        byCode.set(e.code, [Object.freeze(e)]);
      } else {
        list.push(Object.freeze(e));
      }
      const key = `${e.validFrom}|${e.validUntil}`;
      const seen = seenPeriods.get(e.kind)!;
      if (!seen.has(key)) {
        seen.add(key);
        this.#periods.get(e.kind)!.push({ from: e.validFrom, until: e.validUntil });
        const edition = e.attributes['edition'];
        if (edition !== undefined) {
          this.#editions.get(e.kind)!.push({ from: e.validFrom, until: e.validUntil, name: edition });
        }
      }
    }
    for (const [kind, byCode] of grouped) {
      const frozen = new Map<string, readonly ReferenceEntry[]>();
      for (const [code, list] of byCode) {
        list.sort((a, b) => (a.validFrom ?? '').localeCompare(b.validFrom ?? ''));
        frozen.set(code, Object.freeze(list));
      }
      this.#codes.set(kind, frozen);
    }
  }

  get stamp(): string {
    return this.#stamp;
  }

  /** Every version of a code, oldest first. */
  versions(kind: ReferenceKind, code: string): readonly ReferenceEntry[] {
    return this.#codes.get(kind)?.get(code) ?? EMPTY;
  }

  /** The version of a code valid on `day`, if any. */
  entry(kind: ReferenceKind, code: string, day: string): ReferenceEntry | undefined {
    const list = this.#codes.get(kind)?.get(code);
    if (list === undefined) {
      return undefined;
    }
    for (let i = list.length - 1; i >= 0; i--) {
      if (validOn(list[i]!, day)) {
        return list[i];
      }
    }
    return undefined;
  }

  has(kind: ReferenceKind, code: string, day: string): boolean {
    return this.entry(kind, code, day) !== undefined;
  }

  /** Whether a list of this kind is in force on `day` (some entry of it is valid then). */
  inForce(kind: ReferenceKind, day: string): boolean {
    return (
      this.#periods.get(kind)?.some((p) => validOn({ validFrom: p.from, validUntil: p.until }, day)) ?? false
    );
  }

  /** How many codes the kind has (over all dates). */
  size(kind: ReferenceKind): number {
    return this.#codes.get(kind)?.size ?? 0;
  }

  /** Every code of a kind with its versions, in code order. */
  *codes(kind: ReferenceKind): Generator<[string, readonly ReferenceEntry[]]> {
    const byCode = this.#codes.get(kind);
    if (byCode === undefined) {
      return;
    }
    for (const code of [...byCode.keys()].sort()) {
      yield [code, byCode.get(code)!];
    }
  }

  /** The trade measures, indexed by goods code on first use (trade-measures.ts). */
  measureIndex(): MeasureIndex {
    this.#measures ??= new MeasureIndex(
      [...(this.#codes.get('measures')?.values() ?? [])].flatMap((versions) => versions.map(measureOf)),
    );
    return this.#measures;
  }

  /** The measures in force on `day` for goods under `code` from `origin` (MeasureIndex.find). */
  tradeMeasures(code: string, origin: string, day: string): readonly TradeMeasure[] {
    return this.measureIndex().find(code, origin, day);
  }

  /** The edition of a nomenclature in force on `day` (`HS 2022`), for messages. */
  edition(kind: ReferenceKind, day: string): string | undefined {
    return this.#editions.get(kind)?.find((p) => validOn({ validFrom: p.from, validUntil: p.until }, day))
      ?.name;
  }

  /**
   * What is wrong with a code of a codelist on `day`, or undefined when it is valid then (or when a
   * partial list does not have it at all, or no list of the kind is loaded).
   */
  codeProblem(kind: ReferenceKind, code: string, day: string): string | undefined {
    const versions = this.versions(kind, code);
    const info = REFERENCE_KIND_INFO[kind];
    if (versions.length === 0) {
      return info.complete && this.size(kind) > 0 ? `'${code}' is not in the ${info.title}` : undefined;
    }
    if (versions.some((v) => validOn(v, day))) {
      return undefined;
    }
    const last = versions[versions.length - 1]!;
    return `'${code}' (${last.description}) is not valid on ${day}: valid ${versions.map(period).join(', ')}`;
  }

  /**
   * Whether a goods code (6, 8 or 10 digits, its shape already checked) exists in the nomenclature
   * in force on `day`: its HS subheading in the HS, and, when a CN or TARIC list is in force that
   * day, the code itself in it. No HS in force on that day (a declaration older than the first
   * edition loaded) leaves the code to its shape.
   */
  goodsCodeProblem(code: string, day: string): GoodsCodeProblem | undefined {
    if (!this.inForce('hs', day)) {
      return undefined;
    }
    const hs6 = code.slice(0, 6);
    if (!this.has('hs', hs6, day)) {
      const edition = this.edition('hs', day) ?? 'the HS';
      const heading = hs6.slice(0, 4);
      const chapter = hs6.slice(0, 2);
      const where = !this.has('hs', chapter, day)
        ? `chapter ${chapter} does not exist`
        : !this.has('hs', heading, day)
          ? `heading ${heading} does not exist`
          : `heading ${heading} has no subheading ${hs6}`;
      return {
        code: 'VIGIL_HS_CODE_UNKNOWN',
        message: `goods code '${code}' is not in ${edition} in force on ${day}: ${where}`,
      };
    }
    for (const [kind, digits] of [
      ['cn', 8],
      ['taric', 10],
    ] as const) {
      if (code.length >= digits && this.inForce(kind, day) && !this.has(kind, code.slice(0, digits), day)) {
        return {
          code: 'VIGIL_HS_CODE_UNKNOWN',
          message: `goods code '${code}': ${code.slice(0, digits)} is not in the ${REFERENCE_KIND_INFO[kind].title} in force on ${day}`,
        };
      }
    }
    return undefined;
  }

  /**
   * The description of a goods code: its most precise level known (TARIC, CN, HS subheading,
   * heading, chapter), valid on `day` when given, else its latest version.
   */
  goodsDescription(code: string, day?: string): string | undefined {
    const levels: [ReferenceKind, number][] = [
      ['taric', 10],
      ['cn', 8],
      ['hs', 6],
      ['hs', 4],
      ['hs', 2],
    ];
    for (const [kind, digits] of levels) {
      if (code.length < digits) {
        continue;
      }
      const c = code.slice(0, digits);
      const e = day !== undefined ? this.entry(kind, c, day) : this.versions(kind, c).at(-1);
      if (e !== undefined) {
        return e.description;
      }
    }
    return undefined;
  }
}

/**
 * The lists and day a validation runs under. Zod refinements take no context argument, so the
 * filing's lists and date reach the field checks (countries, goods codes, currencies, package and
 * document types) through this scope, set around one synchronous parse by `withReferenceScope`
 * (intake's validateFiling). Outside a scope, the checks fall back to what needs no date: the shape
 * and the static country list.
 */
export interface ReferenceScope {
  readonly lists: ReferenceLists;
  readonly day: string;
}

let activeScope: ReferenceScope | undefined;

/** Runs `fn` (synchronous: an async gap would leak the scope) with `scope` in force. */
export function withReferenceScope<T>(scope: ReferenceScope, fn: () => T): T {
  const before = activeScope;
  activeScope = scope;
  try {
    return fn();
  } finally {
    activeScope = before;
  }
}

export function referenceScope(): ReferenceScope | undefined {
  return activeScope;
}
