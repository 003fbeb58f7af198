/**
 * Reads a file of trade measures (CSV, a header row) into reference entries of kind `measures`, with
 * TARIC's own field names so an extract of the EU's measure records maps column for column
 * (docs/registries.md, "Trade measures"). Every malformed row is reported with its line and what is
 * wrong; the service loads nothing when one is, unless asked to skip the bad rows.
 */
import {
  COUNTRY_CODES,
  TARIC_MEASURE_TYPES,
  MEASURE_TYPES,
  REFERENCE_KIND_INFO,
  areaProblem,
  isMeasureType,
} from '../domain/index.ts';
import type { ReferenceEntry } from '../domain/index.ts';
import { isDay, readReferenceTable } from './reference-csv.ts';
import type { ReferenceRows } from './reference-csv.ts';

/** The columns read; any other is kept as an attribute of the measure. */
export const MEASURE_COLUMNS = [
  'measure_sid',
  'measure_type_id',
  'measure_type',
  'goods_nomenclature_item_id',
  'geographical_area_id',
  'excluded_geographical_areas',
  'additional_code_type_id',
  'additional_code_id',
  'duty_expression',
  'measure_generating_regulation_id',
  'validity_start_date',
  'validity_end_date',
  'footnotes',
  'conditions',
  'description',
] as const;

const REQUIRED = [
  'measure_sid',
  'measure_type_id',
  'goods_nomenclature_item_id',
  'geographical_area_id',
  'measure_generating_regulation_id',
  'validity_start_date',
] as const;

/** Lists in a cell: separated by `;`, `|` or spaces. */
const cellList = (v: string): string[] => v.split(/[;|\s]+/).filter((x) => x !== '');

/**
 * A TARIC goods code with its trailing `00` pairs taken off (8517130000 is subheading 851713 and
 * everything under it), so it is found from a goods item's 6-, 8- or 10-digit code.
 */
export function measureGoodsCode(id: string): string {
  let code = id;
  while (code.length > 2 && code.endsWith('00')) {
    code = code.slice(0, -2);
  }
  return code;
}

