/**
 * The model store: fraud-ranking model files kept in the database, versioned per authority with
 * their features, training window and evaluation, one version active. `active()` hands out the
 * loaded, compiled model and keeps it cached; each call asks the database only which version is
 * active (one indexed row) and reloads the model when that changed, so activating a model in one
 * process reaches every other process on its next declaration.
 */
import { createHash } from 'node:crypto';
import { VigilError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { IMPORT_CODES } from '../import-declarations/import-codes.ts';
import { ModelRepository } from './model.repository.ts';
import type { ModelRow } from './model.repository.ts';
import type { Clock } from '../domain/index.ts';
import { KcsModelError, parseModelFile } from '../kcs/index.ts';
import type { KcsModel } from '../kcs/index.ts';

export type { ModelRow } from './model.repository.ts';

export interface ActiveModel {
  readonly version: number;
  readonly model: KcsModel;
}

export interface SavedModel {
  readonly model: ModelRow;
  /** False when the same file was imported before: its existing version is returned. */
  readonly created: boolean;
}

export interface ModelStoreDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly repo?: ModelRepository | undefined;
}

export class ModelStore {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #repo: ModelRepository;
  readonly #cache = new Map<string, ActiveModel>();

  constructor(deps: ModelStoreDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#repo = deps.repo ?? new ModelRepository();
  }

  /**
   * Stores a model file (parsed JSON or its text) as the authority's next version, inactive.
   * Throws a VigilError when it is not a model file Vigil can read. `tx` should be a transaction of
   * `db.forAuthority(authority)`.
   */
  async save(tx: Queryable, authority: string, modelFileJson: unknown, by = 'system'): Promise<SavedModel> {
    let json = modelFileJson;
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json);
      } catch (e) {
        throw new VigilError(
          IMPORT_CODES.modelInvalid,
          `the model file is not JSON: ${(e as Error).message}`,
        );
      }
    }
    let parsed: KcsModel;
    try {
      parsed = parseModelFile(json);
    } catch (e) {
      if (e instanceof KcsModelError) {
        throw new VigilError(IMPORT_CODES.modelInvalid, e.message);
      }
      throw e;
    }
    const body = JSON.stringify(json);
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    const known = await this.#repo.findBySha(tx, authority, sha256);
    if (known !== undefined) {
      return { model: known, created: false };
    }
    const file = parsed.file;
    const model = await this.#repo.insert(tx, {
      authority,
      sha256,
      features: file.features,
      trainingWindow: file.trainingWindow,
      evaluation: file.evaluation,
      body,
      createdBy: by,
      createdAt: this.#clock.now(),
    });
    return { model, created: true };
  }

  /** Makes a stored version the active one. */
  async activate(authority: string, version: number): Promise<ModelRow> {
    const row = await this.#db
      .forAuthority(authority)
      .transaction((tx) => this.#repo.activate(tx, authority, version, this.#clock.now()));
    if (row === undefined) {
      throw new VigilError(IMPORT_CODES.modelNotFound, `no model version ${version} in ${authority}`);
    }
    return row;
  }

  /** The authority's active model, loaded and compiled; undefined when none is active. */
  async active(
    authority: string,
    q: Queryable = this.#db.forAuthority(authority),
  ): Promise<ActiveModel | undefined> {
    const version = await this.#repo.activeVersion(q, authority);
    if (version === undefined) {
      this.#cache.delete(authority);
      return undefined;
    }
    const cached = this.#cache.get(authority);
    if (cached?.version === version) {
      return cached;
    }
    const body = await this.#repo.body(q, authority, version);
    const loaded: ActiveModel = { version, model: parseModelFile(body) };
    this.#cache.set(authority, loaded);
    return loaded;
  }

  async list(authority: string): Promise<ModelRow[]> {
    return this.#repo.list(this.#db.forAuthority(authority), authority);
  }
}
