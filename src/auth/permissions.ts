/**
 * The one table of who may do what. Every service action starts with `requirePermission(actor, p)`;
 * what a filer may see of an authority's records is `visibleTo`. The security tests derive their
 * role × route matrix from this table, so a change here is a change to what the tests expect.
 */
import { VigilError } from '../errors/index.ts';
import type { Actor, Role } from './actor.ts';
import { CUSTOMS_AND_TRADE_ROLES } from './actor.ts';

/** The roles of the customs authority itself: everyone but the trade's filers and partner agencies. */
export const OFFICIAL_ROLES: readonly Role[] = CUSTOMS_AND_TRADE_ROLES.filter((r) => r !== 'filer');
const ROLES = CUSTOMS_AND_TRADE_ROLES;

interface PermissionSpec {
  readonly roles: readonly Role[];
  /** What a refused caller is told (no role names where listing them would help nobody). */
  readonly denied: string;
}

const permission = (roles: readonly Role[], denied: string): PermissionSpec => ({ roles, denied });

export const PERMISSIONS = {
  // Entry summary declarations.
  'filing.lodge': permission(['filer', 'admin'], 'only filers lodge, amend or invalidate filings'),
  'filing.read': permission(ROLES, 'filings are for their filer and the authority'),
  // Assessments, outcomes and what follows from them.
  'assessment.read': permission(
    OFFICIAL_ROLES,
    'filers see the outcome (GET /v1/filings/{mrn}/outcome), not the assessment',
  ),
  'outcome.read': permission(ROLES, 'outcomes are for the filer and the authority'),
  'hit.review': permission(['analyst', 'admin'], 'only analysts review hits'),
  'rfi.answer': permission(['filer', 'admin'], 'only the filer answers a request for information'),
  'notification.read': permission(ROLES, 'notifications are for their filer and the authority'),
  'webhook.manage': permission(
    ['filer', 'admin'],
    "only filers (their own) and admins (the authority's) manage webhook endpoints",
  ),
  // Analysts' rules and watchlists.
  'rule.read': permission(OFFICIAL_ROLES, 'filers do not see risk rules'),
  'rule.write': permission(['analyst', 'coordinator', 'admin'], 'only analysts manage rules and watchlists'),
  /** Lifting the cap put on a noisy rule (the rule-caps feature caps; an analyst lifts). */
  'rule.cap-lift': permission(
    ['analyst', 'coordinator', 'admin'],
    'only analysts lift the cap on a noisy rule',
  ),
  /** Notices addressed to the caller (a rule's author told that it was capped). */
  'notice.read': permission(OFFICIAL_ROLES, 'staff notices are for customs officials'),
  'rule.comment': permission(
    ['analyst', 'officer', 'coordinator', 'admin'],
    'analysts, officers and coordinators comment on rules',
  ),
  // Controls.
  'control.read': permission(
    ['officer', 'analyst', 'coordinator', 'auditor', 'admin'],
    'control tasks are for customs officials',
  ),
  'control.assign': permission(
    ['officer', 'coordinator', 'admin'],
    'only officers, coordinators and admins assign control tasks',
  ),
  /** Giving a task to someone else, or taking one another officer holds. */
  'control.assign-others': permission(
    ['coordinator', 'admin'],
    'officers take tasks for themselves; a coordinator assigns others',
  ),
  'control.record': permission(
    ['officer', 'coordinator', 'admin'],
    'only officers (on their own tasks), coordinators and admins record control results',
  ),
  // Import declarations (H1/H7) and office capacity.
  'import.lodge': permission(['filer', 'admin'], 'your role may not lodge import declarations'),
  'import.read': permission(OFFICIAL_ROLES, 'your role may not list import declarations'),
  /** One declaration: a filer sees its own (the lane only), officials every one. */
  'import.view': permission(ROLES, 'import declarations are for their filer and the authority'),
  'capacity.read': permission(OFFICIAL_ROLES, 'your role may not read office capacity'),
  'capacity.write': permission(['analyst', 'coordinator', 'admin'], 'your role may not set office capacity'),
  // Models and the audit trail, also through the API so the embedded default works while serving.
  'model.read': permission(OFFICIAL_ROLES, 'models are for customs officials'),
  'model.write': permission(['analyst', 'admin'], 'only analysts import and activate models'),
  'audit.verify': permission(['auditor', 'admin'], 'only auditors verify the audit trail'),
  'audit.read': permission(['auditor', 'admin'], 'only auditors read the audit trail'),
  // Cooperation between authorities: RIFs, feedback, sharing policies and shared results.
  'directory.read': permission(
    [...OFFICIAL_ROLES, 'partner'],
    'the directory of authorities is for officials',
  ),
  'directory.write': permission(['admin'], 'only admins register authorities in the directory'),
  // API keys for filers' systems: created, rotated and revoked by the authority's admin.
  'apikey.manage': permission(['admin'], "only an authority's admin manages API keys"),
  'rif.read': permission(
    [...OFFICIAL_ROLES, 'partner'],
    'risk information forms are for officials and partner agencies',
  ),
  'rif.write': permission(
    ['analyst', 'coordinator', 'admin', 'partner'],
    'only analysts, coordinators and partner agencies draft, issue and withdraw risk information forms',
  ),
  'rif.decide': permission(
    ['analyst', 'coordinator', 'admin'],
    'only analysts adopt, note or decline a risk information form',
  ),
  'rif.feedback': permission(
    ['analyst', 'officer', 'coordinator', 'admin'],
    'only customs analysts and officers give feedback on a risk information form',
  ),
  // Registries: operators and AEO, mutual recognition, certificates and licences (per authority).
  'registry.read': permission(OFFICIAL_ROLES, 'the registries are for customs officials'),
  'registry.write': permission(
    ['coordinator', 'admin'],
    'only coordinators and admins change the registries of operators and certificates',
  ),
  // Joint operations (PCA, JCO): a coordinator creates them; a participant's analysts accept them,
  // which makes the common criteria their own rules; participants and coordinator read and write
  // in the operation's channel. Whose operation it is, row-level security and the service decide.
  'operation.read': permission(
    ['analyst', 'officer', 'coordinator', 'auditor', 'admin'],
    'operations are for customs officials of their coordinator and participants',
  ),
  'operation.write': permission(['coordinator', 'admin'], 'only coordinators create operations'),
  'operation.participate': permission(
    ['analyst', 'coordinator', 'admin'],
    "only analysts and coordinators accept an operation (its criteria become the authority's rules)",
  ),
  'operation.message': permission(
    ['analyst', 'officer', 'coordinator', 'admin'],
    "only analysts, officers and coordinators write in an operation's channel",
  ),
  // Union-level analysis: the signals a coordinating authority draws from what others share with it.
  'union.read': permission(['coordinator', 'admin'], 'only coordinators read union-level signals'),
  // Common risk criteria from the centre: a coordinator of a coordinating authority (configured)
  // publishes, amends and withdraws them; every member runs them as its own rules and reads them.
  'criteria.read': permission(
    ['analyst', 'officer', 'coordinator', 'auditor', 'admin'],
    'common risk criteria are for customs officials of their coordinator and members',
  ),
  'criteria.publish': permission(
    ['coordinator', 'admin'],
    'only coordinators publish, amend and withdraw common risk criteria',
  ),
  'sharing.read': permission(OFFICIAL_ROLES, 'sharing policies are for customs officials'),
  'sharing.write': permission(['coordinator', 'admin'], 'only coordinators and admins set sharing policies'),
  'indicator.read': permission(
    ['analyst', 'coordinator', 'auditor', 'admin'],
    'performance indicators are for analysts, coordinators, auditors and admins',
  ),
  // Reference data (nomenclature, codelists): shared by every authority; filers' software needs the
  // codes too. Imports change what every authority's filings are checked against.
  'reference.read': permission(
    [...ROLES, 'partner'],
    'reference data is for the authority, its filers and partners',
  ),
  'reference.write': permission(['admin'], 'only admins import reference data'),
  // People's own session in the workbench (sign in, who am I, sign out): anyone with an account.
  'session.self': permission([...ROLES, 'partner'], 'sessions are for people with an account'),
  'shared.read': permission(
    [...OFFICIAL_ROLES, 'partner'],
    'shared results are for officials and partner agencies',
  ),
} as const satisfies Record<string, PermissionSpec>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(actor: Pick<Actor, 'role'>, p: Permission): boolean {
  return rolesWith(p).includes(actor.role);
}