export function readMeasureRows(text: string, source: string): ReferenceRows {
  const { names, rows, errors, unusable, bad } = readReferenceTable(text, REQUIRED);
  const entries: ReferenceEntry[] = [];
  if (unusable) {
    return { entries, errors, rows: rows.length, badRows: 0 };
  }
  const known = new Set<string>(MEASURE_COLUMNS);
  const seen = new Map<string, number>();
  let badRows = 0;
  for (const row of rows) {
    const before = errors.length;
    if (row.fields.length !== names.length) {
      bad(row.line, `the row has ${row.fields.length} column(s), the header ${names.length}`);
      badRows++;
      continue;
    }
    const at = (name: string): string => {
      const i = names.indexOf(name);
      return i < 0 ? '' : (row.fields[i] ?? '').trim();
    };
    const sid = at('measure_sid');
    const typeId = at('measure_type_id');
    const goodsId = at('goods_nomenclature_item_id');
    const area = at('geographical_area_id');
    const regulation = at('measure_generating_regulation_id');
    const from = at('validity_start_date');
    const until = at('validity_end_date');
    const addType = at('additional_code_type_id');
    const addCode = at('additional_code_id');
    if (!REFERENCE_KIND_INFO.measures.pattern.test(sid)) {
      bad(row.line, `measure_sid '${sid}' is not a measure id (1 to 20 letters, digits or -)`);
    }
    const taric = TARIC_MEASURE_TYPES.get(typeId);
    const typeGiven = at('measure_type');
    if (!/^[0-9A-Z]{3}$/.test(typeId)) {
      bad(row.line, `measure_type_id '${typeId}' is not a TARIC measure type id (3 characters, e.g. 552)`);
    }
    if (typeGiven !== '' && !isMeasureType(typeGiven)) {
      bad(row.line, `measure_type '${typeGiven}' is not one of ${MEASURE_TYPES.join(', ')}`);
    } else if (typeGiven === '' && taric === undefined) {
      bad(
        row.line,
        `measure type id '${typeId}' is not one Vigil reads by itself (${[...TARIC_MEASURE_TYPES.keys()].join(', ')}): give its measure_type (${MEASURE_TYPES.join(', ')})`,
      );
    }
    if (!/^(\d{2}){1,5}$/.test(goodsId)) {
      bad(row.line, `goods_nomenclature_item_id '${goodsId}' is not a goods code (2, 4, 6, 8 or 10 digits)`);
    }
    const areaIssue = areaProblem(area, COUNTRY_CODES);
    if (areaIssue !== undefined) {
      bad(row.line, areaIssue);
    }
    const excluded = cellList(at('excluded_geographical_areas'));
    const notCountries = excluded.filter((c) => !COUNTRY_CODES.has(c));
    if (notCountries.length > 0) {
      bad(row.line, `excluded_geographical_areas: ${notCountries.join(', ')} not country code(s)`);
    }
    if ((addType === '') !== (addCode === '')) {
      bad(row.line, 'an additional code needs both additional_code_type_id and additional_code_id');
    } else if (addType !== '' && !/^[A-Z0-9]{4}$/.test(addType + addCode)) {
      bad(
        row.line,
        `additional code '${addType}${addCode}' is not a TARIC additional code (a type character and 3 characters, e.g. C999)`,
      );
    }
    if (regulation === '' || regulation.length > 100) {
      bad(row.line, 'measure_generating_regulation_id is empty or longer than 100 characters');
    }
    for (const [name, value] of [
      ['validity_start_date', from],
      ['validity_end_date', until],
    ] as const) {
      if ((value !== '' || name === 'validity_start_date') && !isDay(value)) {
        bad(row.line, `${name} '${value}' is not a date (YYYY-MM-DD)`);
      }
    }
    if (isDay(from) && isDay(until) && until < from) {
      bad(row.line, `validity_end_date ${until} is before validity_start_date ${from}`);
    }
    const conditions = cellList(at('conditions'));
    const badDocs = conditions.filter((c) => !/^[A-Z0-9]{4}$/.test(c));
    if (badDocs.length > 0) {
      bad(row.line, `conditions: ${badDocs.join(', ')} not document code(s) (4 characters, e.g. C400)`);
    }
    const key = `${sid}|${from}`;
    const first = seen.get(key);
    if (first !== undefined) {
      bad(row.line, `measure ${sid} from ${from} is already on line ${first}`);
    } else {
      seen.set(key, row.line);
    }
    if (errors.length > before) {
      badRows++;
      continue;
    }
    const type = typeGiven !== '' ? typeGiven : taric!.type;
    const duty = at('duty_expression');
    const goods = measureGoodsCode(goodsId);
    // Columns Vigil does not read are kept; its own attributes are written over them.
    const attributes: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const v = (row.fields[i] ?? '').trim();
      if (!known.has(name) && name !== '' && v !== '') {
        attributes[name] = v;
      }
    }
    Object.assign(attributes, { type_id: typeId, type, goods, area, regulation });
    const optional: [string, string][] = [
      ['excluded', excluded.join(';')],
      ['additional_code', addType + addCode],
      ['duty', duty],
      ['footnotes', cellList(at('footnotes')).join(';')],
      ['conditions', conditions.join(';')],
    ];
    for (const [name, value] of optional) {
      if (value !== '') {
        attributes[name] = value;
      }
    }
    const given = at('description');
    entries.push({
      kind: 'measures',
      code: sid,
      description:
        given !== ''
          ? given
          : `${taric?.title ?? type}${duty !== '' ? ` ${duty}` : ''} on ${goods} from ${area} (${regulation})`,
      validFrom: from,
      validUntil: until === '' ? null : until,
      parent: null,
      attributes,
      source,
    });
  }
  return { entries, errors, rows: rows.length, badRows };
}
