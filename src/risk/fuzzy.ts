/**
 * Fuzzy matching of names (issue 19). A name is normalised once (transliterated to ASCII, lower case,
 * dotted initials joined, legal forms, titles and filler words dropped) into words, each with a
 * spelling skeleton (how it sounds, roughly: kh/h, ts/c, dzh/j, ou/u, y/i …) and a weight (short
 * words, name particles and common words weigh less). Two names are compared word by word, in any
 * order, each word meeting at most one: equal, sounding alike, a few edits apart (more in longer
 * words), run together with its neighbour, or, in a name cut at a field limit, its last word the
 * start of a listed word. The score asks both ways: how much of the listed name is found and how
 * much of the screened name is explained, so a one-word listed name found inside a longer name does
 * not score high. Numbers and identifiers are compared exactly: two names differing only in a
 * number do not match.
 *
 * Every match needs anchors: words meeting nearly exactly (equal, same skeleton, or one edit) that
 * weigh at least `ANCHOR_SHARE` of the listed name. That is what lets `watchlist.ts` find every
 * candidate through an index of one-edit deletion keys, and the rule index skip rules whose names
 * share no key with a filing's, without changing a single answer.
 */
import anyAscii from 'any-ascii';

/**
 * Words that say what kind of company it is, not which one (legal forms of the main trading
 * countries, after transliteration and with dotted forms joined: "S.A." is "sa", "ООО" is "ooo").
 * Dropping them stops "Acme Ltd" and "Acme GmbH" differing.
 */
