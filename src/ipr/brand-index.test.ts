import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_GOODS } from '../demo/demo-goods.ts';
import { readRecords } from '../operators/index.ts';
import { BrandIndex } from './brand-index.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The brands and aliases of the demo applications (data/ipr, all made up). */
function demoBrandNames(): string[] {
  const text = readFileSync(join(ROOT, 'data', 'ipr', 'demo-applications.ndjson'), 'utf8');
  return readRecords(text, 'ndjson').records.flatMap((r) =>
    (r.value['brands'] as { name: string; aliases?: string[] }[]).flatMap((b) => [
      b.name,
      ...(b.aliases ?? []),
    ]),
  );
}

const index = new BrandIndex(['ZENTROVA', 'VELTRIX RUN', 'KALIMBO', 'BRYX', 'Найк', 'AIR MAX', 'Lumaro']);
const found = (d: string) => index.find(d).map((f) => ({ name: f.name, words: f.words, how: f.how }));

test('a brand inside a longer description is found as written, misspelt, or sounding alike', () => {
  assert.deepEqual(found('MENS RUNNING SHOES ZENTROVA, size 42'), [
    { name: 'ZENTROVA', words: 'ZENTROVA,', how: 'exact' },
  ]);
  assert.deepEqual(found('ladies t-shirts zentrovva cotton'), [
    { name: 'ZENTROVA', words: 'zentrovva', how: 'phonetic' },
  ]);
  assert.deepEqual(found('kids toys zemtrova'), [{ name: 'ZENTROVA', words: 'zemtrova', how: 'edits' }]);
  assert.deepEqual(found('Kalimbo-branded plush toys'), [
    { name: 'KALIMBO', words: 'Kalimbo-branded', how: 'exact' },
  ]);
});

test('a brand of several words is found in order, run together, or with a word between', () => {
  assert.deepEqual(found('sneakers VELTRIX RUN 2027 edition'), [
    { name: 'VELTRIX RUN', words: 'VELTRIX RUN', how: 'exact' },
  ]);
  assert.deepEqual(found('VELTRIXRUN sneakers'), [
    { name: 'VELTRIX RUN', words: 'VELTRIXRUN', how: 'joined' },
  ]);
});

test('a brand in another script is found through its romanisations, with the script named', () => {
  const [cyrillic] = index.find('кроссовки зентрова, 24 пары');
  assert.equal(cyrillic?.name, 'ZENTROVA');
  assert.equal(cyrillic?.how, 'transliterated');
  assert.equal(cyrillic?.script, 'cyrillic');
  assert.equal(cyrillic?.words, 'зентрова,');
  const [greek] = index.find('αθλητικά παπούτσια Ζεντροβα');
  assert.equal(greek?.name, 'ZENTROVA');
  assert.equal(greek?.script, 'greek');
  // A brand registered with a Cyrillic alias is found in a Cyrillic description.
  assert.deepEqual(found('кроссовки найк'), [{ name: 'Найк', words: 'найк', how: 'transliterated' }]);
});

test('short brands are met exactly or sounding alike, never by an edit', () => {
  assert.deepEqual(found('bryx headphones'), [{ name: 'BRYX', words: 'bryx', how: 'exact' }]);
  assert.deepEqual(found('brix headphones'), [{ name: 'BRYX', words: 'brix', how: 'phonetic' }]);
  assert.deepEqual(found('brax headphones'), []);
  assert.deepEqual(found('bryn headphones'), []);
});

test('goods words never anchor a brand and meet its words only exactly', () => {
  // "AIR MAX" is made of goods words: found only written so, word for word.
  assert.deepEqual(found('AIR MAX running shoes'), [{ name: 'AIR MAX', words: 'AIR MAX', how: 'exact' }]);
  assert.deepEqual(found('air cushion shoes, max size 46'), []);
  assert.deepEqual(found('VELTRIX shoes'), []);
  assert.deepEqual(found('running shoes'), []);
});

test('no brands, or a description without them, finds nothing', () => {
  assert.deepEqual(new BrandIndex([]).find('ZENTROVA shoes'), []);
  assert.deepEqual(found(''), []);
  assert.deepEqual(found('Sawn rosewood (Dalbergia), planed'), []);
});

test('the demo brands are found in no HS 2022 description nor any demo goods description', () => {
  const demo = new BrandIndex(demoBrandNames());
  const hs = readRecords(
    readFileSync(join(ROOT, 'data', 'reference', 'hs-2022', 'harmonized-system.csv'), 'utf8'),
    'csv',
  ).records.map((r) => String(r.value['description']));
  const descriptions = [...hs, ...DEMO_GOODS.flatMap((g) => g.descriptions)];
  assert.ok(descriptions.length > 5000, `${descriptions.length} descriptions`);
  const hits = descriptions.flatMap((d) => demo.find(d).map((f) => `${f.name} in '${d}'`));
  assert.deepEqual(hits, []);
});
