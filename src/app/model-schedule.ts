/**
 * Retrains the entry-summary model on a schedule (VIGIL_MODEL_RETRAIN_HOURS; off by default on the
 * embedded database): every hour it looks, per authority, whether the latest model is older than the
 * interval, and if so trains a challenger that is promoted only when it beats the champion
 * (EnsModelService.scheduledRound), then logs the drift of the champion's scores. Several processes
 * running it train about once per interval: the age of the latest model is read from the database.
 */
import type { AppDeps } from './compose.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startModelSchedule(
  deps: Pick<AppDeps, 'db' | 'filingRepo' | 'ensModels' | 'log'>,
  options: { readonly firstAfterMs?: number; readonly onError?: (err: unknown) => void } = {},
): Periodic {
  const hours = deps.ensModels.config.retrainHours;
  if (hours <= 0) {
    return { stop: () => Promise.resolve() };
  }
  const round = async (): Promise<void> => {
    for (const authority of await deps.filingRepo.authoritiesWithFilings(deps.db)) {
      const report = await deps.ensModels.scheduledRound(authority);
      if (report !== undefined) {
        deps.log.info(
          {
            authority,
            version: report.version,
            activated: report.activated,
            reason: report.card.decision.reason,
          },
          'entry-summary model retrained',
        );
      }
      try {
        const drift = await deps.ensModels.drift('system', authority);
        deps.log.info({ authority, ...drift, bins: undefined }, 'entry-summary model drift');
      } catch {
        // No active model: nothing drifts.
      }
    }
  };
  return startPeriodic(round, {
    firstMs: options.firstAfterMs ?? 10 * 60_000,
    intervalMs: Math.min(hours, 1) * 3_600_000,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
}
