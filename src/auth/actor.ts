/** Who is asking: the roles of Vigil's users and the authenticated caller every service receives. */

export type Role = 'filer' | 'analyst' | 'officer' | 'coordinator' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['filer', 'analyst', 'officer', 'coordinator', 'auditor', 'admin'];

/** Who is asking: from the bearer token. */
export interface Actor {
  readonly subject: string;
  readonly authority: string;
  readonly role: Role;
}
