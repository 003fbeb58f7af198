/**
 * Protected brands found inside goods descriptions: the watchlist matcher (fuzzy.ts, romanise.ts) in
 * a contains mode. A watchlist screens a whole name, and its score asks that the listed name explain
 * the screened one; a brand is a word or two inside a longer free text ("MENS RUNNING SHOES NIKKE
 * AIR", "кроссовки зентрова"), so here the description is cut into windows of the brand's word count
 * (one fewer or one more), each window scored against the brand with `explainNames`.
 *
 * Only brands that share a lookup key with a word of the description are scored: every listed word
 * that can anchor a match is filed under its one-deletion keys, plain and as a spelling skeleton (the
 * fuzzy index's anchors), and a brand of several words also under its run-together form. The cost per
 * description is then a few map probes per word, whatever the number of brands; none when there are
 * no brands. A description in another script is also looked up as each of its romanisations.
 *
 * Guards against ordinary words: a word of goods vocabulary ("shoes", "sport", "air") never anchors a
 * brand, never meets a brand's word other than exactly, and a brand made only of such words is found
 * only written exactly; a brand word of four letters or fewer meets only exactly or sounding alike
 * (same skeleton), never by an edit ("nike" is not "mike").
 */
import {
  deletionKeyHashes,
  explainNames,
  keyHash,
  normalizeName,
  romanisations,
  scriptOf,
  wordSkeleton,
  type NameExplanation,
  type NormalizedName,
} from '../risk/index.ts';

/** A brand's score in a description from which it counts as found. */
export const BRAND_THRESHOLD = 0.85;

/**
 * Words of goods descriptions that say what the goods are, not whose: they never anchor a brand and
 * meet a brand's word only when written as it is.
 */
export const GOODS_WORDS: ReadonlySet<string> = new Set(
  [
    'air max pro plus mini ultra super extra new original classic premium deluxe luxury basic',
    'sport sports running shoe shoes sneaker sneakers trainer trainers boot boots sandal sandals',
    'slipper slippers bag bags handbag handbags wallet wallets purse belt belts case cases cover covers',
    'shirt shirts tshirt tshirts t polo jacket jackets coat coats dress dresses jeans trousers pants',
    'shorts skirt sock socks cap caps hat hats glove gloves scarf suit suits sweater hoodie hoodies',
    'men mens man women womens woman ladies lady kids kid children child baby boys girls unisex',
    'watch watches clock phone phones mobile smartphone smartphones tablet laptop charger cable cables',
    'headphones earphones speaker speakers battery batteries camera lens screen glass glasses',
    'sunglasses perfume perfumes fragrance cream creams lotion oil oils soap shampoo cosmetics',
    'wine wines beer spirits vodka whisky water tea coffee juice sugar milk chocolate',
    'toy toys game games doll dolls ball balls bicycle bike bikes car cars auto spare part parts',
    'tool tools machine machines device devices equipment accessories accessory set sets kit kits',
    'steel iron metal plastic plastics rubber leather cotton wool silk polyester nylon wood paper',
    'gold silver black white red blue green yellow pink grey gray brown',
    'home house kitchen garden office style fashion design smart tech power energy light lights lamp',
    'star stars sun moon king queen royal world life love one two three star line lines',
    'box boxes bottle bottles pack packs piece pieces pair pairs size color colour model type',
    'brand branded logo made quality genuine replica copy',
  ]
    .join(' ')
    .split(' '),
);

/** How the words of a description met a brand. */
export type BrandMatchHow = 'exact' | 'phonetic' | 'edits' | 'joined' | 'transliterated';

/** A listed name (a brand or one of its aliases) found in a description. */
export interface BrandFound {
  /** Which listed name: its position in the list the index was built from. */
  readonly listed: number;
  /** The listed name as registered. */
  readonly name: string;
  /** The words of the description that matched, as written. */
  readonly words: string;
  readonly how: BrandMatchHow;
  /** Edits between the words and the brand (how: edits), in all. */
  readonly edits?: number | undefined;
  /** The description's script when the words were in another (how: transliterated). */
  readonly script?: string | undefined;
  /** The form of the words the brand was matched in, when it differs (a romanisation). */
  readonly as?: string | undefined;
  readonly score: number;
}

/** One word of a description: as written, and the normalised spellings it is looked up as. */
interface Slot {
  /** The raw word (whitespace-separated) it came from. */
  readonly raw: number;
  readonly spellings: readonly string[];
}

