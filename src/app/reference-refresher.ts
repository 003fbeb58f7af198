/**
 * Keeps the reference data in memory current when another process imports (a `vigil reference import`
 * on the database, another server): each round reads the newest import's id and reloads when it
 * changed. An import through this process reloads at once.
 */
import type { ReferenceService } from '../reference/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startReferenceRefresher(
  reference: Pick<ReferenceService, 'refresh'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): Periodic {
  return startPeriodic(() => reference.refresh(), {
    firstMs: options.intervalMs ?? 10_000,
    intervalMs: options.intervalMs ?? 10_000,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
}
