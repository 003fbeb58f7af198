import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyScore } from './fuzzy.ts';
import { parseWatchlistCsv, parseWatchlistNdjson, Watchlist } from './watchlist.ts';

test('exact lists ignore case and spaces; HS lists match by prefix', () => {
  const c = new Watchlist({ name: 'c', subject: 'container', entries: [{ value: 'MSCU 1234566' }] });
  assert.equal(c.has('mscu1234566'), true);
  assert.equal(c.has('MSCU1234567'), false);
  const hs = new Watchlist({
    name: 'h',
    subject: 'hs-code',
    entries: [{ value: '8517' }, { value: '930190' }],
  });
  assert.equal(hs.has('851713'), true);
  assert.equal(hs.has('930100'), false);
});

test('fuzzy lists find typos, word order and transliterations, and report the entry', () => {
  const l = new Watchlist({
    name: 'n',
    subject: 'operator-name',
    entries: [
      { value: 'Bright Electronics Ltd' },
      { value: 'Acme Trading BV' },
      { value: 'Nordic Timber AS' },
    ],
  });
  assert.equal(l.bestMatch('Brigth Electronics Co')?.entry, 'Bright Electronics Ltd');
  assert.equal(l.bestMatch('Timber Nordic')?.entry, 'Nordic Timber AS');
  assert.equal(l.bestMatch('Брайт Электроникс')?.entry, 'Bright Electronics Ltd');
  assert.equal(l.bestMatch('Completely Different'), undefined);
});

test('the indexed fuzzy lookup finds the same best match as scoring every entry', () => {
  const words = [
    'alpha',
    'bravo',
    'charlie',
    'delta',
    'echo',
    'foxtrot',
    'golf',
    'hotel',
    'india',
    'juliet',
    'kilo',
  ];
  let seed = 7;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const pick = (): string => words[Math.floor(rnd() * words.length)]!;
  const names = Array.from({ length: 400 }, () => `${pick()} ${pick()}${rnd() < 0.5 ? ' trading' : ''}`);
  const l = new Watchlist({
    name: 'n',
    subject: 'operator-name',
    entries: names.map((value) => ({ value })),
  });
  for (let i = 0; i < 200; i++) {
    const q = `${pick()} ${pick().slice(1)} ${rnd() < 0.3 ? 'trading' : ''}`;
    let best = 0;
    for (const n of names) {
      best = Math.max(best, fuzzyScore(q, n));
    }
    const m = l.bestMatch(q, 0.7);
    assert.equal(m?.score ?? 0, best >= 0.7 ? best : 0, q);
  }
});

test('NDJSON and CSV bulk loading parse entries and report bad lines', () => {
  const nd = parseWatchlistNdjson('{"value":"MSCU1234566","note":"seized"}\n"TGHU7654321"\n\n{"nope":1}\n');
  assert.equal(nd.ok, false);
  assert.deepEqual(nd.ok ? [] : nd.errors.map((e) => e.line), [4]);
  const csv = parseWatchlistCsv('value,note\n"Bright Electronics, Ltd",watch\nAcme BV,\n');
  assert.ok(csv.ok);
  assert.deepEqual(csv.value, [{ value: 'Bright Electronics, Ltd', note: 'watch' }, { value: 'Acme BV' }]);
  assert.equal(parseWatchlistCsv('name\nx').ok, false);
});

test('at every threshold, the fuzzy index gives the entry and score a scan of the whole list gives', () => {
  let seed = 99;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  // Syllables that spelling skeletons fold together, so words meet by sound as well as by letters.
  const syllables = [
    'ka',
    'ko',
    'ca',
    'phi',
    'fi',
    'zu',
    'su',
    'ri',
    'ry',
    'tch',
    'gh',
    'wen',
    'ven',
    'lo',
    'ou',
    'ts',
  ];
  const word = (): string =>
    Array.from(
      { length: 1 + Math.floor(rnd() * 5) },
      () => syllables[Math.floor(rnd() * syllables.length)],
    ).join('');
  const vocab = [
    ...Array.from({ length: 60 }, word),
    'al',
    'abu',
    'mohammed',
    'trading',
    'ii',
    'iii',
    '7',
    'x7',
  ];
  const pick = (): string => vocab[Math.floor(rnd() * vocab.length)]!;
  const edit = (w: string): string => {
    const i = Math.floor(rnd() * w.length);
    const r = rnd();
    return r < 0.3
      ? w.slice(0, i) + w.slice(i + 1)
      : r < 0.6
        ? w.slice(0, i) + 'e' + w.slice(i)
        : r < 0.8
          ? w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2)
          : w.slice(0, i) + 'o' + w.slice(i + 1);
  };
  const names = Array.from({ length: 500 }, () => {
    const words = Array.from({ length: 1 + Math.floor(rnd() * 5) }, pick);
    const r = rnd();
    // "LAST, First", legal forms, and names long enough to be taken for cut ones.
    return r < 0.2
      ? `${words[0]}, ${words.slice(1).join(' ')}`
      : r < 0.4
        ? `${words.join(' ')} trading ltd`
        : words.join(' ');
  });
  const l = new Watchlist({
    name: 'n',
    subject: 'operator-name',
    entries: names.map((value) => ({ value })),
  });
  for (let i = 0; i < 400; i++) {
    const base = names[Math.floor(rnd() * names.length)]!.replace(',', '').split(' ');
    const r = rnd();
    const q =
      r < 0.15
        ? base.join('') // run together
        : r < 0.3
          ? base.map((w, k) => (k === 1 ? w + (base[2] ?? '') : k === 2 ? '' : w)).join(' ') // two words joined
          : r < 0.55
            ? base.map((w) => (rnd() < 0.5 ? edit(rnd() < 0.5 ? edit(w) : w) : w)).join(' ') // one or two edits
            : r < 0.7
              ? base.join(' ').slice(0, 30 + Math.floor(rnd() * 10)) // cut
              : r < 0.85
                ? [...base.slice(1), base[0]].join(' ') // word order
                : `${edit(word())} ${pick()} ${pick()}`;
    for (const t of [0.05, 0.3, 0.6, 0.75, 0.85, 0.95, 1]) {
      let best = -1;
      let bestScore = 0;
      names.forEach((n, id) => {
        const s = fuzzyScore(q, n);
        if (s >= t && s > bestScore) {
          best = id;
          bestScore = s;
        }
      });
      const m = l.bestMatch(q, t);
      assert.deepEqual(
        m,
        best < 0 ? undefined : { entry: names[best], score: bestScore, entityIndex: best },
        `${q} at ${t}`,
      );
    }
  }
});

