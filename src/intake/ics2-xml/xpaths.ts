/**
 * Vigil's IE3F mapping as data: which ICS2 element (by its XPath) carries which field of the JSON
 * filing, with its cardinality and simple type. The element names, nesting and simple types are those
 * of the EU ICS2 type library (ctypes.xsd / stypes.xsd, namespace urn:wco:datamodel:eu:ics2:2, as
 * published in hmrc/import-control-wsdls); the IE3F message schemas themselves are not public there,
 * so this table stands in for them (docs/ics2-xml.md). Where the library and Vigil's JSON model
 * disagree on cardinality the table follows the model (noted per element).
 */
import { FILING_TYPES } from '../../domain/index.ts';
import type { FilingTypeInfo } from '../../domain/index.ts';
import { DATA_ELEMENT_MAPPING } from '../data-sets.ts';
import type { SimpleTypeName } from './simple-types.ts';

export const ICS2_NAMESPACE = 'urn:wco:datamodel:eu:ics2:2';
/** The prefix XPaths in errors and documentation use for ICS2_NAMESPACE, whatever the message used. */
export const ICS2_PREFIX = 'ens';

export interface ElementSpec {
  /** Local name in the ICS2 namespace. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /**
   * The JSON field: a dotted path relative to the parent's field (`transport.meansId`), absolute
   * when it starts with `$.`; '' is the parent's field itself (the value of a repeated element). A
   * complex element without `json` is a wrapper whose children map relative to the parent; a leaf
   * without `json` is checked and carries nothing.
   */
  readonly json?: string;
  /** Each occurrence is one element of the array at `json`. */
  readonly array?: boolean;
  /** A leaf: the simple type of its text (simple-types.ts). */
  readonly type?: SimpleTypeName;
  /** The leaf's text is appended to the string already there (the CN2 digits after the HS6). */
  readonly append?: boolean;
  /** Codes of the element and the JSON values they become. */
  readonly codes?: Readonly<Record<string, string>>;
  readonly children?: readonly ElementSpec[];
  /** The complex type (or note) of the type library this element follows. */
  readonly library?: string;
  /** ICS2 rules and conditions the library annotates the element with. */
  readonly rules?: string;
  /** Where Vigil departs from the library, and why. */
  readonly note?: string;
}

const leaf = (
  name: string,
  min: number,
  type: SimpleTypeName,
  json: string | undefined,
  extra: Partial<ElementSpec> = {},
): ElementSpec => ({ name, min, max: 1, type, ...(json !== undefined ? { json } : {}), ...extra });

/** Supporting documents (DE 12 03), on a goods item or at house level. */
const supportingDocuments = (extra: Partial<ElementSpec>): ElementSpec => ({
  name: 'supportingDocuments',
  min: 0,
  max: 99,
  json: 'supportingDocuments',
  array: true,
  library: 'SupportingDocumentsType',
  ...extra,
  children: [
    leaf('referenceNumber', 1, 'ReferenceNumberContentType1', 'ref'),
    leaf('type', 1, 'TypeContentType2', 'type'),
  ],
});

/** Additional information (DE 12 02), on a goods item or at house level. */
const additionalInformation = (extra: Partial<ElementSpec>): ElementSpec => ({
  name: 'additionalInformation',
  min: 0,
  max: 99,
  json: 'additionalInformation',
  array: true,
  ...extra,
  children: [
    leaf('code', 1, 'CodeContentType1', 'code', { note: 'required: Vigil’s model requires the code' }),
    leaf('text', 0, 'TextContentType', 'text'),
  ],
});

const address: ElementSpec = {
  name: 'address',
  min: 0,
  max: 1,
  json: 'address',
  library: 'AddressType',
  rules: 'R3002',
  note: 'number, streetAdditionalLine and subDivision have no field in Vigil and are refused',
  children: [
    leaf('street', 0, 'StreetContentType', 'street'),
    leaf('poBox', 0, 'PoBoxContentType', 'poBox'),
    leaf('postCode', 0, 'PostCodeContentType', 'postcode', { rules: 'C3034' }),
    leaf('city', 1, 'CityContentType', 'city'),
    leaf('country', 1, 'CountryContentType2', 'country'),
  ],
};

