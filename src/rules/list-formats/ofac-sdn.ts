/**
 * The US OFAC Specially Designated Nationals list, in its two public forms.
 *
 * Legacy CSV (`ofac-sdn-csv`): `sdn.csv`, optionally followed by `alt.csv` in the same upload (`cat
 * sdn.csv alt.csv`), neither with a header row, `-0-` for an empty field. An sdn.csv record has 12
 * fields (ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
 * Vess_owner, Remarks); an alt.csv record 5 (ent_num, alt_num, alt_type, alt_name, alt_remarks), its
 * alt_name an alias of entity ent_num. The files' closing Ctrl-Z is skipped. The same layout serves
 * OFAC's consolidated (non-SDN) files (cons_prim.csv, cons_alt.csv).
 *
 * XML (`ofac-sdn-xml`, sdn.xml): `sdnList/sdnEntry` with uid, firstName, lastName, sdnType,
 * programList, akaList, idList, vesselInfo and remarks.
 *
 * An entity's id is `ofac:` and its entry number (uid); a person's name is written as OFAC writes it
 * ("LAST, First"); identifiers are the call sign, the XML's idList, and in the CSV those the remarks
 * state in OFAC's usual words (Passport …, IMO …, SWIFT/BIC …, National ID No. …).
 */
import { clip, entityTypeOf, identifierKind } from './list-entity.ts';
import type { ListEntity } from './list-entity.ts';
import type { WatchlistIdentifier } from '../../risk/index.ts';
import { CsvRecords } from './csv-records.ts';
import type { CsvRecord } from './csv-records.ts';
import { ListCollector, XmlListCollector } from './list-reader.ts';
import { childText, childrenNamed } from './xml-records.ts';
import type { XmlNode } from './xml-records.ts';

export const OFAC_SOURCE = 'OFAC SDN list';
const NOTE_LENGTH = 2000;

/** Identifiers the SDN remarks state, in OFAC's usual words. */
const REMARK_IDS: readonly (readonly [RegExp, string])[] = [
  [/^Passport\s+(?:No\.\s*)?(\S+)/i, 'passport'],
  [/^Vessel Registration Identification\s+IMO\s+(\d{7})/i, 'imo'],
  [/^IMO\s+(\d{7})/i, 'imo'],
  [/^MMSI\s+(\d{9})/i, 'mmsi'],
  [/^SWIFT\/BIC\s+(\S+)/i, 'swift-bic'],
  [
    /^(?:National ID No\.|Cedula No\.|D\.N\.I\.|C\.U\.R\.P\.|Identification Number|Personal ID Card|National Foreign ID Number)\s+(\S+)/i,
    'national-id',
  ],
  [/^(?:Tax ID No\.|NIT #|RUC #|R\.F\.C\.|Tax Identification Number)\s+(\S+)/i, 'tax-id'],
  [
    /^(?:Registration ID|Registration Number|Business Registration Document #|Commercial Registry Number|Company Number|Government Gazette Number)\s+(\S+)/i,
    'registration',
  ],
  [/^Aircraft Manufacturer's Serial Number \(MSN\)\s+(\S+)/i, 'aircraft-msn'],
  [/^Aircraft Tail Number\s+(\S+)/i, 'aircraft-tail-number'],
  [/^Digital Currency Address - \w+\s+(\S+)/i, 'digital-currency-address'],
];

/** The identifiers stated in an SDN entry's remarks (`Passport A123 (Iraq); IMO 9187629.`). */
export function remarkIdentifiers(remarks: string): WatchlistIdentifier[] {
  const out: WatchlistIdentifier[] = [];
  for (const part of remarks.split(';')) {
    const p = part.trim().replace(/^alt\.\s+/i, '');
    for (const [re, kind] of REMARK_IDS) {
      const m = re.exec(p);
      if (m !== null) {
        const value = m[1]!.replace(/[.,;:]+$/, '');
        if (value !== '') {
          out.push({ kind, value });
        }
        break;
      }
    }
  }
  return out;
}

/** `-0-` (with or without spaces) is the legacy CSV's empty field. */
const field = (f: string | undefined): string => {
  const t = (f ?? '').trim();
  return t === '-0-' ? '' : t;
};

const typeOf = (sdnType: string): ListEntity['type'] => entityTypeOf(sdnType === '' ? 'entity' : sdnType);

function noteOf(parts: readonly string[]): string {
  return clip(parts.filter((p) => p !== '').join('. '), NOTE_LENGTH);
}

interface PendingEntity {
  readonly entity: ListEntity;
  readonly place: string;
  readonly aliases: string[];
}

export class OfacCsvListReader extends ListCollector {
  readonly #records = new CsvRecords(',');
  readonly #byNumber = new Map<string, PendingEntity>();
  readonly #order: PendingEntity[] = [];
  readonly #aliases: { line: number; number: string; name: string }[] = [];

  write(text: string): void {
    // Each file ends with a Ctrl-Z, which `cat sdn.csv alt.csv` puts before alt.csv's first record.
    this.#records.write(text.replaceAll('\u001a', '')).forEach((r) => this.#record(r));
  }

  end(): void {
    this.#records.end().forEach((r) => this.#record(r));
    for (const a of this.#aliases) {
      const e = this.#byNumber.get(a.number);
      if (e === undefined) {
        this.problem({
          code: 'VIGIL_WATCHLIST_PARSE',
          path: `line ${a.line}`,
          message: `alias '${a.name.slice(0, 80)}' is of entry ${a.number}, which the upload does not hold (send sdn.csv and alt.csv together)`,
        });
      } else {
        e.aliases.push(a.name);
      }
    }
    for (const e of this.#order) {
      this.entity({ ...e.entity, aliases: e.aliases }, e.place);
    }
  }

  #record(r: CsvRecord): void {
    if (this.full) {
      return;
    }
    const place = `line ${r.line}`;
    if ('error' in r) {
      this.problem({ code: 'VIGIL_WATCHLIST_PARSE', path: place, message: r.error });
      return;
    }
    const f = r.fields;
    if (f.length === 1 && f[0]!.trim() === '') {
      return;
    }
    const number = field(f[0]);
    if (!/^\d+$/.test(number)) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: place,
        message: `the first field must be the entry number (ent_num), not '${number.slice(0, 40)}'`,
      });
      return;
    }
    if (f.length === 5) {
      const name = field(f[3]);
      if (name !== '') {
        this.#aliases.push({ line: r.line, number, name });
      }
      return;
    }
    if (f.length !== 12) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: place,
        message: `a record of sdn.csv has 12 fields and one of alt.csv 5; this one has ${f.length}`,
      });
      return;
    }
    if (this.#byNumber.has(number)) {
      this.problem({
        code: 'VIGIL_WATCHLIST_DUPLICATE_ID',
        path: place,
        message: `entry ${number} is also at ${this.#byNumber.get(number)!.place}`,
      });
      return;
    }
    const [, , , program, title, callSign, vesselType, , , flag, owner, remarks] = f.map(field);
    const identifiers = [
      ...(callSign !== '' ? [{ kind: 'call-sign', value: callSign! }] : []),
      ...remarkIdentifiers(remarks!),
    ];
    const vessel = [vesselType, flag !== '' ? `flag ${flag}` : '', owner !== '' ? `owner ${owner}` : '']
      .filter((s) => s !== '')
      .join(', ');
    const pending: PendingEntity = {
      entity: {
        id: `ofac:${number}`,
        value: field(f[1]),
        type: typeOf(field(f[2])),
        identifiers,
        note: noteOf([
          program !== '' ? `program ${program!}` : '',
          title!,
          vessel !== '' ? `vessel ${vessel}` : '',
          remarks!,
        ]),
        source: OFAC_SOURCE,
      },
      place,
      aliases: [],
    };
    this.#byNumber.set(number, pending);
    this.#order.push(pending);
  }
}

