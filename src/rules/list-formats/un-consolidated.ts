/**
 * The UN Security Council consolidated list (XML, https://scsanctions.un.org/resources/xml/en/consolidated.xml):
 * `CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL` and `CONSOLIDATED_LIST/ENTITIES/ENTITY`. An entity's id is
 * `un:` and its DATAID; its name is FIRST_NAME to FOURTH_NAME (an entity's whole name is its
 * FIRST_NAME); its aliases are the ALIAS_NAMEs (of every quality) and the NAME_ORIGINAL_SCRIPTs; its
 * identifiers are its REFERENCE_NUMBER (`un-reference`) and each INDIVIDUAL_DOCUMENT's NUMBER (kind
 * from TYPE_OF_DOCUMENT); its note names the regime, reference and listing date, then COMMENTS1.
 */
import { clip, entityTypeOf, identifierKind } from './list-entity.ts';
import type { ListEntity } from './list-entity.ts';
import { XmlListCollector } from './list-reader.ts';
import { childText, childrenNamed } from './xml-records.ts';
import type { XmlNode } from './xml-records.ts';

export const UN_SOURCE = 'UN Security Council consolidated list';
const ROOT = 'CONSOLIDATED_LIST';
const NOTE_LENGTH = 2000;

export class UnListReader extends XmlListCollector {
  constructor() {
    super(
      ROOT,
      'the UN consolidated list',
      (p) =>
        p.length === 3 &&
        ((p[1] === 'INDIVIDUALS' && p[2] === 'INDIVIDUAL') || (p[1] === 'ENTITIES' && p[2] === 'ENTITY')),
    );
  }

  protected record(node: XmlNode, xpath: string): void {
    const individual = node.name === 'INDIVIDUAL';
    const dataId = childText(node, 'DATAID');
    if (dataId === '') {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: `${xpath}/DATAID`,
        message: `the ${individual ? 'individual' : 'entity'} on line ${node.line} has no DATAID`,
      });
      return;
    }
    const name = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
      .map((n) => childText(node, n))
      .filter((n) => n !== '')
      .join(' ');
    if (name === '') {
      this.problem({
        code: 'VIGIL_WATCHLIST_PARSE',
        path: `${xpath}/FIRST_NAME`,
        message: `DATAID ${dataId} (line ${node.line}) has no name`,
      });
      return;
    }
    const aliases = [
      ...childrenNamed(node, individual ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS').map((a) =>
        childText(a, 'ALIAS_NAME'),
      ),
      ...childrenNamed(node, 'NAME_ORIGINAL_SCRIPT').map((n) => n.text.trim()),
    ].filter((a) => a !== '');
    const reference = childText(node, 'REFERENCE_NUMBER');
    const identifiers = [
      ...(reference !== '' ? [{ kind: 'un-reference', value: reference }] : []),
      ...childrenNamed(node, 'INDIVIDUAL_DOCUMENT').flatMap((d) => {
        const number = childText(d, 'NUMBER');
        const type = childText(d, 'TYPE_OF_DOCUMENT') || childText(d, 'TYPE_OF_DOCUMENT2');
        return number === '' ? [] : [{ kind: identifierKind(type || 'document'), value: number }];
      }),
    ];
    const regime = childText(node, 'UN_LIST_TYPE');
    const listedOn = childText(node, 'LISTED_ON');
    const heading = [
      regime !== '' ? `UN ${regime} sanctions` : '',
      reference,
      listedOn !== '' ? `listed ${listedOn}` : '',
    ]
      .filter((s) => s !== '')
      .join(', ');
    const comments = childText(node, 'COMMENTS1');
    const entity: ListEntity = {
      id: `un:${dataId}`,
      value: name,
      aliases,
      type: individual ? 'person' : entityTypeOf('entity'),
      identifiers,
      note: clip([heading, comments].filter((s) => s !== '').join('. '), NOTE_LENGTH),
      source: UN_SOURCE,
    };
    this.entity(entity, xpath);
  }
}