const communication: ElementSpec = {
  name: 'communication',
  min: 0,
  max: 9,
  json: 'communication',
  array: true,
  library: 'CommunicationType',
  children: [
    leaf('identifier', 1, 'IdentifierContentType1', 'identifier', { rules: 'R3006' }),
    leaf('type', 1, 'TypeContentType1', 'type'),
  ],
};

function party(
  name: string,
  json: string,
  library: string,
  opts: { min?: number; addressMin?: number; rules?: string } = {},
): ElementSpec {
  return {
    name,
    min: opts.min ?? 0,
    max: 1,
    json,
    library,
    ...(opts.rules !== undefined ? { rules: opts.rules } : {}),
    note: 'typeOfPerson is optional here as in Vigil’s model (the library requires it for some roles)',
    children: [
      leaf('name', 1, 'NameContentType', 'name'),
      leaf('identificationNumber', 0, 'IdentificationNumberContentType1', 'eori', { rules: 'R3005' }),
      leaf('typeOfPerson', 0, 'TypeOfPersonContentType', 'typeOfPerson'),
      { ...address, min: opts.addressMin ?? 0 },
      communication,
    ],
  };
}

const dateTime = (name: string, json: string | undefined, min: number, library: string): ElementSpec => ({
  name,
  min,
  max: 1,
  library,
  children: [leaf('DateTime', 1, 'DateTimeContentType', json)],
});

const transportEquipment: ElementSpec = {
  name: 'transportEquipment',
  min: 0,
  max: 9999,
  json: 'containers',
  array: true,
  library: 'TransportEquipmentType05',
  rules: 'C3013, R3023',
  note: 'Vigil holds containers: the identification number is required',
  children: [
    leaf('containerIdentificationNumber', 1, 'ContainerIdentificationNumberContentType', 'id', {
      rules: 'R3021',
    }),
    leaf('numberOfSeals', 0, 'SequenceNumberContentType2', undefined, {
      note: 'checked, not kept: Vigil counts the seal elements',
    }),
    {
      name: 'seal',
      min: 0,
      max: 99,
      json: 'seals',
      array: true,
      library: 'SealType02',
      rules: 'C3015',
      children: [leaf('identifier', 1, 'IdentifierContentType2', '')],
    },
  ],
};

const goodsItem: ElementSpec = {
  name: 'goodsItem',
  min: 1,
  max: 999,
  json: 'goods',
  array: true,
  library: 'GoodsItemType28',
  note: 'at most 999 per consignment (Vigil’s FILING_LIMITS; the library allows 9,999,999)',
  children: [
    leaf('goodsItemNumber', 0, 'GoodsItemNumberContentType', 'itemNumber', {
      rules: 'R3016, R3024',
      note: 'optional as in Vigil’s model',
    }),
    {
      name: 'commodity',
      min: 1,
      max: 1,
      library: 'CommodityType06',
      children: [
        leaf('descriptionOfGoods', 1, 'DescriptionOfGoodsContentType', 'description'),
        leaf('cusCode', 0, 'CusCodeContentType', 'cusCode', { rules: 'R3020' }),
        {
          name: 'commodityCode',
          min: 1,
          max: 1,
          library: 'CommodityCodeType',
          rules: 'C3048',
          note: 'required: Vigil’s model requires the HS code',
          children: [
            leaf('harmonizedSystemSubHeadingCode', 1, 'HarmonizedSystemSubHeadingCodeContentType', 'hsCode'),
            leaf('combinedNomenclatureCode', 0, 'CombinedNomenclatureCodeContentType', 'hsCode', {
              append: true,
              note: 'appended to the HS6: hsCode holds 6 or 8 digits',
            }),
          ],
        },
        {
          name: 'dangerousGoods',
          min: 0,
          max: 99,
          json: 'unNumbers',
          array: true,
          library: 'DangerousGoodsType02',
          children: [leaf('UNNumber', 1, 'UNNumberContentType', '')],
        },
      ],
    },
    {
      name: 'weight',
      min: 1,
      max: 1,
      library: 'WeightType',
      children: [leaf('grossMass', 1, 'GrossMassContentType', 'grossMassKg')],
    },
    {
      name: 'packaging',
      min: 0,
      max: 99,
      json: 'packagings',
      array: true,
      library: 'PackagingType07',
      note: 'optional as in Vigil’s model (the library requires 1..99)',
      children: [
        leaf('shippingMarks', 0, 'ShippingMarksContentType', 'shippingMarks', {
          rules: 'C3035 (master level), C3036 (house level)',
        }),
        leaf('numberOfPackages', 0, 'NumberOfPackagesContentType', 'count', {
          rules: 'C3035 (master level), C3036 (house level)',
        }),
        leaf('typeOfPackages', 1, 'TypeOfPackagesContentType', 'type'),
      ],
    },
    supportingDocuments({ rules: 'R3023' }),
    additionalInformation({ library: 'AdditionalInformationType02', rules: 'R3001, R3023' }),
  ],
};

