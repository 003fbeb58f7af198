/**
 * People's accounts and sessions (issue 16): local accounts with argon2id password hashes, sign-in
 * with a lockout after repeated wrong passwords, and server-side sessions with an idle and an
 * absolute timeout. A session yields the same Actor a bearer token does (subject, authority, role,
 * office), so every route and permission works unchanged for a person in the workbench.
 *
 * Sessions are rows, not signed tokens: signing out, disabling an account or the idle timeout must
 * end a session at once on every process, which a self-contained token cannot do without a deny
 * list; the row is found by the SHA-256 of the cookie's value, so the table holds nothing that signs
 * anyone in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Actor, Role, SessionAuthenticator } from '../auth/index.ts';
import { officeOfAuthority } from '../auth/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError, fromZodIssues, parseInput } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { PeopleRepository, UserAccountRow } from './people.repository.ts';
import { newUserSchema, signInSchema } from './people.schema.ts';
import type { SessionView } from './people.schema.ts';
import type { ExternalIdentity } from './oidc-identity.ts';

export interface PeopleConfig {
  readonly idleMs: number;
  readonly absoluteMs: number;
  readonly maxFailures: number;
  readonly lockMs: number;
  /** False: sign-in with a password is refused (people sign in through the identity provider). */
  readonly localPasswords?: boolean;
}

export interface PeopleServiceDeps {
  /** The service's connection: accounts are found by username before the authority is known. */
  readonly db: Database;
  readonly repo: PeopleRepository;
  readonly clock: Clock;
  readonly config: PeopleConfig;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
}

/** An account as `vigil users list` shows it. */
export interface UserView {
  readonly username: string;
  readonly authority: string;
  readonly displayName: string;
  readonly role: string;
  readonly office: string | undefined;
  readonly disabled: boolean;
  readonly lockedUntil: string | undefined;
}

/** A session just opened: the cookie's value (shown this once) and what the workbench is told. */
export interface SignedIn {
  readonly sessionId: string;
  readonly view: SessionView;
}

// Argon2id (the library's Algorithm.Argon2id, a const enum that type stripping cannot read) with the
// library's memory and time costs (19 MiB, t=2: OWASP's recommended minimum).
const HASH_OPTIONS = { algorithm: 2 } as const;
/** last_seen_at is written at most this often per session: a busy workbench is not a hot row. */
const TOUCH_EVERY_MS = 30_000;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function viewOfAccount(a: UserAccountRow): UserView {
  return {
    username: a.username,
    authority: a.authority,
    displayName: a.display_name,
    role: a.role,
    office: a.office ?? undefined,
    disabled: a.disabled,
    lockedUntil: a.locked_until === null ? undefined : new Date(a.locked_until).toISOString(),
  };
}

function actorOfAccount(a: UserAccountRow): Actor {
  return {
    subject: a.username,
    authority: a.authority,
    role: a.role as Role,
    ...(a.office !== null ? { office: a.office } : {}),
  };
}

export class PeopleService implements SessionAuthenticator {
  readonly #d: PeopleServiceDeps;
  /** A hash to verify against when the username is unknown, so the answer takes as long. */
  #dummy: Promise<string> | undefined;

  constructor(deps: PeopleServiceDeps) {
    this.#d = deps;
  }

