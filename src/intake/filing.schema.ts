/**
 * The external contract of an ENS filing (DESIGN §3; ICS2 ENS, issue 17) as a zod schema: structure,
 * types, lengths and identifier formats, with normalisation (EORI spacing and case, air waybill
 * dashes). Unknown fields are rejected, as the EU's systems reject unknown elements. Identifier checks
 * run inside the schema so a filing gets every field error in one pass; cross-field business rules live
 * in filing.rules.ts, and which optional elements a filing type requires (its data set) in
 * data-sets.ts. Each field's description names the ICS2 element / EUCDM data element (DE) it carries;
 * docs/openapi.json is generated from them.
 */
import { z } from 'zod';
import {
  TRANSPORT_DOCUMENT_TYPES,
  TRANSPORT_MODES,
  addressSchemaCoded,
  checkContainerId,
  checkMrn,
  checkUnLocode,
  countrySchema,
  customsOfficeSchema,
  eoriSchema,
  eoriSchemaCoded,
  hsCodeSchema,
  moneySchema,
  referenceSchema,
  refineCodelist,
  refineIdentifier,
  textSchema,
} from '../domain/index.ts';

/** Limits that keep a hostile body from costing more than a real one. */
export const FILING_LIMITS = Object.freeze({
  consignments: 999,
  goodsPerConsignment: 999,
  containersPerConsignment: 999,
  sealsPerContainer: 99,
  routing: 99,
  /** Packagings per goods item (ICS2: 99). */
  packagings: 99,
  /** Other repeated small lists (communications, documents, UN numbers, actors, receptacles). */
  list: 99,
});

const unLocode = z
  .string()
  .superRefine(refineIdentifier(checkUnLocode, 'VIGIL_UNLOCODE_INVALID', 'UN/LOCODE'));
const dateTime = z.iso.datetime({ offset: true });

/** CUS code (R3020): 7 digits, a hyphen and a check digit, as the ECICS lists them. */
export function checkCusCode(code: string): string | undefined {
  return /^\d{7}-\d$/.test(code) ? undefined : 'a CUS code is 7 digits, a hyphen and a digit (NNNNNNN-N)';
}

