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
import type { IprService } from '../ipr/index.ts';
import type { OperatorRegistryService } from '../operators/index.ts';
import type { ReferenceService } from '../reference/index.ts';
import * as parties from './demo-parties.ts';
import { DEMO_PACK_DIR } from './demo-pack.ts';
import { DemoPostError } from './run-demo.ts';

/** The file of made-up trade measures, in the import format of `vigil reference import measures`. */
export const DEMO_MEASURES_FILE: URL = new URL('measures.csv', DEMO_PACK_DIR);
const DEMO_REGISTERS_FILE: URL = new URL('registers.json', DEMO_PACK_DIR);
/** The made-up IPR applications for action (data/ipr/README.md). */
export const DEMO_IPR_FILE: URL = new URL('../ipr/demo-applications.ndjson', DEMO_PACK_DIR);

/** The day the demo's operators are registered from. */
const REGISTERED_FROM = '2015-01-01';

export interface DemoRegisterServices {
  readonly operatorRegistry: Pick<OperatorRegistryService, 'import'>;
  readonly certificates: Pick<CertificateService, 'import'>;
  readonly ipr: Pick<IprService, 'import'>;
  readonly reference: Pick<ReferenceService, 'importFile' | 'lists'>;
}

export interface DemoRegistersSummary {
  readonly operators: number;
  readonly aeo: number;
  readonly certificates: number;
  /** IPR applications for action (made-up right holders and brands). */
  readonly iprApplications: number;
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

/** The demo registers as import bodies: the register of operators', the certificates', the measures file. */
export async function demoRegisterFiles(): Promise<{
  readonly operators: readonly Record<string, unknown>[];
  readonly certificates: readonly Record<string, unknown>[];
  readonly measures: string;
  /** The IPR applications, as NDJSON. */
  readonly ipr: string;
  readonly summary: Omit<DemoRegistersSummary, 'measures' | 'iprApplications'>;
}> {
  const file = JSON.parse(await readFile(DEMO_REGISTERS_FILE, 'utf8')) as RegistersFile;
  const operators = demoOperators();
  const tagged = (record: string, rows: readonly Record<string, unknown>[]) =>
    rows.map((r) => ({ record, ...r }));
  return {
    operators: [
      ...operators,
      ...tagged('aeo', file.aeo),
      ...tagged('mra', file.mras),
      ...tagged('mra-partner', file.partners),
    ],
    certificates: [...tagged('certificate', file.certificates), ...tagged('requirement', file.requirements)],
    measures: await readFile(DEMO_MEASURES_FILE, 'utf8'),
    ipr: await readFile(DEMO_IPR_FILE, 'utf8'),
    summary: { operators: operators.length, aeo: file.aeo.length, certificates: file.certificates.length },
  };
}

/** The sid of the file's first measure: there when the demo measures are loaded. */
const firstSid = (csv: string): string => /\n([^,]+),/.exec(csv)?.[1] ?? '';

/**
 * Loads the demo registers for `authority` through the registries' imports (an admin of the authority,
 * audited as `demo-pack`), and the demo measures into the shared reference data unless they are in it.
 */
export async function installDemoRegisters(
  services: DemoRegisterServices,
  authority: string,
): Promise<DemoRegistersSummary> {
  const admin: Actor = { authority, role: 'admin', subject: 'demo-pack' };
  const files = await demoRegisterFiles();
  await services.operatorRegistry.import(admin, files.operators, 'json', {});
  await services.certificates.import(admin, files.certificates, 'json', {});
  const ipr = await services.ipr.import(admin, files.ipr, 'ndjson', {});
  const measures =
    services.reference.lists().versions('measures', firstSid(files.measures)).length > 0
      ? 0
      : (
          await services.reference.importFile({ authority, actor: 'demo-pack' }, 'measures', files.measures, {
            source: 'demo-pack/measures.csv',
          })
        ).loaded;
  return { ...files.summary, iprApplications: ipr.applications.created + ipr.applications.updated, measures };
}

/**
 * `vigil demo --registers`: the same through a running server's API, with an admin's token of the
 * demo authority (for a server whose demo pack was installed before the registers were part of it).
 */
export async function postDemoRegisters(base: string, token: string): Promise<DemoRegistersSummary> {
  const files = await demoRegisterFiles();
  const call = async (method: string, path: string, body?: string, type?: string): Promise<Response> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(type !== undefined ? { 'content-type': type } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    if (!res.ok && !(method === 'GET' && res.status === 404)) {
      throw new DemoPostError(
        `${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 500)}`,
      );
    }
    return res;
  };
  for (const [path, records] of [
    ['/v1/operators/import', files.operators],
    ['/v1/certificates/import', files.certificates],
  ] as const) {
    await (await call('POST', path, JSON.stringify(records), 'application/json')).arrayBuffer();
  }
  const ipr = (await (
    await call('POST', '/v1/ipr-applications/import', files.ipr, 'application/x-ndjson')
  ).json()) as { applications: { created: number; updated: number } };
  const known = await call('GET', `/v1/reference/measures/${firstSid(files.measures)}`);
  await known.arrayBuffer();
  const measures =
    known.status === 200
      ? 0
      : (
          (await (
            await call(
              'POST',
              '/v1/reference/measures/imports?source=demo-pack/measures.csv',
              files.measures,
              'text/csv',
            )
          ).json()) as { loaded: number }
        ).loaded;
  return { ...files.summary, iprApplications: ipr.applications.created + ipr.applications.updated, measures };
}