const place = (name: string, json: string, min: number, library: string, rules: string): ElementSpec => ({
  name,
  min,
  max: 1,
  library,
  rules,
  note: 'Vigil takes the UN/LOCODE; location and address are refused',
  children: [leaf('UNLOCODE', 1, 'UNLOCODEContentType', json)],
});

/** The places of a consignment, as every message names them (loading and unloading: required in some). */
const placeOfAcceptance = place(
  'placeOfAcceptance',
  'placeOfAcceptance',
  0,
  'PlaceOfAcceptanceType02',
  'C3003',
);
const placeOfDelivery = place('placeOfDelivery', 'placeOfDelivery', 0, 'PlaceOfDeliveryType02', 'C3005');
const placeOfLoading = (min: 0 | 1): ElementSpec =>
  place('placeOfLoading', 'placeOfLoading', min, 'PlaceOfLoadingType02', 'C3007');
const placeOfUnloading = (min: 0 | 1): ElementSpec =>
  place('placeOfUnloading', 'placeOfUnloading', min, 'PlaceOfUnloadingType02', 'C3008');

const routing = (name: string, library: string): ElementSpec => ({
  name,
  min: 0,
  max: 99,
  json: 'routing',
  array: true,
  library,
  note: 'in document order; sequenceNumber is checked, not kept',
  children: [
    leaf('sequenceNumber', 0, 'SequenceNumberContentType2', undefined),
    leaf('country', 1, 'CountryContentType3', ''),
  ],
});

/** ICS2 ModeOfTransport codes (CL018) and Vigil's modes. */
export const MODE_OF_TRANSPORT_CODES: Readonly<Record<string, string>> = Object.freeze({
  '1': 'maritime',
  '2': 'rail',
  '3': 'road',
  '4': 'air',
  '5': 'postal',
  '8': 'inland-waterway',
});

/** A transport document: the master one (bill of lading, air waybill) or a house one. */
const transportDocument = (name: string, json: string, library: string): ElementSpec => ({
  name,
  min: 1,
  max: 1,
  json,
  library,
  children: [
    leaf('documentNumber', 1, 'DocumentNumberContentType', 'ref', { rules: 'R3024' }),
    leaf('type', 1, 'TypeContentType2', 'type'),
  ],
});

/** The elements a consignment carrying goods has (master level in IE3F10, house level in IE3F11). */
const consignmentOfGoods: readonly ElementSpec[] = [
  {
    name: 'referenceNumberUCR',
    min: 0,
    max: 1,
    library: 'ReferenceNumberUCRType',
    children: [leaf('referenceNumberUCR', 1, 'ReferenceNumberUCRContentType', 'ucr')],
  },
  {
    name: 'transportCharges',
    min: 0,
    max: 1,
    library: 'TransportChargesType02',
    children: [leaf('methodOfPayment', 1, 'MethodOfPaymentContentType', 'transportCharges')],
  },
  party('consignor', 'consignor', 'ConsignorType', { min: 1, addressMin: 1 }),
  party('consignee', 'consignee', 'ConsigneeType', { addressMin: 1, rules: 'C3022' }),
  party('notifyParty', 'notifyParty', 'NotifyPartyType07', { rules: 'C3024' }),
  supportingDocuments({
    rules: 'R3023, R3031',
    note: 'house level: the sets without goods items carry them here',
  }),
  additionalInformation({
    library: 'AdditionalInformationType',
    rules: 'R3001, R3023',
    note: 'house level: code 10600 states a consignment to order (C3022, C3024)',
  }),
  {
    name: 'additionalSupplyChainActor',
    min: 0,
    max: 99,
    json: 'additionalSupplyChainActors',
    array: true,
    library: 'AdditionalSupplyChainActorType06',
    rules: 'R3023',
    children: [
      leaf('identificationNumber', 1, 'IdentificationNumberContentType1', 'eori'),
      leaf('role', 1, 'RoleContentType1', 'role'),
    ],
  },
  transportEquipment,
  goodsItem,
];

