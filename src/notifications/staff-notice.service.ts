/** Notices to the authority's staff: each person reads those addressed to them. */
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Database } from '../store/database.ts';
import type { StaffNotice, StaffNoticeRepository } from './staff-notice.repository.ts';

export class StaffNoticeService {
  readonly #db: Database;
  readonly #repo: StaffNoticeRepository;

  constructor(deps: { readonly db: Database; readonly repo: StaffNoticeRepository }) {
    this.#db = deps.db;
    this.#repo = deps.repo;
  }

  /** The caller's notices, newest first. */
  async mine(actor: Actor, limit: number): Promise<StaffNotice[]> {
    requirePermission(actor, 'notice.read');
    return this.#repo.forRecipient(
      this.#db.forAuthority(actor.authority),
      actor.authority,
      actor.subject,
      limit,
    );
  }
}
