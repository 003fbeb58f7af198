/**
 * The demo's people: one account per workbench role for the demo authority, all with the one
 * documented demo password, added by `vigil serve` on the first start of an instance with the demo
 * pack on (never with VIGIL_DEMO_PACK=false: an administration adds its own with `vigil users add`).
 */
import { OFFICE_BY_PLACE } from './demo-places.ts';

/** The password of every demo account (README: "Sign in"). */
export const DEMO_PASSWORD = 'vigil-demo-password';

export interface DemoUser {
  readonly username: string;
  readonly authority: string;
  readonly displayName: string;
  readonly role: 'analyst' | 'officer' | 'coordinator' | 'auditor' | 'admin';
  readonly office?: string;
  readonly password: string;
}

const DEMO_ROLES = ['analyst', 'officer', 'coordinator', 'auditor', 'admin'] as const;

/** The demo accounts of an authority: `analyst.nl`, `officer.nl` (at its first demo office) … */
export function demoUsers(authority: string): DemoUser[] {
  const office = Object.values(OFFICE_BY_PLACE).find((o) => o.slice(0, 2) === authority);
  return DEMO_ROLES.map((role) => ({
    username: `${role}.${authority.toLowerCase()}`,
    authority,
    displayName: `Demo ${role} (${authority})`,
    role,
    ...(role === 'officer' && office !== undefined ? { office } : {}),
    password: DEMO_PASSWORD,
  }));
}