/** The ENS header (IE3F10, IE3F11): everything before the consignments. */
const containerIndicator = leaf(
  'containerIndicator',
  0,
  'ContainerIndicatorContentType1',
  '$.transport.containerised',
  { note: 'Vigil’s transport.containerised (selects the lodging deadline); optional here' },
);

const carrier = party('carrier', '$.carrier', 'CarrierType07', { rules: 'R3005, R3024' });

const header: readonly ElementSpec[] = [
  {
    ...dateTime('DocumentIssueDate', undefined, 0, 'DocumentIssueDateType'),
    note: 'checked, not kept: Vigil records when it received the filing',
  },
  leaf(
    'SpecificCircumstanceIndicator',
    0,
    'SpecificCircumstanceIndicatorContentType',
    'specificCircumstanceIndicator',
  ),
  leaf('LRN', 1, 'LRNContentType', 'lrn', {
    note: 'not in the type library (it has MRN only): the ICS2 data element LRN, an..22',
  }),
  leaf('reEntryIndicator', 0, 'ReEntryIndicatorContentType', 'reEntryIndicator'),
  {
    name: 'splitConsignment',
    min: 0,
    max: 1,
    library: 'SplitConsignmentType',
    children: [
      leaf('splitConsignmentIndicator', 1, 'SplitConsignmentIndicatorContentType', 'split'),
      leaf('previousMRN', 0, 'PreviousMRNContentType', 'previousMrn', { rules: 'C3001, R3004' }),
    ],
  },
  party('declarant', 'declarant', 'DeclarantType', { min: 1 }),
  party('representative', 'representative', 'RepresentativeType05', { rules: 'R3033' }),
  {
    name: 'customsOfficeOfFirstEntry',
    min: 0,
    max: 1,
    library: 'CustomsOfficeOfFirstEntryType',
    children: [leaf('referenceNumber', 1, 'ReferenceNumberContentType2', 'officeOfFirstEntry')],
  },
  {
    name: 'activeBorderTransportMeans',
    min: 1,
    max: 1,
    json: 'transport',
    library: 'ActiveBorderTransportMeansType',
    children: [
      leaf('identificationNumber', 0, 'IdentificationNumberContentType2', 'meansId', {
        rules: 'R3009, R3010',
      }),
      leaf('typeOfIdentification', 0, 'TypeOfIdentificationContentType', 'typeOfIdentification'),
      leaf('nationality', 0, 'NationalityContentType', 'nationality'),
      leaf('ModeOfTransport', 0, 'ModeOfTransportContentType', 'mode', {
        codes: MODE_OF_TRANSPORT_CODES,
        note: 'when absent, the mode of the message (maritime for IE3F10)',
      }),
      dateTime('actualDateAndTimeOfDeparture', 'actualDeparture', 0, 'ActualDateAndTimeOfDepartureType'),
      dateTime(
        'estimatedDateAndTimeOfDeparture',
        'estimatedDeparture',
        1,
        'EstimatedDateAndTimeOfDepartureType',
      ),
      dateTime('estimatedDateAndTimeOfArrival', 'estimatedArrival', 1, 'EstimatedDateAndTimeOfArrivalType'),
      routing('countriesOfRoutingOfMeansOfTransport', 'CountriesOfRoutingOfMeansOfTransportType'),
    ],
  },
];

