/**
 * The filing the API documentation shows (docs/openapi.json): the demo generator's second filing of
 * seed 1 (a maritime F10, small enough to read) at a fixed moment, so the document is the same on
 * every run and its example is a filing the validator accepts.
 */
import { generateDemoFilings } from './demo-generator.ts';
import type { FilingBody } from './demo-types.ts';

/** The moment the example filing is lodged: its dates are relative to it. */
export const DEMO_EXAMPLE_NOW = new Date('2027-03-01T10:00:00Z');

export function demoExampleFiling(): FilingBody {
  const filings = [
    ...generateDemoFilings({ count: 2, seed: 1, now: DEMO_EXAMPLE_NOW, invalidShare: 0, riskyShare: 0 }),
  ];
  return filings[1]!.filing as FilingBody;
}
