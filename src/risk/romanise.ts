/**
 * Romanisation of names written in other scripts, the way sanctions lists and passports write them in
 * Latin letters, so that "صدام حسين التكريتي" can meet SADDAM HUSSEIN AL-TIKRITI. Letter-by-letter
 * transliteration (any-ascii) gives "sdm hsyn ltkryty": Arabic writes no short vowels, and every
 * script has several customary spellings (Хотинцев is KHOTINTSEV on a passport and HOTINCEV on a
 * Balkan list). So each script gets a few schemes, each the way one community of clerks writes it,
 * and a name comes back as a handful of Latin forms, most likely first. Arabic also gets a lexicon of
 * common name words (محمد → muhammad, mohamed, mohammed …), the article and compound rules (ال, عبد,
 * أبو, بن) and vowels inserted by the patterns Arabic names follow; `consonantKey` gives the key under
 * which such a guess and a listed spelling agree whatever vowels either wrote.
 *
 * For a matcher: screen each of `romanisations(name)` (at most 8 whole-name forms, each in one
 * community's spelling) as a query and keep the best; or compare word by word with `romanisedWords`
 * (each word's spellings, up to 12, a spelling possibly of several words: "abd al rahman",
 * "saifuddin"); `consonantKey` only for names from Arabic script, beside spelling. Schemes: Arabic
 * (with Persian and Urdu letters) in four styles (lists, Levant/Egypt, Maghreb, Afghan/Pakistani);
 * Cyrillic in eight (BGN/English, ICAO passports, two short English, Balkan/ISO 9, Caucasus, French,
 * German) with Ukrainian, Bulgarian, Serbian and Kazakh letters; modern Greek in six (ELOT passports,
 * spoken, English, mixed, foreign names read back, classical); Chinese as pinyin (any-ascii's
 * readings) and Wade-Giles; Korean as listed (Kim Jong Un) and Revised; other scripts as any-ascii.
 *
 * Pure functions of their input (words already spelled are memoised, bounded): an Arabic name takes
 * tens of microseconds the first time its words are seen, a few after.
 */
import anyAscii from 'any-ascii';

export type Script =
  'latin' | 'arabic' | 'cyrillic' | 'greek' | 'han' | 'hebrew' | 'georgian' | 'armenian' | 'other';

const SCRIPTS: readonly Script[] = [
  'latin',
  'arabic',
  'cyrillic',
  'greek',
  'han',
  'hebrew',
  'georgian',
  'armenian',
  'other',
];

/** The script of one code point, or undefined for what is not a letter (digits, spaces, marks). */
function scriptOfCode(c: number): Script | undefined {
  if (c < 0x80) {
    return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 'latin' : undefined;
  }
  if (c < 0x250) {
    return c === 0xd7 || c === 0xf7 || c < 0xc0 ? undefined : 'latin';
  }
  if (c >= 0x1e00 && c <= 0x1eff) {
    return 'latin';
  }
  if (c >= 0x370 && c <= 0x3ff) {
    return 'greek';
  }
  if (c >= 0x1f00 && c <= 0x1fff) {
    return 'greek';
  }
  if ((c >= 0x400 && c <= 0x52f) || (c >= 0x1c80 && c <= 0x1c8f) || (c >= 0xa640 && c <= 0xa69f)) {
    return 'cyrillic';
  }
  if (c >= 0x530 && c <= 0x58f) {
    return 'armenian';
  }
  if ((c >= 0x590 && c <= 0x5ff) || (c >= 0xfb1d && c <= 0xfb4f)) {
    return c >= 0x591 && c <= 0x5c7 ? undefined : 'hebrew';
  }
  if ((c >= 0x600 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f) || (c >= 0x8a0 && c <= 0x8ff)) {
    // Harakat, tatweel and Arabic digits are not letters.
    if (
      (c >= 0x64b && c <= 0x65f) ||
      c === 0x640 ||
      c === 0x670 ||
      (c >= 0x660 && c <= 0x669) ||
      (c >= 0x6f0 && c <= 0x6f9)
    ) {
      return undefined;
    }
    return c >= 0x621 || (c >= 0x6a0 && c <= 0x6ff) ? 'arabic' : undefined;
  }
  if ((c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff)) {
    return 'arabic';
  }
  if ((c >= 0x10a0 && c <= 0x10ff) || (c >= 0x1c90 && c <= 0x1cbf)) {
    return 'georgian';
  }
  if (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x20000 && c <= 0x2ebef)
  ) {
    return 'han';
  }
  return /\p{L}/u.test(String.fromCodePoint(c)) ? 'other' : undefined;
}

/** The main script of a name (most letters); 'other' when it has no letters. */
export function scriptOf(text: string): Script {
  const counts = new Array<number>(SCRIPTS.length).fill(0);
  let kana = false;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x3040 && c <= 0x30ff) {
      kana = true;
    }
    const s = scriptOfCode(c);
    if (s !== undefined) {
      counts[SCRIPTS.indexOf(s)]!++;
    }
  }
  let best = SCRIPTS.length - 1;
  for (let i = 0; i < SCRIPTS.length; i++) {
    if (counts[i]! > counts[best]!) {
      best = i;
    }
  }
  // Kanji with kana is Japanese, which any-ascii reads better as a whole than as Chinese.
  if (SCRIPTS[best] === 'han' && kana) {
    return 'other';
  }
  return SCRIPTS[best]!;
}

/** Lower-case ASCII words separated by single spaces (apostrophes dropped, other marks split words). */
function clean(latin: string): string {
  if (/^[a-z0-9]+(?: [a-z0-9]+)*$/.test(latin)) {
    return latin;
  }
  return latin
    .toLowerCase()
    .replace(/['’ʼʻ`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function dedupe(forms: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const f of forms) {
    const c = clean(f);
    if (c !== '' && !out.includes(c)) {
      out.push(c);
      if (out.length === max) {
        break;
      }
    }
  }
  return out;
}

/**
 * Spellings of words already seen: names repeat their words (محمد, التكريتي, ООО) and spelling one
 * takes microseconds. A memo, not state: a pure function of its key, bounded, never handed out to be
 * changed (callers copy what they return).
 */
const wordMemo = new Map<string, readonly string[]>();
const WORD_MEMO_MAX = 20_000;

function memoised<T extends readonly string[]>(key: string, make: () => T): T {
  const hit = wordMemo.get(key);
  if (hit !== undefined) {
    return hit as T;
  }
  const made = make();
  if (wordMemo.size >= WORD_MEMO_MAX) {
    wordMemo.clear();
  }
  wordMemo.set(key, made);
  return made;
}

const MAX_FORMS = 8;

/**
 * A few Latin forms of a name written in another script, as sanctions lists and passports romanise it
 * (most likely first, at most 8, deduplicated, lower case, words separated by spaces); [] for Latin
 * text (and for text without letters).
 */
export function romanisations(text: string): string[] {
  switch (scriptOf(text)) {
    case 'latin':
      return [];
    case 'arabic':
      return arabicForms(text);
    case 'cyrillic':
      return cyrillicForms(text);
    case 'greek':
      return greekForms(text);
    case 'han':
      return hanForms(text);
    case 'hebrew':
    case 'georgian':
    case 'armenian':
      return dedupe([anyAscii(text)], 1);
    case 'other':
      if (!/\p{L}/u.test(text)) {
        return [];
      }
      return /[\uac00-\ud7af]/.test(text) ? hangulForms(text) : dedupe([anyAscii(text)], 1);
  }
}

/**
 * Each word of a name with its likely Latin spellings (most likely first; a spelling may hold several
 * words, as "abd al rahman"), for matchers that compare word by word; [] for Latin text and for text
 * without letters.
 */
export function romanisedWords(text: string): string[][] {
  const script = scriptOf(text);
  if (script === 'latin' || !/\p{L}/u.test(text)) {
    return [];
  }
  if (script === 'arabic') {
    return arabicWordSpellings(text);
  }
  const forms = romanisations(text).map((f) => f.split(' '));
  const n = forms[0]?.length ?? 0;
  const words: string[][] = [];
  for (let i = 0; i < n; i++) {
    words.push(
      dedupe(
        forms.filter((f) => f.length === n).map((f) => f[i]!),
        MAX_FORMS,
      ),
    );
  }
  return words;
}

// ---------------------------------------------------------------------------------------------------
// Cyrillic

interface CyrillicScheme {
  /** Letter → Latin; letters absent fall back to the first scheme. */
  readonly map: Readonly<Record<string, string>>;
  /** е, ё, ю, я, є at the start of a word or after a vowel (Yevgeny, Mayya); missing: as elsewhere. */
  readonly iotated?: Readonly<Record<string, string>>;
  /** Word endings -ий, -ый, -ій. */
  readonly endings?: Readonly<Record<string, string>>;
}

/** The common English (BGN/PCGN-like) spelling: the base every other scheme falls back to. */
// prettier-ignore
const CYR_BASE: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian and Belarusian
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'w',
  // Serbian and Macedonian
  ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ѓ: 'gj', ќ: 'kj', ѕ: 'dz',
  // Kazakh, Kyrgyz, Tatar, Bashkir, Tajik, Uzbek
  ә: 'a', ғ: 'gh', қ: 'q', ң: 'ng', ө: 'o', ұ: 'u', ү: 'u', һ: 'h', ҳ: 'h', ҷ: 'j', ӣ: 'i', ӯ: 'u', ҝ: 'g', ҹ: 'j', җ: 'zh',
};

