/**
 * Judges noisy rules on a schedule (VIGIL_RULE_CAP_EVERY_MINUTES, default 15; 0: off): per
 * authority, RuleCapService.evaluate caps the rule versions over their limits and tells their
 * authors. Several processes may run it: a rule version has at most one standing cap (the database
 * keeps it so), and only the process that stored a cap sends the notice.
 */
import type { AppDeps } from './compose.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startRuleCapSchedule(
  deps: Pick<AppDeps, 'db' | 'ruleRepo' | 'ruleCaps' | 'log'>,
  options: { readonly firstAfterMs?: number; readonly onError?: (err: unknown) => void } = {},
): Periodic {
  const minutes = deps.ruleCaps.settings.everyMinutes;
  if (minutes <= 0) {
    return { stop: () => Promise.resolve() };
  }
  const round = async (): Promise<void> => {
    for (const authority of await deps.ruleRepo.authoritiesWithRules(deps.db)) {
      for (const cap of await deps.ruleCaps.evaluate(authority)) {
        deps.log.info(
          { authority, rule: cap.rule, version: cap.version, reason: cap.reason },
          'rule capped as noisy',
        );
      }
    }
  };
  return startPeriodic(round, {
    firstMs: options.firstAfterMs ?? 60_000,
    intervalMs: minutes * 60_000,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
}