test('a fuzzy list that remembers its screening answers gives the answers of one that does not', () => {
  let seed = 4242;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const syllables = ['ka', 'ko', 'ca', 'phi', 'fi', 'zu', 'su', 'ri', 'ry', 'tch', 'gh', 'wen', 'ven', 'lo'];
  const word = (): string =>
    Array.from(
      { length: 2 + Math.floor(rnd() * 3) },
      () => syllables[Math.floor(rnd() * syllables.length)],
    ).join('');
  const vocab = Array.from({ length: 80 }, word);
  const pick = (): string => vocab[Math.floor(rnd() * vocab.length)]!;
  const names = Array.from(
    { length: 600 },
    () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, pick).join(' ') + (rnd() < 0.3 ? ' trading' : ''),
  );
  const entries = names.map((value) => ({ value }));
  const uncached = new Watchlist({ name: 'n', subject: 'operator-name', entries }, { screeningCacheSize: 0 });
  const cached = new Watchlist({ name: 'n', subject: 'operator-name', entries });
  // Small enough that names are forgotten and screened again.
  const small = new Watchlist({ name: 'n', subject: 'operator-name', entries }, { screeningCacheSize: 40 });
  // Queries that repeat, some spelled differently but normalised alike ("KA ZU Ltd" and "ka zu").
  const queries = Array.from({ length: 400 }, () => {
    const r = rnd();
    return r < 0.4 ? names[Math.floor(rnd() * names.length)]! : r < 0.7 ? `${pick()} ${word()}` : word();
  });
  for (let i = 0; i < 3000; i++) {
    const q0 = queries[Math.floor(rnd() ** 2 * queries.length)]!;
    const q = rnd() < 0.3 ? `${q0.toUpperCase()} Ltd` : q0;
    const t = [undefined, 0.6, 0.85, 1, 0.3][Math.floor(rnd() * 5)];
    const expected = uncached.bestMatch(q, t);
    assert.deepEqual(cached.bestMatch(q, t), expected, `${q} at ${t}`);
    assert.deepEqual(small.bestMatch(q, t), expected, `${q} at ${t}`);
    assert.equal(cached.has(q, t), expected !== undefined);
    if (i % 10 === 0) {
      assert.equal(cached.score(q), uncached.score(q), q);
    }
  }
  assert.equal(uncached.screeningCacheStats().hits, 0);
  assert.ok(cached.screeningCacheStats().hits > cached.screeningCacheStats().misses);
  assert.ok(small.screeningCacheStats().misses > cached.screeningCacheStats().misses);
});

test('the screening cache is bounded, admits a name the second time and forgets the least recently used', () => {
  const l = new Watchlist(
    {
      name: 'n',
      subject: 'operator-name',
      entries: [{ value: 'Bright Electronics Ltd' }, { value: 'Acme Trading BV' }],
    },
    { screeningCacheSize: 3 },
  );
  l.bestMatch('alpha');
  assert.deepEqual(l.screeningCacheStats(), { hits: 0, misses: 1, size: 0, capacity: 3 });
  for (const q of ['alpha', 'bravo', 'bravo', 'charlie', 'charlie', 'ALPHA Ltd']) {
    l.bestMatch(q);
  }
  // "ALPHA Ltd" is "alpha" once normalised: a hit, which makes "alpha" the most recently used.
  assert.deepEqual(l.screeningCacheStats(), { hits: 1, misses: 6, size: 3, capacity: 3 });
  l.bestMatch('delta');
  l.bestMatch('delta'); // admitted; the cache is full, so it forgets "bravo", the least recently used
  assert.equal(l.screeningCacheStats().size, 3);
  l.bestMatch('alpha');
  assert.equal(l.screeningCacheStats().hits, 2);
  l.bestMatch('bravo');
  assert.deepEqual(l.screeningCacheStats(), { hits: 2, misses: 9, size: 3, capacity: 3 });
  for (let i = 0; i < 1000; i++) {
    const name = `bright electronics ${i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!)}`;
    assert.equal(l.bestMatch(name, 0.5)?.entry, 'Bright Electronics Ltd', name);
    assert.equal(l.bestMatch(name, 0.5)?.entry, 'Bright Electronics Ltd', name);
  }
  assert.equal(l.screeningCacheStats().size, 3);
  l.clearScreeningCache();
  assert.deepEqual(l.screeningCacheStats(), { hits: 0, misses: 0, size: 0, capacity: 3 });
});