export const LEGAL_FORM_WORDS: ReadonlySet<string> = new Set(
  [
    // English-speaking
    'co company corp corporation inc incorporated ltd limited llc llp lp plc pllc lllp pc',
    'pty pvt pte bhd sdn berhad',
    // Gulf and free zones
    'fze fzco fzc fzllc fz wll spc saog saoc psc pjsc sal sak',
    // Continental Europe
    'ag gmbh mbh kg kgaa ohg gbr ug ek ev',
    'sa sas sasu sarl eurl snc scs sca scop sci',
    'spa srl srls sapa snc',
    'sl slu sll sau',
    'bv nv vof bvba sprl cvba',
    'ab hb kb oy oyj asa as aps',
    'sro spol zrt kft nyrt bt',
    // Latin America
    'ltda cia eireli sacv sapi cv rl ca',
    // Former USSR, Turkey, Iran
    'ooo oao zao pao ao jsc ojsc cjsc tov chp ip',
    'sti',
    // East and South-East Asia
    'kk yk gk tbk',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Legal forms written as several words, dropped where the words stand together: "S.A. de C.V.",
 * "limited liability company", Chinese "youxian gongsi" (有限公司 after transliteration).
 */
export const LEGAL_FORM_PHRASES: readonly (readonly string[])[] = [
  'sa de cv',
  's de rl de cv',
  's de rl',
  'sapi de cv',
  'sociedad anonima de capital variable',
  'sociedad anonima',
  'sociedad limitada',
  'sociedad de responsabilidad limitada',
  'societe anonyme',
  'societe a responsabilite limitee',
  'societe par actions simplifiee',
  'societa per azioni',
  'societa a responsabilita limitata',
  'gesellschaft mit beschrankter haftung',
  'limited liability company',
  'limited liability partnership',
  'limited partnership',
  'public limited company',
  'private limited company',
  'private limited',
  'joint stock company',
  'public joint stock company',
  'closed joint stock company',
  'open joint stock company',
  'closed joint stock',
  'joint stock',
  'free zone establishment',
  'free zone company',
  'free zone',
  'sp z oo',
  'ltd sti',
  'san ve tic',
  've tic',
  'you xian gong si',
  'youxian gongsi',
  'gu fen you xian gong si',
  'gufen youxian gongsi',
  'you xian ze ren gong si',
  'youxian zeren gongsi',
  'kabushiki kaisha',
  'kabushiki gaisha',
  'yugen kaisha',
  'godo kaisha',
  'sendirian berhad',
  'perseroan terbatas',
  'tovarystvo z obmezhenoiu vidpovidalnistiu',
  'obshchestvo s ogranichennoi otvetstvennostiu',
  'otkrytoe aktsionernoe obshchestvo',
  'zakrytoe aktsionernoe obshchestvo',
  'publichnoe aktsionernoe obshchestvo',
  'aktsionernoe obshchestvo',
  'obshchestvo s ogranichennoy otvetstvennostyu',
].map((p) => p.split(' '));

/** Words that say nothing about who it is: titles, articles, conjunctions. Dropped. */
const FILLER_WORDS: ReadonlySet<string> = new Set(
  [
    'the of and for und et y e ve',
    'mr mrs ms miss mx dr prof sir dame lord lady rev hon',
    'mme mlle herr frau sig sr sra srta jr phd md ing eng dipl',
  ]
    .join(' ')
    .split(' '),
);

/** Parts of a name that are not the name: articles, kinship and honorifics. They weigh 1. */
const PARTICLES: ReadonlySet<string> = new Set(
  [
    'al el ad ar as at az ash ul',
    'bin ben ibn bint ould ibnu binti',
    'abu abou abo um umm',
    'abd abdel abdul abdal',
    'haji hajji hadji alhaji mullah mulla maulvi maulavi mawlawi qari sheikh shaykh shaikh sheik sayyid syed sayed',
    'de del della dello der den di da das dos do du la le les lo van von ter ten zu',
    'mac mc st san santa',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Words many unrelated names share: frequent given names and surnames of the main naming traditions.
 * They count a third of other words: "Mohammed Ali Hassan" is not "Ali Hassan Trading" because they
 * share two common words.
 */
const COMMON_WORDS: ReadonlySet<string> = new Set(
  [
    // Arabic, Persian, Turkish, South Asian given names (several spellings each)
    'muhammad mohammad mohammed mohamed mohamad muhammed mohd mehmet mehmed',
    'ahmad ahmed ahmet ali hassan hasan hussein husein husain hussain husayn hossein',
    'abdullah abdallah abdulla ibrahim ebrahim mahmoud mahmud mustafa mostafa moustafa',
    'omar umar othman osman usman uthman khalid khaled yusuf yousef youssef yousif yusif',
    'salem salim saleh salih said saeed sayed karim kareem aziz abdulaziz rahman abdulrahman',
    'abbas tariq tarik bashir hamza hamzah walid waleed adel adil samir nabil jamil kamal kamel',
    'faisal faysal majid amir amin anwar mansour mansur',
    'jamal nasser nasir naser hamid hamed hamad rashid rasheed ismail ismael musa mousa',
    'khan shah mirza reza hamza ahmadi hosseini rahimi karimi',
    'fatima fatma aisha ayesha maryam mariam zainab khadija',
    // Slavic
    'ivan sergei sergey aleksandr alexander aleksandar alexey aleksei andrei andrey dmitry dmitri',
    'vladimir nikolai nikolay mikhail yuri oleg igor viktor victor pavel petr peter',
    'ivanov petrov smirnov kuznetsov popov sokolov volkov novikov ivanova petrova',
    'aleksandrovich vladimirovich sergeevich nikolaevich ivanovich',
    // Spanish, Portuguese, Italian, French, English, German
    'jose juan carlos luis jorge manuel antonio francisco pedro miguel jesus maria ana rosa',
    'garcia rodriguez martinez hernandez lopez gonzalez gonzales perez sanchez ramirez torres',
    'flores rivera gomez diaz morales cruz ortiz silva santos oliveira souza pereira ferreira',
    'rossi russo ferrari bianchi romano martin bernard dubois thomas robert richard petit',
    'john james michael david william richard joseph charles daniel paul mark george',
    'smith johnson williams brown jones miller davis wilson taylor anderson white',
    'muller mueller schmidt schneider fischer weber meyer wagner becker',
    // East Asian
    'wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin',
    'kim lee park choi jung nguyen tran le pham hoang',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Words that say what a company does or where, not which one it is: the generic words of company
 * and organisation names and the places that qualify trading names ("Shenzhen Bright Electronics",
 * "Acme Dubai", "Nasha Shipping"). They count a ninth of other words.
 */
const GENERIC_WORDS: ReadonlySet<string> = new Set(
  [
    'trading trade traders tradings international intl internacional group groupe grupo',
    'holding holdings general import export imports exports impex shipping logistics',
    'industries industry industrial global services service enterprises enterprise',
    'establishment est commercial commerce investment investments development',
    'national bank finance financial technology technologies engineering construction',
    'consulting energy oil gas petroleum chemical chemicals electronics electric systems',
    'solutions products manufacturing factory mining resources supply supplies marine',
    'maritime transport transportation airlines airways aviation cargo freight agency',
    'center centre office organisation organization foundation association society',
    'institute charity charitable committee council ministry department authority union',
    'partners associates sons brothers bros hermanos fils figli',
    'branch branches head east west north south middle',
    // Places that qualify a trading name ("Shenzhen Bright Electronics", "Acme Dubai")
    'china chinese hong kong hongkong shenzhen guangzhou shanghai beijing ningbo yiwu xiamen tianjin',
    'qingdao dalian hangzhou suzhou dongguan foshan taiwan singapore malaysia india mumbai delhi',
    'dubai sharjah ajman emirates uae turkey istanbul iran tehran russia moscow ukraine kiev kyiv',
    'europe european asia asian africa african america american usa uk london germany',
    'russian iranian syrian iraqi korean turkish arab arabian british german french indian',
    'pakistani afghan lebanese emirati saudi islamic republic',
  ]
    .join(' ')
    .split(' '),
);

/** What a word is to the scorer. */
const WORD = 0;
/** Holds a digit ("2850", "yv2850"): an identifier, compared exactly. */
const NUMBER = 1;
/** A Roman numeral after the first word ("Sino Iron II"): compared exactly, like a number. */
const NUMERAL = 2;

const ROMAN = /^(x{0,3})(ix|iv|v?i{0,3})$/;

/** A name after normalisation. */
export interface NormalizedName {
  /** Words as written (in ASCII, lower case), in order (a repeated word stays). */
  readonly tokens: readonly string[];
  /** The spelling skeleton of each word, same order (`wordSkeleton`). */
  readonly skeletons: readonly string[];
  /** Weight of each word, same order (integers: see `wordWeight`). */
  readonly weights: readonly number[];
  /** Of each word: 0 a word, 1 holds a digit, 2 a Roman numeral after the first word. */
  readonly kinds: readonly number[];
  readonly joined: string;
  readonly joinedSkeleton: string;
  /** Sum of the words' weights. */
  readonly weight: number;
  /** Characters of the text as written (spaces collapsed): a name cut at a field limit is long. */
  readonly length: number;
  /** Of each word, and of each skeleton: the letters it holds, as bits (see `letterMask`). */
  readonly masks: readonly number[];
  readonly skeletonMasks: readonly number[];
  /** Words before the first comma ("LAST, First" order), or 0 when there is none. */
  readonly commaAt: number;
}

const EMPTY_NAME: NormalizedName = Object.freeze({
  tokens: Object.freeze([]),
  skeletons: Object.freeze([]),
  weights: Object.freeze([]),
  kinds: Object.freeze([]),
  joined: '',
  joinedSkeleton: '',
  weight: 0,
  length: 0,
  masks: Object.freeze([]),
  skeletonMasks: Object.freeze([]),
  commaAt: 0,
});

// ------------------------------------------------------------------------------------------------
// Spelling skeletons

/**
 * The skeleton rules, tried longest first at each position, left to right; then runs of one letter
 * collapse to one. Lower-case a-z only (digits pass through). `spellingSkeleton` is the same rules
 * in one pass over char codes; the test checks the two agree.
 */
const SKELETON_RULES: readonly (readonly [string, string])[] = [
  ['tsch', 'ch'],
  ['igh', 'ai'],
  ['dzh', 'i'],
  ['sch', 'sh'],
  ['tch', 'ch'],
  ['tsh', 'ch'],
  ['ch', 'ch'],
  ['sh', 'sh'],
  ['kh', 'h'],
  ['gh', ''], // silent (bright); a word's first gh is g, see spellingSkeletonByRules
  ['ph', 'f'],
  ['th', 't'],
  ['dh', 'd'],
  ['dj', 'i'],
  ['zh', 'i'],
  ['ts', 's'],
  ['tz', 's'],
  ['ou', 'u'],
  ['oo', 'u'],
  ['ee', 'i'],
  ['ce', 'se'],
  ['ci', 'si'],
  ['cy', 'si'],
  ['c', 'k'],
  ['q', 'k'],
  ['x', 'ks'],
  ['w', 'v'],
  ['y', 'i'],
  ['j', 'i'],
  ['z', 's'],
];

/** The skeleton rules as written: the definition `spellingSkeleton` implements. */
export function spellingSkeletonByRules(word: string): string {
  let out = '';
  for (let i = 0; i < word.length;) {
    if (i === 0 && word.startsWith('gh')) {
      out += 'g';
      i += 2;
      continue;
    }
    // A final ch is k: -vich, -vic, -vić and -vik are one ending.
    if (i === word.length - 2 && word.endsWith('ch')) {
      out += 'k';
      i += 2;
      continue;
    }
    const rule = SKELETON_RULES.find(([from]) => word.startsWith(from, i));
    if (rule === undefined) {
      out += word[i];
      i++;
    } else {
      out += rule[1];
      i += rule[0].length;
    }
  }
  return out.replace(/(.)\1+/g, '$1');
}

const skelOut: number[] = [];
/** Whether the skeleton being made differs from its word. */
let skelChanged = false;

/**
 * A spelling skeleton of a word, so that the usual ways one name is written in Latin letters compare
 * equal or one edit apart: "Khotintsev" and "Hotincev" both give "hotinsev", "Djordjevic" and
 * "Dzhordzhevich" "iordievik" and "iordievich". Hard c/k/q, soft c/s, ts/tz/s, ph/f, th/t, dh/d,
 * kh/h, silent gh, dzh/dj/zh/j/y/i, ou/oo/u, ee/i, w/v, z/s, x/ks and doubled letters are folded. Both
 * sides of every comparison go through it, so nothing is lost by folding.
 */
export function spellingSkeleton(word: string): string {
  if (keepsItsSpelling(word)) {
    return word;
  }
  const n = word.length;
  skelOut.length = 0;
  skelChanged = false;
  for (let i = 0; i < n;) {
    const c = word.charCodeAt(i);
    const c1 = i + 1 < n ? word.charCodeAt(i + 1) : 0;
    const c2 = i + 2 < n ? word.charCodeAt(i + 2) : 0;
    const c3 = i + 3 < n ? word.charCodeAt(i + 3) : 0;
    switch (c) {
      case T:
        if (c1 === S && c2 === C && c3 === H) {
          push(C);
          push(H);
          i += 4;
          skelChanged = true;
          continue;
        }
        if ((c1 === C && c2 === H) || (c1 === S && c2 === H)) {
          push(C);
          push(H);
          i += 3;
          skelChanged = true;
          continue;
        }
        if (c1 === H) {
          push(T);
          i += 2;
          skelChanged = true;
          continue;
        }
        if (c1 === S || c1 === Z) {
          push(S);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case D:
        if (c1 === Z && c2 === H) {
          push(I);
          i += 3;
          skelChanged = true;
          continue;
        }
        if (c1 === H) {
          push(D);
          i += 2;
          skelChanged = true;
          continue;
        }
        if (c1 === J) {
          push(I);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case S:
        if (c1 === C && c2 === H) {
          push(S);
          push(H);
          i += 3;
          skelChanged = true;
          continue;
        }
        if (c1 === H) {
          push(S);
          push(H);
          i += 2;
          continue;
        }
        break;
      case C:
        if (c1 === H) {
          // A final ch is k: -vich, -vic, -vić and -vik are one ending.
          if (i === n - 2) {
            push(K);
            skelChanged = true;
          } else {
            push(C);
            push(H);
          }
          i += 2;
          continue;
        }
        if (c1 === E || c1 === I || c1 === Y) {
          push(S);
          push(c1 === E ? E : I);
          i += 2;
          skelChanged = true;
          continue;
        }
        push(K);
        i++;
        skelChanged = true;
        continue;
      case K:
        if (c1 === H) {
          push(H);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case I:
        if (c1 === G && c2 === H) {
          push(A);
          push(I);
          i += 3;
          skelChanged = true;
          continue;
        }
        break;
      case G:
        if (c1 === H) {
          // Silent inside a word (bright), g at its start (Ghassan).
          if (i === 0) {
            push(G);
          }
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case P:
        if (c1 === H) {
          push(F);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case Z:
        if (c1 === H) {
          push(I);
          i += 2;
        } else {
          push(S);
          i++;
        }
        skelChanged = true;
        continue;
      case O:
        if (c1 === U || c1 === O) {
          push(U);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case E:
        if (c1 === E) {
          push(I);
          i += 2;
          skelChanged = true;
          continue;
        }
        break;
      case Q:
        push(K);
        i++;
        skelChanged = true;
        continue;
      case X:
        push(K);
        push(S);
        i++;
        skelChanged = true;
        continue;
      case W:
        push(V);
        i++;
        skelChanged = true;
        continue;
      case Y:
      case J:
        push(I);
        i++;
        skelChanged = true;
        continue;
      default:
        break;
    }
    push(c);
    i++;
  }
  return skelChanged ? String.fromCharCode.apply(null, skelOut) : word;
}

/**
 * Does no rule apply to `word`: none of c q x w y j z, no t before s z h, no d before z h j, no h
 * after k g p, no ou oo ee, no letter doubled? Then its skeleton is the word itself (most words), and
 * making a copy would cost more.
 */
function keepsItsSpelling(word: string): boolean {
  let prev = -1;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (
      c === C ||
      c === Q ||
      c === X ||
      c === W ||
      c === Y ||
      c === J ||
      c === Z ||
      c === prev ||
      (prev === T && (c === S || c === H)) ||
      (prev === D && c === H) ||
      (c === H && (prev === K || prev === G || prev === P)) ||
      (prev === O && c === U)
    ) {
      return false;
    }
    prev = c;
  }
  return true;
}

/** Appends letter `c` to the skeleton being made, unless it repeats the last (runs collapse). */
function push(c: number): void {
  const n = skelOut.length;
  if (n === 0 || skelOut[n - 1] !== c) {
    skelOut.push(c);
  } else {
    skelChanged = true;
  }
}

// Letters the folds read or write, as char codes.
const A = 97;
const C = 99;
const D = 100;
const E = 101;
const F = 102;
const G = 103;
const H = 104;
const I = 105;
const J = 106;
const K = 107;
const O = 111;
const P = 112;
const Q = 113;
const S = 115;
const T = 116;
const U = 117;
const V = 118;
const W = 119;
const X = 120;
const Y = 121;
const Z = 122;

function hasDigit(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      return true;
    }
  }
  return false;
}

/**
 * The skeleton a normalised name gives its word `t`: identifiers (a digit) and Roman numerals are
 * kept as they are, since they are compared exactly. A pure function of the word: the fuzzy index
 * relies on a word always having the same skeleton.
 */
export function wordSkeleton(t: string): string {
  return hasDigit(t) || (t.length <= 4 && ROMAN.test(t)) ? t : spellingSkeleton(t);
}

// What a word is, looked up once per word (`WORD_CLASS`).
const CLASS_DROPPED = 1;
const CLASS_PARTICLE = 2;
const CLASS_GENERIC = 3;
const CLASS_COMMON = 4;
const WORD_CLASS = new Map<string, number>();
for (const [words, c] of [
  [COMMON_WORDS, CLASS_COMMON],
  [GENERIC_WORDS, CLASS_GENERIC],
  [PARTICLES, CLASS_PARTICLE],
  [FILLER_WORDS, CLASS_DROPPED],
  [LEGAL_FORM_WORDS, CLASS_DROPPED],
] as const) {
  for (const w of words) {
    WORD_CLASS.set(w, c);
  }
}

/** The weight of a word in its name (see `NormalizedName.weights`), of class `c` (`WORD_CLASS`). */
function wordWeight(t: string, kind: number, c: number | undefined): number {
  if (kind === NUMERAL) {
    return 6;
  }
  const base = Math.min(t.length, 10);
  if (kind === NUMBER) {
    return 3 * base;
  }
  if (t.length === 1 || c === CLASS_PARTICLE) {
    return 1;
  }
  return c === CLASS_GENERIC ? Math.ceil(base / 3) : c === CLASS_COMMON ? base : 3 * base;
}

// ------------------------------------------------------------------------------------------------
// Normalisation

/**
 * Recently normalised names: one consignment's names are looked up by many rules and lists, and
 * normalising costs more than the lookups themselves. Bounded, and the values are pure functions of
 * the key, so the cache never changes a result.
 */
const recent = new Map<string, NormalizedName>();
const RECENT_MAX = 4096;
const LAST = 4;
const lastTexts: (string | undefined)[] = new Array<string | undefined>(LAST).fill(undefined);
const lastNames: (NormalizedName | undefined)[] = new Array<NormalizedName | undefined>(LAST).fill(undefined);
let lastNext = 0;

/** Normalises a name or address: transliteration, case, punctuation, legal forms, duplicate words. */
export function normalizeName(text: string): NormalizedName {
  // The last few names first: a consignment asks for its two or three names again and again, and
  // comparing a string with the one before costs less than hashing it for the Map.
  for (let i = 0; i < LAST; i++) {
    if (lastTexts[i] === text) {
      return lastNames[i]!;
    }
  }
  let n = recent.get(text);
  if (n === undefined) {
    n = normalizeUncached(text);
    if (recent.size >= RECENT_MAX) {
      recent.clear();
    }
    recent.set(text, n);
  }
  lastTexts[lastNext] = text;
  lastNames[lastNext] = n;
  lastNext = (lastNext + 1) % LAST;
  return n;
}

/** A normalised name, with room for its lookup keys (made on first lookup, see `anchorKeys`). */
class Name implements NormalizedName {
  readonly tokens: readonly string[];
  readonly skeletons: readonly string[];
  readonly weights: readonly number[];
  readonly kinds: readonly number[];
  readonly joined: string;
  readonly joinedSkeleton: string;
  readonly weight: number;
  readonly length: number;
  readonly commaAt: number;
  /** Memos, not state: `masks` and `skeletonMasks`, made when first asked for. */
  #masks: number[] | undefined = undefined;
  #skeletonMasks: number[] | undefined = undefined;
  /** A memo, not state: a pure function of the fields above. */
  anchors: AnchorKeys | undefined = undefined;
  /** Likewise: the words joined by spaces (see `nameKey`). */
  key: string | undefined = undefined;

  constructor(
    tokens: readonly string[],
    skeletons: readonly string[],
    weights: readonly number[],
    kinds: readonly number[],
    weight: number,
    length: number,
    commaAt: number,
  ) {
    this.tokens = tokens;
    this.skeletons = skeletons;
    this.weights = weights;
    this.kinds = kinds;
    this.joined = tokens.join('');
    this.joinedSkeleton = skeletons.join('');
    this.weight = weight;
    this.length = length;
    this.commaAt = commaAt;
  }

  get masks(): readonly number[] {
    this.#masks ??= this.tokens.map(letterMask);
    return this.#masks;
  }

  get skeletonMasks(): readonly number[] {
    this.#skeletonMasks ??= this.skeletons.map(letterMask);
    return this.#skeletonMasks;
  }
}

const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isApostrophe = (c: number): boolean => c === 39 || c === 96;

/**
 * The letters a word holds, one bit each (a–z; digits share six bits). Two words d edits apart
 * differ by at most d letters each way, so the bits tell most unrelated words apart without
 * computing an edit distance.
 */
export function letterMask(word: string): number {
  let m = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    m |= c >= 97 ? 1 << (c - 97) : 1 << (26 + ((c - 48) % 6));
  }
  return m;
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** At least the edits between two words of `ma`, `mb` letters and lengths `la`, `lb` (when different). */
export function editsAtLeast(ma: number, mb: number, la: number, lb: number): number {
  const onlyA = bitCount(ma & ~mb);
  const onlyB = bitCount(mb & ~ma);
  const diff = la > lb ? la - lb : lb - la;
  return Math.max(1, diff, onlyA, onlyB);
}

/** Set by `rawWords`: how many words came before the first comma (-1 when none did). */
let rawWordsBeforeComma = -1;

/** Raw words of lower-case ASCII text: runs of [a-z0-9] (apostrophes inside dropped), dotted initials joined. */
function rawWords(ascii: string): string[] {
  const words: string[] = [];
  rawWordsBeforeComma = -1;
  // Whether the previous word was one letter followed by a dot ("s." of "s.a."), to join with it.
  let dotted = false;
  const n = ascii.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let apostrophes = false;
    for (; i < n; i++) {
      const c = ascii.charCodeAt(i);
      if (isApostrophe(c)) {
        apostrophes = true;
      } else if (!isWordChar(c)) {
        break;
      }
    }
    if (i === start) {
      if (rawWordsBeforeComma < 0 && ascii.charCodeAt(i) === 44) {
        rawWordsBeforeComma = words.length;
      }
      i++;
      continue;
    }
    let t = ascii.slice(start, i);
    if (apostrophes) {
      t = t.replace(/['`]/g, '');
      if (t.length === 0) {
        continue;
      }
    }
    const dot = i < n && ascii.charCodeAt(i) === 46;
    // "S.A.", "L.L.C.", "S. A." and "U.S.A": single letters each followed by a dot are one word.
    if (t.length === 1 && dotted && words.length > 0) {
      words[words.length - 1] += t;
      dotted = dot;
      continue;
    }
    words.push(t);
    dotted = t.length === 1 && dot;
  }
  // A lone dotted initial stays a word of its own ("Adnan S. Hasan").
  return words;
}

/** Legal forms long enough that a word one edit from them is them misspelt ("LIMITDE", "COMPANB"). */
const LONG_LEGAL_FORMS = ['limited', 'limitada', 'company', 'corporation', 'incorporated'];

function misspeltLegalForm(t: string): boolean {
  if (t.length < 6 || t.length > 13) {
    return false;
  }
  // One edit leaves the first letter (l, c, i) or, when it falls on it, the second (i, o, n; or
  // the first one's, shifted by a letter put in front).
  const c0 = t.charCodeAt(0);
  const c1 = t.charCodeAt(1);
  if (
    c0 !== 108 &&
    c0 !== 99 &&
    c0 !== 105 &&
    c1 !== 105 &&
    c1 !== 111 &&
    c1 !== 110 &&
    c1 !== 108 &&
    c1 !== 99
  ) {
    return false;
  }
  for (const f of LONG_LEGAL_FORMS) {
    if (withinOneEdit(t, f)) {
      return true;
    }
  }
  return false;
}

/** Legal forms found run into the word before them ("SHIPPINGLIMITED", "MERCURIOLTDA"). */
const LEGAL_SUFFIXES = ['limited', 'ltda', 'ltd', 'llc', 'inc', 'corp', 'corporation', 'company', 'gmbh'];

const LEGAL_SUFFIX_ENDS = [...new Set(LEGAL_SUFFIXES.map((f) => f.charCodeAt(f.length - 1)))];

/** `word` without a legal form run into its end, when what is left is a word of four letters or more. */
function withoutLegalSuffix(word: string): string {
  if (word.length < 7 || !LEGAL_SUFFIX_ENDS.includes(word.charCodeAt(word.length - 1))) {
    return word;
  }
  for (const f of LEGAL_SUFFIXES) {
    if (word.length - f.length >= 4 && word.endsWith(f)) {
      return word.slice(0, word.length - f.length);
    }
  }
  return word;
}

/** LEGAL_FORM_PHRASES by their first word. */
const PHRASES_BY_FIRST = new Map<string, (readonly string[])[]>();
for (const p of LEGAL_FORM_PHRASES) {
  PHRASES_BY_FIRST.set(p[0]!, [...(PHRASES_BY_FIRST.get(p[0]!) ?? []), p]);
}

/** Drops legal-form phrases: `words` with every span equal to one of LEGAL_FORM_PHRASES removed. */
function withoutPhrases(words: string[]): string[] {
  let out: string[] | undefined;
  for (let i = 0; i < words.length; i++) {
    let skip = 0;
    const phrases = PHRASES_BY_FIRST.get(words[i]!);
    if (phrases === undefined) {
      if (out !== undefined) {
        out.push(words[i]!);
      }
      continue;
    }
    for (const p of phrases) {
      if (p.length > skip && p.every((w, k) => words[i + k] === w)) {
        skip = p.length;
      }
    }
    if (skip > 0) {
      out ??= words.slice(0, i);
      i += skip - 1;
    } else if (out !== undefined) {
      out.push(words[i]!);
    }
  }
  return out ?? words;
}

function normalizeUncached(text: string): NormalizedName {
  if (text.length === 0) {
    return EMPTY_NAME;
  }
  // anyAscii covers diacritics, Cyrillic, Greek and most other scripts (a letter-by-letter
  // transliteration; screening also tries the romanisations of romanise.ts).
  // Plain ASCII (most names) skips the transliteration table.
  const ascii = (/^[\x00-\x7f]*$/.test(text) ? text : anyAscii(text)).toLowerCase();
  const raw = rawWords(ascii);
  // "LAST, First": the words before the first comma are the family name (see `commaAt`).
  const beforeComma = rawWordsBeforeComma;
  const words = withoutPhrases(raw);
  const before = beforeComma > 0 && words === raw ? beforeComma : 0;
  let commaAt = 0;
  const tokens: string[] = [];
  const skeletons: string[] = [];
  const weights: number[] = [];
  const kinds: number[] = [];
  let weight = 0;
  for (let x = 0; x < words.length; x++) {
    if (x === before && before > 0) {
      commaAt = tokens.length;
    }
    const t = withoutLegalSuffix(words[x]!);
    // Repeated words stay ("Ben Amor Ben Ali"): each meets one word of the other name.
    const c = WORD_CLASS.get(t);
    if (c === CLASS_DROPPED || (c === undefined && misspeltLegalForm(t))) {
      continue;
    }
    const kind = hasDigit(t) ? NUMBER : tokens.length > 0 && t.length <= 4 && ROMAN.test(t) ? NUMERAL : WORD;
    const w = wordWeight(t, kind, c);
    tokens.push(t);
    skeletons.push(wordSkeleton(t));
    weights.push(w);
    kinds.push(kind);
    weight += w;
  }
  if (tokens.length === 0) {
    return EMPTY_NAME;
  }
  return new Name(
    tokens,
    skeletons,
    weights,
    kinds,
    weight,
    visibleLength(text),
    commaAt < tokens.length ? commaAt : 0,
  );
}

/** Characters of `text` with its ends trimmed and runs of spaces counted once. */
function visibleLength(text: string): number {
  let n = 0;
  let space = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isSpace = c === 32 || c === 9 || c === 10 || c === 13;
    if (!isSpace) {
      n++;
    } else if (!space) {
      n++;
    }
    space = isSpace;
  }
  return space && n > 0 ? n - 1 : n;
}

// ------------------------------------------------------------------------------------------------
// Comparing words

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping above `max`. */
export function osaDistance(a: string, b: string, max = Infinity): number {
  if (a === b) {
    return 0;
  }
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) {
    return max + 1;
  }
  if (m <= 62 && max <= 62) {
    return osaBounded(a, b, max);
  }
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) {
        rowMin = v;
      }
    }
    if (rowMin > max) {
      return max + 1;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

const rowA = new Int32Array(64);
const rowB = new Int32Array(64);
const rowC = new Int32Array(64);

/** `osaDistance` for `b` of at most 62 letters, on preallocated rows (it runs for many word pairs). */
function osaBounded(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= m; j++) {
    prev[j] = j;
  }
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ai === bj ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < v) {
        v = del;
      }
      const ins = cur[j - 1]! + 1;
      if (ins < v) {
        v = ins;
      }
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) {
          v = tr;
        }
      }
      cur[j] = v;
      if (v < rowMin) {
        rowMin = v;
      }
    }
    if (rowMin > max) {
      return max + 1;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m]!;
  return d > max ? max + 1 : d;
}

/** `osaDistance(a, b) <= 1` in one pass without allocating: this runs for every pair of words compared. */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la === lb) {
    let i = 0;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) {
      i++;
    }
    if (i >= la - 1) {
      return true;
    }
    // Substitution at i, or the neighbours at i and i + 1 swapped.
    if (sameFrom(a, i + 1, b, i + 1)) {
      return true;
    }
    return (
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      sameFrom(a, i + 2, b, i + 2)
    );
  }
  if (la - lb !== 1 && lb - la !== 1) {
    return false;
  }
  const long = la > lb ? a : b;
  const short = la > lb ? b : a;
  let i = 0;
  while (i < short.length && long.charCodeAt(i) === short.charCodeAt(i)) {
    i++;
  }
  return sameFrom(long, i + 1, short, i);
}