// prettier-ignore
const CYRILLIC_SCHEMES: readonly CyrillicScheme[] = [
  // Common English / BGN: Khotintsev, Yevgeniy, Yuriy
  { map: {}, iotated: { е: 'ye', ё: 'yo' }, endings: { ий: 'iy', ый: 'yy', ій: 'iy' } },
  // Passports since 2013 (ICAO 9303): Iurii, Evgenii, Aleksandr
  { map: { ё: 'e', й: 'i', ю: 'iu', я: 'ia', ъ: 'ie', х: 'kh', ц: 'ts', є: 'ie', ї: 'i' } },
  // Short English: Yuri, Dmitry, with h for х
  { map: { х: 'h', ё: 'e', дж: 'j', кс: 'x' }, endings: { ий: 'y', ый: 'y', ій: 'y' } },
  // The English forms with -i endings: Yuri, Georgi, Dmitri
  { map: { ё: 'e' }, endings: { ий: 'i', ый: 'y', ій: 'i' } },
  // Latin letters of the Balkans and ISO 9 without diacritics: Hotincev, Zukov, Cajkovskij
  {
    map: { дж: 'dz', х: 'h', ц: 'c', ж: 'z', ч: 'c', ш: 's', щ: 'sc', й: 'j', ю: 'ju', я: 'ja', ё: 'e', ћ: 'c', ђ: 'd', џ: 'dz', є: 'je', ї: 'ji' },
    endings: { ий: 'ij', ый: 'yj', ій: 'ij' },
  },
  // With the letters as names from the Caucasus and Central Asia are often written: j for ж
  { map: { дж: 'j', х: 'h', ж: 'j', й: 'y', ё: 'e', ц: 'ts' }, endings: { ий: 'iy', ый: 'iy', ій: 'iy' } },
  // French: Jirinovski, Tchaikovski, Oulianov
  { map: { кс: 'x', дж: 'dj', ж: 'j', ш: 'ch', ч: 'tch', щ: 'chtch', у: 'ou', х: 'kh', й: 'i', ю: 'iou', я: 'ia', ё: 'io' }, endings: { ий: 'i', ый: 'y', ій: 'i' } },
  // German: Schirinowski, Tschaikowski
  { map: { ж: 'sch', ш: 'sch', ч: 'tsch', щ: 'schtsch', х: 'ch', ц: 'z', в: 'w', з: 's', й: 'j', ю: 'ju', я: 'ja', э: 'e' }, endings: { ий: 'i', ый: 'y', ій: 'i' } },
];

/** Ukrainian writes г for h, и for y; Ukrainian's official scheme follows. */
const UKRAINIAN: Readonly<Record<string, string>> = { г: 'h', и: 'y', є: 'ye', ї: 'yi', й: 'y' };

const CYR_VOWELS = 'аеёиоуыэюяіїєәөұү';

function cyrillicWord(word: string, scheme: CyrillicScheme, ukrainian: boolean, bulgarian: boolean): string {
  let out = '';
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const c = word[i]!;
    const pair = scheme.map[c + (word[i + 1] ?? '')];
    if (pair !== undefined && (c === 'д' || c === 'к')) {
      out += pair;
      i++;
      continue;
    }
    if (scheme.endings !== undefined && i === n - 2 && n > 3) {
      const e = scheme.endings[word.slice(i)];
      if (e !== undefined) {
        return out + e;
      }
    }
    const prev = i === 0 ? undefined : word[i - 1];
    const iotatedPosition = prev === undefined || CYR_VOWELS.includes(prev) || prev === 'ъ' || prev === 'ь';
    let l: string | undefined;
    if (iotatedPosition && scheme.iotated !== undefined) {
      l = scheme.iotated[c];
    }
    if (l === undefined && ukrainian && scheme !== CYRILLIC_SCHEMES[4] && scheme !== CYRILLIC_SCHEMES[1]) {
      l = UKRAINIAN[c];
    }
    if (l === undefined && ukrainian && c === 'г') {
      l = 'h';
    }
    if (l === undefined && bulgarian && c === 'ъ') {
      l = 'a';
    }
    if (l === undefined && bulgarian && c === 'щ') {
      l = 'sht';
    }
    l ??= scheme.map[c] ?? CYR_BASE[c] ?? anyAscii(c).toLowerCase();
    out += l;
  }
  return out;
}

