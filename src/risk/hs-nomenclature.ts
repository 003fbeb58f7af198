/**
 * The goods nomenclature as rules see it: the variable `hs` (CEL type `Hs`) with `hs.chapter(code)`
 * (int), `hs.heading(code)` ("8517"), `hs.under(code, "8517")` (is the code under that chapter,
 * heading, subheading, CN or TARIC code) and `hs.description(code)`. The hierarchy is positional (an
 * HS code's first 2 digits are its chapter, its first 4 its heading), so it needs no data; intake only
 * lets in codes that exist. Descriptions come from the reference data in force on the assessment's day,
 * and so do the trade measures `measures(code, origin)` reads.
 */
import type { TradeMeasure } from '../domain/index.ts';

/** What `hs.description` reads: the reference lists (domain ReferenceLists) or nothing. */
export interface GoodsNomenclature {
  goodsDescription(code: string, day?: string): string | undefined;
  /** The trade measures in force on `day` for goods under `code` from `origin` (domain MeasureIndex). */
  tradeMeasures?(code: string, origin: string, day: string): readonly TradeMeasure[];
}

const NO_MEASURES: readonly TradeMeasure[] = Object.freeze([]);

/** A prefix `hs.under` takes: a chapter (2 digits), heading (4), subheading (6), CN (8) or TARIC (10). */
export const HS_PREFIX = /^(\d{2}){1,5}$/;

export function hsPrefixProblem(prefix: string): string | undefined {
  return HS_PREFIX.test(prefix)
    ? undefined
    : `hs.under takes a chapter, heading or subheading (2, 4 or 6 digits, or a CN/TARIC code of 8 or 10), not "${prefix}"`;
}

/** The chapter of a goods code as a number (85 for 851762); 0 for a code without two leading digits. */
export function hsChapterOf(code: string): number {
  return /^\d{2}/.test(code) ? Number(code.slice(0, 2)) : 0;
}

/** The heading of a goods code: its first four characters ("8517"). */
export function hsHeadingOf(code: string): string {
  return code.slice(0, 4);
}

/** Is `code` under `prefix` (or the prefix itself)? A malformed prefix is never matched. */
export function hsUnder(code: string, prefix: string): boolean {
  return HS_PREFIX.test(prefix) && code.startsWith(prefix);
}

/** The CEL value of `hs` for one assessment: the nomenclature as in force on its day. */
export class HsNomenclature {
  readonly #lists: GoodsNomenclature | undefined;
  readonly #day: string | undefined;

  constructor(lists?: GoodsNomenclature, day?: string) {
    this.#lists = lists;
    this.#day = day;
  }

  chapter(code: string): number {
    return hsChapterOf(code);
  }

  heading(code: string): string {
    return hsHeadingOf(code);
  }

  under(code: string, prefix: string): boolean {
    return hsUnder(code, prefix);
  }

  /** The trade measures in force on the assessment's day for goods under `code` from `origin`. */
  measures(code: string, origin: string): readonly TradeMeasure[] {
    const lists = this.#lists;
    if (lists?.tradeMeasures === undefined || this.#day === undefined) {
      return NO_MEASURES;
    }
    return lists.tradeMeasures(code, origin, this.#day);
  }

  /** The most precise description known (TARIC, CN, subheading, heading, chapter); "" when none. */
  description(code: string): string {
    const lists = this.#lists;
    if (lists === undefined) {
      return '';
    }
    return (
      (this.#day !== undefined ? lists.goodsDescription(code, this.#day) : undefined) ??
      lists.goodsDescription(code) ??
      ''
    );
  }
}

/** `hs` when no nomenclature is at hand: the hierarchy works, descriptions are empty. */
export const NO_NOMENCLATURE = new HsNomenclature();