/** `a.slice(i) === b.slice(j)` without making the slices. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) {
    return false;
  }
  for (; i < a.length; i++, j++) {
    if (a.charCodeAt(i) !== b.charCodeAt(j)) {
      return false;
    }
  }
  return true;
}

/**
 * Can a word meet another other than as an anchor (see the module comment): with two edits or more
 * (then both words, or both skeletons, have six letters or more: see `editsAllowed`) or one swap
 * (three letters)? The fuzzy index bounds a candidate's score by this before scoring it.
 */
export function meetsLoosely(token: string, skeleton: string): boolean {
  return token.length >= 6 || skeleton.length >= 6 || token.length === 3;
}

/**
 * Edits two words of `la` and `lb` letters may be apart and still be one word: by the longer, one
 * from four letters, two from eight, three from twelve; none when the shorter has fewer than three.
 */
export function editsAllowed(la: number, lb: number): number {
  const long = la > lb ? la : lb;
  return (la < lb ? la : lb) < 3 ? 0 : long < 4 ? 0 : long < 8 ? 1 : long < 12 ? 2 : 3;
}

/** Two three-letter words that are one swap of neighbours apart ("ail", "ali"). */
function swappedShort(a: string, b: string): boolean {
  return (
    a.length === 3 &&
    b.length === 3 &&
    ((a[0] === b[0] && a[1] === b[2] && a[2] === b[1]) || (a[2] === b[2] && a[0] === b[1] && a[1] === b[0]))
  );
}

