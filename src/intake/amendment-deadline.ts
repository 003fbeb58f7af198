/**
 * Until when an ENS may be amended. ICS2 accepts no amendment once the goods have arrived and been
 * presented, or once the office has notified a control decision. Vigil holds the estimated arrival
 * and the transport mode of the version on file, and knows when a control of the filing has a result
 * (the goods were presented and controlled): amendments close a margin before the estimated arrival,
 * per mode, so that amended data is assessed, and any control it triggers reaches the office, before
 * the goods do. The margins default to the shortest "before arrival" lodging windows ICS2 sets for
 * the mode (short-sea, rail and inland waterway 2 hours; road 1 hour; air, postal and express 1 hour,
 * as road) and can be set per mode with VIGIL_AMENDMENT_CLOSE_MINUTES. Pure.
 *
 * The arrival is that of the version on file, never of the amendment: otherwise an amendment could
 * move its own deadline. A later arrival is announced by amending before the current one passes.
 */
import type { Filing } from '../domain/index.ts';

const MINUTE_MS = 60_000;

/** Minutes before the estimated arrival at which amendments close, by mode. */
export const AMENDMENT_CLOSE_MINUTES: Readonly<Record<string, number>> = Object.freeze({
  maritime: 120,
  'inland-waterway': 120,
  rail: 120,
  road: 60,
  air: 60,
  postal: 60,
  express: 60,
});

/** When amendments of this filing close; undefined when it has no transport or its arrival cannot be read. */
export function amendmentDeadline(
  onFile: Filing,
  closeMinutes: Readonly<Record<string, number>> = {},
): { at: Date; minutesBeforeArrival: number } | undefined {
  // A filing without transport (a house part, a pre-loading set) has no arrival of its own.
  if (onFile.transport === undefined) {
    return undefined;
  }
  const arrival = Date.parse(onFile.transport.estimatedArrival);
  if (Number.isNaN(arrival)) {
    return undefined;
  }
  const mode = onFile.transport.mode;
  const minutes = closeMinutes[mode] ?? AMENDMENT_CLOSE_MINUTES[mode] ?? 0;
  return { at: new Date(arrival - minutes * MINUTE_MS), minutesBeforeArrival: minutes };
}
