/**
 * A backtest's days, as the rule screen and the RIF adoption preview show them: the chart (loaded on
 * demand) and, for anyone who cannot see it, the same figures in a table under a disclosure. The
 * words come from the screen that shows it.
 */
import { Suspense, lazy, useMemo } from 'react';

const BacktestChart = lazy(() => import('./BacktestChart'));

export interface BacktestDaysWords {
  readonly title: string;
  readonly loading: string;
  readonly table: string;
  readonly day: string;
  readonly assessed: string;
  readonly hits: string;
  readonly added: string;
}

export function BacktestDays({
  days,
  words,
  caption = false,
  assessedOnly = false,
}: {
  readonly days: readonly { day: string; assessed: number; hits: number; addedControlLoad: number }[];
  readonly words: BacktestDaysWords;
  /** The table names itself (visually hidden) with the chart's title. */
  readonly caption?: boolean;
  /** The table lists only the days with traffic. */
  readonly assessedOnly?: boolean;
}) {
  const labels = useMemo(
    () => ({ title: words.title, hits: words.hits, added: words.added }),
    [words.title, words.hits, words.added],
  );
  return (
    <>
      <Suspense fallback={<p>{words.loading}</p>}>
        <BacktestChart days={days} labels={labels} />
      </Suspense>
      <details>
        <summary>{words.table}</summary>
        <table className="values">
          {caption && <caption className="visually-hidden">{words.title}</caption>}
          <thead>
            <tr>
              <th scope="col">{words.day}</th>
              <th scope="col">{words.assessed}</th>
              <th scope="col">{words.hits}</th>
              <th scope="col">{words.added}</th>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((d) => !assessedOnly || d.assessed > 0)
              .map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td className="num">{d.assessed}</td>
                  <td className="num">{d.hits}</td>
                  <td className="num">{d.addedControlLoad}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
