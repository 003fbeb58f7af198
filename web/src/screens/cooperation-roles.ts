/**
 * Who may act on RIFs and operations, as the server's permission table (src/auth/permissions.ts)
 * allows: kept apart from ../roles.ts so that only the Cooperation screen's chunks carry it.
 */
/** rif.write: those who draft, issue, amend and withdraw RIFs. */
const RIF_WRITE_ROLES = new Set(['analyst', 'coordinator', 'admin', 'partner']);
/** rif.decide: those who adopt, note or decline a RIF sent to their authority. */
const RIF_DECIDE_ROLES = new Set(['analyst', 'coordinator', 'admin']);
/** operation.participate: those who accept an operation for their authority. */
const OPERATION_PARTICIPATE_ROLES = new Set(['analyst', 'coordinator', 'admin']);
/** operation.message: those who write in an operation's channel. */
const OPERATION_MESSAGE_ROLES = new Set(['analyst', 'officer', 'coordinator', 'admin']);

export const mayWriteRifs = (role: string): boolean => RIF_WRITE_ROLES.has(role);
export const mayDecideRifs = (role: string): boolean => RIF_DECIDE_ROLES.has(role);
export const mayParticipate = (role: string): boolean => OPERATION_PARTICIPATE_ROLES.has(role);
export const mayWriteMessages = (role: string): boolean => OPERATION_MESSAGE_ROLES.has(role);