/**
 * IE3F10: maritime, straight bill of lading without house level. The master-level consignment is
 * the one consignment of Vigil's F10 filing; its transport document is the bill of lading. Only
 * elements of the F10 data set (data/filing-types.json, EUCDM) are in it: no addressed member state,
 * conveyance reference number or countries of routing of the consignment.
 */
const IE3F10: ElementSpec = {
  name: 'IE3F10',
  min: 1,
  max: 1,
  library: 'header elements as in RelatedENSType05 (the ENS header the type library carries)',
  children: [
    ...header,
    {
      name: 'consignmentMasterLevel',
      min: 1,
      max: 1,
      json: '$.consignments.0',
      library: 'ConsignmentMasterLevelType75 (master level with goods, no house level)',
      children: [
        containerIndicator,
        placeOfAcceptance,
        placeOfLoading(1),
        placeOfUnloading(1),
        placeOfDelivery,
        transportDocument(
          'transportDocumentMasterLevel',
          'transportDocument',
          'TransportDocumentMasterLevelType03',
        ),
        carrier,
        ...consignmentOfGoods,
      ],
    },
  ],
};

/**
 * IE3F11: maritime, the complete ENS with master and house level, filed by the carrier. The master
 * level is Vigil's masterConsignment; each house level one of its consignments.
 */
const IE3F11: ElementSpec = {
  name: 'IE3F11',
  min: 1,
  max: 1,
  library: 'header elements as in RelatedENSType05 (the ENS header the type library carries)',
  children: [
    ...header,
    {
      name: 'consignmentMasterLevel',
      min: 1,
      max: 1,
      json: '$.masterConsignment',
      library: 'ConsignmentMasterLevelType69 (master level with house level)',
      children: [
        containerIndicator,
        placeOfAcceptance,
        placeOfLoading(1),
        placeOfUnloading(1),
        placeOfDelivery,
        transportDocument(
          'transportDocumentMasterLevel',
          'transportDocument',
          'TransportDocumentMasterLevelType03',
        ),
        carrier,
        { ...transportEquipment, json: 'transportEquipment' },
        {
          name: 'consignmentHouseLevel',
          min: 1,
          max: 999,
          json: '$.consignments',
          array: true,
          library: 'ConsignmentHouseLevelType43 (house level with goods)',
          note: 'at most 999 (Vigil’s FILING_LIMITS; the library allows 99,999)',
          children: [
            placeOfAcceptance,
            placeOfDelivery,
            routing('countriesOfRoutingOfConsignment', 'CountriesOfRoutingOfConsignmentType'),
            transportDocument(
              'transportDocumentHouseLevel',
              'transportDocument',
              'TransportDocumentHouseLevelType',
            ),
            ...consignmentOfGoods,
          ],
        },
      ],
    },
  ],
};

/** A passive border transport means (road trailer, rail wagon): Vigil keeps one. */
const passiveBorderTransportMeans: ElementSpec = {
  name: 'passiveBorderTransportMeans',
  min: 0,
  max: 1,
  json: 'passiveBorderTransportMeans',
  library: 'PassiveBorderTransportMeansType02',
  note: 'at most 1 (Vigil keeps one; the library allows 99); the identification number is required as in Vigil’s model',
  children: [
    leaf('identificationNumber', 1, 'IdentificationNumberContentType2', 'meansId'),
    leaf('typeOfIdentification', 0, 'TypeOfIdentificationContentType', 'typeOfIdentification'),
    leaf('nationality', 0, 'NationalityContentType', 'nationality'),
  ],
};

/**
 * Goods-item fields of Vigil's model the ENS has no element for (no value or origin in the ENS data
 * sets; `packages` is Vigil's older single packaging): named after the data elements, as LRN is.
 */
const vigilGoodsExtras: readonly ElementSpec[] = [
  {
    name: 'packages',
    min: 0,
    max: 1,
    json: 'packages',
    note: 'not in the type library: Vigil’s single packaging (packaging[n] is the ICS2 one)',
    children: [
      leaf('typeOfPackages', 1, 'TypeOfPackagesContentType', 'type'),
      leaf('numberOfPackages', 1, 'NumberOfPackagesContentType', 'count'),
    ],
  },
  leaf('countryOfOrigin', 0, 'CountryContentType2', 'origin', {
    note: 'not in the type library (the ENS has no origin): Vigil’s origin, named after DE 16 08',
  }),
  {
    name: 'itemAmount',
    min: 0,
    max: 1,
    json: 'value',
    note: 'not in the type library (the ENS has no value): Vigil’s value, named after DE 14 14',
    children: [
      leaf('amount', 1, 'AmountContentType', 'amount'),
      leaf('currency', 1, 'CurrencyContentType', 'currency'),
    ],
  },
];