// The scorer's constants (tuned on the development half of bench:screening, see docs/screening.md).
/** Share of the listed name its anchors must weigh (see the module comment). */
export const ANCHOR_SHARE = 0.5;
/** Credit of a word found sounding alike (same skeleton, different spelling). */
const PHONETIC = 0.95;
/** Credit lost per edit, as a share of the word's length. */
const EDIT_COST = 0.8;
/** Credit lost when the first letter is not the same (people rarely get a first letter wrong). */
const FIRST_LETTER_COST = 0.05;
/** Credit of two words written as one, or one as two. */
const JOINED = 0.95;
/** A cut word's credit: this, and the rest in proportion to how much of the word is there. */
const PREFIX_BASE = 0.5;
/** A screened name this long (characters) may have been cut at a field limit. */
export const CUT_MIN_LENGTH = 30;
/** What a match keeps when one name has a number the other lacks. */
const ONE_SIDED_NUMBER = 0.9;
/** How much more a match falls short when only common words met. */
const WEAK_DEFICIT = 2;
/** How much the listed name counts in the score (the screened name counts the rest). */
export const LISTED_SHARE = 0.5;

// How a word met (see `WordMatch.how`), as small integers in the scratch arrays.
const HOW_NONE = 0;
const HOW_EXACT = 1;
const HOW_NUMBER = 2;
const HOW_PHONETIC = 3;
const HOW_EDITS = 4;
const HOW_PREFIX = 5;
const HOW_JOINED = 6;
const HOW_NAMES = ['exact', 'exact', 'number', 'phonetic', 'edits', 'prefix', 'joined'] as const;

