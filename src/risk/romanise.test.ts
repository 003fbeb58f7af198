import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { consonantKey, romanisations, romanisedWords, scriptOf } from './romanise.ts';

/** Edit distance, for "close to" assertions (a listed spelling is one of many). */
function lev(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The smallest distance from a form to `expected`, word by word (summed). */
function nearest(forms: readonly string[], expected: string): number {
  const want = expected.split(' ');
  let best = Infinity;
  for (const f of forms) {
    const got = f.split(' ');
    if (got.length === want.length) {
      best = Math.min(
        best,
        got.reduce((sum, w, i) => sum + lev(w, want[i]!), 0),
      );
    }
  }
  return best;
}

describe('scriptOf', () => {
  it('names the script most letters are in', () => {
    assert.equal(scriptOf('Acme Trading Ltd'), 'latin');
    assert.equal(scriptOf('صدام حسين التكريتي'), 'arabic');
    assert.equal(scriptOf('Хотинцев'), 'cyrillic');
    assert.equal(scriptOf('Παπαδόπουλος'), 'greek');
    assert.equal(scriptOf('习近平'), 'han');
    assert.equal(scriptOf('שלום'), 'hebrew');
    assert.equal(scriptOf('ქართული'), 'georgian');
    assert.equal(scriptOf('Հայաստան'), 'armenian');
    assert.equal(scriptOf('김정은'), 'other');
  });

  it('goes by letter count in mixed text, ignoring digits and punctuation', () => {
    assert.equal(scriptOf('ООО «Ромашка» Ltd'), 'cyrillic');
    assert.equal(scriptOf('Romashka Trading ООО'), 'latin');
    assert.equal(scriptOf('شركة ABC'), 'arabic');
    assert.equal(scriptOf('Société Générale'), 'latin');
    assert.equal(scriptOf('12345 / 678'), 'other');
  });
});

describe('romanisations of Arabic names', () => {
  it('gives a form close to how the UN list writes Saddam Hussein', () => {
    const forms = romanisations('صدام حسين التكريتي');
    assert.ok(nearest(forms, 'saddam hussein al tikriti') <= 3, forms.join(' | '));
    // The article comes with and without its word.
    assert.ok(
      forms.some((f) => f.endsWith(' tikriti') || f.endsWith(' takriti')),
      forms.join(' | '),
    );
    assert.ok(
      forms.some((f) => /\bal t[ai]kriti$/.test(f)),
      forms.join(' | '),
    );
  });

  it('spells Muhammad the ways lists do', () => {
    const forms = romanisations('محمد');
    assert.ok(forms.includes('muhammad'));
    assert.ok(forms.includes('mohammed'));
    assert.ok(forms.includes('mohamed'));
  });

  it('keeps abd with the word it belongs to, joined or not', () => {
    for (const name of ['عبد الرحمن', 'عبدالرحمن']) {
      const forms = romanisations(name);
      assert.ok(forms.includes('abd al rahman'), forms.join(' | '));
      assert.ok(forms.includes('abdul rahman'), forms.join(' | '));
      assert.ok(forms.includes('abdel rahman'), forms.join(' | '));
    }
    assert.ok(romanisations('عبد الله').includes('abdullah'));
  });

  it('doubles a letter written with shadda', () => {
    assert.ok(romanisations('صدّام')[0]!.startsWith('sadd'));
  });

  it('inserts vowels by the patterns of Arabic names', () => {
    assert.ok(nearest(romanisations('حامد'), 'hamid') === 0);
    assert.ok(nearest(romanisations('جليل'), 'jalil') === 0);
    assert.ok(nearest(romanisations('برزان'), 'barzan') === 0);
    assert.ok(nearest(romanisations('محسن'), 'muhsin') === 0);
  });

  it('writes X الله and X الدين the ways names carry them', () => {
    // Afghan names, written with Persian letters, as the South Asian lists write them.
    assert.equal(romanisations('عتیق الله')[0], 'atiqullah');
    assert.ok(romanisedWords('نجيب الله')[0]!.includes('najibullah'));
    const din = romanisations('سيف الدين');
    for (const f of ['sayf al din', 'saif el din', 'seif eddine', 'saifuddin']) {
      assert.ok(din.includes(f), `${f} in ${din.join(' | ')}`);
    }
  });

  it('reads Afghan and Pakistani names the way they are listed', () => {
    assert.ok(romanisations('عبد الصمد اچکزی').some((f) => f.endsWith(' achkazai')));
    assert.ok(romanisedWords('عبد البصیر نورزی')[1]!.includes('noorzai'));
    assert.ok(romanisations('بخت گل').includes('bakht gul'));
  });

  it('reads a final ى as -i in a nisba and as -a in a name like Salma', () => {
    assert.ok(romanisations('حقانى')[0]!.endsWith('i'));
    assert.equal(romanisations('سلمى')[0], 'salma');
    assert.equal(romanisations('مصطفى')[0], 'mustafa');
  });

  it('splits أبو from the name it is joined to', () => {
    assert.ok(romanisations('أبوبكر البغدادي').includes('abu bakr al baghdadi'));
    assert.ok(romanisations('أبوغيث').some((f) => f.startsWith('abu gh')));
  });

  it('gives each word its spellings for word-by-word matching', () => {
    const words = romanisedWords('صدام حسين التكريتي');
    assert.equal(words.length, 3);
    assert.ok(words[1]!.includes('hussein'));
    assert.ok(words[1]!.includes('husayn'));
  });
});

describe('consonantKey', () => {
  it('agrees across the vowels and doublings of one Arabic name', () => {
    assert.equal(consonantKey('SADDAM'), consonantKey('sadam'));
    assert.equal(consonantKey('HUSSEIN'), consonantKey('husayn'));
    assert.equal(consonantKey('Hussain'), consonantKey('husayn'));
    assert.equal(consonantKey('MUHAMMAD'), consonantKey('mohamed'));
    assert.equal(consonantKey('FATIMAH'), consonantKey('fatima'));
    assert.equal(consonantKey("SA'D"), consonantKey('saad'));
  });

  it('keeps names with other consonants apart', () => {
    assert.notEqual(consonantKey('hasan'), consonantKey('hashim'));
    assert.notEqual(consonantKey('khalid'), consonantKey('walid'));
  });
});

describe('romanisations of Cyrillic names', () => {
  it('gives the passport and the Balkan spelling', () => {
    const forms = romanisations('Хотинцев');
    assert.equal(forms[0], 'khotintsev');
    assert.ok(forms.includes('hotincev'));
  });

  it('writes the usual forms of Russian first names and endings', () => {
    const forms = romanisations('Юрий Щукин');
    assert.ok(forms.includes('yuriy shchukin'));
    assert.ok(forms.includes('yuri shchukin'));
    assert.ok(forms.includes('iurii shchukin'));
    assert.ok(romanisations('Евгений')[0]!.startsWith('yevgen'));
  });

  it('reads Ukrainian г as h', () => {
    assert.ok(romanisations('Григорій')[0]!.startsWith('hryhor'));
  });

  it('writes дж as j and кс as x where English does', () => {
    assert.ok(romanisations('Джохар').includes('jokhar') || romanisations('Джохар').includes('johar'));
    assert.ok(romanisations('Максим Алексеев').includes('maxim alexeev'));
  });

  it('reads Serbian and Kazakh letters', () => {
    assert.ok(romanisations('Вучић').includes('vucic'));
    assert.ok(romanisations('Назарбаев Нұрсұлтан')[0]!.endsWith('nursultan'));
  });
});

describe('romanisations of Greek names', () => {
  it('spells Papadopoulos as passports do', () => {
    assert.equal(romanisations('Παπαδόπουλος')[0], 'papadopoulos');
  });

  it('reads μπ, ντ, γκ as b, d, g at the start of a word', () => {
    assert.equal(romanisations('Μπακογιάννης')[0], 'bakogiannis');
    assert.ok(romanisations('Ντόρα')[0]!.startsWith('dora'));
  });

  it('reads foreign names written in Greek back into their spelling', () => {
    assert.ok(romanisations('Τζόναθαν Τσάρλς').includes('jonathan charls'));
    assert.ok(romanisations('Γιάννης').includes('yannis'));
  });

  it('gives the spoken spellings too', () => {
    const forms = romanisations('Κωνσταντίνου');
    assert.ok(forms.includes('konstantinou'));
    assert.ok(
      forms.some((f) => f === 'konstadinu' || f === 'konstantinu'),
      forms.join(' | '),
    );
  });
});

describe('romanisations of other scripts', () => {
  it('gives pinyin and Wade-Giles for Chinese names', () => {
    const forms = romanisations('毛泽东');
    assert.equal(forms[0], 'mao zedong');
    assert.ok(forms.includes('mao tse tung') || forms.includes('mao tsetung'), forms.join(' | '));
  });

  it('gives Korean names as they are listed', () => {
    assert.ok(romanisations('김정은').includes('kim jong un'));
  });

  it('returns nothing for Latin text', () => {
    assert.deepEqual(romanisations('Saddam Hussein'), []);
    assert.deepEqual(romanisedWords('Saddam Hussein'), []);
    assert.deepEqual(romanisations('12345 / 678'), []);
  });
});
