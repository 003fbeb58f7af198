/**
 * The simple types of the EU ICS2 type library (stypes.xsd, namespace urn:wco:datamodel:eu:ics2:2)
 * that Vigil's IE3F mapping uses: facts only (base, length, pattern, digits), each under its name in
 * the library, and the conversion of a valid value into the JSON model's type. Codelists (CL…) are
 * checked by the JSON model's validation, not here.
 */

export interface SimpleType {
  /** Name of the simple type in stypes.xsd. */
  readonly name: string;
  /** xs:string keeps the text as sent; xs:token collapses whitespace first. */
  readonly base: 'string' | 'token' | 'decimal' | 'dateTime';
  readonly minLength?: number;
  readonly maxLength?: number;
  /** The XSD pattern, anchored as XSD patterns are; `.` matches no line break, as in XSD. */
  readonly pattern?: RegExp;
  readonly totalDigits?: number;
  readonly fractionDigits?: number;
  /** What the value becomes in the JSON model. */
  readonly as: 'string' | 'number' | 'boolean';
  /** A plain description of the lexical form, for messages. */
  readonly describe: string;
}

const an = (name: string, max: number, base: 'string' | 'token' = 'string'): SimpleType => ({
  name,
  base,
  maxLength: max,
  pattern: new RegExp(`^.{1,${max}}$`, 'u'),
  as: 'string',
  describe: `text of 1 to ${max} characters`,
});

const anExact = (name: string, len: number): SimpleType => ({
  name,
  base: 'token',
  maxLength: len,
  pattern: new RegExp(`^.{${len}}$`, 'u'),
  as: 'string',
  describe: `exactly ${len} characters`,
});

const flag = (name: string): SimpleType => ({
  name,
  base: 'token',
  pattern: /^[01]$/,
  as: 'boolean',
  describe: '0 or 1',
});

export const ICS2_SIMPLE_TYPES = {
  NameContentType: an('NameContentType', 70),
  IdentificationNumberContentType1: an('IdentificationNumberContentType1', 17),
  IdentificationNumberContentType2: an('IdentificationNumberContentType2', 35),
  TypeOfPersonContentType: {
    name: 'TypeOfPersonContentType',
    base: 'token',
    maxLength: 1,
    pattern: /^[0-9]$/,
    as: 'number',
    describe: 'one digit',
  },
  CityContentType: an('CityContentType', 35),
  StreetContentType: an('StreetContentType', 70),
  PoBoxContentType: an('PoBoxContentType', 70),
  PostCodeContentType: an('PostCodeContentType', 17),
  CountryContentType2: {
    name: 'CountryContentType2',
    base: 'token',
    maxLength: 2,
    pattern: /^[A-Z]{2}$/,
    as: 'string',
    describe: 'two capital letters',
  },
  /** Addressed member state (AddressedMemberStateType): [a-zA-Z]{2} in the library, capitals in Vigil. */
  CountryContentType1: {
    name: 'CountryContentType1',
    base: 'token',
    maxLength: 2,
    pattern: /^[A-Z]{2}$/,
    as: 'string',
    describe: 'two capital letters',
  },
  IdentificationContentType2: an('IdentificationContentType2', 70),
  ReceptacleIdentificationNumberContentType: an('ReceptacleIdentificationNumberContentType', 35),
  CountryContentType3: {
    name: 'CountryContentType3',
    base: 'token',
    minLength: 2,
    maxLength: 2,
    pattern: /^[a-zA-Z]{2}$/,
    as: 'string',
    describe: 'two letters',
  },
  NationalityContentType: {
    name: 'NationalityContentType',
    base: 'token',
    minLength: 2,
    maxLength: 2,
    pattern: /^[a-zA-Z]{2}$/,
    as: 'string',
    describe: 'two letters',
  },
  IdentifierContentType1: an('IdentifierContentType1', 512),
  IdentifierContentType2: an('IdentifierContentType2', 20),
  TypeContentType1: an('TypeContentType1', 3, 'token'),
  TypeContentType2: an('TypeContentType2', 4, 'token'),
  DocumentNumberContentType: an('DocumentNumberContentType', 70),
  ReferenceNumberContentType1: an('ReferenceNumberContentType1', 70),
  /** Customs office reference number: the library's ReferenceNumberContentType2 is an8. */
  ReferenceNumberContentType2: anExact('ReferenceNumberContentType2', 8),
  /** LRN: not in the type library (it types only the MRN); an..22 per the ICS2 data model. */
  LRNContentType: an('LRNContentType', 22),
  SpecificCircumstanceIndicatorContentType: anExact('SpecificCircumstanceIndicatorContentType', 3),
  ReEntryIndicatorContentType: flag('ReEntryIndicatorContentType'),
  SplitConsignmentIndicatorContentType: flag('SplitConsignmentIndicatorContentType'),
  ContainerIndicatorContentType1: flag('ContainerIndicatorContentType1'),
  PreviousMRNContentType: anExact('PreviousMRNContentType', 18),
  ModeOfTransportContentType: {
    name: 'ModeOfTransportContentType',
    base: 'token',
    minLength: 1,
    maxLength: 1,
    pattern: /^[0-9]$/,
    as: 'string',
    describe: 'one digit',
  },
  TypeOfIdentificationContentType: {
    name: 'TypeOfIdentificationContentType',
    base: 'token',
    minLength: 2,
    maxLength: 2,
    pattern: /^[0-9]{2}$/,
    as: 'string',
    describe: 'two digits',
  },
  ConveyanceReferenceNumberContentType: an('ConveyanceReferenceNumberContentType', 17),
  DateTimeContentType: {
    name: 'DateTimeContentType',
    base: 'dateTime',
    pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    as: 'string',
    describe: 'a UTC date and time such as 2027-03-01T10:00:00Z',
  },
  SequenceNumberContentType2: {
    name: 'SequenceNumberContentType2',
    base: 'decimal',
    pattern: /^[0-9]{1,2}$/,
    totalDigits: 2,
    fractionDigits: 0,
    as: 'number',
    describe: 'a number of 1 or 2 digits',
  },
  UNLOCODEContentType: an('UNLOCODEContentType', 17),
  ReferenceNumberUCRContentType: an('ReferenceNumberUCRContentType', 35),
  MethodOfPaymentContentType: {
    name: 'MethodOfPaymentContentType',
    base: 'token',
    minLength: 1,
    maxLength: 1,
    pattern: /^[a-zA-Z]$/,
    as: 'string',
    describe: 'one letter',
  },
  RoleContentType1: an('RoleContentType1', 3, 'token'),
  ContainerIdentificationNumberContentType: an('ContainerIdentificationNumberContentType', 17),
  GoodsItemNumberContentType: {
    name: 'GoodsItemNumberContentType',
    base: 'decimal',
    pattern: /^[0-9]{1,5}$/,
    totalDigits: 5,
    fractionDigits: 0,
    as: 'number',
    describe: 'a whole number of 1 to 5 digits',
  },
  DescriptionOfGoodsContentType: an('DescriptionOfGoodsContentType', 512),
  CusCodeContentType: an('CusCodeContentType', 9, 'token'),
  HarmonizedSystemSubHeadingCodeContentType: anExact('HarmonizedSystemSubHeadingCodeContentType', 6),
  CombinedNomenclatureCodeContentType: anExact('CombinedNomenclatureCodeContentType', 2),
  UNNumberContentType: anExact('UNNumberContentType', 4),
  GrossMassContentType: {
    name: 'GrossMassContentType',
    base: 'decimal',
    pattern: /^[+]?(\d+(\.\d*)?|\.\d+)$/,
    totalDigits: 16,
    fractionDigits: 6,
    as: 'number',
    describe: 'a decimal number of at most 16 digits, 6 of them after the point',
  },
  /** Not in the type library: the amount of Vigil's goods value (ENS has no value). */
  AmountContentType: {
    name: 'AmountContentType',
    base: 'decimal',
    pattern: /^[+]?(\d+(\.\d*)?|\.\d+)$/,
    totalDigits: 16,
    fractionDigits: 2,
    as: 'number',
    describe: 'a decimal number of at most 16 digits, 2 of them after the point',
  },
  /** Not in the type library: the ISO 4217 currency of Vigil's goods value. */
  CurrencyContentType: {
    name: 'CurrencyContentType',
    base: 'token',
    maxLength: 3,
    pattern: /^[A-Z]{3}$/,
    as: 'string',
    describe: 'three capital letters',
  },
  TypeOfPackagesContentType: an('TypeOfPackagesContentType', 2, 'token'),
  NumberOfPackagesContentType: {
    name: 'NumberOfPackagesContentType',
    base: 'decimal',
    pattern: /^[0-9]{1,8}$/,
    totalDigits: 8,
    fractionDigits: 0,
    as: 'number',
    describe: 'a whole number of 1 to 8 digits',
  },
  ShippingMarksContentType: an('ShippingMarksContentType', 512),
  CodeContentType1: an('CodeContentType1', 17, 'token'),
  TextContentType: an('TextContentType', 512),
} as const satisfies Record<string, SimpleType>;