function cyrillicForms(text: string): string[] {
  const lower = text.toLowerCase();
  const ukrainian = /[іїєґ]/.test(lower);
  // Bulgarian is the language that writes ъ between consonants (Българ): there it is a vowel.
  const bulgarian = /[бвгджзклмнпрстфхцчшщ]ъ[бвгджзклмнпрстфхцчшщ]/.test(lower);
  // An apostrophe inside a word is a hard sign or a separation, not a word break (Мар'яна, Са'ад).
  const words = lower
    .replace(/['’ʼ`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  const flags = `c${ukrainian ? 'u' : ''}${bulgarian ? 'b' : ''}|`;
  const spelled = words.map((w) =>
    memoised(flags + w, () => CYRILLIC_SCHEMES.map((s) => cyrillicWord(w, s, ukrainian, bulgarian))),
  );
  return dedupe(
    CYRILLIC_SCHEMES.map((_, i) => spelled.map((w) => w[i]!).join(' ')),
    MAX_FORMS,
  );
}

// ---------------------------------------------------------------------------------------------------
// Greek

interface GreekScheme {
  readonly ai: string;
  readonly ei: string;
  readonly oi: string;
  readonly ou: string;
  /** υ alone */
  readonly y: string;
  readonly eta: string;
  /** μπ, ντ, γκ inside a word (at the start they are b, d, g in every scheme) */
  readonly mp: string;
  readonly nt: string;
  readonly gk: string;
  readonly chi: string;
  readonly phi: string;
  readonly beta: string;
  readonly delta: string;
  /** αυ/ευ before a vowel or voiced consonant, and before a voiceless one */
  readonly avVoiced: string;
  readonly avVoiceless: string;
  /** γι before a vowel: gi as passports write it, y as people say it (Γιάννης: Giannis, Yannis) */
  readonly gi?: string;
  /** τζ and τσ: tz, ts in Greek names; j and ch in foreign names written in Greek (Τζόναθαν, Τσαρλς) */
  readonly tz?: string;
  readonly ts?: string;
}

// prettier-ignore
const GREEK_SCHEMES: readonly GreekScheme[] = [
  // Passports (ELOT 743): Papadopoulos, Georgios, Konstantinos, Evangelos
  { ai: 'ai', ei: 'ei', oi: 'oi', ou: 'ou', y: 'y', eta: 'i', mp: 'mp', nt: 'nt', gk: 'gk', chi: 'ch', phi: 'f', beta: 'v', delta: 'd', avVoiced: 'v', avVoiceless: 'f' },
  // As it sounds: Papadopulos, Kostantinos, Dimitris, Hristos
  { ai: 'e', ei: 'i', oi: 'i', ou: 'u', y: 'i', eta: 'i', mp: 'b', nt: 'd', gk: 'g', chi: 'h', phi: 'f', beta: 'v', delta: 'd', avVoiced: 'v', avVoiceless: 'f', gi: 'y' },
  // English habits: Christos, Andreas, Kyriakos with mb, nd, ng
  { ai: 'ai', ei: 'ei', oi: 'oi', ou: 'ou', y: 'i', eta: 'i', mp: 'mb', nt: 'nd', gk: 'ng', chi: 'kh', phi: 'f', beta: 'v', delta: 'd', avVoiced: 'v', avVoiceless: 'f' },
  // Mixed: ou kept, b/d/g for the clusters, h for χ
  { ai: 'ai', ei: 'ei', oi: 'oi', ou: 'ou', y: 'y', eta: 'i', mp: 'b', nt: 'd', gk: 'g', chi: 'h', phi: 'f', beta: 'v', delta: 'd', avVoiced: 'v', avVoiceless: 'f' },
  // Foreign names written in Greek, back to their spelling: Jonathan, Charles, Abu, Banderas
  { ai: 'ai', ei: 'ei', oi: 'oi', ou: 'u', y: 'y', eta: 'i', mp: 'b', nt: 'd', gk: 'g', chi: 'h', phi: 'f', beta: 'v', delta: 'd', avVoiced: 'v', avVoiceless: 'f', tz: 'j', ts: 'ch' },
  // Classical: Christophoros, Theophilos, Eustathios
  { ai: 'ai', ei: 'ei', oi: 'oi', ou: 'ou', y: 'y', eta: 'e', mp: 'mp', nt: 'nt', gk: 'gk', chi: 'ch', phi: 'ph', beta: 'b', delta: 'd', avVoiced: 'u', avVoiceless: 'u' },
];

// prettier-ignore
const GREEK_LETTERS: Readonly<Record<string, string>> = {
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n',
  ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o', ϊ: 'i', ϋ: 'y',
};

const GREEK_VOICELESS = 'θκξπστφχψ';

/** Accents off, diaeresis kept (it says "these two vowels are not a digraph"). */
function greekLower(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/ι\u0308/g, 'ϊ')
    .replace(/υ\u0308/g, 'ϋ')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

function greekWord(w: string, s: GreekScheme): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    const d = w[i + 1];
    const start = i === 0;
    const pair = d === undefined ? '' : c + d;
    let l: string | undefined;
    switch (pair) {
      case 'αι':
        l = s.ai;
        break;
      case 'ει':
        l = s.ei;
        break;
      case 'οι':
        l = s.oi;
        break;
      case 'ου':
        l = s.ou;
        break;
      case 'υι':
        l = s.y === 'y' ? 'yi' : 'i';
        break;
      case 'μπ':
        l = start || i + 2 === w.length ? 'b' : s.mp;
        break;
      case 'ντ':
        l = start ? 'd' : s.nt;
        break;
      case 'γκ':
        l = start ? 'g' : s.gk;
        break;
      case 'γγ':
        l = 'ng';
        break;
      case 'τζ':
        l = s.tz ?? 'tz';
        break;
      case 'γι':
        if (s.gi !== undefined && w[i + 2] !== undefined && 'αεοωου'.includes(w[i + 2]!)) {
          l = s.gi;
        }
        break;
      case 'τσ':
        l = s.ts ?? 'ts';
        break;
      case 'νν':
        if (w[i + 2] === 'τ') {
          // νντ is a foreign "nd" (Ρόνντα): n, then ντ read as the scheme reads it.
          out += 'n';
          continue;
        }
        break;
      case 'γχ':
        l = 'n' + s.chi;
        break;
      case 'γξ':
        l = 'nx';
        break;
      case 'αυ':
      case 'ευ':
      case 'ηυ': {
        const next = w[i + 2];
        const voiceless = next === undefined || GREEK_VOICELESS.includes(next);
        l = (c === 'α' ? 'a' : c === 'ε' ? 'e' : s.eta) + (voiceless ? s.avVoiceless : s.avVoiced);
        break;
      }
    }
    if (l !== undefined) {
      out += l;
      i++;
      continue;
    }
    switch (c) {
      case 'υ':
        l = s.y;
        break;
      case 'η':
        l = s.eta;
        break;
      case 'χ':
        l = s.chi;
        break;
      case 'φ':
        l = s.phi;
        break;
      case 'β':
        l = s.beta;
        break;
      case 'δ':
        l = s.delta;
        break;
      case 'γ':
        // γ before ε/ι sounds y (Γιώργος is Yorgos as often as Georgios); the schemes keep g.
        l = 'g';
        break;
      default:
        l = GREEK_LETTERS[c] ?? anyAscii(c).toLowerCase();
    }
    out += l;
  }
  return out;
}

