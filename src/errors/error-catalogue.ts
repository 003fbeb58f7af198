/**
 * The one catalogue of Vigil's error codes (CONVENTIONS: errors). Every expected failure has a stable
 * code, an HTTP status and a title; `docs/errors.md` lists them and a test keeps the two in sync.
 * Codes inside a validation `errors` array (per field) have the status of the request-level error
 * that carries them (422), shown here as the status they would have on their own.
 */

export interface ErrorDefinition {
  readonly status: number;
  readonly title: string;
  /**
   * For a field code checked on an ENS: the ICS2 rule or condition it is, or, for a `VIGIL_` code,
   * that it is Vigil's own check (docs/errors.md shows it).
   */
  readonly ics2?: string;
}

export const ERROR_CATALOGUE = {
  // Request-level errors (the `code` of a problem+json response).
  VIGIL_BAD_REQUEST: { status: 400, title: 'The request is malformed' },
  VIGIL_BODY_NOT_JSON: { status: 400, title: 'The request body is not valid JSON' },
  VIGIL_QUERY_INVALID: { status: 400, title: 'A query parameter is invalid' },
  VIGIL_UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  VIGIL_TOKEN_REVOKED: { status: 401, title: 'The token was revoked' },
  VIGIL_API_KEY_UNKNOWN: { status: 401, title: 'The API key is not one this instance issued' },
  VIGIL_API_KEY_REVOKED: { status: 401, title: 'The API key was revoked' },
  VIGIL_API_KEY_EXPIRED: { status: 401, title: 'The API key has expired' },
  VIGIL_API_KEY_RETIRED: {
    status: 401,
    title: 'The API key was rotated and the overlap for its old secret has ended',
  },
  VIGIL_API_KEY_INVALID: { status: 422, title: 'The API key request is invalid' },
  VIGIL_KEYRING_INVALID: { status: 500, title: 'The keyring file of token-signing keys is damaged' },
  VIGIL_KEYRING_INSECURE: {
    status: 500,
    title: 'The keyring file of token-signing keys is readable by others',
  },
  VIGIL_SIGN_IN_FAILED: { status: 401, title: 'The username or password is wrong' },
  VIGIL_ACCOUNT_LOCKED: {
    status: 423,
    title: 'The account is locked after repeated wrong passwords, or disabled',
  },
  VIGIL_SESSION_EXPIRED: { status: 401, title: 'The session has ended: sign in again' },
  VIGIL_LOCAL_SIGN_IN_DISABLED: {
    status: 403,
    title: 'Passwords are turned off on this instance: sign in with the identity provider',
  },
  VIGIL_OIDC_NOT_CONFIGURED: {
    status: 404,
    title: 'Sign-in with an identity provider is not configured on this instance',
  },
  VIGIL_OIDC_UNAVAILABLE: { status: 503, title: 'The identity provider cannot be reached' },
  VIGIL_OIDC_STATE_MISMATCH: {
    status: 400,
    title: 'The sign-in answer does not belong to a sign-in this browser started, or it took too long',
  },
  VIGIL_OIDC_FAILED: { status: 401, title: 'The identity provider did not sign the person in' },
  VIGIL_OIDC_UNMAPPED: {
    status: 403,
    title: 'None of the person’s groups at the identity provider is mapped to a Vigil role',
  },
  VIGIL_OIDC_ACCOUNT_CONFLICT: {
    status: 409,
    title: 'The identity provider’s person does not fit the Vigil account of that name',
  },
  VIGIL_CSRF_REJECTED: {
    status: 403,
    title: 'A change made with the session cookie lacks the session’s CSRF token',
  },
  VIGIL_USER_INVALID: { status: 422, title: 'The user account is invalid' },
  VIGIL_FORBIDDEN: { status: 403, title: 'Your role may not do this' },
  VIGIL_NOT_FOUND: { status: 404, title: 'No such resource' },
  VIGIL_FILING_NOT_FOUND: { status: 404, title: 'No filing with this MRN is visible to you' },
  VIGIL_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  VIGIL_FILING_INVALIDATED: { status: 409, title: 'The filing was invalidated and can no longer change' },
  VIGIL_CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  VIGIL_RULE_NOT_FOUND: { status: 404, title: 'No such rule' },
  VIGIL_REFERENCE_NOT_FOUND: { status: 404, title: 'No such code in this reference list' },
  VIGIL_REFERENCE_IMPORT_INVALID: {
    status: 422,
    title: 'The reference data file has malformed rows; nothing was loaded',
  },
  VIGIL_MODEL_INVALID: { status: 422, title: 'The model file is not a Vigil model or is damaged' },
  VIGIL_MODEL_NOT_FOUND: { status: 404, title: 'No such model version' },
  VIGIL_MODEL_TRAINING_DATA: {
    status: 422,
    title: 'Too few labelled consignments to train or judge a model',
  },
  VIGIL_IMPORT_NOT_FOUND: { status: 404, title: 'No import declaration with this id is visible to you' },
  VIGIL_IMPORT_INVALID: { status: 422, title: 'The import declaration is invalid' },
  VIGIL_WATCHLIST_NOT_FOUND: { status: 404, title: 'No such watchlist' },
  VIGIL_WATCHLIST_ENTITY_NOT_FOUND: { status: 404, title: 'No entity with this id on the watchlist' },
  VIGIL_RULE_INVALID: { status: 422, title: 'The rule is invalid' },
  VIGIL_RULE_MANAGED: {
    status: 409,
    title: 'The rule is a common criterion from the centre: only its coordinator changes or withdraws it',
  },
  VIGIL_RULE_TOO_COSTLY: {
    status: 422,
    title: 'The rule would cost too much to evaluate (nested macros, large lists, long texts or patterns)',
  },
  VIGIL_BACKTEST_TOO_LONG: { status: 422, title: 'The backtest window or running time is over its limit' },
  VIGIL_WATCHLIST_INVALID: { status: 422, title: 'The watchlist upload is invalid' },
  VIGIL_BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  VIGIL_BULK_TOO_LARGE: { status: 413, title: 'The bulk request is larger than the bulk limit' },
  VIGIL_BULK_TOO_MANY_LINES: { status: 413, title: 'The bulk request has more filings than the bulk limit' },
  VIGIL_BODY_TOO_DEEP: { status: 400, title: 'The JSON body is nested too deeply' },
  VIGIL_BODY_TOO_MANY_KEYS: { status: 400, title: 'An object in the JSON body has too many keys' },
  VIGIL_XML_MALFORMED: { status: 400, title: 'The request body is not well-formed XML' },
  VIGIL_XML_FORBIDDEN: {
    status: 400,
    title: 'The XML body has a DOCTYPE, entity declaration or processing instruction',
  },
  VIGIL_XML_TOO_LARGE: {
    status: 400,
    title: 'The XML body nests too deeply or has too many elements, attributes or too long a text',
  },
  VIGIL_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  VIGIL_FILING_INVALID: { status: 422, title: 'The filing is invalid' },
  VIGIL_AMENDMENT_INVALID: { status: 422, title: 'The amendment is invalid' },
  VIGIL_AMENDMENT_TOO_LATE: {
    status: 409,
    title: 'The filing can no longer be amended (the goods arrived or a control was decided)',
  },
  VIGIL_INVALIDATION_TOO_LATE: {
    status: 409,
    title: 'The filing can no longer be invalidated (the goods arrived or a control was decided)',
  },
  VIGIL_RESULT_REASON_REQUIRED: { status: 422, title: 'A correction of a control result must give a reason' },
  VIGIL_FOUR_EYES: { status: 403, title: 'A second official must decide this' },
  VIGIL_EORI_NOT_BOUND: { status: 403, title: 'Your token does not file for this EORI' },
  VIGIL_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  VIGIL_RIF_INVALID: { status: 422, title: 'The risk information form is invalid' },
  VIGIL_RIF_NOT_FOUND: { status: 404, title: 'No risk information form with this id is visible to you' },
  VIGIL_RIF_STATE: { status: 409, title: 'The risk information form is not in a state that allows this' },
  VIGIL_STIX_INVALID: {
    status: 422,
    title: 'The STIX bundle does not conform to STIX 2.1 or carries no RIF',
  },
  VIGIL_SHARING_POLICY_INVALID: { status: 422, title: 'The sharing policy is invalid' },
  VIGIL_AUTHORITY_INVALID: { status: 422, title: 'The directory entry of an authority is invalid' },
  // Joint operations between authorities (issue 11).
  VIGIL_OPERATION_INVALID: { status: 422, title: 'The operation or its message is invalid' },
  VIGIL_OPERATION_NOT_FOUND: {
    status: 404,
    title: 'No operation with this id that your authority coordinates or takes part in',
  },
  VIGIL_OPERATION_STATE: { status: 409, title: 'The operation is not in a state that allows this' },
  // Common risk criteria from the centre (issue 11 point 3).
  VIGIL_COMMON_CRITERION_INVALID: { status: 422, title: 'The common criterion is invalid' },
  VIGIL_COMMON_CRITERION_NOT_FOUND: {
    status: 404,
    title: 'No common criterion with this id that your authority coordinates or applies',
  },
  VIGIL_COMMON_CRITERION_STATE: {
    status: 409,
    title: 'The common criterion is withdrawn, or its id is taken by another coordinator',
  },
  VIGIL_NOT_COORDINATING: {
    status: 403,
    title: 'Your authority is not a coordinating authority (VIGIL_COORDINATING_AUTHORITIES)',
  },
  // Pushed notifications: webhook endpoints and the event stream.
  VIGIL_WEBHOOK_NOT_FOUND: { status: 404, title: 'No webhook endpoint with this id is visible to you' },
  VIGIL_WEBHOOK_URL_INVALID: {
    status: 422,
    title: 'The webhook URL is not an absolute http(s) URL Vigil can call',
  },
  VIGIL_WEBHOOK_URL_INSECURE: { status: 422, title: 'The webhook URL must use https' },
  VIGIL_WEBHOOK_URL_PRIVATE: {
    status: 422,
    title: 'The webhook URL points at a private, loopback or link-local address',
  },
  VIGIL_WEBHOOK_LIMIT: { status: 409, title: 'You have as many webhook endpoints as one owner may have' },
  VIGIL_NOT_ACCEPTABLE: {
    status: 406,
    title: 'The response cannot be given in a media type the request accepts',
  },
  // Registries of operators and AEO, and of certificates and licences (issue 13).
  VIGIL_OPERATOR_NOT_FOUND: { status: 404, title: 'No operator with this EORI is registered' },
  VIGIL_OPERATOR_INVALID: { status: 422, title: 'The operator record is invalid' },
  VIGIL_AEO_NOT_FOUND: { status: 404, title: 'No AEO authorisation with this number is registered' },
  VIGIL_AEO_INVALID: { status: 422, title: 'The AEO authorisation is invalid' },
  VIGIL_MRA_NOT_FOUND: { status: 404, title: 'No mutual recognition agreement with this id' },
  VIGIL_MRA_INVALID: {
    status: 422,
    title: 'The mutual recognition agreement or the partner programme’s operator is invalid',
  },
  VIGIL_REGISTRY_IMPORT_INVALID: {
    status: 422,
    title: 'Records of the import file are bad; nothing was loaded',
  },
  VIGIL_CERTIFICATE_NOT_FOUND: { status: 404, title: 'No certificate with this id is registered' },
  VIGIL_CERTIFICATE_INVALID: { status: 422, title: 'The certificate record is invalid' },
  VIGIL_CERTIFICATE_QUANTITY_BELOW_USED: {
    status: 409,
    title: 'A certificate’s quantity cannot go below what goods items have written off',
  },
  VIGIL_CERTIFICATE_REQUIREMENT_NOT_FOUND: {
    status: 404,
    title: 'No measure requiring a certificate with this id',
  },
  VIGIL_CERTIFICATE_REQUIREMENT_INVALID: {
    status: 422,
    title: 'The measure requiring a certificate is invalid',
  },
  VIGIL_IPR_APPLICATION_NOT_FOUND: {
    status: 404,
    title: 'No IPR application for action with this number is registered',
  },
  VIGIL_IPR_APPLICATION_INVALID: { status: 422, title: 'The IPR application for action is invalid' },
  VIGIL_INTERNAL: { status: 500, title: 'Internal error' },
  VIGIL_UNAVAILABLE: { status: 503, title: 'A dependency is not reachable' },

  // Per-field codes inside `errors: [{ code, path, message }]`.
  VIGIL_SCHEMA_REQUIRED: { status: 422, title: 'A required field is missing' },
  VIGIL_SCHEMA_TYPE: { status: 422, title: 'A field has the wrong type' },
  VIGIL_SCHEMA_FORMAT: { status: 422, title: 'A field is not in the expected format' },
  VIGIL_SCHEMA_VALUE: { status: 422, title: 'A field has a value outside those allowed' },
  VIGIL_SCHEMA_TOO_SMALL: { status: 422, title: 'A value, text or list is too small' },
  VIGIL_SCHEMA_TOO_BIG: { status: 422, title: 'A value, text or list is too big' },
  VIGIL_SCHEMA_UNKNOWN_FIELD: { status: 422, title: 'A field is not part of the filing' },
  VIGIL_FILING_TYPE_UNKNOWN: { status: 422, title: 'The filing type is not in the catalogue' },
  VIGIL_FILING_TYPE_MODE: { status: 422, title: 'The filing type does not fit the mode of transport' },
  VIGIL_NOT_IN_DATA_SET: {
    status: 422,
    title: 'An element is not in the data set of the filing type (EUCDM matrix)',
  },
  VIGIL_EORI_INVALID: { status: 422, title: 'Invalid EORI number' },
  VIGIL_HS_CODE_INVALID: { status: 422, title: 'Invalid HS/CN/TARIC code' },
  VIGIL_HS_CODE_UNKNOWN: {
    status: 422,
    title: 'The goods code does not exist in the nomenclature in force on the filing’s date',
  },
  VIGIL_PACKAGE_TYPE_UNKNOWN: {
    status: 422,
    title: 'The package type is not a UN/ECE Recommendation 21 code valid on the filing’s date',
  },
  VIGIL_DOCUMENT_TYPE_UNKNOWN: {
    status: 422,
    title: 'The document type is not valid on the filing’s date',
  },
  VIGIL_TRANSPORT_MODE_UNKNOWN: {
    status: 422,
    title: 'The mode of transport is not valid on the filing’s date',
  },
  VIGIL_UNLOCODE_INVALID: { status: 422, title: 'Invalid UN/LOCODE' },
  VIGIL_COUNTRY_INVALID: { status: 422, title: 'Invalid country code' },
  VIGIL_AWB_INVALID: { status: 422, title: 'Invalid air waybill number' },
  VIGIL_OFFICE_INVALID: { status: 422, title: 'Invalid customs office reference' },
  VIGIL_DATE_INVALID: { status: 422, title: 'Invalid date-time' },
  VIGIL_XML_NAMESPACE: { status: 422, title: 'An XML element is not in the ICS2 namespace' },
  VIGIL_XML_MESSAGE_UNKNOWN: { status: 422, title: 'The XML message is not an IE3F message Vigil takes' },
  VIGIL_XML_UNKNOWN_ELEMENT: { status: 422, title: 'An XML element is not part of the message at its place' },
  VIGIL_XML_UNKNOWN_ATTRIBUTE: { status: 422, title: 'An XML attribute is not part of the message' },
  VIGIL_XML_MISSING_ELEMENT: { status: 422, title: 'A required XML element is missing' },
  VIGIL_XML_TOO_MANY: { status: 422, title: 'An XML element occurs more often than allowed' },
  VIGIL_XML_VALUE_INVALID: { status: 422, title: 'An XML value does not fit its ICS2 simple type' },
  R3002: {
    status: 422,
    title: 'ICS2 rule R3002: an address gives the street and number, or a P.O. box',
    ics2: 'R3002 (every party’s address; read from the type library and the ICS2 error text)',
  },
  R3004: {
    status: 422,
    title: 'ICS2 rule R3004: the (previous) MRN must be well formed, with its check character',
    ics2: 'R3004 (MRN format)',
  },
  R3005: {
    status: 422,
    title:
      'ICS2 rule R3005: the identification number of the carrier, declarant or notify party must be a valid EORI',
    ics2: 'R3005 (Vigil checks the EORI’s form; the register check is the VIGIL_EORI_NOT_REGISTERED warning)',
  },
  R3006: {
    status: 422,
    title:
      'ICS2 rule R3006: a telephone number (communication type TE) is in the international format of ITU-T E.123',
    ics2: 'R3006 (communication identifier)',
  },
  R3009: {
    status: 422,
    title: 'ICS2 rule R3009: an IMO ship identification number must have a valid check digit',
    ics2: 'R3009 (IMO number; checked when the maritime means id is 7 digits or IMO and 7 digits)',
  },
  R3010: {
    status: 422,
    title: 'ICS2 rule R3010: an inland waterway vessel’s ENI number must be 8 digits',
    ics2: 'R3010 (ENI number)',
  },
  R3013: {
    status: 422,
    title: 'ICS2 rule R3013: routing must start at the country of loading',
    ics2: 'R3013',
  },
  R3014: {
    status: 422,
    title: 'ICS2 rule R3014: routing must end at the country of unloading',
    ics2: 'R3014',
  },
  R3016: {
    status: 422,
    title: 'ICS2 rule R3016: goods item numbers must be given for every item and be unique',
    ics2: 'R3016 (goods item number unique within the consignment)',
  },
  R3017: {
    status: 422,
    title: 'ICS2 rule R3017: goods item numbers must run 1, 2, 3 … without gaps',
    ics2: 'R3017 (goods item numbers sequential)',
  },
  R3018: {
    status: 422,
    title: 'ICS2 rule R3018: the first EU country on the routing must be the office of first entry’s',
    ics2: 'R3018',
  },
  R3020: {
    status: 422,
    title: 'ICS2 rule R3020: the CUS code must be in the format NNNNNNN-N',
    ics2: 'R3020 (CUS code; Vigil checks the format, not the ECICS list)',
  },
  R3021: {
    status: 422,
    title: 'ICS2 rule R3021: invalid container identification number (ISO 6346 check digit)',
    ics2: 'R3021 (container identification number)',
  },
  R3022: {
    status: 422,
    title:
      'ICS2 rule R3022: a consignment’s routing must contain the countries of its places of acceptance and delivery',
    ics2: 'R3022',
  },
  R3033: {
    status: 422,
    title: 'ICS2 rule R3033: the representative’s identification number is not the declarant’s',
    ics2: 'R3033 (representative identification number; read from the type library and the ICS2 error text)',
  },
  R3052: {
    status: 422,
    title: 'ICS2 rule R3052: transport documents must be unique within a filing',
    ics2: 'R3052 (duplicate transport document)',
  },
  R3053: {
    status: 422,
    title: 'ICS2 rule R3053: arrival must not be before the (actual, else estimated) departure',
    ics2: 'R3053',
  },
  C3001: {
    status: 422,
    title: 'ICS2 condition C3001: a split consignment names the previous MRN, and only a split one does',
    ics2: 'C3001 (header level)',
  },
  C3015: {
    status: 422,
    title: 'ICS2 condition C3015: transport equipment states its number of seals exactly when it lists seals',
    ics2: 'C3015 (IE3F XML: numberOfSeals and seal; a JSON filing lists the seals, and their number is the count)',
  },
  C3022: {
    status: 422,
    title:
      'ICS2 condition C3022: a house consignment names its consignee unless it is to order (additional information 10600)',
    ics2: 'C3022 (house level consignee)',
  },
  C3024: {
    status: 422,
    title:
      'ICS2 condition C3024: a house consignment to order (additional information 10600) names its notify party',
    ics2: 'C3024 (house level notify party)',
  },
  C3035: {
    status: 422,
    title:
      'ICS2 condition C3035: master-level packaging gives the number of packages and shipping marks, except in bulk or unpacked',
    ics2: 'C3035 (goods items at master level: F10)',
  },
  C3036: {
    status: 422,
    title:
      'ICS2 condition C3036: house-level packaging gives the number of packages and shipping marks, except in bulk or unpacked',
    ics2: 'C3036 (goods items at house level)',
  },
  VIGIL_MASTER_DOCUMENT_REQUIRED: {
    status: 422,
    title: 'A house filing must name its master transport document and carrier',
  },
  VIGIL_DESCRIPTION_VAGUE: { status: 422, title: 'The goods description is too vague' },
  VIGIL_DESCRIPTION_VAGUE_TERM: {
    status: 422,
    title: 'Warning: the goods description contains a vague term',
  },
  VIGIL_EORI_NOT_REGISTERED: {
    status: 422,
    title: 'Warning: an identification number of the filing is not in the register of operators',
  },
  VIGIL_CERTIFICATE_UNKNOWN: {
    status: 422,
    title: 'Warning: the certificate a goods item cites is not in the registry',
  },
  VIGIL_CERTIFICATE_NOT_VALID: {
    status: 422,
    title: 'Warning: the certificate a goods item cites is not valid at the filing’s date, or was cancelled',
  },
  VIGIL_CERTIFICATE_GOODS_MISMATCH: {
    status: 422,
    title: 'Warning: the certificate a goods item cites does not cover its goods code',
  },
  VIGIL_CERTIFICATE_HOLDER_MISMATCH: {
    status: 422,
    title: 'Warning: the consignee is not the holder of the certificate a goods item cites',
  },
  VIGIL_CERTIFICATE_UNIT_MISMATCH: {
    status: 422,
    title: 'Warning: the quantity is in another unit than the certificate’s',
  },
  VIGIL_CERTIFICATE_QUANTITY_MISSING: {
    status: 422,
    title: 'Warning: the goods item cites a certificate with a quantity but states none to write off',
  },
  VIGIL_CERTIFICATE_EXHAUSTED: {
    status: 422,
    title:
      'Warning: the certificate has less left than the goods item uses; the write-off is refused and the certificate unchanged',
  },
  VIGIL_CERTIFICATE_REQUIRED: {
    status: 422,
    title: 'The goods and their origin need a certificate that no goods item cites (assessment)',
  },
  VIGIL_REGISTRY_ROW_UNREADABLE: { status: 422, title: 'A line of the import file cannot be read' },
  VIGIL_REGISTRY_RECORD_UNKNOWN: {
    status: 422,
    title: 'The record kind of an import line is not one of the register’s',
  },
  VIGIL_REGISTRY_DUPLICATE: { status: 422, title: 'The same record is twice in the import file' },
  VIGIL_REGISTRY_VALIDITY_INVALID: { status: 422, title: 'The validity of a record ends before it starts' },
  VIGIL_LODGED_LATE: { status: 422, title: 'Lodged after the deadline for its mode of transport' },
  VIGIL_LODGED_TOO_EARLY: { status: 422, title: 'Lodged more than 200 days ahead' },
  VIGIL_AMENDMENT_FIELD_LOCKED: { status: 422, title: 'This field may not change in an amendment' },
  VIGIL_RULE_SYNTAX: { status: 422, title: 'The rule’s CEL condition does not parse' },
  VIGIL_RULE_TYPE_ERROR: { status: 422, title: 'The rule’s CEL condition has a type error' },
  VIGIL_RULE_UNKNOWN_FIELD: { status: 422, title: 'The rule names a field that does not exist' },
  VIGIL_RULE_NOT_BOOLEAN: { status: 422, title: 'The rule’s condition is not a boolean' },
  VIGIL_RULE_UNKNOWN_REFERENCE: {
    status: 422,
    title: 'The rule names an unknown watchlist or country group',
  },
  VIGIL_RULE_INVALID_ARGUMENT: { status: 422, title: 'A helper function gets an argument it cannot use' },
  VIGIL_RULE_INVALID_REGEX: { status: 422, title: 'The regular expression is not valid RE2 syntax' },
  VIGIL_WATCHLIST_PARSE: { status: 422, title: 'A line or record of the watchlist upload cannot be read' },
  VIGIL_WATCHLIST_FORMAT: {
    status: 422,
    title: 'The watchlist upload is not in the list format named, or in none Vigil reads',
  },
  VIGIL_WATCHLIST_DUPLICATE_ID: { status: 422, title: 'Two entities of the watchlist upload have one id' },
  VIGIL_REFERENCE_ROW_INVALID: {
    status: 422,
    title: 'A row of the reference data file is malformed (a missing column, a bad code or date)',
  },
  VIGIL_H7_VALUE_TOO_HIGH: { status: 422, title: 'An H7 low-value declaration may total at most 150 EUR' },
  VIGIL_CURRENCY_UNKNOWN: { status: 422, title: 'No reference rate for this currency' },
  VIGIL_RIF_NO_INDICATOR: { status: 422, title: 'A RIF needs at least one risk indicator' },
  VIGIL_RIF_RANGE_INVALID: {
    status: 422,
    title: 'A range of the RIF is empty or its minimum is above its maximum',
  },
  VIGIL_RIF_VALIDITY_INVALID: {
    status: 422,
    title: 'The validity or feedback due time of the RIF is impossible or over',
  },
  VIGIL_RIF_RECIPIENT_UNKNOWN: { status: 422, title: 'A recipient is not an authority of this directory' },
  VIGIL_RIF_RED_NEEDS_RECIPIENTS: { status: 422, title: 'A TLP RED RIF must name its recipients' },
  VIGIL_OPERATION_PERIOD_INVALID: {
    status: 422,
    title:
      'The end of the operation is not after its start, its interim review is outside them, or it is over',
  },
  VIGIL_OPERATION_PARTICIPANT_UNKNOWN: {
    status: 422,
    title: 'A participant is not an authority of the directory (or not one of the operation)',
  },
  // Federation between nodes: a message from a peer refused (never applied; audited at the receiver).
  VIGIL_FEDERATION_MALFORMED: {
    status: 400,
    title: 'A federation message is not JSON or not the signed message shape',
  },
  VIGIL_FEDERATION_MISADDRESSED: {
    status: 422,
    title: 'A federation message is addressed to another node, or names no authority of this node',
  },
  VIGIL_FEDERATION_UNKNOWN_PEER: {
    status: 403,
    title: 'A federation message comes from an authority that is not a peer of this node',
  },
  VIGIL_FEDERATION_BAD_SIGNATURE: {
    status: 403,
    title: 'A federation message is not signed by its sender’s key (wrong key or altered message)',
  },
  VIGIL_FEDERATION_REPLAY: {
    status: 409,
    title: 'A federation message was applied before, or belongs to an older exchange with its peer',
  },
  VIGIL_FEDERATION_OUT_OF_ORDER: {
    status: 409,
    title: 'A federation message skips messages its peer has not yet delivered',
  },
  VIGIL_FEDERATION_FORGED: {
    status: 403,
    title: 'A peer acted for another authority (another’s RIF, feedback, decision or records)',
  },
  VIGIL_FEDERATION_INVALID: {
    status: 422,
    title: 'A federation message’s body breaks the contract of its kind',
  },
  VIGIL_FEDERATION_UNKNOWN_RIF: {
    status: 404,
    title: 'A federation message concerns a RIF this node never issued or received',
  },
  VIGIL_FEDERATION_OFF: {
    status: 409,
    title: 'Federation is not configured on this node (VIGIL_FEDERATION_AUTHORITY)',
  },
  VIGIL_PEER_INVALID: {
    status: 422,
    title: 'A peer has a bad code, NATS URL or public key',
  },
  VIGIL_PEER_NOT_FOUND: {
    status: 404,
    title: 'No such peer',
  },
  VIGIL_PEER_EXISTS: {
    status: 409,
    title: 'The authority is already a peer',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One problem found in a request body: stable code, JSON path, plain-language message. */
export interface FieldError {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
  /** Where in a source text (a rule's CEL condition) the problem is. */
  readonly position?: { readonly line: number; readonly column: number; readonly offset: number } | undefined;
}

/** Expected failures are values (CONVENTIONS); only bugs throw. */
export type Result<T, E = FieldError> =
  | { readonly ok: true; readonly value: T; readonly warnings?: readonly E[] }
  | { readonly ok: false; readonly errors: readonly E[] };

/** A typed, expected error thrown across layers and rendered as problem+json at the HTTP edge. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly errors: readonly FieldError[] | undefined;
  constructor(code: ErrorCode, detail?: string, errors?: readonly FieldError[]) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.name = 'VigilError';
    this.code = code;
    this.errors = errors;
  }
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}