/** How one word of the screened name met a word of the listed name (see `explainNames`). */
export interface WordMatch {
  /** The screened word(s) (two joined by a space when the listed word was written as two). */
  readonly query: string;
  /** The listed word(s). */
  readonly listed: string;
  readonly how: 'exact' | 'number' | 'phonetic' | 'edits' | 'prefix' | 'joined';
  readonly edits?: number | undefined;
  /** What it counts for, in [0, 1]. */
  readonly credit: number;
  /** The listed word(s)' share of the listed name's weight, in [0, 1]. */
  readonly weight: number;
}

/** The score of a screened name against a listed one, and what made it. */
export interface NameExplanation {
  readonly score: number;
  readonly parts: readonly WordMatch[];
  /** Words of the screened name that met nothing. */
  readonly unmatchedQuery: readonly string[];
  /** Words of the listed name that met nothing (`excused` ones left out, see below). */
  readonly unmatchedListed: readonly string[];
  /** Listed words not counted because the screened name looks cut at a field limit before them. */
  readonly excused: readonly string[];
  /** Why the score is 0 though words met: 'anchors' (too little met nearly exactly) or 'number'. */
  readonly vetoed?: 'anchors' | 'number' | undefined;
}

// Scratch for one comparison (comparisons never nest). Grown when a name has more words.
let cap = 0;
let credit = new Float64Array(0);
let how = new Uint8Array(0);
let edits = new Uint8Array(0);
let qCredit = new Float64Array(0);
let qHow = new Uint8Array(0);
let qTo = new Int32Array(0);
let lCredit = new Float64Array(0);
let lHow = new Uint8Array(0);
let lFrom = new Int32Array(0);
let lEdits = new Uint8Array(0);

function ensureScratch(n: number, m: number): void {
  const need = Math.max(n, m);
  if (need <= cap) {
    return;
  }
  cap = Math.max(16, need);
  credit = new Float64Array(cap * cap);
  how = new Uint8Array(cap * cap);
  edits = new Uint8Array(cap * cap);
  qCredit = new Float64Array(cap);
  qHow = new Uint8Array(cap);
  qTo = new Int32Array(cap);
  lCredit = new Float64Array(cap);
  lHow = new Uint8Array(cap);
  lFrom = new Int32Array(cap);
  lEdits = new Uint8Array(cap);
}

/**
 * Are two words near enough to anchor a match: equal, or one edit apart with the longer of four
 * letters or more and the shorter of three or more? Exactly what the fuzzy index and the rule index
 * find through one-deletion keys (`deletionKeys`).
 */
export function nearEnough(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  const la = a.length;
  const lb = b.length;
  return (la >= 4 || lb >= 4) && la >= 3 && lb >= 3 && withinOneEdit(a, b);
}

/**
 * Does screened word i anchor listed word j: `nearEnough` plainly or by skeleton (numbers and Roman
 * numerals only when equal)? Cheap: this decides whether a pair of names is compared at all.
 */
function anchors(q: NormalizedName, i: number, l: NormalizedName, j: number): boolean {
  const a = q.tokens[i]!;
  const b = l.tokens[j]!;
  if (a === b) {
    return true;
  }
  if (q.kinds[i] !== WORD || l.kinds[j] !== WORD) {
    return false;
  }
  return nearEnough(a, b) || nearEnough(q.skeletons[i]!, l.skeletons[j]!);
}

/**
 * At least the credit `compareWords` gives screened word i and listed word j, found without an edit
 * distance: edits are at least the letters one word holds and the other lacks (`editsAtLeast`).
 */
function creditBound(q: NormalizedName, i: number, l: NormalizedName, j: number, cut: boolean): number {
  const a = q.tokens[i]!;
  const b = l.tokens[j]!;
  if (a === b) {
    return 1;
  }
  if (q.kinds[i] !== WORD || l.kinds[j] !== WORD) {
    return 0;
  }
  const la = a.length;
  const lb = b.length;
  let best = 0;
  if (q.skeletons[i] === l.skeletons[j] && la >= 4 && lb >= 4) {
    best = PHONETIC;
  } else if (la === 3 && lb === 3) {
    if (q.masks[i] === l.masks[j]) {
      best = 1 - EDIT_COST / 3;
    }
  } else {
    const firstCost = a.charCodeAt(0) === b.charCodeAt(0) ? 0 : FIRST_LETTER_COST;
    const d = editsAtLeast(q.masks[i]!, l.masks[j]!, la, lb);
    if (d <= editsAllowed(la, lb)) {
      best = 1 - (EDIT_COST * d) / (la > lb ? la : lb) - firstCost;
    }
    const sa = q.skeletons[i]!.length;
    const sb = l.skeletons[j]!.length;
    const ds = editsAtLeast(q.skeletonMasks[i]!, l.skeletonMasks[j]!, sa, sb);
    if (ds <= editsAllowed(sa, sb)) {
      best = Math.max(best, PHONETIC - (EDIT_COST * ds) / (sa > sb ? sa : sb) - firstCost);
    }
  }
  if (cut && i === q.tokens.length - 1 && la >= 2 && lb > la && b.startsWith(a)) {
    best = Math.max(best, PREFIX_BASE + ((1 - PREFIX_BASE) * la) / lb);
  }
  return best;
}