function greekForms(text: string): string[] {
  const words = greekLower(text)
    .replace(/['’ʼ`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  const spelled = words.map((w) => memoised('g|' + w, () => GREEK_SCHEMES.map((s) => greekWord(w, s))));
  return dedupe(
    GREEK_SCHEMES.map((_, i) => spelled.map((w) => w[i]!).join(' ')),
    MAX_FORMS,
  );
}

// ---------------------------------------------------------------------------------------------------
// Chinese (pinyin from any-ascii, Wade-Giles by syllable) and Korean

/** Pinyin syllables of one run of Han characters (any-ascii capitalises each syllable). */
function pinyinSyllables(run: string): string[] {
  const out: string[] = [];
  for (const ch of run) {
    const p = anyAscii(ch).toLowerCase();
    if (p !== '') {
      out.push(p);
    }
  }
  return out;
}

const WG_INITIALS: readonly [string, string][] = [
  ['zh', 'ch'],
  ['ch', 'ch'],
  ['sh', 'sh'],
  ['x', 'hs'],
  ['q', 'ch'],
  ['j', 'ch'],
  ['z', 'ts'],
  ['c', 'ts'],
  ['r', 'j'],
  ['b', 'p'],
  ['p', 'p'],
  ['d', 't'],
  ['t', 't'],
  ['g', 'k'],
  ['k', 'k'],
];

/** One pinyin syllable in Wade-Giles without apostrophes or tone marks (Mao Tse-tung, Chiang Kai-shek). */
export function wadeGiles(syllable: string): string {
  let s = syllable;
  if (s === 'zi' || s === 'ci') {
    return 'tzu';
  }
  if (s === 'si') {
    return 'ssu';
  }
  if (s === 'zhi' || s === 'chi') {
    return 'chih';
  }
  if (s === 'shi') {
    return 'shih';
  }
  if (s === 'ri') {
    return 'jih';
  }
  let initial = '';
  for (const [p, w] of WG_INITIALS) {
    if (s.startsWith(p)) {
      initial = w;
      s = s.slice(p.length);
      break;
    }
  }
  if (initial === '' && s === 'you') {
    return 'yu';
  }
  const final = s
    .replace(/^ong$/, 'ung')
    .replace(/^iong$/, 'iung')
    .replace(/^ian$/, 'ien')
    .replace(/^ie$/, 'ieh')
    .replace(/^ue$/, 'ueh')
    // ge, ke, he are ko, k'o, ho; guo, kuo, huo, shuo keep uo, the others write o (Lo, To, Tso).
    .replace(/^e$/, initial === 'k' || initial === 'h' ? 'o' : 'e')
    .replace(/^uo$/, initial === 'k' || initial === 'h' || initial === 'sh' ? 'uo' : 'o');
  return initial + final;
}

function hanForms(text: string): string[] {
  const runs = text.split(/[^\p{Script=Han}]+/u).filter((r) => r !== '');
  const sylls = runs.map(pinyinSyllables).filter((r) => r.length > 0);
  if (sylls.length === 0) {
    return dedupe([anyAscii(text)], 1);
  }
  // A Chinese name is a one-syllable surname and a given name written as one word: Xi Jinping.
  const asName = (ss: readonly string[], joiner: (g: readonly string[]) => string): string =>
    ss.length >= 2 ? `${ss[0]} ${joiner(ss.slice(1))}` : ss.join('');
  const pinyinJoined = sylls.map((s) => asName(s, (g) => g.join(''))).join(' ');
  const pinyinSpaced = sylls.map((s) => s.join(' ')).join(' ');
  const wg = sylls.map((s) => s.map(wadeGiles));
  const wgJoined = wg.map((s) => asName(s, (g) => g.join(''))).join(' ');
  const wgSpaced = wg.map((s) => s.join(' ')).join(' ');
  return dedupe([pinyinJoined, pinyinSpaced, wgJoined, wgSpaced], MAX_FORMS);
}

/** The usual spellings of the commonest Korean surnames (any-ascii gives Revised Romanisation). */
// prettier-ignore
const KOREAN_SURNAMES: Readonly<Record<string, readonly string[]>> = {
  김: ['kim'], 이: ['lee', 'yi', 'ri'], 리: ['ri', 'lee'], 박: ['park', 'pak'], 최: ['choi', 'choe'],
  정: ['jung', 'jong', 'chung'], 강: ['kang'], 조: ['cho', 'jo'], 윤: ['yoon', 'yun'], 장: ['jang', 'chang'],
  임: ['lim', 'im'], 림: ['rim', 'lim'], 한: ['han'], 오: ['oh', 'o'], 서: ['seo', 'suh', 'so'], 신: ['shin', 'sin'],
  권: ['kwon'], 황: ['hwang'], 안: ['ahn', 'an'], 송: ['song'], 류: ['ryu', 'yoo'], 유: ['yoo', 'yu'],
  홍: ['hong'], 전: ['jeon', 'jun', 'chon'], 고: ['ko', 'go'], 문: ['moon', 'mun'], 손: ['son', 'sohn'],
  양: ['yang'], 량: ['ryang', 'yang'], 배: ['bae', 'pae'], 백: ['baek', 'paek'], 허: ['heo', 'hur', 'ho'],
  남: ['nam'], 심: ['shim', 'sim'], 노: ['noh', 'no'], 로: ['ro', 'noh'], 하: ['ha'], 곽: ['kwak'],
  성: ['sung', 'song'], 차: ['cha'], 주: ['joo', 'ju', 'chu'], 우: ['woo', 'u'], 구: ['koo', 'ku'], 민: ['min'],
};

/** Revised Romanisation to the McCune-Reischauer-like spelling North Korean names are listed in. */
function koreanMr(syllable: string, first: boolean): string {
  let s = syllable.replace(/eo/g, 'o').replace(/eu/g, 'u').replace(/ae/g, 'ae');
  if (first) {
    s = s.replace(/^g/, 'k').replace(/^d/, 't').replace(/^b/, 'p').replace(/^j/, 'ch');
  }
  return s;
}

function hangulForms(text: string): string[] {
  const words = text.split(/[^\p{L}]+/u).filter((w) => w !== '');
  const rr: string[] = [];
  const mr: string[] = [];
  const common: string[] = [];
  words.forEach((w, wi) => {
    const sylls = [...w].map((ch) => anyAscii(ch).toLowerCase());
    rr.push(sylls.join(' '));
    mr.push(sylls.map((s, i) => koreanMr(s, i === 0)).join(' '));
    const first = [...w][0]!;
    const surname = wi === 0 && words.length === 1 && sylls.length >= 2 ? KOREAN_SURNAMES[first] : undefined;
    common.push(
      surname !== undefined
        ? [surname[0]!, ...sylls.slice(1).map((s) => koreanMr(s, false))].join(' ')
        : sylls.map((s) => koreanMr(s, false)).join(' '),
    );
  });
  const first = [...(words[0] ?? '')][0];
  const surnames = first !== undefined && words.length === 1 ? (KOREAN_SURNAMES[first] ?? []) : [];
  const rest =
    words.length === 1
      ? [...words[0]!].slice(1).map((ch) => koreanMr(anyAscii(ch).toLowerCase(), false))
      : [];
  return dedupe(
    [
      common.join(' '),
      mr.join(' '),
      rr.join(' '),
      ...surnames.map((s) => [s, ...rest].join(' ')),
      anyAscii(text),
    ],
    MAX_FORMS,
  );
}

// ---------------------------------------------------------------------------------------------------
// Arabic (with Persian and Urdu letters)

/**
 * Styles of romanising Arabic names, one per community of clerks: 0 the lists' and scholars' (UN, OFAC:
 * MUHAMMAD, HUSAYN, AL-TIKRITI), 1 the Levant and Egypt in English (Mohamed, Hussein, El-Sayed), 2 the
 * Maghreb in French (Mohamed, Chérif, Djamel, Ould), 3 Afghan, Pakistani and Persian (Mohammad, Hossein,
 * Eshaq, Shams ur-Rahman, Najibullah; q kept, the Iranian gh is in the lexicon's spellings), first for
 * names written with Persian letters or name words.
 */
type ArabicStyle = 0 | 1 | 2 | 3;
const STYLES: readonly ArabicStyle[] = [0, 1, 2, 3];

/** Consonants: spelling per style (index = style; shorter lists repeat their last). */
// prettier-ignore
const AR_CONSONANTS: Readonly<Record<string, readonly string[]>> = {
  ب: ['b'], ت: ['t'], ث: ['th', 'th', 'th', 's'], ج: ['j', 'g', 'dj', 'j'], ح: ['h'], خ: ['kh'],
  د: ['d'], ذ: ['dh', 'z', 'dh', 'z'], ر: ['r'], ز: ['z'], س: ['s'], ش: ['sh', 'sh', 'ch', 'sh'],
  ص: ['s'], ض: ['d', 'd', 'd', 'z'], ط: ['t'], ظ: ['z', 'z', 'dh', 'z'], ع: [''], غ: ['gh'],
  ف: ['f'], ق: ['q', 'k', 'k', 'q'], ك: ['k'], ل: ['l'], م: ['m'], ن: ['n'], ه: ['h'],
  ء: [''], أ: [''], إ: [''], ؤ: [''], ئ: [''], و: ['w'], ي: ['y'],
  پ: ['p'], چ: ['ch'], ژ: ['zh'], گ: ['g'], ڤ: ['v'], ٹ: ['t'], ڈ: ['d'], ڑ: ['r'], ں: ['n'],
};

/** Short and long vowels per style. */
const AR_VOWELS: Readonly<Record<'a' | 'i' | 'u' | 'A' | 'I' | 'U', readonly string[]>> = {
  a: ['a'],
  i: ['i', 'e', 'e', 'e'],
  u: ['u', 'o', 'ou', 'o'],
  A: ['a'],
  I: ['i', 'i', 'i', 'i'],
  U: ['u', 'ou', 'ou', 'u'],
};

const pickStyle = (xs: readonly string[], s: ArabicStyle): string => xs[Math.min(s, xs.length - 1)]!;

/**
 * Common name words, their spellings in the order of the styles above, then other frequent ones. Keys
 * are written without hamza seats or diacritics (أ إ آ → ا, ى → ي, ة → ه) as `arabicKey` makes them.
 */
const AR_LEXICON_TEXT = `
محمد muhammad mohamed mohamed mohammad mohammed muhammed mohamad
احمد ahmad ahmed ahmed ahmad
محمود mahmud mahmoud mahmoud mahmood
مصطفي mustafa mostafa moustafa mostafa mustapha
علي ali ali ali ali aly
عمر umar omar omar omar omer
عثمان uthman othman othmane osman usman
حسن hasan hassan hassan hassan
حسين husayn hussein hussein hossein husain hussain houssein
حسني husni hosni hosni hosni
عبد abd abdel abdel abdul abd
الله allah allah allah allah
ابراهيم ibrahim ibrahim brahim ebrahim ibraheem
اسماعيل ismail ismail ismail esmail ismael
يوسف yusuf youssef youssef yousef yousif yusif
يونس yunis younis younes yunus yunes
موسي musa moussa moussa musa mousa
عيسي isa issa aissa eisa
يحيي yahya yehia yahia yahya yahia
زكريا zakariya zakaria zakaria zakaria
سليمان sulayman suleiman slimane soleiman sulaiman
داود dawud daoud daoud davood dawood daud
خالد khalid khaled khaled khaled
سعيد said saeed said saeed saied
سعد sad saad saad saad
فهد fahd fahad fahd fahad
فيصل faysal faisal faycal feisal
طلال talal
نايف nayif naif nayef naif
ناصر nasir nasser nacer naser
منصور mansur mansour mansour mansoor
جمال jamal gamal djamel jamal
كمال kamal kamal kamel kamal
صلاح salah salah salah salah
صالح salih saleh salah saleh
عادل adil adel adel adel
جعفر jafar jaafar djafar jafar
حمزه hamza hamza hamza hamzeh hamzah
طه taha taha taha taha
ياسين yasin yassin yacine yasin yaseen
ياسر yasir yasser yasser yaser
عمار ammar
عامر amir amer amer amer
امير amir amir amir amir ameer
بكر bakr bakr bakr bakr bakar
ابو abu abou abou abu
بن bin bin ben bin
ابن ibn ibn ibn ibn
بنت bint
سيف sayf saif seif saif
نور nur nour nour nur noor
زيد zayd zaid zaid zeid
رشيد rashid rashid rachid rashid rasheed
حامد hamid hamed hamed hamed
حميد hamid hamid hamid hamid humaid
مجيد majid magid majid majid majeed
ماجد majid maged majed majid
وليد walid walid walid walid waleed
خليل khalil khalil khalil khalil
اسامه usama osama oussama osama usamah
انور anwar
عزيز aziz
طارق tariq tarek tarek tariq tarik
زياد ziyad ziad ziad ziad
مراد murad mourad mourad morad
هشام hisham hesham hicham hesham
عماد imad emad imad emad
عصام isam essam issam esam issam
بشار bashar
بشير bashir bashir bachir bashir basheer
نبيل nabil nabil nabil nabil nabeel
جميل jamil gamil djamil jamil jameel
كريم karim karim karim karim kareem
رحمن rahman
رحيم rahim
رزاق razzaq razek razak razzaq
قادر qadir kader kader ghader qader
قاسم qasim kassem kacem ghasem qassim qasem
هاشم hashim hashem hachem hashem
عباس abbas
عدنان adnan
ادريس idris idris driss idris idriss
الياس ilyas elias elias elyas
جابر jabir gaber djaber jaber
حبيب habib
حاج hajj hag hadj haj
شيخ shaykh sheikh cheikh sheikh
ملا mulla mulla mulla mulla mullah
سيد sayyid sayed sid seyed said sayid
فاطمه fatima fatma fatima fatemeh fatimah
عائشه aisha aisha aicha aisheh ayesha
عايشه aisha aisha aicha aisheh ayesha
خديجه khadija khadiga khadidja khadijeh khadijah
مريم maryam mariam meriem maryam
زينب zaynab zeinab zineb zeynab zainab
امنه amina amna amina amineh
امينه amina amina amina amineh
هدي huda hoda houda hoda
ليلي layla leila leila leila laila
ساره sara sarah sara sara
رمضان ramadan ramadan ramdane ramezan ramazan
شعبان shaban shaaban chaabane shaban
عيد id eid aid eid
نصر nasr nasr nasr nasr
مهدي mahdi mahdi mehdi mehdi
هادي hadi hady hadi hadi
فاضل fadil fadel fadel fazel fazil
فضل fadl fadl fadel fazl fazal
زهير zuhayr zuhair zouhair zoheir
منير munir mounir mounir monir
بلال bilal belal bilal bilal
خضر khadr khedr khader khezr khidr khidir
شاكر shakir shaker chaker shaker
صابر sabir saber saber saber
سامي sami samy sami sami
سمير samir samir samir samir sameer
طاهر tahir taher taher taher
مالك malik malek malek malek
نعمان numan noaman nouman noman
قيس qays qais kais qeys
نزار nizar nizar nizar nezar
هاني hani hany hani hani
مازن mazin mazen mazen mazen
ماهر mahir maher maher maher
محسن muhsin mohsen mohsen mohsen mohsin
حسام husam hossam houssam hossam hussam
عزت izzat ezzat ezzat ezzat
حكمت hikmat hekmat hikmet hekmat
سلطان sultan
سالم salim salem salem salem
سليم salim selim slim salim
حمد hamad hamad hamad hamad hamd
حمود hammud hamoud hammoud hamoud
مبارك mubarak mubarak moubarak mobarak
اسحاق ishaq ishak ishak eshaq eshagh
يعقوب yaqub yacoub yacoub yaghoub yakub
ايوب ayyub ayoub ayoub ayoub ayub
شريف sharif sherif cherif sharif
جاسم jasim gassem djassem jasem jassim
كاظم kazim kazem kadhem kazem kadhim kathim
رضا rida reda reda reza ridha
مصعب musab mosab mosaab mosab
اسد asad asaad assad asad
انس anas
اياد iyad eyad iyad ayad
ايمن ayman ayman aymen aiman
وائل wail wael wael vael
فراس firas feras firas firas
رامي rami ramy rami rami
توفيق tawfiq tawfik toufik tofigh
صادق sadiq sadek sadek sadegh sadik
حافظ hafiz hafez hafedh hafez
غسان ghassan
غازي ghazi ghazy ghazi ghazi
سلمان salman salman salmane salman
عمران imran omran imrane emran
قصي qusay qusai koussai ghosai kusay
عدي uday odai oudai oday udai
ولد ould ould ould ould walad
خان khan
جان jan
شاه shah
مير mir
گل gul gol gul gul
زاده zada zadeh zada zada zadah
اخوند akhund akhoond akhound akhund
مولوي mawlawi maulvi maulavi mowlavi mawlavi
قاري qari qari kari qari
حاجي haji hajji hadj haji
خداي khudai khoday khoudai khodai
داد dad
ابوبكر abu_bakr abubakar aboubakr abubakr abu_bakar
نصرالله nasrallah
عبدالله abdallah abdullah abdallah abdollah abd_allah abdulla
اسلام islam
جهاد jihad gihad djihad jahad
مجاهد mujahid mogahed moudjahid mojahed
زبير zubayr zubair zoubir zobeir
سفيان sufyan sofian soufiane sofyan
معاذ muadh moaz mouadh moaz muaz
حذيفه hudhayfa hozaifa houdhaifa hozeyfeh huzaifa
جبريل jibril gibril djibril jebrail
مرتضي murtada mortada mortada morteza
حيدر haydar haidar haidar heydar
علاء ala alaa alaa ala
ضياء diya diaa dhia ziya
ضيا diya dia dhia zia ziya
دوست dost doost dost dost dust
بهاء baha bahaa bahaa baha
وفاء wafa wafaa wafa vafa
جلال jalal galal djallal jalal
نجيب najib nagib najib najib
شهاب shihab shehab chehab shahab
ابوالقاسم abu_al_qasim abul_kassem aboulkacem abolghasem abu_al_kasim
`;

/** Lexicon key of an Arabic word: hamza seats, alif maqsura, ta marbuta and Persian letters folded. */
function arabicKey(word: string): string {
  let out = '';
  for (const c of word) {
    out += AR_KEY_FOLD[c] ?? c;
  }
  return out;
}

const AR_KEY_FOLD: Readonly<Record<string, string>> = {
  أ: 'ا',
  إ: 'ا',
  آ: 'ا',
  ٱ: 'ا',
  ى: 'ي',
  ی: 'ي',
  ة: 'ه',
  ک: 'ك',
  ہ: 'ه',
  '\u0651': '',
};

const AR_LEXICON: ReadonlyMap<string, readonly string[]> = new Map(
  AR_LEXICON_TEXT.trim()
    .split('\n')
    .map((line) => {
      const [key, ...forms] = line.trim().split(/\s+/);
      // Forms of several words ("abu bakr") are written with underscores.
      return [key!, forms.map((f) => f.replace(/_/g, ' '))] as const;
    }),
);

/** Words of a name, letters normalised: harakat dropped except shadda (ّ), Persian/Urdu forms folded. */
function arabicTokens(text: string): string[] {
  const t = /[\ufb50-\ufdff\ufe70-\ufeff]/.test(text) ? text.normalize('NFKC') : text;
  return t
    .replace(/\u0640/g, '') // tatweel
    .replace(/[\u064b-\u0650\u0652-\u065f\u0670]/g, '')
    .replace(/ی/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/[ہە]/g, 'ه')
    .replace(/ۀ/g, 'ه')
    .replace(/ۃ/g, 'ة')
    .replace(/ے/g, 'ي')
    .replace(/ھ/g, 'ه')
    .split(/[^\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\p{N}]+|[\u060c\u061b\u061f\u066a-\u066d\u06d4]+/u)
    .filter((w) => w !== '');
}

type ShortVowel = 'a' | 'i' | 'u';
type Unit =
  | { readonly t: 'c'; readonly ar: string; readonly double: boolean }
  | { readonly t: 'v'; readonly v: 'A' | 'I' | 'U' | ShortVowel; readonly maqsura?: boolean };

const SUN_LETTERS = 'تثدذرزسشصضطظلن';
const AR_NOT_CONSONANT = 'اأإآىة';

/**
 * The letters of a word (without article) as consonants and long vowels: و and ي are consonants at
 * the start, before or after a long vowel and when doubled, long vowels elsewhere; ة and a final ه
 * after a consonant are -a; a bare ا at the start is i before two consonants and a long ā (Ibrahim,
 * Ihsan, Intisar), a otherwise (Ahmad, Anwar).
 */
function arabicUnits(stem: string): Unit[] {
  const letters = [...stem];
  const units: Unit[] = [];
  for (let i = 0; i < letters.length; i++) {
    const c = letters[i]!;
    const double = letters[i + 1] === '\u0651';
    if (double) {
      letters.splice(i + 1, 1);
    }
    const next = letters[i + 1];
    const prev = units[units.length - 1];
    const last = i === letters.length - 1;
    if (i === 0 && (c === 'ا' || c === 'أ' || c === 'إ' || c === 'آ')) {
      let k = 1;
      while (
        k < letters.length &&
        !AR_NOT_CONSONANT.includes(letters[k]!) &&
        letters[k] !== 'و' &&
        letters[k] !== 'ي'
      ) {
        k++;
      }
      const ifal = c === 'ا' && k >= 3 && letters[k] === 'ا';
      units.push({ t: 'v', v: c === 'آ' ? 'A' : c === 'إ' || ifal ? 'i' : 'a' });
      continue;
    }
    if (c === 'ا' || c === 'آ') {
      units.push({ t: 'v', v: 'A' });
      continue;
    }
    if (c === 'ى') {
      units.push({ t: 'v', v: 'A', maqsura: last });
      continue;
    }
    if (c === 'ة' || (c === 'ه' && last && prev !== undefined && prev.t === 'c' && letters.length > 2)) {
      units.push({ t: 'v', v: 'a' });
      continue;
    }
    if ((c === 'و' || c === 'ي') && !double && i > 0) {
      const nextIsVowel = next === 'ا' || next === 'ى' || next === 'و' || next === 'ي';
      const prevIsLong = prev !== undefined && prev.t === 'v';
      if (
        c === 'ي' &&
        prev !== undefined &&
        prev.t === 'c' &&
        (next === 'ة' || (next === 'ه' && i + 2 === letters.length))
      ) {
        // -iya of a feminine nisba (Islamiya, Saudiya)
        units.push({ t: 'v', v: 'I' }, { t: 'c', ar: 'ي', double: false });
        continue;
      }
      if (!nextIsVowel && !prevIsLong && next !== 'ة') {
        units.push({ t: 'v', v: c === 'و' ? 'U' : 'I' });
        continue;
      }
    }
    units.push({ t: 'c', ar: c, double });
  }
  return units;
}

/** Where a nisba ending -i (-iya) starts after a consonant, or -1: Tikriti, Haqqani, Islamiya. */
function nisbaAt(units: readonly Unit[]): number {
  const n = units.length;
  const isI = (k: number): boolean => {
    const u = units[k];
    return u !== undefined && u.t === 'v' && u.v === 'I';
  };
  let k = -1;
  if (isI(n - 1)) {
    k = n - 1;
  } else if (n >= 3 && isI(n - 3) && units[n - 2]!.t === 'c' && units[n - 1]!.t === 'v') {
    k = n - 3;
  }
  return k >= 3 && units[k - 1]!.t === 'c' ? k : -1;
}

/**
 * Short vowels for a word written without them, by the shapes Arabic names take: a run of consonants
 * at the start of a word is CaC, CaCC, CaCaC (alone: Hasan, Jafar, Barzan; mu- for the participles
 * Muhsin, Mujahid); after a long ā two consonants are CiC (Hamid, Salih), after ū CuC (Yusuf); a run
 * of three in the middle is CCiC (Intisar). A nisba's stem is vowelled as a word of its own.
 * Persian keeps two final consonants together after ū, ī (Dost, Akhund).
 */
function vowelled(units: readonly Unit[], persian: boolean): (ShortVowel | '')[] {
  const nisba = nisbaAt(units);
  if (nisba > 0) {
    return [...vowelled(units.slice(0, nisba), persian), ...units.slice(nisba).map(() => '' as const)];
  }
  const out: (ShortVowel | '')[] = units.map(() => '');
  let i = 0;
  while (i < units.length) {
    if (units[i]!.t !== 'c') {
      i++;
      continue;
    }
    let j = i;
    while (j < units.length && units[j]!.t === 'c') {
      j++;
    }
    const run = j - i;
    const atStart = i === 0;
    const atEnd = j === units.length;
    const before = i > 0 ? units[i - 1] : undefined;
    const afterLong =
      before !== undefined && before.t === 'v' && before.v.length === 1 && before.v === before.v.toUpperCase()
        ? before.v
        : undefined;
    const first = units[i] as { ar: string };
    const shape: (ShortVowel | '')[] = new Array<ShortVowel | ''>(run).fill('');
    if (atStart) {
      const mu = first.ar === 'م' && (run === 2 || run === 4);
      if (atEnd) {
        if (run === 2) {
          shape[0] = 'a';
        } else if (run === 3) {
          shape[0] = 'a';
          shape[1] = 'a';
        } else if (run === 4) {
          shape[0] = mu ? 'u' : 'a';
          shape[2] = mu ? 'i' : 'a';
        } else {
          // muCCaCiC, muCCaCCiC: Muntasir, Mustansir
          shape[0] = first.ar === 'م' ? 'u' : 'a';
          shape[2] = 'a';
          shape[run - 2] = 'i';
        }
      } else if (run >= 2) {
        shape[0] = mu ? 'u' : 'a';
        for (let k = 3; k < run; k += 2) {
          shape[k - 1] = 'a';
        }
      }
    } else if (atEnd) {
      const v: ShortVowel = afterLong === 'A' ? 'i' : afterLong === 'U' ? 'u' : 'a';
      if (run === 2 && persian && (afterLong === 'U' || afterLong === 'I')) {
        // Persian closes a syllable on two consonants after ū, ī: Dost, Akhund.
      } else if (run === 2) {
        shape[0] = v;
      } else if (run >= 3) {
        shape[1] = v;
      }
    } else if (run === 3) {
      shape[1] = 'i';
    } else if (run >= 4) {
      shape[1] = 'a';
      shape[3] = 'a';
    }
    for (let k = 0; k < run; k++) {
      out[i + k] = shape[k]!;
    }
    i = j;
  }
  // ؤ after a consonant is u' (Fu'ad, Mu'min, Lu'ay).
  for (let k = 1; k < units.length; k++) {
    const u = units[k]!;
    if (u.t === 'c' && u.ar === 'ؤ' && units[k - 1]!.t === 'c') {
      out[k - 1] = 'u';
    }
  }
  return out;
}

/** Diphthong spellings of a medial ي / و per style (Husayn, Hussein, Houssein, Hossein). */
const AR_DIPHTHONGS: Readonly<Record<'I' | 'U', readonly string[]>> = {
  I: ['ay', 'ei', 'ai', 'ey'],
  U: ['aw', 'aw', 'aou', 'ow'],
};

interface Reading {
  readonly units: readonly Unit[];
  readonly vowels: readonly (ShortVowel | '')[];
  /** Medial long ī/ū read as the diphthongs ay/aw. */
  readonly diphthongs: boolean;
  /** A final ى read as i (Persian and Afghan writing) rather than a. */
  readonly maqsuraI: boolean;
  /** Medial long ī/ū written ee/oo, as South Asian English does (Rasheed, Noor, Masood). */
  readonly longDigraphs?: boolean;
}

function spellReading(r: Reading, s: ArabicStyle): string {
  const { units, vowels } = r;
  let out = '';
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    if (u.t === 'v') {
      // (and at the end of a word of two letters: حي Hayy, مي Mai)
      if (
        r.diphthongs &&
        (u.v === 'I' || u.v === 'U') &&
        k > 0 &&
        (k < units.length - 1 || units.length === 2)
      ) {
        out += pickStyle(AR_DIPHTHONGS[u.v], s);
      } else if (r.longDigraphs === true && (u.v === 'I' || u.v === 'U') && k < units.length - 1) {
        out += u.v === 'I' ? 'ee' : 'oo';
      } else if (u.maqsura === true && r.maqsuraI) {
        out += 'i';
      } else {
        out += pickStyle(AR_VOWELS[u.v], s);
      }
    } else {
      const l = pickStyle(AR_CONSONANTS[u.ar] ?? [anyAscii(u.ar).toLowerCase()], s);
      out += u.double ? l + l : l;
    }
    const v = vowels[k];
    if (v !== undefined && v !== '') {
      out += pickStyle(AR_VOWELS[v], s);
    }
  }
  return out;
}

/**
 * The likely readings of a word without a lexicon entry, most likely first: the patterns' vowels;
 * the middle consonant doubled (Saddam, Hassan, Hammud: Arabic seldom writes the shadda); a word of
 * three consonants as CaCC (Saad, Fahd, Bakr); medial ي و as diphthongs (Husayn, Jawhar), first when
 * the word is three letters with ي in the middle (Zayd, Sayf, Ghayth); the first vowel as u or i.
 */
function readings(stem: string, ctx: StemContext): Reading[] {
  const units = arabicUnits(stem);
  const vowels = vowelled(units, ctx.persian);
  // A final ى is -i where the word is a nisba (al-Masri, Haqqani: Egyptian and Afghan hands write ى
  // for a final ي), -a in names like Salma, Najwa.
  const maqsuraI = ctx.persian || ctx.article || /[اوي].[ىی]$/.test(stem);
  const base: Reading = { units, vowels, diphthongs: false, maqsuraI };
  const out: Reading[] = [];
  const shape = units.map((u) => (u.t === 'c' ? 'C' : u.v)).join('');
  // After aw the next syllable has a, not the u a long ū would call for (Jawhar, Nawfal).
  const diph: Reading = {
    ...base,
    diphthongs: true,
    vowels: /^CUCC/.test(shape) ? vowels.map((v, k) => (v === 'u' && k >= 2 ? 'a' : v)) : vowels,
  };
  const cacc: Reading = { ...base, vowels: vowels.map((v, k) => (k === 1 ? '' : v)) };
  const firstLetter = (units[0] as { ar?: string }).ar;
  if (
    shape === 'CIC' ||
    shape === 'CI' ||
    /^CICC/.test(shape) ||
    (/^CUCC/.test(shape) && firstLetter !== 'ي')
  ) {
    // ي, و between a consonant and two more are ay, aw (Haytham, Faysal, Zaynab, Jawhar, Nawfal,
    // Shawqi), except after ي (Yusuf, Yunus).
    out.push(diph, base);
  } else if (shape === 'CCC' && ctx.construct) {
    // Before الله, الدين: Hamdullah, Nasrullah, Fazlullah.
    out.push(cacc, base);
  } else {
    out.push(base);
  }
  // CaCāC, CaCūC (then CaCīC) with the middle consonant doubled: Saddam, Hammud, Siddiq.
  const doubled: Reading = {
    ...base,
    units: units.map((u, k) => (k === 1 && u.t === 'c' ? { ...u, double: true } : u)),
  };
  if (/^CC[AU]C/.test(shape)) {
    out.push(doubled);
  }
  const nisba = nisbaAt(units);
  const stemShape = nisba > 0 ? shape.slice(0, nisba) : shape;
  if (stemShape === 'CCCC' && (units[0] as { ar: string }).ar === 'م') {
    // maCCaC beside muCCiC: Mazhar, Mashhad beside Muhsin.
    out.push({ ...base, vowels: vowels.map((v, k) => (k === 0 || k === 2 ? 'a' : v)) });
  }
  if (/^CCIC/.test(shape)) {
    // The diminutive CuCayC of so many names: Zubayr, Ubayd, Husayn, Suhayl, Qutayba.
    out.push({ ...base, diphthongs: true, vowels: vowels.map((v, k) => (k === 0 ? 'u' : v)) }, doubled);
  }
  if (/.[IU]./.test(shape)) {
    out.push({ ...base, longDigraphs: true });
  }
  const cons = vowels.map((v, k) => (units[k]!.t === 'c' ? v : undefined));
  if ((shape === 'CCC' && !ctx.construct) || (nisbaAt(units) === 3 && shape.startsWith('CCC'))) {
    out.push(cacc);
  }
  if (out[0] === base && /[CA]([IU])C/.test(shape) && /.[IU]./.test(shape)) {
    out.push(diph);
  }
  if (units.some((u) => u.t === 'v' && u.maqsura === true)) {
    out.push({ ...base, maqsuraI: !maqsuraI });
  }
  const firstVowel = cons.findIndex((v) => v !== undefined && v !== '');
  if (firstVowel >= 0 && firstVowel <= 1) {
    for (const v of ['u', 'i'] as const) {
      if (vowels[firstVowel] !== v) {
        out.push({ ...base, vowels: vowels.map((x, k) => (k === firstVowel ? v : x)) });
      }
    }
  }
  return out;
}

/** What spelling a stem depends on besides its letters. */
interface StemContext {
  /** Written the Persian or Afghan way (see `PERSIAN`). */
  readonly persian: boolean;
  /** Spell every reading (for `romanisedWords`), not only those whole-name forms take. */
  readonly full: boolean;
  /** The word has the article. */
  readonly article: boolean;
  /** The word is X in X الله, X الدين. */
  readonly construct: boolean;
}

/** A stem (no article) spelled per style (index = style): the lexicon's spellings or the patterns'. */
function arabicStem(stem: string, ctx: StemContext): string[][] {
  const { persian, full } = ctx;
  const key = arabicKey(stem);
  const known = AR_LEXICON.get(key);
  if (known !== undefined) {
    return STYLES.map((s) => [pickStyle(known, s), ...known.slice(STYLES.length)]);
  }
  // The nisba of a lexicon word: Muhammadi, Husayni, Yusufi.
  const nisbaOf = key.length >= 4 && key.endsWith('ي') ? AR_LEXICON.get(key.slice(0, -1)) : undefined;
  if (nisbaOf !== undefined && !nisbaOf[0]!.includes(' ')) {
    return STYLES.map((s) => [pickStyle(nisbaOf, s), ...nisbaOf.slice(STYLES.length)].map((x) => `${x}i`));
  }
  // The Pashtun tribal names in -zai (Achekzai, Noorzai, Popalzai).
  if (persian && !ctx.article && key.length >= 4 && key.endsWith('زي')) {
    const tribe = arabicStem(stem.slice(0, -1), ctx);
    return tribe.map((st) => [...st.map((x) => `${x}ai`), `${st[0]}i`]);
  }
  const rs = readings(stem, ctx);
  // For word-by-word spellings, every reading in the lists' and the South Asian style and the first
  // three in the others; for whole-name forms, what `arabicForms` takes (the main style's first four).
  const main = persian ? 3 : 0;
  const limit = (s: ArabicStyle): number =>
    full ? (s === 0 || s === 3 ? rs.length : 3) : s === main ? 4 : 1;
  return STYLES.map((s) => rs.slice(0, limit(s)).map((r) => spellReading(r, s)));
}

const ARTICLE: readonly string[] = ['al', 'el', 'el', 'al'];

/** Spellings of X الله (Abdallah, Nasrallah, Atiqullah) and X الدين (Saif al-Din, Salahuddin) per style. */
function compoundForms(x: string, second: 'allah' | 'din', s: ArabicStyle): string[] {
  if (second === 'allah') {
    return s === 3
      ? [`${x}ullah`, `${x} ullah`, `${x} allah`]
      : s === 2
        ? [`${x}allah`, `${x} allah`]
        : [`${x} allah`, `${x}allah`, `${x}ullah`];
  }
  switch (s) {
    case 0:
      return [`${x} al din`, `${x}uddin`, `${x} ad din`, `${x}aldin`];
    case 1:
      return [`${x} el din`, `${x} eldin`, `${x} el dine`];
    case 2:
      return [`${x} eddine`, `${x}eddine`, `${x} eddin`];
    case 3:
      return [`${x}uddin`, `${x} uddin`, `${x} ud din`, `${x}addin`];
  }
}

interface ArabicToken {
  readonly text: string;
  /** عبد joined to a word with the article (عبد الرحمن, عبدالرحمن) */
  readonly abd: boolean;
  /** The word is X in X الله / X الدين. */
  readonly compound: 'allah' | 'din' | undefined;
}

/** Words of a name with the compounds it writes as two words or one put together. */
function arabicNameTokens(text: string): ArabicToken[] {
  const tokens = arabicTokens(text);
  const out: ArabicToken[] = [];
  for (let t = 0; t < tokens.length; t++) {
    let tok = tokens[t]!;
    let key = arabicKey(tok);
    let following = tokens[t + 1];
    let nextKey = following === undefined ? '' : arabicKey(following);
    if (key === 'عبد' && following !== undefined && /^ال./.test(nextKey)) {
      tok += following;
      key += nextKey;
      t++;
      following = tokens[t + 1];
      nextKey = following === undefined ? '' : arabicKey(following);
    }
    if (AR_LEXICON.has(key) && nextKey !== 'الله' && nextKey !== 'الدين') {
      out.push({ text: tok, abd: false, compound: undefined });
      continue;
    }
    if (key.startsWith('عبدال') && key.length > 6) {
      out.push({ text: tok.slice(3), abd: true, compound: undefined });
      continue;
    }
    if (nextKey === 'الله' || nextKey === 'الدين') {
      out.push({ text: tok, abd: false, compound: nextKey === 'الله' ? 'allah' : 'din' });
      t++;
      continue;
    }
    // Put together: عبيدالله, شمسالدين.
    const glued = /^(.{2,})(الله|الدين)$/.exec(key);
    if (glued !== null) {
      out.push({
        text: tok.slice(0, glued[1]!.length),
        abd: false,
        compound: glued[2] === 'الله' ? 'allah' : 'din',
      });
      continue;
    }
    // عبد glued to the name before it (محمدعبد البصير).
    if (key.length > 5 && key.endsWith('عبد') && AR_LEXICON.has(key.slice(0, -3))) {
      out.push({ text: tok.slice(0, -3), abd: false, compound: undefined });
      tokens.splice(t + 1, 0, 'عبد');
      continue;
    }
    // أبو joined to the next name (أبوغيث).
    if (key.startsWith('ابو') && key.length >= 6) {
      out.push({ text: 'ابو', abd: false, compound: undefined });
      out.push({ text: tok.slice(3), abd: false, compound: undefined });
      continue;
    }
    out.push({ text: tok, abd: false, compound: undefined });
  }
  return out;
}

/** Names of God that South Asian names join with -ur, -ul (Fazl ur-Rahman, Inam ul-Haq). */
const DIVINE: ReadonlySet<string> = new Set(
  [
    'رحمن',
    'رحمان',
    'رحيم',
    'حق',
    'كريم',
    'امين',
    'اسلام',
    'هدي',
    'عابدين',
    'غني',
    'حي',
    'قادر',
    'ستار',
    'جبار',
    'عزيز',
    'حسن',
  ].map(arabicKey),
);

/** The memo of `arabicWords`, as `wordMemo` (a word's spellings per style). */
const arabicMemo = new Map<string, readonly (readonly string[])[]>();

/** Persian and Urdu letters say the name is written the Persian, Afghan or Pakistani way. */
const PERSIAN = /[یکگچپژںےۀہٹڈڑ]|(^|\s)(زاده|خان|جان|آخوند|اخوند|ملا|مولوي|گل)(\s|$)/;

/**
 * Each word of an Arabic name as spellings per style: words[w][style] is a list, its first the style's
 * own spelling. The article ال and the compounds عبد ال…, X الله, X الدين stay with their word.
 */
function arabicWords(
  text: string,
  full: boolean,
): {
  words: readonly (readonly (readonly string[])[])[];
  order: readonly ArabicStyle[];
} {
  const persian = PERSIAN.test(text);
  const order: readonly ArabicStyle[] = persian ? [3, 0, 1, 2] : STYLES;
  const words: (readonly (readonly string[])[])[] = [];
  const tokens = arabicNameTokens(text);
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const afterWord = t > 0;
    // ة before a word with the article is -at, as organisations' names are read (Jabhat al-Nusra).
    const construct = tok.text.endsWith('ة') && /^[اأ]ل/.test(tokens[t + 1]?.text ?? '');
    const memoKey = `${full ? 'f' : ''}${persian ? 'p' : ''}${afterWord ? 'w' : ''}${construct ? 't' : ''}${tok.compound ?? ''}${tok.abd ? 'abd' : ''}|${tok.text}`;
    const memo = arabicMemo.get(memoKey);
    if (memo !== undefined) {
      words.push(memo);
      continue;
    }
    const hasArticle =
      /^[اأ]ل/.test(tok.text) && [...tok.text].length > 3 && !AR_LEXICON.has(arabicKey(tok.text));
    const stem = hasArticle ? tok.text.slice(2) : tok.text;
    const spelled = arabicStem(stem, {
      persian,
      full,
      article: hasArticle,
      construct: tok.compound !== undefined,
    });
    const sun = SUN_LETTERS.includes(stem[0] ?? '');
    const word = STYLES.map((s) => {
      const st = spelled[s]!;
      const first = st[0]!;
      if (tok.compound !== undefined) {
        return [
          ...compoundForms(first, tok.compound, s),
          ...st.slice(1, 3).map((x) => compoundForms(x, tok.compound!, s)[0]!),
        ];
      }
      if (!hasArticle) {
        return construct && first.endsWith('a') ? [...st.slice(0, 2), `${first}t`, ...st.slice(2)] : st;
      }
      const art = ARTICLE[s]!;
      if (tok.abd) {
        const abd =
          s === 3
            ? ['abdul', 'abd al', 'abd']
            : s === 0
              ? ['abd al', 'abdul', 'abdel', 'abd']
              : ['abdel', 'abd el', 'abdul', 'abd'];
        return [
          ...abd.map((a) => `${a} ${first}`),
          `abdul${first}`,
          ...st.slice(1, 3).map((x) => `${abd[0]} ${x}`),
        ];
      }
      const sunForm = sun ? [`${art[0]}${first[0]} ${first}`] : [];
      if (s === 3 && afterWord && DIVINE.has(arabicKey(stem))) {
        // South Asian names join the article before God's names to the word before as -ur, -ul
        // (Shams ur-Rahman, Zia ul-Haq).
        const ul = `u${sun ? first[0] : 'l'} ${first}`;
        return [ul, `${art} ${first}`, first, ...st.slice(1).map((x) => `${art} ${x}`), ...st.slice(1)];
      }
      return [`${art} ${first}`, first, ...st.slice(1).map((x) => `${art} ${x}`), ...sunForm, ...st.slice(1)];
    });
    if (arabicMemo.size >= WORD_MEMO_MAX) {
      arabicMemo.clear();
    }
    arabicMemo.set(memoKey, word);
    words.push(word);
  }
  return { words, order };
}

