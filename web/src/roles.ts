/**
 * Which screens a role works in, as the server's permission table (src/auth/permissions.ts) allows
 * them: the officer's controls (control.read), the auditor's trail (audit.read), and the screen a
 * person lands on after signing in.
 */
const CONTROL_ROLES = new Set(['officer', 'analyst', 'coordinator', 'auditor', 'admin']);
const AUDIT_ROLES = new Set(['auditor', 'admin']);
/** indicator.read: the Dashboard. */
const INDICATOR_ROLES = new Set(['analyst', 'coordinator', 'auditor', 'admin']);
/** Those who manage watchlists (rule.write). */
const WATCHLIST_ROLES = new Set(['analyst', 'coordinator', 'admin']);

export const mayUseControls = (role: string): boolean => CONTROL_ROLES.has(role);
export const mayAudit = (role: string): boolean => AUDIT_ROLES.has(role);
export const mayReadIndicators = (role: string): boolean => INDICATOR_ROLES.has(role);
export const mayUseWatchlists = (role: string): boolean => WATCHLIST_ROLES.has(role);

/** Officers start at their controls, auditors at the trail, everyone else at the queue. */
export function homeOf(role: string): '/controls' | '/audit' | '/queue' {
  return role === 'officer' ? '/controls' : role === 'auditor' ? '/audit' : '/queue';
}

/** rif.read: officials and partner agencies read risk information forms. */
const RIF_READ_ROLES = new Set(['analyst', 'officer', 'coordinator', 'auditor', 'admin', 'partner']);
/** rif.feedback: those who give feedback on a RIF sent to them. */
const RIF_FEEDBACK_ROLES = new Set(['analyst', 'officer', 'coordinator', 'admin']);
/** operation.read: joint operations. */
const OPERATION_READ_ROLES = new Set(['analyst', 'officer', 'coordinator', 'auditor', 'admin']);

export const mayReadRifs = (role: string): boolean => RIF_READ_ROLES.has(role);
export const mayGiveRifFeedback = (role: string): boolean => RIF_FEEDBACK_ROLES.has(role);
export const mayReadOperations = (role: string): boolean => OPERATION_READ_ROLES.has(role);
/** The Cooperation screen: RIFs, operations or both. */
export const mayCooperate = (role: string): boolean => mayReadRifs(role) || mayReadOperations(role);