/** Fills `credit[k]`, `how[k]`, `edits[k]` for screened word i and listed word j. */
function compareWords(
  q: NormalizedName,
  i: number,
  l: NormalizedName,
  j: number,
  k: number,
  cut: boolean,
): void {
  const a = q.tokens[i]!;
  const b = l.tokens[j]!;
  credit[k] = 0;
  how[k] = HOW_NONE;
  edits[k] = 0;
  if (a === b) {
    credit[k] = 1;
    how[k] = q.kinds[i] === WORD || l.kinds[j] === WORD ? HOW_EXACT : HOW_NUMBER;
    return;
  }
  if (q.kinds[i] !== WORD || l.kinds[j] !== WORD) {
    return;
  }
  const as = q.skeletons[i]!;
  const bs = l.skeletons[j]!;
  const la = a.length;
  const lb = b.length;
  let best = 0;
  let bestHow = HOW_NONE;
  let bestEdits = 0;
  const firstCost = a.charCodeAt(0) === b.charCodeAt(0) ? 0 : FIRST_LETTER_COST;
  if (as === bs && la >= 4 && lb >= 4) {
    best = PHONETIC;
    bestHow = HOW_PHONETIC;
  } else if (la === 3 && lb === 3) {
    if (swappedShort(a, b)) {
      best = 1 - EDIT_COST / 3 - firstCost;
      bestHow = HOW_EDITS;
      bestEdits = 1;
    }
  } else {
    const allowed = editsAllowed(la, lb);
    const diff = la > lb ? la - lb : lb - la;
    if (allowed > 0 && diff <= allowed) {
      const d = allowed === 1 ? (withinOneEdit(a, b) ? 1 : 2) : osaBounded(a, b, allowed);
      if (d <= allowed) {
        best = 1 - (EDIT_COST * d) / (la > lb ? la : lb) - firstCost;
        bestHow = HOW_EDITS;
        bestEdits = d;
      }
    }
    const sa = as.length;
    const sb = bs.length;
    const sAllowed = editsAllowed(sa, sb);
    const sDiff = sa > sb ? sa - sb : sb - sa;
    if (sAllowed > 0 && sDiff <= sAllowed && (bestHow !== HOW_EDITS || bestEdits > 1)) {
      const d = sAllowed === 1 ? (withinOneEdit(as, bs) ? 1 : 2) : osaBounded(as, bs, sAllowed);
      if (d <= sAllowed) {
        const c = PHONETIC - (EDIT_COST * d) / (sa > sb ? sa : sb) - firstCost;
        if (c > best) {
          best = c;
          bestHow = HOW_EDITS;
          bestEdits = d;
        }
      }
    }
  }
  // A name cut at a field limit: its last word may be the start of a listed word.
  if (cut && i === q.tokens.length - 1 && la >= 2 && lb > la && b.startsWith(a)) {
    const c = PREFIX_BASE + ((1 - PREFIX_BASE) * la) / lb;
    if (c > best) {
      best = c;
      bestHow = HOW_PREFIX;
      bestEdits = 0;
    }
  }
  credit[k] = best;
  how[k] = bestHow;
  edits[k] = bestEdits;
}

/** Did a word of `name` met (`met[j]` not HOW_NONE) say who it is: not common, generic or a particle? */
function strongMet(name: NormalizedName, met: Uint8Array, count: number): boolean {
  for (let j = 0; j < count; j++) {
    if (met[j] !== HOW_NONE) {
      const kind = name.kinds[j];
      const len = name.tokens[j]!.length;
      if (kind === NUMBER || (kind === WORD && len > 1 && name.weights[j] === 3 * Math.min(len, 10))) {
        return true;
      }
    }
  }
  return false;
}

/** Does `name` hold a word of kind NUMBER or NUMERAL that met nothing? */
function unmetNumber(name: NormalizedName, met: Uint8Array): boolean {
  for (let x = 0; x < name.tokens.length; x++) {
    if (name.kinds[x] !== WORD && met[x] === HOW_NONE) {
      return true;
    }
  }
  return false;
}

/**
 * The score of `screened` (a name from a filing) against `listed` (a listed name or the name in a
 * rule), in [0, 1]; `explain` asks for what made it.
 */