/** The ModeOfTransport codes a filing type takes: its modes' codes; express travels by air (4). */
function modeCodesOf(type: FilingTypeInfo): Record<string, string> {
  const codes: Record<string, string> = {};
  for (const [code, mode] of Object.entries(MODE_OF_TRANSPORT_CODES)) {
    if ((type.modes as readonly string[]).includes(mode)) {
      codes[code] = mode;
    }
  }
  if (type.modes.includes('express')) {
    codes['4'] = 'express';
  }
  return codes;
}

/**
 * Every element the model has, in the ICS2 layout (header, master level, house level nested in it,
 * goods items): the template each generated IE3F message is cut from by its type's data set.
 */
function fullMessage(type: FilingTypeInfo): ElementSpec[] {
  const hasMeans = type.presenceOf('19 08 000 000') !== undefined;
  const [issueDate, sci, lrn, reEntry, split, declarant, representative, office] = header;
  const houseGoods = consignmentOfGoods.map((e) =>
    e.name === 'consignor' || e.name === 'goodsItem'
      ? {
          ...e,
          ...(e.name === 'goodsItem' ? { children: [...e.children!, ...vigilGoodsExtras] } : {}),
          min: 0,
          note: `${e.note === undefined ? '' : `${e.note}; `}optional here: required where the data set has it (VIGIL_SCHEMA_REQUIRED)`,
        }
      : e,
  );
  return [
    issueDate!,
    sci!,
    lrn!,
    reEntry!,
    split!,
    declarant!,
    representative!,
    {
      name: 'addressedMemberState',
      min: 0,
      max: 1,
      library: 'AddressedMemberStateType',
      children: [leaf('country', 1, 'CountryContentType1', 'addressedMemberState')],
    },
    office!,
    {
      name: 'previousDocument',
      min: 0,
      max: 99,
      json: 'previousDocuments',
      array: true,
      library: 'PreviousDocumentType',
      children: [
        leaf('identification', 1, 'IdentificationContentType2', 'ref'),
        leaf('type', 1, 'TypeContentType2', 'type', {
          note: 'not in the library’s PreviousDocumentType (identification only): Vigil’s model requires the document type',
        }),
      ],
    },
    {
      name: 'activeBorderTransportMeans',
      min: hasMeans ? 1 : 0,
      max: 1,
      json: 'transport',
      library: 'ActiveBorderTransportMeansType',
      note: hasMeans
        ? 'required: the data set has the active border transport means (DE 19 08)'
        : 'carries the itinerary only (the data set has no active border transport means, DE 19 08)',
      children: [
        leaf('identificationNumber', 0, 'IdentificationNumberContentType2', 'meansId', {
          rules: 'R3009, R3010',
        }),
        leaf('typeOfIdentification', 0, 'TypeOfIdentificationContentType', 'typeOfIdentification'),
        leaf('nationality', 0, 'NationalityContentType', 'nationality'),
        leaf('conveyanceReferenceNumber', 0, 'ConveyanceReferenceNumberContentType', 'conveyanceRef'),
        leaf('ModeOfTransport', 0, 'ModeOfTransportContentType', 'mode', {
          codes: modeCodesOf(type),
          note: `when absent, ${type.modes[0]}; express travels by air (4)`,
        }),
        dateTime('actualDateAndTimeOfDeparture', 'actualDeparture', 0, 'ActualDateAndTimeOfDepartureType'),
        {
          ...dateTime(
            'estimatedDateAndTimeOfDeparture',
            'estimatedDeparture',
            0,
            'EstimatedDateAndTimeOfDepartureType',
          ),
          note: 'optional: the estimated or the actual departure is given',
        },
        dateTime('estimatedDateAndTimeOfArrival', 'estimatedArrival', 1, 'EstimatedDateAndTimeOfArrivalType'),
        routing('countriesOfRoutingOfMeansOfTransport', 'CountriesOfRoutingOfMeansOfTransportType'),
      ],
    },
    {
      name: 'consignmentMasterLevel',
      min: 1,
      max: 1,
      json: '$.masterConsignment',
      library: 'ConsignmentMasterLevel (the master level of the type library)',
      children: [
        leaf('containerIndicator', 0, 'ContainerIndicatorContentType1', 'containerIndicator'),
        placeOfAcceptance,
        placeOfLoading(0),
        placeOfUnloading(0),
        placeOfDelivery,
        {
          ...transportDocument(
            'transportDocumentMasterLevel',
            'transportDocument',
            'TransportDocumentMasterLevelType03',
          ),
          min: 0,
        },
        carrier,
        passiveBorderTransportMeans,
        {
          name: 'receptacle',
          min: 0,
          max: 999,
          json: 'receptacles',
          array: true,
          library: 'ReceptacleType',
          children: [
            leaf('receptacleIdentificationNumber', 1, 'ReceptacleIdentificationNumberContentType', ''),
          ],
        },
        { ...transportEquipment, json: 'transportEquipment' },
        {
          name: 'consignmentHouseLevel',
          min: 0,
          max: 999,
          json: '$.consignments',
          array: true,
          library: 'ConsignmentHouseLevel (the house level of the type library)',
          note: 'at most 999 (Vigil’s FILING_LIMITS; the library allows 99,999)',
          children: [
            placeOfAcceptance,
            {
              ...placeOfLoading(0),
              note: 'master level in the library; Vigil takes it per consignment too (or once on the master level)',
            },
            {
              ...placeOfUnloading(0),
              note: 'master level in the library; Vigil takes it per consignment too (or once on the master level)',
            },
            placeOfDelivery,
            routing('countriesOfRoutingOfConsignment', 'CountriesOfRoutingOfConsignmentType'),
            transportDocument(
              'transportDocumentHouseLevel',
              'transportDocument',
              'TransportDocumentHouseLevelType',
            ),
            {
              ...transportDocument(
                'transportDocumentMasterLevel',
                'masterTransportDocument',
                'TransportDocumentMasterLevelType03',
              ),
              min: 0,
              note: 'master level in the library: the master document the house travels under (multiple filing)',
            },
            ...houseGoods.slice(0, 5),
            party('buyer', 'buyer', 'BuyerType'),
            party('seller', 'seller', 'SellerType'),
            party('supplementaryDeclarant', 'supplementaryDeclarant', 'SupplementaryDeclarantType'),
            ...houseGoods.slice(5),
          ],
        },
      ],
    },
  ];
}

