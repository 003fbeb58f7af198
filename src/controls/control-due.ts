/**
 * When a control task is due, by mode of transport: the goods are controlled where and when they
 * arrive, so the task is due at the estimated arrival (postal and express items a little after it,
 * once sorted at the hub), and never sooner than a minimum lead time from now so an office always
 * has time to act. Pure.
 */

const HOUR_MS = 3_600_000;

/** Hours after the estimated arrival by which the control is due. */
export const DUE_AFTER_ARRIVAL_HOURS: Readonly<Record<string, number>> = Object.freeze({
  maritime: 0,
  air: 0,
  road: 0,
  rail: 0,
  'inland-waterway': 0,
  postal: 24,
  express: 4,
});

export interface DueOptions {
  /** At least this long from now (hours); default 2. */
  readonly minLeadHours?: number | undefined;
  /** When the arrival is unknown or unreadable (hours from now); default 24. */
  readonly fallbackHours?: number | undefined;
}

export function controlDueAt(
  mode: string,
  estimatedArrival: string | undefined,
  now: Date,
  options: DueOptions = {},
): Date {
  const earliest = now.getTime() + (options.minLeadHours ?? 2) * HOUR_MS;
  const arrival = estimatedArrival === undefined ? Number.NaN : Date.parse(estimatedArrival);
  if (Number.isNaN(arrival)) {
    return new Date(Math.max(earliest, now.getTime() + (options.fallbackHours ?? 24) * HOUR_MS));
  }
  const after = DUE_AFTER_ARRIVAL_HOURS[mode] ?? 0;
  return new Date(Math.max(earliest, arrival + after * HOUR_MS));
}
