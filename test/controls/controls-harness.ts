/**
 * The controls feature on a real database, wired the way the composition root will wire it: the
 * assessment service's `onAssessed` hook creates control tasks, and `review` is followed by the
 * `onReviewed` hook the assessment service does not call yet (see the report of the controls work).
 * Filings go through the real intake and assessment; no SQL is mocked.
 */
import {
  AssessmentRepository,
  AssessmentService,
  DEFAULT_ENTRY_OUTCOME,
  RiskContextCache,
} from '../../src/assessment/index.ts';
import type { ReadyEvent } from '../../src/assessment/index.ts';
import { NotificationRepository } from '../../src/notifications/index.ts';
import { OperatorRepository } from '../../src/operators/index.ts';
import { RuleRepository, RuleService, RuleSetCache } from '../../src/rules/index.ts';
import { AuditLog } from '../../src/audit/index.ts';
import { ControlRepository, ControlService } from '../../src/controls/index.ts';
import { FilingRepository, FilingService } from '../../src/intake/index.ts';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { testClock } from '../support/test-app.ts';
import type { DatabaseTarget, TestClock } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import type { Actor, Role } from '../../src/auth/index.ts';

export interface ControlsHarness {
  readonly db: Database;
  readonly clock: TestClock;
  readonly controls: ControlService;
  readonly assessments: AssessmentService;
  readonly rules: RuleService;
  readonly filings: FilingService;
  readonly assessmentRepo: AssessmentRepository;
  readonly filingRepo: FilingRepository;
  /** Registers a filing (changed by `edit`) as filer NL/acme and assesses it; returns its MRN. */
  fileAndAssess(lrn: string, edit?: (f: Record<string, any>) => void): Promise<string>;
  /** An analyst reviews a hit, then the review hook runs in its own transaction. */
  review(mrn: string, hitId: string, decision: 'confirmed' | 'dismissed', reason?: string): Promise<void>;
  close(): Promise<void>;
}

export const actor = (role: Role, subject: string = role, authority = 'NL'): Actor => ({
  role,
  subject,
  authority,
});

/** A rule that asks for a physical check of smartphones (the default filing's goods). */
export const PHONES_RULE = {
  id: 'R-PHONES',
  title: 'Smartphones',
  riskArea: 'ipr',
  weight: 40,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'counterfeit phones seen on this lane',
  condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
};

export async function startControls(target: DatabaseTarget, clock = testClock()): Promise<ControlsHarness> {
  const db = await target.open();
  await migrate(db);
  const assessmentRepo = new AssessmentRepository();
  const filingRepo = new FilingRepository();
  const ruleRepo = new RuleRepository();
  const ruleSets = new RuleSetCache(db, ruleRepo, { clock, checkEveryMs: 0 });
  const contexts = new RiskContextCache(db, ruleSets, assessmentRepo, clock, 0);
  const controlRepo = new ControlRepository();
  const operators = new OperatorRepository();
  const controls = new ControlService({
    db,
    repo: controlRepo,
    operators,
    clock,
    audit: new AuditLog({ clock }),
  });
  const assessments = new AssessmentService({
    db,
    repo: assessmentRepo,
    filings: filingRepo,
    operators,
    notifications: new NotificationRepository(),
    contexts,
    clock,
    // No random selections: tests decide which consignments are controlled.
    outcomes: { ...DEFAULT_ENTRY_OUTCOME, randomRate: 0 },
    onAssessed: controls.assessmentHooks().onAssessed,
  });
  const filings = new FilingService({ db, repo: filingRepo, clock });
  const rules = new RuleService({
    db,
    repo: ruleRepo,
    filings: filingRepo,
    ruleSets,
    operators,
    controlOutcomes: (q, authority, from, to) => controlRepo.outcomesOfLodged(q, authority, from, to),
    clock,
  });
  return {
    db,
    clock,
    controls,
    assessments,
    rules,
    filings,
    assessmentRepo,
    filingRepo,
    async fileAndAssess(lrn, edit) {
      const body = validFiling(clock.now(), { lrn });
      edit?.(body);
      const r = await filings.register(actor('filer', 'acme'), body);
      const event: ReadyEvent = { mrn: r.filing.mrn, authority: 'NL', version: 1 };
      await assessments.handleReady(event);
      return r.filing.mrn;
    },
    async review(mrn, hitId, decision, reason) {
      const analyst = actor('analyst', 'ana');
      const revised = await assessments.review(analyst, mrn, { consignment: 0, hitId, decision, reason });
      await db.transaction(async (tx) => {
        const row = await filingRepo.findByMrn(tx, 'NL', mrn);
        await controls
          .assessmentHooks()
          .onReviewed(tx, revised, { hitId, decision, reviewer: analyst.subject }, row!);
      });
    },
    close: () => db.close(),
  };
}
