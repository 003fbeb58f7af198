/**
 * The ICS2 rules and conditions Vigil checks on an ENS (issue 17), through `POST /v1/filings`: for each,
 * a filing that keeps it is registered (201) and one that breaks it is refused (422) with the rule's
 * real code at the JSON path of the field at fault. Also the relaxations of the ENS model that a filer
 * notices: a consignment "to order" without consignee, an address with a P.O. box, the office of first
 * entry or the addressed member state, a house part without transport, and the ICS2 lengths.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validAirFiling, validFiling, validHouseFiling } from '../support/filings.ts';

type Body = Record<string, any>;

const HOUR = 3_600_000;

forEachDatabase('ICS2 rules and conditions (issue 17)', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(target);
    tok['filer'] = await app().token('NL', 'filer', 'acme');
  });

  const send = sender(app, tok);
  let n = 0;
  const lrn = () => `ICS2-${String(++n).padStart(4, '0')}`;
  /** The maritime reference filing (F11) with a fresh LRN, changed by `change`. */
  const maritime = (change: (f: Body) => void = () => {}): Body => {
    const f = validFiling(app().clock.now(), { lrn: lrn() });
    change(f);
    return f;
  };
  const air = (change: (f: Body) => void = () => {}): Body => {
    const f = validAirFiling(app().clock.now(), lrn());
    change(f);
    return f;
  };
  /** A second goods item, different from the first. */
  const secondItem = (f: Body): Body => {
    const g = structuredClone(f['consignments'][0].goods[0]);
    g.description = 'Tablet computers, 10 inch';
    g.hsCode = '847130';
    f['consignments'][0].goods.push(g);
    return g;
  };

  async function accepted(body: Body, what: string): Promise<void> {
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 201, `${what}: ${r.body.slice(0, 600)}`);
  }

  async function refused(body: Body, code: string, path: string, what: string): Promise<void> {
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 422, `${what}: ${r.body.slice(0, 600)}`);
    const errors = r.json().errors as { code: string; path: string }[];
    assert.ok(
      errors.some((e) => e.code === code && e.path === path),
      `${what}: no ${code} at ${path} in ${JSON.stringify(errors)}`,
    );
  }

  describe('rules', () => {
    test('R3052: a transport document is used once in a filing', async () => {
      await accepted(
        maritime((f) => {
          const c = structuredClone(f['consignments'][0]);
          c.transportDocument.ref = 'MAEU987654321';
          f['consignments'].push(c);
        }),
        'two documents',
      );
      await refused(
        maritime((f) => {
          const c = structuredClone(f['consignments'][0]);
          c.transportDocument.ref = 'maeu 123456789';
          f['consignments'].push(c);
        }),
        'R3052',
        '$.consignments[1].transportDocument.ref',
        'the same bill of lading twice (case and spacing aside)',
      );
    });

    test('R3021: a container number carries its ISO 6346 check digit', async () => {
      await accepted(
        maritime((f) => (f['consignments'][0].containers[0].id = 'CSQU3054383')),
        'CSQU3054383',
      );
      await refused(
        maritime((f) => (f['consignments'][0].containers[0].id = 'CSQU3054384')),
        'R3021',
        '$.consignments[0].containers[0].id',
        'wrong check digit',
      );
    });

    test('R3004: the previous MRN is a well-formed MRN with its check character', async () => {
      await accepted(
        maritime((f) => Object.assign(f, { split: true, previousMrn: '22ITZXBZYUTJFLJXK6' })),
        'valid previous MRN',
      );
      await refused(
        maritime((f) => Object.assign(f, { split: true, previousMrn: '22ITZXBZYUTJFLJXK7' })),
        'R3004',
        '$.previousMrn',
        'wrong check character',
      );
    });

    test('C3001 (header): a split consignment names the previous MRN, and only a split one does', async () => {
      await accepted(
        maritime((f) => (f['split'] = false)),
        'not split, no previous MRN',
      );
      await refused(
        maritime((f) => (f['split'] = true)),
        'C3001',
        '$.previousMrn',
        'split without MRN',
      );
      await refused(
        maritime((f) => (f['previousMrn'] = '22ITZXBZYUTJFLJXK6')),
        'C3001',
        '$.previousMrn',
        'previous MRN without split',
      );
    });

    test('R3022: the consignment routing holds the countries of acceptance and delivery', async () => {
      await accepted(
        maritime((f) =>
          Object.assign(f['consignments'][0], { placeOfAcceptance: 'CNSZX', placeOfDelivery: 'DEHAM' }),
        ),
        'acceptance in CN, delivery in DE, routing CN SG NL DE',
      );
      // The loading and unloading countries are R3013/R3014's business, not R3022's.
      await accepted(
        maritime((f) => (f['consignments'][0].routing = ['SG', 'NL'])),
        'routing without the loading country, no places of acceptance or delivery',
      );
      await refused(
        maritime((f) => (f['consignments'][0].placeOfDelivery = 'ATVIE')),
        'R3022',
        '$.consignments[0].routing',
        'delivery in AT, not on the routing',
      );
      await refused(
        maritime((f) => (f['consignments'][0].placeOfAcceptance = 'HKHKG')),
        'R3022',
        '$.consignments[0].routing',
        'acceptance in HK, not on the routing',
      );
    });

    test('R3053: the arrival is not before the actual departure, when there is one', async () => {
      // F27: the air set with the actual departure (DE 15 02).
      await accepted(
        air((f) => {
          f['filingType'] = 'F27';
          f['transport'].actualDeparture = f['transport'].estimatedDeparture;
          delete f['transport'].estimatedDeparture; // not in F27's data set
        }),
        'actual departure as estimated',
      );
      await refused(
        air((f) => {
          f['filingType'] = 'F27';
          const arrival = Date.parse(f['transport'].estimatedArrival);
          f['transport'].actualDeparture = new Date(arrival + HOUR).toISOString();
          delete f['transport'].estimatedDeparture;
        }),
        'R3053',
        '$.transport.estimatedArrival',
        'actual departure after the estimated arrival',
      );
      await refused(
        maritime((f) => {
          const t = f['transport'];
          [t.estimatedDeparture, t.estimatedArrival] = [t.estimatedArrival, t.estimatedDeparture];
        }),
        'R3053',
        '$.transport.estimatedArrival',
        'estimated arrival before estimated departure',
      );
    });

    test('the departure: either the estimated or the actual one is given', async () => {
      // F27's data set has the actual departure and not the estimated one.
      await accepted(
        air((f) => {
          f['filingType'] = 'F27';
          f['transport'].actualDeparture = f['transport'].estimatedDeparture;
          delete f['transport'].estimatedDeparture;
        }),
        'actual departure only',
      );
      await refused(
        air((f) => {
          delete f['transport'].estimatedDeparture;
        }),
        'VIGIL_SCHEMA_REQUIRED',
        '$.transport.estimatedDeparture',
        'neither departure',
      );
    });

    test('R3016 / R3017: goods item numbers, when given, are 1, 2, 3 … without gaps or repeats', async () => {
      await accepted(
        maritime((f) => {
          f['consignments'][0].goods[0].itemNumber = 1;
          secondItem(f).itemNumber = 2;
        }),
        'items 1 and 2',
      );
      await accepted(
        maritime((f) => secondItem(f)),
        'no item numbers at all',
      );
      await refused(
        maritime((f) => {
          f['consignments'][0].goods[0].itemNumber = 1;
          delete secondItem(f).itemNumber;
        }),
        'R3016',
        '$.consignments[0].goods[1].itemNumber',
        'second item not numbered',
      );
      await refused(
        maritime((f) => {
          f['consignments'][0].goods[0].itemNumber = 1;
          secondItem(f).itemNumber = 1;
        }),
        'R3016',
        '$.consignments[0].goods[1].itemNumber',
        'item number 1 twice',
      );
      await refused(
        maritime((f) => {
          f['consignments'][0].goods[0].itemNumber = 1;
          secondItem(f).itemNumber = 3;
        }),
        'R3017',
        '$.consignments[0].goods[1].itemNumber',
        'items 1 and 3: a gap',
      );
    });

    test('R3009: an IMO number at sea has a valid check digit', async () => {
      for (const id of ['IMO9321483', '9321483', 'IMO 9074729', 'MSC OSCAR']) {
        await accepted(
          maritime((f) => (f['transport'].meansId = id)),
          `means id ${id}`,
        );
      }
      for (const id of ['IMO9321484', '9321480']) {
        await refused(
          maritime((f) => (f['transport'].meansId = id)),
          'R3009',
          '$.transport.meansId',
          `IMO number ${id}`,
        );
      }
    });

    test('R3010: an inland waterway vessel is identified by an 8-digit ENI number', async () => {
      const barge = (meansId: string) =>
        maritime((f) => {
          f['transport'] = { ...f['transport'], mode: 'inland-waterway', meansId };
        });
      await accepted(barge('02326589'), 'ENI 02326589');
      await refused(barge('0232658'), 'R3010', '$.transport.meansId', 'seven digits');
      await refused(barge('ENI02326589'), 'R3010', '$.transport.meansId', 'with a prefix');
    });

    test('R3020: a CUS code is NNNNNNN-N', async () => {
      await accepted(
        maritime((f) => (f['consignments'][0].goods[0].cusCode = '0012345-6')),
        'CUS 0012345-6',
      );
      await refused(
        maritime((f) => (f['consignments'][0].goods[0].cusCode = '00123456')),
        'R3020',
        '$.consignments[0].goods[0].cusCode',
        'CUS code without its hyphen',
      );
    });
  });

  describe('the relaxed and new elements of the ENS model', () => {
    test('a consignment "to order" (10600) has no consignee and names its notify party; an address may give a P.O. box instead of a street', async () => {
      const toOrder = (f: Record<string, any>) => {
        delete f['consignments'][0].consignee;
        f['consignments'][0].additionalInformation = [{ code: '10600' }];
        f['consignments'][0].notifyParty = {
          name: 'Elektro Handel GmbH',
          address: { poBox: '1204', city: 'Hamburg', postcode: '20457', country: 'DE' },
        };
      };
      await accepted(maritime(toOrder), 'to order, notify party with a P.O. box');
      await refused(
        maritime((f) => delete f['consignments'][0].consignee),
        'C3022',
        '$.consignments[0].consignee',
        'no consignee, not to order',
      );
      await refused(
        maritime((f) => {
          toOrder(f);
          // 10600 on a goods item does not make the consignment to order: ICS2 reads it at house level.
          f['consignments'][0].goods[0].additionalInformation = [{ code: '10600' }];
          delete f['consignments'][0].additionalInformation;
        }),
        'C3022',
        '$.consignments[0].consignee',
        '10600 on a goods item only',
      );
      await refused(
        maritime((f) => {
          toOrder(f);
          delete f['consignments'][0].notifyParty;
        }),
        'C3024',
        '$.consignments[0].notifyParty',
        'to order without a notify party',
      );
      await refused(
        maritime((f) => delete f['consignments'][0].consignor.address.street),
        'R3002',
        '$.consignments[0].consignor.address.street',
        'neither street nor P.O. box',
      );
    });

    test('the office of first entry or the addressed member state (an EU country) is given', async () => {
      await refused(
        maritime((f) => delete f['officeOfFirstEntry']),
        'VIGIL_SCHEMA_REQUIRED',
        '$.officeOfFirstEntry',
        'neither',
      );
      const house = validHouseFiling(
        app().clock.now(),
        lrn(),
        { name: 'MSC', eori: 'CH123456789' },
        'HBL-Y',
        'MSC-BL-2',
      );
      house['addressedMemberState'] = 'CH';
      await refused(
        house,
        'VIGIL_COUNTRY_INVALID',
        '$.addressedMemberState',
        'Switzerland is not an EU state',
      );
    });

    test('a house part without transport is registered (the mode is the filing type’s)', async () => {
      const r = await send(
        'POST',
        '/v1/filings',
        'filer',
        validHouseFiling(app().clock.now(), lrn(), { name: 'MSC', eori: 'CH123456789' }, 'HBL-Z', 'MSC-BL-3'),
      );
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.json().status, 'incomplete', 'it waits for its master');
    });

    test('the ICS2 lengths: LRN an..22, conveyance reference an..17, seal an..20', async () => {
      await accepted(
        maritime((f) => (f['lrn'] = `L${String(n).padStart(21, '0')}`)),
        '22-character LRN',
      );
      await refused(
        maritime((f) => (f['lrn'] = 'L'.repeat(23))),
        'VIGIL_SCHEMA_TOO_BIG',
        '$.lrn',
        '23',
      );
      await accepted(
        air((f) => (f['transport'].conveyanceRef = 'EK147-20270221-XY')),
        '17-character conveyance ref',
      );
      await refused(
        air((f) => (f['transport'].conveyanceRef = 'EK147-20270221-XYZ')),
        'VIGIL_SCHEMA_TOO_BIG',
        '$.transport.conveyanceRef',
        '18-character conveyance ref',
      );
      await accepted(
        maritime((f) => (f['consignments'][0].containers[0].seals = ['S'.repeat(20)])),
        'seal of 20',
      );
      await refused(
        maritime((f) => (f['consignments'][0].containers[0].seals = ['S'.repeat(21)])),
        'VIGIL_SCHEMA_TOO_BIG',
        '$.consignments[0].containers[0].seals[0]',
        'seal of 21',
      );
    });
  });
});
