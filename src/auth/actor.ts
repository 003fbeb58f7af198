/** Who is asking: the roles of Vigil's users and the authenticated caller every service receives. */

export type Role = 'filer' | 'analyst' | 'officer' | 'coordinator' | 'auditor' | 'admin' | 'partner';
/**
 * Every role. `partner` is another law-enforcement agency (police, border guard, market surveillance)
 * with an authority code of its own: it reads only what a sharing policy grants it and issues risk
 * information to customs.
 */
export const ROLES: readonly Role[] = [
  'filer',
  'analyst',
  'officer',
  'coordinator',
  'auditor',
  'admin',
  'partner',
];
/** The roles of a customs authority and its trade: everyone but partner agencies. */
export const CUSTOMS_AND_TRADE_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'partner');

/** Who is asking: from the bearer token. */
export interface Actor {
  readonly subject: string;
  readonly authority: string;
  readonly role: Role;
  /** The customs office an officer works at, when the token names one (an8: country + 6). */
  readonly office?: string | undefined;
  /**
   * The EORIs a filer's token is bound to: it lodges, amends and invalidates only filings whose
   * declarant is one of them. Absent on officials' tokens and on unbound filer tokens.
   */
  readonly eoris?: readonly string[] | undefined;
}

/**
 * Is `office` one of `authority`'s offices? A national authority (a country code) has the offices of
 * its country; an authority that is not a country (EU, a hub) may hold any office.
 */
export function officeOfAuthority(office: string, authority: string): boolean {
  return authority.length !== 2 || office.slice(0, 2) === authority;
}