interface Listed {
  readonly name: string;
  readonly norm: NormalizedName;
  /** Made only of goods words: found only written exactly. */
  readonly ordinary: boolean;
}

/** Descriptions whose answers are kept (see `find`). */
const RECENT_MAX = 20_000;

/** The lookup keys of a word: itself when short (it meets only exactly), else its one-deletion keys. */
function wordKeys(word: string): number[] {
  if (word.length <= 4) {
    return [keyHash(word)];
  }
  const out: number[] = [];
  deletionKeyHashes(word, out);
  return out;
}

const isLatin = (text: string): boolean => !/[^\u0000-\u024f\u1e00-\u1eff]/.test(text);

export class BrandIndex {
  readonly #listed: Listed[] = [];
  /**
   * Lookup keys → listed names: hashes of the words' one-deletion keys (the fuzzy index's, made
   * without making the strings) and of the run-together form (`\u0001` marked); the skeletons' keys
   * apart. A hash may collide: every candidate is scored before it counts.
   */
  readonly #keys = new Map<number, number[]>();
  readonly #skeletonKeys = new Map<number, number[]>();
  readonly #recent = new Map<string, readonly BrandFound[]>();

  constructor(names: readonly string[]) {
    names.forEach((name, i) => {
      const norm = normalizeName(name);
      const ordinary = norm.tokens.every((t) => GOODS_WORDS.has(t));
      this.#listed.push({ name, norm, ordinary });
      if (norm.tokens.length === 0) {
        return;
      }
      const file = (map: Map<number, number[]>, keys: readonly number[]): void => {
        for (const key of keys) {
          const at = map.get(key);
          if (at === undefined) {
            map.set(key, [i]);
          } else if (at[at.length - 1] !== i) {
            at.push(i);
          }
        }
      };
      norm.tokens.forEach((t, j) => {
        if (ordinary) {
          file(this.#keys, [keyHash(t)]);
        } else if (!GOODS_WORDS.has(t)) {
          file(this.#keys, wordKeys(t));
          file(this.#skeletonKeys, wordKeys(norm.skeletons[j]!));
        }
      });
      if (norm.tokens.length > 1) {
        file(this.#keys, [keyHash(`\u0001${norm.joined}`)]);
      }
    });
  }

  /** How many names are listed. */
  get size(): number {
    return this.#listed.length;
  }

  /**
   * The listed names found in `description`, best first, each name once. Descriptions repeat (the
   * same goods are declared again and again), so recent answers are kept: a memo of a pure function
   * of the description, bounded like the watchlists' screening cache.
   */
  find(description: string, threshold = BRAND_THRESHOLD): readonly BrandFound[] {
    if (this.#keys.size === 0 || description.trim() === '') {
      return [];
    }
    const key = `${threshold}\u0000${description}`;
    const known = this.#recent.get(key);
    if (known !== undefined) {
      return known;
    }
    const found = Object.freeze(this.#find(description, threshold));
    if (this.#recent.size >= RECENT_MAX) {
      this.#recent.clear();
    }
    this.#recent.set(key, found);
    return found;
  }

  #find(description: string, threshold: number): BrandFound[] {
    const raws = description.split(/\s+/).filter((w) => w !== '');
    const slots = slotsOf(raws);
    if (slots.length === 0) {
      return [];
    }
    // Which listed names each word may anchor, and where.
    const candidates = new Map<number, Set<number>>();
    const note = (listed: number, at: number): void => {
      const s = candidates.get(listed);
      if (s === undefined) {
        candidates.set(listed, new Set([at]));
      } else {
        s.add(at);
      }
    };
    const keys: number[] = [];
    slots.forEach((slot, at) => {
      for (const spelling of slot.spellings) {
        keys.length = 0;
        keys.push(...wordKeys(spelling), keyHash(`\u0001${spelling}`));
        for (const k of keys) {
          this.#keys.get(k)?.forEach((l) => note(l, at));
        }
        for (const k of wordKeys(wordSkeleton(spelling))) {
          this.#skeletonKeys.get(k)?.forEach((l) => note(l, at));
        }
      }
    });
    const found: BrandFound[] = [];
    for (const [listed, ats] of candidates) {
      const best = this.#bestWindow(listed, slots, raws, ats, threshold);
      if (best !== undefined) {
        found.push(best);
      }
    }
    return found.sort((a, b) => b.score - a.score || a.listed - b.listed);
  }

  /** The best-scoring window of the description around the anchors of one listed name. */
  #bestWindow(
    listedAt: number,
    slots: readonly Slot[],
    raws: readonly string[],
    ats: ReadonlySet<number>,
    threshold: number,
  ): BrandFound | undefined {
    const l = this.#listed[listedAt]!;
    const k = l.norm.tokens.length;
    let best: { from: number; to: number; spellings: string[]; e: NameExplanation } | undefined;
    const tried = new Set<string>();
    for (const at of ats) {
      // A one-word brand is one word of the description (written apart it shares no key); a brand of
      // several words may be written with one fewer (run together) or one more (a word between).
      for (let size = k === 1 ? 1 : k - 1; size <= (k === 1 ? 1 : k + 1); size++) {
        for (let from = Math.max(0, at - size + 1); from <= at && from + size <= slots.length; from++) {
          const to = from + size;
          if (tried.has(`${from}/${to}`)) {
            continue;
          }
          tried.add(`${from}/${to}`);
          const forms = Math.max(...slots.slice(from, to).map((s) => s.spellings.length));
          for (let f = 0; f < forms; f++) {
            const spellings = slots
              .slice(from, to)
              .map((s) => s.spellings[Math.min(f, s.spellings.length - 1)]!);
            const e = explainNames(normalizeName(spellings.join(' ')), l.norm);
            if (
              e.score >= threshold &&
              acceptable(l, e, size) &&
              (best === undefined || e.score > best.e.score)
            ) {
              best = { from, to, spellings, e };
            }
          }
        }
      }
    }
    if (best === undefined) {
      return undefined;
    }
    const rawFrom = slots[best.from]!.raw;
    const rawTo = slots[best.to - 1]!.raw;
    const words = raws.slice(rawFrom, rawTo + 1).join(' ');
    const as = best.spellings.join(' ');
    const latin = isLatin(words);
    const edits = best.e.parts.reduce((n, p) => n + (p.edits ?? 0), 0);
    const how: BrandMatchHow = !latin
      ? 'transliterated'
      : best.e.parts.some((p) => p.how === 'edits')
        ? 'edits'
        : best.e.parts.some((p) => p.how === 'joined' && (p.query.includes(' ') || p.listed.includes(' ')))
          ? 'joined'
          : // The matcher's "joined" of two single words is their skeletons run together: alike in sound.
            best.e.parts.some((p) => p.how === 'phonetic' || p.how === 'joined')
            ? 'phonetic'
            : 'exact';
    return {
      listed: listedAt,
      name: l.name,
      words,
      how,
      ...(edits > 0 ? { edits } : {}),
      ...(!latin ? { script: scriptOf(words), as } : {}),
      score: Math.round(best.e.score * 1000) / 1000,
    };
  }
}

/**
 * Does a window's match stand against ordinary words: every goods word met exactly, short brand
 * words met exactly or sounding alike,
 * every word of the brand that is not a goods word met, and a brand of goods words only written
 * exactly, word for word?
 */
function acceptable(l: Listed, e: NameExplanation, size: number): boolean {
  if (l.ordinary) {
    return (
      size === l.norm.tokens.length &&
      e.unmatchedListed.length === 0 &&
      e.parts.every((p) => p.how === 'exact')
    );
  }
  let distinctive = false;
  for (const p of e.parts) {
    const exact = p.how === 'exact' || p.how === 'number';
    if (!exact && (GOODS_WORDS.has(p.query) || GOODS_WORDS.has(p.listed))) {
      return false;
    }
    if (p.how === 'edits' && Math.min(p.query.length, p.listed.length) <= 4) {
      return false;
    }
    if (p.how === 'prefix') {
      return false;
    }
    if (p.listed.split(' ').some((w) => !GOODS_WORDS.has(w))) {
      distinctive = true;
    }
  }
  return distinctive && e.unmatchedListed.every((w) => GOODS_WORDS.has(w));
}

/**
 * The words of a description, normalised as the matcher normalises names, each with the raw word it
 * came from and, for a word in another script, its romanisations too.
 */
function slotsOf(raws: readonly string[]): Slot[] {
  const slots: Slot[] = [];
  raws.forEach((raw, r) => {
    const tokens = normalizeName(raw).tokens;
    if (tokens.length === 0) {
      return;
    }
    if (tokens.length === 1 && !isLatin(raw)) {
      const spellings = [tokens[0]!];
      for (const form of romanisations(raw)) {
        if (!form.includes(' ') && !spellings.includes(form)) {
          spellings.push(form);
        }
      }
      slots.push({ raw: r, spellings });
      return;
    }
    for (const t of tokens) {
      slots.push({ raw: r, spellings: [t] });
    }
  });
  return slots;
}
