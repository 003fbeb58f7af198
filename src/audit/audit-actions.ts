/**
 * The actions the audit trail records, as one list so that a typo is a type error and a reader
 * sees every kind of entry in one place. Extend by adding a name here: `<thing>.<past-tense verb>`.
 */
export const AUDIT_ACTIONS = [
  'filing.registered',
  'filing.amended',
  'filing.invalidated',
  'filing.parties-read',
  'import.parties-read',
  'outcome.decided',
  'outcome.overridden',
  'rule.created',
  'rule.changed',
  'rule.retired',
  'watchlist.replaced',
  'watchlist.entry-deleted',
  'control.result-recorded',
  'control.result-proposed',
  'control.result-rejected',
  'control.task-assigned',
  'control.task-cancelled',
  'control.task-carried',
  'filing.amendment-refused',
  'filing.link-consented',
  'rfi.answered',
  'capacity.changed',
  'token.issued',
  'token.revoked',
  'keys.rotated',
  'api-key.created',
  'api-key.rotated',
  'api-key.revoked',
  'retention.purged',
  'rif.shared',
  'rif.received',
  'rif.drafted',
  'rif.issued',
  'rif.amended',
  'rif.withdrawn',
  'rif.expired',
  'rif.read',
  'rif.adopted',
  'rif.noted',
  'rif.declined',
  'rif.feedback-given',
  'sharing.changed',
  'shared.granted',
  'shared.read',
  'directory.changed',
  'webhook.registered',
  'webhook.deleted',
  'webhook.replayed',
  'registry.record-created',
  'registry.record-changed',
  'registry.imported',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