  /** Adds an account (`vigil users add`, the demo users); refused when the username is taken. */
  async add(input: unknown, by: string): Promise<UserView> {
    const parsed = newUserSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_USER_INVALID',
        'the user is invalid',
        fromZodIssues(parsed.error.issues, 'the user'),
      );
    }
    const u = parsed.data;
    if (u.office !== undefined && !officeOfAuthority(u.office, u.authority)) {
      throw new VigilError('VIGIL_USER_INVALID', `office ${u.office} is not an office of ${u.authority}`);
    }
    const now = this.#d.clock.now();
    const passwordHash = await hash(u.password, HASH_OPTIONS);
    const row = {
      username: u.username,
      authority: u.authority,
      display_name: u.displayName,
      role: u.role,
      office: u.office ?? null,
      created_at: now,
      created_by: by,
    };
    await this.#d.db.transaction(async (tx) => {
      if (!(await this.#d.repo.insertAccount(tx, row, passwordHash))) {
        throw new VigilError('VIGIL_CONFLICT', `the username ${u.username} is taken`);
      }
      await this.#d.audit?.stage(tx, [
        {
          authority: u.authority,
          actor: by,
          action: 'user.created',
          subject: u.username,
          at: now,
          details: { role: u.role, office: u.office ?? null },
        },
      ]);
    });
    return viewOfAccount({ ...row, disabled: false, failed_attempts: 0, locked_until: null });
  }

  async list(authority?: string): Promise<UserView[]> {
    return (await this.#d.repo.list(this.#d.db, authority)).map(viewOfAccount);
  }

  /** Disables an account and ends its sessions at once. */
  async disable(username: string, by: string): Promise<UserView> {
    const now = this.#d.clock.now();
    return this.#d.db.transaction(async (tx) => {
      const row = await this.#d.repo.setDisabled(tx, username);
      if (row === undefined) {
        throw new VigilError('VIGIL_NOT_FOUND', `no user ${username}`);
      }
      await this.#d.repo.endSessionsOf(tx, username, now);
      await this.#d.audit?.stage(tx, [
        { authority: row.authority, actor: by, action: 'user.disabled', subject: username, at: now },
      ]);
      return viewOfAccount(row);
    });
  }

  /** How many accounts the instance has (the demo users are added only to an instance with none). */
  async count(): Promise<number> {
    return this.#d.repo.count(this.#d.db);
  }

  /**
   * Checks a username and password and opens a session. A wrong password counts against the
   * account; the last allowed one locks it for the configured time. The answer for an unknown
   * username is the same as for a wrong password, after the same work.
   */
  async signIn(input: unknown): Promise<SignedIn> {
    const { username, password } = parseInput(signInSchema, input);
    const { db, repo, clock, config } = this.#d;
    if (config.localPasswords === false) {
      throw new VigilError(
        'VIGIL_LOCAL_SIGN_IN_DISABLED',
        'this instance does not take passwords: use the identity provider’s button on the sign-in screen',
      );
    }
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      const found = await repo.forSignIn(tx, username);
      if (found === undefined) {
        this.#dummy ??= hash('not a password of anyone', HASH_OPTIONS);
        await verify(await this.#dummy, password);
        return {
          ok: false as const,
          error: new VigilError('VIGIL_SIGN_IN_FAILED', 'check both and try again'),
        };
      }
      const { account } = found;
      const refuse = async (error: VigilError, why: string): Promise<{ ok: false; error: VigilError }> => {
        await this.#d.audit?.stage(tx, [
          {
            authority: account.authority,
            actor: `${account.role}:${account.username}`,
            action: 'user.sign-in-refused',
            subject: account.username,
            at: now,
            details: { why },
          },
        ]);
        return { ok: false as const, error };
      };
      if (account.disabled) {
        return refuse(
          new VigilError('VIGIL_ACCOUNT_LOCKED', 'this account is disabled; ask your administrator'),
          'disabled',
        );
      }
      const lockedUntil = account.locked_until === null ? undefined : new Date(account.locked_until);
      if (lockedUntil !== undefined && lockedUntil.getTime() > now.getTime()) {
        return refuse(
          new VigilError(
            'VIGIL_ACCOUNT_LOCKED',
            `too many wrong passwords: the account is locked until ${lockedUntil.toISOString()}; try again then or ask your administrator`,
          ),
          'locked',
        );
      }
      if (!(await verify(found.hash, password))) {
        // A lock that has run out starts a fresh count.
        const failures = (lockedUntil !== undefined ? 0 : account.failed_attempts) + 1;
        if (lockedUntil !== undefined) {
          await repo.clearFailures(tx, username);
        }
        const lock = failures >= config.maxFailures ? new Date(now.getTime() + config.lockMs) : null;
        await repo.recordFailure(tx, username, lock);
        return refuse(
          lock !== null
            ? new VigilError(
                'VIGIL_ACCOUNT_LOCKED',
                `too many wrong passwords: the account is locked until ${lock.toISOString()}`,
              )
            : new VigilError('VIGIL_SIGN_IN_FAILED', 'check both and try again'),
          lock !== null ? 'wrong password; locked' : 'wrong password',
        );
      }
      await repo.clearFailures(tx, username);
      return { ok: true as const, ...(await this.#open(tx, account, now, { method: 'password' })) };
    });
    if (!result.ok) {
      throw result.error;
    }
    return { sessionId: result.sessionId, view: result.view };
  }

  /** Opens a session for an account that has proved who it is, and audits the sign-in. */
  async #open(
    tx: Queryable,
    account: UserAccountRow,
    now: Date,
    details: Record<string, unknown>,
  ): Promise<SignedIn> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.#d.config.absoluteMs);
    await this.#d.repo.insertSession(tx, {
      idHash: sha256(sessionId),
      username: account.username,
      csrf,
      at: now,
      expiresAt,
    });
    await this.#d.audit?.stage(tx, [
      {
        authority: account.authority,
        actor: `${account.role}:${account.username}`,
        action: 'user.signed-in',
        subject: account.username,
        at: now,
        details,
      },
    ]);
    return { sessionId, view: this.#view(account, csrf, expiresAt) };
  }

  /**
   * Opens a session for a person the identity provider signed in (docs/security.md, "Sign-in"). The
   * first sign-in makes their account, linked to the provider's issuer and subject; later ones
   * find it by that link and take the role, office and name the provider's groups give now. A
   * person disabled in Vigil stays refused whatever the provider says; a person in no mapped group
   * is refused; an account of the same name that is not linked to them is never taken over.
   */
  async signInWithIdentity(identity: ExternalIdentity): Promise<SignedIn> {
    const { db, repo, clock } = this.#d;
    const now = clock.now();
    const link = { issuer: identity.issuer, subject: identity.subject };
    const via = { method: 'oidc', issuer: identity.issuer };
    const result = await db.transaction(async (tx) => {
      const refuse = async (
        account: UserAccountRow,
        error: VigilError,
        why: string,
      ): Promise<{ ok: false; error: VigilError }> => {
        await this.#d.audit?.stage(tx, [
          {
            authority: account.authority,
            actor: `${account.role}:${account.username}`,
            action: 'user.sign-in-refused',
            subject: account.username,
            at: now,
            details: { ...via, why },
          },
        ]);
        return { ok: false as const, error };
      };
      const linked = await repo.linkedAccount(tx, identity.issuer, identity.subject);
      if (linked?.disabled === true) {
        return refuse(
          linked,
          new VigilError('VIGIL_ACCOUNT_LOCKED', 'this account is disabled in Vigil; ask your administrator'),
          'disabled',
        );
      }
      const { grant } = identity;
      const unmapped = new VigilError(
        'VIGIL_OIDC_UNMAPPED',
        `none of your groups at the identity provider (${identity.groups.length === 0 ? 'none' : identity.groups.join(', ')}) gives a role in Vigil; ask your administrator to add you to one`,
      );
      if (grant === undefined) {
        return linked !== undefined
          ? refuse(linked, unmapped, 'no mapped group')
          : { ok: false as const, error: unmapped };
      }
      if (linked === undefined) {
        const row = {
          username: identity.username,
          authority: grant.authority,
          display_name: identity.displayName,
          role: grant.role,
          office: grant.office ?? null,
          created_at: now,
          created_by: `oidc:${identity.issuer}`,
        };
        if (!(await repo.insertLinkedAccount(tx, row, link))) {
          const other = await repo.account(tx, identity.username);
          const error = new VigilError(
            'VIGIL_OIDC_ACCOUNT_CONFLICT',
            `the username ${identity.username} belongs to another Vigil account, not linked to you; ask your administrator`,
          );
          return other !== undefined
            ? refuse(other, error, 'username taken by an account not linked to this identity')
            : { ok: false as const, error };
        }
        const account: UserAccountRow = { ...row, disabled: false, failed_attempts: 0, locked_until: null };
        await this.#d.audit?.stage(tx, [
          {
            authority: grant.authority,
            actor: `oidc:${identity.issuer}`,
            action: 'user.created',
            subject: identity.username,
            at: now,
            details: { ...via, role: grant.role, office: grant.office ?? null },
          },
        ]);
        return { ok: true as const, ...(await this.#open(tx, account, now, via)) };
      }
      if (linked.authority !== grant.authority) {
        return refuse(
          linked,
          new VigilError(
            'VIGIL_OIDC_ACCOUNT_CONFLICT',
            `your groups now give a role at ${grant.authority}, but your Vigil account is at ${linked.authority}; ask your administrator`,
          ),
          `groups give authority ${grant.authority}`,
        );
      }
      const account: UserAccountRow = {
        ...linked,
        role: grant.role,
        office: grant.office ?? null,
        display_name: identity.displayName,
      };
      await repo.updateLinkedAccount(tx, link, account, now);
      const changed =
        linked.role !== account.role || linked.office !== account.office
          ? {
              previousRole: linked.role,
              previousOffice: linked.office,
              role: account.role,
              office: account.office,
            }
          : {};
      return { ok: true as const, ...(await this.#open(tx, account, now, { ...via, ...changed })) };
    });
    if (!result.ok) {
      throw result.error;
    }
    return { sessionId: result.sessionId, view: result.view };
  }

  #view(account: UserAccountRow, csrfToken: string, expiresAt: Date): SessionView {
    return {
      username: account.username,
      displayName: account.display_name,
      authority: account.authority,
      role: account.role,
      ...(account.office !== null ? { office: account.office } : {}),
      csrfToken,
      expiresAt: expiresAt.toISOString(),
      idleTimeoutSeconds: Math.round(this.#d.config.idleMs / 1000),
    };
  }

  /** The actor of a session cookie, or VIGIL_SESSION_EXPIRED (ended, idle too long, past its end). */
  async authenticate(
    sessionId: string,
    options: { readonly touch?: boolean } = {},
  ): Promise<{ readonly actor: Actor; readonly csrfToken: string }> {
    const { view } = await this.session(sessionId, options);
    return {
      actor: {
        subject: view.username,
        authority: view.authority,
        role: view.role as Role,
        ...(view.office !== undefined ? { office: view.office } : {}),
      },
      csrfToken: view.csrfToken,
    };
  }

  /** The session a cookie names, as GET /v1/session answers; refreshes its idle time unless `touch` is false. */
  async session(
    sessionId: string,
    options: { readonly touch?: boolean } = {},
  ): Promise<{ readonly actor: Actor; readonly view: SessionView }> {
    const { db, repo, clock, config } = this.#d;
    const now = clock.now();
    const idHash = sha256(sessionId);
    const s = await repo.session(db, idHash);
    const ended = (why: string): VigilError => new VigilError('VIGIL_SESSION_EXPIRED', why);
    if (s?.account.disabled === true) {
      throw ended('this account is disabled; ask your administrator');
    }
    if (s === undefined || s.ended_at !== null) {
      throw ended('you are signed out: sign in again');
    }
    if (now.getTime() >= s.expires_at.getTime()) {
      throw ended('the session reached its maximum length: sign in again');
    }
    if (now.getTime() - s.last_seen_at.getTime() >= config.idleMs) {
      throw ended(`no activity for ${Math.round(config.idleMs / 60_000)} minutes: sign in again`);
    }
    if (options.touch !== false && now.getTime() - s.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
      await repo.touchSession(db, idHash, now);
    }
    return { actor: actorOfAccount(s.account), view: this.#view(s.account, s.csrf_token, s.expires_at) };
  }

  /** Ends the session a cookie names (signing out twice is fine). */
  async signOut(sessionId: string): Promise<void> {
    const { db, repo, clock } = this.#d;
    const now = clock.now();
    const idHash = sha256(sessionId);
    await db.transaction(async (tx) => {
      const s = await repo.session(tx, idHash);
      if (s === undefined || s.ended_at !== null) {
        return;
      }
      await repo.endSession(tx, idHash, now);
      await this.#d.audit?.stage(tx, [
        {
          authority: s.account.authority,
          actor: `${s.account.role}:${s.account.username}`,
          action: 'user.signed-out',
          subject: s.account.username,
          at: now,
        },
      ]);
    });
  }
}