/** The data elements (DATA_ELEMENT_MAPPING paths) the data set of `type` lacks. */
function pathsOutside(type: FilingTypeInfo): string[] {
  return DATA_ELEMENT_MAPPING.filter((m) => !m.des.some((de) => type.presenceOf(de) !== undefined)).flatMap(
    (m) => m.paths,
  );
}

/** Cuts from `specs` every element whose JSON field is outside the data set, and the wrappers it empties. */
function cut(specs: readonly ElementSpec[], base: string, outside: readonly string[]): ElementSpec[] {
  const out: ElementSpec[] = [];
  for (const spec of specs) {
    const json = joinJson(base, spec.json, spec.array);
    if (
      spec.json !== undefined &&
      outside.some((p) => json === p || json.startsWith(`${p}.`) || json.startsWith(`${p}[`))
    ) {
      continue;
    }
    if (spec.children === undefined) {
      out.push(spec);
      continue;
    }
    const children = cut(spec.children, json, outside);
    const bearing = (cs: readonly ElementSpec[]) =>
      cs.some((c) => c.json !== undefined || c.children !== undefined);
    // A wrapper stays while it carries something, or when it never did (checked, not kept).
    if (children.length > 0 && (bearing(children) || !bearing(spec.children))) {
      out.push({ ...spec, children });
    }
  }
  return out;
}

