/**
 * An active rule body for `POST /v1/rules` in tests: an IPR risk asking for a physical check, with
 * whatever the test sets (`id` and `condition` at least).
 */
export const testRule = (over: Record<string, unknown>): Record<string, unknown> => ({
  title: 'test rule',
  riskArea: 'ipr',
  weight: 40,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'test',
  ...over,
});