function scoreNames(
  screened: NormalizedName,
  listed: NormalizedName,
  atLeast: number,
  explain: ((e: NameExplanation) => void) | undefined,
): number {
  if (screened.weight === 0 || listed.weight === 0) {
    return 0;
  }
  // The same words run together: a match, explained word by word when the words are the same.
  if (screened.joined === listed.joined && (explain === undefined || nameKey(screened) !== nameKey(listed))) {
    explain?.(joinedExplanation(screened, listed, 1));
    return 1;
  }
  const n = screened.tokens.length;
  const m = listed.tokens.length;
  ensureScratch(n, m);
  const cut = screened.length >= CUT_MIN_LENGTH && listed.length > screened.length;
  // The listed words some screened word anchors.
  let anchored = 0;
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      if (anchors(screened, i, listed, j)) {
        anchored += listed.weights[j]!;
        break;
      }
    }
  }
  const joinedSkeleton =
    screened.joinedSkeleton === listed.joinedSkeleton && screened.joined.length >= 8 ? PHONETIC : 0;
  if (anchored < ANCHOR_SHARE * listed.weight - 1e-9) {
    if (joinedSkeleton > 0) {
      explain?.(joinedExplanation(screened, listed, joinedSkeleton));
      return joinedSkeleton;
    }
    explain?.(vetoedExplanation(screened, listed, 'anchors'));
    return 0;
  }
  // What each pair of words could get at best bounds the score: below `atLeast`, the names are not
  // worth an edit distance. Then every pair that can meet, exactly.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      credit[i * m + j] = creditBound(screened, i, listed, j, cut);
    }
  }
  if (atLeast > 0 && joinedSkeleton < atLeast) {
    const bound = scoreBound(screened, listed, n, m, cut);
    if (bound < atLeast) {
      return bound;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      if (credit[k]! > 0) {
        compareWords(screened, i, listed, j, k, cut);
      } else {
        how[k] = HOW_NONE;
        edits[k] = 0;
      }
    }
  }
  // Each word meets at most one: the best-scoring pairs first (ties: the heavier listed word, then
  // the earlier words, so the answer never depends on anything but the names).
  qTo.fill(-1, 0, n);
  lFrom.fill(-1, 0, m);
  qCredit.fill(0, 0, n);
  lCredit.fill(0, 0, m);
  qHow.fill(HOW_NONE, 0, n);
  lHow.fill(HOW_NONE, 0, m);
  lEdits.fill(0, 0, m);
  for (;;) {
    let bi = -1;
    let bj = -1;
    let bc = 0;
    for (let i = 0; i < n; i++) {
      if (qTo[i]! >= 0) {
        continue;
      }
      for (let j = 0; j < m; j++) {
        const c = credit[i * m + j]!;
        if (
          c > 0 &&
          lFrom[j]! < 0 &&
          (c > bc || (c === bc && bj >= 0 && listed.weights[j]! > listed.weights[bj]!))
        ) {
          bi = i;
          bj = j;
          bc = c;
        }
      }
    }
    if (bi < 0) {
      break;
    }
    const k = bi * m + bj;
    qTo[bi] = bj;
    lFrom[bj] = bi;
    qCredit[bi] = bc;
    lCredit[bj] = bc;
    qHow[bi] = how[k]!;
    lHow[bj] = how[k]!;
    lEdits[bj] = edits[k]!;
  }
  // Words run together on one side and apart on the other ("MoussaBen" and "Moussa Ben").
  joins.length = 0;
  joinNeighbours(screened, listed, qCredit, lCredit, qHow, lHow, n, m, true);
  joinNeighbours(listed, screened, lCredit, qCredit, lHow, qHow, m, n, false);
  if (unmetNumber(screened, qHow) && unmetNumber(listed, lHow)) {
    explain?.(vetoedExplanation(screened, listed, 'number'));
    return 0;
  }
  // A screened word met by a listed word spelt or sounding differently weighs what the listed word
  // weighs: misspelt, a common word would pass for a rare one ("ORGNAIZTAION"), and a rare name
  // resembling a common one would count for more than the common one does ("Ghassan", "Hasan").
  let listedMet = 0;
  let screenedMet = 0;
  let screenedWeight = screened.weight;
  for (let j = 0; j < m; j++) {
    listedMet += lCredit[j]! * listed.weights[j]!;
    const i = lFrom[j]!;
    const h = lHow[j]!;
    if (i >= 0 && (h === HOW_EDITS || h === HOW_PHONETIC)) {
      screenedMet += qCredit[i]! * listed.weights[j]!;
      screenedWeight += listed.weights[j]! - screened.weights[i]!;
    }
  }
  for (let i = 0; i < n; i++) {
    const h = qHow[i]!;
    if (!(qTo[i]! >= 0 && (h === HOW_EDITS || h === HOW_PHONETIC))) {
      screenedMet += qCredit[i]! * screened.weights[i]!;
    }
  }
  // A name cut at a field limit: the listed words that would not have fitted, at the end of the
  // listed name (or of "First LAST" when it is written "LAST, First"), met by nothing, are not held
  // against it, as many as the characters missing allow.
  let excusedWeight = 0;
  let excusedMask = 0;
  if (cut) {
    const budget = listed.length - screened.length + 2;
    for (const rotated of listed.commaAt > 0 ? [false, true] : [false]) {
      let weight = 0;
      let mask = 0;
      let left = budget;
      for (let k = m - 1; k >= 0; k--) {
        const j = rotated ? (k + listed.commaAt) % m : k;
        if (lHow[j] !== HOW_NONE || listed.tokens[j]!.length >= left || j >= 31) {
          break;
        }
        weight += listed.weights[j]!;
        mask |= 1 << j;
        left -= listed.tokens[j]!.length + 1;
      }
      if (weight > excusedWeight) {
        excusedWeight = weight;
        excusedMask = mask;
      }
    }
  }
  const listedShare = listedMet / (listed.weight - excusedWeight);
  const screenedShare = screenedMet / screenedWeight;
  let score = LISTED_SHARE * listedShare + (1 - LISTED_SHARE) * screenedShare;
  if (score > 1) {
    score = 1;
  }
  // A number on one side only: another of a series ("Sino Iron" is not "Sino Iron II").
  if (unmetNumber(screened, qHow) || unmetNumber(listed, lHow)) {
    score *= ONE_SIDED_NUMBER;
  }
  // Only common words met (given names, particles, generic words): all the more doubt.
  if (score < 1 && !strongMet(listed, lHow, m)) {
    score = Math.max(0, 1 - WEAK_DEFICIT * (1 - score));
  }
  if (joinedSkeleton > score) {
    explain?.(joinedExplanation(screened, listed, joinedSkeleton));
    return joinedSkeleton;
  }
  if (explain !== undefined) {
    const parts: WordMatch[] = [];
    const unmatchedListed: string[] = [];
    const excused: string[] = [];
    for (let j = 0; j < m; j++) {
      const lw = listed.tokens[j]!;
      if (lHow[j] === HOW_NONE) {
        ((excusedMask & (1 << j)) !== 0 ? excused : unmatchedListed).push(lw);
        continue;
      }
      const h = lHow[j]!;
      if (h === HOW_JOINED) {
        continue; // reported with its join, below
      }
      parts.push({
        query: screened.tokens[lFrom[j]!]!,
        listed: lw,
        how: HOW_NAMES[h]!,
        ...(h === HOW_EDITS ? { edits: lEdits[j]! } : {}),
        credit: lCredit[j]!,
        weight: listed.weights[j]! / listed.weight,
      });
    }
    for (let k = 0; k < joins.length; k += 3) {
      const [x, y] = [joins[k]!, joins[k + 1]!];
      const [one, two] = joins[k + 2] === 1 ? [screened, listed] : [listed, screened];
      const single = one.tokens[x]!;
      const pair = `${two.tokens[y]!} ${two.tokens[y + 1]!}`;
      const listedWeight =
        joins[k + 2] === 1 ? listed.weights[y]! + listed.weights[y + 1]! : listed.weights[x]!;
      parts.push({
        query: joins[k + 2] === 1 ? single : pair,
        listed: joins[k + 2] === 1 ? pair : single,
        how: 'joined',
        credit: JOINED,
        weight: listedWeight / listed.weight,
      });
    }
    const unmatchedQuery: string[] = [];
    for (let i = 0; i < n; i++) {
      if (qHow[i] === HOW_NONE) {
        unmatchedQuery.push(screened.tokens[i]!);
      }
    }
    explain({ score, parts, unmatchedQuery, unmatchedListed, excused });
  }
  return score;
}

/**
 * At least the score, from `credit` holding at least each pair's credit: each word with the best
 * credit any word of the other name may give it, or that of two words run together when they are
 * (`joinable`). A name that may be cut may have listed words excused: at most as many as the
 * characters missing, and a word weighs at most 3 a letter.
 */
function scoreBound(
  screened: NormalizedName,
  listed: NormalizedName,
  n: number,
  m: number,
  cut: boolean,
): number {
  qCredit.fill(0, 0, n);
  lCredit.fill(0, 0, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = credit[i * m + j]!;
      if (c > qCredit[i]!) {
        qCredit[i] = c;
      }
      if (c > lCredit[j]!) {
        lCredit[j] = c;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j + 1 < m; j++) {
      if (joinable(screened, i, listed, j)) {
        qCredit[i] = Math.max(qCredit[i]!, JOINED);
        lCredit[j] = Math.max(lCredit[j]!, JOINED);
        lCredit[j + 1] = Math.max(lCredit[j + 1]!, JOINED);
      }
    }
  }
  for (let j = 0; j < m; j++) {
    for (let i = 0; i + 1 < n; i++) {
      if (joinable(listed, j, screened, i)) {
        lCredit[j] = Math.max(lCredit[j]!, JOINED);
        qCredit[i] = Math.max(qCredit[i]!, JOINED);
        qCredit[i + 1] = Math.max(qCredit[i + 1]!, JOINED);
      }
    }
  }
  let l = 0;
  for (let j = 0; j < m; j++) {
    l += lCredit[j]! * listed.weights[j]!;
  }
  // A screened word met at all may count fully: its weight may be its partner's (see `scoreNames`).
  let q = 0;
  for (let i = 0; i < n; i++) {
    q += qCredit[i]! > 0 ? screened.weights[i]! : 0;
  }
  const counted = cut ? listed.weight - 3 * (listed.length - screened.length + 2) : listed.weight;
  const listedShare = counted <= 0 ? 1 : Math.min(1, l / counted);
  return LISTED_SHARE * listedShare + ((1 - LISTED_SHARE) * q) / screened.weight;
}

/**
 * Is word x of `a` words y and y + 1 of `b` run together: plainly ("moussaben", "moussa ben"), or by
 * skeleton (a letter doubled where they meet written once)? Each part of two letters or more.
 */
function joinable(a: NormalizedName, x: number, b: NormalizedName, y: number): boolean {
  const w = a.tokens[x]!;
  const b1 = b.tokens[y]!;
  const b2 = b.tokens[y + 1]!;
  if (b1.length < 2 || b2.length < 2) {
    return false;
  }
  if (w.length === b1.length + b2.length && w.startsWith(b1) && w.endsWith(b2)) {
    return true;
  }
  const ws = a.skeletons[x]!;
  const s1 = b.skeletons[y]!;
  const s2 = b.skeletons[y + 1]!;
  const overlap = s1.charCodeAt(s1.length - 1) === s2.charCodeAt(0) ? 1 : 0;
  return ws.length === s1.length + s2.length - overlap && ws.startsWith(s1) && ws.endsWith(s2);
}

/**
 * Words of `a` run together into one word of `b` or the other way round: each unmatched word of `a`
 * equal (plainly or by skeleton, `joinable`) to two neighbouring words of `b`, one of them at least
 * unmatched, meets both (a word met elsewhere keeps that match too: "BenAmor" and "Ben Amor Ben").
 * Each join is noted in `joins` as (word of `a`, first word of `b`, whether `a` is the screened name).
 */
