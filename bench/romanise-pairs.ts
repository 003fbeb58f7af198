/**
 * How often `romanisations` (src/risk/romanise.ts) comes close to the Latin names a list gives for a
 * name written in another script: the UN consolidated list's original-script names (NAME_ORIGINAL_SCRIPT
 * beside FIRST_NAME … and aliases), the screening bench's generated Cyrillic and Greek spellings of
 * listed names, and moov-io/watchman's cross-script test pairs (Apache-2.0, read from the local
 * mirror when present). Split into the screening bench's halves as the screening set in this tree
 * splits them: tune on `dev`, report `report`. `--split FILE` (kind|text → half) takes the halves of
 * the original-script names from another split instead; `--halves FILE` keeps only the names in the
 * same half in both.
 *
 *   node bench/romanise-pairs.ts [--half dev|report|both] [--show N] [--script arabic] [--halves FILE] [--split FILE] [--miss words|strict|form|form1]
 *
 * Per script and half it prints: names; `word` the share of the listed name's words met by a word of
 * some form (within the edit bound below); `form` the share of names where one form covers ≥ 80% of
 * a listed name's letters both ways (what a whole-name matcher needs), `form1` the same with at most one
 * edit per word (none under four letters); `words` the same with each
 * word free to take any of its spellings (`romanisedWords`); `strict` the same with at most one edit
 * per word (none under four letters); `key` the same comparing `consonantKey`s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { consonantKey, romanisations, romanisedWords, scriptOf } from '../src/risk/romanise.ts';
import { buildScreeningSet } from './screening-set.ts';

const WATCHMAN = '/work/.mirror/moov-io+watchman/repo';

/** The screening bench's split (bench/screening-set.ts `halfOf`), copied: it is not exported. */
function halfOf(id: string): 'dev' | 'report' {
  let h = 19;
  for (let i = 0; i < id.length; i++) {
    h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  }
  return (h >>> 3) % 2 === 0 ? 'dev' : 'report';
}

interface Pair {
  readonly source: string;
  readonly text: string;
  readonly targets: readonly string[];
  readonly half: 'dev' | 'report';
}

/**
 * Pairs from the screening set: the UN list's original-script names of listed entities and the
 * generated Cyrillic and Greek spellings, each with its entity's Latin names and its half. `agree`
 * (kind|text → half, from `--halves FILE`) keeps only pairs in the same half there: while the split
 * changes (it is by party on the matcher's branch), tune only on names that are dev under both.
 */
function setPairs(
  agree: Readonly<Record<string, string>> | undefined,
  split: Readonly<Record<string, string>> | undefined,
): Pair[] {
  const set = buildScreeningSet();
  const out: Pair[] = [];
  for (const q of set.queries) {
    const original = q.kind === 'original-script-arabic' || q.kind === 'original-script-other';
    if ((original || q.kind === 'cyrillic' || q.kind === 'greek') && q.entity !== undefined) {
      if (original && agree !== undefined && agree[`${q.kind}|${q.text}`] !== q.half) {
        continue;
      }
      const half = original && split !== undefined ? split[`${q.kind}|${q.text}`] : q.half;
      if (half !== 'dev' && half !== 'report') {
        continue;
      }
      const e = set.entities.get(q.entity)!;
      const source = original ? `un-${e.kind}` : `bench-${q.kind}`;
      out.push({ source, text: q.text, targets: [e.name, ...e.aliases], half });
    }
  }
  return out;
}

function watchmanPairs(): Pair[] {
  if (!existsSync(WATCHMAN)) {
    return [];
  }
  const csv = execFileSync(
    'git',
    ['--git-dir', WATCHMAN, 'show', 'HEAD:internal/embeddings/testdata/cross_script_pairs.csv'],
    { encoding: 'utf8' },
  );
  return csv
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(','))
    .filter((f) => f.length >= 2 && scriptOf(f[0]!) !== 'latin')
    .map((f) => ({ source: 'watchman', text: f[0]!, targets: [f[1]!], half: halfOf(f[0]!) }));
}

