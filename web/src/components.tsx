/** Small shared pieces of the workbench: errors in words, the countdown, severity badges. */
import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiProblem } from './api/client';

/** A problem shown in words: what the server said and what to do about it. */
export function ErrorPanel({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const status = error instanceof ApiProblem ? error.status : 0;
  const hint =
    status === 401 || status === 403 || status === 404 || status === 409 || status === 423
      ? t(`error.hint${status}`)
      : status >= 400 && status < 500
        ? t('error.hint4xx')
        : t('error.hint5xx');
  const title = error instanceof ApiProblem ? error.title : t('error.title');
  const detail = error instanceof ApiProblem ? error.detail : error instanceof Error ? error.message : '';
  return (
    <div role="alert" className="problem">
      <p className="problem-title">{title}</p>
      {detail !== '' && <p>{detail}</p>}
      <p>{t('error.what', { hint })}</p>
      {onRetry !== undefined && (
        <Button className="button secondary" onPress={onRetry}>
          {t('error.retry')}
        </Button>
      )}
    </div>
  );
}

/** The current time, refreshed every `everyMs` (for countdowns). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/** A length of time in words: days and hours, hours and minutes, or minutes. */
export function duration(ms: number, t: TFunction): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) {
    return `${t('time.d', { n: days })} ${t('time.h', { n: hours })}`;
  }
  if (hours > 0) {
    return `${t('time.h', { n: hours })} ${t('time.min', { n: minutes % 60 })}`;
  }
  return t('time.min', { n: minutes });
}

/** Time left before an arrival, or since it. */
export function timeLeft(arrival: string | null | undefined, now: number, t: TFunction): string {
  if (arrival === null || arrival === undefined) {
    return t('time.unknown');
  }
  const ms = new Date(arrival).getTime() - now;
  return ms >= 0 ? t('time.left', { time: duration(ms, t) }) : t('time.arrived', { time: duration(-ms, t) });
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

export function SeverityCounts({ counts }: { counts: Record<(typeof SEVERITIES)[number], number> }) {
  const { t } = useTranslation();
  return (
    <span className="severities">
      {SEVERITIES.filter((s) => counts[s] > 0).map((s) => (
        <span key={s} className={`badge sev-${s}`}>
          {counts[s]} {t(`severity.${s}`)}
        </span>
      ))}
    </span>
  );
}