/**
 * The IE3F message of a filing type (F12 … F51), generated: the full layout cut to the elements of
 * the type's data set that the model has (data/filing-types.json through DATA_ELEMENT_MAPPING).
 * The part (complete, master, house, pre-loading, complement) decides nothing more: which levels the
 * filing fills follows from its data set, and the data-set check requires what the type requires.
 */
export function messageOfType(type: FilingTypeInfo): Ics2Message {
  const name = `IE3${type.code}`;
  return {
    message: name,
    filingType: type.code,
    defaultMode: type.modes[0]!,
    root: {
      name,
      min: 1,
      max: 1,
      library: `header elements as in RelatedENSType05; generated from the ${type.code} data set (${type.part})`,
      children: cut(fullMessage(type), '$', pathsOutside(type)),
    },
  };
}

export interface Ics2Message {
  /** The message name, the root element: IE3F10. */
  readonly message: string;
  readonly filingType: string;
  /** transport.mode when the message does not carry ModeOfTransport. */
  readonly defaultMode: string;
  readonly root: ElementSpec;
}

/** The IE3F messages Vigil accepts, by root element name. */
export const ICS2_MESSAGES: ReadonlyMap<string, Ics2Message> = new Map([
  ['IE3F10', { message: 'IE3F10', filingType: 'F10', defaultMode: 'maritime', root: IE3F10 }],
  ['IE3F11', { message: 'IE3F11', filingType: 'F11', defaultMode: 'maritime', root: IE3F11 }],
  ...[...FILING_TYPES.values()]
    .filter((t) => t.code !== 'F10' && t.code !== 'F11')
    .map((t): [string, Ics2Message] => [`IE3${t.code}`, messageOfType(t)]),
]);

export interface XPathRow {
  readonly xpath: string;
  /** The JSON field, with [*] for each repeated level; '' when the element carries none. */
  readonly json: string;
  readonly cardinality: string;
  readonly type: string;
  readonly library: string;
  readonly rules: string;
  readonly note: string;
}

/** Joins a JSON base path and a spec's `json` into the absolute path (for the table). */
function joinJson(base: string, json: string | undefined, array: boolean | undefined): string {
  if (json === undefined || json === '') {
    return base;
  }
  const path = json.startsWith('$.') ? `$.${json.slice(2)}` : `${base}.${json}`;
  return (path.replace(/\.(\d+)(?=\.|$)/g, '[$1]') + (array === true ? '[*]' : '')).replace(/^\$\.\$/, '$');
}

/** The mapping of one message flattened into rows, one per element: the XPath table. */
export function xpathTable(message: Ics2Message): XPathRow[] {
  const rows: XPathRow[] = [];
  const visit = (spec: ElementSpec, parentXPath: string, parentJson: string): void => {
    const xpath = `${parentXPath}/${ICS2_PREFIX}:${spec.name}${spec.max > 1 ? '[n]' : ''}`;
    const json = joinJson(parentJson, spec.json, spec.array);
    const carries = spec.type === undefined ? spec.json !== undefined : spec.json !== undefined;
    rows.push({
      xpath,
      json: carries ? json : spec === message.root ? '$' : '',
      cardinality: `${spec.min}..${spec.max}`,
      type: spec.type ?? 'complex',
      library: spec.library ?? '',
      rules: spec.rules ?? '',
      note: spec.note ?? '',
    });
    for (const child of spec.children ?? []) {
      visit(child, xpath, json);
    }
  };
  visit(message.root, '', '$');
  return rows;
}

/** The XPath tables of every message as Markdown, for docs/ics2-xml.md. */
export function renderXPathTables(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const out: string[] = [];
  for (const m of ICS2_MESSAGES.values()) {
    out.push(`\n### ${m.message} (filing type ${m.filingType})\n`);
    out.push('| XPath | JSON field | card. | simple type | type library | rules | note |');
    out.push('|---|---|---|---|---|---|---|');
    for (const r of xpathTable(m)) {
      const json = r.json === '' ? '—' : `\`${r.json}\``;
      const type = r.type === 'complex' ? '' : r.type;
      out.push(
        `| \`${r.xpath}\` | ${json} | ${r.cardinality} | ${type} | ${cell(r.library)} | ${r.rules} | ${cell(r.note)} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
