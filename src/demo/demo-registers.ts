/**
 * The demo's registers (issue 13), so the demo traffic meets live reference data: every identification
 * number the demo's parties file under registered as an operator (but the flagged operators'), AEO
 * authorisations of a few importers (one suspended), a mutual recognition agreement with partner
 * operators, certificates with quantities and the measures requiring them (data/demo-pack/registers.json),
 * and a set of trade measures (data/demo-pack/measures.csv). All of it is made up and labelled so.
 * Loaded through the registries' own imports, as an admin of the demo authority would load them, so
 * every record is checked and audited like any other; installed with the demo pack on first start.
 */
import { readFile } from 'node:fs/promises';
import type { Actor } from '../auth/index.ts';
import type { CertificateService } from '../certificates/index.ts';
import type { OperatorRegistryService } from '../operators/index.ts';
import type { ReferenceService } from '../reference/index.ts';
import * as parties from './demo-parties.ts';
import { DEMO_PACK_DIR } from './demo-pack.ts';

/** The file of made-up trade measures, in the import format of `vigil reference import measures`. */
export const DEMO_MEASURES_FILE: URL = new URL('measures.csv', DEMO_PACK_DIR);
const DEMO_REGISTERS_FILE: URL = new URL('registers.json', DEMO_PACK_DIR);

/** The day the demo's operators are registered from. */
const REGISTERED_FROM = '2015-01-01';

export interface DemoRegisterServices {
  readonly operatorRegistry: Pick<OperatorRegistryService, 'import'>;
  readonly certificates: Pick<CertificateService, 'import'>;
  readonly reference: Pick<ReferenceService, 'importFile' | 'lists'>;
}

export interface DemoRegistersSummary {
  readonly operators: number;
  readonly aeo: number;
  readonly certificates: number;
  /** Measures loaded now; 0 when the shared reference data has them already. */
  readonly measures: number;
}

interface RegistersFile {
  readonly aeo: readonly Record<string, unknown>[];
  readonly mras: readonly Record<string, unknown>[];
  readonly partners: readonly Record<string, unknown>[];
  readonly certificates: readonly Record<string, unknown>[];
  readonly requirements: readonly Record<string, unknown>[];
}

/** Every party with an identification number in the demo's tables of parties, once per number. */
export function demoOperators(): Record<string, string>[] {
  const flagged = new Set(parties.DEMO_BAD_OPERATORS.map((p) => p.eori));
  const found = new Map<string, Record<string, string>>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== 'object' || v === null) {
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['eori'] === 'string' && typeof o['name'] === 'string') {
      const eori = o['eori'];
      const address = (o['address'] ?? {}) as Record<string, string | undefined>;
      const country = address['country'] ?? eori.slice(0, 2);
      if (!flagged.has(eori) && !found.has(eori)) {
        found.set(eori, {
          record: 'operator',
          eori,
          name: o['name'],
          // A carrier's tables give no address: its EORI's country stands for it.
          ...(address['street'] !== undefined ? { street: address['street'] } : {}),
          ...(address['city'] !== undefined ? { city: address['city'] } : {}),
          ...(address['postcode'] !== undefined ? { postcode: address['postcode'] } : {}),
          country,
          validFrom: REGISTERED_FROM,
        });
      }
      return;
    }
    Object.values(o).forEach(visit);
  };
  Object.values(parties).forEach(visit);
  return [...found.values()].sort((a, b) => a['eori']!.localeCompare(b['eori']!));
}

/**
 * Loads the demo registers for `authority` through the registries' imports (an admin of the authority,
 * audited as `demo-pack`), and the demo measures into the shared reference data unless they are in it.
 */
export async function installDemoRegisters(
  services: DemoRegisterServices,
  authority: string,
): Promise<DemoRegistersSummary> {
  const admin: Actor = { authority, role: 'admin', subject: 'demo-pack' };
  const file = JSON.parse(await readFile(DEMO_REGISTERS_FILE, 'utf8')) as RegistersFile;
  const operators = demoOperators();
  const tagged = (record: string, rows: readonly Record<string, unknown>[]) =>
    rows.map((r) => ({ record, ...r }));
  await services.operatorRegistry.import(
    admin,
    [
      ...operators,
      ...tagged('aeo', file.aeo),
      ...tagged('mra', file.mras),
      ...tagged('mra-partner', file.partners),
    ],
    'json',
    {},
  );
  await services.certificates.import(
    admin,
    [...tagged('certificate', file.certificates), ...tagged('requirement', file.requirements)],
    'json',
    {},
  );
  const csv = await readFile(DEMO_MEASURES_FILE, 'utf8');
  const firstSid = /\n([^,]+),/.exec(csv)?.[1] ?? '';
  const measures =
    services.reference.lists().versions('measures', firstSid).length > 0
      ? 0
      : (
          await services.reference.importFile({ authority, actor: 'demo-pack' }, 'measures', csv, {
            source: 'demo-pack/measures.csv',
          })
        ).loaded;
  return {
    operators: operators.length,
    aeo: file.aeo.length,
    certificates: file.certificates.length,
    measures,
  };
}