export type SimpleTypeName = keyof typeof ICS2_SIMPLE_TYPES;

/** Checks `raw` against `type`; the converted value, or a message saying what is wrong. */
export function readSimpleValue(
  raw: string,
  type: SimpleType,
): { ok: true; value: string | number | boolean } | { ok: false; message: string } {
  const text = type.base === 'string' ? raw : raw.replace(/[\t\n\r ]+/g, ' ').trim();
  const bad = (why: string) => ({
    ok: false as const,
    message: `${why}; ${type.name} is ${type.describe}`,
  });
  if (text.length === 0) {
    return bad('the element is empty');
  }
  const length = [...text].length;
  if (type.maxLength !== undefined && length > type.maxLength) {
    return bad(`${length} characters is longer than ${type.maxLength}`);
  }
  if (type.minLength !== undefined && length < type.minLength) {
    return bad(`${length} characters is shorter than ${type.minLength}`);
  }
  if (type.pattern !== undefined && !type.pattern.test(text)) {
    return bad(`${JSON.stringify(text.slice(0, 40))} does not match`);
  }
  if (type.base === 'decimal') {
    const [whole = '', fraction = ''] = text.replace(/^[+]/, '').split('.');
    const digits = (whole.replace(/^0+(?=\d)/, '') + fraction.replace(/0+$/, '')).length;
    if (type.totalDigits !== undefined && digits > type.totalDigits) {
      return bad(`more than ${type.totalDigits} digits`);
    }
    if (type.fractionDigits !== undefined && fraction.replace(/0+$/, '').length > type.fractionDigits) {
      return bad(`more than ${type.fractionDigits} digits after the point`);
    }
  }
  if (type.base === 'dateTime' && Number.isNaN(Date.parse(text))) {
    return bad(`${JSON.stringify(text)} is not a date and time`);
  }
  switch (type.as) {
    case 'number':
      return { ok: true, value: Number(text) };
    case 'boolean':
      return { ok: true, value: text === '1' };
    case 'string':
      return { ok: true, value: text };
  }
}
