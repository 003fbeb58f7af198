/**
 * The STIX 2.1 door of cooperation: a RIF the actor may read goes out as a bundle (with the feedback
 * the actor may see, as sightings), and a bundle from another system comes in as a draft RIF of the
 * importing authority, checked against the STIX objects' schemas and then against the RIF contract,
 * every error at once. The answer names the source RIF (id, issuer, version); issuing the draft stays
 * the analyst's decision.
 */
import { VigilError } from '../errors/index.ts';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { rifToStix, stixToRif } from './stix.ts';
import type { StixBundle } from './stix.ts';
import type { DuplicateCandidate, RifService } from './rif.service.ts';
import type { Rif } from './rif.schema.ts';

export interface StixExchangeDeps {
  readonly rifs: Pick<RifService, 'get' | 'feedbackOf' | 'create'>;
}

export class StixExchange {
  readonly #d: StixExchangeDeps;

  constructor(deps: StixExchangeDeps) {
    this.#d = deps;
  }

  async exportRif(actor: Actor, id: string): Promise<StixBundle> {
    requirePermission(actor, 'rif.read');
    const { rif } = await this.#d.rifs.get(actor, id);
    const { feedback } = await this.#d.rifs.feedbackOf(actor, id);
    return rifToStix(rif, feedback);
  }

  async importBundle(
    actor: Actor,
    bundle: unknown,
  ): Promise<{
    rif: Rif;
    duplicates: DuplicateCandidate[];
    source: { id: string; issuer: string; version: number };
  }> {
    requirePermission(actor, 'rif.write');
    const parsed = stixToRif(bundle);
    if (!parsed.ok) {
      throw new VigilError(
        'VIGIL_STIX_INVALID',
        `the STIX bundle has ${parsed.errors.length} error(s)`,
        parsed.errors,
      );
    }
    const source = parsed.value.rif;
    const {
      id,
      version,
      issuer,
      author: _author,
      status: _status,
      createdAt: _created,
      updatedAt: _updated,
      issuedAt: _issued,
      withdrawnAt: _withdrawn,
      withdrawalReason: _reason,
      ...body
    } = source;
    const created = await this.#d.rifs.create(actor, body);
    return { ...created, source: { id, issuer, version } };
  }
}
