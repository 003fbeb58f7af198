/**
 * The demo traffic generator: realistic, deterministic ENS filings for tests, benchmarks and `vigil demo`,
 * and the demo RIF traffic between authorities (`vigil demo --cooperation`).
 */
export { DEMO_DEFAULTS, generateDemoFilings } from './demo-generator.ts';
export type {
  DemoExpectation,
  DemoFiling,
  DemoOptions,
  FilingBody as DemoFilingBody,
  PlantedRisk,
  PlantedRiskKind,
} from './demo-types.ts';
export { DEMO_ERROR_CODES } from './demo-faults.ts';
export type { DemoErrorCode } from './demo-faults.ts';
export {
  DEMO_GOODS,
  DEMO_MISDECLARATIONS,
  DEMO_TYPICAL_UNIT_VALUES,
  typicalUnitValue,
} from './demo-goods.ts';
export type { DemoGoods, Misdeclaration, TypicalUnitValue } from './demo-goods.ts';
export { DEMO_BAD_OPERATORS, DEMO_WATCHLIST_CONTAINERS } from './demo-parties.ts';
export type { DemoParty } from './demo-parties.ts';
export { DEMO_ANTI_DUMPING_HS6, DEMO_TRANSSHIPMENT_HUBS, operatorNameVariant } from './demo-plant.ts';
export { DemoPostError, acceptedCount, runDemo, waitUntilReady } from './run-demo.ts';
export type { RunDemoIo, RunDemoOptions, RunDemoResult } from './run-demo.ts';
export {
  COOPERATION_DEMO_ACTIONS,
  COOPERATION_DEMO_FILE,
  CooperationDemoError,
  CooperationDemoRequestError,
  demoDirectoryEntries,
  loadCooperationDemo,
  parseCooperationDemo,
  rifBodyAt,
  runCooperationDemo,
} from './demo-cooperation.ts';
export type {
  CooperationDemo,
  CooperationDemoAction,
  CooperationDemoOptions,
  CooperationDemoRif,
  CooperationDemoRole,
  CooperationDemoStep,
  CooperationDemoSummary,
} from './demo-cooperation.ts';
export { installDemoRegisters, postDemoRegisters } from './demo-registers.ts';
export { DEMO_PASSWORD, demoUsers } from './demo-users.ts';
export type { DemoUser } from './demo-users.ts';
