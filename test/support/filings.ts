/** Valid filings relative to a clock: the conformance kit's generators (src/conformance/filings.ts). */
export {
  validAirFiling,
  validFiling,
  validHouseFiling,
  validMasterFiling,
} from '../../src/conformance/filings.ts';