/** Throws VIGIL_FORBIDDEN unless the actor's role holds the permission. */
export function requirePermission(actor: Pick<Actor, 'role'>, p: Permission): void {
  if (!hasPermission(actor, p)) {
    throw new VigilError('VIGIL_FORBIDDEN', PERMISSIONS[p].denied);
  }
}

/** The roles that hold a permission (for the security tests and the API documentation). */
export function rolesWith(p: Permission): readonly Role[] {
  return PERMISSIONS[p].roles;
}

/**
 * A filer sees only what it lodged itself; officials see their authority's (row-level security keeps
 * other authorities out). `owner` is the subject that lodged the record.
 */
export function visibleTo(actor: Actor, owner: string): boolean {
  return actor.role !== 'filer' || owner === actor.subject;
}

/** The filer to restrict a listing to: the filer itself, or nobody for officials. */
export function ownFilerOf(actor: Actor): string | undefined {
  return actor.role === 'filer' ? actor.subject : undefined;
}

/**
 * A filer whose token is bound to EORIs lodges, amends and invalidates only filings whose declarant
 * is one of them (`path` locates the EORI in the body); officials and unbound tokens pass.
 */
export function requireBoundEori(actor: Actor, eori: string, path: string): void {
  if (actor.role === 'filer' && actor.eoris !== undefined && !actor.eoris.includes(eori)) {
    throw new VigilError(
      'VIGIL_EORI_NOT_BOUND',
      `the declarant ${eori} is not one of the EORIs your token files for (${actor.eoris.join(', ')})`,
      [{ code: 'VIGIL_EORI_NOT_BOUND', path, message: `${eori} is not bound to your token` }],
    );
  }
}