/** An ICS2 code of up to `max` letters and digits. */
const code = (max: number) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[A-Z0-9]{1,${max}}$`), `a code of 1 to ${max} capital letters or digits`);

/** A package type of UN/ECE Recommendation 21, valid on the filing's date. */
const packageType = z
  .string()
  .regex(/^[A-Z0-9]{2}$/, 'a UN/ECE Rec 21 package type of 2 characters')
  .superRefine(refineCodelist('package-types', 'VIGIL_PACKAGE_TYPE_UNKNOWN', 'package type'));

/** A document type code (an4); one the document-type list has must be valid on the filing's date. */
const documentType = code(4).superRefine(
  refineCodelist('document-types', 'VIGIL_DOCUMENT_TYPE_UNKNOWN', 'document type'),
);

/**
 * R3006: a telephone number in the international notation of ITU-T E.123: '+', the country code and
 * the number, its groups separated by single spaces, 7 to 15 digits in all (E.164's longest).
 */
export function checkInternationalPhone(value: string): string | undefined {
  if (!/^\+[1-9]\d*(?: \d+)*$/.test(value)) {
    return "a telephone number is written '+', the country code and the number, groups separated by spaces (ITU-T E.123), e.g. +31 10 200 0000";
  }
  const digits = value.replace(/\D/g, '').length;
  return digits < 7 || digits > 15 ? `a telephone number has 7 to 15 digits, not ${digits}` : undefined;
}

const communication = z
  .strictObject({
    type: code(3).describe(
      'Type of the communication (ICS2 Communication/type: EM e-mail, TE telephone …), an..3',
    ),
    identifier: textSchema(512).describe(
      'The address or number (ICS2 Communication/identifier), an..512; a telephone number (TE) in the international format of ITU-T E.123 (R3006)',
    ),
  })
  .superRefine((c, ctx) => {
    const problem = c.type === 'TE' ? checkInternationalPhone(c.identifier) : undefined;
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['identifier'],
        message: `telephone number '${c.identifier}': ${problem}`,
        params: { code: 'R3006' },
      });
    }
  });

/** An ENS party's address: a street and number or a P.O. box (R3002). */
const ensAddress = addressSchemaCoded('R3002');

const party = z.strictObject({
  name: textSchema(70).describe('Name (ICS2 party name), an..70'),
  eori: eoriSchema
    .optional()
    .describe('Identification number: EORI (ICS2 party identificationNumber), an..17'),
  address: ensAddress.optional().describe('Address (ICS2 Address): street and number, or P.O. box (R3002)'),
  typeOfPerson: z
    .union([z.literal(1), z.literal(2), z.literal(3)])
    .optional()
    .describe(
      'Type of person (ICS2 typeOfPerson, n1): 1 natural person, 2 legal person, 3 association of persons',
    ),
  communication: z
    .array(communication)
    .max(FILING_LIMITS.list)
    .optional()
    .describe('Communication (ICS2 Communication): e-mail, telephone …'),
});

const partyWithAddress = party.extend({
  address: ensAddress.describe('Address (ICS2 Address): street and number, or P.O. box (R3002)'),
});

/** The carrier, declarant and notify party: an identification number given must be a valid EORI (R3005). */
const eoriR3005 = eoriSchemaCoded('R3005').describe(
  'Identification number: EORI (ICS2 party identificationNumber), an..17; a malformed one is refused under R3005',
);

const transportDocument = z.strictObject({
  type: z
    .enum(TRANSPORT_DOCUMENT_TYPES)
    .describe('Type of the transport document (ICS2 TransportDocument/type, CL754)'),
  ref: textSchema(70).describe(
    'Reference number of the transport document (ICS2 TransportDocument/documentNumber), an..70',
  ),
});

/** A supporting document (DE 12 03): its type and reference. */
const supportingDocument = z.strictObject({
  type: documentType.describe('Type of the document (DE 12 03 002, CL213), an4'),
  ref: textSchema(70).describe('Reference number (DE 12 03 001), an..70'),
});

/** Supporting documents (DE 12 03) at house level: the sets without goods items carry them here. */
const houseSupportingDocuments = z.array(supportingDocument).max(FILING_LIMITS.list);

/** Supporting documents (DE 12 03) of a goods item, with the quantity a certificate's registry writes off. */
const supportingDocuments = z
  .array(
    supportingDocument.extend({
      quantity: z
        .number()
        .positive()
        .max(1e12)
        .optional()
        .describe(
          'Quantity of a certificate or licence this goods item uses, written off in its registry (a Vigil element after the customs declaration’s DE 12 03)',
        ),
      unit: z
        .string()
        .regex(/^[A-Z0-9]{1,4}$/, 'a UN/ECE Recommendation 20 unit code (KGM, NAR, MTQ …)')
        .optional()
        .describe('Measurement unit of the quantity (UN/ECE Recommendation 20)'),
    }),
  )
  .max(FILING_LIMITS.list);

/**
 * Additional information (DE 12 02), at house level or on a goods item. Code 10600 at house level
 * states a consignment "to order" (a negotiable bill of lading): it needs no consignee (C3022) and
 * names its notify party (C3024).
 */
const additionalInformation = z
  .array(
    z.strictObject({
      code: code(5).describe('Additional information code (DE 12 02 008, CL239), an5'),
      text: textSchema(512).optional().describe('Text (DE 12 02 009), an..512'),
    }),
  )
  .max(FILING_LIMITS.list);

const goodsItem = z.strictObject({
  itemNumber: z
    .number()
    .int()
    .min(1)
    .max(99_999)
    .optional()
    .describe('Goods item number (DE 11 03, n..5): 1, 2, 3 … without gaps in the consignment (R3016/R3017)'),
  hsCode: hsCodeSchema.describe(
    'Commodity code (DE 18 09): HS6 subheading (DE 18 09 056), optionally with the CN2 digits (DE 18 09 057)',
  ),
  cusCode: z
    .string()
    .superRefine(refineIdentifier(checkCusCode, 'R3020', 'CUS code'))
    .optional()
    .describe('CUS code (DE 18 08, an8 formatted NNNNNNN-N): the ECICS chemical substance number (R3020)'),
  description: textSchema(512).describe('Description of goods (DE 18 05), an..512'),
  grossMassKg: z.number().positive().max(1e9).describe('Gross mass in kg (DE 18 04)'),
  packages: z
    .strictObject({
      type: packageType,
      count: z.number().int().min(1).max(1e9),
    })
    .optional()
    .describe('Type and number of packages (DE 18 06 003 / 004), the one packaging of Vigil before issue 17'),
  packagings: z
    .array(
      z.strictObject({
        type: packageType.describe('Type of packages (DE 18 06 003, CL017)'),
        count: z
          .number()
          .int()
          .min(0)
          .max(99_999_999)
          .optional()
          .describe('Number of packages (DE 18 06 004, n..8)'),
        shippingMarks: textSchema(512).optional().describe('Shipping marks (DE 18 06 054), an..512'),
      }),
    )
    .max(FILING_LIMITS.packagings)
    .optional()
    .describe('Packaging (DE 18 06), up to 99'),
  unNumbers: z
    .array(z.string().regex(/^\d{4}$/, 'a UN dangerous goods number of 4 digits'))
    .max(FILING_LIMITS.list)
    .optional()
    .describe('UN numbers of dangerous goods (DE 18 07, an4)'),
  value: moneySchema
    .optional()
    .describe('Value of the goods (a Vigil element for risk analysis; not in the ENS)'),
  origin: countrySchema
    .optional()
    .describe('Country of origin (DE 16 08; a Vigil element for risk analysis)'),
  supportingDocuments: supportingDocuments.optional().describe('Supporting documents (DE 12 03)'),
  additionalInformation: additionalInformation.optional().describe('Additional information (DE 12 02)'),
});

const container = z.strictObject({
  id: z
    .string()
    .superRefine(refineIdentifier(checkContainerId, 'R3021', 'container'))
    .describe('Container identification number (DE 19 07 063), ISO 6346 with its check digit (R3021)'),
  seals: z
    .array(textSchema(20).describe('Seal identifier (DE 19 10 015), an..20'))
    .max(FILING_LIMITS.sealsPerContainer)
    .default([])
    .describe('Seals (DE 19 10)'),
});

const supplyChainActor = z.strictObject({
  role: code(3).describe('Role code of the actor (DE 13 14 031, CL704), an..3'),
  eori: eoriSchema.describe('Identification number of the actor (DE 13 14 017), an..17'),
});

const consignment = z.strictObject({
  transportDocument: transportDocument.describe('Transport document, house level (DE 12 05)'),
  masterTransportDocument: transportDocument
    .optional()
    .describe(
      'Transport document, master level (DE 12 05): links a house consignment to its master (multiple filing)',
    ),
  placeOfLoading: unLocode.optional().describe('Place of loading (DE 16 13), UN/LOCODE'),
  placeOfUnloading: unLocode.optional().describe('Place of unloading (DE 16 14), UN/LOCODE'),
  placeOfAcceptance: unLocode.optional().describe('Place of acceptance (DE 16 16), UN/LOCODE (R3022)'),
  placeOfDelivery: unLocode.optional().describe('Place of delivery (DE 16 05), UN/LOCODE (R3022)'),
  routing: z
    .array(countrySchema)
    .min(1)
    .max(FILING_LIMITS.routing)
    .optional()
    .describe(
      'Countries of routing of the consignment (DE 16 12); contains the countries of the places of acceptance and delivery (R3022)',
    ),
  consignor: partyWithAddress
    .optional()
    .describe(
      'Consignor (DE 13 02); required by the filing types whose data set has it (all but the complements F16, F25, F44)',
    ),
  consignee: partyWithAddress
    .optional()
    .describe(
      'Consignee (DE 13 03); required unless the consignment is "to order", stated by additional information 10600 at house level (C3022)',
    ),
  notifyParty: party
    .extend({ eori: eoriR3005.optional() })
    .optional()
    .describe('Notify party (DE 13 13); required for a consignment to order (C3024)'),
  buyer: party.optional().describe('Buyer (DE 13 09)'),
  seller: party.optional().describe('Seller (DE 13 08)'),
  supplementaryDeclarant: party.optional().describe('Supplementary declarant (DE 13 15)'),
  additionalSupplyChainActors: z
    .array(supplyChainActor)
    .max(FILING_LIMITS.list)
    .optional()
    .describe('Additional supply chain actors (DE 13 14)'),
  supportingDocuments: houseSupportingDocuments
    .optional()
    .describe('Supporting documents (DE 12 03), house level: the sets without goods items carry them here'),
  additionalInformation: additionalInformation
    .optional()
    .describe(
      'Additional information (DE 12 02), house level: 10600 states a consignment to order (C3022, C3024)',
    ),
  transportCharges: z
    .string()
    .regex(/^[A-Z]$/, 'a method of payment code of one letter')
    .optional()
    .describe('Transport charges, method of payment (DE 14 02 038, CL116), a1'),
  ucr: textSchema(35).optional().describe('Unique consignment reference (DE 12 08), an..35'),
  containers: z
    .array(container)
    .max(FILING_LIMITS.containersPerConsignment)
    .default([])
    .describe('Transport equipment (DE 19 07): containers and their seals'),
  goods: z
    .array(goodsItem)
    .max(FILING_LIMITS.goodsPerConsignment)
    .optional()
    .describe(
      'Goods items (house level); at least one for the filing types whose data set has goods items (DE 18 05), absent in the others (postal master sets F40–F42, F45; complements F16, F25, F44)',
    ),
});

const transport = z
  .strictObject({
    mode: z.enum(TRANSPORT_MODES).describe('Mode of transport at the border (DE 19 03)'),
    meansId: textSchema(35)
      .optional()
      .describe(
        'Identification number of the active border transport means (DE 19 08 017): IMO number at sea (R3009), ENI number on inland waterways (R3010), flight number by air',
      ),
    typeOfIdentification: code(2)
      .optional()
      .describe('Type of identification of the means (DE 19 08 061, CL750), an2'),
    conveyanceRef: textSchema(17)
      .optional()
      .describe('Conveyance reference number (DE 19 02): voyage or flight number, an..17'),
    nationality: countrySchema
      .optional()
      .describe('Nationality of the active border transport means (DE 19 08 062)'),
    estimatedDeparture: dateTime
      .optional()
      .describe(
        'Estimated date and time of departure (DE 15 01); either it or the actual departure is given',
      ),
    estimatedArrival: dateTime.describe(
      'Estimated date and time of arrival at the office of first entry (DE 15 03)',
    ),
    actualDeparture: dateTime
      .optional()
      .describe('Actual date and time of departure (DE 15 02); R3053 compares the arrival with it'),
    routing: z
      .array(countrySchema)
      .min(2)
      .max(FILING_LIMITS.routing)
      .describe(
        'Countries of routing of the means of transport (DE 16 11), from loading (R3013) to unloading (R3014)',
      ),
    shortHaul: z
      .boolean()
      .optional()
      .describe('Short-sea or short-haul flight (Vigil: selects the lodging deadline)'),
    containerised: z
      .boolean()
      .optional()
      .describe('Container cargo by sea (Vigil: selects the lodging deadline)'),
  })
  .superRefine((t, ctx) => {
    // ICS2: either the estimated or the actual date and time of departure is to be provided (the
    // data sets of F21, F27, F29, F30 and F31 have only the actual one).
    if (t.estimatedDeparture === undefined && t.actualDeparture === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['estimatedDeparture'],
        message: 'either the estimated or the actual date and time of departure is required',
        params: { code: 'VIGIL_SCHEMA_REQUIRED' },
      });
    }
  });

const masterConsignment = z.strictObject({
  transportDocument: transportDocument.optional().describe('Transport document, master level (DE 12 05)'),
  placeOfLoading: unLocode.optional().describe('Place of loading (DE 16 13), UN/LOCODE'),
  placeOfUnloading: unLocode.optional().describe('Place of unloading (DE 16 14), UN/LOCODE'),
  placeOfAcceptance: unLocode.optional().describe('Place of acceptance (DE 16 16), UN/LOCODE'),
  placeOfDelivery: unLocode.optional().describe('Place of delivery (DE 16 05), UN/LOCODE'),
  containerIndicator: z.boolean().optional().describe('Container indicator (DE 19 01)'),
  transportEquipment: z
    .array(container)
    .max(FILING_LIMITS.containersPerConsignment)
    .optional()
    .describe('Transport equipment at master level (DE 19 07)'),
  passiveBorderTransportMeans: z
    .strictObject({
      meansId: textSchema(35).describe(
        'Identification number of the passive means (DE 19 09 017): trailer or wagon',
      ),
      nationality: countrySchema.optional().describe('Nationality of the passive means'),
      typeOfIdentification: code(2).optional().describe('Type of identification (CL750), an2'),
    })
    .optional()
    .describe('Passive border transport means: road trailer, rail wagon'),
  receptacles: z
    .array(textSchema(35).describe('Receptacle identification number (DE 19 11), an..35'))
    .max(FILING_LIMITS.list)
    .optional()
    .describe('Receptacles (postal)'),
});

export const filingSchema = z.strictObject({
  filingType: z
    .string()
    .regex(/^[A-Z]\d{2}$/, 'a filing type such as F10')
    .describe('Filing type: the ENS data set F10–F51 (IE3Fxx message type)'),
  lrn: referenceSchema.max(22).describe('Local reference number (DE 12 09), an..22'),
  specificCircumstanceIndicator: code(3)
    .optional()
    .describe('Specific circumstance indicator (DE 11 04, CL…), an3'),
  reEntryIndicator: z.boolean().optional().describe('Re-entry indicator (DE 11 05, n1)'),
  split: z
    .boolean()
    .optional()
    .describe('Split consignment indicator (DE 11 06 001): with previousMrn (C3001)'),
  previousMrn: z
    .string()
    .superRefine(refineIdentifier(checkMrn, 'R3004', 'previous MRN'))
    .optional()
    .describe(
      'Previous MRN (DE 11 06 002, an18): the ENS this one was split from; required when split is true, refused otherwise (C3001, R3004)',
    ),
  declarant: party
    .extend({ eori: eoriR3005 })
    .describe('Declarant, the person lodging the ENS (DE 13 05); EORI required'),
  representative: party
    .optional()
    .describe('Representative (DE 13 06); its identification number is not the declarant’s (R3033)'),
  carrier: party
    .extend({ eori: eoriR3005.optional() })
    .optional()
    .describe(
      'Carrier (DE 13 12, master level): its EORI links the master and house parts of a multiple filing',
    ),
  officeOfFirstEntry: customsOfficeSchema
    .optional()
    .describe('Customs office of first entry (DE 16 …, an8); at least one of it and addressedMemberState'),
  addressedMemberState: countrySchema
    .optional()
    .describe('Addressed member state (a2, an EU country); at least one of it and officeOfFirstEntry'),
  transport: transport
    .optional()
    .describe(
      'Active border transport means and its itinerary; required by the filing types whose data set has it',
    ),
  masterConsignment: masterConsignment
    .optional()
    .describe('Consignment, master level (ICS2 ConsignmentMasterLevel)'),
  previousDocuments: z
    .array(
      z.strictObject({
        type: documentType.describe('Type of the previous document (DE 12 01 002, CL214), an4'),
        ref: textSchema(70).describe('Reference number of the previous document (DE 12 01 001), an..70'),
      }),
    )
    .max(FILING_LIMITS.list)
    .optional()
    .describe(
      'Previous documents (DE 12 01): a complement (F25) names the house transport document of the 7+1 pre-loading set it completes',
    ),
  consignments: z
    .array(consignment)
    .max(FILING_LIMITS.consignments)
    .describe(
      'Consignments, house level (ICS2 ConsignmentHouseLevel); at least one for the filing types whose data set has a consignor or goods items',
    ),
});

export type FilingInput = z.input<typeof filingSchema>;
