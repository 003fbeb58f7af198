/**
 * Table tests for the identifier checks of DESIGN §3, with the published vectors (MRN, ISO 6346
 * containers, IATA air waybills) and property tests for the generators: every MRN, container number and
 * air waybill built with our check-digit functions passes its check, and a wrong check digit never does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  airWaybillCheckDigit,
  checkAirWaybill,
  checkContainerId,
  checkCountry,
  checkCustomsOffice,
  checkEori,
  checkHsCode,
  checkMrn,
  checkUnLocode,
  containerCheckDigit,
  isCountryCode,
  iso6346CheckDigit,
  makeMrn,
  mrnCheckCharacter,
  normaliseAirWaybill,
  normaliseEori,
} from './identifiers.ts';
import { COUNTRY_CODES } from './reference-data.ts';

type Check = (value: string) => string | undefined;

/** Runs `check` over valid and invalid values; invalid ones may name a fragment the message must contain. */
function table(
  check: Check,
  valid: readonly string[],
  invalid: readonly (string | readonly [string, string])[],
): void {
  for (const v of valid) {
    test(`accepts ${JSON.stringify(v)}`, () => {
      assert.equal(check(v), undefined);
    });
  }
  for (const row of invalid) {
    const [v, fragment] = typeof row === 'string' ? [row, undefined] : row;
    test(`rejects ${JSON.stringify(v)}`, () => {
      const problem = check(v);
      assert.equal(typeof problem, 'string', `${v} should be rejected`);
      if (fragment !== undefined) {
        assert.match(problem!, new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
    });
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const DIGITS = '0123456789'.split('');
const str = (chars: string[], length: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...chars), { minLength: length, maxLength: length }).map((a) => a.join(''));

describe('iso6346CheckDigit / containerCheckDigit', () => {
  const rows: readonly [string, number | undefined][] = [
    ['CSQU305438', 3],
    ['CBHU320273', 2],
    ['22ITZXBZYUTJFLJXK', 6],
    ['22DK1V0QQK2S6J7TU', 1],
    ['csqu305438', undefined],
    ['CSQU-05438', undefined],
    ['', 0],
  ];
  for (const [body, digit] of rows) {
    test(`${JSON.stringify(body)} → ${String(digit)}`, () => {
      assert.equal(iso6346CheckDigit(body), digit);
    });
  }
  test('containerCheckDigit is the ISO 6346 digit', () => {
    assert.equal(containerCheckDigit('CSQU305438'), 3);
    assert.equal(containerCheckDigit('CBHU320273'), 2);
  });
});

describe('isCountryCode / checkCountry', () => {
  table(checkCountry, ['NL', 'DE', 'CN', 'US', 'XI', 'GB'], ['UK', 'EU', 'XX', 'nl', 'NLD', 'N', '']);
  test('isCountryCode agrees', () => {
    assert.equal(isCountryCode('XI'), true);
    assert.equal(isCountryCode('UK'), false);
  });
});

describe('normaliseEori', () => {
  const rows: readonly [string, string][] = [
    ['nl123456789', 'NL123456789'],
    [' NL 123 456 789 ', 'NL123456789'],
    ['de\t1234567', 'DE1234567'],
    ['gb 123456789000', 'GB123456789000'],
    ['ESB12345674', 'ESB12345674'],
  ];
  for (const [input, out] of rows) {
    test(`${JSON.stringify(input)} → ${out}`, () => {
      assert.equal(normaliseEori(input), out);
    });
  }
  test('normalised lower-case and spaced EORIs pass', () => {
    assert.equal(checkEori(normaliseEori(' nl 812 345 670')), undefined);
  });
});

describe('checkEori', () => {
  table(
    checkEori,
    [
      'NL123456789',
      'DE1234567',
      'BE0412345678',
      'FR12345678901234',
      'ESB12345674',
      'ATEOS1000012345',
      'PL583123456700000',
      'GB123456789012',
      'GB123456789012345',
      'XI123456789012',
      'XI123456789012345',
      'DE1',
    ],
    [
      ['GB123456789', '12 or 15 digits'],
      ['GB1234567890123', '12 or 15 digits'],
      ['GB12345678901A', '12 or 15 digits'],
      ['XI1234567890', '12 or 15 digits'],
      ['XX123456789', 'not an ISO 3166-1'],
      ['UK123456789012', 'not an ISO 3166-1'],
      ['NL1234567890123456', '1 to 15'],
      ['NL', '1 to 15'],
      'nl123456789',
      'NL 123456789',
      '123456789',
      'NL12345-678',
    ],
  );
});

describe('checkMrn / mrnCheckCharacter', () => {
  table(
    checkMrn,
    ['22ITZXBZYUTJFLJXK6', makeMrn({ year: 2026, country: 'NL', serial: 'ABC123DEF456', procedure: 'A' })],
    [
      ['22DK1V0QQK2S6J7TU2', "should be '1'"],
      ['22ITZXBZYUTJFLJXK7', "should be '6'"],
      ['22ZZZXBZYUTJFLJXK6', 'not an ISO 3166-1'],
      ['22ITZXBZYUTJFLJX6', '18 characters'],
      ['22itzxbzyutjfljxk6', '18 characters'],
      ['2XITZXBZYUTJFLJXK6', '18 characters'],
      ['22ITZXBZYUTJFLJX16', '18 characters'],
      '',
    ],
  );
  test('the published invalid MRN would be valid with check character 1', () => {
    assert.equal(mrnCheckCharacter('22DK1V0QQK2S6J7TU'), '1');
    assert.equal(checkMrn('22DK1V0QQK2S6J7TU1'), undefined);
  });
  test('mrnCheckCharacter is undefined for characters outside A–Z and 0–9', () => {
    assert.equal(mrnCheckCharacter('22dk1v0qqk2s6j7tu'), undefined);
  });
});

describe('makeMrn', () => {
  const countries = [...COUNTRY_CODES];
  test('every MRN it makes passes checkMrn (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2099 }),
        fc.constantFrom(...countries),
        str(ALNUM, 12),
        fc.constantFrom(...LETTERS),
        (year, country, serial, procedure) => {
          const mrn = makeMrn({ year, country, serial, procedure });
          assert.equal(mrn.length, 18);
          assert.equal(mrn.slice(0, 2), String(year % 100).padStart(2, '0'));
          assert.equal(checkMrn(mrn), undefined);
        },
      ),
      { numRuns: 500 },
    );
  });
  test('changing the check character makes it invalid (property)', () => {
    fc.assert(
      fc.property(str(ALNUM, 12), fc.constantFrom(...DIGITS), (serial, other) => {
        const mrn = makeMrn({ year: 2026, country: 'BE', serial, procedure: 'A' });
        fc.pre(other !== mrn[17]);
        assert.notEqual(checkMrn(mrn.slice(0, 17) + other), undefined);
      }),
    );
  });
  const bad: readonly [string, Parameters<typeof makeMrn>[0]][] = [
    ['a short serial', { year: 2026, country: 'NL', serial: 'ABC', procedure: 'A' }],
    ['a lower-case serial', { year: 2026, country: 'NL', serial: 'abc123def456', procedure: 'A' }],
    ['a digit as procedure', { year: 2026, country: 'NL', serial: 'ABC123DEF456', procedure: '1' }],
    ['a lower-case country', { year: 2026, country: 'nl', serial: 'ABC123DEF456', procedure: 'A' }],
  ];
  for (const [what, parts] of bad) {
    test(`throws for ${what}`, () => {
      assert.throws(() => makeMrn(parts));
    });
  }
  test('throws for a country that is not ISO 3166-1', () => {
    assert.throws(() => makeMrn({ year: 2026, country: 'ZZ', serial: 'ABC123DEF456', procedure: 'A' }));
  });
});