const clean = (s: string): string[] =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’ʼʻ`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');

function lev(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) {
      return max + 1;
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edits allowed in a word of n letters: what a matcher with a bound by length would allow. */
const bound = (n: number): number => (n <= 3 ? 0 : n <= 5 ? 1 : n <= 8 ? 2 : 3);

/** At most one edit in a word of four letters or more, none below. */
const strictClose = (a: string, b: string): boolean =>
  lev(a, b, Math.max(a.length, b.length) <= 3 ? 0 : 1) <= (Math.max(a.length, b.length) <= 3 ? 0 : 1);

const close = (a: string, b: string): boolean =>
  lev(a, b, bound(Math.max(a.length, b.length))) <= bound(Math.max(a.length, b.length));

/** Share of letters of `xs` whose words meet some word of `ys` (each word of xs with its alternatives). */
function coverage(
  xs: readonly (readonly string[])[],
  ys: readonly (readonly string[])[],
  eq: (a: string, b: string) => boolean,
): number {
  let total = 0;
  let met = 0;
  for (const alts of xs) {
    const n = alts[0]!.length;
    total += n;
    if (alts.some((x) => ys.some((yalts) => yalts.some((y) => eq(x, y))))) {
      met += n;
    }
  }
  return total === 0 ? 0 : met / total;
}

const single = (words: readonly string[]): string[][] => words.map((w) => [w]);
/** Spellings of several words ("abd al rahman") count as their words, and joined. */
const splitAlts = (alts: readonly string[]): string[] =>
  alts.flatMap((a) => [...a.split(' '), a.replace(/ /g, '')]);

interface Score {
  n: number;
  word: number;
  form: number;
  form1: number;
  words: number;
  strict: number;
  key: number;
}

function score(p: Pair): {
  word: number;
  form: boolean;
  form1: boolean;
  words: boolean;
  strict: boolean;
  key: boolean;
  forms: string[];
} {
  const forms = romanisations(p.text);
  const perWord = romanisedWords(p.text).map(splitAlts);
  const targets = p.targets.map(clean).filter((t) => t.length > 0);
  const allFormWords = [...new Set(forms.flatMap((f) => f.split(' ')))];
  let word = 0;
  let form = false;
  let form1 = false;
  let words = false;
  let key = false;
  let strict = false;
  const keyEq = (a: string, b: string): boolean => {
    const ka = consonantKey(a);
    return ka !== '' && ka === consonantKey(b);
  };
  for (const t of targets) {
    word = Math.max(word, coverage(single(t), [allFormWords], close));
    for (const f of forms) {
      const fw = f.split(' ');
      if (coverage(single(t), single(fw), close) >= 0.8 && coverage(single(fw), single(t), close) >= 0.8) {
        form = true;
      }
      if (
        coverage(single(t), single(fw), strictClose) >= 0.8 &&
        coverage(single(fw), single(t), strictClose) >= 0.8
      ) {
        form1 = true;
      }
    }
    if (
      perWord.length > 0 &&
      coverage(single(t), perWord, close) >= 0.8 &&
      coverage(perWord, single(t), close) >= 0.8
    ) {
      words = true;
    }
    if (
      perWord.length > 0 &&
      coverage(single(t), perWord, strictClose) >= 0.8 &&
      coverage(perWord, single(t), strictClose) >= 0.8
    ) {
      strict = true;
    }
    if (
      perWord.length > 0 &&
      coverage(single(t), perWord, keyEq) >= 0.8 &&
      coverage(perWord, single(t), keyEq) >= 0.8
    ) {
      key = true;
    }
  }
  return { word, form, form1, words, strict, key, forms };
}

function main(): void {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const half = arg('--half') ?? 'dev';
  const show = Number(arg('--show') ?? 0);
  const only = arg('--script');
  const missBy = arg('--miss') ?? 'words';
  const halves = arg('--halves');
  const agree =
    halves === undefined ? undefined : (JSON.parse(readFileSync(halves, 'utf8')) as Record<string, string>);
  const splitFile = arg('--split');
  const split =
    splitFile === undefined
      ? undefined
      : (JSON.parse(readFileSync(splitFile, 'utf8')) as Record<string, string>);
  const pairs = [...setPairs(agree, split), ...watchmanPairs()].filter(
    (p) => half === 'both' || p.half === half,
  );
  // Timing of romanisations alone: the first round meets every word for the first time.
  const texts = pairs.map((p) => p.text);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (const x of texts) {
      romanisations(x);
    }
    rounds.push((performance.now() - t) / Math.max(1, texts.length));
  }
  const cold = rounds[0]!;
  rounds.sort((a, b) => a - b);
  const timingLine = `romanisations: ${(cold * 1000).toFixed(1)} µs per name on first sight, ${(rounds[2]! * 1000).toFixed(1)} µs after (median of 5 rounds over ${texts.length} names)`;
  const table = new Map<string, Score>();
  let shown = 0;
  const t0 = performance.now();
  let calls = 0;
  for (const p of pairs) {
    const script = scriptOf(p.text);
    if (only !== undefined && script !== only) {
      continue;
    }
    const s = score(p);
    calls++;
    const k = `${p.source} ${script} ${p.half}`;
    const row = table.get(k) ?? { n: 0, word: 0, form: 0, form1: 0, words: 0, strict: 0, key: 0 };
    row.n++;
    row.word += s.word;
    row.form += s.form ? 1 : 0;
    row.form1 += s.form1 ? 1 : 0;
    row.words += s.words ? 1 : 0;
    row.strict += s.strict ? 1 : 0;
    row.key += s.key ? 1 : 0;
    table.set(k, row);
    const missed =
      missBy === 'strict'
        ? !s.strict
        : missBy === 'form'
          ? !s.form
          : missBy === 'form1'
            ? !s.form1
            : !s.words;
    if (missed && shown < show) {
      shown++;
      console.log(
        `MISS ${p.text} → ${s.forms.slice(0, 3).join(' | ')}  ≠  ${p.targets.slice(0, 3).join(' | ')}`,
      );
    }
  }
  const elapsed = performance.now() - t0;
  const pct = (x: number, n: number): string => `${((100 * x) / n).toFixed(1)}%`.padStart(7);
  console.log(
    `${'source script half'.padEnd(32)} ${'names'.padStart(6)} ${'word'.padStart(7)} ${'form'.padStart(7)} ${'form1'.padStart(7)} ${'words'.padStart(7)} ${'strict'.padStart(7)} ${'key'.padStart(7)}`,
  );
  for (const [k, r] of [...table].sort()) {
    console.log(
      `${k.padEnd(32)} ${String(r.n).padStart(6)} ${pct(r.word, r.n)} ${pct(r.form, r.n)} ${pct(r.form1, r.n)} ${pct(r.words, r.n)} ${pct(r.strict, r.n)} ${pct(r.key, r.n)}`,
    );
  }
  console.log(`${timingLine}; scoring ${calls} pairs took ${elapsed.toFixed(0)} ms`);
}

main();