function arabicForms(text: string): string[] {
  const { words, order } = arabicWords(text, false);
  const main = order[0]!;
  const forms: string[] = [words.map((w) => w[main]![0]!).join(' ')];
  // Without the article (TIKRITI as often as AL-TIKRITI).
  forms.push(words.map((w) => w[main]!.find((x) => !/^(al|el) /.test(x)) ?? w[main]![0]!).join(' '));
  for (const s of order.slice(1)) {
    forms.push(words.map((w) => w[s]![0]!).join(' '));
  }
  for (let k = 1; k < 4; k++) {
    forms.push(words.map((w) => w[main]![Math.min(k, w[main]!.length - 1)]!).join(' '));
  }
  return dedupe(forms, MAX_FORMS);
}

function arabicWordSpellings(text: string): string[][] {
  const { words, order } = arabicWords(text, true);
  return words.map((w) => {
    const all: string[] = [];
    const longest = Math.max(...w.map((x) => x.length));
    for (let k = 0; k < longest; k++) {
      for (const s of order) {
        const x = w[s]![k];
        if (x !== undefined) {
          all.push(x);
        }
      }
    }
    return dedupe(all, 12);
  });
}

/**
 * The consonant key of a Latin word romanised from Arabic: what a listed spelling (SADDAM, HUSSEIN,
 * AL-TIKRITI) and a spelling guessed from Arabic script (sadam, husayn, tikriti) share whatever
 * vowels and doublings either wrote. Vowels and apostrophes are dropped, doubled letters collapse,
 * y and w count only at the start of a word (elsewhere Arabic ي و are as often vowels), digraphs fold
 * (kh → x, gh → g, sh → $, th → t, dh → d, ph → f, ch → $ as the Maghreb writes ش), q and c to k, and a
 * final h goes (FATIMAH / fatima). Keys agree far more often than spellings, at the price of meeting
 * more unrelated names: a matcher should use them only for names from Arabic script, beside spelling.
 */
export function consonantKey(latinWord: string): string {
  const w = latinWord
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/kh/g, 'x')
    .replace(/gh/g, 'g')
    .replace(/[sc]h/g, '$')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/ph/g, 'f')
    .replace(/[qc]/g, 'k')
    .replace(/h$/, '');
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    if ('aeiou'.includes(c) || ((c === 'y' || c === 'w') && i > 0)) {
      continue;
    }
    if (out[out.length - 1] !== c) {
      out += c;
    }
  }
  return out;
}