describe('checkHsCode', () => {
  table(
    checkHsCode,
    ['851713', '85171300', '8517130000', '010121', '970110', '240220', '854143'],
    [
      ['000000', 'chapter 00'],
      ['980000', 'chapter 98'],
      ['990300', 'chapter 99'],
      ['8517', '6 (HS), 8 (CN) or 10'],
      '85171',
      '8517130',
      '851713000',
      '85171300001',
      'ABCDEF',
      '85 17 13',
      '',
    ],
  );
});

describe('checkUnLocode', () => {
  table(
    checkUnLocode,
    ['NLRTM', 'CNSHA', 'DEHAM', 'USJFK', 'BEANR', 'GBLHR', 'XIBEL', 'DE2HM'],
    [
      ['NL0TM', 'digits 2–9'],
      ['NLRT1', 'digits 2–9'],
      'nlrtm',
      'NLRT',
      'NLRTMX',
      'NL RTM',
      ['ZZRTM', 'not an ISO 3166-1'],
      ['UKLON', 'not an ISO 3166-1'],
    ],
  );
});

describe('checkContainerId', () => {
  table(
    checkContainerId,
    ['CSQU3054383', 'CBHU3202732', `ABCJ123456${String(containerCheckDigit('ABCJ123456'))}`],
    [
      ['CSQU3054384', 'should be 3'],
      ['CBHU3202730', 'should be 2'],
      'CSQX3054383',
      'CSQ3054383',
      'csqu3054383',
      'CSQU305438',
      'CSQU30543833',
      'CSQU 3054383',
    ],
  );
  test('a computed check digit always passes and any other digit fails (property)', () => {
    fc.assert(
      fc.property(
        str(LETTERS, 3),
        fc.constantFrom('U', 'J', 'Z'),
        str(DIGITS, 6),
        fc.constantFrom(...DIGITS),
        (owner, cat, serial, other) => {
          const body = `${owner}${cat}${serial}`;
          const check = String(containerCheckDigit(body));
          assert.equal(checkContainerId(body + check), undefined);
          fc.pre(other !== check);
          assert.notEqual(checkContainerId(body + other), undefined);
        },
      ),
    );
  });
});

