/**
 * The EU consolidated list of persons, groups and entities subject to financial sanctions, in the
 * Financial Sanctions Files' XML (FSF 1.1, `xmlFullSanctionsList_1_1`): `export/sanctionEntity`, in the
 * namespace http://eu.europa.ec/fpi/fsd/export. An entity's id is `eu:` and its logicalId; its type
 * comes from subjectType's code (person, enterprise); its name is the first nameAlias's wholeName
 * (preferring a strong one without a language, the list's own spelling), and every other nameAlias
 * is an alias, original-script forms (nameLanguage RU, AR, …) included. Identifiers: each
 * identification's number (kind from identificationTypeCode), the EU reference number
 * (`eu-reference`) and the UN one where the entity is also UN-listed (`un-reference`). The note names
 * the reference, programmes and regulations, then the remarks.
 */
import { clip, entityTypeOf, identifierKind } from './list-entity.ts';
import type { ListEntity } from './list-entity.ts';
import { XmlListCollector } from './list-reader.ts';
import { childrenNamed } from './xml-records.ts';
import type { XmlNode } from './xml-records.ts';

export const EU_SOURCE = 'EU consolidated financial sanctions list';
const ROOT = 'export';
const NOTE_LENGTH = 2000;

/** identificationTypeCode → identifier kind (the FSF's codes; others by their description). */
const ID_KINDS: Readonly<Record<string, string>> = {
  passport: 'passport',
  id: 'national-id',
  regnumber: 'registration',
  fiscalcode: 'tax-id',
  swiftbic: 'swift-bic',
  imo: 'imo',
  ssn: 'national-id',
};

function nameOf(alias: XmlNode): string {
  const a = alias.attributes;
  const whole = (a['wholeName'] ?? '').trim();
  if (whole !== '') {
    return whole;
  }
  return [a['firstName'], a['middleName'], a['lastName']]
    .map((p) => (p ?? '').trim())
    .filter((p) => p !== '')
    .join(' ');
}

export class EuFsfListReader extends XmlListCollector {
  constructor() {
    super(ROOT, 'the EU financial sanctions file', (p) => p.length === 2 && p[1] === 'sanctionEntity');
  }

  protected record(node: XmlNode, xpath: string): void {
    const logicalId = (node.attributes['logicalId'] ?? '').trim();
    if (logicalId === '') {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: `${xpath}/@logicalId`,
        message: `the sanctionEntity on line ${node.line} has no logicalId`,
      });
      return;
    }
    const aliases = childrenNamed(node, 'nameAlias').filter((a) => nameOf(a) !== '');
    if (aliases.length === 0) {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: `${xpath}/nameAlias`,
        message: `sanctionEntity ${logicalId} (line ${node.line}) has no nameAlias with a name`,
      });
      return;
    }
    const main =
      aliases.find(
        (a) => a.attributes['strong'] !== 'false' && (a.attributes['nameLanguage'] ?? '').trim() === '',
      ) ?? aliases[0]!;
    const subject = childrenNamed(node, 'subjectType')[0];
    const code = subject?.attributes['code'] ?? subject?.attributes['classificationCode'] ?? '';
    const reference = (node.attributes['euReferenceNumber'] ?? '').trim();
    const unReference = (node.attributes['unitedNationId'] ?? '').trim();
    const identifiers = [
      ...(reference !== '' ? [{ kind: 'eu-reference', value: reference }] : []),
      ...(unReference !== '' ? [{ kind: 'un-reference', value: unReference }] : []),
      ...childrenNamed(node, 'identification').flatMap((i) => {
        const number = (i.attributes['number'] ?? i.attributes['latinNumber'] ?? '').trim();
        if (number === '') {
          return [];
        }
        const typeCode = (i.attributes['identificationTypeCode'] ?? '').trim().toLowerCase();
        const kind =
          ID_KINDS[typeCode] ??
          identifierKind(i.attributes['identificationTypeDescription'] ?? (typeCode || 'other'));
        return [{ kind, value: number }];
      }),
    ];
    const regulations = childrenNamed(node, 'regulation');
    const programmes = [
      ...new Set(regulations.map((r) => (r.attributes['programme'] ?? '').trim()).filter((p) => p !== '')),
    ];
    const titles = [
      ...new Set(regulations.map((r) => (r.attributes['numberTitle'] ?? '').trim()).filter((p) => p !== '')),
    ];
    const remarks = childrenNamed(node, 'remark')
      .map((r) => r.text.trim())
      .filter((r) => r !== '');
    const note = [
      reference,
      programmes.length > 0 ? `programme ${programmes.join(', ')}` : '',
      titles.length > 0 ? `regulation ${titles.join(', ')}` : '',
      ...remarks,
    ]
      .filter((s) => s !== '')
      .join('. ');
    const entity: ListEntity = {
      id: `eu:${logicalId}`,
      value: nameOf(main),
      aliases: aliases.filter((a) => a !== main).map(nameOf),
      type: entityTypeOf(code),
      identifiers,
      note: clip(note, NOTE_LENGTH),
      source: EU_SOURCE,
    };
    this.entity(entity, xpath);
  }
}
