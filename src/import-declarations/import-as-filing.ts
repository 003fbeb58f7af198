/**
 * An import declaration as the risk rules read a filing (issue 12, point 5): H1/H7 declarations are
 * assessed by the same rules, watchlists and signals as entry summaries. The declaration becomes one
 * consignment: the importer as consignee, the seller as consignor, the courier as notify party, each
 * goods item with its code, description, origin, net mass (as the mass rules read) and price as its
 * value; `filing.filingType` is `H1` or `H7` and `filing.officeOfFirstEntry` the office of import, so
 * a rule scoped to an office or written for imports only (`filing.filingType == "H7"`) applies as
 * analysts expect. What an ENS has and a declaration does not (transport document, places, routing,
 * containers) is left empty, as for an ENS without it.
 */
import type { Filing, Party } from '../domain/index.ts';
import type { ImportDeclaration, ImportParty } from './import.schema.ts';

function partyOf(p: ImportParty): Party {
  return {
    // A party known only by the declaring system's id (the KCS data) is named by it.
    name: p.name ?? (p.eori !== undefined ? p.eori : `trader ${p.id ?? ''}`),
    ...(p.eori !== undefined ? { eori: p.eori } : {}),
    ...(p.address !== undefined ? { address: p.address } : {}),
  };
}

export function importAsFiling(d: ImportDeclaration, id: string): Filing {
  const declarant = partyOf(d.declarant);
  return {
    filingType: d.type,
    lrn: d.lrn ?? id,
    declarant: { ...declarant, eori: d.declarant.eori ?? '' },
    officeOfFirstEntry: d.office,
    ...(d.mode !== undefined
      ? { transport: { mode: d.mode, estimatedArrival: `${d.date}T00:00:00.000Z`, routing: [] } }
      : {}),
    consignments: [
      {
        // A declaration cites no transport document: rules read an empty type and the declaration's id.
        transportDocument: {
          type: '',
          ref: id,
        } as unknown as Filing['consignments'][number]['transportDocument'],
        consignee: partyOf(d.importer),
        ...(d.seller !== undefined ? { consignor: partyOf(d.seller) } : {}),
        ...(d.courier !== undefined ? { notifyParty: partyOf(d.courier) } : {}),
        containers: [],
        goods: d.goods.map((g, i) => ({
          itemNumber: i + 1,
          hsCode: g.hsCode,
          description: g.description ?? '',
          grossMassKg: g.netMassKg,
          value: g.price,
          origin: g.origin,
        })),
      },
    ],
  };
}