describe('air waybills', () => {
  const digitsRows: readonly [string, number][] = [
    ['1234567', 5],
    ['0000000', 0],
    ['0000007', 0],
    ['9999999', 2],
    ['1234560', 5],
  ];
  for (const [serial, digit] of digitsRows) {
    test(`serial ${serial} has check digit ${digit}`, () => {
      assert.equal(airWaybillCheckDigit(serial), digit);
    });
  }
  const normalised: readonly [string, string][] = [
    ['176-12345675', '17612345675'],
    ['176 1234567 5', '17612345675'],
    ['17612345675', '17612345675'],
  ];
  for (const [input, out] of normalised) {
    test(`normaliseAirWaybill(${JSON.stringify(input)}) → ${out}`, () => {
      assert.equal(normaliseAirWaybill(input), out);
    });
  }
  table(
    checkAirWaybill,
    ['17612345675', '05712345675', '02000000000', normaliseAirWaybill('618-99999992')],
    [
      ['17612345670', 'should be 5'],
      ['176-12345675', '3-digit prefix'],
      '1761234567',
      '176123456755',
      'ABC12345675',
    ],
  );
  test('an air waybill built with airWaybillCheckDigit passes, with or without the dash (property)', () => {
    fc.assert(
      fc.property(str(DIGITS, 3), str(DIGITS, 7), (prefix, serial) => {
        const awb = `${prefix}-${serial}${airWaybillCheckDigit(serial)}`;
        assert.equal(checkAirWaybill(normaliseAirWaybill(awb)), undefined);
      }),
    );
  });
});

describe('checkCustomsOffice', () => {
  table(
    checkCustomsOffice,
    ['NL000396', 'BE101000', 'DE004701', 'FR000690', 'XI000001'],
    [
      ['NL00039', '6 letters or digits'],
      'NL0003960',
      'nl000396',
      'NL000-96',
      ['ZZ000396', 'not an ISO 3166-1'],
      '12000396',
    ],
  );
});