function joinNeighbours(
  a: NormalizedName,
  b: NormalizedName,
  aCredit: Float64Array,
  bCredit: Float64Array,
  aHow: Uint8Array,
  bHow: Uint8Array,
  na: number,
  nb: number,
  aScreened: boolean,
): void {
  for (let x = 0; x < na; x++) {
    if (aHow[x] !== HOW_NONE) {
      continue;
    }
    for (let y = 0; y + 1 < nb; y++) {
      if ((bHow[y] !== HOW_NONE && bHow[y + 1] !== HOW_NONE) || !joinable(a, x, b, y)) {
        continue;
      }
      aCredit[x] = JOINED;
      aHow[x] = HOW_JOINED;
      for (const z of [y, y + 1]) {
        if (bHow[z] === HOW_NONE) {
          bCredit[z] = JOINED;
          bHow[z] = HOW_JOINED;
        }
      }
      joins.push(x, y, aScreened ? 1 : 0);
      break;
    }
  }
}

/** The joins of the last comparison (see `joinNeighbours`), three numbers each. */
const joins: number[] = [];

function joinedExplanation(screened: NormalizedName, listed: NormalizedName, score: number): NameExplanation {
  return {
    score,
    parts: [
      {
        query: screened.tokens.join(' '),
        listed: listed.tokens.join(' '),
        how: 'joined',
        credit: score,
        weight: 1,
      },
    ],
    unmatchedQuery: [],
    unmatchedListed: [],
    excused: [],
  };
}

function vetoedExplanation(
  screened: NormalizedName,
  listed: NormalizedName,
  why: 'anchors' | 'number',
): NameExplanation {
  return {
    score: 0,
    parts: [],
    unmatchedQuery: [...screened.tokens],
    unmatchedListed: [...listed.tokens],
    excused: [],
    vetoed: why,
  };
}

/**
 * How well `value` (a name from a filing) matches `query` (a listed name or the name in a rule), in
 * [0, 1]: half how much of the listed name is found in the value, half how much of the value the
 * listed name explains, each word counted by its weight and by how well it met (see the module
 * comment); 1 when the names run together without spaces are equal.
 */
export function fuzzyScoreNormalized(value: NormalizedName, query: NormalizedName): number {
  return scoreNames(value, query, 0, undefined);
}

/**
 * `fuzzyScoreNormalized(value, query)` when it reaches `threshold`, else some number below it (the
 * work stops once the threshold is out of reach).
 */
export function fuzzyScoreAtLeast(value: NormalizedName, query: NormalizedName, threshold: number): number {
  return scoreNames(value, query, threshold, undefined);
}

/** `fuzzyScoreNormalized` on raw text. */
export function fuzzyScore(value: string, query: string): number {
  return fuzzyScoreNormalized(normalizeName(value), normalizeName(query));
}

/** The score of `screened` against `listed` with what made it, word by word. */
export function explainNames(screened: NormalizedName, listed: NormalizedName): NameExplanation {
  let out: NameExplanation | undefined;
  const score = scoreNames(screened, listed, 0, (e) => {
    out = e;
  });
  return out ?? { score, parts: [], unmatchedQuery: [], unmatchedListed: [], excused: [] };
}

// ------------------------------------------------------------------------------------------------
// Keys for indexes

/**
 * The words a name is looked up or indexed under: its words and their skeletons. A listed word is an
 * anchor of a match (see the module comment) only if it or its skeleton shares a deletion key with
 * one of these.
 */
export function anchorWords(n: NormalizedName): string[] {
  const out: string[] = [];
  const add = (w: string): void => {
    if (!out.includes(w)) {
      out.push(w);
    }
  };
  n.tokens.forEach(add);
  n.skeletons.forEach(add);
  return out;
}

const KEY_BASE = 0x01000193;
const KEY_POW = new Int32Array(65);
KEY_POW[0] = 1;
for (let i = 1; i < KEY_POW.length; i++) {
  KEY_POW[i] = Math.imul(KEY_POW[i - 1]!, KEY_BASE);
}
const keySuffix = new Int32Array(65);

function finishKey(h: number, length: number): number {
  let x = (h ^ Math.imul(length, 0x9e3779b1)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

/** A 32-bit hash of a key string (the same as `deletionKeyHashes` gives for that string). */
export function keyHash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) {
    h = (Math.imul(h, KEY_BASE) + key.charCodeAt(i)) | 0;
  }
  return finishKey(h, key.length);
}

/**
 * Pushes `keyHash` of each of `deletionKeys(word)` onto `out` (possibly with repeats), without
 * making the strings: a polynomial hash with the deleted letter taken out of prefix and suffix sums.
 * Equal keys hash equally; different keys rarely collide, and callers verify what a hash finds.
 */
export function deletionKeyHashes(word: string, out: number[]): void {
  const n = word.length;
  if (n > 64) {
    for (const k of deletionKeys(word)) {
      out.push(keyHash(k));
    }
    return;
  }
  const suf = keySuffix;
  suf[n] = 0;
  for (let k = n - 1; k >= 0; k--) {
    suf[k] = (suf[k + 1]! + Math.imul(word.charCodeAt(k), KEY_POW[n - 1 - k]!)) | 0;
  }
  out.push(finishKey(suf[0]!, n));
  if (n < 4) {
    return;
  }
  let pre = 0;
  for (let i = 0; i < n; i++) {
    out.push(finishKey((Math.imul(pre, KEY_POW[n - 1 - i]!) + suf[i + 1]!) | 0, n - 1));
    pre = (Math.imul(pre, KEY_BASE) + word.charCodeAt(i)) | 0;
  }
}

/** What a name is looked up by in a fuzzy index: its anchor words, their own hashes, its run-together forms. */
export interface AnchorKeys {
  readonly words: readonly string[];
  /** `keyHash(words[i])`; the hashes of a word's deletion keys are made where needed (`deletionKeyHashes`). */
  readonly hashes: readonly number[];
  /** `keyHash` of its run-together forms marked with U+0001 (as the rule index files them). */
  readonly joined: readonly number[];
}

/**
 * `anchorWords` of a name with their hashes, made once per normalised name: a consignment's name is
 * looked up in several lists and by the rule index. Plain arrays, not typed ones: a typed array of
 * more than a few numbers is allocated outside the heap, which costs more than everything else here.
 */
export function anchorKeys(n: NormalizedName): AnchorKeys {
  if (n instanceof Name) {
    n.anchors ??= makeAnchorKeys(n);
    return n.anchors;
  }
  return makeAnchorKeys(n);
}

/**
 * A string naming a normalised name exactly: its words, in order, joined by spaces (words never hold
 * a space), and its length when it may matter (a name of CUT_MIN_LENGTH characters or more may be
 * cut). Everything else in a `NormalizedName` is a function of these, so equal keys mean equal names.
 */
export function nameKey(n: NormalizedName): string {
  if (n instanceof Name) {
    n.key ??= makeNameKey(n);
    return n.key;
  }
  return makeNameKey(n);
}

function makeNameKey(n: NormalizedName): string {
  const words = n.tokens.join(' ');
  return n.length >= CUT_MIN_LENGTH ? `${words}\u0000${n.length}` : words;
}

function makeAnchorKeys(n: NormalizedName): AnchorKeys {
  const words = anchorWords(n);
  const hashes: number[] = [];
  for (let i = 0; i < words.length; i++) {
    hashes.push(keyHash(words[i]!));
  }
  return { words, hashes, joined: joinedKeyHashes(n) };
}

/** `keyHash` of a name's run-together forms, marked with U+0001 so they only meet their own kind. */
export function joinedKeyHashes(n: NormalizedName): number[] {
  const plain = keyHash(`\u0001${n.joined}`);
  return n.joinedSkeleton === n.joined ? [plain] : [plain, keyHash(`\u0001${n.joinedSkeleton}`)];
}

/** The word itself and every string one deletion away: two words within one edit share one of these. */
export function deletionKeys(token: string): string[] {
  const keys = [token];
  if (token.length < 4) {
    // Short words only anchor when equal, so they need no neighbourhood.
    return keys;
  }
  for (let i = 0; i < token.length; i++) {
    const k = token.slice(0, i) + token.slice(i + 1);
    if (!keys.includes(k)) {
      keys.push(k);
    }
  }
  return keys;
}
