/**
 * Who a person signing in through the OpenID Connect provider is in Vigil, from the claims of their
 * ID token (and userinfo): the first line of the configured group → role map whose group they are
 * in gives their authority and role (docs/security.md, "Sign-in"). The provider is where an
 * administration manages who may use Vigil, so the role follows the groups at every sign-in; a
 * person in none of the mapped groups is refused, never given a default role.
 */
import { createHash } from 'node:crypto';
import { ROLES, officeOfAuthority } from '../auth/index.ts';
import type { Role } from '../auth/index.ts';
import type { OidcConfig } from '../config/index.ts';

/** A person as the provider vouches for them, mapped to Vigil's words. */
export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** The Vigil username an account made for them gets (from the username claim). */
  readonly username: string;
  readonly displayName: string;
  /** Undefined: none of their groups is mapped to a role (`groups` says which they had). */
  readonly grant: { readonly authority: string; readonly role: Role; readonly office?: string } | undefined;
  readonly groups: readonly string[];
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const OFFICE = /^[A-Z]{2}[A-Z0-9]{6}$/;

/** Unknown roles in the map, reported at start-up (the config cannot name the roles: kernel order). */
export function unknownRoles(config: OidcConfig): string[] {
  return config.roleMap.filter((m) => !(ROLES as readonly string[]).includes(m.role)).map((m) => m.role);
}

/**
 * A claim as a list of strings: Keycloak and Entra send an array; some providers a single string
 * or a space-separated one.
 */
function stringsOf(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.filter((v): v is string => typeof v === 'string');
  }
  if (typeof value === 'string') {
    return value.split(/[\s,]+/).filter((v) => v !== '');
  }
  return [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The username claim made a Vigil username: lower case, an e-mail address's '@' and anything else
 * outside [a-z0-9._-] become '.'; if nothing usable is left, a name derived from the subject.
 */
export function usernameOf(claim: string | undefined, issuer: string, subject: string): string {
  const cleaned = (claim ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '.')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  if (USERNAME.test(cleaned)) {
    return cleaned;
  }
  return `oidc-${createHash('sha256').update(`${issuer}\n${subject}`).digest('hex').slice(0, 16)}`;
}

export function identityOf(claims: Readonly<Record<string, unknown>>, config: OidcConfig): ExternalIdentity {
  const subject = stringOf(claims['sub']);
  if (subject === undefined) {
    // openid-client checks that an ID token has `sub`; this is a defect if reached.
    throw new Error('the ID token has no subject');
  }
  const username = usernameOf(stringOf(claims[config.usernameClaim]), config.issuer, subject);
  const groups = stringsOf(claims[config.groupsClaim]);
  const claimedAuthority =
    config.authorityClaim !== undefined ? stringOf(claims[config.authorityClaim]) : undefined;
  const office = config.officeClaim !== undefined ? stringOf(claims[config.officeClaim]) : undefined;
  let grant: ExternalIdentity['grant'];
  for (const line of config.roleMap) {
    if (!groups.includes(line.group)) {
      continue;
    }
    const authority = line.authority ?? claimedAuthority?.toUpperCase();
    if (authority === undefined || !/^[A-Z]{2,4}$/.test(authority)) {
      continue;
    }
    grant = {
      authority,
      role: line.role as Role,
      // An office outside the authority is ignored rather than trusted.
      ...(office !== undefined && OFFICE.test(office) && officeOfAuthority(office, authority)
        ? { office }
        : {}),
    };
    break;
  }
  return {
    issuer: config.issuer,
    subject,
    username,
    displayName: stringOf(claims['name']) ?? stringOf(claims[config.usernameClaim]) ?? username,
    grant,
    groups,
  };
}