/** "LAST, First" for a person (as OFAC writes it), the last name alone otherwise. */
function ofacName(node: XmlNode): string {
  const last = childText(node, 'lastName');
  const first = childText(node, 'firstName');
  return first === '' ? last : last === '' ? first : `${last}, ${first}`;
}

export class OfacXmlListReader extends XmlListCollector {
  constructor() {
    super('sdnList', 'the SDN list', (p) => p.length === 2 && p[1] === 'sdnEntry');
  }

  protected record(node: XmlNode, xpath: string): void {
    const uid = childText(node, 'uid');
    if (!/^\d+$/.test(uid)) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: `${xpath}/uid`,
        message: `the sdnEntry on line ${node.line} has no numeric uid`,
      });
      return;
    }
    const list = (parent: string, child: string): XmlNode[] =>
      childrenNamed(node, parent).flatMap((p) => childrenNamed(p, child));
    const programs = list('programList', 'program')
      .map((p) => p.text.trim())
      .filter((p) => p !== '');
    const vessel = childrenNamed(node, 'vesselInfo')[0];
    const callSign = vessel === undefined ? '' : childText(vessel, 'callSign');
    const identifiers = [
      ...(callSign !== '' ? [{ kind: 'call-sign', value: callSign }] : []),
      ...list('idList', 'id').flatMap((i) => {
        const type = childText(i, 'idType');
        const number = childText(i, 'idNumber');
        // Some "ids" are facts about the listing (gender, secondary sanctions risk), not identifiers.
        if (number === '' || /gender|sanctions|risk|prohibited|date|listing|organization type/i.test(type)) {
          return [];
        }
        const imo = /^IMO\s*(\d{7})$/i.exec(number);
        return [
          imo !== null ? { kind: 'imo', value: imo[1]! } : { kind: identifierKind(type), value: number },
        ];
      }),
    ];
    const vesselFacts =
      vessel === undefined
        ? ''
        : [
            childText(vessel, 'vesselType'),
            childText(vessel, 'vesselFlag') !== '' ? `flag ${childText(vessel, 'vesselFlag')}` : '',
          ]
            .filter((s) => s !== '')
            .join(', ');
    this.entity(
      {
        id: `ofac:${uid}`,
        value: ofacName(node),
        aliases: list('akaList', 'aka').map(ofacName),
        type: typeOf(childText(node, 'sdnType')),
        identifiers,
        note: noteOf([
          programs.length > 0 ? `program ${programs.join(', ')}` : '',
          childText(node, 'title'),
          vesselFacts !== '' ? `vessel ${vesselFacts}` : '',
          childText(node, 'remarks'),
        ]),
        source: OFAC_SOURCE,
      },
      xpath,
    );
  }
}
