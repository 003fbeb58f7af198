/** The key an economic operator is known by across filings, assessments, controls and profiles. */

/** EORI when there is one, else the normalised name and country. */
export function operatorKey(party: {
  readonly name: string;
  readonly eori?: string | undefined;
  readonly address?: { readonly country: string } | undefined;
}): string {
  if (party.eori !== undefined) {
    return `eori:${party.eori}`;
  }
  return `name:${party.address?.country ?? ''}:${party.name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()}`;
}