test('entities: two bearing the same name stay two, an alias matches as its entity, and a match says which name met', () => {
  const l = new Watchlist({
    name: 's',
    subject: 'operator-name',
    entries: [
      { value: 'AL-AQSA FOUNDATION', id: 'sdn-1', type: 'organisation', source: 'OFAC SDN' },
      { value: 'AL-AQSA FOUNDATION', id: 'sdn-2', aliases: ['SANABIL ASSOCIATION'] },
    ],
  });
  assert.equal(l.size, 2);
  assert.equal(l.entity(1).id, 'sdn-2');
  const byAlias = l.explain('Sanabil Asociation');
  assert.equal(byAlias?.entity.id, 'sdn-2');
  assert.equal(byAlias?.entity.name, 'AL-AQSA FOUNDATION');
  assert.equal(byAlias?.name, 'SANABIL ASSOCIATION');
  assert.deepEqual(
    byAlias?.parts.map((p) => [p.query, p.listed]),
    [
      ['sanabil', 'sanabil'],
      ['asociation', 'association'],
    ],
  );
  const byName = l.explain('Al Aqsa Foundation');
  assert.equal(byName?.entity.id, 'sdn-1', 'ties go to the entity loaded first');
  assert.equal(byName?.entity.source, 'OFAC SDN');
  assert.equal(l.explain('Unrelated Trading'), undefined);

  const eori = new Watchlist({
    name: 'e',
    subject: 'eori',
    entries: [{ value: 'NL999', aliases: ['NL123'] }],
  });
  assert.equal(eori.explain('nl 123')?.entity.id, '1', 'without an id, an entity is known by its position');
  assert.equal(eori.explain('nl 123')?.entity.name, 'NL999');
});

test('screening: a one-word listed name does not match a longer name, numbers tell entities apart, a cut name is found', () => {
  const l = new Watchlist({
    name: 's',
    subject: 'operator-name',
    entries: [
      { value: 'DANIEL', id: 'a' },
      { value: 'SINO IRON I', id: 'b' },
      { value: 'SINO IRON II', id: 'c' },
      { value: 'MUMBENGEGWI, Samuel Simbarashe Simbanenduku', id: 'd' },
      { value: 'TEHRAN PRISONS ORGANIZATION', id: 'e' },
    ],
  });
  assert.equal(l.bestMatch('Daniel Coats'), undefined);
  assert.equal(l.explain('Sino Iron II Shipping Ltd')?.entity.id, 'c');
  assert.equal(l.explain('Sino Iron III'), undefined);
  const cut = l.explain('MUMBENGEGWI, Samuel Simbarashe Simb');
  assert.equal(cut?.entity.id, 'd');
  assert.deepEqual(cut?.parts.at(-1), {
    query: 'simb',
    listed: 'simbanenduku',
    how: 'prefix',
    weight: 30 / 108,
  });
  const typo = l.explain('TEHRAN PRISONS ORGNAIZTAION');
  assert.equal(typo?.entity.id, 'e');
  assert.deepEqual(
    typo?.parts.map((p) => [p.listed, p.how, p.edits]),
    [
      ['tehran', 'exact', undefined],
      ['prisons', 'exact', undefined],
      ['organization', 'edits', 2],
    ],
  );
});

test('screening: a name in another script is screened as its romanisations, and the explanation says so', () => {
  const l = new Watchlist({
    name: 's',
    subject: 'operator-name',
    entries: [
      { value: 'SADDAM HUSSEIN AL-TIKRITI', id: 'un-1', type: 'person', source: 'UN' },
      { value: 'KHOTINTSEV, Ivan', id: 'x-2' },
    ],
  });
  const arabic = l.explain('صدام حسين التكريتي');
  assert.equal(arabic?.entity.id, 'un-1');
  assert.equal(arabic?.script, 'arabic');
  assert.ok(arabic.parts.length >= 2);
  assert.ok(arabic.parts.every((p) => p.how === 'romanised'));
  assert.equal(l.has('صدام حسين التكريتي'), true);
  const cyrillic = l.explain('Хотинцев Иван');
  assert.equal(cyrillic?.entity.id, 'x-2');
  assert.equal(cyrillic?.script, 'cyrillic');
  assert.equal(l.explain('Saddam Hussein al-Tikriti')?.script, undefined, 'a Latin name has no script said');
});
