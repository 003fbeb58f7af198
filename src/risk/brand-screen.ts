/**
 * Protected brands as rules see them: the variable `ipr` (CEL type `Ipr`) with
 * `ipr.brands(description)` and `ipr.brands(description, hsCode)`, the brands of IPR applications for
 * action in force on the assessment's day found in a goods description (the `IprMatch` list). The
 * applications and the matcher belong to the IPR feature, which hands the assessment a `BrandScreen`;
 * without one (a rule's test, a backtest) the lists are empty.
 */

/** A protected brand found in a description, as rules see it. */
export interface IprBrandMatch {
  /** The application for action's number. */
  readonly application: string;
  readonly rightHolder: string;
  /** The brand as registered. */
  readonly brand: string;
  /** The words of the description that matched, as written. */
  readonly words: string;
  /** exact, phonetic, edits, joined or transliterated. */
  readonly how: string;
  readonly score: number;
}

/** What finds protected brands in descriptions (the IPR feature's applications). */
export interface BrandScreen {
  /**
   * The brands of applications in force on `day` found in `description`, best first; only those of
   * applications covering `hsCode` when it is given.
   */
  brands(description: string, hsCode: string | undefined, day: string): readonly IprBrandMatch[];
}

/** The CEL value of `ipr` for one assessment: the brands in force on its day. */
export class IprBrands {
  readonly #screen: BrandScreen | undefined;
  readonly #day: string;

  constructor(screen?: BrandScreen, day = '') {
    this.#screen = screen;
    this.#day = day;
  }

  brands(description: string, hsCode?: string): readonly IprBrandMatch[] {
    return this.#screen === undefined ? [] : this.#screen.brands(description, hsCode, this.#day);
  }
}

/** `ipr` when no applications are at hand: no brand is ever found. */
export const NO_BRANDS = new IprBrands();
