/**
 * The error codes the imports feature uses, in one place (all in the catalogue, src/errors).
 */
import type { ErrorCode } from '../errors/index.ts';

export const IMPORT_CODES = Object.freeze({
  /** The declaration is invalid (422, with an `errors` array). Wanted: VIGIL_IMPORT_INVALID. */
  invalid: 'VIGIL_IMPORT_INVALID',
  /** An H7 consignment worth more than 150 EUR. Wanted: VIGIL_H7_VALUE_TOO_HIGH. */
  h7ValueTooHigh: 'VIGIL_H7_VALUE_TOO_HIGH',
  /** No such import declaration visible to the caller. Wanted: VIGIL_IMPORT_NOT_FOUND. */
  notFound: 'VIGIL_IMPORT_NOT_FOUND',
  /** No such model version. Wanted: VIGIL_MODEL_NOT_FOUND. */
  modelNotFound: 'VIGIL_MODEL_NOT_FOUND',
  /** A model file Vigil cannot read. Wanted: VIGIL_MODEL_INVALID (KcsModelError's own code). */
  modelInvalid: 'VIGIL_MODEL_INVALID',
} as const satisfies Record<string, ErrorCode>);
